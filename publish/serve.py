"""Serve the built site over HTTP: content negotiation at entity IRIs, the documents, and `/sparql`.

Stage: serve, over the build's output. Imports `builtsite`, `errors`, `formats`, `headers`, `serverconf`, `sparql`,
`sparqlcheck`, `sparqlpool`, `sparqlqueue` and `urls`; starlette and uvicorn do HTTP.

What it answers (see README, "Serving and deployment"):
- an entity path `P` (the output has `P.ttl` and `P/index.html`): `303 See Other` by the Accept header, to
  `P.ttl`, `P.jsonld` or `P.nt` for RDF media types and to the HTML page `P/` for everything else (browsers,
  `*/*`, no Accept header); `406 Not Acceptable` with the list of alternatives when the header rules all of
  them out. Both 303s and the 406 carry `Vary: Accept`. The HTML page is answered at its folder `P/`, where
  its relative links work;
- every file of the output at its own URL, with its media type and charset whatever the Accept header, an
  ETag and Last-Modified, and 304 to conditional requests; HEAD as GET without the body;
- `/sparql`: the read-only SPARQL 1.1 Protocol over the dataset (`sparql.QueryPool`), through a bounded fair
  queue (`sparqlqueue.FairQueue`) with every query's time counted from its arrival; queries wait and run on
  their own threads, so the files never wait behind them;
- CORS: `Access-Control-Allow-Origin: *` on every response (never with credentials), OPTIONS preflights 204;
- the same caching, licence link on data files and 404 body as the generated nginx and Apache rules
  (`serverconf`), the licence being the one the built site states in its VoID description;
- the security headers of `headers.security_headers` on every response;
- connections that do not finish their request headers within `HEADER_TIMEOUT` seconds are closed.
Paths that leave the output folder, through `..` or a symbolic link, are answered 404.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import os
import socket
import stat
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from .builtsite import SiteError, read_site
from .errors import PlanlodError
from .formats import (
    FORM,
    GRAPH_FORMATS,
    HTML,
    HTML_MEDIA_TYPE,
    NTRIPLES,
    RDF_FORMATS,
    SOLUTION_FORMATS,
    SPARQL_QUERY,
    SPARQL_UPDATE,
    TEXT,
    TURTLE,
    Format,
    content_type_for_name,
)
from .headers import Headers as HeaderPairs
from .headers import security_headers
from .serverconf import NOT_FOUND_TEXT, SHORT_CACHE, cache_control_for, is_data_file, licence_link
from .sparql import (
    QueryOutcome,
    QueryRequest,
    refusal,
    serialize_graph,
    service_description,
    text_outcome,
)
from .sparqlcheck import MAX_QUERY_BYTES
from .sparqlpool import Busy, MemoryExceeded, Preempted, QueryPool, QueryTimeout
from .sparqlqueue import DEFAULT_CAPACITY, FairQueue, Job, QueueFull, QueueTimeout
from .urls import (
    NAMESPACE_PATHS,
    QUERY_PAGE,
    SPARQL_PATH,
    VOID_WELL_KNOWN,
    UrlPolicy,
    document,
    dump,
    is_private,
    page,
    page_file,
)


class ServeError(PlanlodError):
    """The server cannot start: no built site, or the address is in use."""


# ---------------------------------------------------------------- the Accept header


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float
    order: int

    def specificity(self, media_type: str) -> int:
        """How closely this range matches a media type: 2 exactly, 1 `type/*`, 0 `*/*`, -1 not at all."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header (RFC 9110 §12.5.1). Entries that do not parse are skipped;
    a missing or empty header (or one with nothing usable) means `*/*`."""
    ranges = []
    for order, entry in enumerate(_split_outside_quotes(header or "", ",")):
        pieces = _split_outside_quotes(entry, ";")
        media = pieces[0].strip().lower()
        if media == "*":
            media = "*/*"
        main, slash, sub = media.partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        q = 1.0
        valid = True
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip().strip('"'))
                except ValueError:
                    valid = False
                    break
                if not 0.0 <= q <= 1.0:  # also false for NaN
                    valid = False
                break  # parameters after q are accept-extensions
        if valid:
            ranges.append(MediaRange(main, sub, q, order))
    return ranges or [MediaRange("*", "*", 1.0, 0)]


def negotiate(header: str | None, offers: Sequence[tuple[str, str]]) -> str | None:
    """The key of the best offer `(media type, key)` for an Accept header, or None if none is acceptable.

    Each offer takes the q of the most specific range that matches it. Ties go to the more specific match,
    then to the range the client listed first, then to the order of the offers (the server's preference).
    """
    ranges = parse_accept(header)
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for position, (media_type, key) in enumerate(offers):
        matches = [(r.specificity(media_type), r) for r in ranges]
        matches = [(s, r) for s, r in matches if s >= 0]
        if not matches:
            continue
        specificity = max(s for s, _ in matches)
        most_specific = [r for s, r in matches if s == specificity]
        q = max(r.q for r in most_specific)
        order = min(r.order for r in most_specific if r.q == q)
        if q <= 0:
            continue
        rank = (q, specificity, -order, -position)
        if best is None or rank > best:
            best, chosen = rank, key
    return chosen


def format_offers(formats: Sequence[Format]) -> list[tuple[str, str]]:
    """Offers for `negotiate`: every media type /sparql reads for a format (aliases after all canonical ones)
    -> the format's canonical type."""
    canonical = [(f.media_type, f.media_type) for f in formats]
    aliases = [(alias, f.media_type) for f in formats for alias in f.result_media_types[1:]]
    return canonical + aliases


HTML_KEY = "html"
# What an entity IRI offers, in the server's order of preference: HTML first, so that `*/*` gets the page.
ENTITY_OFFERS: tuple[tuple[str, str], ...] = (
    (HTML.media_type, HTML_KEY),
    *((fmt.media_type, fmt.extension) for fmt in RDF_FORMATS),
    *((alias, HTML_KEY) for alias in HTML.aliases),
    *((alias, fmt.extension) for fmt in RDF_FORMATS for alias in fmt.aliases),
)


# ---------------------------------------------------------------- files


# Files without an extension whose format is known from their path.
_NAMED_FORMATS: dict[str, Format] = {VOID_WELL_KNOWN: TURTLE}


def content_type_for(relative: str) -> str:
    """The Content-Type of an output file, from the formats table: what the generated server rules send too."""
    relative = relative.replace(os.sep, "/")
    named = _NAMED_FORMATS.get(relative)
    return named.content_type if named is not None else content_type_for_name(relative)


def file_headers(relative: str, licence: str) -> dict[str, str]:
    """Cache-Control of an output file, and on data files the licence link: what the generated nginx and Apache
    rules send too (`serverconf.cache_control_for`, `serverconf.is_data_file`)."""
    relative = relative.replace(os.sep, "/")
    headers = {"Cache-Control": cache_control_for(relative)}
    if licence and is_data_file(relative):
        headers["Link"] = licence_link(licence)
    return headers


# Files up to this size are read in one go on the event loop (a few microseconds from the page cache) instead of
# streamed through worker threads; the site's pages and documents are all far smaller.
SMALL_FILE = 256 * 1024


def not_found() -> Response:
    """The 404 of the site: the same plain-text body as the generated nginx and Apache rules send."""
    return Response(NOT_FOUND_TEXT, status_code=404, media_type=TEXT.content_type)


class SiteFiles(StaticFiles):
    """The output folder's files, typed from the formats table (StaticFiles keeps paths inside the folder,
    refuses symbolic links that leave it, and answers conditional requests)."""

    def __init__(self, directory: Path, licence: str = "") -> None:
        super().__init__(directory=directory, html=True, follow_symlink=False)
        # The licence of the data files' `Link` header (the site's, as it stated it when the server started).
        self.licence = licence
        # The output folder is a symbolic link to the site's current generation, switched by every build: it is
        # followed on every request, so the server always shows the current site.
        self.folder = Path(directory)

    async def get_response(self, path: str, scope: Scope) -> Response:
        """Small files (and folder pages) directly; everything else, and every error, as StaticFiles does.

        The build's own records (`.planlod-site`, `.planlod-state`) are not part of the site: 404."""
        if is_private(path):
            return not_found()
        if scope["method"] in ("GET", "HEAD"):
            target = page_file(path) if scope["path"].endswith("/") else path
            try:
                full_path, found = self.lookup_path(target)
            except (ValueError, OSError):
                found = None
            if found is not None and stat.S_ISREG(found.st_mode) and found.st_size <= SMALL_FILE:
                return self.small_file_response(full_path, found, scope)
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code == 404:
                return not_found()
            raise

    def _headers(self, full_path: str, stat_result: os.stat_result) -> dict[str, str]:
        relative = os.path.relpath(full_path, os.path.realpath(self.folder))
        etag = hashlib.md5(f"{stat_result.st_mtime}-{stat_result.st_size}".encode(), usedforsecurity=False)
        return {
            "Content-Type": content_type_for(relative),
            **file_headers(relative, self.licence),
            "ETag": f'"{etag.hexdigest()}"',
            "Last-Modified": formatdate(stat_result.st_mtime, usegmt=True),
        }

    def small_file_response(self, full_path: str, stat_result: os.stat_result, scope: Scope) -> Response:
        """A small file read at once, with the same headers (and 304s) as FileResponse."""
        headers = self._headers(full_path, stat_result)
        if self.is_not_modified(Headers(headers=headers), Headers(scope=scope)):
            return NotModifiedResponse(Headers(headers=headers))
        try:
            with open(full_path, "rb") as handle:
                body = handle.read()
        except OSError:
            return not_found()
        content_type = headers.pop("Content-Type")
        return Response(body, media_type=content_type, headers=headers)

    def file_response(
        self, full_path: Any, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        relative = os.path.relpath(full_path, os.path.realpath(self.folder))
        response = FileResponse(
            full_path,
            status_code=status_code,
            stat_result=stat_result,
            media_type=content_type_for(relative),
            headers=file_headers(relative, self.licence),
        )
        if status_code == 200 and self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response

    def is_file(self, relative: str) -> bool:
        """Whether a path inside the folder is a regular file (never following links out of it)."""
        try:
            _full, found = self.lookup_path(relative)
        except (ValueError, OSError):
            return False
        return found is not None and stat.S_ISREG(found.st_mode)


class Site:
    """The ASGI app for everything but /sparql: entity IRIs negotiate, everything else is a file."""

    def __init__(self, out_dir: Path) -> None:
        self.files = SiteFiles(out_dir, site_licence(out_dir))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            namespace = scope["path"].strip("/")
            if scope["path"].endswith("/") and namespace in NAMESPACE_PATHS:
                response = self.namespace_response(namespace, scope)
                if response is not None:
                    await response(scope, receive, send)
                    return

                async def send_with_vary(message: Message) -> None:
                    if message["type"] == "http.response.start":
                        MutableHeaders(scope=message)["Vary"] = "Accept"
                    await send(message)

                await self.files(scope, receive, send_with_vary)
                return
            path = self.files.get_path(scope)
            if not scope["path"].endswith("/") and path not in (".", "") and not path.startswith(".."):
                response = self.entity_response(path, scope)
                if response is not None:
                    await response(scope, receive, send)
                    return
        await self.files(scope, receive, send)

    def namespace_response(self, namespace: str, scope: Scope) -> Response | None:
        """At a namespace IRI (`ontologi/`): `303` to the document of the ontology (or shapes graph) when the
        Accept header chooses an RDF format; None otherwise (the folder's page, served with `Vary: Accept`)."""
        response = self.entity_response(namespace, scope, "../")
        if response is None or response.status_code != 303 or response.headers["location"].endswith("/"):
            return None
        return response

    def entity_response(self, path: str, scope: Scope, up: str = "./") -> Response | None:
        """303 (or 406) at an entity path; None if the path is not an entity."""
        documents = [fmt for fmt in RDF_FORMATS if self.files.is_file(document(path, fmt))]
        if TURTLE not in documents or not self.files.is_file(page_file(path)):
            return None
        name = quote(path.replace(os.sep, "/").rsplit("/", 1)[-1], safe="!$&'()*+,;=:@-._~")
        alternatives = [(HTML_MEDIA_TYPE, f"{up}{name}/")] + [
            (fmt.media_type, f"{up}{name}{fmt.extension}") for fmt in documents
        ]
        available = {HTML_KEY} | {fmt.extension for fmt in documents}
        offers = [offer for offer in ENTITY_OFFERS if offer[1] in available]
        chosen = negotiate(Headers(scope=scope).get("accept"), offers)
        links = ", ".join(f'<{href}>; rel="alternate"; type="{media}"' for media, href in alternatives)
        if chosen is None:
            listing = "\n".join(f"  {media:<24} {href}" for media, href in alternatives)
            return Response(
                f"406 Not Acceptable: /{path} is available as\n{listing}\n",
                status_code=406,
                media_type=TEXT.content_type,
                headers={"Vary": "Accept", "Link": links, "Cache-Control": SHORT_CACHE},
            )
        location = f"{up}{name}/" if chosen == HTML_KEY else f"{up}{name}{chosen}"
        return RedirectResponse(
            location, status_code=303, headers={"Vary": "Accept", "Link": links, "Cache-Control": SHORT_CACHE}
        )


# ---------------------------------------------------------------- /sparql


@dataclass(frozen=True)
class EndpointSettings:
    """Settings of the SPARQL endpoint. `sparql_endpoint` is the setting of that name (relative to the base IRI or
    absolute): where the service description says the endpoint is, and what the security policy allows the
    query page to reach."""

    base_iri: str
    timeout: float
    max_rows: int
    sparql_endpoint: str = SPARQL_PATH
    queue_size: int = DEFAULT_CAPACITY

    @property
    def endpoint_iri(self) -> str:
        """The endpoint's IRI, from the configuration (never from the request's Host header)."""
        return UrlPolicy(self.base_iri).endpoint(self.sparql_endpoint or SPARQL_PATH)

    @property
    def retry_after(self) -> int:
        """Seconds a client refused for load is asked to wait."""
        return max(1, math.ceil(self.timeout / 2))


SOLUTION_OFFERS = format_offers(SOLUTION_FORMATS)
GRAPH_OFFERS = format_offers(GRAPH_FORMATS)
SD_OFFERS = [(HTML.media_type, HTML_KEY), *GRAPH_OFFERS, *((alias, HTML_KEY) for alias in HTML.aliases)]
_FORM = FORM.media_type
_QUERY = SPARQL_QUERY.media_type
_UPDATE = SPARQL_UPDATE.media_type


def _outcome_response(outcome: QueryOutcome, max_rows: int, retry_after: int = 0) -> Response:
    headers = {"Vary": "Accept"}
    if outcome.truncated:
        headers["X-SPARQL-MaxRows"] = str(max_rows)
    if retry_after and outcome.status == 503:
        headers["Retry-After"] = str(retry_after)
    return Response(outcome.body, status_code=outcome.status, media_type=outcome.content_type, headers=headers)


# How often the endpoint looks for a query to stop (`FairQueue.overdue`), in seconds.
WATCH_SECONDS = 0.1

# The largest request body /sparql reads: a form-encoded query may take three bytes per character.
MAX_BODY_BYTES = 4 * MAX_QUERY_BYTES


def _settle(future: asyncio.Future[object], result: object) -> None:
    if not future.done():
        future.set_result(result)


def _outcome_of(result: object, timeout: float, memory_mb: int, capacity: int) -> QueryOutcome:
    """The answer to a queued query: its outcome, or 503 for what stopped it (the response adds Retry-After)."""
    if isinstance(result, QueryOutcome):
        return result
    if isinstance(result, QueueFull):
        return _busy_outcome(f"The endpoint has {capacity} queries waiting; try again in a moment.")
    if isinstance(result, QueueTimeout):
        return _busy_outcome(f"The endpoint was too busy to start the query within {timeout:g} s.")
    if isinstance(result, QueryTimeout):
        return _busy_outcome(f"The query did not finish within {timeout:g} s and was stopped.")
    if isinstance(result, Preempted):
        return _busy_outcome(
            "The query was stopped after running a while, to let waiting queries through: the endpoint runs "
            "only a few long queries at a time. Try again later."
        )
    if isinstance(result, MemoryExceeded):
        return _busy_outcome(
            f"The query needed more than {memory_mb} MB of memory and was stopped; "
            "ask for less (LIMIT, fewer variables, no cross products)."
        )
    return text_outcome(500, "The query failed: the endpoint could not run it.")


def _busy_outcome(message: str) -> QueryOutcome:
    """503: the query was not run or not finished for load or limits (the response adds Retry-After)."""
    return text_outcome(503, message)


def _media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


async def _read_body(request: Request) -> bytes | None:
    """The request body, or None when it is longer than a query may be."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _params(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in pairs:
        found.setdefault(name, []).append(value)
    return found


class SparqlEndpoint:
    """The SPARQL 1.1 Protocol at /sparql: GET and POST queries, a service description without one.

    A query's time runs from its arrival: reading its body, waiting in the queue and running share the timeout.
    Queries wait in the fair queue and run on threads of their own (one per worker), never on the threads that
    serve files."""

    def __init__(self, pool: QueryPool, settings: EndpointSettings, site: SiteFiles) -> None:
        self.pool = pool
        self.settings = settings
        self.site = site
        self._queue: FairQueue[QueryRequest] | None = None
        pool.on_close.append(self.close)

    def queue(self) -> FairQueue[QueryRequest]:
        """The fair queue and its slot threads, made at the first query (with the watch on the event loop)."""
        if self._queue is None:
            self._queue = FairQueue(
                self.pool.size, self._run, capacity=self.settings.queue_size, retry_after=self.settings.retry_after
            )
            loop = asyncio.get_running_loop()
            loop.call_later(WATCH_SECONDS, self._watch, loop)
        return self._queue

    def close(self) -> None:
        """Stop the slot threads."""
        if self._queue is not None:
            self._queue.close()

    def _watch(self, loop: asyncio.AbstractEventLoop) -> None:
        """Every WATCH_SECONDS: long queries drop to the lowest CPU priority, and a query that keeps waiting ones
        from every worker is stopped (`FairQueue.overdue`)."""
        queue = self._queue
        if queue is not None:
            queue.expire()
            for job in queue.long_running():
                if job.worker is not None:
                    self.pool.demote(job.worker)
            victim = queue.overdue()
            if victim is not None and victim.worker is not None:
                self.pool.preempt(victim.worker)
        loop.call_later(WATCH_SECONDS, self._watch, loop)

    def _run(self, job: Job[QueryRequest]) -> float:
        """Run a job in a slot thread: take a worker, run the query on it within what is left of its time, tell
        the waiting request. Returns what the query costs its client: its time, or the whole timeout when it took
        its worker down (the worker must be started again)."""
        timeout = self.settings.timeout
        try:
            worker = self.pool.take(job.deadline - time.monotonic())
        except Busy:
            job.finish(QueueTimeout())
            return 0.0
        job.worker = worker
        if job.heavy:
            self.pool.demote(worker)  # a heavy client's query runs at the lowest priority from the start
        started = time.monotonic()
        try:
            outcome = self.pool.call(worker, job.payload, job.deadline - started)
        except (QueryTimeout, Preempted, MemoryExceeded) as exc:
            job.finish(exc)
            return timeout
        job.finish(outcome)
        return timeout if outcome.status == 500 else time.monotonic() - started

    async def handle(self, request: Request) -> Response:
        arrival = time.monotonic()
        deadline = arrival + self.settings.timeout
        params = _params(list(request.query_params.multi_items()))
        query: str | None = None
        if request.method == "POST":
            content_type = _media_type(request.headers.get("content-type"))
            try:
                body = await asyncio.wait_for(_read_body(request), self.settings.timeout)
            except TimeoutError:
                return _outcome_response(
                    text_outcome(408, f"The request body did not arrive within {self.settings.timeout:g} s."), 0
                )
            if body is None:
                return _outcome_response(text_outcome(413, f"The request is longer than {MAX_BODY_BYTES} bytes."), 0)
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return _outcome_response(text_outcome(400, "The request body is not UTF-8."), 0)
            if content_type == _FORM:
                params = _params(parse_qsl(text, keep_blank_values=True))
            elif content_type == _QUERY:
                query = text
            elif content_type == _UPDATE:
                params = {"update": [text]}
            else:
                return _outcome_response(
                    text_outcome(
                        415,
                        f"POST a query as {_FORM} (query=...) or as {_QUERY}; got {content_type or 'no Content-Type'}.",
                    ),
                    0,
                )
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            return _outcome_response(text_outcome(403, "This endpoint is read-only: SPARQL Update is not accepted."), 0)
        if query is None:
            queries = params.get("query", [])
            if len(queries) > 1:
                return _outcome_response(text_outcome(400, "Give exactly one query parameter."), 0)
            if not queries:
                return self.description(request)
            query = queries[0]
        accept = request.headers.get("accept")
        has_dataset = "default-graph-uri" in params or "named-graph-uri" in params
        query_request = QueryRequest(
            query=query,
            solutions_format=negotiate(accept, SOLUTION_OFFERS),
            graph_format=negotiate(accept, GRAPH_OFFERS),
            default_graphs=tuple(params.get("default-graph-uri", ())) if has_dataset else None,
            named_graphs=tuple(params.get("named-graph-uri", ())) if has_dataset else None,
            max_rows=self.settings.max_rows,
        )
        refused = refusal(query_request)
        if refused is not None:
            return _outcome_response(refused, 0)
        outcome = await self.run(query_request, request, deadline)
        return _outcome_response(outcome, self.settings.max_rows, self.settings.retry_after)

    async def run(self, query_request: QueryRequest, request: Request, deadline: float) -> QueryOutcome:
        """Queue the query for a worker and wait for its outcome (it runs within what is left of its time)."""
        queue = self.queue()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[object] = loop.create_future()

        def done(result: object) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: the server is stopping
                loop.call_soon_threadsafe(_settle, future, result)

        job = Job(request.client.host if request.client else "unknown", query_request, deadline, done)
        timeout = self.settings.timeout
        try:
            queue.submit(job)
        except QueueFull:
            return _busy_outcome(f"The endpoint has {queue.capacity} queries waiting; try again in a moment.")
        try:
            result = await asyncio.wait_for(asyncio.shield(future), max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            if queue.cancel(job):
                return _busy_outcome(f"The endpoint was too busy to start the query within {timeout:g} s.")
            result = await future  # it started: its worker stops it by the deadline
        return _outcome_of(result, timeout, self.pool.memory_mb, queue.capacity)

    def description(self, request: Request) -> Response:
        """The service description (sd:Service); browsers are sent to the query page when there is one."""
        chosen = negotiate(request.headers.get("accept"), SD_OFFERS)
        if chosen == HTML_KEY and self.site.is_file(page_file(QUERY_PAGE)):
            return RedirectResponse("./" + page(QUERY_PAGE, "da"), status_code=303, headers={"Vary": "Accept"})
        media_type = GRAPH_FORMATS[0].media_type if chosen in (None, HTML_KEY) else chosen
        if chosen is None:
            return _outcome_response(
                text_outcome(
                    406, "The service description is available as " + ", ".join(f.media_type for f in GRAPH_FORMATS)
                ),
                0,
            )
        triples = service_description(
            self.settings.endpoint_iri,
            self.settings.base_iri,
            self.pool.triples,
            self.settings.timeout,
            self.settings.max_rows,
            self.pool.graphs,
        )
        fmt = next(f for f in GRAPH_FORMATS if f.media_type == media_type)
        body = serialize_graph(triples, media_type, {"sd": "http://www.w3.org/ns/sparql-service-description#"})
        return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})


# ---------------------------------------------------------------- CORS


EXPOSED_HEADERS = "ETag, Last-Modified, Location, Link, Vary, Content-Length, X-SPARQL-MaxRows, Retry-After"
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
DEFAULT_ALLOWED_HEADERS = "Accept, Content-Type, If-None-Match, If-Modified-Since, Cache-Control"


class Cors:
    """Access-Control-Allow-Origin: * on every response; OPTIONS answered 204 (a preflight, with what it
    may send). Credentials are never allowed, so `*` is safe."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await self.preflight(Headers(scope=scope))(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Access-Control-Allow-Origin"] = "*"
                headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_cors)

    @staticmethod
    def preflight(headers: Mapping[str, str]) -> Response:
        requested = headers.get("access-control-request-headers", "")
        names = [name.strip() for name in requested.split(",") if name.strip()]
        allowed = (
            ", ".join(names)
            if names and all(name.replace("-", "").isalnum() for name in names)
            else DEFAULT_ALLOWED_HEADERS
        )
        return Response(
            status_code=204,
            headers={
                "Allow": ALLOWED_METHODS,
                "Access-Control-Allow-Origin": "*",
                "Access-Control-Allow-Methods": ALLOWED_METHODS,
                "Access-Control-Allow-Headers": allowed,
                "Access-Control-Max-Age": "86400",
            },
        )


