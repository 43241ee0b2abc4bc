"""Scores the SDG suggester on the project's curated links, on labelled texts outside the repo and on the public
SDG Classification Benchmark.

    python bench/sdg.py [--project DIR] [--heldout FILE.csv …] [--benchmark] [--split dev|test|all] [--ablation]

Leave-one-area-out over the curated links: each element with accepted links (a headline goal or focus point;
focus areas are linked through their parts) is suggested for without the curated examples of its own focus area,
so that neither the element nor its siblings (which share its words) can vouch for it, and, as `planlod suggest
PLAN` does, without the targets aimed at developing countries (plo:DevelopingCountryTargets). Figures:
- goal level: micro precision, recall and F1 of the goals suggested (a goal counts as suggested when it or
  one of its targets is accepted) against the goals of the curated links;
- target level: the same for accepted targets, over elements with target links; and the share of those
  elements with a curated target among the suggester's five best targets (top-5 hit rate);
- speed: texts per second over the plan's Danish and English texts (after the knowledge base is loaded).
`--heldout FILE.csv` (columns id, text, goals, targets; goals and targets ';'-separated UN notations) scores
labelled texts the same way, plus the per-goal table public SDG benchmarks use (accuracy of the yes/no
decision for each goal, averaged over the 17 goals).
`--benchmark` scores the SDG Classification Benchmark (1,251 English texts, each judged against one goal;
MIT licence; `pip install --no-deps sdgclassification-benchmark` puts its CSV into site-packages): per goal
accuracy, precision, recall and counts, and their average, as the benchmark reports them.
`--split` picks the half of every labelled set (held-out files and the benchmark) to score: `dev` (the half
whose id's SHA-256 starts with 0–7: the calibration in publish/suggest/knowledge/calibration.tsv was fitted on
it), `test` (the other half, never used for fitting or choosing anything) or `all`. Default: test and all.
`--ablation` repeats the figures with each knowledge source switched off, the calibration refitted without it
on the development halves, as bench/sdg_calibrate.py fits the shipped one (Danish: the held-out files in
Danish; English: the benchmark).
The last line is: goal_p=P goal_r=R target_p=P target_top5=H texts_per_s=T
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from publish.config import Config, load_config
from publish.load import Sources as LoadedSources
from publish.load import load_sources
from publish.model import vocabulary
from publish.suggest.knowledge import KnowledgeBase, Sources, build_knowledge
from publish.suggest.records import PlanData
from publish.suggest.scoring import Settings, Suggester
from publish.suggest.text import detect_language
from publish.urls import UrlPolicy

GOALS = [str(n) for n in range(1, 18)]
LabelledSets = list[tuple[str, list["Item"], bool]]
BENCHMARK_CSV = Path("benchmark") / "resources" / "benchmark.csv"


@dataclass(frozen=True)
class Item:
    """One labelled text; `judged`: the goals it was judged against (all 17 unless a benchmark row)."""

    key: str
    text: str
    lang: str | None
    goals: frozenset[str]
    targets: frozenset[str]
    exclude: str | None
    judged: tuple[str, ...] = tuple(GOALS)
    barred: frozenset[str] = frozenset()  # targets left out, as the plan mode leaves them out


def in_dev_half(key: str) -> bool:
    """Whether an id falls in the development half (its SHA-256 starts with 0–7)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[0] in "01234567"


def select(items: list[Item], split: str) -> list[Item]:
    """The items of one half (`dev`, `test`) or all of them."""
    if split == "all":
        return items
    return [item for item in items if in_dev_half(item.key) == (split == "dev")]


@dataclass
class Counts:
    """A confusion matrix."""

    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def add(self, predicted: bool, expected: bool) -> None:
        if predicted and expected:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif expected:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else 0.0

    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


