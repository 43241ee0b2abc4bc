"""The SPARQL engine behind `planlod serve`: read-only SPARQL 1.1 queries over the built dataset.

Stage: serve (the SPARQL engine, run in the worker processes of `sparqlpool`). Imports `errors`, `formats`,
`namespaces`, `sparqlcheck`, `urls` and `vocab`; pyoxigraph; nothing from the web stack.

The dataset is the N-Triples dump of the output folder (`urls.dump(NTRIPLES)`), and beside it the copy of the UN
SDG KOS the dataset links to (`urls.sdg_kos_dump()`). Each worker process parses both into an in-memory pyoxigraph
Store: each into its named graph (the dump's IRI, `UrlPolicy.dataset_graph`; the KOS copy's, `UrlPolicy.sdg_kos`)
and both into the default graph, which is their union, so that a query can roll targets up to goals with
`skos:broader` without naming a graph.

What the endpoint refuses before the engine, and why, is `sparqlcheck`'s (Update, SERVICE, size, nesting,
ORDER BY over a cross product).

Results are read from the engine row by row and capped while they are produced, at `max_rows` solutions (SELECT)
or triples (CONSTRUCT, DESCRIBE) or `MAX_RESULT_BYTES`. A capped result says so in the `X-SPARQL-MaxRows`
response header (the header Virtuoso sends for the same case); it is never silently truncated.

Literal datatypes: pyoxigraph stores numbers, booleans and dates in a canonical form, so a stored
`"1"^^xsd:positiveInteger` comes back from SELECT as `"1"^^xsd:integer` (likewise xsd:int, xsd:long,
xsd:nonNegativeInteger...; `"1.50"^^xsd:decimal` as `"1.5"`). Values compare and sort as before. CONSTRUCT and
DESCRIBE results get the published literal back wherever the triple is one of the dataset's own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import pyoxigraph as ox

from .errors import PlanlodError
from .formats import GRAPH_FORMATS, SOLUTION_FORMATS, SPARQL_JSON, TEXT, TURTLE, Format
from .namespaces import STANDARD_PREFIXES
from .sparqlcheck import refusal as check_query
from .urls import UrlPolicy, sdg_kos_dump
from .vocab import (
    DCT_DESCRIPTION,
    RDF_LANG_STRING,
    RDF_TYPE,
    SD_DATASET,
    SD_DEFAULT_DATASET,
    SD_DEFAULT_GRAPH,
    SD_ENDPOINT,
    SD_FEATURE,
    SD_GRAPH,
    SD_GRAPH_CLASS,
    SD_NAME,
    SD_NAMED_GRAPH,
    SD_NAMED_GRAPH_CLASS,
    SD_RESULT_FORMAT,
    SD_SERVICE,
    SD_SPARQL11_QUERY,
    SD_SUPPORTED_LANGUAGE,
    SD_UNION_DEFAULT_GRAPH,
    VOID_TRIPLES,
    XSD_INTEGER,
    XSD_STRING,
)

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
# A result document stops growing here even below `max_rows` (a few rows of very long literals); it says it was
# capped, as for the row cap.
MAX_RESULT_BYTES = 32 * 1024 * 1024
WORKER_START_TIMEOUT = 120.0


class EndpointError(PlanlodError):
    """The SPARQL endpoint cannot start: no dataset, or a dataset that does not load."""


# ---------------------------------------------------------------- formats


def format_by_media_type(media_type: str, formats: Sequence[Format]) -> Format:
    """The format with this canonical media type."""
    for fmt in formats:
        if fmt.media_type == media_type:
            return fmt
    raise KeyError(media_type)


# ---------------------------------------------------------------- requests and outcomes


@dataclass(frozen=True)
class QueryRequest:
    """One query to run. The formats are the negotiated ones for each query form (None: none acceptable)."""

    query: str
    solutions_format: str | None = SPARQL_JSON.media_type
    graph_format: str | None = TURTLE.media_type
    # The protocol's default-graph-uri and named-graph-uri; None when the request gave neither.
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = DEFAULT_MAX_ROWS


@dataclass(frozen=True)
class QueryOutcome:
    """What to answer: status, content type, body; `truncated` when the result cap was hit."""

    status: int
    content_type: str
    body: bytes
    form: Literal["select", "ask", "graph", "error"] = "error"
    rows: int = 0
    truncated: bool = False


def text_outcome(status: int, message: str) -> QueryOutcome:
    """An error answer: a text/plain message."""
    return QueryOutcome(status, TEXT.content_type, (message.rstrip("\n") + "\n").encode("utf-8"))


def refusal(request: QueryRequest) -> QueryOutcome | None:
    """The answer to a request the endpoint refuses before running it (see `sparqlcheck`), or None."""
    refused = check_query(request.query)
    return None if refused is None else text_outcome(refused.status, refused.message)


# ---------------------------------------------------------------- the dataset


@dataclass
class Dataset:
    """The store one worker queries, with what it needs to give published literals back."""

    store: ox.Store
    graph: ox.NamedNode
    triples: int
    base_iri: str
    prefixes: dict[str, str]
    # (subject, predicate, canonical object) -> the dataset's own objects that the store canonicalised.
    restore: dict[tuple[Any, Any, Any], list[ox.Literal]] = field(default_factory=dict)
    # The named graphs and their triple counts; the default graph is their union.
    graphs: tuple[tuple[str, int], ...] = ()


def named_graphs(dump: Path, base_iri: str) -> list[tuple[ox.NamedNode, Path]]:
    """The named graphs of a built site, each with its N-Triples file: the dataset (the dump), and the copy of the
    UN SDG KOS it links to when the site has one (`dump/fn-verdensmaal.nt`, beside the dump)."""
    policy = UrlPolicy(base_iri)
    graphs = [(ox.NamedNode(policy.dataset_graph), dump)]
    kos = dump.with_name(PurePosixPath(sdg_kos_dump()).name)
    if kos.is_file():
        graphs.append((ox.NamedNode(policy.sdg_kos), kos))
    return graphs


def load_dataset(dump: Path, base_iri: str) -> Dataset:
    """Load the N-Triples dump into a Store as a named graph, and the UN SDG KOS beside it as another; the default
    graph is their union (each triple once)."""
    store = ox.Store()
    counts: list[tuple[str, int]] = []
    restore: dict[tuple[Any, Any, Any], list[ox.Literal]] = {}
    for name, path in named_graphs(dump, base_iri):
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise EndpointError(
                f"{path}: cannot read the dataset ({exc.strerror or exc}); run `planlod build` first"
            ) from exc
        try:
            store.load(content, ox.RdfFormat.N_TRIPLES, to_graph=name)
            store.load(content, ox.RdfFormat.N_TRIPLES)
        except SyntaxError as exc:
            raise EndpointError(f"{path}: not valid N-Triples: {exc}") from exc
        counts.append((name.value, sum(1 for _ in store.quads_for_pattern(None, None, None, name))))
        restore.update(_restore_table(content))
    prefixes = dict(UrlPolicy(base_iri).prefixes()) if base_iri else dict(STANDARD_PREFIXES)
    default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    graph = ox.NamedNode(UrlPolicy(base_iri).dataset_graph)
    return Dataset(store, graph, default, base_iri, prefixes, restore, tuple(counts))


def _restore_table(content: bytes) -> dict[tuple[Any, Any, Any], list[ox.Literal]]:
    """For every triple whose literal the store keeps in another form: the stored form -> the published one.

    N-Triples has one triple per line, so only the lines with a typed literal are parsed again; each distinct
    literal is put through a scratch store once to see the form the store keeps.
    """
    typed = b"\n".join(line for line in content.splitlines() if b'"^^<' in line)
    candidates = [
        (q.subject, q.predicate, q.object)
        for q in ox.parse(typed, ox.RdfFormat.N_TRIPLES)
        if isinstance(q.object, ox.Literal) and q.object.datatype not in (XSD_STRING, RDF_LANG_STRING)
    ]
    scratch = ox.Store()
    probe = ox.NamedNode("urn:planlod:probe")
    stored_forms: dict[ox.Literal, Any] = {}
    for _subject, _predicate, literal in candidates:
        if literal not in stored_forms:
            subject = ox.NamedNode(f"urn:planlod:literal:{len(stored_forms)}")
            scratch.add(ox.Quad(subject, probe, literal))
            stored_forms[literal] = next(q.object for q in scratch.quads_for_pattern(subject, probe, None, None))
    table: dict[tuple[Any, Any, Any], list[ox.Literal]] = {}
    for subject, predicate, literal in candidates:
        stored = stored_forms[literal]
        if stored != literal:
            originals = table.setdefault((subject, predicate, stored), [])
            if literal not in originals:
                originals.append(literal)
    return table


# ---------------------------------------------------------------- running one query


def _term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype != XSD_STRING:
            value["datatype"] = term.datatype.value
        return value
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _term_json(term.subject),
                "predicate": _term_json(term.predicate),
                "object": _term_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def _term_size(term: Any) -> int:
    """About how many bytes a term takes in a result document."""
    if isinstance(term, ox.Literal):
        return len(term.value) + len(term.language or "") + len(term.datatype.value) + 24
    if isinstance(term, ox.Triple):
        return _term_size(term.subject) + _term_size(term.predicate) + _term_size(term.object) + 24
    return len(term.value) + 24


# What holds no variable of a query: strings (long ones first), IRIs and comments; then the variables themselves.
_QUERY_TOKENS = re.compile(
    r"""(?P<skip>'{3}.*?'{3}|"{3}.*?"{3}|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\s]*>|#[^\n]*)"""
    r"|(?P<select>\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*)"
    r"|[?$](?P<variable>[A-Za-z0-9_\u00b7\u00c0-\ufffd]+)",
    re.IGNORECASE | re.DOTALL,
)


