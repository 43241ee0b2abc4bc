"""`planlod push --store oxigraph|virtuoso`: the built dataset into a production triplestore by the store's own
fast path, then the store's triple count checked against the dump's.

Stage: push, over the build's output. Imports `formats`, `push` and `urls`; httpx does HTTP, pyoxigraph
writes Oxigraph's on-disk store, Virtuoso's `isql` runs its bulk loader.

The fast paths, each replacing the named graph's content:

- **Oxigraph server, running** (`--endpoint http://host:7878`): `PUT /store?graph=…&no_transaction`: the server
  drops the graph and streams the N-Triples dump through its bulk loader instead of one big transaction.
- **Oxigraph, offline** (`--location DIR`): pyoxigraph's bulk loader (the same engine and on-disk format as the
  `oxigraph` server of the same 0.5 series) writes straight into the store folder, which
  `oxigraph serve-read-only --location DIR` then serves. The folder must not be open in a server meanwhile.
- **Virtuoso** (`--sql host:1111 --load-dir DIR`): the gzipped dump is copied into a folder the server may read
  (its `DirsAllowed`), the graph's quads are deleted with the transaction log off, then `ld_dir` and
  `rdf_loader_run()` (the RDF bulk loader) and a `checkpoint`, all through Virtuoso's `isql`.

None of these is atomic: a load that fails half way leaves the graph partly filled, and the count check then
makes the push fail (exit 2), so nobody takes a partial graph for the dataset. Run the push again to repair it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from .formats import GZIP, NTRIPLES
from .push import COUNT_ANSWER_BYTES, Limits, PushError, check_graph, check_url, count_by_sparql, redact
from .urls import compressed, dump

# The stores `--store` chooses from (`gsp` is the Graph Store Protocol PUT of publish/push.py).
STORES = ("gsp", "oxigraph", "virtuoso")

# The Virtuoso command-line SQL client, as Debian names it (upstream builds call it `isql`).
ISQL = "isql-vt"
DEFAULT_SQL = "localhost:1111"
DEFAULT_TIMEOUT = 300.0


@dataclass(frozen=True)
class LoadResult:
    """What a load into a store did."""

    graph: str
    store: str
    how: str
    sent: int
    stored: int
    seconds: float

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        return (
            f"loaded {self.sent} triples into graph <{self.graph}> in {self.store} by {self.how} "
            f"in {self.seconds:.1f} s; the store holds {self.stored}"
        )


def dataset_file(out_dir: Path, *, gzipped: bool = False) -> Path:
    """The built N-Triples dump (or its gzipped copy); PushError if it is not there."""
    path = out_dir / (compressed(dump(NTRIPLES), GZIP) if gzipped else dump(NTRIPLES))
    if not path.is_file():
        raise PushError(f"{path}: the dataset dump is missing; run `planlod build` first")
    return path


def count_dump(path: Path) -> int:
    """The triples in the built N-Triples dump (the build writes each triple once, sorted)."""
    try:
        return sum(1 for _ in ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES))
    except (OSError, SyntaxError) as exc:
        raise PushError(f"{path}: cannot read the dataset dump: {exc}") from exc


def _checked(result: LoadResult) -> LoadResult:
    if result.stored != result.sent:
        raise PushError(f"{result.line()}: the counts differ, so the graph does not hold the dataset")
    return result


def _graph_iri(graph: str) -> ox.NamedNode:
    """The graph name as an IRI; PushError if it is not an absolute IRI that may go into a query."""
    if "'" in graph:  # it goes into SQL strings too
        raise PushError(f"--graph {graph!r}: it holds a quote, which an IRI for a store may not")
    return ox.NamedNode(check_graph(graph))


# ---------------------------------------------------------------- Oxigraph


def load_oxigraph_server(out_dir: Path, endpoint: str, graph: str, *, timeout: float = DEFAULT_TIMEOUT) -> LoadResult:
    """Replace the graph in a running Oxigraph server through its bulk loader, then count it by SPARQL."""
    _graph_iri(graph)
    check_url(endpoint, "--endpoint")
    root = endpoint.rstrip("/")
    path = dataset_file(out_dir)
    sent = count_dump(path)
    store_url, query_url = f"{root}/store", f"{root}/query"
    started = time.monotonic()
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            with path.open("rb") as body:
                response = client.put(
                    store_url,
                    params={"graph": graph, "no_transaction": ""},
                    content=body.read(),
                    headers={"Content-Type": NTRIPLES.media_type},
                )
            if response.status_code not in (200, 201, 204):
                excerpt = " ".join(response.text.split())[:300]
                raise PushError(
                    f"bulk load of graph <{graph}> into {redact(store_url)}: HTTP {response.status_code} "
                    f"{response.reason_phrase}" + (f": {excerpt}" if excerpt else "")
                )
            seconds = time.monotonic() - started
            stored = count_by_sparql(client, query_url, graph, Limits(timeout, COUNT_ANSWER_BYTES))
    except httpx.TimeoutException as exc:
        raise PushError(f"{redact(store_url)}: no answer within {timeout:g} s ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise PushError(f"{redact(store_url)}: cannot reach the Oxigraph server ({type(exc).__name__})") from exc
    return _checked(
        LoadResult(graph, f"the Oxigraph server at {redact(root)}", "its bulk loader", sent, stored, seconds)
    )


def load_oxigraph_directory(out_dir: Path, location: Path, graph: str) -> LoadResult:
    """Replace the graph in an Oxigraph store folder (created if need be) with pyoxigraph's bulk loader."""
    name = _graph_iri(graph)
    path = dataset_file(out_dir)
    sent = count_dump(path)
    if location.exists() and not location.is_dir():
        raise PushError(f"--location {location}: not a folder")
    if location.is_dir() and any(location.iterdir()) and not (location / "CURRENT").is_file():
        raise PushError(f"--location {location}: the folder holds files but no Oxigraph store; give an empty folder")
    started = time.monotonic()
    try:
        store = ox.Store(str(location))
    except OSError as exc:
        raise PushError(
            f"--location {location}: cannot open the Oxigraph store ({exc}); is a server running on it? "
            "Stop it, load, then start `oxigraph serve-read-only` again"
        ) from exc
    try:
        if store.contains_named_graph(name):
            store.remove_graph(name)
        store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
        store.flush()
        seconds = time.monotonic() - started
        stored = sum(1 for _ in store.quads_for_pattern(None, None, None, name))
    except (OSError, SyntaxError) as exc:
        raise PushError(f"loading {path} into the Oxigraph store at {location}: {exc}") from exc
    return _checked(
        LoadResult(graph, f"the Oxigraph store at {location}", "pyoxigraph's bulk loader", sent, stored, seconds)
    )


