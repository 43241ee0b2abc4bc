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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from .formats import GZIP, NTRIPLES
from .push import COUNT_ANSWER_BYTES, Limits, PushError, check_graph, check_url, count_by_sparql, redact, redact_text
from .urls import compressed, dump

# The stores `--store` chooses from (`gsp` is the Graph Store Protocol PUT of publish/push.py).
STORES = ("gsp", "oxigraph", "virtuoso")

# The Virtuoso command-line SQL client, as Debian names it (upstream builds call it `isql`).
ISQL = "isql-vt"
DEFAULT_SQL = "localhost:1111"
DEFAULT_TIMEOUT = 300.0


@dataclass(frozen=True)
class GraphDump:
    """A named graph to fill and the built N-Triples dump of its triples (relative to the site's folder)."""

    graph: str
    path: str
    what: str = "the dataset"


def dataset_dumps(graph: str) -> tuple[GraphDump, ...]:
    """The dataset's dump into `graph`."""
    return (GraphDump(graph, dump(NTRIPLES)),)


@dataclass(frozen=True)
class Loaded:
    """One graph loaded: the triples sent and the triples the store then holds."""

    graph: str
    sent: int
    stored: int


@dataclass(frozen=True)
class LoadResult:
    """What a load into a store did."""

    graphs: tuple[Loaded, ...]
    store: str
    how: str
    seconds: float

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        sent = ", ".join(f"{g.sent} triples into graph <{g.graph}>" for g in self.graphs)
        stored = ", ".join(str(g.stored) for g in self.graphs)
        return f"loaded {sent} in {self.store} by {self.how} in {self.seconds:.1f} s; the store holds {stored}"


def dump_file(out_dir: Path, part: GraphDump, *, gzipped: bool = False) -> Path:
    """The built N-Triples dump of a graph (or its gzipped copy, when the build wrote one); PushError if missing."""
    path = out_dir / part.path
    if gzipped and (out_dir / compressed(part.path, GZIP)).is_file():
        path = out_dir / compressed(part.path, GZIP)
    if not path.is_file():
        raise PushError(f"{path}: the dump of {part.what} is missing; run `planlod build` first")
    return path


def count_dump(path: Path) -> int:
    """The triples in a built N-Triples dump (the build writes each triple once, sorted)."""
    try:
        return sum(1 for _ in ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES))
    except (OSError, SyntaxError) as exc:
        raise PushError(f"{path}: cannot read the dump: {exc}") from exc


def _checked(result: LoadResult) -> LoadResult:
    if any(g.stored != g.sent for g in result.graphs):
        raise PushError(f"{result.line()}: the counts differ, so the store does not hold the dataset")
    return result


def _graph_iri(graph: str) -> ox.NamedNode:
    """The graph name as an IRI; PushError if it is not an absolute IRI that may go into a query."""
    if "'" in graph:  # it goes into SQL strings too
        raise PushError(f"--graph {graph!r}: it holds a quote, which an IRI for a store may not")
    return ox.NamedNode(check_graph(graph))


def _prepared(out_dir: Path, parts: Sequence[GraphDump]) -> list[tuple[GraphDump, Path, int]]:
    """Each graph checked, its dump found and counted, before the store is touched."""
    for part in parts:
        _graph_iri(part.graph)
    return [(part, path, count_dump(path)) for part in parts for path in [dump_file(out_dir, part)]]


# ---------------------------------------------------------------- Oxigraph


def load_oxigraph_server(
    out_dir: Path, endpoint: str, parts: Sequence[GraphDump], *, timeout: float = DEFAULT_TIMEOUT
) -> LoadResult:
    """Replace each graph in a running Oxigraph server through its bulk loader, then count it by SPARQL."""
    check_url(endpoint, "--endpoint")
    root = endpoint.rstrip("/")
    prepared = _prepared(out_dir, parts)
    store_url, query_url = f"{root}/store", f"{root}/query"
    loaded: list[Loaded] = []
    started = time.monotonic()
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            for part, path, sent in prepared:
                response = client.put(
                    store_url,
                    params={"graph": part.graph, "no_transaction": ""},
                    content=path.read_bytes(),
                    headers={"Content-Type": NTRIPLES.media_type},
                )
                if response.status_code not in (200, 201, 204):
                    excerpt = " ".join(response.text.split())[:300]
                    raise PushError(
                        f"bulk load of graph <{part.graph}> into {redact(store_url)}: HTTP {response.status_code} "
                        f"{response.reason_phrase}" + (f": {excerpt}" if excerpt else "")
                    )
                stored = count_by_sparql(client, query_url, part.graph, Limits(timeout, COUNT_ANSWER_BYTES))
                loaded.append(Loaded(part.graph, sent, stored))
    except httpx.TimeoutException as exc:
        raise PushError(f"{redact(store_url)}: no answer within {timeout:g} s ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise PushError(
            f"{redact(store_url)}: cannot reach the Oxigraph server ({type(exc).__name__}: {redact_text(str(exc))})"
        ) from exc
    seconds = time.monotonic() - started
    return _checked(LoadResult(tuple(loaded), f"the Oxigraph server at {redact(root)}", "its bulk loader", seconds))


