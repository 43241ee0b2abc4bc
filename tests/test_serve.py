"""`planlod serve` on a real server: content negotiation, documents, conditional requests, CORS, path safety.

The helpers at the top (a built site, a running server) are shared with test_sparql, test_queries and
test_push. The site is the project built by `planlod build` (`build_site`).
"""

from __future__ import annotations

import contextlib
import http.client
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from publish.build import build_site
from publish.config import Config, load_config
from publish.dumps import site_data
from publish.formats import NTRIPLES, RDF_FORMATS
from publish.load import Role, load_sources
from publish.model import sdg_kos
from publish.serve import (
    EndpointSettings,
    bind,
    content_type_for,
    create_app,
    negotiate,
    parse_accept,
    server,
)
from publish.sparqlpool import QueryPool
from publish.urls import SPARQL_PATH, UrlPolicy, dump, sdg_kos_dump
from tests.conftest import ROOT
from tests.negotiation_cases import NEGOTIATION_CASES, TARGETS

# A base IRI with a path, unlike the default: nothing may depend on the site being at a host's root.
SITE_BASE = "https://data.example.dk/planlod/"
AREA = "plan/ambitioner-og-retning-2020/omraade/sundhed"
FOCUS_POINT = AREA + "/indsats/1"
PLAN = "plan/ambitioner-og-retning-2020"
ENTITIES = (PLAN, AREA, FOCUS_POINT, "kommune/hedensted")

# ---------------------------------------------------------------- shared helpers: the site


def project_config(base_iri: str, out_dir: Path) -> Config:
    """The project's own configuration with another base IRI and output folder."""
    return load_config(ROOT, {"base_iri": base_iri, "out_dir": str(out_dir)}, environ={})


def dataset_triples(config: Config) -> list[ox.Triple]:
    """The dataset as the build publishes it in dump/latest.nt: the data and the triples derived from them."""
    return sorted(site_data(load_sources(config), UrlPolicy(config.base_iri)), key=str)


def write_dump(config: Config, path: Path) -> Path:
    """dump/latest.nt for a base IRI, as the build writes it, and beside it the copy of the UN SDG KOS."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ox.serialize(dataset_triples(config), format=ox.RdfFormat.N_TRIPLES) or b"")
    kos = sdg_kos(load_sources(config).triples(Role.REFERENCE))
    path.with_name(Path(sdg_kos_dump()).name).write_bytes(ox.serialize(kos, format=ox.RdfFormat.N_TRIPLES) or b"")
    return path


def make_site(out_dir: Path, base_iri: str) -> Path:
    """The project's site built for a base IRI into out_dir."""
    build_site(project_config(base_iri, out_dir))
    return out_dir


# ---------------------------------------------------------------- shared helpers: a running server


@dataclass
class Running:
    """A server running in this process on a free loopback port."""

    url: str
    out_dir: Path
    base_iri: str
    pool: QueryPool
    settings: EndpointSettings

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        """GET a path of the site (without following redirects)."""
        return httpx.get(self.url + path, timeout=30, **kwargs)


