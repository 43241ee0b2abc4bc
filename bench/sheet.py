"""Benchmark the staff's round: import a workbook after a one-cell edit, validate it, build the site.

    python bench/sheet.py [--rounds 3] [--out bench/out/sheet]

On a copy of the project (the seed: Hedensted's plan) in --out (git-ignored under bench/out/), never in data/:
1. `planlod sheet export plan/ambitioner-og-retning-2020` and a first full build (not timed in the total: the
   site a staff member already has);
2. each round: one cell edited with openpyxl (the Danish text of one focus point, a different text each round),
   then, timed in this process: the import (read the workbook, check every cell, validate the whole project
   against the shapes, write the changed file) and `planlod build` (validates again, builds incrementally);
3. the figures per round and the best and median round.
The last line is exactly:
    import_s=I build_s=B total_s=T (median of N rounds; target total_s < 5)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from publish.build import build_site  # noqa: E402
from publish.config import load_config  # noqa: E402
from publish.sheet.export import open_project, plan_workbook  # noqa: E402
from publish.sheet.importing import import_workbook  # noqa: E402

PLAN = "plan/ambitioner-og-retning-2020"
PARTS = ("ontology", "shapes", "data", "site", "pyproject.toml")


def copy_project(target: Path) -> Path:
    """A fresh copy of the project's inputs."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for part in PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def export(project: Path, out: Path) -> None:
    plan_workbook(open_project(load_config(project, environ={})), PLAN, out, "da")


def edit_one_cell(workbook: Path, round_number: int) -> None:
    book = load_workbook(workbook)
    sheet = book["Fokuspunkter"]
    column = next(c.column for c in sheet[1] if str(c.value).startswith("tekst (dansk)"))
    sheet.cell(row=3, column=column).value = f"Genoptræning tættere på borgeren (udgave {round_number})."
    book.save(workbook)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "sheet")
    args = parser.parse_args()
    project = copy_project(args.out / "project")
    workbook = args.out / "plan.xlsx"
    started = time.perf_counter()
    export(project, workbook)
    print(f"export: {time.perf_counter() - started:.2f} s")
    config = load_config(project, {"out_dir": str(args.out / "_site")}, environ={})
    started = time.perf_counter()
    build_site(config, progress=lambda _line: None, force=True)
    print(f"first full build: {time.perf_counter() - started:.2f} s")
    rounds = []
    for number in range(1, args.rounds + 1):
        edit_one_cell(workbook, number)
        started = time.perf_counter()
        result = import_workbook(load_config(project, environ={}), workbook, dry_run=False, lang="da")
        imported = time.perf_counter() - started
        assert result.files, "the edit changed no file"
        started = time.perf_counter()
        summary = build_site(config, progress=lambda _line: None)
        built = time.perf_counter() - started
        rounds.append((imported, built))
        print(f"round {number}: import (read, check, validate, write) {imported:.2f} s, build {built:.2f} s")
        print(f"    {summary.line()}")
    totals = [i + b for i, b in rounds]
    median = statistics.median(totals)
    at = totals.index(sorted(totals)[len(totals) // 2])
    print(f"best total: {min(totals):.2f} s")
    print(
        f"import_s={rounds[at][0]:.2f} build_s={rounds[at][1]:.2f} total_s={median:.2f} "
        f"(median of {len(rounds)} rounds; target total_s < 5)"
    )


if __name__ == "__main__":
    main()
