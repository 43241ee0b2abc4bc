"""Benchmark `planlod build` on a synthetic national corpus, against a naive rdflib-only path.

    python bench/build.py --plans 1000 [--seed 1] [--naive auto|full|slice|skip] [--profile]
    python bench/build.py --seed-only [--seed-runs 5]

Steps, each build in a fresh Python process (as `planlod build` runs), so that peak RSS is the build's own:
1. generate the corpus with bench/corpus.py into bench/out/corpus-{plans}-{seed}/ (git-ignored);
2. full build (the output folder removed first): wall seconds and peak RSS per phase (whatever
   BuildSummary.phases holds), files written, triples, entities;
3. a second build with nothing changed (unchanged_s);
4. a build after one plan changed (one_changed_s: one English text of one plan is edited, the first before a
   `plo:position 1`, which in the generated corpus is a focus area's alternative label, and restored afterwards):
   an incremental build, which makes again only the entities that read a changed triple; with --verify (default)
   a clean full build of the changed data checks that the output is byte-identical to the rebuild's, and the
   unchanged rebuild's output is compared with the first build's;
5. the build of the repository's own data (the seed: Hedensted): `planlod build --force` into a fresh folder,
   --seed-runs times (5), as a user runs it (Python's start-up included); the medians of the build's own seconds,
   the command's wall and CPU seconds, printed as a line `seed_s=… seed_command_s=…` too (--seed-only: this
   step alone);
6. the naive path: parse the data with rdflib, validate with pySHACL (the project's shapes, unmodified), then
   serialize each entity's concise bounded description with rdflib to Turtle. On the whole corpus up to
   --slice-plans plans (100), else on a slice of the first 100 plans, scaled up linearly (parse and validation
   by triples, serialization by entities);
7. with --profile, one more full build under cProfile: the top functions by own and cumulative time.

Peak RSS per phase: a thread samples VmRSS from /proc/self/status every 5 ms; when a phase raised the kernel's
high-water mark (VmHWM) the phase's peak is that mark (exact), otherwise the sampled maximum. When the build forks
render workers, the thread also sums the PSS of the process tree every 50 ms (shared copy-on-write pages counted
once); the last line's peak_rss_mb is the larger of VmHWM and that sum.
The last line is exactly:
    plans=N entities=E triples=T total_s=S peak_rss_mb=M unchanged_s=U one_changed_s=C
where the seconds are those of build_site() (process start-up and imports are shown separately).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH_OUT = REPO / "bench" / "out"
BASE_IRI = "http://localhost:8000/"


# ------------------------------------------------------------------------------------------- memory


def proc_status_mb(field: str, pid: int | str = "self") -> float:
    """A memory field of /proc/{pid}/status (VmRSS, VmHWM) in MiB; 0 if the process is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pss_mb(pid: int | str) -> float:
    """The process's proportional set size in MiB (shared pages split between the processes sharing them)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (the build's forked workers), from /proc/{pid}/task/*/children."""
    found: list[int] = []
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    kids = [int(k) for k in children.read().split()]
            except OSError:
                continue
            found += kids
            stack += kids
    return found


