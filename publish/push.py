"""`planlod push`: replace a named graph in a production triplestore with the built dataset.

Stage: push, over the build's output. Imports `errors`, `formats`, `urls`; httpx does HTTP.

It speaks the SPARQL 1.1 Graph Store HTTP Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/):
`PUT {endpoint}?graph={graph}` with the dump as the body replaces the graph's content, in any store that
implements the protocol (Virtuoso's /sparql-graph-crud-auth, Fuseki's /{dataset}/data, GraphDB's
/repositories/{id}/rdf-graphs/service, QLever...). Then it counts the graph's triples in the store (by a
SPARQL query, or by reading the graph back) and fails unless the count is the dump's.

What it guards against: credentials in a URL are used and never printed; the graph name must be an absolute
IRI (it goes into the count query); each exchange with the store has a time limit in all, so a store that
trickles its answer cannot hold the push; what the store sends back is read up to a size limit; every failure
names the URL that failed.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Generator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from .errors import PlanlodError
from .formats import NTRIPLES, SPARQL_JSON, TURTLE, format_for_media_type
from .urls import dump, sdg_kos_dump

# The dumps `--format` chooses from, by their extension.
DUMP_FORMATS = {fmt.extensions[0]: fmt for fmt in (NTRIPLES, TURTLE)}


class PushError(PlanlodError):
    """The push failed: the store refused it, could not be reached, or holds another number of triples."""


class AutoAuth(httpx.Auth):
    """HTTP authentication with whatever scheme the server asks for: Digest (Virtuoso) or Basic (Fuseki,
    GraphDB). Nothing is sent until the server asks, so credentials never go to a server that does not."""

    requires_request_body = True

    def __init__(self, user: str, password: str) -> None:
        self.password = password
        self.digest = httpx.DigestAuth(user, password)
        self.basic = httpx.BasicAuth(user, password)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield request
        if response.status_code != 401:
            return
        scheme = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
        if scheme == "digest":
            flow = self.digest.auth_flow(request)
            next(flow)  # the unauthenticated request, already sent
            try:
                authenticated = flow.send(response)
            except StopIteration:
                return
            yield authenticated
        elif scheme == "basic":
            yield next(self.basic.auth_flow(request))


@dataclass(frozen=True)
class PushResult:
    """What a push did."""

    graph: str
    endpoint: str
    status: int
    sent: int
    stored: int
    counted_by: str
    # The graph the UN SDG KOS went into ('' when it was not pushed), and its triples in the store.
    kos_graph: str = ""
    kos_triples: int = 0

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        line = (
            f"pushed {self.sent} triples into graph <{self.graph}> at {self.endpoint} (HTTP {self.status}); "
            f"the store holds {self.stored} ({self.counted_by})"
        )
        if self.kos_graph:
            line += f"; and the UN SDG KOS ({self.kos_triples} triples) into graph <{self.kos_graph}>"
        return line


def derive_sparql_endpoint(graph_store: str) -> str | None:
    """The SPARQL query endpoint of well-known Graph Store endpoints, or None."""
    url = httpx.URL(graph_store)
    path = url.path.rstrip("/")
    rules = (
        (r"^(.*)/sparql-graph-crud(-auth)?$", r"\1/sparql"),  # Virtuoso
        (r"^(.*)/data$", r"\1/sparql"),  # Fuseki
        (r"^(.*/repositories/[^/]+)/rdf-graphs/service$", r"\1"),  # GraphDB, RDF4J
    )
    for pattern, replacement in rules:
        if re.match(pattern, path):
            return str(url.copy_with(path=re.sub(pattern, replacement, path), query=None))
    return None


def count_triples(content: bytes, media_type: str) -> int:
    """The number of distinct triples in an N-Triples or Turtle document (anything but N-Triples is read as
    Turtle, which N-Triples is a subset of)."""
    rdf_format = (format_for_media_type(media_type, (NTRIPLES,)) or TURTLE).rdf_format
    try:
        return len({(q.subject, q.predicate, q.object) for q in ox.parse(content, rdf_format)})
    except SyntaxError as exc:
        raise PushError(f"the document does not parse as {media_type}: {exc}") from exc


# ---------------------------------------------------------------- what the user gives


def redact_text(url: str) -> str:
    """A text that may be a URL with a password, as it may be shown: anything between `://` and `@` that
    holds a colon is taken for user:password, and the password is replaced by `***`."""
    return re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:***@", url)


def redact(url: str) -> str:
    """The URL as it may be shown: a password in it replaced by `***`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def check_url(url: str, what: str) -> httpx.URL:
    """The URL if it is an absolute http(s) URL with a host; a PushError naming `what` otherwise."""
    shown = redact(url)
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise PushError(f"{what} {shown!r} is not a URL: {exc}") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise PushError(f"{what} {shown!r} must be an http or https URL with a host name")
    return parsed


