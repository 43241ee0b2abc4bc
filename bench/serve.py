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

    python bench/serve.py --attack [--out DIR] [--seconds 60] [--json FILE]

The endpoint under attack, driven by wrk (Debian: `apt-get install wrk`; not needed by the tests): `planlod serve`
with its defaults (two SPARQL workers, 10 s timeout, 512 MB per worker, a queue of 64) while, for `--seconds`
(60 by default) at once,

- 32 connections fetch random entity pages (`GET {path}/`);
- 32 connections run a cheap query (the first example query, about a dozen rows);
- 8 connections run runaway queries, each from an address of its own (an `X-Forwarded-For` header, which `serve`
  trusts from loopback as it would from a reverse proxy there): every other one a count over a cross product of
  all triples three times (it runs until the timeout), the others a GROUP_CONCAT over two (it runs into the
  memory limit); each request differs (a number in a FILTER), so nothing can be answered from a cache.

It prints, per load, requests, requests per second, p50/p99/max latency and the answers by status, and the peak
memory of the server (the resident sets of the server process and its SPARQL workers summed, sampled every
0.2 s), then the three targets and whether each is met: pages p99 under 100 ms, no more than 1 % of the cheap
queries answered 503, and the server's memory under 1.5 GB. Exit status 1 when a target is missed.
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


# ---------------------------------------------------------------- the endpoint under attack (wrk)

WRK = shutil.which("wrk") or "/usr/bin/wrk"

# Each wrk load is one Lua script: requests, and a JSON line of figures when done (statuses counted per thread).
_WRK_COMMON = r"""
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
function init(args)
  statuses = {}
  counter = 0
  request_init(args)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local by_status = {}
  for _, thread in ipairs(threads) do
    local counted = thread:get("statuses")
    for status, count in pairs(counted) do
      by_status[tostring(status)] = (by_status[tostring(status)] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(by_status) do table.insert(parts, string.format('"%s":%d', status, count)) end
  io.write(string.format(
    'WRK-RESULT {"requests":%d,"seconds":%.3f,"p50_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"statuses":{%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    table.concat(parts, ",")))
end
"""

_WRK_PAGES = r"""
function request_init(args)
  paths = {}
  for line in io.lines(args[1]) do table.insert(paths, line) end
  math.randomseed(os.time() + id)
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""

_WRK_CHEAP = r"""
function request_init(args)
  local file = io.open(args[1], "rb")
  body = file:read("*a")
  file:close()
end
function request()
  return wrk.format("POST", "/sparql", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/sparql-results+json",
  }, body)
end
"""

_WRK_RUNAWAY = r"""
local function encode(text)
  return (text:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
function request_init(args)
  address = "10.66.0." .. id
end
function request()
  counter = counter + 1
  local query
  if counter % 2 == 0 then
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?a != <urn:n" .. counter .. ">) }"
  else
    query = "SELECT (STRLEN(GROUP_CONCAT(STR(?a))) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f " ..
      "FILTER(isIRI(?a) && ?d != <urn:n" .. counter .. ">) }"
  end
  return wrk.format("POST", "/sparql", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/sparql-results+json",
    ["X-Forwarded-For"] = address,
  }, "query=" .. encode(query))
