"""Load a synthetic national corpus into production triplestores the way an operator would, and time the query
page's example queries on each, beside `planlod serve`, in one run.

    python bench/stores.py [--plans 100] [--seed 1] [--runs 10] [--with-gsp] [--virtuoso-memory-mb 1024]
                           [--stores serve,oxigraph,oxigraph_server,virtuoso] [--json FILE]

Generates the corpus (bench/corpus.py) unless it is there and writes its dataset dump (dump/latest.nt and
latest.nt.gz: the triples `planlod build` puts there) as bench/queries.py does. Then, one store at a time (each
stopped before the next starts, so that none competes for the CPU with another):

- `planlod serve`: "load" is the time from start until /sparql answers (its workers parse the dump);
- Oxigraph, offline: `planlod push --store oxigraph --location DIR` (pyoxigraph's bulk loader into a store
  folder), then `oxigraph serve-read-only` over the folder (its start-up time shown apart);
- Oxigraph server: `oxigraph serve`, then `planlod push --store oxigraph --endpoint URL` (HTTP, its bulk loader);
- Virtuoso: `virtuoso-t` in a new database, then `planlod push --store virtuoso` (ld_dir, rdf_loader_run through
  isql); with `--with-gsp` first a Graph Store Protocol PUT of the same dump (`planlod push`), for comparison.

The load time is the wall time of the `planlod push` command (what an operator waits for: counting the dump,
loading, the count check); the store's own loading seconds, as push reports them, are shown beside it. Each example
in site/queries/ is then sent `--runs` times over the SPARQL protocol (a form POST, the dataset's graph as
default-graph-uri, JSON or N-Triples results, the whole answer read) after one untimed run; the table shows the
p50 of each example per store. QLever is listed as not measured: it cannot be installed on this machine
(docs/deployment.md says why). The last line is

    plans=N triples=T serve_load_s=… serve_max_p50_ms=… oxigraph_load_s=… … virtuoso_max_p50_ms=…
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from queries import prepare, start_server  # noqa: E402

from publish.config import load_config  # noqa: E402
from publish.dumps import gzip_bytes  # noqa: E402
from publish.urls import UrlPolicy  # noqa: E402
from publish.views import load_examples  # noqa: E402
from tests.store_servers import oxigraph_server, virtuoso_server  # noqa: E402

QUERY_TIMEOUT = 300
QLEVER_NOTE = (
    "not measured: QLever cannot be installed here (no Debian package; PyPI `qlever` is only the control "
    "script, which runs the engine in Docker/Podman or needs binaries built from source)"
)


@dataclass
class StoreFigures:
    """What one store measured."""

    key: str
    title: str
    load_s: float = float("nan")
    store_load_s: float | None = None
    start_s: float | None = None
    rss_mb: float | None = None
    p50_ms: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def max_p50(self) -> float:
        return max(self.p50_ms.values(), default=float("nan"))


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants (MB), after the queries ran: what the server holds."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{current}/status").read_text()
            found = re.search(r"VmRSS:\s+(\d+)", status)
            total += int(found.group(1)) if found else 0
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
    return total / 1024


def timed_push(project: Path, served: Path, *args: str) -> tuple[float, float | None, str]:
    """Run `planlod push` as a command; its wall seconds, the loading seconds it reports, and its output line."""
    command = [sys.executable, "-m", "publish", "push", "--project", str(project), "--out", str(served), *args]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])}: planlod push failed ({done.returncode}): {done.stderr.strip()}")
    line = done.stdout.strip().splitlines()[-1]
    reported = re.search(r" in ([0-9.]+) s;", line)
    return seconds, float(reported.group(1)) if reported else None, line


def run_query(endpoint: str, graph: str, query: str, accept: str) -> float:
    """Seconds for one query over HTTP, the whole answer read."""
    request = urllib.request.Request(
        endpoint,
        data=urllib.parse.urlencode({"query": query, "default-graph-uri": graph}).encode("ascii"),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        method="POST",
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=QUERY_TIMEOUT) as response:
        response.read()
    return time.perf_counter() - started


def time_examples(figures: StoreFigures, endpoint: str, graph: str, base_iri: str, site_dir: Path, runs: int) -> None:
    """p50 of each example query on the endpoint, after one untimed run."""
    for example in load_examples(site_dir):
        query = example.text(base_iri)
        accept = "application/n-triples" if "CONSTRUCT" in example.body.upper() else "application/sparql-results+json"
        try:
            run_query(endpoint, graph, query, accept)
            times = [run_query(endpoint, graph, query, accept) for _ in range(runs)]
        except (OSError, urllib.error.URLError) as exc:
            if isinstance(exc, urllib.error.HTTPError):  # the server's own words on why
                exc.msg = f"{exc.msg}: {exc.read().decode('utf-8', 'replace').strip()[:300]}"
            figures.errors[example.name] = str(exc)[:400]
            print(f"  {example.name:32} error: {exc}", flush=True)
            continue
        figures.p50_ms[example.name] = statistics.median(times) * 1000
        print(f"  {example.name:32} p50 {figures.p50_ms[example.name]:9.1f} ms", flush=True)


@contextlib.contextmanager
def planlod_serve(project: Path, served: Path) -> Iterator[tuple[str, float, int]]:
    """`planlod serve`; its SPARQL endpoint, the seconds until it answered, and its process id."""
    started = time.perf_counter()
    process, root = start_server(project, served)
    try:
        endpoint = root + "sparql"
        while True:
            try:
                run_query(endpoint, "urn:x-nothing", "ASK {}", "application/sparql-results+json")
                break
            except OSError:
                if time.perf_counter() - started > 600:
                    raise SystemExit("planlod serve did not answer within 600 s") from None
                time.sleep(0.1)
        yield endpoint, time.perf_counter() - started, process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--plans", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each example per store")
    parser.add_argument("--with-gsp", action="store_true", help="also time a Graph Store PUT into Virtuoso")
    parser.add_argument("--virtuoso-memory-mb", type=int, default=1024, help="Virtuoso's page buffers")
    parser.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    parser.add_argument(
        "--stores",
        type=lambda text: set(text.split(",")),
        default={"serve", "oxigraph", "oxigraph_server", "virtuoso"},
        help="which to measure, comma-separated (default: serve,oxigraph,oxigraph_server,virtuoso)",
    )
    args = parser.parse_args(argv)

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    project, served, triples = prepare(args.plans, args.seed)
    nt = served / "dump" / "latest.nt"
    (served / "dump" / "latest.nt.gz").write_bytes(gzip_bytes(nt.read_bytes()))
    config = load_config(project, environ={})
    graph = UrlPolicy(config.base_iri).dataset_graph
    work = ROOT / "bench" / "out" / f"stores-{args.plans}-{args.seed}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    print(f"plans={args.plans} triples={triples} dump={nt.stat().st_size / 1e6:.1f} MB graph=<{graph}>", flush=True)
    measure: Callable[[StoreFigures, str], None] = lambda figures, endpoint: time_examples(  # noqa: E731
        figures, endpoint, graph, config.base_iri, config.site_dir, args.runs
    )
    results: list[StoreFigures] = []

    if "serve" in args.stores:
        serve = StoreFigures("serve", "planlod serve (pyoxigraph in memory)")
        print(f"\n{serve.title}", flush=True)
        with planlod_serve(project, served) as (endpoint, started, serve_pid):
            serve.load_s = started
            print(f"  answering after {started:.1f} s", flush=True)
            measure(serve, endpoint)
            serve.rss_mb = tree_rss_mb(serve_pid)
        results.append(serve)

    if "oxigraph" in args.stores:
        offline = StoreFigures("oxigraph", "Oxigraph, bulk-loaded offline, serve-read-only")
        print(f"\n{offline.title}", flush=True)
        location = work / "oxigraph-offline"
        offline.load_s, offline.store_load_s, line = timed_push(
            project, served, "--store", "oxigraph", "--location", str(location)
        )
        print(f"  {line} (command: {offline.load_s:.1f} s)", flush=True)
        with oxigraph_server(location, read_only=True) as server:
            offline.start_s = server.started_s
            measure(offline, server.sparql)
            offline.rss_mb = tree_rss_mb(server.pid)
        results.append(offline)

    if "oxigraph_server" in args.stores:
        online = StoreFigures("oxigraph_server", "Oxigraph server, HTTP bulk load")
        print(f"\n{online.title}", flush=True)
        with oxigraph_server(work / "oxigraph-http") as server:
            online.start_s = server.started_s
            online.load_s, online.store_load_s, line = timed_push(
                project, served, "--store", "oxigraph", "--endpoint", server.url
            )
            print(f"  {line} (command: {online.load_s:.1f} s)", flush=True)
            measure(online, server.sparql)
            online.rss_mb = tree_rss_mb(server.pid)
        results.append(online)

    if "virtuoso" in args.stores:
        virtuoso = StoreFigures("virtuoso", "Virtuoso 7, bulk loader (ld_dir, rdf_loader_run)")
        print(f"\n{virtuoso.title}", flush=True)
        with virtuoso_server(work / "virtuoso", args.virtuoso_memory_mb) as server:
            virtuoso.start_s = server.started_s
            if args.with_gsp:
                gsp = StoreFigures("virtuoso_gsp", "Virtuoso 7, Graph Store Protocol PUT")
                gsp.load_s, _, line = timed_push(
                    project,
                    served,
                    "--endpoint",
                    server.graph_store,
                    "--user",
                    "dba",
                    "--password",
                    "dba",
                    "--timeout",
                    "3600",
                )
                print(f"  GSP PUT: {line} (command: {gsp.load_s:.1f} s)", flush=True)
                results.append(gsp)
            virtuoso.load_s, virtuoso.store_load_s, line = timed_push(
                project,
                served,
                "--store",
                "virtuoso",
                "--sql",
                server.sql,
                "--user",
                "dba",
                "--password",
                "dba",
                "--load-dir",
                str(server.load_dir),
            )
            print(f"  {line} (command: {virtuoso.load_s:.1f} s)", flush=True)
            measure(virtuoso, server.sparql)
            virtuoso.rss_mb = tree_rss_mb(server.pid)
        results.append(virtuoso)
    print(f"\nQLever: {QLEVER_NOTE}", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    report(results, args.plans, triples)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"plans": args.plans, "triples": triples, "stores": [vars(r) for r in results], "qlever": QLEVER_NOTE},
                indent=2,
            ),
            encoding="utf-8",
        )
    return 1 if any(r.errors for r in results) else 0


def report(results: list[StoreFigures], plans: int, triples: int) -> None:
    """The comparison table, then the one-line summary."""
    measured = [r for r in results if r.p50_ms]
    width = 14
    print("\n| | " + " | ".join(r.key for r in results) + " |")
    print("| --- |" + " ---: |" * len(results))

    def row(label: str, cells: list[str]) -> None:
        print(f"| {label} | " + " | ".join(cell.rjust(width) for cell in cells) + " |")

    row("load, command (s)", [f"{r.load_s:.1f}" for r in results])
    row("load, store's own (s)", [f"{r.store_load_s:.1f}" if r.store_load_s is not None else "-" for r in results])
    row("server start (s)", [f"{r.start_s:.1f}" if r.start_s is not None else "-" for r in results])
    row("server memory (MB RSS)", [f"{r.rss_mb:.0f}" if r.rss_mb is not None else "-" for r in results])
    names = sorted({name for r in measured for name in r.p50_ms} | {name for r in measured for name in r.errors})
    for name in names:
        row(
            f"{name} p50 (ms)",
            [f"{r.p50_ms[name]:.1f}" if name in r.p50_ms else ("error" if name in r.errors else "-") for r in results],
        )
    row("max p50 (ms)", [f"{r.max_p50:.1f}" if r.p50_ms else "-" for r in results])
    summary = " ".join(
        f"{r.key}_load_s={r.load_s:.1f}" + (f" {r.key}_max_p50_ms={r.max_p50:.1f}" if r.p50_ms else "") for r in results
    )
    print(f"plans={plans} triples={triples} {summary}")


if __name__ == "__main__":
    raise SystemExit(main())
