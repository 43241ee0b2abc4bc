"""Work run beside the build (`beside.Beside`): what the build validates while it gathers. The result and the
errors come back as if the work had run in the build's process, its progress is shown by the build, and a build
that stops leaves no process behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from publish.beside import Beside
from publish.errors import BuildError, NonConforming
from publish.progress import Progress


class Recorded:
    """A Progress's lines and counts, as a display would get them."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.counts: list[tuple[str, int, str]] = []
        self.done: list[int] = []
        self.closed = 0

    def progress(self) -> Progress:
        recorded = self

        class Counter:
            def update(self, n: int = 1) -> None:
                recorded.done.append(n)

            def close(self) -> None:
                recorded.closed += 1

        def counter(what: str, total: int, unit: str) -> Counter:
            self.counts.append((what, total, unit))
            return Counter()

        return Progress(self.lines.append, counter)


def test_the_work_runs_in_another_process_and_its_result_comes_back() -> None:
    def work(report: Progress) -> tuple[int, bytes]:
        return os.getpid(), b"x" * 3_000_000  # larger than a pipe's buffer

    with Beside(work, Progress()) as beside:
        pid, payload = beside.result()
    assert pid != os.getpid() and payload == b"x" * 3_000_000


def test_what_the_work_raises_is_raised_by_result() -> None:
    def refuses(report: Progress) -> None:
        raise NonConforming("the data do not conform (1 violation(s)); nothing was written.\nViolation: …")

    with Beside(refuses, Progress()) as beside, pytest.raises(NonConforming, match=r"1 violation\(s\)"):
        beside.result()

    class Unpicklable(Exception):
        def __reduce__(self) -> object:
            raise TypeError("cannot be pickled")

    def fails(report: Progress) -> None:
        raise Unpicklable("a lock in it")

    with Beside(fails, Progress()) as beside, pytest.raises(BuildError, match="a lock in it"):
        beside.result()


def test_a_process_that_dies_is_an_error_not_a_hang() -> None:
    def dies(report: Progress) -> None:
        os._exit(3)

    with Beside(dies, Progress()) as beside, pytest.raises(BuildError, match="exit code 3"):
        beside.result()


def test_its_lines_and_counts_are_shown_by_the_build() -> None:
    recorded = Recorded()

    def work(report: Progress) -> int:
        report("checked the shapes")
        with report.count("validate", 5, "shapes") as done:
            for _ in range(5):
                done(1)
        return 5

    with Beside(work, recorded.progress()) as beside:
        assert beside.result() == 5
    assert recorded.lines == ["checked the shapes"]
    assert recorded.counts == [("validate", 5, "shapes")]
    # Every item is counted (sent in fewer messages than items), the first at once, and the count is closed.
    assert sum(recorded.done) == 5 and recorded.done[0] == 1 and recorded.closed == 1


def test_leaving_the_block_early_stops_the_work(tmp_path: Path) -> None:
    started = tmp_path / "started"

    def slow(report: Progress) -> None:
        started.write_text(str(os.getpid()))
        time.sleep(60)

    with pytest.raises(KeyError), Beside(slow, Progress()) as beside:
        while not started.exists():
            time.sleep(0.01)
        raise KeyError("the build stopped for another reason")
    assert beside.process is not None and not beside.process.is_alive()
    with pytest.raises(ProcessLookupError):
        os.kill(int(started.read_text()), 0)


def test_without_forking_the_work_runs_here_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Beside, "forks", False)
    calls: list[int] = []

    def work(report: Progress) -> int:
        calls.append(os.getpid())
        return 1

    beside = Beside(work, Progress())
    assert calls == [] and not beside.forked
    assert beside.result() == 1 and calls == [os.getpid()]
    assert beside.result() == 1 and calls == [os.getpid()], "called once, however often its result is asked"

    def refuses(report: Progress) -> None:
        calls.append(0)
        raise NonConforming("the data do not conform")

    refusing = Beside(refuses, Progress(), fork=False)
    for _ in range(2):
        with pytest.raises(NonConforming):
            refusing.result()
    assert calls.count(0) == 1