end
"""


def _tree_memory(pid: int) -> tuple[int, int]:
    """The summed resident set and proportional set size (bytes) of a process and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    rss = pss = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, ()))
        try:
            with open(f"/proc/{current}/smaps_rollup", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return rss, pss


def attack(args: argparse.Namespace, out: Path, workdir: Path) -> int:
    """The endpoint under attack (see the module's docstring); the figures, and 1 when a target is missed."""
    if not Path(WRK).is_file():
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    pages = workdir / "pages.txt"
    pages.write_text("".join(f"/{p}/\n" for p in entity_paths(out)), encoding="utf-8")
    cheap = workdir / "cheap.txt"
    cheap.write_text(urlencode({"query": first_example(args.base_iri)}), encoding="utf-8")
    scripts = {}
    for name, body in (("pages", _WRK_PAGES), ("cheap", _WRK_CHEAP), ("runaway", _WRK_RUNAWAY)):
        scripts[name] = workdir / f"{name}.lua"
        scripts[name].write_text(_WRK_COMMON + body, encoding="utf-8")
    seconds = int(args.seconds)
    loads = {
        # name: (threads, connections, timeout, script arguments)
        "pages": (2, 32, "5s", [str(pages)]),
        "cheap queries": (2, 32, "30s", [str(cheap)]),
        "runaway queries": (8, 8, "30s", []),
    }
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "publish", "serve", "--out", str(out), "--base-iri", args.base_iri, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "serve.log").open("wb"),
    )
    results: dict[str, dict[str, object]] = {}
    peak_rss = peak_pss = 0
    try:
        wait_for_port(port, server, 120)
        url = f"http://127.0.0.1:{port}"
        idle_rss, _idle_pss = _tree_memory(server.pid)
        running = {}
        for name, (threads, connections, timeout, script_args) in loads.items():
            script = scripts[name.split()[0] if name != "cheap queries" else "cheap"]
            command = [
                WRK,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                f"--timeout={timeout}",
                "-s",
                str(script),
            ]
            running[name] = subprocess.Popen(
                [*command, url, "--", *script_args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
        while any(p.poll() is None for p in running.values()):
            rss, pss = _tree_memory(server.pid)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.2)
        for name, process in running.items():
            output = process.stdout.read() if process.stdout else ""
            line = next((ln for ln in output.splitlines() if ln.startswith("WRK-RESULT ")), None)
            if line is None:
                print(f"wrk ({name}) printed no result:\n{output}", file=sys.stderr)
                return 2
            results[name] = json.loads(line[len("WRK-RESULT ") :])
        crashes = (workdir / "serve.log").read_text(encoding="utf-8", errors="replace")
    finally:
        stop(server, signal.SIGINT)

    print(
        f"\nplanlod serve under attack for {seconds} s on {os.cpu_count()} CPUs (load average at the end: "
        f"{os.getloadavg()[0]:.1f}); {len(entity_paths(out))} entities"
    )
    print(f"{'load':<16} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>9}  answers by status")
    for name, figures in results.items():
        statuses = figures["statuses"]
        errors = figures["errors"]
        assert isinstance(statuses, dict) and isinstance(errors, dict)
        shown = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
        failures = ", ".join(f"{k} {v}" for k, v in errors.items() if v)
        print(
            f"{name:<16} {figures['requests']:>9} {float(figures['requests']) / float(figures['seconds']):>8.1f} "  # type: ignore[arg-type]
            f"{figures['p50_ms']:>8.2f} {figures['p99_ms']:>8.2f} {figures['max_ms']:>9.1f}  {shown}"
            + (f"; socket errors: {failures}" if failures else "")
        )
    log_lines = [ln for ln in crashes.splitlines() if "SPARQL worker" in ln]
    print(
        f"server memory: idle {idle_rss / 2**20:.0f} MB; peak {peak_rss / 2**20:.0f} MB resident "
        f"(server and workers summed), {peak_pss / 2**20:.0f} MB proportional"
    )
    print(f"server log: {len(log_lines)} worker line(s) (memory limit or crash, one line each)")

    cheap_figures = results["cheap queries"]
    cheap_statuses = cheap_figures["statuses"]
    assert isinstance(cheap_statuses, dict)
    cheap_total = sum(int(v) for v in cheap_statuses.values()) or 1
    busy = int(cheap_statuses.get("503", 0))
    targets = [
        ("pages p99 < 100 ms", float(results["pages"]["p99_ms"]) < 100.0, f"{results['pages']['p99_ms']} ms"),  # type: ignore[arg-type]
        (
            "cheap queries answered 503 <= 1 %",
            busy <= cheap_total / 100,
            f"{busy} of {cheap_total} ({100 * busy / cheap_total:.2f} %)",
        ),
        ("server memory < 1.5 GB", peak_rss < 1.5 * 2**30, f"{peak_rss / 2**20:.0f} MB"),
    ]
    print()
    for label, met, value in targets:
        print(f"  {'met ' if met else 'MISSED'}  {label}: {value}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "loads": results,
                    "peak_rss": peak_rss,
                    "peak_pss": peak_pss,
                    "targets": {label: met for label, met, _ in targets},
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0 if all(met for _, met, _ in targets) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="a built site (default: build one into a temporary folder)")
    parser.add_argument("--base-iri", default="http://localhost:8000/")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per scenario and server")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--sparql-workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--attack", action="store_true", help="the endpoint under attack, driven by wrk (see above)")
    args = parser.parse_args()
    if args.attack and "--seconds" not in sys.argv:
        args.seconds = 60.0

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
        if args.attack:
            return attack(args, out, workdir)
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
