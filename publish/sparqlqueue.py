"""The queue in front of the SPARQL workers: bounded, fair between clients, and never in the way of the files.

Stage: serve. Imports nothing from the package. Thread-safe: `submit` and `cancel` are called from the server's
event loop; one thread per worker slot takes the next job and runs it (`run`), so a worker goes from one query to
the next without waiting for the event loop, however busy the loop is with pages and files.

- Bounded: at most `capacity` queries wait. When it is full, an arriving query takes the place of the newest
  query of the client with the most waiting (which is answered 503 with Retry-After), unless its own client is
  that client, in which case it is the one refused: one client can fill the queue only while nobody else
  wants it.
- Fair: a free slot goes first to clients known to ask light queries, then to clients not known yet, then to
  heavy ones (below); within each, to the client that has used the least worker time lately (seconds of query
  time, halved every `HALF_LIFE` seconds), and among equals to the one served longest ago (round robin); first
  come first served within a client. While other clients wait, no client holds more than `slots - 1` slots, so
  a crowd of connections from one client does not starve another.
- Long queries cannot take every worker: a client whose queries lately ran `HEAVY_SECONDS` or more on average
  is heavy, and heavy clients together hold at most `slots - 1` slots (with two or more), so one is always left
  for the others. A client starts unknown.
- Nor can they hold them for long, not even before their clients are known to be heavy: when queries wait and
  more than `slots - 1` running ones have run `HEAVY_SECONDS` or longer, `overdue` names the youngest of them,
  which the endpoint stops (503, Retry-After); `long_running` names the ones the endpoint runs at the lowest CPU
  priority.
- Deadlines: a query's time is counted from its arrival; one still waiting when its deadline passes leaves the
  queue (its caller answers 503 with Retry-After), and the worker it gets has only what is left.

Clients are told apart by their address (behind a trusted reverse proxy, the address it forwards: uvicorn reads
X-Forwarded-For from the proxies listed in `forwarded_allow_ips`, loopback by default).
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

HALF_LIFE = 60.0
HEAVY_SECONDS = 0.5
# A client counts as heavy for this long after its last query.
HEAVY_MEMORY = 600.0
DEFAULT_CAPACITY = 64

T = TypeVar("T")


class QueueFull(Exception):
    """The queue is full and this query is the one left out; `retry_after` is a hint in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class QueueTimeout(Exception):
    """The query's deadline passed while it waited for a worker."""


@dataclass(eq=False)
class Job(Generic[T]):
    """One query: who sent it, what to run, until when, and whom to tell (`done`, called once, from any thread,
    with the outcome or an exception)."""

    client: str
    payload: T
    deadline: float
    done: Callable[[object], None]
    order: int = 0
    started: float | None = None
    heavy: bool = False
    finished: bool = False
    stopping: bool = False  # named by `overdue`
    # What the runner holds while it runs the job (the worker), for the endpoint's demote and stop.
    worker: Any = None

    def finish(self, result: object) -> None:
        """Tell the caller, once."""
        if not self.finished:
            self.finished = True
            self.done(result)


@dataclass
class _Client:
    """What the queue knows of one client."""

    usage: float = 0.0  # worker seconds, decayed
    updated: float = 0.0
    cost: float = 0.0  # average seconds per query, decayed
    queries: int = 0
    running: int = 0
    last_grant: int = 0  # when it last got a slot (a count of grants); 0: never
    waiting: deque[Job[Any]] = field(default_factory=deque)

    def decayed_usage(self, now: float) -> float:
        return self.usage * math.pow(0.5, max(0.0, now - self.updated) / HALF_LIFE)

    def heavy(self, now: float) -> bool:
        return self.queries > 0 and self.cost >= HEAVY_SECONDS and now - self.updated < HEAVY_MEMORY

    def rank(self, now: float) -> int:
        """0: known to ask light queries; 1: not known yet; 2: heavy."""
        if self.heavy(now):
            return 2
        return 0 if self.queries > 0 else 1