def column_order(query: str, names: Sequence[str]) -> list[str]:
    """The result's columns in the order the query names them. pyoxigraph lists the variables of `SELECT *`
    sorted by name; a reader expects the order of the query, as other stores give it. A projection that names
    its variables keeps its own order."""
    tokens = list(_QUERY_TOKENS.finditer(query))
    if not any(token.group("select") for token in tokens):
        return list(names)
    first: dict[str, int] = {}
    for token in tokens:
        variable = token.group("variable")
        if variable and variable not in first:
            first[variable] = len(first)
    return sorted(names, key=lambda name: (first.get(name, len(first)), name))


def _solutions(result: ox.QuerySolutions, request: QueryRequest) -> QueryOutcome:
    """SELECT results, read from the engine row by row and capped while they are produced: at `max_rows` rows or
    `MAX_RESULT_BYTES`, whichever comes first. Rows past the cap are never computed, let alone written."""
    if request.solutions_format is None:
        return not_acceptable("SELECT", SOLUTION_FORMATS)
    fmt = format_by_media_type(request.solutions_format, SOLUTION_FORMATS)
    names = column_order(request.query, [v.value for v in result.variables])
    bindings: list[dict[str, Any]] = []
    size = 0
    truncated = False
    for row in result:
        if len(bindings) >= request.max_rows or size > MAX_RESULT_BYTES:
            truncated = True
            break
        binding = {}
        for name in names:
            term = row[name]
            if term is not None:
                binding[name] = _term_json(term)
                size += _term_size(term)
        bindings.append(binding)
    text = json.dumps(
        {"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False, separators=(",", ":")
    )
    document = text.encode("utf-8")
    if fmt is not SPARQL_JSON:
        parsed = ox.parse_query_results(document, ox.QueryResultsFormat.JSON)
        document = parsed.serialize(format=fmt.results_format) or b""
    return QueryOutcome(200, fmt.content_type, document, "select", len(bindings), truncated)


def _boolean(result: ox.QueryBoolean, request: QueryRequest) -> QueryOutcome:
    if request.solutions_format is None:
        return not_acceptable("ASK", SOLUTION_FORMATS)
    fmt = format_by_media_type(request.solutions_format, SOLUTION_FORMATS)
    body = result.serialize(format=fmt.results_format) or b""
    return QueryOutcome(200, fmt.content_type, body, "ask", 1)


def restore_literals(
    triples: Iterable[ox.Triple], restore: dict[tuple[Any, Any, Any], list[ox.Literal]]
) -> Iterator[ox.Triple]:
    """The triples with the dataset's own literals where the store had canonicalised them."""
    for triple in triples:
        originals = restore.get((triple.subject, triple.predicate, triple.object)) if restore else None
        if originals:
            for original in originals:
                yield ox.Triple(triple.subject, triple.predicate, original)
        else:
            yield triple


def serialize_graph(triples: Sequence[ox.Triple], media_type: str, prefixes: dict[str, str]) -> bytes:
    """Triples in one of the graph formats."""
    rdf_format = format_by_media_type(media_type, GRAPH_FORMATS).rdf_format
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        iris = {
            term.value for t in triples for term in (t.subject, t.predicate, t.object) if isinstance(term, ox.NamedNode)
        }
        used = {prefix: ns for prefix, ns in prefixes.items() if any(iri.startswith(ns) for iri in iris)}
        return ox.serialize(triples, format=rdf_format, prefixes=used) or b""
    return ox.serialize(triples, format=rdf_format) or b""


def _graph(result: ox.QueryTriples, request: QueryRequest, dataset: Dataset) -> QueryOutcome:
    if request.graph_format is None:
        return not_acceptable("CONSTRUCT and DESCRIBE", GRAPH_FORMATS)
    triples: list[ox.Triple] = []
    size = 0
    truncated = False
    for triple in restore_literals(result, dataset.restore):
        if len(triples) >= request.max_rows or size > MAX_RESULT_BYTES:
            truncated = True
            break
        triples.append(triple)
        size += _term_size(triple)
    fmt = format_by_media_type(request.graph_format, GRAPH_FORMATS)
    body = serialize_graph(triples, fmt.media_type, dataset.prefixes)
    return QueryOutcome(200, fmt.content_type, body, "graph", len(triples), truncated)


def not_acceptable(form: str, formats: Sequence[Format]) -> QueryOutcome:
    """406: the Accept header allows none of the formats of this query form."""
    listed = "\n".join(f"  {fmt.media_type}" for fmt in formats)
    return text_outcome(406, f"The Accept header allows none of the formats {form} results come in:\n{listed}")


def _graph_names(values: tuple[str, ...]) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    return [ox.NamedNode(value) for value in values]


def run_query(dataset: Dataset, request: QueryRequest) -> QueryOutcome:
    """Run one query against the dataset and serialize its results in the negotiated format."""
    refused = refusal(request)
    if refused is not None:
        return refused
    options: dict[str, Any] = {"base_iri": dataset.base_iri or None}
    if request.default_graphs is not None or request.named_graphs is not None:
        try:
            options["default_graph"] = _graph_names(request.default_graphs or ())
            options["named_graphs"] = _graph_names(request.named_graphs or ())
        except ValueError as exc:
            return text_outcome(400, f"Bad default-graph-uri or named-graph-uri: {exc}")
    try:
        result = dataset.store.query(request.query, **options)
        if isinstance(result, ox.QueryBoolean):
            return _boolean(result, request)
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, request)
        return _graph(result, request, dataset)
    except SyntaxError as exc:
        return text_outcome(400, f"Malformed query: {exc.msg or exc}")
    except (ValueError, OSError, RuntimeError) as exc:
        return text_outcome(500, f"The query failed: {exc}")