class SecurityHeaders:
    """The site's security headers (`headers.security_headers`) on every response, errors and redirects too."""

    def __init__(self, app: ASGIApp, headers: HeaderPairs) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


# ---------------------------------------------------------------- the app and the server


def site_licence(out_dir: Path) -> str:
    """The licence the built site states in its VoID description ('' when it states none)."""
    try:
        return read_site(out_dir).licence
    except SiteError:
        return ""


def check_site(out_dir: Path) -> None:
    """Raise ServeError unless the output folder holds a built site with its dataset dump."""
    if not out_dir.is_dir():
        raise ServeError(f"{out_dir}: no built site here; run `planlod build` first")
    if not (out_dir / dump(NTRIPLES)).is_file():
        raise ServeError(f"{out_dir / dump(NTRIPLES)}: the dataset dump is missing; run `planlod build` first")


def create_app(out_dir: Path, pool: QueryPool, settings: EndpointSettings) -> ASGIApp:
    """The whole server as an ASGI app (the pool must be started; the caller closes it)."""
    site = Site(out_dir)
    endpoint = SparqlEndpoint(pool, settings, site.files)
    app = Starlette(
        routes=[
            Route("/" + SPARQL_PATH, endpoint.handle, methods=["GET", "HEAD", "POST"]),
            Mount("/", app=site),
        ]
    )
    return SecurityHeaders(Cors(app), security_headers(settings.base_iri, settings.sparql_endpoint))


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: a free port), or ServeError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only for such sockets, and without
    # it a response's header and body writes meet Nagle and delayed ACKs (40 ms per keep-alive request).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