@contextlib.contextmanager
def running_server(
    out_dir: Path,
    base_iri: str,
    *,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    workers: int = 2,
    memory_mb: int = 512,
    queue_size: int = 64,
    header_timeout: float = 10.0,
) -> Iterator[Running]:
    """Start the query pool and uvicorn (in a thread) on port 0; stop both afterwards."""
    pool = QueryPool(out_dir / dump(NTRIPLES), base_iri, workers, timeout, memory_mb).start()
    settings = EndpointSettings(base_iri, timeout, max_rows, SPARQL_PATH, queue_size)
    sock = bind("127.0.0.1", 0)
    uvicorn_server = server(create_app(out_dir, pool, settings), log_level="warning", header_timeout=header_timeout)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not uvicorn_server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        yield Running(f"http://127.0.0.1:{sock.getsockname()[1]}/", out_dir, base_iri, pool, settings)
    finally:
        uvicorn_server.should_exit = True
        thread.join(15)
        pool.close()
        sock.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site built for SITE_BASE."""
    return make_site(tmp_path_factory.mktemp("serve") / "site", SITE_BASE)


@pytest.fixture(scope="session")
def served(site: Path) -> Iterator[Running]:
    """`planlod serve` over the site, with the default settings."""
    with running_server(site, SITE_BASE) as running:
        yield running


def raw_get(url: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """A GET with the path sent exactly as given (httpx would normalise `..`)."""
    host, port = url.split("//", 1)[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


# ---------------------------------------------------------------- the Accept header


FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
COMUNICA = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,application/n-triples;q=0.8,"
    "text/turtle;q=0.6,application/rdf+xml;q=0.5,text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,"
    "text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18,application/json;q=0.135,text/shaclc;q=0.1,"
    "text/shaclc-ext;q=0.05"
)
RDFLIB = "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json;q=0.8"

# Accept header -> where the entity IRI sends it ("/" the HTML page, else the document's extension).
NEGOTIATION = [
    (None, "/"),
    ("", "/"),
    ("*/*", "/"),
    ("*", "/"),
    ("text/html", "/"),
    (FIREFOX, "/"),
    (CHROME, "/"),
    (SAFARI, "/"),
    ("application/xhtml+xml", "/"),
    ("text/*", "/"),
    ("text/turtle", ".ttl"),
    ("application/x-turtle", ".ttl"),
    ("text/turtle;charset=utf-8", ".ttl"),
    ("application/ld+json", ".jsonld"),
    ('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"', ".jsonld"),
    ("application/n-triples", ".nt"),
    ("text/plain+ntriples", ".nt"),
    (COMUNICA, ".jsonld"),
    ("application/ld+json, text/turtle", ".jsonld"),
    ("text/turtle, application/ld+json", ".ttl"),
    ("text/turtle;q=0.5, application/n-triples", ".nt"),
    ("application/*", ".jsonld"),
    (RDFLIB, ".ttl"),
    ("text/html;q=0.1, text/turtle", ".ttl"),
    ("text/html;q=0, */*", ".ttl"),
    ("text/turtle;q=0.9, text/*;q=1", "/"),
    ("TEXT/TURTLE", ".ttl"),
    ("text/turtle ; q=1.0", ".ttl"),
    ("garbage, text/turtle", ".ttl"),
    ("text/turtle;q=abc, application/n-triples", ".nt"),
    ("text/turtle;q=7, application/n-triples;q=0.5", ".nt"),
    ("image/png, */*;q=0.1", "/"),
]
NOT_ACCEPTABLE = ["image/png", "application/pdf, image/*", "text/html;q=0, text/turtle;q=0, */*;q=0", "text/csv"]


@pytest.mark.parametrize(("accept", "target"), NEGOTIATION)
def test_entity_iri_redirects_by_accept_with_vary(served: Running, accept: str | None, target: str) -> None:
    headers = {} if accept is None else {"Accept": accept}
    response = served.get(AREA, headers=headers)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "./sundhed" + target
    assert response.headers["vary"] == "Accept"
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(("accept", "expected"), NEGOTIATION_CASES)
def test_serve_answers_the_negotiation_table(served: Running, accept: str | None, expected: str) -> None:
    """The one table of tests/negotiation_cases.py, which the generated rules (nginx, Apache) also run."""
    headers = {} if accept is None else {"Accept": accept}
    status, answer, _ = raw_get(served.url, "/" + FOCUS_POINT, headers)
    if expected == "none":
        assert status == 406
    else:
        assert status == 303
        assert answer["location"] == "./" + FOCUS_POINT.rsplit("/", 1)[-1] + TARGETS[expected]
        assert "accept" in answer["vary"].lower()


@pytest.mark.parametrize("accept", NOT_ACCEPTABLE)
def test_unsupported_types_get_406_listing_the_alternatives(served: Running, accept: str) -> None:
    response = served.get(AREA, headers={"Accept": accept})
    assert response.status_code == 406
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["vary"] == "Accept"
    for href, media in (
        ("./sundhed/", "text/html"),
        ("./sundhed.ttl", "text/turtle"),
        ("./sundhed.nt", "application/n-triples"),
    ):
        assert f"{media}" in response.text and href in response.text
        assert f'<{href}>; rel="alternate"; type="{media}"' in response.headers["link"]


@pytest.mark.parametrize("path", ENTITIES)
def test_every_redirect_ends_in_a_document_that_describes_the_iri(served: Running, path: str) -> None:
    iri = URIRef(SITE_BASE + path)
    for fmt in RDF_FORMATS:
        response = httpx.get(served.url + path, headers={"Accept": fmt.media_type}, follow_redirects=True)
        assert response.status_code == 200
        assert [r.status_code for r in response.history] == [303]
        assert response.headers["content-type"] == fmt.content_type
        graph = Graph().parse(
            data=response.content, format={".ttl": "turtle", ".jsonld": "json-ld", ".nt": "nt"}[fmt.extension]
        )
        assert (iri, None, None) in graph, f"{fmt.name} document of {path} says nothing about {iri}"
    page = httpx.get(served.url + path, headers={"Accept": FIREFOX}, follow_redirects=True)
    assert page.status_code == 200
    assert [r.status_code for r in page.history] == [303]
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert str(page.url) == served.url + path + "/"


@pytest.mark.parametrize("accept", [None, "image/png", "text/html", "application/n-triples", "text/turtle"])
@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_documents_answer_their_own_type_whatever_the_accept_header(
    served: Running, fmt: Any, accept: str | None
) -> None:
    response = served.get(AREA + fmt.extension, headers={} if accept is None else {"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == fmt.content_type
    assert "vary" not in response.headers
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["etag"] and response.headers["last-modified"]


def test_pages_and_site_files_have_their_types(served: Running) -> None:
    assert served.get(AREA + "/").headers["content-type"] == "text/html; charset=utf-8"
    assert served.get(AREA + "/en/").headers["content-type"] == "text/html; charset=utf-8"
    assert served.get("").headers["content-type"] == "text/html; charset=utf-8"
    assert served.get("dump/latest.nt").headers["content-type"] == "application/n-triples; charset=utf-8"
    assert served.get("assets/query.js").headers["content-type"] == "text/javascript; charset=utf-8"
    assert content_type_for("dump/latest.nt.gz") == "application/gzip"
    assert content_type_for("daekning.csv").startswith("text/csv; charset=utf-8")
    assert content_type_for(".well-known/void") == "text/turtle; charset=utf-8"
    assert content_type_for("catalog.rdf") == "application/rdf+xml; charset=utf-8"
    assert content_type_for("sitemap.xml") == "application/xml; charset=utf-8"


def test_conditional_requests_get_304(served: Running) -> None:
    first = served.get(AREA + ".ttl")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert served.get(AREA + ".ttl", headers={"If-None-Match": etag}).status_code == 304
    assert served.get(AREA + ".ttl", headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert served.get(AREA + ".ttl", headers={"If-Modified-Since": modified}).status_code == 304
    assert served.get(AREA + ".ttl", headers={"If-None-Match": '"other"'}).status_code == 200
    not_modified = served.get(AREA + "/", headers={"If-None-Match": served.get(AREA + "/").headers["etag"]})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"]


def test_head_is_get_without_the_body(served: Running) -> None:
    for path in (AREA + ".ttl", AREA + "/", "dump/latest.nt"):
        got = served.get(path)
        head = httpx.head(served.url + path)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-length"] == str(len(got.content))
        assert head.headers["content-type"] == got.headers["content-type"]
    redirect = httpx.head(served.url + AREA, headers={"Accept": "text/turtle"})
    assert redirect.status_code == 303 and redirect.headers["location"] == "./sundhed.ttl"


def test_keep_alive_requests_are_not_delayed(served: Running) -> None:
    """Headers and body go out without waiting for an ACK (TCP_NODELAY): with Nagle and delayed ACKs every
    response after the first on a connection would take some 40 ms."""
    host, port = served.url.split("//", 1)[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        started = time.monotonic()
        for path in [AREA + ".ttl", AREA + "/", "sparql?query=ASK%7B%7D"] * 10:
            connection.request("GET", "/" + path)
            response = connection.getresponse()
            assert response.status == 200
            response.read()
        assert time.monotonic() - started < 0.6
    finally:
        connection.close()


def test_cors_on_get_and_the_preflight_never_with_credentials(served: Running) -> None:
    for path in (AREA + ".jsonld", "dump/latest.nt", AREA):
        response = served.get(path, headers={"Origin": "https://elsewhere.example"})
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers
    preflight = httpx.options(
        served.url + AREA + ".jsonld",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept, if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert "if-none-match" in preflight.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in preflight.headers
    assert "ETag" in served.get(AREA + ".ttl").headers["access-control-expose-headers"]


TRAVERSALS = [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "/plan/../../../../etc/passwd",
    "/plan/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%00",
    "/plan%00.ttl",
    "//etc/passwd",
    "/.%2e/.%2e/etc/passwd",
    "/..\\..\\etc\\passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_paths_outside_the_site_are_refused(served: Running, path: str) -> None:
    status, _headers, body = raw_get(served.url, path)
    assert status in (400, 404), (status, body[:200])
    assert b"root:" not in body


def test_symbolic_links_out_of_the_site_are_refused(served: Running, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text("<urn:secret> <urn:p> <urn:o> .\n", encoding="utf-8")
    links = [served.out_dir / "leak.ttl", served.out_dir / "leak-dir"]
    links[0].symlink_to(secret)
    links[1].symlink_to(tmp_path, target_is_directory=True)
    try:
        for path in ("/leak.ttl", "/leak-dir/secret.ttl", "/leak"):
            status, _headers, body = raw_get(served.url, path, {"Accept": "text/turtle"})
            assert status == 404, path
            assert b"urn:secret" not in body
    finally:
        for link in links:
            link.unlink()


def test_unknown_paths_404_and_other_methods_405(served: Running) -> None:
    assert served.get("plan/no-such-thing").status_code == 404
    assert served.get("plan/no-such-thing.ttl").status_code == 404
    # The build's own records are in the output folder but not part of the site.
    assert served.get(".planlod-site").status_code == 404
    assert served.get(".planlod-state").status_code == 404
    assert httpx.post(served.url + AREA + ".ttl", content=b"x").status_code == 405
    assert httpx.delete(served.url + AREA).status_code == 405


def test_folders_without_slash_redirect_to_their_page(served: Running) -> None:
    response = served.get("foresporgsel")
    assert response.status_code in (301, 302, 307, 308)
    assert response.headers["location"].endswith("/foresporgsel/")


# ---------------------------------------------------------------- negotiate(), on its own


ENTITY_OFFERS = [
    ("text/html", "html"),
    ("text/turtle", ".ttl"),
    ("application/ld+json", ".jsonld"),
    ("application/n-triples", ".nt"),
]


def test_parse_accept_reads_q_values_and_skips_what_does_not_parse() -> None:
    ranges = parse_accept('text/turtle;q=0.5, application/ld+json;profile="a,b";q=0.9, nonsense, */*;q=0.1')
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "turtle", 0.5),
        ("application", "ld+json", 0.9),
        ("*", "*", 0.1),
    ]
    assert [(r.type, r.subtype) for r in parse_accept(None)] == [("*", "*")]
    assert [(r.type, r.subtype) for r in parse_accept(",,;")] == [("*", "*")]


@given(st.text(max_size=200))
def test_negotiate_never_fails_and_picks_an_offer_or_none(header: str) -> None:
    assert negotiate(header, ENTITY_OFFERS) in {"html", ".ttl", ".jsonld", ".nt", None}


@given(
    st.sampled_from(ENTITY_OFFERS), st.lists(st.sampled_from(["image/png", "text/csv", "application/pdf"]), max_size=3)
)
def test_an_offered_type_beats_types_that_are_not_offered(offer: tuple[str, str], others: list[str]) -> None:
    header = ", ".join([*others, offer[0]])
    assert negotiate(header, ENTITY_OFFERS) == offer[1]


# ---------------------------------------------------------------- the command


def _start_cli(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "publish", "serve", "--host", "127.0.0.1", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    return process, line


def _stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(5)


@pytest.mark.server
def test_planlod_serve_serves_the_built_site_on_a_free_port(site: Path) -> None:
    process, line = _start_cli(["--out", str(site), "--base-iri", SITE_BASE])
    try:
        assert line.startswith("planlod: serving"), line + (
            process.stderr.read() if process.poll() is not None and process.stderr else ""
        )
        root = line.split(" at ", 1)[1].split(" ", 1)[0]
        turtle = httpx.get(root + AREA, headers={"Accept": "text/turtle"}, follow_redirects=True)
        assert turtle.status_code == 200 and turtle.headers["content-type"] == "text/turtle; charset=utf-8"
        answer = httpx.get(root + "sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert answer.json() == {"head": {}, "boolean": True}
    finally:
        assert _stop(process) == 0


@pytest.mark.server
def test_planlod_serve_without_a_built_site_exits_2(tmp_path: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "publish", "serve", "--port", "0", "--out", str(tmp_path / "nothing")],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 2
    assert "planlod build" in process.stderr


@pytest.mark.server
def test_planlod_serve_on_a_taken_port_exits_2(site: Path) -> None:
    taken = bind("127.0.0.1", 0)
    try:
        process = subprocess.run(
            [sys.executable, "-m", "publish", "serve", "--port", str(taken.getsockname()[1]), "--out", str(site)],
            cwd=ROOT,
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        taken.close()
    assert process.returncode == 2
    assert "cannot listen" in process.stderr


@pytest.mark.server
def test_planlod_serve_takes_the_base_iri_from_the_built_site(site: Path) -> None:
    # The settings (pyproject.toml) name another base IRI than the one the site was built for.
    assert project_config(SITE_BASE, site).base_iri != load_config(ROOT, environ={}).base_iri
    process, line = _start_cli(["--out", str(site)])
    try:
        assert line.startswith("planlod: serving"), line
        assert f"built for {SITE_BASE}," in line
        root = line.split(" at ", 1)[1].split(" ", 1)[0]
        # A relative IRI in a query resolves against the site's base, as the dump's IRIs do.
        answer = httpx.get(root + "sparql", params={"query": f"ASK {{ <{PLAN}> ?p ?o }}"})
        assert answer.json() == {"head": {}, "boolean": True}
    finally:
        assert _stop(process) == 0


@pytest.mark.server
def test_planlod_serve_refuses_a_base_iri_the_site_was_not_built_for(site: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "publish", "serve", "--port", "0", "--out", str(site), "--base-iri", "https://x.dk/"],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 2
    assert f"was built for the base IRI {SITE_BASE}, not https://x.dk/" in process.stderr
    assert "Traceback" not in process.stderr and not process.stdout


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    """Poll a condition until it holds or the time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