class RssSampler(threading.Thread):
    """Samples memory; `mark()` closes a phase and returns its peaks in MiB.

    This process: VmRSS every 5 ms; a phase that raised VmHWM gets VmHWM (exact). With worker processes (the build
    may fork one per core): every 50 ms the sum of PSS over this process and its descendants (shared copy-on-write
    pages counted once) and, for comparison, the sum of their RSS (shared pages counted in every process).
    """

    def __init__(self, interval: float = 0.005, tree_every: int = 10) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.tree_every = tree_every
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.peak = proc_status_mb("VmRSS")
        self.hwm = proc_status_mb("VmHWM")
        self.tree_pss = 0.0
        self.tree_rss = 0.0
        self.max_tree_pss = 0.0
        self.max_tree_rss = 0.0
        self.pid = os.getpid()

    def run(self) -> None:
        tick = 0
        while not self.stopped.is_set():
            rss = proc_status_mb("VmRSS")
            tree_pss = tree_rss = 0.0
            if tick % self.tree_every == 0:
                kids = descendants(self.pid)
                if kids:
                    tree_pss = pss_mb(self.pid) + sum(pss_mb(k) for k in kids)
                    tree_rss = rss + sum(proc_status_mb("VmRSS", k) for k in kids)
            with self.lock:
                self.peak = max(self.peak, rss)
                self.tree_pss = max(self.tree_pss, tree_pss)
                self.tree_rss = max(self.tree_rss, tree_rss)
            tick += 1
            time.sleep(self.interval)

    def mark(self) -> tuple[float, float, float, float]:
        """(this process's peak RSS in the phase that just ended, VmHWM now, the process tree's peak PSS and RSS
        in the phase, 0 when there were no worker processes)."""
        hwm = proc_status_mb("VmHWM")
        rss = proc_status_mb("VmRSS")
        with self.lock:
            sampled = max(self.peak, rss)
            tree_pss, tree_rss = self.tree_pss, self.tree_rss
            self.peak, self.tree_pss, self.tree_rss = rss, 0.0, 0.0
            self.max_tree_pss = max(self.max_tree_pss, tree_pss)
            self.max_tree_rss = max(self.max_tree_rss, tree_rss)
        peak = hwm if hwm > self.hwm else sampled
        self.hwm = hwm
        return peak, hwm, tree_pss, tree_rss

    def stop(self) -> None:
        self.stopped.set()


