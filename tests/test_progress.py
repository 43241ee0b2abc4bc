"""Progress people can see: the build's counts as plain lines when the output is not a terminal, and
`planlod build --watch`, which builds again after a save and says what changed."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from publish import cli, progress
from publish.progress import Progress, as_progress
from tests.conftest import ROOT, run_planlod


def test_plain_lines_when_the_output_is_not_a_terminal(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A line every EVERY seconds; with 0 every update is shown, so a small build shows its counts too.
    monkeypatch.setattr(progress.PlainCounter, "EVERY", 0.0)
    result = run_planlod("build", "--project", str(project), "--out", str(project / "_site"))
    assert result.code == 0, result.err
    lines = result.err.splitlines()
    rendering = [line for line in lines if line.startswith("rendering: ")]
    assert rendering, result.err
    # count of total, percentage, rate and time left, and nothing a terminal would need (no bar, no \r).
    assert all(" entities (" in line and " left" in line and "/s" in line for line in rendering), rendering
    assert "\r" not in result.err and "█" not in result.err
    total = int(rendering[0].split("/")[1].split()[0])
    done = [int(line.split(": ")[1].split("/")[0]) for line in rendering]
    assert done == sorted(done) and all(0 < n < total for n in done)
    assert any(line.startswith("validate: ") and " shapes (" in line for line in lines), result.err
    assert any(line.startswith("dumps: ") and " files (" in line for line in lines), result.err
    # The step lines and the summary stay on standard output.
    assert result.out.splitlines()[-1].startswith("built ")


def test_a_plain_line_every_few_seconds_and_none_at_the_end(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = [100.0]
    monkeypatch.setattr(cli.time, "monotonic", lambda: clock[0])
    counter = progress.PlainCounter("rendering", 100, "entities", lambda line: print(line, file=sys.stderr))
    for _ in range(99):
        clock[0] += 0.5  # an entity every half second: a line every ten entities
        counter.update(1)
    counter.update(1)  # the last one: the step's own line says it ended
    counter.close()
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 9, lines
    assert lines[0] == "rendering: 10/100 entities (10 %), 2.00 entities/s, 00:45 left"


def test_a_progress_is_made_from_what_callers_pass() -> None:
    seen: list[str] = []
    as_progress(seen.append)("one")
    as_progress(None)("nothing")
    shown = Progress(seen.append)
    assert as_progress(shown) is shown
    with shown.count("items", 3, "items") as done:  # no counters: counting does nothing
        done(3)
    assert seen == ["one"]


class _Lines:
    """The lines a process writes, read on a thread so that a test can wait for one with a time limit."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(target=lambda: [self.lines.put(line) for line in stream], daemon=True).start()

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=max(0.0, end - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} within {timeout} s; saw:\n{''.join(self.seen)}")


@pytest.fixture
def watching(project: Path) -> Iterator[tuple[Path, subprocess.Popen[str], _Lines]]:
    command = [sys.executable, "-m", "publish", "build", "--watch", "--interval", "0.1", "--project", str(project)]
    command += ["--out", str(project / "_site")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        yield project, process, _Lines(process)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.slow
def test_watch_builds_again_after_a_save_and_says_what_changed(
    watching: tuple[Path, subprocess.Popen[str], _Lines],
) -> None:
    project, process, lines = watching
    lines.wait_for("watching")
    assert (project / "_site" / "index.html").is_file()
    data = project / "data" / "ambitioner-og-retning-2020.ttl"
    text = data.read_text(encoding="utf-8")
    assert '"Ambitions and direction"@en' in text
    data.write_text(text.replace('"Ambitions and direction"@en', '"Ambitions and directions"@en'), encoding="utf-8")
    line = lines.wait_for("data/ambitioner-og-retning-2020.ttl")
    assert "~data/ambitioner-og-retning-2020.ttl: built " in line and "made again" in line, line
    pages = list((project / "_site").rglob("*.html"))
    assert any("Ambitions and directions" in page.read_text(encoding="utf-8") for page in pages)
    # A save that breaks the data: the watch says so, keeps the site and goes on.
    data.write_text(text.replace("dct:title", "dct:title ,", 1), encoding="utf-8")
    line = lines.wait_for("not built")
    assert "~data/ambitioner-og-retning-2020.ttl" in line and "the site is as it was" in "".join(lines.seen)
    assert process.poll() is None
    # Put right again: built again.
    data.write_text(text, encoding="utf-8")
    lines.wait_for("~data/ambitioner-og-retning-2020.ttl: built")
