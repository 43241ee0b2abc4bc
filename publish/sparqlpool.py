"""The SPARQL worker processes of `planlod serve`: a fixed pool, each worker with the whole dataset in memory,
one query at a time each, and a standby worker kept loaded to take a stopped one's place at once.

Stage: serve. Imports `sparql` (the engine the workers run); nothing from the web stack.
Queries run in worker processes so that a runaway query can really be stopped: when its time is up, its worker
is killed and replaced, and the other workers keep answering. Each worker also has a memory limit (a watch of
its resident set, and a cap on its address space): a query that passes it ends the worker, which is replaced.
The engine runs on a thread with a large stack. Workers run below the server's CPU priority, and a worker
running a long query drops to the lowest (`QueryPool.demote`). A worker that crashes (pyoxigraph aborts on some
sorts) is replaced, and its end is logged as one line, never as a backtrace.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing.connection
import os
import queue
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .sparql import (
    DEFAULT_TIMEOUT,
    WORKER_START_TIMEOUT,
    Dataset,
    EndpointError,
    QueryOutcome,
    QueryRequest,
    load_dataset,
    refusal,
    run_query,
    text_outcome,
)

# ---------------------------------------------------------------- worker processes


DEFAULT_MEMORY_MB = 512
# The engine parses and evaluates recursively; it runs on a thread with this much stack (address space only:
# pages are used as the stack grows), so that no query the checks let through can overflow it.
ENGINE_STACK = 512 * 1024 * 1024
# A worker ends with this status when it passes its memory limit.
EXIT_MEMORY = 75
# How much lower a worker's CPU priority is than the server's (see nice(2)); a worker running a long query (or one
# for a heavy client) drops to the lowest priority, so that it takes only the CPU nothing else wants.
WORKER_NICENESS = 10
LONG_QUERY_NICENESS = 19
MEMORY_POLL_SECONDS = 0.01
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _memory_pages() -> tuple[int, int]:
    """This process's virtual size and resident set, in bytes (Linux /proc)."""
    with open("/proc/self/statm", "rb") as handle:
        fields = handle.read().split()
    return int(fields[0]) * _PAGE_SIZE, int(fields[1]) * _PAGE_SIZE


def _limit_memory(megabytes: int) -> None:
    """End this worker (status EXIT_MEMORY) when its resident memory grows `megabytes` past what it holds now
    (the loaded dataset), watched every MEMORY_POLL_SECONDS; and cap its address space well above that, so that an
    allocation faster than the watch fails instead of taking the machine's memory."""
    limit = megabytes * 1024 * 1024
    virtual, resident = _memory_pages()
    ceiling = resident + limit

    def watch() -> None:
        while True:
            used = _memory_pages()[1]
            if used > ceiling:
                os.write(2, f"memory limit: {used >> 20} MB resident, the limit is {ceiling >> 20} MB\n".encode())
                os._exit(EXIT_MEMORY)
            time.sleep(MEMORY_POLL_SECONDS)

    threading.Thread(target=watch, name="planlod-memory-watch", daemon=True).start()
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        address_space = virtual + 2 * limit + (256 << 20)
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > address_space:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, hard))


