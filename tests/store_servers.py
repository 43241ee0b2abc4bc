"""Production triplestores started on loopback for the tests and for bench/stores.py: a Virtuoso open-source server
(Debian's virtuoso-opensource) in a throw-away database with a folder its bulk loader may read, and an Oxigraph
server (the `oxigraph` command of the PyPI package of that name), read-write or read-only over a store folder.

Each is a context manager that starts the server on free ports, waits until its SPARQL endpoint answers, and stops
it (SIGTERM, then SIGKILL) on the way out.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
START_SECONDS = 120.0
STOP_SECONDS = 30.0

# Virtuoso's memory: 8 KB pages; OpenLink's guide gives 85,000 buffers per GB of memory to spare.
VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
CheckpointInterval = 0
NumberOfBuffers    = {buffers}
MaxDirtyBuffers    = {dirty_buffers}
DirsAllowed        = ., {load_dir}
CaseMode           = 2

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {dir}
ServerThreads        = 10
MaxClientConnections = 10

[SPARQL]
ResultSetMaxRows      = 1000000
MaxQueryExecutionTime = 300
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_command() -> str | None:
    """The `oxigraph` server command: beside this Python (a virtual environment's bin/) or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def _wait_for_sparql(process: subprocess.Popen[bytes], sparql: str, log: Path, name: str) -> float:
    """Seconds until the endpoint answers `ASK {}`; RuntimeError if the server dies or takes too long."""
    started = time.monotonic()
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(sparql, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return time.monotonic() - started
        if time.monotonic() - started > START_SECONDS:
            raise RuntimeError(f"{name} did not answer within {START_SECONDS:.0f} s")
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@dataclass(frozen=True)
class VirtuosoServer:
    """A running Virtuoso: its SQL address (for isql), SPARQL endpoint, and the folder its bulk loader reads."""

    sql: str
    url: str
    load_dir: Path
    folder: Path
    started_s: float
    pid: int

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    @property
    def graph_store(self) -> str:
        return self.url + "sparql-graph-crud-auth"


@contextlib.contextmanager
def virtuoso_server(folder: Path, memory_mb: int = 100) -> Iterator[VirtuosoServer]:
    """Virtuoso in a new database under `folder` (user dba, password dba), with `memory_mb` of page buffers."""
    if VIRTUOSO is None or ISQL is None:
        raise RuntimeError("virtuoso-t and isql-vt are not installed (Debian virtuoso-opensource); run tests/setup.sh")
    folder.mkdir(parents=True, exist_ok=True)
    load_dir = folder / "load"
    load_dir.mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    buffers = max(2000, memory_mb * 85000 // 1024)
    (folder / "virtuoso.ini").write_text(
        VIRTUOSO_INI.format(
            dir=folder,
            load_dir=load_dir,
            sql_port=sql_port,
            http_port=http_port,
            buffers=buffers,
            dirty_buffers=buffers * 3 // 4,
        ),
        encoding="utf-8",
    )
    log = folder / "stdout.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{http_port}/"
            started = _wait_for_sparql(process, url + "sparql", log, "virtuoso-t")
            sql = f"127.0.0.1:{sql_port}"
            _wait_for_sql(sql)
            yield VirtuosoServer(sql, url, load_dir, folder, started, process.pid)
        finally:
            _stop(process)


def _wait_for_sql(sql: str) -> None:
    """Virtuoso opens its SQL port a moment after its HTTP port; wait until isql gets in."""
    assert ISQL is not None
    deadline = time.monotonic() + START_SECONDS
    while True:
        done = subprocess.run(
            [ISQL, sql, "dba", "dba", "BANNER=OFF", "VERBOSE=OFF", "EXEC=select 1;"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if "*** Error" not in done.stderr and done.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"Virtuoso's SQL port {sql} did not answer within {START_SECONDS:.0f} s: {done.stderr}")
        time.sleep(0.25)


@dataclass(frozen=True)
class OxigraphServer:
    """A running Oxigraph server: its root URL (the store at /store, SPARQL at /query)."""

    url: str
    location: Path
    started_s: float
    pid: int

    @property
    def sparql(self) -> str:
        return self.url + "/query"


@contextlib.contextmanager
def oxigraph_server(location: Path, *, read_only: bool = False) -> Iterator[OxigraphServer]:
    """`oxigraph serve` (or `serve-read-only`) over the store folder `location` on a free loopback port."""
    command = oxigraph_command()
    if command is None:
        raise RuntimeError("the oxigraph server is not installed (PyPI package oxigraph); run tests/setup.sh")
    port = free_port()
    log = location.parent / f"{location.name}-server.log"
    location.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                command,
                "serve-read-only" if read_only else "serve",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            started = _wait_for_sparql(process, url + "/query", log, "oxigraph")
            yield OxigraphServer(url, location, started, process.pid)
        finally:
            _stop(process)