def check_graph(graph: str) -> str:
    """The graph name if it is an absolute IRI (it goes into a query: nothing else may)."""
    problem = ""
    if not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", graph):
        problem = "it is not an absolute IRI (it has no scheme)"
    else:
        try:
            ox.NamedNode(graph)
        except ValueError as exc:
            problem = f"it is not an IRI ({exc})"
        if not problem and re.search(r"[\x00-\x20<>\"{}|^`\\]", graph):
            problem = "it holds a character an IRI may not (space, <, >, quotes, braces, backslash...)"
    if problem:
        raise PushError(f"--graph {graph!r}: {problem}")
    return graph


def credentials(endpoint: str, user: str | None, password: str | None) -> tuple[str, str | None, str | None]:
    """The endpoint without credentials in it, and the user and password (given ones win over the URL's)."""
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError as exc:
        raise PushError(f"{redact_text(endpoint)!r} is not a URL: {exc}") from exc
    if parts.username is None and parts.password is None:
        return endpoint, user, password
    host = parts.netloc.rsplit("@", 1)[1]
    bare = urlunsplit(parts._replace(netloc=host))
    return bare, user or unquote(parts.username or ""), password or unquote(parts.password or "")


# ---------------------------------------------------------------- talking to the store


@dataclass(frozen=True)
class Limits:
    """How long each exchange with the store may take in all (however slowly the store trickles its answer),
    and how much it may send back."""

    seconds: float
    answer_bytes: int


def _fail(what: str, status: int, reason: str, body: bytes) -> PushError:
    excerpt = " ".join(body[:2000].decode("utf-8", "replace").split())[:300]
    return PushError(f"{what}: HTTP {status} {reason}" + (f": {excerpt}" if excerpt else ""))


def _exchange(
    client: httpx.Client, what: str, limits: Limits, method: str, url: str, **kwargs: object
) -> tuple[httpx.Response, bytes]:
    """One request; the answer read (and decompressed) within `limits`: time in all, and size. PushError names
    `what`."""
    deadline = time.monotonic() + limits.seconds
    try:
        with client.stream(method, url, **kwargs) as response:  # type: ignore[arg-type]
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limits.answer_bytes:
                    raise PushError(
                        f"{what}: the store sent more than {limits.answer_bytes} bytes; "
                        "that is more than the dataset could be, so the push stopped reading"
                    )
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise PushError(f"{what}: the store did not finish its answer within {limits.seconds:g} s")
            body = b"".join(chunks)
    except httpx.TimeoutException as exc:
        raise PushError(f"{what}: no answer within {limits.seconds:g} s ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise PushError(f"{what}: {type(exc).__name__}: {_without(exc, client)}") from exc
    if time.monotonic() > deadline:
        raise PushError(f"{what}: the store did not finish its answer within {limits.seconds:g} s")
    return response, body


def _without(exc: Exception, client: httpx.Client) -> str:
    """An exception's message with the password (if it quotes it) taken out."""
    text = str(exc)
    secret = getattr(client.auth, "password", "")
    return text.replace(secret, "***") if isinstance(secret, str) and secret else text


def count_by_sparql(client: httpx.Client, sparql: str, graph: str, limits: Limits | None = None) -> int:
    """The number of triples in a graph, asked of a SPARQL endpoint."""
    limits = limits or Limits(300.0, COUNT_ANSWER_BYTES)
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{check_graph(graph)}> {{ ?s ?p ?o }} }}"
    what = f"counting the triples at {redact(sparql)}"
    response, body = _exchange(
        client,
        what,
        Limits(limits.seconds, COUNT_ANSWER_BYTES),
        "GET",
        sparql,
        params={"query": query},
        headers={"Accept": SPARQL_JSON.media_type, "Accept-Encoding": "identity"},
    )
    if response.status_code != 200:
        raise _fail(what, response.status_code, response.reason_phrase, body)
    try:
        bindings = json.loads(body)["results"]["bindings"]
        return int(bindings[0]["n"]["value"]) if bindings else 0
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise PushError(f"{redact(sparql)} did not answer the count query with SPARQL JSON results") from exc


def count_by_graph_store(client: httpx.Client, endpoint: str, graph: str, limits: Limits | None = None) -> int:
    """The number of triples in a graph, read back from the Graph Store endpoint (at most `limits.answer_bytes`)."""
    limits = limits or Limits(300.0, READ_BACK_BYTES)
    what = f"reading graph <{graph}> back from {redact(endpoint)}"
    response, body = _exchange(
        client,
        what,
        limits,
        "GET",
        endpoint,
        params={"graph": graph},
        headers={"Accept": NTRIPLES.media_type, "Accept-Encoding": "identity"},
    )
    if response.status_code != 200:
        raise _fail(what, response.status_code, response.reason_phrase, body)
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip()
    return count_triples(body, media_type)