def load_oxigraph_directory(out_dir: Path, location: Path, parts: Sequence[GraphDump]) -> LoadResult:
    """Replace each graph in an Oxigraph store folder (created if need be) with pyoxigraph's bulk loader."""
    prepared = _prepared(out_dir, parts)
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
    loaded: list[Loaded] = []
    try:
        for part, path, sent in prepared:
            name = ox.NamedNode(part.graph)
            if store.contains_named_graph(name):
                store.remove_graph(name)
            store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
            store.flush()
            answer = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{part.graph}> {{ ?s ?p ?o }} }}")
            assert isinstance(answer, ox.QuerySolutions)
            counted = next(iter(answer))["n"]
            loaded.append(Loaded(part.graph, sent, int(counted.value) if isinstance(counted, ox.Literal) else -1))
    except (OSError, SyntaxError) as exc:
        raise PushError(f"loading into the Oxigraph store at {location}: {exc}") from exc
    seconds = time.monotonic() - started
    where = f"the Oxigraph store at {location}"
    return _checked(LoadResult(tuple(loaded), where, "pyoxigraph's bulk loader", seconds))


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
    parts: Sequence[GraphDump],
    load_dir: Path,
    server_dir: str | None = None,
) -> LoadResult:
    """Replace each graph in Virtuoso through its RDF bulk loader (ld_dir, rdf_loader_run), then count its quads.

    `load_dir` is a folder on this machine that the server may read (listed in its DirsAllowed); `server_dir` the
    same folder as the server sees it (default: the same path)."""
    prepared = _prepared(out_dir, parts)
    if not load_dir.is_dir():
        raise PushError(f"--load-dir {load_dir}: no such folder (it must be one the Virtuoso server may read)")
    folder = (server_dir or str(load_dir.resolve())).rstrip("/") or "/"
    copies: list[tuple[GraphDump, int, str, Path]] = []
    started = time.monotonic()
    try:
        for part, _, sent in prepared:
            source = dump_file(out_dir, part, gzipped=True)
            # One file name per graph, so that several graphs (and sites) can be loaded from the same folder.
            name = f"planlod-{hashlib.sha256(part.graph.encode()).hexdigest()[:16]}.nt" + (
                GZIP.extension if source.name.endswith(GZIP.extension) else ""
            )
            target = load_dir / name
            copies.append((part, sent, name, target))
            partial = target.with_name(name + ".part")
            try:
                shutil.copyfile(source, partial)
                partial.replace(target)
            except OSError as exc:
                partial.unlink(missing_ok=True)
                raise PushError(f"--load-dir {load_dir}: cannot copy the dump there ({exc.strerror or exc})") from exc
        for part, _, name, _ in copies:
            g, file_ = _sql_string(part.graph), _sql_string(f"{folder.rstrip('/')}/{name}")
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
                    f"Virtuoso {sql.address} did not find {folder}/{name}: is --server-dir the folder as the server "
                    "sees it, and is it in the server's DirsAllowed?"
                )
        sql.run("running the bulk loader", "rdf_loader_run();")
        sql.run("the checkpoint after loading", "checkpoint;")
        loaded: list[Loaded] = []
        for part, sent, name, _ in copies:
            g, file_ = _sql_string(part.graph), _sql_string(f"{folder.rstrip('/')}/{name}")
            state = sql.value(
                "reading the load's outcome",
                "SELECT concat('planlod:', cast(ll_state AS VARCHAR), ':', coalesce(ll_error, '')) "
                f"FROM DB.DBA.load_list WHERE ll_file = {file_};",
            )
            if not state.startswith("2:") or state[2:].strip():
                raise PushError(f"Virtuoso's bulk loader did not load {folder}/{name}: {state[2:].strip() or state}")
            stored = sql.value(
                "counting the graph's triples",
                f"SELECT concat('planlod:', cast(count(*) AS VARCHAR)) FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id({g});",
            )
            loaded.append(Loaded(part.graph, sent, int(stored)))
        seconds = time.monotonic() - started
    finally:
        for _, _, _, target in copies:
            target.unlink(missing_ok=True)
    return _checked(LoadResult(tuple(loaded), f"Virtuoso at {sql.address}", "its bulk loader", seconds))


def parse_sql_address(address: str) -> str:
    """host:port of Virtuoso's SQL port; PushError if it is not one."""
    if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+:\d{1,5}", address):
        raise PushError(f"--sql {address!r}: give Virtuoso's SQL address as host:port, e.g. {DEFAULT_SQL}")
    return address


def load_into_store(
    store: str,
    out_dir: Path,
    parts: Sequence[GraphDump],
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
    """Load the built dumps into their graphs in `store` ("oxigraph" or "virtuoso") by its fast path; PushError
    names what is missing or what failed."""
    if store == "oxigraph":
        if (endpoint is None) == (location is None):
            raise PushError(
                "--store oxigraph needs either --endpoint (a running Oxigraph server's root URL, e.g. "
                "http://localhost:7878) or --location (a store folder to load offline), not both"
            )
        if location is not None:
            return load_oxigraph_directory(out_dir, location, parts)
        assert endpoint is not None
        return load_oxigraph_server(out_dir, endpoint, parts, timeout=timeout)
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
        return load_virtuoso(out_dir, connection, parts, load_dir, server_dir)
    raise PushError(f"--store {store!r}: choose one of {', '.join(STORES)}")