def tree_digest(folder: Path) -> str:
    """SHA-256 over every published file's relative path and bytes, in sorted order (the build state, which
    records how the output was made rather than being part of it, left out)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != ".planlod-state"):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------- children


def code_digest() -> str:
    """SHA-256 of the planlod package's source: other developers may change it while a benchmark runs."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "publish").rglob("*.py")):
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cpu_seconds() -> float:
    """User and system CPU seconds of this process and of its children that have ended (forked workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def child_build(
    project: Path, out: Path | None, result: Path, digest: bool, profile: Path | None, watch: bool = False
) -> None:
    """One build in this process; writes its figures as JSON to `result`. `watch`: as `planlod build --watch`
    does, a first build learns the inputs, then one plan is edited and the build measured is the one after it
    (the file is restored afterwards)."""
    start = time.perf_counter()
    sys.path.insert(0, str(REPO))
    from publish.build import BuildMemory, build_site  # noqa: PLC0415 (imported in the child that needs it)
    from publish.collector import keep_until_exit  # noqa: PLC0415 (imported in the child that needs it)
    from publish.config import load_config  # noqa: PLC0415 (imported in the child that needs it)

    # As the `planlod` command does: what a build lets go of is left for the system to take back when the
    # process ends (a watching process frees it as it goes on).
    keep_until_exit(not watch)
    overrides: dict[str, object] = {"base_iri": BASE_IRI}
    if out is not None:
        overrides["out_dir"] = str(out)
    config = load_config(project, overrides, environ={})
    import_s = time.perf_counter() - start
    sampler = RssSampler()
    sampler.start()
    marks: list[tuple[str, float, float, float, float, float]] = []
    cpu = [cpu_seconds(), time.perf_counter()]

    def progress(message: str) -> None:
        peak, _hwm, tree_pss, tree_rss = sampler.mark()
        now, wall = cpu_seconds(), time.perf_counter()
        marks.append((message, peak, now - cpu[0], wall - cpu[1], tree_pss, tree_rss))
        cpu[0], cpu[1] = now, wall

    profiler = cProfile.Profile() if profile else None
    if profile:
        # cProfile sees only this process: render every entity here rather than in forked workers
        import publish.entities  # noqa: PLC0415 (imported in the child that needs it)

        publish.entities.PARALLEL_THRESHOLD = 10**12
    memory = BuildMemory() if watch else None
    learn_s = 0.0
    if memory is not None:
        learn_s = time.perf_counter()
        build_site(config, memory=memory)
        learn_s = time.perf_counter() - learn_s
        edited, old = edit_one_plan(project)
        time.sleep(0.01)
    marks.clear()
    sampler.mark()
    cpu[0], cpu[1] = cpu_seconds(), time.perf_counter()
    cpu_began, began = cpu
    if profiler:
        profiler.enable()
    try:
        summary = build_site(config, progress, memory=memory)
    finally:
        if memory is not None:
            edited.write_bytes(old)
    if profiler:
        profiler.disable()
    build_s = time.perf_counter() - began
    build_cpu_s = cpu_seconds() - cpu_began
    sampler.mark()
    sampler.stop()
    phases: list[dict[str, Any]] = []
    remaining = list(marks)
    for name, seconds in summary.phases:
        mark = next((m for m in remaining if m[0].startswith(name + ":")), None)
        if mark is not None:
            remaining = remaining[remaining.index(mark) + 1 :]
        if mark is not None and phases and mark[3] < 0.5 * seconds:
            # reported together with the phase before (interleaved phases): CPU and RSS belong to both
            phases.append({"name": name, "s": seconds, "cpu_s": None, "peak_rss_mb": None, "with": phases[-1]["name"]})
            continue
        phases.append(
            {
                "name": name,
                "s": seconds,
                "elapsed_s": mark[3] if mark else None,
                "cpu_s": mark[2] if mark else None,
                "peak_rss_mb": mark[1] if mark else None,
                "tree_pss_mb": mark[4] if mark else 0.0,
                "tree_rss_mb": mark[5] if mark else 0.0,
            }
        )
    if profiler and profile:
        profiler.dump_stats(profile)
    figures = {
        "import_s": import_s,
        "learn_s": learn_s,
        "build_s": build_s,
        "build_cpu_s": build_cpu_s,
        "load_average": os.getloadavg()[0],
        "phases": phases,
        "entities": summary.entities,
        "triples": summary.triples,
        "files": summary.files,
        "bytes": summary.bytes_written,
        "rendered": summary.rendered,
        "replaced": summary.replaced,
        "process_peak_rss_mb": proc_status_mb("VmHWM"),
        "tree_peak_pss_mb": sampler.max_tree_pss,
        "tree_peak_rss_mb": sampler.max_tree_rss,
        "peak_rss_mb": max(proc_status_mb("VmHWM"), sampler.max_tree_pss),
        "digest": "",
        "code": code_digest(),
    }
    if digest:
        start = time.perf_counter()
        figures["digest"] = tree_digest(config.out_dir)
        figures["digest_s"] = time.perf_counter() - start
    result.write_text(json.dumps(figures, indent=1))


def slice_files(data: Path, plans: int) -> list[Path]:
    """The data files of the first `plans` plans (sorted by path), their municipalities' and the national files."""
    plan_files = sorted(
        p
        for p in data.glob("kommuner/*/*.ttl")
        if p.name != "organisationer.ttl" and not p.name.endswith("-sdg-koblinger.ttl")
    )[:plans]
    chosen = {data / "organisationer.ttl"}
    for plan in plan_files:
        chosen |= {plan, plan.with_name(plan.stem + "-sdg-koblinger.ttl"), plan.with_name("organisationer.ttl")}
    return sorted(p for p in chosen if p.is_file())


def count_rdf(files: list[Path]) -> tuple[int, int]:
    """(triples, local IRI subjects) of the files, counted with pyoxigraph."""
    import pyoxigraph as ox  # noqa: PLC0415 (imported in the child that needs it)

    triples = 0
    subjects: set[str] = set()
    for path in files:
        for quad in ox.parse(path.read_bytes(), ox.RdfFormat.TURTLE, base_iri=BASE_IRI):
            triples += 1
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(BASE_IRI):
                subjects.add(quad.subject.value)
    return triples, len(subjects)


