"""The SPARQL endpoint of `planlod serve` on a real server: the SPARQL 1.1 Protocol (R20-R27), SPARQLWrapper
in every result format, refusals (update, SERVICE), the timeout and the result cap."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from publish.sparqlcheck import is_update, query_words, uses_service
from publish.urls import UrlPolicy
from tests.test_serve import AREA, SITE_BASE, Running, running_server, served, site  # noqa: F401

PLO = SITE_BASE + "ontologi/"
AREAS_QUERY = f"SELECT ?area ?name WHERE {{ ?area a <{PLO}FocusArea> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?name FILTER (lang(?name) = 'da') }} ORDER BY ?area"
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}


def sparql(running: Running) -> str:
    return running.url + "sparql"


def ask(running: Running, query: str, accept: str = "application/sparql-results+json", **params: str) -> httpx.Response:
    return httpx.get(sparql(running), params={"query": query, **params}, headers={"Accept": accept}, timeout=60)


def names_from(body: bytes, kind: str) -> list[str]:
    """The ?name values of AREAS_QUERY's results, from any of the four result formats."""
    if kind == "json":
        return [b["name"]["value"] for b in json.loads(body)["results"]["bindings"]]
    if kind == "xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        root = ET.fromstring(body)
        return [
            b.find("r:literal", ns).text or ""  # type: ignore[union-attr]
            for b in root.iterfind(".//r:binding[@name='name']", ns)
        ]
    if kind == "csv":
        return [row["name"] for row in csv.DictReader(io.StringIO(body.decode("utf-8")))]
    solutions = ox.parse_query_results(body, ox.QueryResultsFormat.TSV)
    return [row["name"].value for row in solutions]  # type: ignore[union-attr]


@pytest.fixture(scope="session")
def area_names(served: Running) -> list[str]:  # noqa: F811
    response = ask(served, AREAS_QUERY)
    assert response.status_code == 200
    names = names_from(response.content, "json")
    assert len(names) == 11
    return names


# ---------------------------------------------------------------- R20-R22: the protocol and the formats