class FairQueue(Generic[T]):
    """Runs jobs on `slots` threads, fairly between clients (see the module's docstring).

    `run(job)` runs one job in a slot thread, tells its caller (`job.finish`) and returns the worker seconds to
    charge its client.
    """

    def __init__(
        self,
        slots: int,
        run: Callable[[Job[T]], float],
        capacity: int = DEFAULT_CAPACITY,
        retry_after: int = 5,
    ) -> None:
        self.slots = max(1, slots)
        self.run = run
        self.capacity = max(1, capacity)
        self.retry_after = max(1, retry_after)
        self.clients: dict[str, _Client] = {}
        self.running: list[Job[T]] = []
        self.heavy_running = 0
        self._waiting = 0
        self._order = itertools.count(1)
        self._grants = itertools.count(1)
        self._condition = threading.Condition()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._slot, name=f"planlod-sparql-slot-{n}", daemon=True) for n in range(self.slots)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def heavy_cap(self) -> int:
        """How many slots heavy clients may hold together."""
        return max(1, self.slots - 1)

    @property
    def waiting(self) -> int:
        """How many queries are waiting."""
        with self._condition:
            return self._waiting

    def _client(self, name: str) -> _Client:
        client = self.clients.get(name)
        if client is None:
            client = self.clients[name] = _Client(updated=time.monotonic())
        return client

    # -- from the event loop

    def submit(self, job: Job[T]) -> None:
        """Queue a job. Raises QueueFull when the queue is full and this job is the one left out (another client's
        job may be left out instead: it is told QueueFull)."""
        evicted: Job[T] | None = None
        with self._condition:
            record = self._client(job.client)
            if self._waiting >= self.capacity:
                evicted = self._make_room(record)
            job.order = next(self._order)
            record.waiting.append(job)
            self._waiting += 1
            self._condition.notify()
        if evicted is not None:
            evicted.finish(QueueFull(self.retry_after))

    def cancel(self, job: Job[T]) -> bool:
        """Take a job out of the queue; False when it has started already (it ends by its deadline)."""
        with self._condition:
            record = self.clients.get(job.client)
            if job.started is None and record is not None and job in record.waiting:
                record.waiting.remove(job)
                self._waiting -= 1
                job.finished = True
                return True
            return job.started is None

    def _make_room(self, arriving: _Client) -> Job[T]:
        """The queue is full: the newest job of the client with the most waiting leaves, unless that is the
        arriving client (then QueueFull is raised for the arriving job)."""
        fullest = max(
            (c for c in self.clients.values() if c.waiting),
            key=lambda c: (len(c.waiting), c.waiting[-1].order),
            default=None,
        )
        if fullest is None or fullest is arriving or len(fullest.waiting) <= len(arriving.waiting) + 1:
            raise QueueFull(self.retry_after)
        self._waiting -= 1
        evicted: Job[T] = fullest.waiting.pop()
        return evicted

    def expire(self, now: float | None = None) -> None:
        """Take out the waiting jobs whose deadline has passed and tell their callers (QueueTimeout). The slot
        threads do it whenever they look for work; call it too when every slot may be busy for long."""
        now = time.monotonic() if now is None else now
        expired: list[Job[T]] = []
        with self._condition:
            for client in self.clients.values():
                late = [j for j in client.waiting if j.deadline <= now]
                for job in late:
                    client.waiting.remove(job)
                    self._waiting -= 1
                expired += late
        for job in expired:
            job.finish(QueueTimeout())

    def long_running(self, now: float | None = None) -> list[Job[T]]:
        """The jobs that have run `HEAVY_SECONDS` or longer."""
        now = time.monotonic() if now is None else now
        with self._condition:
            return [j for j in self.running if j.started is not None and now - j.started >= HEAVY_SECONDS]

    def overdue(self, now: float | None = None) -> Job[T] | None:
        """The job to stop so that waiting ones get a slot: when jobs wait and more than `slots - 1` running ones
        have run `HEAVY_SECONDS` or longer, the youngest of those; else None."""
        now = time.monotonic() if now is None else now
        with self._condition:
            if not self._waiting or self.slots < 2:
                return None
            long = [
                j for j in self.running if j.started is not None and now - j.started >= HEAVY_SECONDS and not j.stopping
            ]
            if len(long) <= self.heavy_cap:
                return None
            victim = max(long, key=lambda j: j.started or 0.0)
            victim.stopping = True
            return victim

    def close(self) -> None:
        """Stop the slot threads (jobs still waiting are told QueueTimeout)."""
        with self._condition:
            self._closed = True
            left = [j for c in self.clients.values() for j in c.waiting]
            for client in self.clients.values():
                client.waiting.clear()
            self._waiting = 0
            self._condition.notify_all()
        for job in left:
            job.finish(QueueTimeout())

    # -- the slot threads

    def _pick(self, now: float) -> tuple[Job[T] | None, list[Job[T]]]:
        """The next job to run (under the lock), and the jobs found past their deadline (taken out)."""
        expired: list[Job[T]] = []
        for client in self.clients.values():
            while client.waiting and client.waiting[0].deadline <= now:
                expired.append(client.waiting.popleft())
                self._waiting -= 1
        waiting = [c for c in self.clients.values() if c.waiting]
        others_wait = len(waiting) > 1
        candidates = [
            c
            for c in waiting
            if self.slots < 2
            or not (
                (c.heavy(now) and self.heavy_running >= self.heavy_cap) or (others_wait and c.running >= self.slots - 1)
            )
        ]
        if not candidates:
            return None, expired
        chosen = min(candidates, key=lambda c: (c.rank(now), c.decayed_usage(now), c.last_grant, c.waiting[0].order))
        job: Job[T] = chosen.waiting.popleft()
        self._waiting -= 1
        job.started = now
        job.heavy = chosen.heavy(now)
        if job.heavy:
            self.heavy_running += 1
        chosen.running += 1
        chosen.last_grant = next(self._grants)
        self.running.append(job)
        return job, expired

    def _next_deadline(self) -> float | None:
        """Seconds until the first waiting job's deadline (when it must be taken out), or None."""
        deadlines = [c.waiting[0].deadline for c in self.clients.values() if c.waiting]
        return max(0.001, min(deadlines) - time.monotonic()) if deadlines else None

    def _slot(self) -> None:
        while True:
            with self._condition:
                job, expired = self._pick(time.monotonic())
                while job is None and not self._closed:
                    for late in expired:
                        late.finish(QueueTimeout())
                    self._condition.wait(self._next_deadline())
                    job, expired = self._pick(time.monotonic())
                if self._closed and job is None:
                    return
            for late in expired:
                late.finish(QueueTimeout())
            assert job is not None
            cost = 0.0
            try:
                cost = self.run(job)
            except BaseException as exc:  # the runner failed: its caller must hear of it all the same
                job.finish(exc)
            finally:
                self._account(job, cost)

    def _account(self, job: Job[T], seconds: float) -> None:
        now = time.monotonic()
        with self._condition:
            self.running = [j for j in self.running if j is not job]
            record = self._client(job.client)
            record.usage = record.decayed_usage(now) + seconds
            record.updated = now
            record.cost = seconds if record.queries == 0 else 0.7 * record.cost + 0.3 * seconds
            record.queries += 1
            record.running = max(0, record.running - 1)
            if job.heavy:
                self.heavy_running = max(0, self.heavy_running - 1)
            self._forget_idle(now)
            self._condition.notify_all()

    def _forget_idle(self, now: float) -> None:
        """Drop clients with nothing waiting or running and no recent use, so the table stays small."""
        if len(self.clients) < 1024:
            return
        for name in [
            n
            for n, c in self.clients.items()
            if not c.waiting and not c.running and (c.decayed_usage(now) < 0.01 or now - c.updated > HEAVY_MEMORY)
        ]:
            del self.clients[name]