# ---------------------------------------------------------------- the service description


def service_description(
    endpoint_url: str,
    base_iri: str,
    triples: int,
    timeout: float,
    max_rows: int,
    graphs: Sequence[tuple[str, int]] = (),
) -> list[ox.Triple]:
    """An sd:Service description of the endpoint (SPARQL 1.1 Service Description): the default graph (`triples`,
    the union of the named graphs) and each named graph with its triple count."""
    service = ox.NamedNode(endpoint_url)
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")

    def integer(value: int) -> ox.Literal:
        return ox.Literal(str(value), datatype=XSD_INTEGER)

    graphs = graphs or ((UrlPolicy(base_iri).dataset_graph, triples),)
    note_en = (
        f"Read-only SPARQL 1.1 endpoint of planlod serve over the published dataset and the copy of the UN SDG KOS "
        f"it links to ({triples} triples). "
        f"Queries run at most {timeout:g} s (then 503). Results are capped at {max_rows} rows or triples; a "
        "capped result carries the response header X-SPARQL-MaxRows. SERVICE and SPARQL Update are refused. "
        "Each is a named graph (the dataset under the IRI of its N-Triples dump); the default graph is their "
        "union. Numeric, boolean and date literals come "
        "back in canonical form: xsd:positiveInteger and the other integer types as xsd:integer. Relative IRIs "
        f"in a query resolve against {base_iri}."
    )
    triples_out = [
        ox.Triple(service, RDF_TYPE, SD_SERVICE),
        ox.Triple(service, SD_ENDPOINT, service),
        ox.Triple(service, SD_SUPPORTED_LANGUAGE, SD_SPARQL11_QUERY),
        ox.Triple(service, SD_FEATURE, SD_UNION_DEFAULT_GRAPH),
        ox.Triple(service, DCT_DESCRIPTION, ox.Literal(note_en, language="en")),
        ox.Triple(service, SD_DEFAULT_DATASET, dataset),
        ox.Triple(dataset, RDF_TYPE, SD_DATASET),
        ox.Triple(dataset, SD_DEFAULT_GRAPH, default_graph),
        ox.Triple(default_graph, RDF_TYPE, SD_GRAPH_CLASS),
        ox.Triple(default_graph, VOID_TRIPLES, integer(triples)),
    ]
    for number, (name, count) in enumerate(graphs):
        named, graph = ox.BlankNode(f"namedGraph{number}"), ox.BlankNode(f"graph{number}")
        triples_out += [
            ox.Triple(dataset, SD_NAMED_GRAPH, named),
            ox.Triple(named, RDF_TYPE, SD_NAMED_GRAPH_CLASS),
            ox.Triple(named, SD_NAME, ox.NamedNode(name)),
            ox.Triple(named, SD_GRAPH, graph),
            ox.Triple(graph, RDF_TYPE, SD_GRAPH_CLASS),
            ox.Triple(graph, VOID_TRIPLES, integer(count)),
        ]
    for fmt in (*SOLUTION_FORMATS, *GRAPH_FORMATS):
        triples_out.append(ox.Triple(service, SD_RESULT_FORMAT, ox.NamedNode(fmt.w3c_format_iri)))
    return triples_out