class _Engine:
    """Runs queries one at a time on a thread with a large stack (ENGINE_STACK)."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.requests: queue.Queue[QueryRequest] = queue.Queue()
        self.outcomes: queue.Queue[QueryOutcome | BaseException] = queue.Queue()
        previous = threading.stack_size(ENGINE_STACK)
        try:
            threading.Thread(target=self._loop, name="planlod-engine", daemon=True).start()
        finally:
            threading.stack_size(previous)

    def _loop(self) -> None:
        while True:
            request = self.requests.get()
            try:
                self.outcomes.put(run_query(self.dataset, request))
            except BaseException as exc:  # a Rust panic is a BaseException; the worker must answer
                self.outcomes.put(exc)

    def run(self, request: QueryRequest) -> QueryOutcome:
        """Run one query; MemoryError and engine panics are raised here, in the worker's main thread."""
        self.requests.put(request)
        outcome = self.outcomes.get()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _worker_main(conn: multiprocessing.connection.Connection, dump: str, base_iri: str, memory_mb: int) -> None:
    """A worker: load the dataset, say so, then answer queries until the connection closes."""
    try:
        dataset = load_dataset(Path(dump), base_iri)
    except EndpointError as exc:
        conn.send(("failed", exc.format_message()))
        return
    engine = _Engine(dataset)
    _limit_memory(memory_mb)
    # Queries are background work: the server process, which answers pages and files, goes first for the CPU.
    # (A worker that something waits for loaded the dataset at the server's priority, so it was soon ready.)
    with contextlib.suppress(OSError):
        if os.getpriority(os.PRIO_PROCESS, 0) < WORKER_NICENESS:
            os.setpriority(os.PRIO_PROCESS, 0, WORKER_NICENESS)
    conn.send(("ready", dataset.triples, dataset.graphs))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            outcome = engine.run(request)
        except MemoryError:
            os.write(2, b"memory limit: an allocation failed\n")
            os._exit(EXIT_MEMORY)
        except BaseException as exc:  # the engine panicked: answer, then let the pool replace us
            message = _one_line(f"{type(exc).__name__}: {exc}")
            os.write(2, f"engine failure: {message}\n".encode())
            conn.send(text_outcome(500, f"The query failed in the engine: {message}"))
            os._exit(1)
        conn.send(outcome)


def _die_with_parent(parent: int) -> None:
    """End this worker when the server process is gone, so that no runaway query outlives it.

    A thread polls the parent's pid: pyoxigraph releases the GIL while it evaluates, so this runs even in the
    middle of a long query. (PR_SET_PDEATHSIG would fire when the parent *thread* ends, too early here.)
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="planlod-parent-watch", daemon=True).start()


def worker_entry() -> None:
    """The worker process's entry point: `python -c ... FD DUMP BASE_IRI PARENT_PID MEMORY_MB` (see `_Worker`)."""
    fd, dump, base_iri, parent = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    memory_mb = int(sys.argv[5]) if len(sys.argv) > 5 else DEFAULT_MEMORY_MB
    if len(sys.argv) > 6 and sys.argv[6] == "background":
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)  # a standby: nothing waits for it, so it loads at a worker's priority
    _die_with_parent(parent)
    conn = multiprocessing.connection.Connection(fd)
    try:
        _worker_main(conn, dump, base_iri, memory_mb)
    finally:
        conn.close()


class QueryTimeout(Exception):
    """The query ran longer than the time it had left; its worker was stopped."""


class MemoryExceeded(Exception):
    """The query took the worker past its memory limit; the worker ended and is being replaced."""


class Preempted(Exception):
    """The query was stopped to make room for others (see `QueryPool.preempt`); its worker is being replaced."""


