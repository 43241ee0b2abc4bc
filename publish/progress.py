"""How long work says what it is doing: a line when a step ends, and a count while a step works through many items.

Stage: shared (below every stage). Imports nothing of the package.
The library never prints: it reports to a `Progress`, and the command line decides how to show it (`cli`: a bar
with count, rate and time left on a terminal, a plain line every few seconds otherwise). A plain callable of one
string, as the build took before, is a `Progress` that shows the lines and no counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol


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
