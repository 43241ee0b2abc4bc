"""The SDG link records flattened with their plan, focus area and element, in the plans' order; the SDG goal or
target each points at, from the UN SDG KOS in the data.

Stage: query (the plans read model). Imports `collector`, `vocab`, `plans.index` and `plans.facts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pyoxigraph as ox

from ..collector import paused_gc
from ..vocab import (
    DCT_CREATED,
    DCT_TITLE,
    PROV_WAS_ATTRIBUTED_TO,
    RDFS_LABEL,
    SDG_CODE_COMPACT,
    SDG_GOAL,
    SDG_KOS,
    SDG_NS,
    SKOS_BROADER,
    SKOS_NOTATION,
    SKOS_PREF_LABEL,
    SKOS_TOP_CONCEPT_OF,
    PlanVocabulary,
)
from .facts import Area, PlanFacts, all_plans, area_parts, links_from
from .index import DataIndex


@dataclass(frozen=True)
class SdgConcept:
    """A UN SDG goal or target, with the goal it belongs to."""

    iri: str
    notation: str  # compact notation: "3", "3.5", "3.a"
    goal: str  # the goal's IRI (the concept itself for a goal)
    goal_notation: str
    label_en: str

    @property
    def is_goal(self) -> bool:
        """Whether the concept is a goal (not a target or indicator)."""
        return self.iri == self.goal


def notation_key(notation: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key of a compact SDG notation in the UN's order: a goal before its targets, 3.2 < 3.10 < 3.a; any other
    text after the goals."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in notation.split("."))


def goal_notation(notation: str) -> str:
    """The notation of the goal a compact SDG notation belongs to: "11.2" → "11", "11" → "11"."""
    return notation.split(".", 1)[0]


def _compact_notation(index: DataIndex, concept: ox.NamedNode) -> str:
    for literal in index.literals(concept, SKOS_NOTATION):
        if literal.datatype == SDG_CODE_COMPACT:
            return literal.value
    suffix = concept.value[len(SDG_NS) :] if concept.value.startswith(SDG_NS) else concept.value
    return suffix


def _is_goal(index: DataIndex, concept: ox.NamedNode) -> bool:
    if index.has_type(concept, SDG_GOAL) or SDG_KOS in index.objects(concept, SKOS_TOP_CONCEPT_OF):
        return True
    suffix = concept.value[len(SDG_NS) :] if concept.value.startswith(SDG_NS) else ""
    return suffix.isdigit() and not index.objects(concept, SKOS_BROADER)


def sdg_concept(index: DataIndex, concept: ox.NamedNode) -> SdgConcept:
    """The concept's notation and goal, from the SDG KOS in the data (skos:broader), else from its IRI."""
    goal: ox.NamedNode | None = concept
    for _ in range(4):
        if goal is None or _is_goal(index, goal):
            break
        goal = index.iri(goal, SKOS_BROADER)
    if goal is None or not _is_goal(index, goal):
        number = goal_notation(_compact_notation(index, concept))
        goal = ox.NamedNode(SDG_NS + number)
    return SdgConcept(
        concept.value,
        _compact_notation(index, concept),
        goal.value,
        _compact_notation(index, goal),
        index.text(concept, (SKOS_PREF_LABEL,), "en"),
    )


@dataclass(frozen=True)
class LinkRow:
    """One SDG link record, flattened with its plan, area and item."""

    link: str
    plan: str
    area: str
    area_label_da: str
    area_label_en: str
    item: str
    item_kind: str  # "plan", "focus-area", "goal", "initiative"
    item_position: str
    text_da: str
    text_en: str
    concept: SdgConcept
    method: str
    status: str
    rationale_da: str
    rationale_en: str
    created: str
    authors: tuple[str, ...]
    confidence: str
    accepted: bool
    rejected: bool
    proposed: bool = False  # awaiting a curator: shown apart, never counted
    decided_by: tuple[str, ...] = ()  # plo:decidedBy: who accepted, rejected or withdrew it


def _kind(index: DataIndex, vocab: PlanVocabulary, item: ox.NamedNode) -> str:
    kinds = (
        (vocab.Plan, "plan"),
        (vocab.FocusArea, "focus-area"),
        (vocab.Goal, "goal"),
        (vocab.Initiative, "initiative"),
    )
    return next((name for cls, name in kinds if index.has_type(item, cls)), "")


