"""Benchmark `planlod serve` against nginx on the same built site, on loopback.

    python bench/serve.py [--out DIR] [--seconds 10] [--clients 32] [--client-processes 2] [--json FILE]

Builds the site (unless --out names a built one), starts `planlod serve --port 0` and nginx (one worker process,
the generated server/nginx.conf included) on free loopback ports, and drives each with `--clients` concurrent
keep-alive HTTP/1.1 connections for `--seconds` per scenario:

- entity page: GET {path}/ (the HTML page of a random entity);
- entity IRI: GET {path} with Accept: text/turtle (the 303 of content negotiation);
- Turtle document: GET {path}.ttl;
- SPARQL: POST /sparql with the first example query (areas and goals), `planlod serve` only.

Prints requests/s, p50 and p99 latency and errors per scenario and server, and nginx's requests/s divided by
serve's for the static scenarios. Any error (a connection failure or an unexpected status) makes the exit
status 1. The load generator uses h11 on asyncio sockets, in `--client-processes` processes; on a small machine
it shares the CPU with the servers, so absolute numbers are lower bounds, and the ratio is the figure to watch.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import h11

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass(frozen=True)
class Request:
    """One request a client may send, and the status it must get."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    status: int


@dataclass
class Result:
    """What one scenario measured on one server."""

    scenario: str
    server: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def summary(self) -> dict[str, object]:
        return {
            "scenario": self.scenario,
            "server": self.server,
            "requests": self.requests,
            "errors": self.errors,
            "requests_per_second": round(self.rate, 1),
            "p50_ms": round(self.percentile(50), 2),
            "p99_ms": round(self.percentile(99), 2),
        }


# ---------------------------------------------------------------- the load generator


async def _client(host: str, port: int, requests: list[Request], until: float, warm_until: float, out: Result) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    connection = h11.Connection(h11.CLIENT)
    rng = random.Random(os.getpid() ^ id(out) ^ port)
    try:
        while time.perf_counter() < until:
            request = rng.choice(requests)
            headers = [("Host", f"{host}:{port}"), *request.headers]
            if request.body:
                headers.append(("Content-Length", str(len(request.body))))
            started = time.perf_counter()
            data = connection.send(h11.Request(method=request.method, target=request.path, headers=headers))
            if request.body:
                data += connection.send(h11.Data(data=request.body))
            data += connection.send(h11.EndOfMessage())
            writer.write(data)
            await writer.drain()
            status = 0
            while True:
                event = connection.next_event()
                if event is h11.NEED_DATA:
                    chunk = await reader.read(65536)
                    connection.receive_data(chunk)
                    if not chunk:
                        raise ConnectionError("the server closed the connection")
                    continue
                if isinstance(event, h11.Response):
                    status = event.status_code
                elif isinstance(event, h11.EndOfMessage):
                    break
            elapsed = (time.perf_counter() - started) * 1000
            if started >= warm_until:
                out.requests += 1
                out.latencies_ms.append(elapsed)
                if status != request.status:
                    out.errors += 1
            if connection.our_state is h11.MUST_CLOSE or connection.their_state is h11.MUST_CLOSE:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                connection = h11.Connection(h11.CLIENT)
            else:
                connection.start_next_cycle()
    except (OSError, ConnectionError, h11.ProtocolError):
        out.errors += 1
    finally:
        writer.close()


def _drive(args: tuple[str, int, list[Request], int, float, float]) -> Result:
    host, port, requests, clients, warmup, seconds = args
    out = Result("", "")

    async def main() -> None:
        now = time.perf_counter()
        warm_until, until = now + warmup, now + warmup + seconds
        await asyncio.gather(*(_client(host, port, requests, until, warm_until, out) for _ in range(clients)))

    asyncio.run(main())
    out.seconds = seconds
    return out


def load(
    url: str, requests: list[Request], scenario: str, server: str, clients: int, processes: int, seconds: float
) -> Result:
    """Drive a server with `clients` connections spread over `processes` processes for `seconds`."""
    host, port = url.split("//", 1)[1].rstrip("/").split(":")
    shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        parts = pool.map(_drive, [(host, int(port), requests, share, 1.0, seconds) for share in shares if share])
    result = Result(scenario, server, seconds=seconds)
    for part in parts:
        result.requests += part.requests
        result.errors += part.errors
        result.latencies_ms += part.latencies_ms
    return result


# ---------------------------------------------------------------- the servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered on port {port} within {seconds:.0f} s")


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextlib.contextmanager
def planlod_serve(out: Path, base: str, workers: int) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "publish", "serve", "--out", str(out), "--base-iri", base),
            *("--port", str(port), "--sparql-workers", str(workers)),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(process, signal.SIGINT)