# Seconds a connection may take to send a request's headers (from its first byte, or from the connection's
# start); slower ones are answered 408 and closed, so that clients that never finish cannot hold connections.
HEADER_TIMEOUT = 10.0
# Connections (and requests in progress) past which the server answers 503 at once.
MAX_CONNECTIONS = 2000


class HeaderDeadline(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for request headers (uvicorn has none of its own: a client
    could send one byte a minute and keep the connection forever). Its keep-alive timeout still applies between
    requests; a request's body is bounded by the endpoint that reads it."""

    header_timeout = HEADER_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._header_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._arm()

    def _waiting_for_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._waiting_for_headers() and not self.transport.is_closing():
            self._arm()
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._waiting_for_headers() and not self.transport.is_closing():
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                b"content-length: 42\r\nconnection: close\r\n\r\n"
                b"The request headers did not arrive in time"
            )
            self.transport.close()


def server(app: ASGIApp, log_level: str = "info", header_timeout: float = HEADER_TIMEOUT) -> uvicorn.Server:
    """A uvicorn server for the app; run it with `.run(sockets=[bind(...)])`."""
    protocol = type("PlanlodHttp", (HeaderDeadline,), {"header_timeout": header_timeout})
    return uvicorn.Server(
        uvicorn.Config(
            app,
            log_level=log_level,
            access_log=log_level == "info",
            lifespan="off",
            http=protocol,
            limit_concurrency=MAX_CONNECTIONS,
        )
    )
