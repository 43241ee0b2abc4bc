"""The cyclic garbage collector held off while large acyclic structures are built.

Stage: none (a helper of every stage that builds indexes). Imports nothing of planlod's.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold off the cyclic garbage collector while building large acyclic structures (indexes, sort keys,
    documents): millions of new containers would otherwise set off full collections over the whole heap, again
    and again. Reference counting frees everything as usual; the previous setting is restored."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