def test_ask_by_get_as_json(served: Running) -> None:  # noqa: F811
    response = ask(served, "ASK {}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    assert response.json() == {"head": {}, "boolean": True}
    assert ask(served, f"ASK {{ ?s a <{PLO}NoSuchClass> }}").json()["boolean"] is False


def test_post_form_and_post_query(served: Running, area_names: list[str]) -> None:  # noqa: F811
    form = httpx.post(
        sparql(served), data={"query": AREAS_QUERY}, headers={"Accept": "application/sparql-results+json"}
    )
    assert form.status_code == 200 and names_from(form.content, "json") == area_names
    direct = httpx.post(
        sparql(served),
        content=AREAS_QUERY.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": "text/csv"},
    )
    assert direct.status_code == 200 and names_from(direct.content, "csv") == area_names


@pytest.mark.parametrize("media_type", sorted(SOLUTION_TYPES))
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_in_every_result_format(served: Running, area_names: list[str], media_type: str, method: str) -> None:  # noqa: F811
    if method == "GET":
        response = ask(served, AREAS_QUERY, accept=media_type)
    else:
        response = httpx.post(sparql(served), data={"query": AREAS_QUERY}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert response.headers["vary"] == "Accept"
    assert names_from(response.content, SOLUTION_TYPES[media_type]) == area_names


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
    ],
)
def test_ask_in_every_result_format(served: Running, accept: str, expected: str) -> None:  # noqa: F811
    response = ask(served, "ASK { ?s ?p ?o }", accept=accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert b"true" in response.content


GRAPH_PARSERS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


@pytest.mark.parametrize("media_type", sorted(GRAPH_PARSERS))
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_construct_and_describe_in_every_graph_format(served: Running, media_type: str, form: str) -> None:  # noqa: F811
    iri = SITE_BASE + AREA
    query = f"DESCRIBE <{iri}>" if form == "DESCRIBE" else f"CONSTRUCT WHERE {{ <{iri}> ?p ?o }}"
    response = ask(served, query, accept=media_type)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    graph = Graph().parse(data=response.content, format=GRAPH_PARSERS[media_type])
    reference = Graph().parse(data=ask(served, query, accept="application/n-triples").content, format="nt")
    assert len(graph) > 10 and isomorphic(graph, reference)
    assert (URIRef(iri), None, None) in graph


def test_describe_gives_the_published_literals_back(served: Running, site: Path) -> None:  # noqa: F811
    """The store keeps xsd:positiveInteger as xsd:integer; DESCRIBE restores the dataset's own literal."""
    iri = SITE_BASE + AREA
    described = Graph().parse(
        data=ask(served, f"DESCRIBE <{iri}>", accept="application/n-triples").content, format="nt"
    )
    published = Graph().parse(site / "dump" / "latest.nt", format="nt")
    assert set(described) == set(published.triples((URIRef(iri), None, None)))
    position = ask(served, f"SELECT ?p WHERE {{ <{iri}> <{PLO}position> ?p }}").json()["results"]["bindings"][0]["p"]
    # SELECT shows the stored, canonical form (documented in the service description and the README).
    assert position == {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}


@pytest.mark.parametrize(
    ("fmt", "query"),
    [
        (JSON, AREAS_QUERY),
        (XML, AREAS_QUERY),
        (CSV, AREAS_QUERY),
        (TSV, AREAS_QUERY),
        (JSON, "ASK { ?s ?p ?o }"),
        (XML, "ASK { ?s ?p ?o }"),
    ],
)
def test_sparqlwrapper_select_and_ask(served: Running, area_names: list[str], fmt: str, query: str) -> None:  # noqa: F811
    client = SPARQLWrapper(sparql(served))
    client.setQuery(query)
    client.setReturnFormat(fmt)
    result = client.queryAndConvert()
    if query.startswith("ASK"):
        if fmt == JSON:
            assert result == {"head": {}, "boolean": True}  # type: ignore[comparison-overlap]
        else:
            assert "true" in result.toxml()  # type: ignore[union-attr]
        return
    kind = {JSON: "json", XML: "xml", CSV: "csv", TSV: "tsv"}[fmt]
    if kind == "json":
        body = json.dumps(result).encode()
    elif kind == "xml":
        body = result.toxml().encode()  # type: ignore[union-attr]
    else:
        body = result if isinstance(result, bytes) else str(result).encode()
    assert names_from(body, kind) == area_names


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD, RDFXML, N3])
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_construct_and_describe(served: Running, fmt: str, form: str) -> None:  # noqa: F811
    iri = SITE_BASE + AREA
    client = SPARQLWrapper(sparql(served))
    client.setQuery(f"DESCRIBE <{iri}>" if form == "DESCRIBE" else f"CONSTRUCT WHERE {{ <{iri}> ?p ?o }}")
    client.setReturnFormat(fmt)
    result = client.queryAndConvert()
    graph = (
        result
        if isinstance(result, Graph)
        else Graph().parse(data=result, format={TURTLE: "turtle", N3: "turtle", JSONLD: "json-ld"}[fmt])
    )
    assert (URIRef(iri), URIRef(PLO + "position"), None) in graph


def test_protocol_via_sparqlwrapper_post(served: Running, area_names: list[str]) -> None:  # noqa: F811
    client = SPARQLWrapper(sparql(served))
    client.setMethod("POST")
    client.setQuery(AREAS_QUERY)
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    assert [b["name"]["value"] for b in result["results"]["bindings"]] == area_names  # type: ignore[index]


# ---------------------------------------------------------------- R23: the dataset


