"""Hostile push targets: `planlod push` against stores that refuse, trickle, never answer, send too much or the
wrong thing, redirect, or are not there; with credentials in the URL and crafted graph names.

Each store is a behaviour of one small HTTP server on a free loopback port, chosen by the first path segment of
the endpoint (`/{behaviour}/data`; the count is asked of `/{behaviour}/sparql`, the Fuseki convention the push
derives). Every case must end with exit 2 (or 0 where the store is right), a message naming the URL that failed,
never the password, and within the time the case allows.
"""

from __future__ import annotations

import gzip
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import run_planlod
from tests.hostile.conftest import Expect, assert_outcome

pytestmark = pytest.mark.server

PASSWORD = "s3cret-Pa55word"
# 16 MB of spaces, gzipped to about 16 KB.
BOMB = gzip.compress(b" " * (16 << 20))


class Store(BaseHTTPRequestHandler):
    """A Graph Store and SPARQL endpoint whose behaviour is the first segment of the path."""

    protocol_version = "HTTP/1.1"
    stored: dict[str, bytes] = {}  # noqa: RUF012 - shared by every request of the test server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def behaviour(self) -> str:
        return urlsplit(self.path).path.strip("/").split("/", 1)[0]

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def count(self) -> int:
        content = self.stored.get(self.behaviour, b"")
        return len({line for line in content.splitlines() if line.strip()})

    def do_PUT(self) -> None:
        content = self.body()
        kind = self.behaviour
        if kind == "refuse":
            self.answer(401, b"", {"WWW-Authenticate": 'Basic realm="store"'})
        elif kind == "e500":
            self.answer(500, b"<html><body>Internal <b>server</b> error\n\n at store.java:12</body></html>")
        elif kind == "redirect":
            self.answer(301, b"", {"Location": "http://elsewhere.invalid/data"})
        elif kind == "silent":
            time.sleep(30)
        elif kind == "slowput":
            self.send_response(201)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.5)
        elif kind == "close":
            self.wfile.write(b"HTTP/1.1 201 Created\r\nContent-Length: 500\r\n\r\npartial")
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            self.stored[kind] = content
            self.answer(201)

    def do_GET(self) -> None:
        kind = self.behaviour
        is_sparql = urlsplit(self.path).path.endswith("/sparql")
        if is_sparql:
            query = parse_qs(urlsplit(self.path).query).get("query", [""])[0]
            self.server.queries.append(query)  # type: ignore[attr-defined]
            self.sparql(kind)
        else:
            self.read_back(kind)

    def sparql(self, kind: str) -> None:
        results = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"value": str(self.count())}}]}})
        if kind == "garbage":
            self.answer(200, b"<html>not json</html>", {"Content-Type": "text/html"})
        elif kind == "wrongshape":
            self.answer(200, b'{"boolean": true}', {"Content-Type": "application/sparql-results+json"})
        elif kind == "mismatch":
            self.answer(200, results.replace(str(self.count()), "7").encode())
        elif kind == "count404":
            self.answer(404, b"no such endpoint")
        elif kind == "trickle":
            self.send_response(200)
            self.send_header("Content-Length", str(len(results)))
            self.end_headers()
            for char in results.encode():
                self.wfile.write(bytes([char]))
                self.wfile.flush()
                time.sleep(0.4)
        elif kind == "gzipbomb":
            self.answer(200, BOMB, {"Content-Encoding": "gzip", "Content-Type": "application/sparql-results+json"})
        elif kind == "hugecount":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for _ in range(4096):
                    chunk = b"[" * 65536
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                pass
        else:
            self.answer(200, results.encode(), {"Content-Type": "application/sparql-results+json"})

    def read_back(self, kind: str) -> None:
        if kind == "endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            line = b"<urn:a> <urn:b> <urn:c> .\n" * 4096
            try:
                for _ in range(100_000):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
            except OSError:
                pass
        else:
            content = self.stored.get(kind, b"")
            self.answer(200, content, {"Content-Type": "application/n-triples"})


