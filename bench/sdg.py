"""Scores the SDG suggester on the project's curated links, and optionally on labelled texts outside the repo.

    python bench/sdg.py [--project DIR] [--heldout FILE.csv …] [--ablation]

Leave-one-area-out over the curated links: each linked element (focus area, headline goal, focus point) is
suggested for without the curated examples of its own focus area, so that neither the element nor its
siblings (which share its words) can vouch for it. Figures:
- goal level: micro precision, recall and F1 of the goals suggested (a goal counts as suggested when it or
  one of its targets is accepted) against the goals of the curated links;
- target level: the same for accepted targets, over elements with target links; and the share of those
  elements with a curated target among the suggester's five best targets (top-5 hit rate);
- speed: texts per second over the plan's Danish and English texts (after the knowledge base is loaded).
`--heldout FILE.csv` (columns id, text, goals, targets; goals and targets ';'-separated UN notations) scores
labelled texts the same way, plus per-goal accuracy averaged over the goals (how public SDG benchmarks score).
`--ablation` repeats the leave-one-area-out figures with each knowledge source switched off.
The last line is: goal_p=P goal_r=R target_p=P target_top5=H texts_per_s=T
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from publish.config import load_config
from publish.load import load_sources
from publish.suggest.knowledge import KnowledgeBase, Sources, build_knowledge
from publish.suggest.scoring import Settings, Suggester


@dataclass(frozen=True)
class Item:
    """One labelled text."""

    key: str
    text: str
    lang: str | None
    goals: frozenset[str]
    targets: frozenset[str]
    exclude: str | None


@dataclass
class Figures:
    """Counts and the derived figures."""

    goal_tp: int = 0
    goal_fp: int = 0
    goal_fn: int = 0
    target_tp: int = 0
    target_fp: int = 0
    target_fn: int = 0
    top5_hits: int = 0
    top5_items: int = 0
    items: int = 0
    per_goal_correct: dict[str, int] | None = None

    @staticmethod
    def ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    def goal_p(self) -> float:
        return self.ratio(self.goal_tp, self.goal_tp + self.goal_fp)

    def goal_r(self) -> float:
        return self.ratio(self.goal_tp, self.goal_tp + self.goal_fn)

    def target_p(self) -> float:
        return self.ratio(self.target_tp, self.target_tp + self.target_fp)

    def target_r(self) -> float:
        return self.ratio(self.target_tp, self.target_tp + self.target_fn)

    def top5(self) -> float:
        return self.ratio(self.top5_hits, self.top5_items)

    @staticmethod
    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    def per_goal_accuracy(self) -> float:
        """Accuracy of the yes/no decision for each of the 17 goals, averaged over the goals."""
        correct = self.per_goal_correct or {}
        return sum(correct.values()) / (17 * self.items) if self.items else 0.0

    def lines(self, name: str) -> list[str]:
        gp, gr, tp, tr = self.goal_p(), self.goal_r(), self.target_p(), self.target_r()
        return [
            f"{name}: {self.items} texts",
            f"  goal   P={gp:.3f} R={gr:.3f} F1={self.f1(gp, gr):.3f}  "
            f"per-goal accuracy={self.per_goal_accuracy():.3f}",
            f"  target P={tp:.3f} R={tr:.3f} F1={self.f1(tp, tr):.3f}  top-5 hit={self.top5():.3f} "
            f"({self.top5_hits}/{self.top5_items})",
        ]


def curated_items(knowledge: KnowledgeBase) -> list[Item]:
    """The project's curated links as labelled Danish texts, each excluding its own focus area's examples."""
    items = []
    for example in knowledge.examples:
        goals = frozenset(knowledge.goal_of(c) for c in example.concepts)
        targets = frozenset(c for c in example.concepts if "." in c)
        items.append(Item(example.element, example.texts["da"], "da", goals, targets, example.group))
    return items


def heldout_items(path: Path) -> list[Item]:
    """Labelled texts from a CSV file outside the repository."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Item(
            row["id"],
            row["text"],
            None,
            frozenset(g for g in row["goals"].split(";") if g),
            frozenset(t for t in row.get("targets", "").split(";") if t),
            None,
        )
        for row in rows
    ]


def score(suggester: Suggester, items: Iterable[Item]) -> Figures:
    figures = Figures(per_goal_correct=dict.fromkeys(map(str, range(1, 18)), 0))
    for item in items:
        analysis = suggester.analyse(item.text, item.lang, exclude_group=item.exclude)
        accepted_targets = {c.notation for c in analysis.targets if c.accepted}
        goals = {c.notation for c in analysis.goals if c.accepted} | {t.split(".")[0] for t in accepted_targets}
        figures.items += 1
        figures.goal_tp += len(goals & item.goals)
        figures.goal_fp += len(goals - item.goals)
        figures.goal_fn += len(item.goals - goals)
        assert figures.per_goal_correct is not None
        for goal in figures.per_goal_correct:
            figures.per_goal_correct[goal] += (goal in goals) == (goal in item.goals)
        if item.targets:
            figures.target_tp += len(accepted_targets & item.targets)
            figures.target_fp += len(accepted_targets - item.targets)
            figures.target_fn += len(item.targets - accepted_targets)
            figures.top5_items += 1
            figures.top5_hits += bool(set(suggester.ranked_targets(analysis)[:5]) & item.targets)
    return figures


def speed(suggester: Suggester, knowledge: KnowledgeBase, rounds: int = 5) -> float:
    texts = [(text, lang) for e in knowledge.examples for lang, text in e.texts.items() if text]
    start = time.perf_counter()
    for _ in range(rounds):
        for text, lang in texts:
            suggester.analyse(text, None if lang == "xx" else lang)
    return rounds * len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", type=Path, default=None)
    parser.add_argument("--heldout", type=Path, action="append", default=[])
    parser.add_argument("--ablation", action="store_true")
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args()
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
    curated = score(suggester, curated_items(knowledge))
    for line in curated.lines("curated links, leave one focus area out"):
        print(line)
    for path in args.heldout:
        for line in score(suggester, heldout_items(path)).lines(f"held out: {path.name}"):
            print(line)
    if args.ablation:
        switches = list(vars(Sources()))
        for switch in switches:
            off = Sources(**{switch: False})
            kb = build_knowledge(config, loaded, off)
            variant = Suggester(kb, settings)
            figures = score(variant, curated_items(knowledge))
            extra = ""
            for path in args.heldout:
                held = score(variant, heldout_items(path))
                extra += f"  {path.stem}: goal P={held.goal_p():.3f} R={held.goal_r():.3f} top5={held.top5():.3f}"
            print(
                f"without {switch:14s} curated: goal P={figures.goal_p():.3f} R={figures.goal_r():.3f} "
                f"target P={figures.target_p():.3f} top5={figures.top5():.3f}{extra}"
            )
    rate = speed(suggester, knowledge)
    print(
        f"goal_p={curated.goal_p():.3f} goal_r={curated.goal_r():.3f} target_p={curated.target_p():.3f} "
        f"target_top5={curated.top5():.3f} texts_per_s={rate:.0f}"
    )


if __name__ == "__main__":
    main()
