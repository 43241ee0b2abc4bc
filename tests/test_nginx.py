"""The generated nginx rules, served by a real nginx: content negotiation at bare IRIs, document URLs, CORS,
caching, conditional requests, 404s, and a base IRI with a path.

Each module-scoped server is nginx on a free loopback port with `root` at the site and the snippet from
`publish.serverconf.nginx_conf` included in its server block. The site is `planlod build` output. The same tests
run against a site at `/` and one at `/planer/`. Redirects are never followed automatically: each hop is checked.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from rdflib import Graph, URIRef

from publish.headers import security_headers
from publish.serverconf import negotiate, nginx_conf
from publish.urls import UrlPolicy

from .negotiation_cases import NEGOTIATION_CASES, TARGETS
from .nginx_server import BuiltSite, free_port, make_site, running_nginx, write_nginx_conf
from .test_serve import running_server

# nginx is installed by tests/setup.sh: without it these tests fail (running_nginx cannot start it), never skip.
pytestmark = pytest.mark.server

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)
JAVA = "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"
COMUNICA = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,application/n-triples;q=0.8,"
    "text/turtle;q=0.6,application/rdf+xml;q=0.5,text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,"
    "text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18"
)
RDFLIB_ANY = (
    "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
    "application/n-quads, application/trix, application/trig"
)

# What each RDF media type redirects to, and the document's Content-Type and rdflib parser.
RDF_TYPES = {
    "text/turtle": (".ttl", "text/turtle; charset=utf-8", "turtle"),
    "application/x-turtle": (".ttl", "text/turtle; charset=utf-8", "turtle"),
    "application/ld+json": (".jsonld", "application/ld+json; charset=utf-8", "json-ld"),
    "application/n-triples": (".nt", "application/n-triples; charset=utf-8", "nt"),
}
# Content-Type by file suffix, written out here rather than taken from publish.serverconf.
CONTENT_TYPES = {
    ".ttl": "text/turtle; charset=utf-8",
    ".jsonld": "application/ld+json; charset=utf-8",
    ".nt": "application/n-triples; charset=utf-8",
    ".trig": "application/trig; charset=utf-8",
    ".rdf": "application/rdf+xml; charset=utf-8",
    ".gz": "application/gzip",
    ".csv": "text/csv; charset=utf-8",
    ".tsv": "text/tab-separated-values; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".well-known/void": "text/turtle; charset=utf-8",
}
# Site-level documents of docs/site-layout.md; those the site has are tested.
SITE_DOCUMENTS = (
    "dump/latest.ttl",
    "dump/latest.nt",
    "dump/latest.jsonld",
    "dump/latest.trig",
    "dump/latest.ttl.gz",
    "dump/latest.nt.gz",
    "dump/latest.jsonld.gz",
    "dump/latest.trig.gz",
    "dump/ontology.ttl",
    "dump/shapes.ttl",
    "catalog.ttl",
    "catalog.rdf",
    "catalog.jsonld",
    "void.ttl",
    ".well-known/void",
    "context/v1.jsonld",
    "sitemap.xml",
    "robots.txt",
    "daekning.csv",
    "eksport/sdg-koblinger.csv",
    "eksport/sdg-koblinger.sssom.tsv",
)
# Documents that must send Access-Control-Allow-Origin: * (RDF, dumps, context, catalogue, VoID).
CORS_SUFFIXES = (".ttl", ".jsonld", ".nt", ".trig", ".rdf", ".gz", ".csv", ".tsv", ".well-known/void")
ANY_ACCEPT = (None, "text/html", "text/turtle", "application/ld+json", "image/png", "*/*", COMUNICA, FIREFOX)
DAY = 86400


@dataclass(frozen=True)
class Server:
    """A running nginx serving a site."""

    origin: str  # http://127.0.0.1:port
    base_path: str  # / or /planer/
    site: BuiltSite

    @property
    def base_iri(self) -> str:
        return self.site.config.base_iri

    def url(self, path: str) -> str:
        """The URL of a path under the base."""
        return self.origin + self.base_path + path

    def documents(self) -> list[str]:
        """Document paths to test: the entities' documents and the site-level documents the site has."""
        found = [p + ext for p in self.site.entities for ext in (".ttl", ".jsonld", ".nt")]
        found += [p for p in SITE_DOCUMENTS if (self.site.out_dir / p).is_file()]
        return found


