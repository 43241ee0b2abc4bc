"""Coverage tables for pages: rows (municipalities, plans or focus areas) × the 17 goals, shaded by count.

Stage: query (view models). Imports `plans` (the coverage matrices), `query`, `vocab` and the `views` links and
models.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from ..plans import CoverageGoal, CoverageMatrix
from ..query import SiteGraph
from ..vocab import DCT_PUBLISHER, PlanVocabulary
from .links import Links
from .models import (
    CoverageCellView,
    CoverageColumnView,
    CoveragePageView,
    CoverageRowView,
    CoverageTableView,
    LinkView,
)


def shade(count: int, peak: int) -> int:
    """Shading class 0–4 for a coverage count: 0 is none, 4 the plan's highest count."""
    if count <= 0 or peak <= 0:
        return 0
    return max(1, min(4, round(4 * count / peak)))


class CoverageTables:
    """The coverage tables of the coverage page and of each plan's page."""

    def __init__(
        self, graph: SiteGraph, vocab: PlanVocabulary, links: Links, matrices: Sequence[CoverageMatrix]
    ) -> None:
        self.g = graph
        self.vocab = vocab
        self.links = links
        self.matrices = {m.plan: m for m in matrices}

    def goal_columns(
        self, goals: Sequence[CoverageGoal], totals: Sequence[int], lang: str, here: str
    ) -> tuple[CoverageColumnView, ...]:
        """The 17 goal columns of a coverage table."""
        return tuple(
            CoverageColumnView(
                self.links.badge(ox.NamedNode(goal.iri), here, lang),
                goal.label_da if lang == "da" else goal.label_en,
                goal.number,
                total,
            )
            for goal, total in zip(goals, totals, strict=True)
        )

    def table(
        self,
        heading: LinkView | None,
        labels: Sequence[LinkView],
        counts: Sequence[Sequence[int]],
        goals: Sequence[CoverageGoal],
        lang: str,
        here: str,
    ) -> CoverageTableView:
        """One coverage table: rows × the 17 goals, shaded relative to the table's highest count."""
        peak = max((c for row in counts for c in row), default=0)
        totals = [sum(row[j] for row in counts) for j in range(len(goals))]
        return CoverageTableView(
            heading,
            self.goal_columns(goals, totals, lang, here),
            tuple(
                CoverageRowView(label, tuple(CoverageCellView(c, shade(c, peak)) for c in row), sum(row))
                for label, row in zip(labels, counts, strict=True)
            ),
            sum(totals),
        )

    def plan(self, matrix: CoverageMatrix, lang: str, here: str, heading: bool = True) -> CoverageTableView:
        """A plan's focus areas × the 17 goals."""
        return self.table(
            self.links.link(ox.NamedNode(matrix.plan), here, lang) if heading else None,
            [self.links.link(ox.NamedNode(area.iri), here, lang) for area in matrix.areas],
            matrix.counts,
            matrix.goals,
            lang,
            here,
        )

    def of_plan(self, plan: ox.NamedNode, lang: str, here: str) -> CoverageTableView | None:
        """The coverage table on a plan's own page (no heading), or None when the plan has no matrix."""
        matrix = self.matrices.get(plan.value)
        return self.plan(matrix, lang, here, heading=False) if matrix else None

    def page(self, lang: str, here: str) -> CoveragePageView:
        """The coverage page: per municipality and per plan (accepted links per goal), and each plan's areas."""
        matrices = list(self.matrices.values())
        if not matrices:
            return CoveragePageView(None, None, ())
        goals = matrices[0].goals
        by_municipality: dict[str, list[int]] = {}
        for matrix in matrices:
            municipality = self.g.value(ox.NamedNode(matrix.plan), self.vocab.municipality) or self.g.value(
                ox.NamedNode(matrix.plan), DCT_PUBLISHER
            )
            key = municipality.value if isinstance(municipality, ox.NamedNode) else ""
            sums = by_municipality.setdefault(key, [0] * len(goals))
            for j, total in enumerate(matrix.goal_totals):
                sums[j] += total
        municipalities = sorted(by_municipality, key=lambda m: self.g.label(ox.NamedNode(m), lang) if m else "")
        link = self.links.link
        return CoveragePageView(
            self.table(
                None,
                [link(ox.NamedNode(m), here, lang) if m else LinkView("–", "") for m in municipalities],
                [by_municipality[m] for m in municipalities],
                goals,
                lang,
                here,
            ),
            self.table(
                None,
                [link(ox.NamedNode(m.plan), here, lang) for m in matrices],
                [m.goal_totals for m in matrices],
                goals,
                lang,
                here,
            ),
            # The focus-area detail of every plan is on the plan's own page; here only when the plans are few.
            tuple(self.plan(m, lang, here) for m in matrices) if len(matrices) <= 10 else (),
        )
