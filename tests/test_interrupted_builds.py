"""Builds killed at random moments leave the previous site or the new one, byte for byte, and the next build
removes what they left.

`planlod build` runs as its own process and is killed (SIGKILL: nothing can clean up) after a random delay, in
turn a full build (`--force`) and an incremental one (one text of the plan changed, so the build updates the site).
After each kill the site must be exactly the site before (every file, the build's own records included) or
exactly the new one (every published file as a clean full build of the new data writes it); then the same build
runs to its end, and beside the site only its current generation (and the spare an update keeps) may remain.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publish import switch
from publish.incremental import STATE
from tests.conftest import ROOT, copy_project

pytestmark = pytest.mark.slow

PLAN = "data/ambitioner-og-retning-2020.ttl"
KILLS = 24


def files(root: Path, published_only: bool = False) -> dict[str, str]:
    """Every file of the site the output folder shows, with its digest (the build state left out on request)."""
    real = Path(os.path.realpath(root))
    return {
        p.relative_to(real).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(real.rglob("*"))
        if p.is_file() and not (published_only and p.name == STATE)
    }


def build(project: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "publish", "build", "--project", str(project), "--out", str(out), *extra],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def built(project: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """`planlod build` of the project into `out`, run to its end, its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "publish", "build", "--project", str(project), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def complete(project: Path, out: Path, *extra: str) -> float:
    started = time.monotonic()
    process = build(project, out, *extra)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()
    return time.monotonic() - started


def leftovers(out: Path) -> list[str]:
    """What lies beside the site besides its link, its current generation and the spare an update kept."""
    generation = os.path.realpath(out)
    found = [p.name for p in out.parent.iterdir() if p.name not in (out.name, f".{out.name}.sites")]
    sites = out.parent / f".{out.name}.sites"
    kept = switch.spare(out)
    spare = [] if kept is None else [str(kept[0])]
    found += [
        f"{sites.name}/{p.name}"
        for p in sites.iterdir()
        if p.name not in (switch.LOCK, switch.SPARE) and str(p) not in (generation, *spare)
    ]
    return found


@pytest.mark.parametrize("seed", [13])
def test_builds_killed_at_random_moments_leave_the_old_or_the_new_site(tmp_path: Path, seed: int) -> None:
    chooser = random.Random(seed)
    project = copy_project(tmp_path / "project")
    plan = project / PLAN
    versions = [plan.read_bytes()]
    versions.append(versions[0].replace(b'"Health"@en', b'"Public health"@en', 1))
    assert versions[1] != versions[0]
    # What each version's site holds: a clean full build of it.
    published = []
    for version in versions:
        plan.write_bytes(version)
        reference = tmp_path / f"reference-{len(published)}" / "site"
        complete(project, reference)
        published.append(files(reference, published_only=True))
    assert published[0] != published[1]

    out = tmp_path / "public" / "site"
    plan.write_bytes(versions[0])
    seconds = complete(project, out)
    current = 0
    outcomes = {"old": 0, "new": 0}
    for kill in range(KILLS):
        full = kill % 2 == 0
        target = 1 - current
        before = files(out)
        plan.write_bytes(versions[target])
        process = build(project, out, *(["--force"] if full else []))
        time.sleep(chooser.uniform(0.0, seconds * (1.0 if full else 0.8)))
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        after = files(out)
        if after == before:
            outcomes["old"] += 1
        else:
            assert files(out, published_only=True) == published[target], (
                f"kill {kill} ({'full' if full else 'incremental'}): the site is neither the old nor the new one"
            )
            outcomes["new"] += 1
        complete(project, out, *(["--force"] if full else []))
        assert files(out, published_only=True) == published[target]
        assert not leftovers(out), f"kill {kill}: left beside the site: {leftovers(out)}"
        current = target
    assert outcomes["old"] >= 1, outcomes  # the kills fell inside the builds, not only after them


def test_a_site_changed_by_hand_is_made_again(tmp_path: Path) -> None:
    """A page emptied, a document deleted, a dump edited: the next build, with nothing else changed, says so and
    makes those files again, byte for byte."""
    project = copy_project(tmp_path / "project")
    out = tmp_path / "site"
    complete(project, out)
    expected = files(out, published_only=True)
    real = Path(os.path.realpath(out))
    (real / "plan" / "ambitioner-og-retning-2020" / "index.html").write_bytes(b"")
    (real / "kommune" / "hedensted.ttl").unlink()
    dump = real / "dump" / "latest.nt"
    dump.write_bytes(dump.read_bytes().replace(b"Hedensted", b"Hxdensted", 1))
    repaired = built(project, out)
    assert repaired.returncode == 0, repaired.stderr
    assert "3 file(s) of" in repaired.stdout and "were removed or changed since the last build" in repaired.stdout
    assert files(out, published_only=True) == expected
    again = built(project, out)
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout


