"""The cyclic garbage collector held off while large acyclic structures are built, freed memory given back, and
what a one-command process no longer needs left for the system to take back when it ends.

Stage: none (a helper of every stage that builds indexes). Imports nothing of planlod's.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# What the process let go of and keeps until it ends (`keep_until_exit`); None: let go of, freed as usual.
_kept: list[object] | None = None


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


def keep_until_exit(keep: bool = True) -> None:
    """In a process that ends when its one command does (the `planlod` command line): what a build lets go of
    (`let_go`) is kept until the process ends (`cli.end`), and nothing frees it object by object. At 1000 plans the
    parsed data, their indexes, the site graph and the build state are some 10 million objects: freeing them one
    by one took about 2 s after the build's work was done; the system takes the whole heap back at once. `keep`
    False: freed as usual again (a watching process builds again and again)."""
    global _kept  # noqa: PLW0603 (one setting of the process, made by its entry point)
    if not keep:
        _kept = None
    elif _kept is None:
        _kept = []


def let_go(*objects: object) -> None:
    """The caller's last use of `objects`: kept until the process ends after `keep_until_exit`; otherwise they are
    freed as usual, when the last reference to them goes."""
    if _kept is not None:
        _kept.extend(objects)


def kept() -> int:
    """How many objects were let go of and are kept until the process ends."""
    return len(_kept) if _kept is not None else 0