@pytest.fixture(scope="module", params=["/", "/planer/"], ids=["root", "prefix"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base_path: str = request.param
    workdir = tmp_path_factory.mktemp("nginx")
    port = free_port()
    base_iri = f"http://127.0.0.1:{port}{base_path}"
    document_root = workdir / "www"
    out_dir = document_root / base_path.strip("/") if base_path != "/" else document_root
    site = make_site(workdir, out_dir, base_iri)
    expected = nginx_conf(site.config, UrlPolicy(base_iri))
    built = out_dir / "server" / "nginx.conf"
    if built.is_file():
        # The build's own server rules are what an operator includes; they must be this function's output.
        assert built.read_text(encoding="utf-8") == expected
        snippet = built
    else:
        snippet = workdir / "planlod-nginx.conf"
        snippet.write_text(expected, encoding="utf-8")
    conf = write_nginx_conf(workdir, document_root, snippet, port)
    with running_nginx(conf, port) as origin:
        yield Server(origin, base_path, site)


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(follow_redirects=False, timeout=10) as http:
        yield http


def get(client: httpx.Client, url: str, accept: str | None = None, **headers: str) -> httpx.Response:
    """GET without following redirects; `accept=None` sends no Accept header at all."""
    sent = dict(headers)
    if accept is not None:
        sent["Accept"] = accept
    request = client.build_request("GET", url, headers=sent)
    if accept is None:
        del request.headers["Accept"]  # httpx adds */* by default
    return client.send(request)


def vary(response: httpx.Response) -> set[str]:
    return {item.strip().lower() for item in response.headers.get("vary", "").split(",") if item.strip()}


def media(response: httpx.Response) -> str:
    """The Content-Type header, normalised (lower case, one space after ';')."""
    return re.sub(r"\s*;\s*", "; ", response.headers.get("content-type", "").lower())


def cache_control(response: httpx.Response) -> dict[str, str]:
    parts = [p.strip() for p in response.headers.get("cache-control", "").split(",") if p.strip()]
    return {name.strip(): value.strip() for name, _, value in (p.partition("=") for p in parts)}


def expected_type(path: str) -> str:
    for suffix in sorted(CONTENT_TYPES, key=len, reverse=True):
        if path.endswith(suffix):
            return CONTENT_TYPES[suffix]
    raise AssertionError(f"no expected Content-Type for {path}")


def assert_negotiated_303(response: httpx.Response, location: str) -> None:
    assert response.status_code == 303, (response.status_code, response.text[:200])
    assert urlsplit(urljoin(str(response.url), response.headers["location"])).path == location
    assert "accept" in vary(response)
    assert response.headers.get("access-control-allow-origin") == "*"


def assert_about(body: bytes, parser: str, document_url: str, iri: str) -> None:
    graph = Graph().parse(data=body, format=parser, publicID=document_url)
    assert any(True for _ in graph.triples((URIRef(iri), None, None))), f"no triple about {iri} in {document_url}"


def test_the_site_has_entities(server: Server) -> None:
    assert server.site.entities, f"no entity (P.ttl with P/index.html) in {server.site.out_dir}"


@pytest.mark.parametrize("accept", sorted(RDF_TYPES))
def test_rdf_media_types_get_303_to_a_document_that_describes_the_entity(
    server: Server, client: httpx.Client, accept: str
) -> None:
    extension, content_type, parser = RDF_TYPES[accept]
    for path in server.site.entities:
        response = get(client, server.url(path), accept)
        assert_negotiated_303(response, server.base_path + path + extension)
        document = get(client, urljoin(str(response.url), response.headers["location"]), accept)
        assert document.status_code == 200
        assert media(document) == content_type
        assert document.headers.get("access-control-allow-origin") == "*"
        assert "access-control-allow-credentials" not in document.headers
        assert_about(document.content, parser, str(document.url), server.base_iri + path)


@pytest.mark.parametrize(
    "accept",
    [None, "text/html", "*/*", FIREFOX, CHROME, JAVA, "application/xhtml+xml", "text/*"],
    ids=["none", "html", "any", "firefox", "chrome", "java", "xhtml", "text-any"],
)
def test_html_clients_get_one_303_to_the_page(server: Server, client: httpx.Client, accept: str | None) -> None:
    for path in server.site.entities:
        response = get(client, server.url(path), accept)
        assert_negotiated_303(response, server.base_path + path + "/")
        page = get(client, urljoin(str(response.url), response.headers["location"]), accept)
        assert page.status_code == 200
        assert media(page) == "text/html; charset=utf-8"


def test_the_page_links_resolve_relative_to_its_folder(server: Server, client: httpx.Client) -> None:
    """Pages are served at P/ so that their relative links (e.g. ../x.ttl) resolve."""
    for path in server.site.entities:
        page = get(client, server.url(path + "/"))
        hrefs = re.findall(r'<link\b[^>]*\brel="alternate"[^>]*>', page.text)
        for tag in hrefs:
            href = re.search(r'\bhref="([^"]+)"', tag)
            if href and not urlsplit(href.group(1)).scheme:
                target = get(client, urljoin(str(page.url), href.group(1)))
                assert target.status_code == 200, (path, href.group(1))


def test_the_english_page_is_in_the_en_folder(server: Server, client: httpx.Client) -> None:
    for path in server.site.entities:
        page = get(client, server.url(path + "/en/"), "text/html")
        assert page.status_code == 200
        assert media(page) == "text/html; charset=utf-8"
        assert re.search(r'<html[^>]*\blang="en"', page.text)


@pytest.mark.parametrize(
    ("accept", "extension"),
    [
        (COMUNICA, ".jsonld"),
        ("application/ld+json, text/turtle", ".jsonld"),
        ("text/turtle, application/ld+json", ".ttl"),
        ("text/turtle;q=0.5, application/n-triples", ".nt"),
        ('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"', ".jsonld"),
        ("text/html;q=0.5, text/turtle", ".ttl"),
        (RDFLIB_ANY, ".ttl"),
        ("text/turtle, application/x-turtle, */*;q=0.1", ".ttl"),
        ("application/ld+json, application/json;q=0.9, */*;q=0.1", ".jsonld"),
    ],
    ids=[
        "comunica",
        "qless-jsonld-first",
        "qless-turtle-first",
        "q-order",
        "profile",
        "html-lower",
        "rdflib-any",
        "rdflib-turtle",
        "rdflib-jsonld",
    ],
)
def test_complex_accept_headers_choose_rdf_never_html(
    server: Server, client: httpx.Client, accept: str, extension: str
) -> None:
    path = server.site.entities[0]
    response = get(client, server.url(path), accept)
    assert_negotiated_303(response, server.base_path + path + extension)


def test_unsupported_media_types_get_406_listing_the_alternatives(server: Server, client: httpx.Client) -> None:
    for accept in ("image/png", "application/rdf+xml", "text/html;q=0, */*;q=0"):
        for path in server.site.entities:
            response = get(client, server.url(path), accept)
            assert response.status_code == 406, (accept, path)
            assert "accept" in vary(response)
            assert media(response) == "text/plain; charset=utf-8"
            prefix = server.base_path + path
            for alternative in (prefix + "/", prefix + ".ttl", prefix + ".jsonld", prefix + ".nt"):
                assert alternative in response.text
                assert f"<{alternative}>" in response.headers["link"]
            for media_type in ("text/html", "text/turtle", "application/ld+json", "application/n-triples"):
                assert media_type in response.text


def test_nginx_answers_the_negotiation_table(server: Server, client: httpx.Client) -> None:
    """Every case of the one table (tests/negotiation_cases.py) that serve and the rules' model also run."""
    path = server.site.entities[0]
    wrong = []
    for accept, expected in NEGOTIATION_CASES:
        response = get(client, server.url(path), accept)
        if expected == "none":
            if response.status_code != 406:
                wrong.append((accept, expected, response.status_code, response.headers.get("location")))
            continue
        location = urlsplit(urljoin(str(response.url), response.headers.get("location", ""))).path
        if response.status_code != 303 or location != server.base_path + path + TARGETS[expected]:
            wrong.append((accept, expected, response.status_code, location))
        else:
            assert_negotiated_303(response, server.base_path + path + TARGETS[expected])
    assert not wrong


def test_nginx_chooses_what_negotiate_predicts(server: Server, client: httpx.Client) -> None:
    """The Python model of the rules (used by the unit tests and by serve) matches the running server."""
    path = server.site.entities[0]
    targets = {"ttl": ".ttl", "jsonld": ".jsonld", "nt": ".nt", "html": "/"}
    headers = [
        None,
        "",
        "text/turtle",
        "TEXT/TURTLE",
        "text/plain+ntriples",
        "application/xhtml+xml;q=0.9, text/turtle;q=0.8",
        "*/*;q=0.9, text/turtle;q=0.8",
        "text/turtle;q=0, */*",
        "text/turtle;q=0.05",
        "text/turtle ; q=1.0",
        "application/n-triples;q=0.95, application/ld+json;q=0.9",
        "*/*, text/turtle",
        "image/*",
        COMUNICA,
        CHROME,
    ]
    for accept in headers:
        response = get(client, server.url(path), accept)
        want = negotiate(accept)
        if want == "none":
            assert response.status_code == 406, accept
        else:
            assert_negotiated_303(response, server.base_path + path + targets[want])


def test_rdflib_dereferences_an_entity_iri(server: Server) -> None:
    """An RDF client that follows redirects itself (urllib inside rdflib) gets the entity's description."""
    iri = server.base_iri + server.site.entities[0]
    for parser in (None, "turtle", "json-ld"):
        graph = Graph().parse(iri, format=parser)
        assert any(True for _ in graph.triples((URIRef(iri), None, None))), parser


@pytest.mark.parametrize("accept", ANY_ACCEPT, ids=lambda a: "none" if a is None else a[:24])
def test_document_urls_answer_200_with_their_type_whatever_the_accept(
    server: Server, client: httpx.Client, accept: str | None
) -> None:
    for path in server.documents():
        response = get(client, server.url(path), accept)
        assert response.status_code == 200, (path, accept, response.status_code)
        assert media(response) == expected_type(path), path
        assert "content-encoding" not in response.headers, path
        if path.endswith(CORS_SUFFIXES) or path == "context/v1.jsonld":
            assert response.headers.get("access-control-allow-origin") == "*", path
            assert "access-control-allow-credentials" not in response.headers, path


def test_document_bodies_are_what_their_type_says(server: Server, client: httpx.Client) -> None:
    for path in server.documents():
        body = get(client, server.url(path)).content
        if path.endswith(".gz"):
            gzip.decompress(body)
        elif path.endswith(".jsonld"):
            json.loads(body)
        elif path.endswith(".well-known/void"):
            assert len(Graph().parse(data=body, format="turtle")) > 0


def test_caching_short_on_documents_and_pages_long_on_versioned_files(server: Server, client: httpx.Client) -> None:
    for path in server.site.entities:
        for url_path in (path + ".ttl", path + ".jsonld", path + ".nt", path + "/", path + "/en/"):
            assert cache_control(get(client, server.url(url_path))) == {"public": "", "max-age": "300"}, url_path
    context = get(client, server.url("context/v1.jsonld"))
    policy = cache_control(context)
    assert "immutable" in policy
    assert int(policy["max-age"]) >= DAY
    assert media(context) == "application/ld+json; charset=utf-8"
    assert context.headers.get("access-control-allow-origin") == "*"
    assert context.headers.get("etag")
    assets = server.site.out_dir / "assets"
    for asset in sorted(assets.rglob("*")) if assets.is_dir() else []:
        if asset.is_file():
            name = asset.relative_to(server.site.out_dir).as_posix()
            policy = cache_control(get(client, server.url(name)))
            fingerprinted = re.search(r"[.-][0-9a-f]{8,}\.[A-Za-z0-9]+$", asset.name)
            assert ("immutable" in policy) == bool(fingerprinted), name
            assert int(policy["max-age"]) >= (365 * DAY if fingerprinted else 300), name


def test_conditional_get_answers_304(server: Server, client: httpx.Client) -> None:
    path = server.site.entities[0]
    for url_path in (path + ".ttl", path + "/", *([p for p in server.documents() if p.endswith(".gz")][:1])):
        first = get(client, server.url(url_path))
        assert first.status_code == 200
        assert first.headers.get("last-modified")
        etag = first.headers["etag"]
        again = get(client, server.url(url_path), **{"If-None-Match": etag})
        assert again.status_code == 304, url_path
        assert again.headers.get("etag") == etag


def test_cors_preflight_is_answered(server: Server, client: httpx.Client) -> None:
    """Comunica's Accept header is longer than the CORS safelist allows, so browsers send a preflight."""
    path = server.site.entities[0]
    for url_path in (path, path + ".ttl", "context/v1.jsonld"):
        response = client.request(
            "OPTIONS",
            server.url(url_path),
            headers={
                "Origin": "https://example.org",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "accept",
            },
        )
        assert response.status_code in (200, 204), url_path
        assert response.headers.get("access-control-allow-origin") == "*"
        assert "GET" in response.headers.get("access-control-allow-methods", "")
        assert "accept" in response.headers.get("access-control-allow-headers", "").lower()
        assert "access-control-allow-credentials" not in response.headers


def test_unknown_paths_are_404(server: Server, client: httpx.Client) -> None:
    path = server.site.entities[0]
    for url_path in ("findes-ikke", path + "/findes-ikke", path + ".xyz", path + "/en/findes-ikke"):
        for accept in (None, "text/turtle"):
            assert get(client, server.url(url_path), accept).status_code == 404, url_path
    # The build's own records are in the folder but not part of the site.
    assert (server.site.out_dir / ".planlod-site").is_file()
    for private in (".planlod-site", ".planlod-state"):
        assert get(client, server.url(private), None).status_code == 404, private
    if (server.site.out_dir / "catalog.ttl").is_file():
        # A document without a page is not an entity: no negotiation at its extension-less name.
        assert get(client, server.url("catalog"), "text/turtle").status_code == 404


def test_the_base_path_holds_the_site(server: Server, client: httpx.Client) -> None:
    home = get(client, server.url(""), FIREFOX)
    assert home.status_code == 200
    assert media(home) == "text/html; charset=utf-8"
    if server.base_path != "/":
        bare = get(client, server.origin + server.base_path.rstrip("/"))
        assert bare.status_code == 301
        assert urlsplit(urljoin(str(bare.url), bare.headers["location"])).path == server.base_path
        path = server.site.entities[0]
        outside = get(client, server.origin + "/" + path, "text/turtle")
        assert outside.status_code == 404


def test_the_site_folder_has_its_layout(server: Server) -> None:
    """The paths the rules rely on: entity documents beside the entity folder, the page in it."""
    out: Path = server.site.out_dir
    for path in server.site.entities:
        for name in (path + ".ttl", path + ".jsonld", path + ".nt", path + "/index.html", path + "/en/index.html"):
            assert (out / name).is_file(), name


# ---------------------------------------------------------------- security headers


def test_every_response_carries_the_security_headers(server: Server, client: httpx.Client) -> None:
    """The same headers as `planlod serve`, on pages, documents, redirects, errors and preflights alike (nginx
    drops inherited add_header directives in any block with its own, so each block must repeat them)."""
    entity = server.site.entities[0]
    requests = [
        ("GET", "", None),
        ("GET", entity + "/", "text/html"),
        ("GET", entity, "text/html"),
        ("GET", entity, "text/turtle"),
        ("GET", entity, "image/png"),
        ("GET", entity + ".ttl", None),
        ("GET", "dump/latest.nt", None),
        ("GET", "context/v1.jsonld", None),
        ("GET", ".well-known/void", None),
        ("GET", "assets/style.css", None),
        ("GET", "no/such/file", None),
        ("GET", ".planlod-site", None),
        ("OPTIONS", entity + ".ttl", None),
    ]
    if server.base_path != "/":
        requests.append(("GET", server.origin + server.base_path.rstrip("/"), None))
    expected = security_headers(server.base_iri, server.site.config.sparql_endpoint)
    statuses = set()
    for method, path, accept in requests:
        url = path if path.startswith("http") else server.url(path)
        headers = {"Accept": accept} if accept else {}
        if method == "OPTIONS":
            headers["Access-Control-Request-Method"] = "GET"
        response = client.request(method, url, headers=headers)
        statuses.add(response.status_code)
        for name, value in expected:
            assert response.headers.get(name) == value, (method, path, response.status_code, name)
    assert {200, 204, 303, 404, 406} <= statuses


# ---------------------------------------------------------------- nginx and serve agree

# The headers both servers must send alike (security headers included), compared after lower-casing.
SHARED_HEADERS = (
    "content-type",
    "cache-control",
    "access-control-allow-origin",
    "vary",
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
)


@pytest.fixture(scope="module")
def served_alike(server: Server) -> Iterator[str]:
    """`planlod serve` over the same built site as the nginx server; the URL of its base (the site's root)."""
    with running_server(server.site.out_dir, server.base_iri) as running:
        yield running.url


def _shared(response: httpx.Response) -> dict[str, str]:
    # A redirect's body is not read: its type is nginx's own.
    names = [n for n in SHARED_HEADERS if not (response.is_redirect and n == "content-type")]
    found = {name: response.headers.get(name, "").lower() for name in names}
    found["vary"] = ", ".join(sorted(v.strip() for v in found["vary"].split(",") if v.strip()))
    link = [v.strip() for v in response.headers.get("link", "").split(",") if 'rel="license"' in v]
    found["licence link"] = ", ".join(link)
    return found


def test_nginx_and_serve_send_the_same_headers(server: Server, client: httpx.Client, served_alike: str) -> None:
    entity = server.site.entities[0]
    cases: list[tuple[str, str | None]] = [
        (entity, "text/turtle"),
        (entity, "text/html;q=0, */*"),
        (entity, "image/png"),
        (entity + ".ttl", None),
        (entity + ".jsonld", None),
        (entity + "/", None),
        ("", None),
        ("dump/latest.nt", None),
        ("dump/latest.ttl.gz", None),
        ("catalog.rdf", None),
        ("void.ttl", None),
        (".well-known/void", None),
        ("context/v1.jsonld", None),
        ("sitemap.xml", None),
        ("robots.txt", None),
        ("daekning.csv", None),
        ("findes/ikke", None),
        ("findes-ikke.ttl", None),
    ]
    assets = sorted((server.site.out_dir / "assets").rglob("*.*"))
    cases += [(str(p.relative_to(server.site.out_dir)), None) for p in assets[:3]]
    differ = []
    for path, accept in cases:
        from_nginx = get(client, server.url(path), accept)
        from_serve = get(client, served_alike + path, accept)
        assert from_nginx.status_code == from_serve.status_code, (path, accept)
        if from_nginx.status_code == 404:
            assert from_nginx.text == from_serve.text == "Not Found", path
        if _shared(from_nginx) != _shared(from_serve):
            differ.append((path, accept, _shared(from_nginx), _shared(from_serve)))
    assert not differ, "\n".join(map(str, differ))
    # The licence link is on the data files, from both.
    for path in (entity + ".ttl", "dump/latest.ttl.gz", ".well-known/void"):
        assert _shared(get(client, served_alike + path))["licence link"] == (
            f'<{server.site.config.licence}>; rel="license"'
        ), path


def test_the_namespace_iri_negotiates_its_rdf_document(server: Server, client: httpx.Client) -> None:
    namespace = server.base_iri + "ontologi/"
    for accept, (suffix, content_type, parser) in RDF_TYPES.items():
        response = get(client, server.url("ontologi/"), accept)
        assert_negotiated_303(response, server.base_path + "ontologi" + suffix)
        document = get(client, urljoin(str(response.url), response.headers["location"]))
        assert media(document) == content_type
        graph = Graph().parse(data=document.content, format=parser, publicID=namespace)
        vann = URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")
        assert {str(o) for o in graph.objects(URIRef(server.base_iri + "ontologi"), vann)} == {namespace}
    for accept in (None, "text/html", FIREFOX, "image/png"):
        page = get(client, server.url("ontologi/"), accept)
        assert page.status_code == 200 and media(page) == "text/html; charset=utf-8"
        assert "accept" in vary(page)