def test_default_and_named_graph_parameters_are_honoured(served: Running) -> None:  # noqa: F811
    total = int(ask(served, COUNT_QUERY).json()["results"]["bindings"][0]["n"]["value"])
    graph = UrlPolicy(SITE_BASE).dataset_graph
    in_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    dataset = int(ask(served, in_graph).json()["results"]["bindings"][0]["n"]["value"])
    assert 0 < dataset < total  # the default graph is the union of the dataset and the UN SDG KOS
    same = ask(served, COUNT_QUERY, **{"default-graph-uri": graph}).json()
    assert int(same["results"]["bindings"][0]["n"]["value"]) == dataset
    empty = ask(served, COUNT_QUERY, **{"default-graph-uri": "http://example.org/no-such-graph"}).json()
    assert int(empty["results"]["bindings"][0]["n"]["value"]) == 0
    named_query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    named = ask(served, named_query, **{"named-graph-uri": graph}).json()["results"]["bindings"]
    assert [(b["g"]["value"], int(b["n"]["value"])) for b in named] == [(graph, dataset)]
    no_named = ask(served, named_query, **{"named-graph-uri": "http://example.org/other"}).json()
    assert no_named["results"]["bindings"] == []
    from_clause = ask(served, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}").json()
    assert int(from_clause["results"]["bindings"][0]["n"]["value"]) == dataset
    bad = ask(served, COUNT_QUERY, **{"default-graph-uri": "not an iri"})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/plain")


def test_relative_iris_in_a_query_resolve_against_the_base_iri(served: Running) -> None:  # noqa: F811
    assert ask(served, "ASK { <plan/ambitioner-og-retning-2020> a <ontologi/Plan> }").json()["boolean"] is True
    based = "BASE <http://example.org/> ASK { <plan/ambitioner-og-retning-2020> ?p ?o }"
    assert ask(served, based).json()["boolean"] is False


# ---------------------------------------------------------------- R24: errors, updates, SERVICE


def test_a_malformed_query_gets_400_with_the_parsers_message(served: Running) -> None:  # noqa: F811
    response = ask(served, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "error at 1:" in response.text
    assert response.headers["access-control-allow-origin"] == "*"


def test_updates_are_refused_and_change_nothing(served: Running) -> None:  # noqa: F811
    before = ask(served, COUNT_QUERY).json()
    insert = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    attempts = [
        httpx.post(sparql(served), data={"update": insert}),
        httpx.post(sparql(served), content=insert, headers={"Content-Type": "application/sparql-update"}),
        httpx.post(sparql(served), data={"query": insert}),
        httpx.get(sparql(served), params={"update": "CLEAR ALL"}),
        httpx.get(sparql(served), params={"query": "PREFIX x: <urn:x> DELETE WHERE { ?s ?p ?o }"}),
        httpx.post(sparql(served), data={"query": "LOAD <http://example.org/data.ttl>"}),
        httpx.put(sparql(served), content=b"<urn:a> <urn:b> <urn:c> .", headers={"Content-Type": "text/turtle"}),
        httpx.delete(sparql(served)),
    ]
    for response in attempts:
        assert 400 <= response.status_code < 500, (response.request.method, response.status_code)
    assert [r.status_code for r in attempts[:6]] == [403] * 6
    assert "read-only" in attempts[0].text
    assert ask(served, COUNT_QUERY).json() == before
    assert ask(served, "ASK { <urn:a> <urn:b> <urn:c> }").json()["boolean"] is False


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A TCP listener on loopback that records every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = sock.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    received.append(connection.recv(4096))
                except OSError:
                    received.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql", received
    stop.set()
    thread.join(2)
    sock.close()


SERVICE_FORMS = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ service <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE<{url}>{{?s ?p ?o}} }}",
    "PREFIX e: <{url}#>\nSELECT * WHERE {{ ?x ?y 'a' .SERVICE e:x {{ ?s ?p ?o }} }}",
    "# SERVICE in a comment\nSELECT * WHERE {{ ?x <urn:p\\u0023> ?y . SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <urn:ex:>\nSELECT * WHERE {{ ?x ex:a\\# ?y . SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p 'quote \\' SERVICE' . SERVICE <{url}> {{ ?s ?p ?o }} }}",
    'SELECT * WHERE {{ ?s ?p """long "" string""" . SERVICE <{url}> {{ ?s ?p ?o }} }}',
]