class WorkerLost(Exception):
    """The worker process ended while running the query (it crashed or was killed); `reason` says how."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Busy(Exception):
    """No worker became free within the timeout."""


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# Lines of a crashed worker's stderr that say what happened, most telling first.
_CRASH_CLUES = ("memory limit", "memory allocation of", "overflowed its stack", "engine failure", "Fatal Python error")


def crash_reason(returncode: int | None, stderr: str) -> str:
    """One line saying how a worker ended: its exit status or signal, and the telling line of its stderr (a
    panic's message, an allocation failure, a stack overflow), never the whole backtrace."""
    how = (
        "was killed"
        if returncode is None
        else (f"ended by {_signal_name(-returncode)}" if returncode < 0 else f"exited with status {returncode}")
    )
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    clue = ""
    for key in _CRASH_CLUES:
        clue = next((line for line in lines if key in line), "")
        if clue:
            break
    if not clue:
        panic = next((n for n, line in enumerate(lines) if "panicked at" in line), None)
        if panic is not None and panic + 1 < len(lines):
            clue = "panic: " + lines[panic + 1]
        elif lines:
            clue = lines[-1]
    return how + (f" ({_one_line(clue, 200)})" if clue else "")


class _Worker:
    """One worker process and the parent's end of the socket pair it talks over.

    A plain subprocess (not multiprocessing's spawn, which would re-run the parent's main module) running
    `worker_entry`; requests and outcomes go over the socket as pickles (multiprocessing.connection). Its stderr
    goes to a temporary file, read only when it crashes, so that a crash is logged as one line.
    """

    def __init__(self, dump: Path, base_iri: str, memory_mb: int = DEFAULT_MEMORY_MB, background: bool = False) -> None:
        parent, child = socket.socketpair()
        package_root = str(Path(__file__).resolve().parents[1])
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("PYTHONFAULTHANDLER", "RUST_LIB_BACKTRACE")},
            "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
            "RUST_BACKTRACE": "0",
        }
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from publish.sparqlpool import worker_entry; worker_entry()",
                str(child.fileno()),
                str(dump),
                base_iri,
                str(os.getpid()),
                str(memory_mb),
                "background" if background else "now",
            ],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            stderr=self.stderr,
            env=env,
        )
        child.close()
        self.conn = multiprocessing.connection.Connection(parent.detach())
        self.preempted = False
        self.demoted = False

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self.process.pid

    def wait_ready(self, timeout: float) -> tuple[int, tuple[tuple[str, int], ...]]:
        """Wait until the worker has loaded the dataset; the default graph's triple count and the named graphs'."""
        if not self.conn.poll(timeout):
            self.stop()
            raise EndpointError(f"the SPARQL worker did not load the dataset within {timeout:.0f} s")
        try:
            message = self.conn.recv()
        except (EOFError, OSError) as exc:
            reason = self.ended()
            raise EndpointError(f"the SPARQL worker stopped while loading the dataset: it {reason}") from exc
        if message[0] != "ready":
            self.stop()
            raise EndpointError(str(message[1]))
        return int(message[1]), tuple(message[2])

    def ended(self) -> str:
        """Stop the worker (if it is not gone already) and say how it ended, in one line."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(2)
        if self.process.poll() is None:
            self.process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)
        try:
            self.stderr.seek(0, os.SEEK_END)
            size = self.stderr.tell()
            self.stderr.seek(max(0, size - 16384))
            tail = self.stderr.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            tail = ""
        self.stop()
        return crash_reason(self.process.returncode, tail)

    def call(self, request: QueryRequest, timeout: float) -> QueryOutcome:
        """Send a query and wait for its outcome; on timeout the worker is killed. Raises QueryTimeout,
        MemoryExceeded or WorkerLost (the worker is stopped in all three cases)."""
        try:
            self.conn.send(request)
            if not self.conn.poll(max(timeout, 0.0)):
                self.stop()
                raise QueryTimeout
            outcome = self.conn.recv()
        except (EOFError, OSError) as exc:
            if self.preempted:
                self.stop()
                raise Preempted from exc
            reason = self.ended()
            if self.process.returncode == EXIT_MEMORY or "memory" in reason:
                raise MemoryExceeded(reason) from exc
            raise WorkerLost(reason) from exc
        assert isinstance(outcome, QueryOutcome)
        if outcome.status == 500 and outcome.body.startswith(b"The query failed in the engine"):
            # The worker answered, then ended itself after an engine failure.
            raise WorkerLost(self.ended())
        return outcome

    def demote(self) -> None:
        """Drop the process to the lowest CPU priority (for a long query; it cannot be raised again, so the
        worker is replaced after the query)."""
        if not self.demoted:
            self.demoted = True
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, self.pid, LONG_QUERY_NICENESS)

    def preempt(self) -> None:
        """Stop the query in progress (the process is killed; `call` raises Preempted)."""
        self.preempted = True
        if self.process.poll() is None:
            self.process.kill()

    def stop(self) -> None:
        """Kill the process (a query in progress cannot be stopped otherwise) and close the connection."""
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        self.conn.close()
        with contextlib.suppress(OSError):
            self.stderr.close()


def query_digest(query: str) -> str:
    """A short digest naming a query in the log (the query itself may be long, or hostile)."""
    return hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()[:12]


class QueryPool:
    """A fixed number of worker processes, each with the whole dataset, that run one query at a time.

    Thread-safe. A worker that is stopped (timeout), passes its memory limit or crashes is replaced by a standby
    worker kept loaded for that (a new standby loads in the background); each such end is logged as one line on
    the `planlod.sparql` logger. `serve` schedules queries onto the workers with `try_take`, `call` and
    `give_back` (see `sparqlqueue`); `run` does all three, waiting for a worker, for callers without a scheduler.
    """

    def __init__(
        self,
        dump: Path,
        base_iri: str,
        workers: int = 2,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int = DEFAULT_MEMORY_MB,
    ) -> None:
        if workers < 1:
            raise EndpointError("the SPARQL endpoint needs at least one worker")
        if timeout <= 0:
            raise EndpointError("the query timeout must be positive")
        if memory_mb < 16:
            raise EndpointError("the memory limit of a SPARQL worker must be at least 16 MB")
        self.dump = dump
        self.base_iri = base_iri
        self.size = workers
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.triples = 0
        self.on_idle: Callable[[], None] | None = None
        # Called by `close`, before the workers stop (the endpoint's queue stops its threads).
        self.on_close: list[Callable[[], None]] = []
        self.log = logging.getLogger("planlod.sparql")
        self.graphs: tuple[tuple[str, int], ...] = ()
        self._idle: list[_Worker] = []
        # A loaded worker kept in reserve: it takes the place of a stopped one at once.
        self._standby: _Worker | None = None
        self._standbys_loading = 0  # standby workers being loaded in the background
        self._condition = threading.Condition()
        self._closed = False

    def start(self) -> QueryPool:
        """Start every worker and wait until each has loaded the dataset; EndpointError if one cannot."""
        if not self.dump.is_file():
            raise EndpointError(f"{self.dump}: the dataset dump is missing; run `planlod build` first")
        workers = [_Worker(self.dump, self.base_iri, self.memory_mb) for _ in range(self.size)]
        try:
            for worker in workers:
                self.triples, self.graphs = worker.wait_ready(WORKER_START_TIMEOUT)
        except EndpointError:
            for worker in workers:
                worker.stop()
            raise
        with self._condition:
            self._idle.extend(workers)
            self._condition.notify_all()
        self._notify_idle()
        self._start_standby()
        return self

    def _start_standby(self) -> None:
        """Load a standby worker in the background."""
        with self._condition:
            self._standbys_loading += 1

        def start() -> None:
            try:
                worker = _Worker(self.dump, self.base_iri, self.memory_mb, background=True)
                worker.wait_ready(WORKER_START_TIMEOUT)
            except (EndpointError, OSError) as exc:
                self.log.error("a SPARQL worker could not be started: %s", _one_line(str(exc)))
                with self._condition:
                    self._standbys_loading -= 1
                return
            with self._condition:
                self._standbys_loading -= 1
                if not self._closed and self._standby is None:
                    self._standby = worker
                    return
            worker.stop()

        threading.Thread(target=start, name="planlod-sparql-standby", daemon=True).start()

    def _notify_idle(self) -> None:
        callback = self.on_idle
        if callback is not None:
            callback()

    def try_take(self) -> _Worker | None:
        """An idle worker, or None."""
        with self._condition:
            if self._closed or not self._idle:
                return None
            return self._idle.pop()

    def take(self, timeout: float) -> _Worker:
        """An idle worker, waiting up to `timeout` seconds for one; Busy when none comes."""
        return self._take(timeout)

    def _take(self, timeout: float) -> _Worker:
        with self._condition:
            if not self._condition.wait_for(lambda: self._idle or self._closed, max(0.0, timeout)):
                raise Busy
            if self._closed:
                raise Busy
            return self._idle.pop()

    def give_back(self, worker: _Worker) -> None:
        """Return a worker after a query."""
        with self._condition:
            if self._closed:
                worker.stop()
                return
            self._idle.append(worker)
            self._condition.notify()
        self._notify_idle()

    def _replace(self) -> None:
        """Put a worker in place of a stopped one: the standby at once (and a new standby in the background), or,
        when there is none, a new worker in the background (loading takes a moment)."""
        with self._condition:
            standby, self._standby = self._standby, None
        if standby is not None:
            self.give_back(standby)
            self._start_standby()
            return

        def start() -> None:
            try:
                worker = _Worker(self.dump, self.base_iri, self.memory_mb)
                worker.wait_ready(WORKER_START_TIMEOUT)
            except (EndpointError, OSError) as exc:
                self.log.error("a SPARQL worker could not be started again: %s", _one_line(str(exc)))
                return
            self.give_back(worker)

        threading.Thread(target=start, name="planlod-sparql-restart", daemon=True).start()

    def call(self, worker: _Worker, request: QueryRequest, timeout: float) -> QueryOutcome:
        """Run a query in a worker taken with `try_take`, and give the worker back (or replace it). Raises
        QueryTimeout or MemoryExceeded; a crash is answered 500 and logged as one line."""
        pid = worker.pid
        try:
            outcome = worker.call(request, timeout)
        except (QueryTimeout, Preempted):
            self._replace()
            raise
        except MemoryExceeded as exc:
            self.log.warning(
                "SPARQL worker %s passed its memory limit (%s MB) running query %s and was replaced: %s",
                pid,
                self.memory_mb,
                query_digest(request.query),
                _one_line(str(exc)),
            )
            self._replace()
            raise
        except WorkerLost as exc:
            self.log.error(
                "SPARQL worker %s %s while running query %s; it was replaced",
                pid,
                exc.reason,
                query_digest(request.query),
            )
            self._replace()
            return text_outcome(500, "The query failed: the query engine stopped while running it.")
        if worker.demoted:
            self._retire(worker)
        else:
            self.give_back(worker)
        return outcome

    def _retire(self, worker: _Worker) -> None:
        """After a worker ran a long query at the lowest priority: the standby takes its place when one is loaded;
        until then the worker goes on answering at its low priority, so that the pool is never a worker short
        while a new one loads (on a large dataset that takes a minute)."""
        with self._condition:
            standby, self._standby = self._standby, None
            loading = self._standbys_loading > 0
        if standby is None:
            self.give_back(worker)
            if not loading:
                self._start_standby()
            return
        worker.stop()
        self.give_back(standby)
        self._start_standby()

    def preempt(self, worker: _Worker) -> None:
        """Stop the query a worker is running (from any thread): its `call` raises Preempted, and it is replaced."""
        worker.preempt()

    def demote(self, worker: _Worker) -> None:
        """Run the rest of a worker's query at the lowest CPU priority (from any thread); see `_Worker.demote`."""
        worker.demote()

    def run(self, request: QueryRequest) -> QueryOutcome:
        """Run a query in a free worker, waiting for one. Raises Busy (no worker free in time), QueryTimeout or
        MemoryExceeded."""
        refused = refusal(request)
        if refused is not None:
            return refused
        started = time.monotonic()
        worker = self._take(self.timeout)
        return self.call(worker, request, self.timeout - (time.monotonic() - started))

    def close(self) -> None:
        """Stop every worker."""
        for callback in self.on_close:
            callback()
        with self._condition:
            self._closed = True
            idle, self._idle = self._idle, []
            standby, self._standby = self._standby, None
            self._condition.notify_all()
        for worker in idle + ([standby] if standby else []):
            worker.stop()
