"""The cyclic garbage collector held off while large acyclic structures are built, and freed memory given back.

Stage: none (a helper of every stage that builds indexes). Imports nothing of planlod's.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc(collect: bool = False) -> Iterator[None]:
    """Hold off the cyclic garbage collector while building large acyclic structures (indexes, sort keys,
    documents): millions of new containers would otherwise set off full collections over the whole heap, again
    and again. Reference counting frees everything as usual; the previous setting is restored. `collect`: the
    block leaves reference cycles behind (rdflib's graphs do): what it made is collected when it ends, whatever
    the setting (the youngest generation: everything made since the last collection)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collect:
            gc.collect(0)
        if enabled:
            gc.enable()


def give_back_freed_memory() -> bool:
    """Collect garbage and hand the C library's free heap back to the system (glibc's `malloc_trim`): memory a
    finished stage freed stays in the process otherwise, counted in its resident size and in that of every process
    forked from it. Returns whether the C library could do it (glibc on Linux; elsewhere only the collection runs)."""
    gc.collect()
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    trim(0)
    return True
