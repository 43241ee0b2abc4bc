"""`planlod push --store oxigraph|virtuoso` into real servers started here on loopback (tests/store_servers.py): an
Oxigraph server (PyPI `oxigraph`) loaded over HTTP through its bulk loader, an Oxigraph store folder loaded offline
and then served read-only, and Virtuoso (Debian virtuoso-opensource) loaded by its bulk loader through isql. Each
store must then hold exactly the dump's triples and answer the example queries as `planlod serve` does; a second
push replaces the graph; a store that cannot be reached or is misconfigured gives exit 2 and a message, never a
traceback or the password.

QLever is not tested: it cannot be installed on this machine (docs/deployment.md says why).
"""

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

from publish.sparql import load_dataset
from publish.urls import UrlPolicy
from tests.conftest import CliResult, run_planlod
from tests.store_servers import OxigraphServer, VirtuosoServer, free_port, oxigraph_server, virtuoso_server
from tests.test_queries import EXAMPLES, concatenations_sorted, run_example, table
from tests.test_serve import SITE_BASE, site  # noqa: F401

GRAPH = UrlPolicy(SITE_BASE).dataset_graph
KOS_GRAPH = UrlPolicy(SITE_BASE).sdg_kos
# The example queries read the dataset and the UN SDG KOS (targets roll up to goals by skos:broader): both graphs
# are the default graph, as they are behind planlod serve's /sparql.
DEFAULT_GRAPHS = [GRAPH, KOS_GRAPH]


@pytest.fixture(scope="session")
def oxigraph_rw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A read-write Oxigraph server over a new store folder."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "store") as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_bulk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """Virtuoso in a new database, with a folder its bulk loader may read."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso-bulk")) as server:
        yield server


def push(site_dir: Path, *args: str) -> CliResult:
    result = run_planlod("push", "--out", str(site_dir), "--base-iri", SITE_BASE, *args)
    assert "Traceback" not in result.err
    return result


def virtuoso_args(server: VirtuosoServer, password: str = "dba") -> tuple[str, ...]:
    return ("--store", "virtuoso", "--sql", server.sql, "--user", "dba", "--password", password, "--load-dir",
            str(server.load_dir))  # fmt: skip