@pytest.mark.parametrize("form", SERVICE_FORMS)
def test_service_is_refused_and_no_request_leaves(
    served: Running,  # noqa: F811
    listener: tuple[str, list[bytes]],
    form: str,
) -> None:
    url, received = listener
    response = httpx.post(sparql(served), data={"query": form.format(url=url)})
    assert response.status_code == 400
    assert "SERVICE" in response.text
    time.sleep(0.3)
    assert received == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
        "SELECT * WHERE { ?s ?p 'SERVICE <http://example.org/> { }' }",
        "# SERVICE <http://example.org/>\nSELECT * WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://example.org/>\nSELECT ?service WHERE { ?service ex:SERVICE ex:service }",
        "SELECT * WHERE { ?s ?p 'x'@service }",
        'SELECT * WHERE { ?s ?p """SERVICE""" }',
    ],
)
def test_service_in_names_strings_and_comments_is_not_a_service_call(query: str) -> None:
    assert not uses_service(query)
    assert not is_update(query)


def test_update_detection_looks_past_the_prologue() -> None:
    assert is_update("PREFIX ex: <http://example.org/> BASE <http://example.org/>\n# a comment\nINSERT DATA { }")
    assert is_update("with <urn:g> delete { ?s ?p ?o } where { ?s ?p ?o }")
    assert not is_update("PREFIX insert: <urn:x:> SELECT * WHERE { ?s insert:p ?o }")
    assert not is_update("SELECT * WHERE { ?s ?p 'INSERT' }")


@given(st.text(max_size=300))
def test_query_words_never_fail(text: str) -> None:
    words = query_words(text)
    assert all(isinstance(w, str) for w in words)


# ---------------------------------------------------------------- R25, R26: description and CORS