def _row(index: DataIndex, vocab: PlanVocabulary, link: ox.NamedNode, plan: str, area: Area | None) -> LinkRow | None:
    item = index.iri(link, vocab.linkSubject)
    concept = index.iri(link, vocab.sdgConcept)
    if item is None or concept is None:
        return None
    position = next((lit.value for lit in index.literals(item, vocab.position)), "")
    method, status = index.iri(link, vocab.method), index.iri(link, vocab.status)
    confidence = next((lit.value for lit in index.literals(link, vocab.confidence)), "")
    texts = (SKOS_PREF_LABEL, RDFS_LABEL, DCT_TITLE)
    return LinkRow(
        link=link.value,
        plan=plan,
        area=area.iri if area else "",
        area_label_da=area.label_da if area else "",
        area_label_en=area.label_en if area else "",
        item=item.value,
        item_kind=_kind(index, vocab, item),
        item_position=position,
        text_da=index.text(item, texts, "da"),
        text_en=index.text(item, texts, "en"),
        concept=sdg_concept(index, concept),
        method=method.value if method else "",
        status=status.value if status else "",
        rationale_da=index.text(link, (vocab.rationale,), "da"),
        rationale_en=index.text(link, (vocab.rationale,), "en"),
        created=index.date(link, DCT_CREATED),
        authors=_authors(index, vocab, link),
        confidence=confidence,
        accepted=status == vocab.Accepted,
        rejected=status == vocab.Rejected,
        proposed=status == vocab.Proposed,
        decided_by=tuple(a.value for a in index.iris(link, vocab.decidedBy)),
    )


def _authors(index: DataIndex, vocab: PlanVocabulary, link: ox.NamedNode) -> tuple[str, ...]:
    """Who established the link. plo:decidedBy is a sub-property of prov:wasAttributedTo, so the published data
    attribute a suggestion (plo:method plo:Suggested) to its curator too: a suggestion's authors are the agents it
    is attributed to other than those who decided it (the suggester); a curated link's are all of them."""
    attributed = tuple(a.value for a in index.iris(link, PROV_WAS_ATTRIBUTED_TO))
    if vocab.Suggested not in index.iris(link, vocab.method):
        return attributed
    deciders = {a.value for a in index.iris(link, vocab.decidedBy)}
    return tuple(a for a in attributed if a not in deciders)


def _element_groups(plan: PlanFacts, index: DataIndex, vocab: PlanVocabulary) -> list[tuple[Area | None, str]]:
    """The plan's elements in the plan's order, each with its focus area: plan, then area, goal, focus points."""
    groups: list[tuple[Area | None, str]] = [(None, plan.iri)]
    for area in plan.areas:
        goals, points = area_parts(index, vocab, ox.NamedNode(area.iri))
        groups += [(area, element) for element in (area.iri, *goals, *points)]
    return groups


def link_rows(index: DataIndex, vocab: PlanVocabulary) -> list[LinkRow]:
    """Every SDG link record: by plan, area, item (in the plan's order), then SDG notation; others last.

    Read once per index: the CSV, the SSSOM file and the coverage matrices share the rows."""
    key = ("link_rows", vocab.Plan.value)
    found = index.memo.get(key)
    if found is None:
        with paused_gc():
            found = index.memo[key] = tuple(_link_rows(index, vocab))
    return list(cast(tuple[LinkRow, ...], found))


def _link_rows(index: DataIndex, vocab: PlanVocabulary) -> list[LinkRow]:
    rows: list[LinkRow] = []
    placed: set[str] = set()
    plans = all_plans(index, vocab) if index.instances(vocab.Plan) else []
    for plan in plans:
        for area, element in _element_groups(plan, index, vocab):
            found = [_row(index, vocab, link, plan.iri, area) for link in links_from(index, vocab, [element])]
            ordered = sorted(
                (r for r in found if r is not None and r.link not in placed),
                key=lambda r: (notation_key(r.concept.notation), r.concept.iri, r.link),
            )
            placed.update(r.link for r in ordered)
            rows += ordered
    for link in index.instances(vocab.SDGLink):
        if link.value not in placed:
            row = _row(index, vocab, link, "", None)
            if row is not None:
                rows.append(row)
    return rows
