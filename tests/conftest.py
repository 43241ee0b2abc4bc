"""Shared test helpers: the project's own folders, throw-away copies of the project, and an in-process CLI.

Markers (pyproject.toml): `slow` (builds a site or corpus several times, runs pySHACL over many fixtures),
`server` (starts planlod serve and its SPARQL workers, nginx or Virtuoso), `browser` (headless Chromium). A test
that uses one of SERVER_FIXTURES is marked `server` here, so no such test can be left out of the marker by
mistake. The fast subset, `pytest -m "not slow and not server and not browser"`, runs in under a minute.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from publish.cli import main
from publish.config import Config, load_config
from publish.suggest.knowledge import build_knowledge
from publish.suggest.scoring import Suggester

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("ontology", "shapes", "data", "site", "pyproject.toml")
CORPUS = ROOT / "bench" / "corpus.py"


@dataclass(frozen=True)
class CliResult:
    """What a `planlod` run printed and how it exited."""

    code: int
    out: str
    err: str


# Fixtures that start a server: a test using any of them is marked `server`.
SERVER_FIXTURES = frozenset({"served", "tight", "virtuoso", "pushed", "oxigraph_rw", "virtuoso_bulk"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a server fixture `server`."""
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)


def run_planlod(*args: str) -> CliResult:
    """Run the planlod command line in this process, as `main()` does for the console script (but for ending the
    process: this one goes on)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    saved = sys.argv
    sys.argv = ["planlod", *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(ending=False)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        sys.argv = saved
    return CliResult(code, out.getvalue(), err.getvalue())


def docstring_ids(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes of a parsed module (its own, its classes' and its functions'), for checks
    that read a module's code but not its prose."""
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def copy_project(target: Path) -> Path:
    """A copy of the project's inputs (not its code) in `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.is_file():
            shutil.copy2(source, target / part)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A throw-away copy of the project that a test may edit."""
    yield copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def config() -> Config:
    """The configuration of the project itself."""
    return load_config(ROOT, environ={})


@pytest.fixture(scope="session")
def suggester(config: Config) -> Suggester:
    """The SDG suggester with everything it knows but the project's curated examples (its model and embedded
    titles take seconds to load: tests that use it are marked slow)."""
    return Suggester(build_knowledge(config, None))


def generate(out: Path, plans: int, seed: int, hash_seed: str = "0") -> subprocess.CompletedProcess[str]:
    """Run the generator as its command line does, with a given PYTHONHASHSEED."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    command = [sys.executable, str(CORPUS), "--plans", str(plans), "--seed", str(seed), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="session")
def corpus3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3-plan corpus (two municipalities, one edition series)."""
    out = tmp_path_factory.mktemp("corpus") / "c3"
    generate(out, 3, 1)
    return out
