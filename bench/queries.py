"""Time the query page's example queries against `planlod serve`'s /sparql on a synthetic national corpus.

    python bench/queries.py --plans 1000 [--seed 1] [--runs 20]

Generates the corpus (bench/corpus.py) unless it is there, writes its dataset dump (the same triples
`planlod build` puts in dump/latest.nt: the data and the triples derived from it) into a folder that `planlod
serve` can serve, starts `planlod serve` on a free loopback port, and runs every example in site/queries/ over
HTTP (POST, application/sparql-query, JSON or Turtle results) `--runs` times, one after the other. Prints p50 and
p99 latency per example; the last line is `plans=N triples=T examples=E max_p50_ms=… max_p99_ms=…`.
The issue's target: p50 ≤ 200 ms for each example on 1000 plans.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import write_corpus  # noqa: E402

from publish.config import load_config  # noqa: E402
from publish.dumps import site_data  # noqa: E402
from publish.load import load_sources  # noqa: E402
from publish.serialize import ntriples  # noqa: E402
from publish.urls import UrlPolicy  # noqa: E402
from publish.views import load_examples  # noqa: E402


def prepare(plans: int, seed: int) -> tuple[Path, Path, int]:
    """The corpus project, a served folder holding its dump, and the dump's triple count."""
    project = ROOT / "bench" / "out" / f"corpus-{plans}-{seed}"
    if not (project / "data").is_dir():
        write_corpus(plans, seed, project)
    served = ROOT / "bench" / "out" / f"queries-{plans}-{seed}"
    config = load_config(project, {"out_dir": str(served)}, environ={})
    data = site_data(load_sources(config), UrlPolicy(config.base_iri))
    (served / "dump").mkdir(parents=True, exist_ok=True)
    (served / "dump" / "latest.nt").write_bytes(ntriples(data))
    return project, served, len(data)


def start_server(project: Path, served: Path) -> tuple[subprocess.Popen[str], str]:
    """`planlod serve` on a free port; the URL it serves at."""
    command = [sys.executable, "-m", "publish", "serve", "--project", str(project), "--out", str(served), "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if "serving" in line and " at " in line:
            return process, line.split(" at ", 1)[1].split(" ", 1)[0]
        if process.poll() is not None:
            raise SystemExit(f"planlod serve stopped: {line}")
    process.kill()
    raise SystemExit("planlod serve did not start within 300 s")


def wait_until_answering(endpoint: str) -> None:
    """The endpoint loads the dump in its workers before it answers; wait for a first answer."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            run(endpoint, "ASK {}", "application/sparql-results+json")
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the endpoint did not answer within 300 s")


def run(endpoint: str, query: str, accept: str) -> float:
    """Seconds for one query over HTTP, the whole body read."""
    request = urllib.request.Request(
        endpoint,
        data=query.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
        method="POST",
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    project, served, triples = prepare(args.plans, args.seed)
    config = load_config(project, environ={})
    process, root = start_server(project, served)
    try:
        endpoint = root + "sparql"
        wait_until_answering(endpoint)
        worst_p50 = worst_p99 = 0.0
        examples = load_examples(config.site_dir)
        for example in examples:
            query = example.text(config.base_iri)
            accept = "text/turtle" if "CONSTRUCT" in example.body.upper() else "application/sparql-results+json"
            times = sorted(run(endpoint, query, accept) for _ in range(args.runs))
            p50 = statistics.median(times) * 1000
            p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))] * 1000
            worst_p50, worst_p99 = max(worst_p50, p50), max(worst_p99, p99)
            print(f"{example.name:32} p50 {p50:8.1f} ms  p99 {p99:8.1f} ms")
        print(
            f"plans={args.plans} triples={triples} examples={len(examples)} "
            f"max_p50_ms={worst_p50:.1f} max_p99_ms={worst_p99:.1f}"
        )
    finally:
        process.terminate()
        process.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
