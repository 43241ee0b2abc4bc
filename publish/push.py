"""`planlod push`: replace a named graph in a production triplestore with the built dataset.

Stage: push, over the build's output. Imports `errors`, `formats`, `urls`; httpx does HTTP.

It speaks the SPARQL 1.1 Graph Store HTTP Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/):
`PUT {endpoint}?graph={graph}` with the dump as the body replaces the graph's content, in any store that
implements the protocol (Virtuoso's /sparql-graph-crud-auth, Fuseki's /{dataset}/data, GraphDB's
/repositories/{id}/rdf-graphs/service, QLever...). Then it counts the graph's triples in the store (by a
SPARQL query, or by reading the graph back) and fails unless the count is the dump's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from .errors import PlanlodError
from .formats import NTRIPLES, SPARQL_JSON, TURTLE, format_for_media_type
from .urls import dump

# The dumps `--format` chooses from, by their extension.
DUMP_FORMATS = {fmt.extensions[0]: fmt for fmt in (NTRIPLES, TURTLE)}


class PushError(PlanlodError):
    """The push failed: the store refused it, could not be reached, or holds another number of triples."""


class AutoAuth(httpx.Auth):
    """HTTP authentication with whatever scheme the server asks for: Digest (Virtuoso) or Basic (Fuseki,
    GraphDB). Nothing is sent until the server asks, so credentials never go to a server that does not."""

    requires_request_body = True

    def __init__(self, user: str, password: str) -> None:
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

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        return (
            f"pushed {self.sent} triples into graph <{self.graph}> at {self.endpoint} (HTTP {self.status}); "
            f"the store holds {self.stored} ({self.counted_by})"
        )


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


def _fail(what: str, response: httpx.Response) -> PushError:
    excerpt = " ".join(response.text.split())[:300]
    return PushError(
        f"{what}: HTTP {response.status_code} {response.reason_phrase}" + (f": {excerpt}" if excerpt else "")
    )


def count_by_sparql(client: httpx.Client, sparql: str, graph: str) -> int:
    """The number of triples in a graph, asked of a SPARQL endpoint."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    response = client.get(sparql, params={"query": query}, headers={"Accept": SPARQL_JSON.media_type})
    if response.status_code != 200:
        raise _fail(f"counting the triples at {sparql}", response)
    try:
        bindings = json.loads(response.content)["results"]["bindings"]
        return int(bindings[0]["n"]["value"]) if bindings else 0
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise PushError(f"{sparql} did not answer the count query with SPARQL JSON results") from exc


def count_by_graph_store(client: httpx.Client, endpoint: str, graph: str) -> int:
    """The number of triples in a graph, read back from the Graph Store endpoint."""
    response = client.get(endpoint, params={"graph": graph}, headers={"Accept": NTRIPLES.media_type})
    if response.status_code != 200:
        raise _fail(f"reading graph <{graph}> back from {endpoint}", response)
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip()
    return count_triples(response.content, media_type)


def push_dataset(
    out_dir: Path,
    endpoint: str,
    graph: str,
    *,
    user: str | None = None,
    password: str | None = None,
    sparql: str | None = None,
    dump_format: str = "nt",
    timeout: float = 300.0,
) -> PushResult:
    """PUT the dump into the graph, then check that the store holds as many triples as the dump."""
    fmt = DUMP_FORMATS[dump_format]
    media_type = fmt.media_type
    dump_file = out_dir / dump(fmt)
    try:
        content = dump_file.read_bytes()
    except OSError as exc:
        raise PushError(
            f"{dump_file}: cannot read the dataset ({exc.strerror or exc}); run `planlod build` first"
        ) from exc
    sent = count_triples(content, media_type)
    auth = AutoAuth(user, password or "") if user else None
    sparql = sparql or derive_sparql_endpoint(endpoint)
    try:
        with httpx.Client(auth=auth, timeout=timeout, follow_redirects=False) as client:
            response = client.put(
                endpoint,
                params={"graph": graph},
                content=content,
                headers={"Content-Type": f"{media_type}; charset=utf-8"},
            )
            if response.status_code not in (200, 201, 204):
                raise _fail(f"PUT of graph <{graph}> to {endpoint}", response)
            if sparql:
                stored, counted_by = count_by_sparql(client, sparql, graph), f"counted at {sparql}"
            else:
                stored, counted_by = count_by_graph_store(client, endpoint, graph), "read back from the graph store"
    except httpx.HTTPError as exc:
        raise PushError(f"{endpoint}: {type(exc).__name__}: {exc}") from exc
    result = PushResult(graph, endpoint, response.status_code, sent, stored, counted_by)
    if stored != sent:
        raise PushError(f"{result.line()}: the counts differ, so the graph does not hold the dataset")
    return result