def test_service_description_on_get_without_query(served: Running) -> None:  # noqa: F811
    response = httpx.get(sparql(served), headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.content, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    # The endpoint's IRI comes from the configuration (base IRI and sparql_endpoint), never from the request.
    service = URIRef(SITE_BASE + "sparql")
    assert (service, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(sd + "Service")) in graph
    assert (service, URIRef(sd + "endpoint"), service) in graph
    assert (None, URIRef(sd + "name"), URIRef(UrlPolicy(SITE_BASE).dataset_graph)) in graph
    formats = {str(o) for o in graph.objects(service, URIRef(sd + "resultFormat"))}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_CSV" in formats
    as_jsonld = httpx.get(sparql(served), headers={"Accept": "application/ld+json"})
    assert isomorphic(Graph().parse(data=as_jsonld.content, format="json-ld"), graph)
    browser = httpx.get(sparql(served), headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.status_code == 303 and browser.headers["location"] == "./foresporgsel/"
    forged = httpx.get(sparql(served), headers={"Accept": "text/turtle", "Host": "evil.example"})
    assert b"evil.example" not in forged.content
    assert isomorphic(Graph().parse(data=forged.content, format="turtle"), graph)


def test_cors_on_sparql_get_post_and_preflight(served: Running) -> None:  # noqa: F811
    origin = {"Origin": "https://yasgui.example"}
    for response in (
        httpx.get(sparql(served), params={"query": "ASK {}"}, headers=origin),
        httpx.post(sparql(served), data={"query": "ASK {}"}, headers=origin),
        httpx.post(sparql(served), data={"query": "ASK {"}, headers=origin),
    ):
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers
    preflight = httpx.options(
        sparql(served),
        headers={**origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert {"GET", "POST"} <= {m.strip() for m in preflight.headers["access-control-allow-methods"].split(",")}
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in preflight.headers
    assert (
        "X-SPARQL-MaxRows"
        in httpx.get(sparql(served), params={"query": "ASK {}"}).headers["access-control-expose-headers"]
    )


def test_other_request_errors(served: Running) -> None:  # noqa: F811
    assert ask(served, AREAS_QUERY, accept="image/png").status_code == 406
    assert ask(served, f"DESCRIBE <{SITE_BASE}{AREA}>", accept="text/csv").status_code == 406
    wrong_type = httpx.post(sparql(served), content=b"query=ASK{}", headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415
    two = httpx.get(sparql(served), params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert two.status_code == 400
    huge = httpx.post(sparql(served), content=b"#" * 1_100_000, headers={"Content-Type": "application/sparql-query"})
    assert huge.status_code == 413
    head = httpx.head(sparql(served), params={"query": "ASK {}"})
    assert head.status_code == 200 and head.content == b""


# ---------------------------------------------------------------- R27 and the timeout: a server with tight limits


@pytest.fixture(scope="module")
def tight(site: Path) -> Iterator[Running]:  # noqa: F811
    """A second server over the same site: 1.5 s timeout, at most 5 rows."""
    with running_server(site, SITE_BASE, timeout=1.5, max_rows=5, workers=2) as running:
        yield running


def test_the_result_cap_is_signalled(tight: Running) -> None:
    capped = ask(tight, AREAS_QUERY)
    assert capped.status_code == 200
    assert capped.headers["x-sparql-maxrows"] == "5"
    assert len(capped.json()["results"]["bindings"]) == 5
    exact = ask(tight, AREAS_QUERY + " LIMIT 5")
    assert "x-sparql-maxrows" not in exact.headers and len(exact.json()["results"]["bindings"]) == 5
    graph = ask(tight, f"DESCRIBE <{SITE_BASE}{AREA}>", accept="application/n-triples")
    assert graph.headers["x-sparql-maxrows"] == "5"
    assert len([line for line in graph.text.splitlines() if line.strip()]) == 5
    as_csv = ask(tight, AREAS_QUERY, accept="text/csv")
    assert as_csv.headers["x-sparql-maxrows"] == "5" and len(as_csv.text.strip().splitlines()) == 6


def test_a_runaway_query_is_stopped_with_503_while_others_are_answered(tight: Running) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["response"] = httpx.post(sparql(tight), data={"query": RUNAWAY}, timeout=60)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    for _ in range(3):
        started = time.monotonic()
        assert ask(tight, "ASK { ?s ?p ?o }").json()["boolean"] is True
        assert httpx.get(tight.url + AREA + ".ttl").status_code == 200
        assert time.monotonic() - started < 1.0
    thread.join(30)
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 503
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "1.5 s" in response.text
    assert 1.4 < float(outcome["seconds"]) < 6  # type: ignore[arg-type]
    # The stopped worker is replaced: the endpoint keeps its capacity.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(tight.pool._idle) < tight.pool.size:
        time.sleep(0.1)
    assert len(tight.pool._idle) == tight.pool.size
    assert ask(tight, "ASK {}").status_code == 200


def test_select_star_columns_come_in_query_order(served: Running) -> None:  # noqa: F811
    query = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> # ?comment <not an IRI\n"
        'SELECT * WHERE { ?zone skos:prefLabel ?label . BIND("?string" AS ?about) } LIMIT 1'
    )
    expected = ["zone", "label", "about"]
    response = ask(served, query)
    assert response.status_code == 200
    assert json.loads(response.content)["head"]["vars"] == expected
    as_csv = ask(served, query, accept="text/csv")
    assert as_csv.text.splitlines()[0].split(",") == expected
    # A projection that names its variables keeps its own order.
    named = ask(
        served, "SELECT ?label ?zone WHERE { ?zone <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } LIMIT 1"
    )
    assert json.loads(named.content)["head"]["vars"] == ["label", "zone"]
