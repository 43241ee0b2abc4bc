"""Work run beside the build: a function called in a forked process while the build's own process goes on with
other work on another core, its progress shown by the build as if it ran there, its result (or its error) handed
back when the build asks for it.

Stage: shared (below the build's stages). Imports `errors`, `progress` and `switch`.
The build validates beside its gathering (`build._build_in`): validation reads the loaded files only, the
gathering writes nothing but its spool, and the build waits for the verdict before it writes anything, so data
that do not conform still stop the build with nothing written. An update makes the exports and the coverage
beside its dumps (`build.gather`): they are read from the data's index and handed back as plain data. Where no
process can be forked (and in a watching build, which keeps what validation learned in its own process) the
function is called in the build's own process, when the result is asked for.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, ClassVar, Generic, TypeVar

from .errors import BuildError
from .progress import Progress
from .switch import tie_to_build

T = TypeVar("T")

# How often the forked process reports a count it is working through (a message per item would cost more than
# the items on a fast check).
_REPORT_EVERY = 0.2


class _Forwarded:
    """The forked process's counter: adds up done items and sends them every `_REPORT_EVERY` seconds."""

    def __init__(self, send: Callable[[tuple[Any, ...]], None], number: int) -> None:
        self.send, self.number = send, number
        self.pending = 0
        self.last = 0.0  # the first item is sent at once

    def update(self, n: int = 1) -> None:
        self.pending += n
        now = time.monotonic()
        if now - self.last >= _REPORT_EVERY:
            self.send(("done", self.number, self.pending))
            self.pending, self.last = 0, now

    def close(self) -> None:
        if self.pending:
            self.send(("done", self.number, self.pending))
        self.send(("close", self.number))


class Beside(Generic[T]):
    """`work(progress)` running in a forked process from the moment this is made; `result()` waits for it and
    returns what it returned, or raises what it raised. Its lines and counts go to `report` (from a thread of this
    process that takes the forked process's messages), so a bar or a line says what it is doing while this process
    does something else. Use it as a context manager: leaving the block stops the process if it is still at
    work (the build stopped for another reason) and lets its messages go."""

    # Whether work is forked at all (else it is called in this process when its result is asked for): a test that
    # counts what the work does in this process turns it off.
    forks: ClassVar[bool] = True

    def __init__(self, work: Callable[[Progress], T], report: Progress, fork: bool = True) -> None:
        """`fork` False: the work is called in this process when its result is asked for."""
        self.work, self.report = work, report
        self.process: BaseProcess | None = None
        self.outcome: tuple[str, Any] | None = None
        self.counts: dict[int, AbstractContextManager[Callable[[int], None]]] = {}
        self.adders: dict[int, Callable[[int], None]] = {}
        self.reader: threading.Thread | None = None
        if not (fork and self.forks):
            return
        context = multiprocessing.get_context("fork")
        receiving, sending = context.Pipe(duplex=False)
        try:
            self.process = context.Process(target=self._child, args=(sending, os.getpid()), daemon=True)
            self.process.start()
        except (OSError, ValueError):  # no fork here: the work runs in this process when it is asked for
            self.process = None
            receiving.close()
            sending.close()
            return
        sending.close()
        self.reader = threading.Thread(target=self._take, args=(receiving,), daemon=True)
        self.reader.start()

    # -- the forked process --------------------------------------------------------------------------------
    def _child(self, sending: Connection, parent: int) -> None:
        tie_to_build(parent)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle: it stops this process
        numbers = itertools.count()
        send = sending.send

        def counter(what: str, total: int, unit: str) -> _Forwarded:
            number = next(numbers)
            send(("count", number, what, total, unit))
            return _Forwarded(send, number)

        try:
            found = self.work(Progress(lambda line: send(("line", line)), counter))
        except BaseException as exc:  # handed to the build, which raises it
            try:
                pickle.dumps(exc)
            except Exception:
                exc = BuildError(f"work beside the build failed: {exc!r}")
            send(("error", exc))
        else:
            send(("result", found))
        sending.close()

    # -- this process ----------------------------------------------------------------------------------------
    def _take(self, receiving: Connection) -> None:
        """Take the forked process's messages until its outcome (or its end)."""
        try:
            while self.outcome is None:
                message = receiving.recv()
                kind = message[0]
                if kind == "line":
                    self.report(message[1])
                elif kind == "count":
                    _, number, what, total, unit = message
                    count = self.counts[number] = self.report.count(what, total, unit)
                    self.adders[number] = count.__enter__()
                elif kind == "done":
                    self.adders[message[1]](message[2])
                elif kind == "close":
                    self.adders.pop(message[1], None)
                    self.counts.pop(message[1]).__exit__(None, None, None)
                else:
                    self.outcome = (kind, message[1])
        except (EOFError, OSError):
            pass  # the process ended without an outcome: `result` says so
        finally:
            for left in self.counts.values():
                left.__exit__(None, None, None)
            self.counts.clear()
            receiving.close()

    @property
    def forked(self) -> bool:
        """Whether the work runs in another process (else `result` calls it here, once)."""
        return self.process is not None

    def result(self) -> T:
        """What the work returned (waiting for it), or what it raised, raised here."""
        if self.process is None:
            if self.outcome is None:
                try:
                    self.outcome = ("result", self.work(self.report))
                except BaseException as exc:
                    self.outcome = ("error", exc)
        else:
            assert self.reader is not None
            self.reader.join()
            self.process.join()
        if self.outcome is None:
            assert self.process is not None
            raise BuildError(f"the process working beside the build stopped (exit code {self.process.exitcode})")
        kind, value = self.outcome
        if kind == "error":
            raise value
        found: T = value
        return found

    def __enter__(self) -> Beside[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the process if it is still at work, and wait for it."""
        process = self.process
        if process is None:
            return
        if process.is_alive():
            with contextlib.suppress(OSError):
                process.terminate()
        process.join()
        if self.reader is not None:
            self.reader.join()