class QuietServer(ThreadingHTTPServer):
    """The test server: a client that hangs up (as the push does when it has read enough) is no error here."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@pytest.fixture(scope="module")
def store() -> Iterator[tuple[str, list[str]]]:
    server = QuietServer(("127.0.0.1", 0), Store)
    server.daemon_threads = True
    server.queries = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", server.queries  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def push(site: Path, endpoint: str, *extra: str) -> Any:
    return run_planlod("push", "--out", str(site), "--endpoint", endpoint, *extra)


# (behaviour, extra arguments, expected exit and message, most seconds it may take)
STORE_CASES = [
    (
        "ok",
        (),
        Expect(0, r"pushed \d+ triples .* the store holds \d+ \(counted at http://127\.0\.0\.1:\d+/ok/sparql\)"),
        20,
    ),
    ("refuse", ("--user", "u", "--password", PASSWORD), Expect(2, r"PUT of graph .* HTTP 401"), 20),
    ("e500", (), Expect(2, r"PUT of graph <.*> to http://127\.0\.0\.1:\d+/e500/data: HTTP 500"), 20),
    ("redirect", (), Expect(2, r"PUT of graph .*/redirect/data: HTTP 301"), 20),
    ("silent", ("--timeout", "2"), Expect(2, r"PUT of graph .*/silent/data: no answer within 2 s"), 10),
    ("slowput", ("--timeout", "2"), Expect(2, r"/slowput/data: the store did not finish its answer within 2 s"), 10),
    ("close", ("--timeout", "5"), Expect(2, r"PUT of graph .*/close/data: (RemoteProtocolError|ReadError)"), 15),
    ("garbage", (), Expect(2, r"http://127\.0\.0\.1:\d+/garbage/sparql did not answer the count query"), 20),
    ("wrongshape", (), Expect(2, r"/wrongshape/sparql did not answer the count query with SPARQL JSON"), 20),
    ("mismatch", (), Expect(2, r"the store holds 7 .*the counts differ"), 20),
    ("count404", (), Expect(2, r"counting the triples at http://127\.0\.0\.1:\d+/count404/sparql: HTTP 404"), 20),
    ("trickle", ("--timeout", "2"), Expect(2, r"counting the triples at .*/trickle/sparql: .*within 2 s"), 10),
    ("gzipbomb", (), Expect(2, r"counting the triples at .*/gzipbomb/sparql: the store sent more than \d+ bytes"), 30),
    ("hugecount", (), Expect(2, r"counting the triples at .*/hugecount/sparql: the store sent more than"), 30),
]


@pytest.mark.parametrize(("behaviour", "extra", "expect", "seconds"), STORE_CASES, ids=[c[0] for c in STORE_CASES])
def test_a_hostile_store(
    store: tuple[str, list[str]], unchanged: Path, behaviour: str, extra: tuple[str, ...], expect: Expect, seconds: int
) -> None:
    started = time.monotonic()
    result = push(unchanged, f"{store[0]}{behaviour}/data", *extra)
    assert_outcome(result, expect, behaviour)
    assert time.monotonic() - started < seconds
    assert PASSWORD not in result.out + result.err


def test_a_graph_read_back_without_end_is_cut_off(store: tuple[str, list[str]], unchanged: Path) -> None:
    started = time.monotonic()
    # No SPARQL endpoint can be derived from /endless/store, so the graph is read back.
    result = push(unchanged, f"{store[0]}endless/store")
    assert_outcome(result, Expect(2, r"reading graph <.*> back from .*/endless/store: the store sent more than"))
    assert time.monotonic() - started < 60


def test_credentials_in_the_url_are_used_and_never_shown(store: tuple[str, list[str]], unchanged: Path) -> None:
    url = store[0].replace("http://", f"http://admin:{PASSWORD}@")
    for behaviour, code in (("ok", 0), ("e500", 2), ("mismatch", 2)):
        result = push(unchanged, f"{url}{behaviour}/data")
        assert result.code == code, result.err
        assert PASSWORD not in result.out + result.err
        assert "127.0.0.1" in result.out + result.err


@pytest.mark.parametrize(
    ("graph", "message"),
    [
        ("urn:x> } } SERVICE <http://evil.example/sparql> { ?s ?p ?o", "--graph"),
        ("urn:x>{", "--graph"),
        ("relative/graph", "not an absolute IRI"),
        ("http://example.org/a b", "--graph"),
        ('http://example.org/"quoted"', "--graph"),
        ("", "not an absolute IRI"),
        ("http://example.org/\u0001", "--graph"),
    ],
)
def test_a_crafted_graph_name_never_reaches_the_store(
    store: tuple[str, list[str]], unchanged: Path, graph: str, message: str
) -> None:
    before = len(store[1])
    result = push(unchanged, f"{store[0]}ok/data", "--graph", graph)
    assert_outcome(result, Expect(2, re.escape(message)))
    assert len(store[1]) == before, "a query reached the store"


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("http://[::1", "is not a URL"),
        ("not a url", "must be an http or https URL"),
        ("ftp://127.0.0.1/data", "must be an http or https URL"),
        ("", "must be an http or https URL"),
        ("http:///data", "must be an http or https URL"),
        ("file:///etc/passwd", "must be an http or https URL"),
        ("javascript:alert(1)", "must be an http or https URL"),
    ],
)
def test_a_malformed_endpoint_is_a_plain_error(unchanged: Path, endpoint: str, message: str) -> None:
    assert_outcome(push(unchanged, endpoint), Expect(2, re.escape(message)))


def test_a_store_that_is_not_there(unchanged: Path) -> None:
    assert_outcome(push(unchanged, f"http://127.0.0.1:{free_port()}/data"), Expect(2, r"/data: ConnectError"))


def test_tls_to_a_plain_http_port(store: tuple[str, list[str]], unchanged: Path) -> None:
    result = push(unchanged, store[0].replace("http://", "https://") + "ok/data", "--timeout", "5")
    assert_outcome(result, Expect(2, r"PUT of graph .* to https://127\.0\.0\.1:\d+/ok/data: \w+"))


def test_a_bad_sparql_url_is_named(store: tuple[str, list[str]], unchanged: Path) -> None:
    result = push(unchanged, f"{store[0]}ok/data", "--sparql", "gopher://x")
    assert_outcome(result, Expect(2, r"--sparql 'gopher://x' must be an http or https URL"))
