"""Progress of long suggestion runs: count, rate and time left.

Stage: suggest (display). Imports tqdm only. On a terminal a tqdm bar; otherwise plain lines
(at most one every few seconds, and the last one), so that logs stay readable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TypeVar

from tqdm import tqdm

T = TypeVar("T")
PLAIN_INTERVAL = 5.0


def plain_line(label: str, done: int, total: int, elapsed: float) -> str:
    """'label: 500/1000 (250.0/s, about 2 s left)'."""
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate > 0 else 0.0
    return f"{label}: {done}/{total} ({rate:.1f}/s, about {left:.0f} s left)"


def progress(
    items: Iterable[T],
    total: int,
    label: str,
    stream: IO[str],
    echo: Callable[[str], None],
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[T]:
    """Yield the items while showing how far the run has come: a bar when `stream` is a terminal, else
    lines through `echo` (the command line passes its own writer; the library never prints)."""
    if stream.isatty():
        yield from tqdm(items, total=total, desc=label, unit="text", file=stream, dynamic_ncols=True)
        return
    start = last = clock()
    done = 0
    for item in items:
        yield item
        done += 1
        now = clock()
        if now - last >= PLAIN_INTERVAL and done < total:
            echo(plain_line(label, done, total, now - start))
            last = now
    echo(plain_line(label, done, total, clock() - start))