@dataclass
class Figures:
    """Counts and the derived figures."""

    goal: Counts = field(default_factory=Counts)
    target_tp: int = 0
    target_fp: int = 0
    target_fn: int = 0
    top5_hits: int = 0
    top5_items: int = 0
    items: int = 0
    per_goal: dict[str, Counts] = field(default_factory=lambda: {g: Counts() for g in GOALS})

    @staticmethod
    def ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    def goal_p(self) -> float:
        return self.goal.precision()

    def goal_r(self) -> float:
        return self.goal.recall()

    def target_p(self) -> float:
        return self.ratio(self.target_tp, self.target_tp + self.target_fp)

    def target_r(self) -> float:
        return self.ratio(self.target_tp, self.target_tp + self.target_fn)

    def top5(self) -> float:
        return self.ratio(self.top5_hits, self.top5_items)

    @staticmethod
    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    def average_accuracy(self) -> float:
        """Accuracy of the yes/no decision per goal, averaged over the goals judged (the benchmarks' figure)."""
        judged = [c for c in self.per_goal.values() if c.n]
        return sum(c.accuracy() for c in judged) / len(judged) if judged else 0.0

    def lines(self, name: str) -> list[str]:
        gp, gr, tp, tr = self.goal_p(), self.goal_r(), self.target_p(), self.target_r()
        lines = [
            f"{name}: {self.items} texts",
            f"  goal   P={gp:.3f} R={gr:.3f} F1={self.f1(gp, gr):.3f}  "
            f"per-goal accuracy (average over goals)={self.average_accuracy():.3f}",
        ]
        if self.top5_items:
            lines.append(
                f"  target P={tp:.3f} R={tr:.3f} F1={self.f1(tp, tr):.3f}  top-5 hit={self.top5():.3f} "
                f"({self.top5_hits}/{self.top5_items})"
            )
        return lines

    def table(self) -> list[str]:
        """The per-goal table, as the SDG Classification Benchmark prints it."""
        rows = [f"  {'SDG':>7} {'n':>5} {'Accuracy (%)':>12} {'Precision (%)':>13} {'Recall (%)':>10}  TP FP TN FN"]

        def row(name: str, n: float, acc: float, p: float, r: float, counts: str) -> str:
            return f"  {name:>7} {n:>5.0f} {acc * 100:>12.1f} {p * 100:>13.1f} {r * 100:>10.1f}  {counts}"

        judged = [(g, c) for g, c in self.per_goal.items() if c.n]
        if judged:
            k = len(judged)
            rows.append(
                row(
                    "Average",
                    sum(c.n for _, c in judged) / k,
                    self.average_accuracy(),
                    sum(c.precision() for _, c in judged) / k,
                    sum(c.recall() for _, c in judged) / k,
                    "",
                )
            )
        for goal, c in judged:
            rows.append(row(goal, c.n, c.accuracy(), c.precision(), c.recall(), f"{c.tp} {c.fp} {c.tn} {c.fn}"))
        return rows


def curated_items(knowledge: KnowledgeBase, barred: frozenset[str] = frozenset()) -> list[Item]:
    """The project's curated links as labelled Danish texts, each excluding its own focus area's examples and
    the `barred` targets."""
    items = []
    for example in knowledge.examples:
        goals = frozenset(knowledge.goal_of(c) for c in example.concepts)
        targets = frozenset(c for c in example.concepts if "." in c)
        items.append(Item(example.element, example.texts["da"], "da", goals, targets, example.group, barred=barred))
    return items


def developing_country_targets(config: Config, loaded: LoadedSources) -> frozenset[str]:
    """The targets the linking policy never links to a Danish municipality's plan."""
    return PlanData.of(loaded, vocabulary(UrlPolicy(config.base_iri))).developing_country_targets


def heldout_items(path: Path) -> list[Item]:
    """Labelled texts from a CSV file outside the repository (columns id, text, goals, targets)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Item(
            row["id"],
            row["text"],
            None,
            frozenset(g for g in row["goals"].split(";") if g),
            frozenset(t for t in (row.get("targets") or "").split(";") if t),
            None,
        )
        for row in rows
    ]


def benchmark_path() -> Path | None:
    """The SDG Classification Benchmark's CSV in the installed `sdgclassification-benchmark` package."""
    spec = importlib.util.find_spec("sdgclassification")
    for folder in spec.submodule_search_locations or [] if spec else []:
        path = Path(folder) / BENCHMARK_CSV
        if path.is_file():
            return path
    return None


