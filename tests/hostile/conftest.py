"""The hostile-inputs suite: bad data files, bad settings, hostile HTTP and SPARQL, hostile push targets (and bad
workbooks, in test_workbooks.py, when spreadsheet authoring adds them).

Every case states the exit code (or HTTP status) it must end with and a pattern its message must match; none may
print a traceback or "internal error", and none may change a previously built site: `previous_site` is built once
per session, and `unchanged` compares its files (names, sizes, modification times, inodes) before and after.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CliResult, copy_project, run_planlod

# What no case may print.
FORBIDDEN = ("Traceback", "internal error", "This is a bug", "RecursionError", "Failed to convert Literal")


@dataclass(frozen=True)
class Expect:
    """What a case must end with: an exit code and a pattern (regex) its output must hold."""

    code: int
    message: str


def assert_outcome(result: CliResult, expect: Expect, case: str = "") -> None:
    """The run ended as expected, with a plain message and nothing a user should never see."""
    output = result.out + result.err
    assert result.code == expect.code, f"{case}: exit {result.code}, expected {expect.code}\n{output[-3000:]}"
    assert re.search(expect.message, output), f"{case}: no {expect.message!r} in:\n{output[-3000:]}"
    for forbidden in FORBIDDEN:
        assert forbidden not in output, f"{case}: {forbidden!r} in:\n{output[-3000:]}"
    if result.code == 2:
        assert "planlod: error: " in result.err or "Error: " in result.err, output[-2000:]


Snapshot = dict[str, tuple[int, int, int]]


def snapshot(folder: Path) -> Snapshot:
    """Every file and folder under `folder` (hidden ones too, the build's own records included), with size,
    modification time and inode; and what `folder` itself is (a folder, or a link and its target)."""
    found: Snapshot = {}
    if folder.is_symlink():
        found["<link>"] = (hash(os.readlink(folder)), 0, 0)
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            path = Path(root, name)
            info = path.lstat()
            found[str(path.relative_to(folder))] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return found


def siblings(folder: Path) -> set[str]:
    """The names beside the output folder and in its folder of generations: what a build works in must not be
    left there."""
    names = {p.name for p in folder.parent.iterdir()}
    generations = folder.with_name(f".{folder.name}.sites")
    if generations.is_dir():
        names |= {f"{generations.name}/{p.name}" for p in generations.iterdir()}
    return names


@pytest.fixture(scope="session")
def hostile_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="session")
def previous_site(hostile_root: Path) -> Path:
    """A site built from the project's own data: what every failing case must leave as it is."""
    project = copy_project(hostile_root / "built-project")
    out = hostile_root / "published" / "site"
    result = run_planlod("build", "--project", str(project), "--out", str(out))
    assert result.code == 0, result.err
    return out


@pytest.fixture
def unchanged(previous_site: Path) -> Iterator[Path]:
    """The previously built site, checked to be exactly as it was after the case (and no leftovers beside it)."""
    before, beside = snapshot(previous_site), siblings(previous_site)
    yield previous_site
    assert snapshot(previous_site) == before, "the previously built site changed"
    assert siblings(previous_site) == beside, "a build left something beside the site"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A throw-away copy of the project for a case to spoil."""
    folder = copy_project(tmp_path / "project")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def build_and_validate(project: Path, out: Path) -> tuple[CliResult, CliResult]:
    """`planlod validate` and `planlod build` of a project (the build into `out`)."""
    validated = run_planlod("validate", "--project", str(project))
    built = run_planlod("build", "--project", str(project), "--out", str(out))
    return validated, built