def select(sparql: str, query: str, graph: str | list[str] | None = GRAPH) -> dict[str, Any]:
    """A SELECT over the SPARQL protocol (a form POST, with the graph as the default graph, unless None); SPARQL 1.1 JSON."""
    response = httpx.post(
        sparql,
        data={"query": query, **({"default-graph-uri": graph} if graph else {})},
        headers={"Accept": "application/sparql-results+json"},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    document: dict[str, Any] = json.loads(response.content)
    for binding in document["results"]["bindings"]:
        for term in binding.values():
            if term["type"] == "typed-literal":  # SPARQL 1.0 JSON, which Virtuoso still writes
                term["type"] = "literal"
    return document


def count(sparql: str, graph: str = GRAPH) -> int:
    document = select(sparql, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", None)
    return int(document["results"]["bindings"][0]["n"]["value"])


def dump_triples(site_dir: Path) -> int:
    return len(Graph().parse(site_dir / "dump" / "latest.nt", format="nt"))


def same_answers(sparql: str, site_dir: Path, name: str) -> None:
    """The example's answer from the store equals the one from planlod's own engine over the dump."""
    example = EXAMPLES[name]
    ours = run_example(load_dataset(site_dir / "dump" / "latest.nt", SITE_BASE), example)
    text = example.text(SITE_BASE)
    if isinstance(ours, Graph):
        response = httpx.post(
            sparql,
            data={"query": text, "default-graph-uri": DEFAULT_GRAPHS},
            headers={"Accept": "application/n-triples"},
            timeout=120,
        )
        assert response.status_code == 200, response.text
        assert isomorphic(Graph().parse(data=response.content, format="turtle"), ours)
        return
    theirs = table(select(sparql, text, DEFAULT_GRAPHS))
    assert theirs, f"{name}: the store found nothing"
    key = lambda rows: Counter(json.dumps(row, sort_keys=True, default=str) for row in rows)  # noqa: E731
    assert key(concatenations_sorted(theirs)) == key(concatenations_sorted(ours))


# ---------------------------------------------------------------- Oxigraph server, over HTTP


@pytest.fixture(scope="session")
def oxigraph_loaded(oxigraph_rw: OxigraphServer, site: Path) -> OxigraphServer:  # noqa: F811
    result = push(site, "--store", "oxigraph", "--endpoint", oxigraph_rw.url)
    assert result.code == 0, result.err
    assert f"loaded {dump_triples(site)} triples into graph <{GRAPH}>" in result.out
    return oxigraph_rw


def test_oxigraph_server_holds_every_triple_once(oxigraph_loaded: OxigraphServer, site: Path) -> None:  # noqa: F811
    assert count(oxigraph_loaded.sparql) == dump_triples(site)
    again = push(site, "--store", "oxigraph", "--endpoint", oxigraph_loaded.url + "/")
    assert again.code == 0, again.err
    assert count(oxigraph_loaded.sparql) == dump_triples(site)  # replaced, not added to


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_examples_give_the_same_answers_on_oxigraph(oxigraph_loaded: OxigraphServer, site: Path, name: str) -> None:  # noqa: F811
    same_answers(oxigraph_loaded.sparql, site, name)


def test_an_oxigraph_server_that_is_not_there_fails_with_exit_2(site: Path) -> None:  # noqa: F811
    result = push(site, "--store", "oxigraph", "--endpoint", f"http://127.0.0.1:{free_port()}")
    assert result.code == 2
    assert "cannot reach the Oxigraph server" in result.err


# ---------------------------------------------------------------- Oxigraph, offline into a folder


def test_oxigraph_folder_loaded_offline_is_served_read_only(site: Path, tmp_path: Path) -> None:  # noqa: F811
    location = tmp_path / "store"
    for _ in range(2):  # the second load replaces the graph
        result = push(site, "--store", "oxigraph", "--location", str(location))
        assert result.code == 0, result.err
        assert "pyoxigraph's bulk loader" in result.out
    with oxigraph_server(location, read_only=True) as server:
        assert count(server.sparql) == dump_triples(site)
        same_answers(server.sparql, site, "01-omraader")
    with oxigraph_server(location):  # a read-write server holds the folder's lock
        busy = push(site, "--store", "oxigraph", "--location", str(location))
    assert busy.code == 2
    assert "is a server running on it?" in busy.err


def test_oxigraph_wants_one_place_to_load_into(site: Path, tmp_path: Path) -> None:  # noqa: F811
    neither = push(site, "--store", "oxigraph")
    both = push(site, "--store", "oxigraph", "--location", str(tmp_path), "--endpoint", "http://127.0.0.1:1")
    for result in (neither, both):
        assert result.code == 2
        assert "either --endpoint" in result.err
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    foreign = push(site, "--store", "oxigraph", "--location", str(tmp_path))
    assert foreign.code == 2
    assert "no Oxigraph store" in foreign.err
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


# ---------------------------------------------------------------- Virtuoso, by its bulk loader


@pytest.fixture(scope="session")
def virtuoso_loaded(virtuoso_bulk: VirtuosoServer, site: Path) -> VirtuosoServer:  # noqa: F811
    result = push(site, *virtuoso_args(virtuoso_bulk))
    assert result.code == 0, result.err
    assert f"loaded {dump_triples(site)} triples into graph <{GRAPH}>, " in result.out
    assert f"triples into graph <{KOS_GRAPH}> in Virtuoso" in result.out
    assert list(virtuoso_bulk.load_dir.iterdir()) == []  # the copy for ld_dir is removed
    return virtuoso_bulk


def test_virtuoso_bulk_load_holds_every_triple_once(virtuoso_loaded: VirtuosoServer, site: Path) -> None:  # noqa: F811
    assert count(virtuoso_loaded.sparql) == dump_triples(site)
    again = push(site, *virtuoso_args(virtuoso_loaded))
    assert again.code == 0, again.err
    assert count(virtuoso_loaded.sparql) == dump_triples(site)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_examples_give_the_same_answers_on_bulk_loaded_virtuoso(
    virtuoso_loaded: VirtuosoServer,
    site: Path,  # noqa: F811
    name: str,
) -> None:
    same_answers(virtuoso_loaded.sparql, site, name)


def test_virtuoso_with_a_wrong_password_fails_without_showing_it(virtuoso_bulk: VirtuosoServer, site: Path) -> None:  # noqa: F811
    result = push(site, *virtuoso_args(virtuoso_bulk, password="s3cret-wrong"))
    assert result.code == 2
    assert "the user name or password is wrong" in result.err
    assert "s3cret-wrong" not in result.err + result.out


def test_virtuoso_that_is_not_there_fails_with_exit_2(virtuoso_bulk: VirtuosoServer, site: Path) -> None:  # noqa: F811
    args = list(virtuoso_args(virtuoso_bulk))
    args[args.index("--sql") + 1] = f"127.0.0.1:{free_port()}"
    result = push(site, *args)
    assert result.code == 2
    assert "cannot connect" in result.err


def test_virtuoso_that_cannot_read_the_dump_fails_with_exit_2(virtuoso_bulk: VirtuosoServer, site: Path) -> None:  # noqa: F811
    # --server-dir names the folder as the server sees it: here one it may not read (outside DirsAllowed).
    result = push(site, *virtuoso_args(virtuoso_bulk), "--server-dir", "/srv/planlod-not-allowed")
    assert result.code == 2
    assert "DirsAllowed" in result.err
    assert list(virtuoso_bulk.load_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--store", "virtuoso", "--user", "dba", "--password", "dba"), "needs --load-dir"),
        (("--store", "virtuoso", "--load-dir", "."), "needs --user, --password"),
        (
            ("--store", "virtuoso", "--user", "dba", "--password", "dba", "--load-dir", ".", "--sql", "nohost"),
            "host:port",
        ),
        (
            ("--store", "virtuoso", "--user", "dba", "--password", "dba", "--load-dir", "/no/such/folder"),
            "no such folder",
        ),
        (("--store", "oxigraph", "--location", ".", "--graph", "not an iri"), "not an absolute IRI"),
        (("--store", "gsp"), "--endpoint is needed"),
    ],
)
def test_a_store_misconfigured_fails_with_exit_2(site: Path, args: tuple[str, ...], message: str) -> None:  # noqa: F811
    result = push(site, *args)
    assert result.code == 2
    assert message in result.err


def test_a_store_load_without_a_built_site_fails_with_exit_2(tmp_path: Path) -> None:
    result = push(tmp_path, "--store", "oxigraph", "--location", str(tmp_path / "store"))
    assert result.code == 2
    assert "planlod build" in result.err
    assert not (tmp_path / "store").exists()