# ---------------------------------------------------------------- Virtuoso


@dataclass(frozen=True)
class VirtuosoSql:
    """How to reach Virtuoso's SQL port with isql."""

    address: str
    user: str
    password: str
    isql: str = ISQL
    timeout: float = DEFAULT_TIMEOUT

    def run(self, what: str, statements: str) -> list[str]:
        """Run SQL statements in one isql session; their output lines. PushError on the first error isql reports."""
        command = shutil.which(self.isql) or (self.isql if os.sep in self.isql else None)
        if command is None:
            raise PushError(
                f"{self.isql}: Virtuoso's isql is not installed (Debian: virtuoso-opensource-7-bin); "
                "give its path with --isql"
            )
        try:
            done = subprocess.run(
                [command, self.address, self.user, self.password, "BANNER=OFF", "VERBOSE=OFF", f"EXEC={statements}"],
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise PushError(f"{what} at Virtuoso {self.address}: no answer within {self.timeout:g} s") from exc
        except OSError as exc:
            raise PushError(f"{command}: cannot run isql ({exc.strerror or exc})") from exc
        errors = [line for line in done.stderr.splitlines() if line.startswith("*** Error")]
        if errors or done.returncode != 0:
            detail = errors[0] if errors else f"isql exited with {done.returncode}"
            detail = detail.replace(self.password, "***") if self.password else detail
            if "CL033" in detail or "CL034" in detail:
                hint = "cannot connect" if "CL033" in detail else "the user name or password is wrong"
                raise PushError(f"Virtuoso's SQL port {self.address}: {hint} ({detail.removeprefix('*** ')})")
            if "FA003" in detail:
                detail += " (the folder is not in the server's DirsAllowed)"
            raise PushError(f"{what} at Virtuoso {self.address}: {detail.removeprefix('*** ')}")
        return done.stdout.splitlines()

    def value(self, what: str, select: str) -> str:
        """The one value a `SELECT concat('planlod:', …)` returns."""
        for line in self.run(what, select):
            if line.strip().startswith("planlod:"):
                return line.strip().removeprefix("planlod:")
        raise PushError(f"{what} at Virtuoso {self.address}: no answer in isql's output")


def _sql_string(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def load_virtuoso(
    out_dir: Path,
    sql: VirtuosoSql,
    graph: str,
    load_dir: Path,
    server_dir: str | None = None,
) -> LoadResult:
    """Replace the graph in Virtuoso through its RDF bulk loader (ld_dir, rdf_loader_run), then count its quads.

    `load_dir` is a folder on this machine that the server may read (listed in its DirsAllowed); `server_dir` the
    same folder as the server sees it (default: the same path)."""
    _graph_iri(graph)
    sent = count_dump(dataset_file(out_dir))
    source = dataset_file(out_dir, gzipped=True)
    if not load_dir.is_dir():
        raise PushError(f"--load-dir {load_dir}: no such folder (it must be one the Virtuoso server may read)")
    folder = (server_dir or str(load_dir.resolve())).rstrip("/") or "/"
    # One file name per graph, so that two graphs can be loaded from the same folder.
    name = f"planlod-{hashlib.sha256(graph.encode()).hexdigest()[:16]}.nt.gz"
    target = load_dir / name
    server_file = f"{folder.rstrip('/')}/{name}"
    g, file_ = _sql_string(graph), _sql_string(server_file)
    started = time.monotonic()
    partial = target.with_name(name + ".part")
    try:
        shutil.copyfile(source, partial)
        partial.replace(target)
    except OSError as exc:
        raise PushError(f"--load-dir {load_dir}: cannot copy the dump there ({exc.strerror or exc})") from exc
    try:
        sql.run(
            "emptying the graph",
            f"log_enable(3,1); DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id({g}); "
            f"DELETE FROM DB.DBA.load_list WHERE ll_file = {file_};",
        )
        sql.run("registering the dump with ld_dir", f"ld_dir({_sql_string(folder)}, {_sql_string(name)}, {g});")
        registered = sql.value(
            "checking the load list",
            f"SELECT concat('planlod:', cast(count(*) AS VARCHAR)) FROM DB.DBA.load_list WHERE ll_file = {file_};",
        )
        if registered.strip() != "1":
            raise PushError(
                f"Virtuoso {sql.address} did not find {server_file}: is --server-dir the folder as the server sees "
                "it, and is it in the server's DirsAllowed?"
            )
        sql.run("running the bulk loader", "rdf_loader_run();")
        sql.run("the checkpoint after loading", "checkpoint;")
        state = sql.value(
            "reading the load's outcome",
            "SELECT concat('planlod:', cast(ll_state AS VARCHAR), ':', coalesce(ll_error, '')) "
            f"FROM DB.DBA.load_list WHERE ll_file = {file_};",
        )
        seconds = time.monotonic() - started
        if not state.startswith("2:") or state[2:].strip():
            raise PushError(f"Virtuoso's bulk loader did not load {server_file}: {state[2:].strip() or state}")
        stored = int(
            sql.value(
                "counting the graph's triples",
                f"SELECT concat('planlod:', cast(count(*) AS VARCHAR)) FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id({g});",
            )
        )
    finally:
        target.unlink(missing_ok=True)
    return _checked(LoadResult(graph, f"Virtuoso at {sql.address}", "its bulk loader", sent, stored, seconds))


def parse_sql_address(address: str) -> str:
    """host:port of Virtuoso's SQL port; PushError if it is not one."""
    if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+:\d{1,5}", address):
        raise PushError(f"--sql {address!r}: give Virtuoso's SQL address as host:port, e.g. {DEFAULT_SQL}")
    return address


def load_into_store(
    store: str,
    out_dir: Path,
    graph: str,
    *,
    endpoint: str | None = None,
    location: Path | None = None,
    sql: str | None = None,
    user: str | None = None,
    password: str | None = None,
    load_dir: Path | None = None,
    server_dir: str | None = None,
    isql: str = ISQL,
    timeout: float = DEFAULT_TIMEOUT,
) -> LoadResult:
    """Load the built dataset into `store` ("oxigraph" or "virtuoso") by its fast path; PushError names what is
    missing or what failed."""
    if store == "oxigraph":
        if (endpoint is None) == (location is None):
            raise PushError(
                "--store oxigraph needs either --endpoint (a running Oxigraph server's root URL, e.g. "
                "http://localhost:7878) or --location (a store folder to load offline), not both"
            )
        if location is not None:
            return load_oxigraph_directory(out_dir, location, graph)
        assert endpoint is not None
        return load_oxigraph_server(out_dir, endpoint, graph, timeout=timeout)
    if store == "virtuoso":
        missing = [
            option
            for option, value in (("--load-dir", load_dir), ("--user", user), ("--password", password))
            if value in (None, "")
        ]
        if missing:
            raise PushError(
                "--store virtuoso needs "
                + ", ".join(missing)
                + " (--load-dir: a folder the server may read, listed in its DirsAllowed)"
            )
        if endpoint is not None:
            raise PushError("--store virtuoso talks to the SQL port (--sql host:port), not to --endpoint")
        assert load_dir is not None and user is not None and password is not None
        connection = VirtuosoSql(parse_sql_address(sql or DEFAULT_SQL), user, password, isql, timeout)
        return load_virtuoso(out_dir, connection, graph, load_dir, server_dir)
    raise PushError(f"--store {store!r}: choose one of {', '.join(STORES)}")