def child_naive(project: Path, plans: int | None, result: Path) -> None:
    """The rdflib-only path: parse, pySHACL, one Turtle serialization per entity's CBD."""
    from pyshacl import validate  # noqa: PLC0415 (imported in the child that needs it)
    from rdflib import Graph, Literal, URIRef  # noqa: PLC0415 (imported in the child that needs it)
    from rdflib.namespace import SH, XSD  # noqa: PLC0415 (imported in the child that needs it)

    data = project / "data"
    every = sorted(data.rglob("*.ttl"))
    files = every if plans is None else slice_files(data, plans)
    sampler = RssSampler()
    sampler.start()
    figures: dict[str, Any] = {"files": len(files), "slice_plans": plans}
    start = time.perf_counter()
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle", publicID=BASE_IRI)
    figures["data_triples"] = len(graph)
    for path in sorted((project / "ontology").glob("*.ttl")) + sorted((project / "ontology/reference").glob("*.ttl")):
        graph.parse(path, format="turtle", publicID=BASE_IRI)
    shapes = Graph()
    for path in sorted((project / "shapes").glob("*.ttl")):
        shapes.parse(path, format="turtle", publicID=BASE_IRI)
    for declaration, namespace in list(shapes.subject_objects(SH.namespace)):
        if isinstance(namespace, Literal) and "://" not in str(namespace):
            # a relative sh:namespace resolves against the base, as publish.load does
            shapes.set((declaration, SH.namespace, Literal(BASE_IRI + str(namespace), datatype=XSD.anyURI)))
    figures["parse_s"] = time.perf_counter() - start
    figures["parse_rss_mb"] = sampler.mark()[0]
    start = time.perf_counter()
    conforms, _report, _text = validate(graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    figures["validate_s"] = time.perf_counter() - start
    figures["validate_rss_mb"] = sampler.mark()[0]
    figures["conforms"] = bool(conforms)
    start = time.perf_counter()
    entities = sorted({s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(BASE_IRI)})
    size = 0
    for entity in entities:
        size += len(graph.cbd(entity).serialize(format="turtle").encode("utf-8"))
    figures["serialize_s"] = time.perf_counter() - start
    figures["serialize_rss_mb"] = sampler.mark()[0]
    sampler.stop()
    figures["entities"] = len(entities)
    figures["turtle_bytes"] = size
    figures["peak_rss_mb"] = proc_status_mb("VmHWM")
    if plans is not None:
        figures["full_triples"], figures["full_entities"] = count_rdf(every)
        figures["slice_triples"], figures["slice_entities"] = count_rdf(files)
    result.write_text(json.dumps(figures, indent=1))


# ------------------------------------------------------------------------------------------- parent


def run_child(args: list[str], timeout: float) -> tuple[dict[str, Any] | None, float, str]:
    """Run this script as a child; (its JSON figures or None, wall seconds, error text)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result = Path(handle.name)
    command = [sys.executable, str(Path(__file__).resolve()), "_child", *args, "--result", str(result)]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        result.unlink(missing_ok=True)
        return None, time.perf_counter() - start, f"timed out after {timeout:.0f} s"
    wall = time.perf_counter() - start
    try:
        if done.returncode != 0:
            return None, wall, (done.stderr or done.stdout).strip()[-3000:]
        return json.loads(result.read_text()), wall, ""
    finally:
        result.unlink(missing_ok=True)


def settle() -> None:
    """Write what the last build left in the page cache to disk before the next is timed: each build is measured
    from a quiet disk, not while the kernel writes back the gigabytes of the one before (which shows as system time
    in whatever runs next)."""
    os.sync()


def remove_site(site: Path) -> None:
    """Remove a built site, so that the full build starts from nothing: the output folder (a link to the current
    generation, or a plain folder) and the folder of its generations beside it."""
    if site.is_symlink():
        site.unlink()
    else:
        shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(site.with_name(f".{site.name}.sites"), ignore_errors=True)


def build(
    project: Path, timeout: float, out: Path | None = None, digest: bool = False, watch: bool = False
) -> dict[str, Any]:
    """One build in a child process; exits with the child's error if it fails."""
    args = ["build", "--project", str(project)]
    if out is not None:
        args += ["--out", str(out)]
    if digest:
        args.append("--digest")
    if watch:
        args.append("--watch")
    settle()
    figures, wall, error = run_child(args, timeout)
    if figures is None:
        raise SystemExit(f"bench: the build of {project} failed:\n{error}")
    figures["command_s"] = wall - figures.get("digest_s", 0.0)  # the benchmark's own hashing is not the build's
    return figures


_SUMMARY = re.compile(r"(\d+) entities, (\d+) files, (\d+) triples in ([0-9.]+) s")


def seed_builds(runs: int, timeout: float) -> dict[str, Any]:
    """The repository's own data (the seed: Hedensted) built `runs` times by the `planlod build --force` command
    into a fresh folder, as a user runs it: Python's start-up and imports included. Medians of the build's own
    seconds (its summary line), the command's wall seconds and its CPU seconds (user and system)."""
    script = Path(sys.executable).with_name("planlod")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "publish"]
    builds, walls, cpus = [], [], []
    load_before = os.getloadavg()[0]
    match = None
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="planlod-bench-seed-") as tmp:
            settle()
            before, start = os.times(), time.perf_counter()
            done = subprocess.run(
                [*command, "build", "--force", "--out", str(Path(tmp) / "site")],
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            walls.append(time.perf_counter() - start)
            after = os.times()
        match = _SUMMARY.search(done.stdout)
        if done.returncode != 0 or match is None:
            raise SystemExit(f"bench: the build of the repository's data failed:\n{done.stderr or done.stdout}")
        builds.append(float(match.group(4)))
        cpus.append(after.children_user - before.children_user + after.children_system - before.children_system)
    assert match is not None
    return {
        "runs": runs,
        "build_s": statistics.median(builds),
        "command_s": statistics.median(walls),
        "command_cpu_s": statistics.median(cpus),
        "build_s_all": builds,
        "command_s_all": walls,
        "entities": int(match.group(1)),
        "files": int(match.group(2)),
        "triples": int(match.group(3)),
        "load_average": [load_before, os.getloadavg()[0]],
    }


def print_seed(seed: dict[str, Any]) -> None:
    print(
        f"\nseed data build (the repository's data/, `planlod build --force` into a fresh folder, median of "
        f"{seed['runs']}): {seed['build_s']:.2f} s in the build, {seed['command_s']:.2f} s as a command "
        f"({seed['command_cpu_s']:.2f} CPU s); {seed['entities']} entities, {seed['files']} files, "
        f"{seed['triples']} triples; load average {seed['load_average'][0]:.1f} before, "
        f"{seed['load_average'][1]:.1f} after, on {os.cpu_count()} CPUs"
    )
    print(f"seed_s={seed['build_s']:.2f} seed_command_s={seed['command_s']:.2f}")


def edit_one_plan(project: Path) -> tuple[Path, bytes]:
    """Change the first English text before a `plo:position 1` in the middle plan (in the generated corpus, the
    first focus area's alternative label); returns the file and its old bytes."""
    plans = sorted(
        p
        for p in (project / "data").glob("kommuner/*/*.ttl")
        if p.name != "organisationer.ttl" and not p.name.endswith("-sdg-koblinger.ttl")
    )
    path = plans[len(plans) // 2]
    old = path.read_bytes()
    text = old.decode("utf-8")
    marker = '"@en ;\n    plo:position "1"^^xsd:positiveInteger'
    if marker not in text:
        raise SystemExit(f"bench: cannot find a text to edit in {path}")
    path.write_bytes(text.replace(marker, ' (revised)"@en ;\n    plo:position "1"^^xsd:positiveInteger', 1).encode())
    return path, old


def print_profile(path: Path, top: int) -> None:
    """The profile's top functions by own time and by cumulative time."""
    for order in ("tottime", "cumulative"):
        print(f"\n--- profile of the full build: top {top} by {order} ---")
        stats = pstats.Stats(str(path))
        stats.strip_dirs().sort_stats(order).print_stats(top)


def main(argv: list[str] | None = None) -> int:
    """Command line (and the hidden `_child` entry of the child processes)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        child = argparse.ArgumentParser()
        child.add_argument("kind", choices=("build", "naive"))
        child.add_argument("--project", type=Path, required=True)
        child.add_argument("--out", type=Path)
        child.add_argument("--result", type=Path, required=True)
        child.add_argument("--digest", action="store_true")
        child.add_argument("--profile", type=Path)
        child.add_argument("--slice-plans", type=int)
        child.add_argument("--watch", action="store_true")
        a = child.parse_args(argv[1:])
        if a.kind == "build":
            child_build(a.project, a.out, a.result, a.digest, a.profile, a.watch)
            from publish.cli import end  # noqa: PLC0415 (imported in the child that needs it)

            end(0)  # as `planlod` does
        else:
            child_naive(a.project, a.slice_plans, a.result)
        return 0

    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress shows in a redirected log
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--plans", type=int, help="number of plans in the corpus (required but with --seed-only)")
    parser.add_argument("--seed-runs", type=int, default=5, help="builds of the repository's data (default 5)")
    parser.add_argument(
        "--seed-only", action="store_true", help="only build the repository's own data, --seed-runs times"
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--out", type=Path, help="corpus folder (default bench/out/corpus-{plans}-{seed})")
    parser.add_argument(
        "--naive",
        choices=("auto", "full", "slice", "skip"),
        default="auto",
        help="naive rdflib path on the whole corpus, on a slice scaled up, or not (auto: whole up to --slice-plans)",
    )
    parser.add_argument("--slice-plans", type=int, default=100, help="plans in the naive path's slice (default 100)")
    parser.add_argument("--verify", action=argparse.BooleanOptionalAction, default=True, help="check byte identity")
    parser.add_argument("--profile", action="store_true", help="also profile one full build with cProfile")
    parser.add_argument("--top", type=int, default=30, help="profile rows to print")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per child process")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    if args.seed_only:
        seed = seed_builds(args.seed_runs, args.timeout)
        print_seed(seed)
        if args.json:
            args.json.write_text(json.dumps({"seed_build": seed}, indent=1))
        return 0
    if args.plans is None:
        parser.error("--plans is required (or --seed-only)")

    sys.path.insert(0, str(REPO / "bench"))
    import corpus  # noqa: PLC0415 (imported in the child that needs it)

    project = (args.out or BENCH_OUT / f"corpus-{args.plans}-{args.seed}").resolve()
    start = time.perf_counter()
    info = corpus.write_corpus(args.plans, args.seed, project)
    generate_s = time.perf_counter() - start
    print(
        f"corpus: {info.plans} plans, {info.municipalities} municipalities, {info.entities} data entities, "
        f"{info.links} SDG links, {len(info.files)} files in {project} ({generate_s:.1f} s)"
    )
    remove_site(project / "_site")
    figures: dict[str, Any] = {"plans": args.plans, "seed": args.seed, "corpus": info.__dict__ | {"files": None}}

    full = build(project, args.timeout, digest=args.verify)
    figures["full"] = full
    print(f"\nfull build ({full['command_s']:.2f} s as a command; start-up and imports {full['import_s']:.2f} s):")
    print_phases(full["phases"])
    print(f"  {'total':<12}{'':>11}{full['build_s']:>11.2f}{full['build_cpu_s']:>9.2f}  {full['peak_rss_mb']:.0f}")
    if full["tree_peak_pss_mb"]:
        print(
            f"  with worker processes: peak PSS of the process tree {full['tree_peak_pss_mb']:.0f} MiB (sum of RSS "
            f"{full['tree_peak_rss_mb']:.0f} MiB, counting shared pages in every process); the main process's own "
            f"peak RSS {full['process_peak_rss_mb']:.0f} MiB"
        )
    print(f"  (1-minute load average at the end of the build: {full['load_average']:.1f} on {os.cpu_count()} CPUs)")
    print(
        f"  {full['files']} files ({full['bytes'] / 1e6:.0f} MB), {full['triples']} triples, "
        f"{full['entities']} entities"
    )

    unchanged = build(project, args.timeout, digest=args.verify)
    figures["unchanged"] = unchanged
    print(f"\nno-change rebuild: {unchanged['build_s']:.2f} s ({unchanged['command_s']:.2f} s as a command)")
    if args.verify:
        same = unchanged["digest"] == full["digest"]
        if unchanged["code"] != full["code"]:
            print("  (publish/ changed between the two builds: the comparison says nothing)")
        print(f"  output byte-identical to the full build: {'yes' if same else 'NO'}")
        figures["unchanged_identical"] = same

    path, old = edit_one_plan(project)
    try:
        changed = build(project, args.timeout, digest=args.verify)
        figures["one_changed"] = changed
        print(
            f"\none-plan-changed rebuild ({path.relative_to(project)}): {changed['build_s']:.2f} s "
            f"({changed['command_s']:.2f} s as a command); entities made again: {changed['rendered']}, "
            f"files replaced or removed: {changed['replaced']}"
        )
        print_phases(changed["phases"])
        if args.verify:
            with tempfile.TemporaryDirectory(prefix="planlod-bench-") as tmp:
                clean = build(project, args.timeout, out=Path(tmp) / "site", digest=True)
            same = clean["digest"] == changed["digest"]
            if clean["code"] != changed["code"]:
                print("  (publish/ changed between the two builds: the comparison says nothing)")
            print(f"  output byte-identical to a clean full build of the changed data: {'yes' if same else 'NO'}")
            figures["one_changed_identical"] = same
    finally:
        path.write_bytes(old)

    # The same edit in a process that built before and kept what it learned (planlod build --watch).
    watched = build(project, args.timeout, digest=args.verify, watch=True)
    figures["one_changed_watch"] = watched
    print(
        f"\none-plan-changed rebuild in a watching process (planlod build --watch): {watched['build_s']:.2f} s "
        f"(after a first build that learned the inputs in {watched['learn_s']:.2f} s); entities made again: "
        f"{watched['rendered']}"
    )
    print_phases(watched["phases"])
    if args.verify:
        same = watched["digest"] == changed["digest"]
        print(f"  output byte-identical to the one-plan-changed rebuild: {'yes' if same else 'NO'}")
        figures["one_changed_watch_identical"] = same

    seed = seed_builds(args.seed_runs, args.timeout)
    figures["seed_build"] = seed
    print_seed(seed)

    mode = args.naive
    if mode == "auto":
        mode = "full" if args.plans <= args.slice_plans else "slice"
    if mode != "skip":
        naive_args = ["naive", "--project", str(project)]
        if mode == "slice":
            naive_args += ["--slice-plans", str(args.slice_plans)]
        naive, _wall, error = run_child(naive_args, args.timeout)
        if naive is None:
            print(f"\nnaive rdflib path failed: {error}")
        else:
            figures["naive"] = naive
            report_naive(naive, mode, full, args.slice_plans)

    if args.profile:
        profile = BENCH_OUT / f"profile-{args.plans}-{args.seed}.pstats"
        BENCH_OUT.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="planlod-bench-profile-") as tmp:
            figures_profiled, _, error = run_child(
                ["build", "--project", str(project), "--out", str(Path(tmp) / "site"), "--profile", str(profile)],
                args.timeout,
            )
        if figures_profiled is None:
            print(f"\nprofiled build failed: {error}")
        else:
            print(
                f"\nprofile written to {profile} (the profiled build, in one process, took "
                f"{figures_profiled['build_s']:.1f} s)"
            )
            print_profile(profile, args.top)

    builds = [full, unchanged, changed, watched]
    if len({b["code"] for b in builds}) > 1:
        print("\nWARNING: publish/ changed while the benchmark ran; timings and identity checks mix code versions")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    print(f"one_changed_watch_s={watched['build_s']:.2f}")
    print(
        f"plans={args.plans} entities={full['entities']} triples={full['triples']} total_s={full['build_s']:.2f} "
        f"peak_rss_mb={full['peak_rss_mb']:.0f} unchanged_s={unchanged['build_s']:.2f} "
        f"one_changed_s={changed['build_s']:.2f}"
    )
    return 0


def print_phases(phases: list[dict[str, Any]]) -> None:
    """One row per phase: the seconds BuildSummary reports, the wall seconds between its progress reports, CPU
    seconds (this process and its ended workers) and peak RSS. Phases reported together (interleaved, or summed
    over worker processes) share the elapsed, CPU and RSS figures of the first of them."""
    print(f"  {'phase':<12}{'reported s':>11}{'elapsed s':>11}{'CPU s':>9}  peak RSS MiB")
    for p in phases:
        if p.get("with"):
            print(f"  {p['name']:<12}{p['s']:>11.2f}   (counted with {p['with']})")
            continue
        elapsed = f"{p['elapsed_s']:.2f}" if p.get("elapsed_s") is not None else "?"
        cpu = f"{p['cpu_s']:.2f}" if p["cpu_s"] is not None else "?"
        rss = f"{p['peak_rss_mb']:.0f}" if p["peak_rss_mb"] is not None else "?"
        if p.get("tree_pss_mb"):
            rss += f" (with workers: PSS {p['tree_pss_mb']:.0f}, RSS sum {p['tree_rss_mb']:.0f})"
        print(f"  {p['name']:<12}{p['s']:>11.2f}{elapsed:>11}{cpu:>9}  {rss}")


def report_naive(naive: dict[str, Any], mode: str, full: dict[str, Any], slice_plans: int) -> None:
    """Print the naive path's phases, scaled to the whole corpus for a slice, and the ratio to planlod."""
    phases = [("parse", naive["parse_s"]), ("validate", naive["validate_s"]), ("serialize", naive["serialize_s"])]
    total = sum(s for _, s in phases)
    conforms = "conforms" if naive["conforms"] else "does NOT conform"
    if mode == "slice":
        by_triples = naive["full_triples"] / naive["slice_triples"]
        by_entities = naive["full_entities"] / naive["slice_entities"]
        scaled = naive["parse_s"] * by_triples + naive["validate_s"] * by_triples + naive["serialize_s"] * by_entities
        print(
            f"\nnaive rdflib path on a {slice_plans}-plan slice ({naive['data_triples']} data triples, "
            f"{naive['entities']} entities, {naive['files']} files; pySHACL: {conforms}), peak RSS "
            f"{naive['peak_rss_mb']:.0f} MiB:"
        )
        for name, seconds in phases:
            factor = by_entities if name == "serialize" else by_triples
            print(f"  {name:<10}{seconds:>9.2f} s  ×{factor:.2f} → {seconds * factor:>9.1f} s scaled to the corpus")
        print(f"  total     {total:>9.2f} s  → {scaled:.1f} s scaled linearly to the whole corpus")
    else:
        scaled = total
        print(
            f"\nnaive rdflib path on the whole corpus ({naive['data_triples']} data triples, {naive['entities']} "
            f"entities; pySHACL: {conforms}), peak RSS {naive['peak_rss_mb']:.0f} MiB:"
        )
        for name, seconds in phases:
            print(f"  {name:<10}{seconds:>9.2f} s")
        print(f"  total     {total:>9.2f} s")
    print(
        f"  ratio naive / planlod full build: {scaled / full['build_s']:.1f}× "
        "(the naive path writes only Turtle and no files; planlod writes five documents per entity, pages, dumps "
        "and the catalogue)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