# The most a store may send back: for the count query, and (beyond this floor) for a graph read back.
COUNT_ANSWER_BYTES = 1 << 20
READ_BACK_BYTES = 64 << 20
DEFAULT_TIMEOUT = 300.0


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PushError(f"{path}: cannot read {what} ({exc.strerror or exc}); run `planlod build` first") from exc


@dataclass(frozen=True)
class _Store:
    """Where and how a push talks to the store."""

    client: httpx.Client
    endpoint: str
    sparql: str | None
    timeout: float


def _put_and_count(store: _Store, graph: str, content: bytes, media_type: str) -> tuple[int, int, str]:
    """PUT the content into the graph; the HTTP status, the triples the store holds there, and how they were
    counted."""
    shown = redact(store.endpoint)
    what = f"PUT of graph <{graph}> to {shown}"
    response, body = _exchange(
        store.client,
        what,
        Limits(store.timeout, COUNT_ANSWER_BYTES),
        "PUT",
        store.endpoint,
        params={"graph": graph},
        content=content,
        headers={"Content-Type": f"{media_type}; charset=utf-8", "Accept-Encoding": "identity"},
    )
    if response.status_code not in (200, 201, 204):
        raise _fail(what, response.status_code, response.reason_phrase, body)
    # A graph read back may be a little larger than what was sent (another serialization), never many times larger.
    limits = Limits(store.timeout, max(READ_BACK_BYTES, 4 * len(content)))
    if store.sparql:
        stored = count_by_sparql(store.client, store.sparql, graph, limits)
        return response.status_code, stored, f"counted at {redact(store.sparql)}"
    stored = count_by_graph_store(store.client, store.endpoint, graph, limits)
    return response.status_code, stored, "read back from the graph store"


def push_dataset(
    out_dir: Path,
    endpoint: str,
    graph: str,
    *,
    user: str | None = None,
    password: str | None = None,
    sparql: str | None = None,
    dump_format: str = "nt",
    timeout: float = DEFAULT_TIMEOUT,
    kos_graph: str | None = None,
) -> PushResult:
    """PUT the dump into the graph, then check that the store holds as many triples as the dump. With `kos_graph`,
    the copy of the UN SDG KOS the dataset links to (`dump/fn-verdensmaal.nt`) goes into that graph too, so that
    queries can roll targets up to goals in the store as they do at /sparql.

    `timeout` bounds each exchange with the store in all (connecting, sending, and reading the answer however
    slowly it comes). Credentials in the endpoint's URL are used like --user and --password, and never shown.
    """
    if timeout <= 0:
        raise PushError(f"--timeout must be positive, got {timeout:g}")
    endpoint, user, password = credentials(endpoint, user, password)
    check_url(endpoint, "--endpoint")
    check_graph(graph)
    if kos_graph:
        check_graph(kos_graph)
    if sparql:
        sparql, _, _ = credentials(sparql, None, None)
        check_url(sparql, "--sparql")
    fmt = DUMP_FORMATS[dump_format]
    media_type = fmt.media_type
    content = _read(out_dir / dump(fmt), "the dataset")
    sent = count_triples(content, media_type)
    kos = _read(out_dir / sdg_kos_dump(), "the UN SDG KOS") if kos_graph else b""
    auth = AutoAuth(user, password or "") if user else None
    sparql = sparql or derive_sparql_endpoint(endpoint)
    shown = redact(endpoint)
    http_timeout = httpx.Timeout(timeout, connect=min(timeout, 30.0))
    with httpx.Client(auth=auth, timeout=http_timeout, follow_redirects=False) as client:
        store = _Store(client, endpoint, sparql, timeout)
        status, stored, counted_by = _put_and_count(store, graph, content, media_type)
        result = PushResult(graph, shown, status, sent, stored, counted_by)
        if stored != sent:
            raise PushError(f"{result.line()}: the counts differ, so the graph does not hold the dataset")
        if kos_graph:
            kos_sent = count_triples(kos, NTRIPLES.media_type)
            _, kos_stored, _ = _put_and_count(store, kos_graph, kos, NTRIPLES.media_type)
            if kos_stored != kos_sent:
                raise PushError(
                    f"pushed {kos_sent} triples of the UN SDG KOS into graph <{kos_graph}> at {shown}; "
                    f"the store holds {kos_stored}: the counts differ"
                )
            result = replace(result, kos_graph=kos_graph, kos_triples=kos_stored)
    return result