__all__ = [
    "AREA",
    "FOCUS_POINT",
    "PLAN",
    "SITE_BASE",
    "Running",
    "dataset_triples",
    "make_site",
    "project_config",
    "raw_get",
    "running_server",
    "served",
    "site",
    "wait_for",
    "write_dump",
]


@pytest.mark.parametrize(
    ("accept", "suffix", "parser"),
    [
        ("text/turtle", ".ttl", "turtle"),
        ("application/ld+json", ".jsonld", "json-ld"),
        ("application/n-triples", ".nt", "nt"),
    ],
)
def test_the_namespace_iri_negotiates_its_rdf_document(served: Running, accept: str, suffix: str, parser: str) -> None:
    namespace = SITE_BASE + "ontologi/"
    response = served.get("ontologi/", headers={"Accept": accept})
    assert response.status_code == 303
    assert "accept" in response.headers["vary"].lower()
    assert response.headers["location"] == "../ontologi" + suffix
    document = served.get("ontologi" + suffix)
    assert document.status_code == 200
    graph = Graph().parse(data=document.content, format=parser, publicID=namespace)
    vann = URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")
    assert {str(o) for o in graph.objects(URIRef(SITE_BASE + "ontologi"), vann)} == {namespace}


def test_the_namespace_iri_gives_browsers_its_page(served: Running) -> None:
    for accept in ("text/html", "*/*", "image/png"):
        response = served.get("ontologi/", headers={"Accept": accept})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "accept" in response.headers["vary"].lower()
