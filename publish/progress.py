"""How long work says what it is doing: a line when a step ends, and a count while a step works through many items.

Stage: shared (below every stage). Imports nothing of the package (tqdm draws the bars).
The library never prints: it reports to a `Progress`, and the command line decides where it goes (`Display`, for
the build and `planlod suggest`: a tqdm bar with count, rate and time left when the stream is a terminal, a plain
line every few seconds otherwise, so that logs stay readable). A plain callable of one string, as the build took
before, is a `Progress` that shows the lines and no counts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Protocol, TypeVar

T = TypeVar("T")


class Counter(Protocol):
    """A count being shown: `update` adds done items, `close` ends it."""

    def update(self, n: int = 1) -> object: ...

    def close(self) -> None: ...


# Makes a counter: (what is counted, how many in all, the unit's name).
Counters = Callable[[str, int, str], Counter]


class Progress:
    """Where work reports: `progress(line)` when a step ends, `with progress.count(what, total, unit) as done:`
    while a step works through `total` items (`done(n)` after each n)."""

    def __init__(self, lines: Callable[[str], None] | None = None, counters: Counters | None = None) -> None:
        self.lines = lines
        self.counters = counters

    def __call__(self, message: str) -> None:
        if self.lines is not None:
            self.lines(message)

    @contextmanager
    def count(self, what: str, total: int, unit: str) -> Iterator[Callable[[int], None]]:
        """A count of `total` items for the block; yields the function that adds done items."""
        if self.counters is None or total <= 0:
            yield _ignore
            return
        counter = self.counters(what, total, unit)

        def done(n: int) -> None:
            counter.update(n)

        try:
            yield done
        finally:
            counter.close()

    def each(self, items: Iterable[T], what: str, total: int, unit: str) -> Iterator[T]:
        """The items, counted as they are taken (`total` of them)."""
        with self.count(what, total, unit) as done:
            for item in items:
                yield item
                done(1)


def _ignore(_n: int) -> None:
    return None


QUIET = Progress()


def as_progress(progress: Progress | Callable[[str], None] | None) -> Progress:
    """A Progress for what a caller passed: a Progress, a callable of one line, or nothing."""
    if progress is None:
        return QUIET
    if isinstance(progress, Progress):
        return progress
    return Progress(progress)


def plain_line(label: str, done: int, total: int, elapsed: float) -> str:
    """The short plain line: 'label: 500/1000 (250.0/s, about 2 s left)'."""
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate > 0 else 0.0
    return f"{label}: {done}/{total} ({rate:.1f}/s, about {left:.0f} s left)"


class PlainCounter:
    """A count shown as a plain line every few seconds through `echo`, for output that is not a terminal: tqdm's
    meter with count, percentage, rate and time left; or, `final`, the short `plain_line`, and a line when the count
    ends as well."""

    EVERY = 5.0
    FORMAT = "{desc}: {n_fmt}/{total_fmt}{unit} ({percentage:.0f} %), {rate_fmt}, {remaining} left"

    def __init__(self, what: str, total: int, unit: str, echo: Callable[[str], None], final: bool = False) -> None:
        self.what, self.total, self.unit = what, total, f" {unit}"
        self.echo, self.final = echo, final
        self.n = 0
        self.start = self.shown = time.monotonic()

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if now - self.shown >= self.EVERY and self.n < self.total:
            self.shown = now
            self.echo(self.line(now))

    def line(self, now: float) -> str:
        if self.final:
            return plain_line(self.what, self.n, self.total, now - self.start)
        from tqdm import tqdm  # noqa: PLC0415 - tqdm loads in 0.06 s; a short build shows no count

        meter = tqdm.format_meter(
            self.n, self.total, now - self.start, prefix=self.what, unit=self.unit, bar_format=self.FORMAT
        )
        return " ".join(meter.split())

    def close(self) -> None:
        if self.final:
            self.echo(self.line(time.monotonic()))


@dataclass(frozen=True)
class Display:
    """Where counts are shown: a tqdm bar on `stream` when it is a terminal (gone when done), else plain lines
    through `echo` (`PlainCounter`). `final`: the bar stays when done, and the plain lines are the short ones, with
    one at the end."""

    stream: IO[str]
    echo: Callable[[str], None]
    final: bool = False

    def counter(self, what: str, total: int, unit: str) -> Counter:
        if self.stream.isatty():
            from tqdm import tqdm  # noqa: PLC0415 - tqdm loads in 0.06 s, only for a terminal

            bar: Counter = tqdm(
                total=total,
                desc=what,
                unit=f" {unit}",
                leave=self.final,
                dynamic_ncols=True,
                mininterval=0.25,
                file=self.stream,
            )
            return bar
        return PlainCounter(what, total, unit, self.echo, self.final)

    def progress(self, lines: Callable[[str], None] | None = None) -> Progress:
        """A Progress that shows its counts here and its lines through `lines`."""
        return Progress(lines, self.counter)
