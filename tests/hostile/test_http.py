"""Hostile HTTP against `planlod serve`: paths that try to leave the site, malformed and oversized requests,
forged headers, odd methods and slow clients.

Requests are written byte for byte on a socket (no client library normalises them). Each case states the statuses
it may get; none may reach a file outside the site or the build's own records, none may get a 5xx, and every
answer the application gives carries the security headers. After the cases the server still answers.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator

import pytest

from publish.headers import security_headers
from tests.test_serve import AREA, SITE_BASE, Running, make_site, running_server

pytestmark = pytest.mark.server

SECRET = b"root:x:0:0"  # what /etc/passwd starts with


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    site = make_site(tmp_path_factory.mktemp("hostile-http") / "site", SITE_BASE)
    os.symlink("/etc", site / "assets" / "outside")  # a symbolic link in the site that points out of it
    with running_server(site, SITE_BASE, timeout=3.0, header_timeout=1.0) as running:
        yield running


def exchange(running: Running, raw: bytes, wait: float = 2.0) -> bytes:
    """Send raw bytes, read until the server closes the connection or `wait` passes without a byte."""
    host, port = running.url.split("//", 1)[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        with contextlib.suppress(OSError):  # the server may close as soon as it has read enough
            sock.sendall(raw)
        chunks = []
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def request(method: str, target: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def status_and_headers(answer: bytes) -> tuple[int, dict[str, str]]:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    status = int(lines[0].split(" ", 2)[1]) if lines and lines[0].startswith("HTTP/") else 0
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


PATHS = [
    ("/../../etc/passwd", {400, 404}),
    ("/%2e%2e/%2e%2e/etc/passwd", {400, 404}),
    ("/..%2f..%2f..%2fetc%2fpasswd", {400, 404}),
    ("/%252e%252e/%252e%252e/etc/passwd", {404}),
    ("/assets/..%5c..%5c..%5cetc%5cpasswd", {404}),
    ("/assets/../../../../etc/passwd", {400, 404}),
    ("/assets/outside/passwd", {404}),
    ("/assets/outside/", {404}),
    ("//etc/passwd", {404}),
    ("/.planlod-site", {404}),
    ("/.planlod-state", {404}),
    ("/dump/../.planlod-state", {400, 404}),
    ("/%2eplanlod-site", {404}),
    ("/index.html%00.ttl", {400, 404}),
    ("/%00", {400, 404}),
    ("/" + "a/" * 2000, {404}),
    ("/plan/%C3%B8", {404}),
    ("/plan/%FF%FE", {400, 404}),
    (f"/{AREA}?x=" + "y" * 5000, {303}),
    ("http://evil.example/", {200, 400, 404}),
    ("*", {400, 404}),
]


@pytest.mark.parametrize(("path", "statuses"), PATHS, ids=[p[:40] for p, _ in PATHS])
def test_a_path_never_leaves_the_site(server: Running, path: str, statuses: set[int]) -> None:
    answer = exchange(server, request("GET", path))
    status, headers = status_and_headers(answer)
    assert status in statuses, answer[:300]
    assert SECRET not in answer and b"fingerprint" not in answer
    if status in (200, 303, 404):
        for name, value in security_headers(SITE_BASE, "sparql"):
            assert headers.get(name.lower()) == value


RAW = [
    ("garbage", b"HELLO WORLD\r\n\r\n", {0, 400}),
    ("http-0.9", b"GET /\r\n\r\n", {0, 400}),
    ("no-host", b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", {400}),
    ("http-1.0", b"GET / HTTP/1.0\r\n\r\n", {200}),
    ("bad-version", b"GET / HTTP/7.1\r\nHost: x\r\nConnection: close\r\n\r\n", {0, 200, 400, 505}),
    (
        "smuggling",
        request("POST", "/sparql", {"Transfer-Encoding": "chunked", "Content-Length": "4"}, b"0\r\n\r\n"),
        {0, 400},
    ),
    ("negative-length", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", {0, 400}),
    (
        "two-lengths",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        {0, 400},
    ),
    ("huge-header", request("GET", "/", {"X-Big": "a" * 70000}), {0, 200, 400, 431}),
    ("many-headers", request("GET", "/", {f"X-H{n}": "v" for n in range(3000)}), {0, 200, 400, 431}),
    ("header-without-colon", b"GET / HTTP/1.1\r\nHost: x\r\nBroken header\r\n\r\n", {0, 400}),
    ("header-with-nul", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", {0, 400}),
    (
        "long-request-line",
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        {0, 400, 404, 414},
    ),
    ("delete", request("DELETE", "/"), {405}),
    ("put-sparql", request("PUT", "/sparql", body=b"x"), {405}),
    ("trace", request("TRACE", "/"), {405}),
    ("connect", b"CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n", {0, 400, 404, 405}),
    ("patch-page", request("PATCH", f"/{AREA}/"), {405}),
    ("range-past-end", request("GET", "/dump/latest.ttl", {"Range": "bytes=999999999-"}), {200, 416}),
    (
        "range-many",
        request("GET", "/dump/latest.ttl", {"Range": "bytes=" + ",".join(["0-0"] * 2000)}),
        {200, 206, 400, 416},
    ),
    ("range-garbage", request("GET", "/dump/latest.ttl", {"Range": "bytes=z-q"}), {200, 400, 416}),
    ("if-none-match-huge", request("GET", "/", {"If-None-Match": ",".join(['"x"'] * 3000)}), {200}),
    ("accept-huge", request("GET", f"/{AREA}", {"Accept": ",".join(["text/x;q=0.1"] * 3000)}), {303, 406}),
    ("accept-nan", request("GET", f"/{AREA}", {"Accept": "text/turtle;q=nan, text/html;q=inf"}), {303, 406}),
    ("accept-garbage", request("GET", f"/{AREA}", {"Accept": '";;;,,,"\\'}), {303}),
    (
        "preflight-injection",
        request("OPTIONS", "/sparql", {"Access-Control-Request-Headers": "x, <script>alert(1)</script>"}),
        {204},
    ),
    (
        "expect-continue",
        request("POST", "/sparql", {"Content-Type": "application/sparql-query", "Expect": "100-continue"}, b"ASK {}"),
        {100, 200},
    ),
    ("unknown-transfer-coding", request("POST", "/sparql", {"Transfer-Encoding": "gzip"}, b"x"), {0, 400, 501}),
]


@pytest.mark.parametrize(("case", "raw", "statuses"), RAW, ids=[c for c, _, _ in RAW])
def test_a_malformed_or_odd_request(server: Running, case: str, raw: bytes, statuses: set[int]) -> None:
    answer = exchange(server, raw)
    status, headers = status_and_headers(answer)
    assert status in statuses, (case, answer[:300])
    assert status < 500 or status in statuses
    if case == "preflight-injection":
        assert "<script>" not in headers.get("access-control-allow-headers", "")


def test_the_host_header_never_reaches_an_answer(server: Running) -> None:
    for target in (f"/{AREA}", "/sparql", "/foresporgsel"):
        answer = exchange(server, request("GET", target, {"Host": "evil.example", "Accept": "text/turtle, text/html"}))
        assert b"evil.example" not in answer, answer[:500]


def test_pipelined_requests_are_all_answered(server: Running) -> None:
    one = b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"
    answer = exchange(server, one * 50 + request("GET", "/robots.txt"))
    assert answer.count(b"HTTP/1.1 200") == 51


def test_a_client_that_never_finishes_its_headers_is_dropped(server: Running) -> None:
    started = time.monotonic()
    host, port = server.url.split("//", 1)[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        for piece in (b"GET / HTTP/1.1\r\n", b"Host: x\r\n"):
            sock.sendall(piece)
            time.sleep(0.4)
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 5


def test_the_server_still_answers_after_all_this(server: Running) -> None:
    status, _ = status_and_headers(exchange(server, request("GET", "/")))
    assert status == 200
