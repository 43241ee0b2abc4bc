"""A build runs with Python's cyclic garbage collector held off (its collections walked the growing heap again
and again for next to nothing): what a stage lets go of must then be freed by reference counting alone, so the
read model the dumps and the catalogue were made from holds no reference cycle; and the caller's setting of the
collector is back when the build ends, whether it succeeded or not."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from publish.build import BuildSummary, build_site, check_inputs, code_key, gather, load_sources
from publish.collector import keep_until_exit, kept, let_go
from publish.config import Config, load_config
from publish.errors import NonConforming
from publish.progress import as_progress
from publish.urls import UrlPolicy

from .conftest import ROOT, copy_project

PLAN_FILE = "data/ambitioner-og-retning-2020.ttl"


def test_the_read_model_is_freed_without_the_collector_once_the_site_files_are_made(config: Config) -> None:
    """The data index, the dataset and the dumps' inputs are gone as soon as the build lets go of them, with the
    collector off: a reference cycle among them would keep them (some 4 million objects at 1000 plans) until a
    collection, for the rest of the build."""
    policy = UrlPolicy(config.base_iri)
    report = as_progress(None)
    enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        inputs = check_inputs(config, report)
        parted = (inputs.data_files, code_key(config), {})
        gathered = gather(config, policy, load_sources(config), BuildSummary(config.out_dir), report, parted)
        assert len(gathered.index.triples) > 1000
        index, data = weakref.ref(gathered.index), gathered.data
        gathered.release()
        assert index() is None
        assert gathered.data == [] and len(data) > 1000  # the dataset is no longer the build's
        assert gathered.graph.entities  # the pages' graph stays
    finally:
        if enabled:
            gc.enable()


@pytest.mark.parametrize("conforms", [True, False])
def test_a_build_gives_the_collector_back_as_it_found_it(tmp_path: Path, conforms: bool) -> None:
    project = copy_project(tmp_path / "project")
    if not conforms:
        plan = project / PLAN_FILE
        text = plan.read_text(encoding="utf-8")
        plan.write_text(text.replace('"2020-02-17"^^xsd:date', '"17. februar 2020"', 1), encoding="utf-8")
    config = load_config(project, {"out_dir": str(tmp_path / "site")}, environ={})
    assert gc.isenabled()
    during = []
    try:
        build_site(config, progress=lambda _line: during.append(gc.isenabled()))
    except NonConforming:
        assert not conforms
    else:
        assert conforms
    assert during and not any(during)  # held off while the build ran
    assert gc.isenabled()


class _Big:
    """Stands for a structure a build lets go of (weak references need a class of our own)."""


def test_what_is_let_go_of_is_freed_at_once_unless_the_process_keeps_it_until_it_ends() -> None:
    """A watching process and the tests go on after a build: what it let go of must be freed there. Only the
    command line's own process keeps it, to end without freeing it object by object."""
    try:
        keep_until_exit(False)
        freed = _Big()
        let_go(freed)
        gone = weakref.ref(freed)
        del freed
        assert gone() is None and kept() == 0
        keep_until_exit()
        held = _Big()
        let_go(held)
        alive = weakref.ref(held)
        del held
        assert alive() is not None and kept() == 1
    finally:
        keep_until_exit(False)
    assert alive() is None


ENDING = """
import atexit, sys
from publish.cli import end
from publish.collector import keep_until_exit, let_go
keep_until_exit({keep})
let_go([object() for _ in range(10)] if {keep} else None)
atexit.register(lambda: print("exit handlers ran"))
print("built", end="")
sys.stderr.write("warned")
end(3)
"""


@pytest.mark.parametrize("keep", [True, False])
def test_a_process_that_kept_what_it_let_go_of_ends_with_its_status_and_everything_it_printed(keep: bool) -> None:
    """Ending at once still gives the exit status and the output the command printed (buffered in a pipe); only
    a process that kept nothing ends as usual, running its exit handlers."""
    done = subprocess.run(
        [sys.executable, "-c", ENDING.format(keep=keep)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 3
    assert done.stderr == "warned"
    assert done.stdout == ("built" if keep else "builtexit handlers ran\n")


def test_a_build_started_without_standard_output_ends_with_status_0(tmp_path: Path) -> None:
    """`planlod build >&-` (Python then has no sys.stdout): the build is committed and the process ends with 0,
    not with an error about the missing stream."""
    project = copy_project(tmp_path / "project")
    command = [sys.executable, "-m", "publish", "build", "--project", str(project), "--out", str(tmp_path / "site")]
    done = subprocess.run(
        ["sh", "-c", '"$@" >&-', "sh", *command], stderr=subprocess.PIPE, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert "error" not in done.stderr
    assert (tmp_path / "site" / "dump" / "latest.ttl").stat().st_size > 100_000


def test_the_command_line_ends_a_build_with_its_summary_and_status(tmp_path: Path) -> None:
    """`planlod build` as a console script: the process ends once the site is committed, with the summary line
    on its output (a pipe, so buffered) and exit status 0, and the site complete."""
    project = copy_project(tmp_path / "project")
    done = subprocess.run(
        [sys.executable, "-m", "publish", "build", "--project", str(project), "--out", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith(f"built {tmp_path / 'site'}: ") and done.stdout.endswith("\n")
    assert (tmp_path / "site" / "dump" / "latest.ttl").stat().st_size > 100_000
    assert "Traceback" not in done.stderr
