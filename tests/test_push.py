"""`planlod push` into a real Virtuoso open-source server (Debian's virtuoso-opensource), started here on loopback
on free ports: the Graph Store Protocol PUT, the count check, and the example queries giving the same answers on
Virtuoso as on `planlod serve`. Also the authentication and endpoint logic on their own."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from publish.push import AutoAuth, PushError, derive_sparql_endpoint, push_dataset
from publish.sparql import load_dataset
from publish.urls import UrlPolicy
from tests.conftest import run_planlod
from tests.store_servers import ISQL, VIRTUOSO, VirtuosoServer, free_port, virtuoso_server
from tests.test_queries import EXAMPLES, concatenations_sorted, run_example, table
from tests.test_serve import SITE_BASE, site  # noqa: F401

# The UN SDG KOS graph push fills beside the dataset's: the example queries read both (as the default graph).
KOS_GRAPH = UrlPolicy(SITE_BASE).sdg_kos


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """Virtuoso on free loopback ports, in a throw-away database; stopped at the end of the session."""
    if VIRTUOSO is None or ISQL is None:
        pytest.fail("virtuoso-t is not installed (Debian virtuoso-opensource); run tests/setup.sh", pytrace=False)
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="session")
def pushed(virtuoso: VirtuosoServer, site: Path) -> str:  # noqa: F811
    """The site's dataset pushed into Virtuoso with the command; the graph's IRI."""
    result = run_planlod(
        "push",
        "--out",
        str(site),
        "--base-iri",
        SITE_BASE,
        "--endpoint",
        virtuoso.graph_store,
        "--user",
        "dba",
        "--password",
        "dba",
    )
    assert result.code == 0, result.err
    assert "pushed" in result.out and "counted at" in result.out
    return UrlPolicy(SITE_BASE).dataset_graph


def virtuoso_select(virtuoso: VirtuosoServer, query: str, graph: str) -> dict[str, Any]:
    response = httpx.post(
        virtuoso.sparql,
        data={"query": query, "default-graph-uri": [graph, KOS_GRAPH]},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    document = json.loads(response.content)
    for binding in document["results"]["bindings"]:
        for term in binding.values():
            if term["type"] == "typed-literal":  # SPARQL 1.0 JSON, which Virtuoso still writes
                term["type"] = "literal"
    return document


def count_in(virtuoso: VirtuosoServer, graph: str) -> int:
    document = virtuoso_select(virtuoso, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", graph)
    return int(document["results"]["bindings"][0]["n"]["value"])


def test_push_fills_virtuoso_with_every_triple(virtuoso: VirtuosoServer, site: Path, pushed: str) -> None:  # noqa: F811
    published = len(Graph().parse(site / "dump" / "latest.nt", format="nt"))
    assert count_in(virtuoso, pushed) == published


def test_a_second_push_replaces_the_graph(virtuoso: VirtuosoServer, site: Path, pushed: str) -> None:  # noqa: F811
    before = count_in(virtuoso, pushed)
    result = push_dataset(site, virtuoso.graph_store, pushed, user="dba", password="dba", dump_format="ttl")
    assert result.status in (200, 201, 204)
    assert result.sent == result.stored == before == count_in(virtuoso, pushed)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_examples_give_the_same_answers_on_virtuoso(
    virtuoso: VirtuosoServer,
    site: Path,  # noqa: F811
    pushed: str,
    name: str,
) -> None:
    example = EXAMPLES[name]
    ours = run_example(load_dataset(site / "dump" / "latest.nt", SITE_BASE), example)
    text = example.text(SITE_BASE)
    if isinstance(ours, Graph):
        response = httpx.post(
            virtuoso.sparql,
            data={"query": text, "default-graph-uri": [pushed, KOS_GRAPH]},
            headers={"Accept": "application/n-triples"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        theirs = Graph().parse(data=response.content, format="turtle")
        assert isomorphic(theirs, ours)
        return
    theirs_rows = table(virtuoso_select(virtuoso, text, pushed))
    assert theirs_rows, f"{name}: Virtuoso found nothing"
    # GROUP_CONCAT's order is not defined by SPARQL: a concatenation is compared as the set of its parts.
    theirs_rows, ours = concatenations_sorted(theirs_rows), concatenations_sorted(ours)
    if "ORDER BY" in text and name not in {"03-fokuspunkter-per-delmaal"}:
        assert theirs_rows == ours
    else:
        key = lambda rows: Counter(json.dumps(row, sort_keys=True, default=str) for row in rows)  # noqa: E731
        assert key(theirs_rows) == key(ours)


def test_push_to_a_store_that_refuses_fails_with_exit_2(virtuoso: VirtuosoServer, site: Path) -> None:  # noqa: F811
    result = run_planlod(
        "push", "--out", str(site), "--endpoint", virtuoso.graph_store, "--user", "dba", "--password", "wrong"
    )
    assert result.code == 2
    assert "HTTP 401" in result.err


def test_push_without_a_built_site_fails_with_exit_2(tmp_path: Path) -> None:
    result = run_planlod("push", "--out", str(tmp_path), "--endpoint", "http://127.0.0.1:9/sparql-graph-crud")
    assert result.code == 2
    assert "planlod build" in result.err


def test_push_to_nothing_fails_with_exit_2(site: Path) -> None:  # noqa: F811
    result = run_planlod("push", "--out", str(site), "--endpoint", f"http://127.0.0.1:{free_port()}/data")
    assert result.code == 2
    assert "ConnectError" in result.err


# ---------------------------------------------------------------- on their own


def test_the_sparql_endpoint_is_derived_for_known_stores() -> None:
    assert derive_sparql_endpoint("http://h:8890/sparql-graph-crud-auth") == "http://h:8890/sparql"
    assert derive_sparql_endpoint("http://h:8890/sparql-graph-crud") == "http://h:8890/sparql"
    assert derive_sparql_endpoint("http://h:3030/plans/data") == "http://h:3030/plans/sparql"
    assert derive_sparql_endpoint("http://h/repositories/r/rdf-graphs/service") == "http://h/repositories/r"
    assert derive_sparql_endpoint("http://h/store") is None


def _store_app(scheme: str, stored: dict[str, bytes]) -> httpx.MockTransport:
    """A Graph Store that wants `scheme` authentication (user u, password p) and answers GET by reading back."""

    def handle(request: httpx.Request) -> httpx.Response:
        authorization = request.headers.get("authorization", "")
        if scheme == "basic" and authorization != httpx.BasicAuth("u", "p")._auth_header:
            return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="store"'})
        if scheme == "digest" and not authorization.startswith('Digest username="u"'):
            return httpx.Response(
                401, headers={"WWW-Authenticate": 'Digest realm="store", nonce="abc", qop="auth", algorithm="MD5"'}
            )
        graph = request.url.params["graph"]
        if request.method == "PUT":
            stored[graph] = request.content
            return httpx.Response(201)
        return httpx.Response(200, content=stored[graph], headers={"Content-Type": "application/n-triples"})

    return httpx.MockTransport(handle)


@pytest.mark.parametrize("scheme", ["basic", "digest"])
def test_auto_auth_answers_the_scheme_the_server_asks_for(scheme: str) -> None:
    stored: dict[str, bytes] = {}
    with httpx.Client(transport=_store_app(scheme, stored), auth=AutoAuth("u", "p")) as client:
        response = client.put("http://store/gsp", params={"graph": "urn:g"}, content=b"<urn:a> <urn:b> <urn:c> .\n")
        assert response.status_code == 201
        assert client.get("http://store/gsp", params={"graph": "urn:g"}).content == stored["urn:g"]


def test_push_reads_the_graph_back_when_no_sparql_endpoint_is_known(
    site: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stored: dict[str, bytes] = {}
    store = _store_app("basic", stored)
    lose_triples = False

    def handle(request: httpx.Request) -> httpx.Response:
        response = store.handle_request(request)
        if request.method == "PUT" and lose_triples:  # a store that silently keeps only part of the data
            stored["urn:g"] = stored["urn:g"][:1000].rsplit(b"\n", 1)[0] + b"\n"
        return response

    original = httpx.Client.__init__

    def with_transport(self: httpx.Client, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **{**kwargs, "transport": httpx.MockTransport(handle)})

    monkeypatch.setattr(httpx.Client, "__init__", with_transport)
    result = push_dataset(site, "http://store/gsp", "urn:g", user="u", password="p")
    assert result.counted_by == "read back from the graph store"
    assert result.stored == result.sent > 1000
    lose_triples = True
    with pytest.raises(PushError, match="the counts differ"):
        push_dataset(site, "http://store/gsp", "urn:g", user="u", password="p")


def test_push_names_the_graphs_by_the_base_iri_the_site_was_built_for(
    site: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stored: dict[str, bytes] = {}
    store = _store_app("basic", stored)
    original = httpx.Client.__init__

    def with_transport(self: httpx.Client, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **{**kwargs, "transport": store})

    monkeypatch.setattr(httpx.Client, "__init__", with_transport)
    # No --base-iri: the settings name another base than the site's, and the site's is used.
    result = run_planlod("push", "--out", str(site), "--endpoint", "http://store/gsp", "--user", "u", "--password", "p")
    assert result.code == 0, result.err
    policy = UrlPolicy(SITE_BASE)
    assert set(stored) == {policy.dataset_graph, policy.sdg_kos}
    assert stored[policy.dataset_graph] == (site / "dump" / "latest.nt").read_bytes()
    assert f"into graph <{policy.sdg_kos}>" in result.out
    assert f"built for {SITE_BASE}" in result.err


def test_push_refuses_a_base_iri_the_site_was_not_built_for(site: Path) -> None:  # noqa: F811
    result = run_planlod("push", "--out", str(site), "--base-iri", "https://x.dk/", "--endpoint", "http://store/gsp")
    assert result.code == 2
    assert f"was built for the base IRI {SITE_BASE}, not https://x.dk/" in result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
