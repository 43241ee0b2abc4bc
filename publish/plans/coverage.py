"""The SDG coverage of each plan: its focus areas × the 17 goals, counting accepted links from the area, its
headline goal and its focus points to the goal or any of its targets.

Stage: query (the plans read model). Imports `collector`, `model`, `urls` and `vocab`, and the other `plans`
modules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ..collector import paused_gc
from ..model import vocabulary
from ..urls import UrlPolicy
from ..vocab import LABEL_PREDICATES, SDG_NS, SKOS_ALT_LABEL, SKOS_PREF_LABEL
from .facts import Area, PlanFacts, all_plans
from .index import DataIndex, as_index
from .links import LinkRow, link_rows

GOAL_NUMBERS = range(1, 18)


@dataclass(frozen=True)
class CoverageGoal:
    """A column of the coverage matrix: one of the 17 goals."""

    iri: str
    number: int
    label_da: str  # the Danish short title
    label_en: str  # the English short title (skos:altLabel), else the full title


@dataclass(frozen=True)
class CoverageMatrix:
    """One plan's SDG coverage: counts[area][goal] accepted links from the area (or its parts) to the goal."""

    plan: str
    plan_title_da: str
    plan_title_en: str
    areas: tuple[Area, ...]
    goals: tuple[CoverageGoal, ...]
    counts: tuple[tuple[int, ...], ...]  # counts[i][j]: areas[i] × goals[j]
    # focus_points[j]: the plan's focus points with an accepted link to goals[j] or one of its targets.
    focus_points: tuple[int, ...] = ()

    def count(self, area: str, goal: str) -> int:
        """The count for an area IRI and a goal IRI."""
        i = next(n for n, a in enumerate(self.areas) if a.iri == area)
        j = next(n for n, g in enumerate(self.goals) if g.iri == goal)
        return self.counts[i][j]

    @property
    def area_totals(self) -> tuple[int, ...]:
        """Accepted links per area."""
        return tuple(sum(row) for row in self.counts)

    @property
    def goal_totals(self) -> tuple[int, ...]:
        """Accepted links per goal."""
        return tuple(sum(row[j] for row in self.counts) for j in range(len(self.goals)))

    @property
    def total(self) -> int:
        """All accepted links from the plan's focus areas and their parts."""
        return sum(self.area_totals)


def coverage_goals(index: DataIndex) -> tuple[CoverageGoal, ...]:
    """The 17 goals (the UN's IRIs), labelled from the SDG KOS in the data where it is there."""
    goals = []
    for number in GOAL_NUMBERS:
        iri = ox.NamedNode(f"{SDG_NS}{number}")
        label_en = index.text(iri, (SKOS_ALT_LABEL, SKOS_PREF_LABEL), "en")
        goals.append(CoverageGoal(iri.value, number, index.text(iri, LABEL_PREDICATES, "da"), label_en))
    return tuple(goals)


def _matrix(plan: PlanFacts, goals: tuple[CoverageGoal, ...], rows: Sequence[LinkRow]) -> CoverageMatrix:
    """The plan's matrix from its accepted link rows that belong to a focus area."""
    column = {g.iri: j for j, g in enumerate(goals)}
    counts = [[0] * len(goals) for _ in plan.areas]
    points: list[set[str]] = [set() for _ in goals]
    row_of = {a.iri: i for i, a in enumerate(plan.areas)}
    for r in rows:
        j = column.get(r.concept.goal)
        if j is not None:
            counts[row_of[r.area]][j] += 1
            if r.item_kind == "initiative":
                points[j].add(r.item)
    return CoverageMatrix(
        plan=plan.iri,
        plan_title_da=plan.title_da,
        plan_title_en=plan.title_en,
        areas=plan.areas,
        goals=goals,
        counts=tuple(tuple(row) for row in counts),
        focus_points=tuple(len(items) for items in points),
    )


def coverage_matrix(data: Iterable[ox.Triple] | DataIndex, policy: UrlPolicy) -> list[CoverageMatrix]:
    """One coverage matrix per plan, oldest plan first."""
    index = as_index(data)
    vocab = vocabulary(policy)
    if not index.instances(vocab.Plan):
        return []
    goals = coverage_goals(index)
    by_plan: dict[str, list[LinkRow]] = {}
    with paused_gc():
        for row in link_rows(index, vocab):
            if row.accepted and row.area:
                by_plan.setdefault(row.plan, []).append(row)
        return [_matrix(plan, goals, by_plan.get(plan.iri, [])) for plan in all_plans(index, vocab)]
