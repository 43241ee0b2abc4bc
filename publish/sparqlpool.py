"""The SPARQL worker processes of `planlod serve`: a fixed pool, each worker with the whole dataset in memory,
one query at a time each; a query that runs past the timeout has its worker killed and replaced.

Stage: serve. Imports `sparql` (the engine the workers run); nothing from the web stack.
Queries run in worker processes so that a runaway query can really be stopped: when the timeout passes, its
worker is killed and replaced, and the other workers keep answering.
"""

from __future__ import annotations

import contextlib
import multiprocessing.connection
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from .sparql import (
    DEFAULT_TIMEOUT,
    WORKER_START_TIMEOUT,
    EndpointError,
    QueryOutcome,
    QueryRequest,
    load_dataset,
    refusal,
    run_query,
    text_outcome,
)


def _worker_main(conn: multiprocessing.connection.Connection, dump: str, base_iri: str) -> None:
    """A worker: load the dataset, say so, then answer queries until the connection closes."""
    try:
        dataset = load_dataset(Path(dump), base_iri)
    except EndpointError as exc:
        conn.send(("failed", exc.format_message()))
        return
    conn.send(("ready", dataset.triples))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            outcome = run_query(dataset, request)
        except Exception as exc:  # a worker must answer, whatever the query did
            outcome = text_outcome(500, f"The query failed: {type(exc).__name__}: {exc}")
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
    """The worker process's entry point: `python -c ... FD DUMP BASE_IRI PARENT_PID` (see `_Worker`)."""
    fd, dump, base_iri, parent = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    _die_with_parent(parent)
    conn = multiprocessing.connection.Connection(fd)
    try:
        _worker_main(conn, dump, base_iri)
    finally:
        conn.close()


class QueryTimeout(Exception):
    """The query ran longer than the timeout; its worker was stopped."""


class WorkerLost(Exception):
    """The worker process ended while running the query (it crashed or was killed)."""


class Busy(Exception):
    """No worker became free within the timeout."""


class _Worker:
    """One worker process and the parent's end of the socket pair it talks over.

    A plain subprocess (not multiprocessing's spawn, which would re-run the parent's main module) running
    `worker_entry`; requests and outcomes go over the socket as pickles (multiprocessing.connection).
    """

    def __init__(self, dump: Path, base_iri: str) -> None:
        parent, child = socket.socketpair()
        package_root = str(Path(__file__).resolve().parents[1])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from publish.sparqlpool import worker_entry; worker_entry()",
                str(child.fileno()),
                str(dump),
                base_iri,
                str(os.getpid()),
            ],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        child.close()
        self.conn = multiprocessing.connection.Connection(parent.detach())

    def wait_ready(self, timeout: float) -> int:
        """Wait until the worker has loaded the dataset; its triple count."""
        if not self.conn.poll(timeout):
            self.stop()
            raise EndpointError(f"the SPARQL worker did not load the dataset within {timeout:.0f} s")
        try:
            message = self.conn.recv()
        except (EOFError, OSError) as exc:
            self.stop()
            raise EndpointError("the SPARQL worker stopped while loading the dataset") from exc
        if message[0] != "ready":
            self.stop()
            raise EndpointError(str(message[1]))
        return int(message[1])

    def call(self, request: QueryRequest, timeout: float) -> QueryOutcome:
        """Send a query and wait for its outcome; on timeout the worker is killed."""
        try:
            self.conn.send(request)
            if not self.conn.poll(timeout):
                self.stop()
                raise QueryTimeout
            outcome = self.conn.recv()
        except (EOFError, OSError) as exc:
            self.stop()
            raise WorkerLost from exc
        assert isinstance(outcome, QueryOutcome)
        return outcome

    def stop(self) -> None:
        """Kill the process (a query in progress cannot be stopped otherwise) and close the connection."""
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        self.conn.close()


class QueryPool:
    """A fixed number of worker processes, each with the whole dataset, that run one query at a time.

    Thread-safe: `run` blocks the calling thread (the web server calls it from a worker thread).
    """

    def __init__(self, dump: Path, base_iri: str, workers: int = 2, timeout: float = DEFAULT_TIMEOUT) -> None:
        if workers < 1:
            raise EndpointError("the SPARQL endpoint needs at least one worker")
        if timeout <= 0:
            raise EndpointError("the query timeout must be positive")
        self.dump = dump
        self.base_iri = base_iri
        self.size = workers
        self.timeout = timeout
        self.triples = 0
        self._idle: list[_Worker] = []
        self._condition = threading.Condition()
        self._closed = False

    def start(self) -> QueryPool:
        """Start every worker and wait until each has loaded the dataset; EndpointError if one cannot."""
        if not self.dump.is_file():
            raise EndpointError(f"{self.dump}: the dataset dump is missing; run `planlod build` first")
        workers = [_Worker(self.dump, self.base_iri) for _ in range(self.size)]
        try:
            for worker in workers:
                self.triples = worker.wait_ready(WORKER_START_TIMEOUT)
        except EndpointError:
            for worker in workers:
                worker.stop()
            raise
        with self._condition:
            self._idle.extend(workers)
            self._condition.notify_all()
        return self

    def _take(self, timeout: float) -> _Worker:
        with self._condition:
            if not self._condition.wait_for(lambda: self._idle or self._closed, timeout):
                raise Busy
            if self._closed:
                raise Busy
            return self._idle.pop()

    def _give_back(self, worker: _Worker) -> None:
        with self._condition:
            if self._closed:
                worker.stop()
                return
            self._idle.append(worker)
            self._condition.notify()

    def _replace(self) -> None:
        """Start a worker in place of a killed one (in the background: loading takes a moment)."""

        def start() -> None:
            try:
                worker = _Worker(self.dump, self.base_iri)
                worker.wait_ready(WORKER_START_TIMEOUT)
            except EndpointError:
                return
            self._give_back(worker)

        threading.Thread(target=start, name="planlod-sparql-restart", daemon=True).start()

    def run(self, request: QueryRequest) -> QueryOutcome:
        """Run a query in a free worker. Raises Busy (no worker free in time) or QueryTimeout."""
        refused = refusal(request)
        if refused is not None:
            return refused
        worker = self._take(self.timeout)
        try:
            outcome = worker.call(request, self.timeout)
        except QueryTimeout:
            self._replace()
            raise
        except WorkerLost:
            self._replace()
            return text_outcome(500, "The query failed: the worker running it stopped unexpectedly.")
        self._give_back(worker)
        return outcome

    def close(self) -> None:
        """Stop every worker."""
        with self._condition:
            self._closed = True
            idle, self._idle = self._idle, []
            self._condition.notify_all()
        for worker in idle:
            worker.stop()