@contextlib.contextmanager
def nginx(out: Path, workdir: Path) -> Iterator[str]:
    port = free_port()
    temp = workdir / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    snippet = out / "server" / "nginx.conf"
    include = f"        include {snippet};" if snippet.is_file() else ""
    conf = workdir / "nginx.conf"
    conf.write_text(
        "\n".join(
            [
                "master_process off;",
                "worker_processes 1;",
                "events { worker_connections 1024; }",
                "http {",
                "    access_log off;",
                "    keepalive_requests 1000000;",
                *(
                    f"    {kind}_temp_path {temp / kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
                ),
                "    default_type application/octet-stream;",
                "    server {",
                f"        listen 127.0.0.1:{port};",
                f"        root {out};",
                include,
                "    }",
                "}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    globals_ = f"daemon off; pid {workdir / 'nginx.pid'}; error_log {workdir / 'error.log'};"
    process = subprocess.Popen(
        [NGINX, "-p", str(workdir), "-c", str(conf), "-g", globals_],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(process, signal.SIGQUIT)


# ---------------------------------------------------------------- the scenarios


def entity_paths(out: Path) -> list[str]:
    """Paths of entities with a page and a Turtle document."""
    paths = []
    for ttl in sorted(out.rglob("*.ttl")):
        path = ttl.relative_to(out).as_posix()[: -len(".ttl")]
        if (out / path / "index.html").is_file():
            paths.append(path)
    return paths


def first_example(base: str) -> str:
    text = sorted((ROOT / "site" / "queries").glob("*.rq"))[0].read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("# title-")).strip()
    return f"BASE <{base}>\n{body}\n"


def scenarios(out: Path, base: str) -> dict[str, list[Request]]:
    paths = entity_paths(out)
    sparql_body = urlencode({"query": first_example(base)}).encode()
    return {
        "entity page": [Request("GET", f"/{p}/", (), b"", 200) for p in paths],
        "entity IRI (303)": [Request("GET", f"/{p}", (("Accept", "text/turtle"),), b"", 303) for p in paths],
        "Turtle document": [Request("GET", f"/{p}.ttl", (), b"", 200) for p in paths],
        "SPARQL query": [
            Request(
                "POST",
                "/sparql",
                (
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("Accept", "application/sparql-results+json"),
                ),
                sparql_body,
                200,
            )
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="a built site (default: build one into a temporary folder)")
    parser.add_argument("--base-iri", default="http://localhost:8000/")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per scenario and server")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--sparql-workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="planlod-bench-") as tmp:
        workdir = Path(tmp)
        out = args.out
        if out is None:
            out = workdir / "site"
            subprocess.run(
                [sys.executable, "-m", "publish", "build", "--out", str(out), "--base-iri", args.base_iri],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        out = out.resolve()
        cases = scenarios(out, args.base_iri)
        print(
            f"{len(cases['entity page'])} entities; {args.clients} clients in {args.client_processes} processes, "
            f"{args.seconds:g} s per scenario; {os.cpu_count()} CPUs"
        )
        results: list[Result] = []
        with planlod_serve(out, args.base_iri, args.sparql_workers) as url:
            for name, requests in cases.items():
                results.append(
                    load(url, requests, name, "planlod serve", args.clients, args.client_processes, args.seconds)
                )
        with nginx(out, workdir / "nginx") as url:
            for name, requests in cases.items():
                if name != "SPARQL query":
                    results.append(
                        load(url, requests, name, "nginx", args.clients, args.client_processes, args.seconds)
                    )

    print(f"\n{'scenario':<18} {'server':<14} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for r in results:
        print(
            f"{r.scenario:<18} {r.server:<14} {r.requests:>9} {r.rate:>9.0f} {r.percentile(50):>8.2f} "
            f"{r.percentile(99):>8.2f} {r.errors:>7}"
        )
    print("\nnginx / planlod serve, requests per second:")
    by_key = {(r.scenario, r.server): r for r in results}
    ratios = {}
    for name in cases:
        ours, theirs = by_key.get((name, "planlod serve")), by_key.get((name, "nginx"))
        if ours and theirs and ours.rate:
            ratios[name] = theirs.rate / ours.rate
            print(f"  {name:<18} {ratios[name]:.1f}x")
    if args.json:
        args.json.write_text(
            json.dumps({"results": [r.summary() for r in results], "ratios": ratios}, indent=1) + "\n",
            encoding="utf-8",
        )
    errors = sum(r.errors for r in results)
    if errors:
        print(f"\n{errors} error(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