def benchmark_items(path: Path) -> list[Item]:
    """The benchmark's texts: each judged against one goal, true or false."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Item(
            row["id"],
            row["text"],
            "en",
            frozenset([row["sdg"]] if row["label"].strip().lower() == "true" else []),
            frozenset(),
            None,
            (row["sdg"],),
        )
        for row in rows
    ]


def suggested_goals(suggester: Suggester, item: Item) -> tuple[set[str], set[str], list[str]]:
    """The accepted goals and targets for one item, and its targets best first."""
    analysis = suggester.analyse(item.text, item.lang, exclude_group=item.exclude, barred=item.barred)
    targets = {c.notation for c in analysis.targets if c.accepted}
    goals = {c.notation for c in analysis.goals if c.accepted} | {t.split(".")[0] for t in targets}
    return goals, targets, suggester.ranked_targets(analysis)


def score(suggester: Suggester, items: Iterable[Item]) -> Figures:
    figures = Figures()
    for item in items:
        goals, accepted_targets, ranked = suggested_goals(suggester, item)
        figures.items += 1
        for goal in item.judged:
            figures.goal.add(goal in goals, goal in item.goals)
            figures.per_goal[goal].add(goal in goals, goal in item.goals)
        if item.targets:
            figures.target_tp += len(accepted_targets & item.targets)
            figures.target_fp += len(accepted_targets - item.targets)
            figures.target_fn += len(item.targets - accepted_targets)
            figures.top5_items += 1
            figures.top5_hits += bool(set(ranked[:5]) & item.targets)
    return figures


def speed(suggester: Suggester, knowledge: KnowledgeBase, rounds: int = 5) -> float:
    texts = [(text, lang) for e in knowledge.examples for lang, text in e.texts.items() if text]
    start = time.perf_counter()
    for _ in range(rounds):
        for text, lang in texts:
            suggester.analyse(text, lang)
    return rounds * len(texts) / (time.perf_counter() - start)


def ablation(
    config: Config,
    loaded: LoadedSources,
    settings: Settings,
    args: argparse.Namespace,
    sets: LabelledSets,
    split: str,
    curated_set: list[Item],
) -> list[str]:
    """Each knowledge source switched off in turn, the calibration refitted without it on the development
    halves (as bench/sdg_calibrate.py fits the shipped one), then scored on `split`."""
    from sdg_calibrate import PRECISION, development_items, fit_calibration  # noqa: PLC0415

    # The same development halves as the shipped calibration: Danish held-out files, the benchmark for English.
    danish = [path for path in args.heldout if majority_language(heldout_items(path)) == "da"]
    lines = [
        "ablation (calibration refitted on the development halves for each row; figures on the "
        f"{split} halves): goal P / R, per-goal accuracy, top-5"
    ]
    for switch in ["nothing", *vars(Sources())]:
        sources = Sources(**({} if switch == "nothing" else {switch: False}))
        kb = build_knowledge(config, loaded, replace(sources, calibration=False))
        variant = Suggester(kb, settings)
        if switch != "calibration":
            for lang, files, benchmark in (("da", danish, False), ("en", [], args.benchmark)):
                items, _ = development_items(lang, files, benchmark)
                if items:
                    kb.calibrations[lang] = fit_calibration(variant, items, None, PRECISION[lang]).calibration
        curated = score(variant, curated_set)
        line = (
            f"  without {switch:13s} curated: P={curated.goal_p():.3f} R={curated.goal_r():.3f} "
            f"top5={curated.top5():.3f}"
        )
        for name, items, _ in sets:
            held = score(variant, select(items, split))
            line += (
                f" | {name.removeprefix('held out: ')}: P={held.goal_p():.3f} R={held.goal_r():.3f} "
                f"acc={held.average_accuracy():.3f}" + (f" top5={held.top5():.3f}" if held.top5_items else "")
            )
        lines.append(line)
    return lines


def majority_language(items: list[Item]) -> str:
    """The language most of the items are in."""
    danish = sum(detect_language(item.text) == "da" for item in items)
    return "da" if danish * 2 >= len(items) else "en"


def labelled_sets(args: argparse.Namespace) -> LabelledSets:
    """(name, items, as a benchmark table) for every labelled set asked for."""
    sets = [(f"held out: {path.name}", heldout_items(path), False) for path in args.heldout]
    if args.benchmark:
        path = benchmark_path()
        if path is None:
            sys.exit(
                "bench/sdg.py: the SDG Classification Benchmark is not installed; "
                "pip install --no-deps sdgclassification-benchmark (MIT licence) puts its CSV into site-packages"
            )
        sets.append(("SDG Classification Benchmark", benchmark_items(path), True))
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", type=Path, default=None)
    parser.add_argument("--heldout", type=Path, action="append", default=[])
    parser.add_argument("--benchmark", action="store_true")
    parser.add_argument("--split", choices=("dev", "test", "all"), action="append", default=[])
    parser.add_argument("--ablation", action="store_true")
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args()
    splits = args.split or ["test", "all"]
    config = load_config(args.project)
    started = time.perf_counter()
    loaded = load_sources(config)
    knowledge = build_knowledge(config, loaded)
    settings = Settings() if args.threshold is None else replace(Settings(), threshold=args.threshold)
    suggester = Suggester(knowledge, settings)
    print(
        f"knowledge base: {len(knowledge.concepts)} goals and targets, {len(knowledge.examples)} curated "
        f"examples, loaded in {time.perf_counter() - started:.1f} s"
    )
    curated_set = curated_items(knowledge, developing_country_targets(config, loaded))
    curated = score(suggester, curated_set)
    for line in curated.lines("curated links, leave one focus area out"):
        print(line)
    sets = labelled_sets(args)
    for name, items, as_table in sets:
        for split in splits:
            figures = score(suggester, select(items, split))
            for line in figures.lines(f"{name} ({split})"):
                print(line)
            if as_table or len(splits) == 1 or split == "test":
                for line in figures.table():
                    print(line)
    if args.ablation:
        for line in ablation(config, loaded, settings, args, sets, splits[0], curated_set):
            print(line)
    rate = speed(suggester, knowledge)
    print(
        f"goal_p={curated.goal_p():.3f} goal_r={curated.goal_r():.3f} target_p={curated.target_p():.3f} "
        f"target_top5={curated.top5():.3f} texts_per_s={rate:.0f}"
    )


if __name__ == "__main__":
    main()