def test_files_changed_by_hand_beside_an_edit_are_made_again(tmp_path: Path) -> None:
    """After an edit the look for files changed by hand runs beside the loading (in another process): what it
    finds is said, and made again with the edit, byte for byte as a full build of the edited data makes it."""
    project = copy_project(tmp_path / "project")
    out = tmp_path / "site"
    complete(project, out)
    real = Path(os.path.realpath(out))
    (real / "kommune" / "hedensted.ttl").unlink()
    (real / "plan" / "ambitioner-og-retning-2020" / "index.html").write_bytes(b"")
    plan = project / "data" / "ambitioner-og-retning-2020.ttl"
    plan.write_text(plan.read_text(encoding="utf-8").replace('"Health"@en', '"Public health"@en', 1), "utf-8")
    repaired = built(project, out)
    assert repaired.returncode == 0, repaired.stderr
    assert "2 file(s) of" in repaired.stdout and "were removed or changed since the last build" in repaired.stdout
    assert "updated:" in repaired.stdout
    clean = tmp_path / "clean"
    complete(project, clean)
    assert files(out, published_only=True) == files(clean, published_only=True)


def slow_build(seconds: float, where: str) -> str:
    """A script running `planlod build --force` (project and output folder as its arguments) in two render
    processes, rendering each entity `seconds` slower: in both (`where` "everywhere") or only in the build's own
    process (`where` "in the build")."""
    condition = "True" if where == "everywhere" else "os.getpid() == build"
    return f"""
import os, sys, time
import publish.entities as entities

render_entity = entities.render_entity
build = os.getpid()

def slowly(*args):
    if {condition}:
        time.sleep({seconds})
    render_entity(*args)

entities.render_entity = slowly
entities.PARALLEL_THRESHOLD = 50
entities.os.sched_getaffinity = lambda _pid: {{0, 1}}
from publish.cli import main
sys.argv = ["planlod", "build", "--force", "--project", sys.argv[1], "--out", sys.argv[2]]
main()
"""


# A build whose rendering takes at least 50 ms an entity.
SLOW_RENDERING = slow_build(0.05, "everywhere")


def alive(pid: int) -> bool:
    """Whether a process runs (an ended one nobody has waited for yet does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return "\nState:\tZ" not in status


def build_with_worker(script: str, project: Path, out: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    """Start `script` (a build) and wait until it has forked its render worker; the build and the workers' ids."""
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(project), str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    workers: list[int] = []
    deadline = time.monotonic() + 300
    # On two cores the build renders one share itself and forks one worker for the other.
    while not workers and process.poll() is None and time.monotonic() < deadline:
        workers = [int(pid) for pid in children.read_text().split()]
        time.sleep(0.02)
    assert workers, process.stderr.read().decode() if process.stderr else ""
    return process, workers


def running_after(workers: list[int], seconds: float) -> list[int]:
    """The workers still running after at most `seconds`."""
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.02)
    return [pid for pid in workers if alive(pid)]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from /proc")
def test_the_render_workers_of_a_killed_build_stop_at_once(tmp_path: Path) -> None:
    """A killed build's render workers write nothing more into its folder (which the next build removes): each
    stops before its next entity instead of rendering the rest of its share."""
    project = copy_project(tmp_path / "project")
    process, workers = build_with_worker(SLOW_RENDERING, project, tmp_path / "site")
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    # The worker had more than a hundred entities of 50 ms or more left to render.
    assert not running_after(workers, 3)


# A build whose own share of the rendering takes 200 ms an entity while its worker renders at full speed: the
# worker is done long before the build reads what it sent.
SLOW_BUILD_PROCESS = slow_build(0.2, "in the build")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from /proc")
def test_a_killed_build_leaves_no_worker_holding_the_site(tmp_path: Path) -> None:
    """A render worker that finished its share waits for the build to read its result; when the build is killed
    then, the worker ends with it instead of waiting for ever with the site's lock (which it shares with the
    build), so the next build can run."""
    project = copy_project(tmp_path / "project")
    out = tmp_path / "public" / "site"
    process, workers = build_with_worker(SLOW_BUILD_PROCESS, project, out)
    # The worker renders its share in a few seconds; the build's own first run of entities takes 13 s.
    time.sleep(8)
    assert process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    assert not running_after(workers, 5)
    complete(project, out)
    assert not leftovers(out)
