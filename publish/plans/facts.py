"""The plans as the data state them: each plan with its publisher, municipality, focus areas, goals, focus points,
SDG link records and dates, read once per index.

Stage: query (the plans read model). Imports `collector`, `errors`, `rdfterms`, `vocab` and `plans.index`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import pyoxigraph as ox

from ..collector import paused_gc
from ..errors import BuildError
from ..rdfterms import Term
from ..vocab import (
    DCT_ISSUED,
    DCT_PUBLISHER,
    DCT_TITLE,
    FOAF_NAME,
    FOAF_PERSON,
    LABEL_PREDICATES,
    PROV_WAS_DERIVED_FROM,
    RDFS_LABEL,
    SCHEMA_PERSON,
    SKOS_PREF_LABEL,
    PlanVocabulary,
)
from .index import DataIndex

TITLES = (DCT_TITLE, RDFS_LABEL, SKOS_PREF_LABEL)


@dataclass(frozen=True)
class AgentFacts:
    """An agent as the catalogue states it: foaf:Agent with foaf:name."""

    iri: str
    names: tuple[ox.Literal, ...]  # foaf:name in the data, else its labels
    label_da: str
    label_en: str
    is_municipality: bool
    is_person: bool


@dataclass(frozen=True)
class Area:
    """A focus area of a plan: its IRI, position in the plan and labels (a row of the plan's coverage matrix)."""

    plan: str
    iri: str
    position: int
    label_da: str
    label_en: str


@dataclass(frozen=True)
class PlanFacts:
    """What the data state about one plan."""

    iri: str
    title_da: str
    title_en: str
    issued: str  # the plan's dct:issued, '' if the data give none
    first_date: str  # the earliest xsd:date on the plan, its parts, links and sources
    last_date: str  # the latest of those
    publisher: AgentFacts
    municipality: AgentFacts
    sources: tuple[str, ...]
    areas: tuple[Area, ...]
    goals: tuple[str, ...]
    initiatives: tuple[str, ...]
    links: tuple[str, ...]  # every SDG link record from the plan or its parts
    accepted_links: int
    follows: tuple[str, ...]  # earlier plans in the data that this plan follows (plo:follows)

    @property
    def start(self) -> str:
        """The plan's first date: its issue date, else the earliest date found."""
        return self.issued or self.first_date

    @property
    def year(self) -> str:
        """The year of the plan's first date, or ''."""
        return self.start[:4]

    @property
    def elements(self) -> tuple[str, ...]:
        """The plan and its parts: focus areas, goals, focus points."""
        return (self.iri, *(a.iri for a in self.areas), *self.goals, *self.initiatives)


def _int(literal: Term | None) -> int:
    try:
        return int(literal.value) if isinstance(literal, ox.Literal) else 0
    except ValueError:
        return 0


def agent_facts(index: DataIndex, vocab: PlanVocabulary, iri: ox.NamedNode) -> AgentFacts:
    """The agent's names and labels; BuildError if the data give it no name at all."""
    names = tuple(index.literals(iri, FOAF_NAME)) or tuple(index.literals(iri, SKOS_PREF_LABEL))
    names = names or tuple(index.literals(iri, RDFS_LABEL))
    if not names:
        raise BuildError(
            f"{iri.value}: the publisher has no foaf:name (nor skos:prefLabel); the catalogue needs the name of "
            "every agent it names (DCAT-AP: foaf:Agent needs foaf:name)"
        )
    label_da = index.text(iri, LABEL_PREDICATES, "da") or names[0].value
    label_en = index.text(iri, LABEL_PREDICATES, "en") or label_da
    return AgentFacts(
        iri.value,
        names,
        label_da,
        label_en,
        index.has_type(iri, vocab.Municipality),
        index.has_type(iri, FOAF_PERSON) or index.has_type(iri, SCHEMA_PERSON),
    )


def plan_areas(index: DataIndex, vocab: PlanVocabulary, plan: ox.NamedNode) -> list[Area]:
    """The plan's focus areas in the plan's order (plo:position, then IRI)."""
    found = {a for a in index.objects(plan, vocab.focusArea) if isinstance(a, ox.NamedNode)}
    found |= {a for a in index.subjects(vocab.inPlan, plan) if isinstance(a, ox.NamedNode)}
    areas = [
        Area(
            plan.value,
            a.value,
            _int(next(iter(index.objects(a, vocab.position)), None)),
            index.text(a, LABEL_PREDICATES, "da"),
            index.text(a, LABEL_PREDICATES, "en"),
        )
        for a in found
    ]
    return sorted(areas, key=lambda a: (a.position, a.iri))


def area_parts(index: DataIndex, vocab: PlanVocabulary, area: ox.NamedNode) -> tuple[list[str], list[str]]:
    """The area's headline goals and its focus points (sorted by position), as IRIs; read once per index (the
    plans' facts and the link rows both walk every area)."""
    key = ("area_parts " + vocab.Plan.value, area.value)
    found = index.memo.get(key)
    if found is None:
        found = index.memo[key] = _area_parts(index, vocab, area)
    goals, points = cast(tuple[list[str], list[str]], found)
    return list(goals), list(points)


def _area_parts(index: DataIndex, vocab: PlanVocabulary, area: ox.NamedNode) -> tuple[list[str], list[str]]:
    parts = {p for p in index.subjects(vocab.area, area) if isinstance(p, ox.NamedNode)}
    goals = {g for g in index.objects(area, vocab.headlineGoal) if isinstance(g, ox.NamedNode)}
    goals |= {p for p in parts if index.has_type(p, vocab.Goal)}
    points = {i for i in index.objects(area, vocab.initiative) if isinstance(i, ox.NamedNode)}
    points |= {p for p in parts if index.has_type(p, vocab.Initiative)}
    ordered = sorted(points, key=lambda i: (_int(next(iter(index.objects(i, vocab.position)), None)), i.value))
    return sorted(g.value for g in goals), [i.value for i in ordered]


def links_from(index: DataIndex, vocab: PlanVocabulary, elements: Iterable[str]) -> list[ox.NamedNode]:
    """The SDG link records whose subject is one of the elements, sorted."""
    links = {
        link
        for element in elements
        for link in index.subjects(vocab.linkSubject, ox.NamedNode(element))
        if isinstance(link, ox.NamedNode) and index.has_type(link, vocab.SDGLink)
    }
    return sorted(links, key=str)


def plan_facts(index: DataIndex, vocab: PlanVocabulary, plan: ox.NamedNode) -> PlanFacts:
    """Everything the catalogue states about one plan, read from the data."""
    title_da, title_en = index.text(plan, TITLES, "da"), index.text(plan, TITLES, "en")
    if not (title_da or title_en):
        raise BuildError(f"{plan.value}: the plan has no dct:title; the catalogue needs one")
    publisher = index.iri(plan, DCT_PUBLISHER) or index.iri(plan, vocab.municipality)
    municipality = index.iri(plan, vocab.municipality) or publisher
    if publisher is None or municipality is None:
        raise BuildError(f"{plan.value}: the plan names no dct:publisher or plo:municipality")
    areas = plan_areas(index, vocab, plan)
    goals: list[str] = []
    initiatives: list[str] = []
    for area in areas:
        area_goals, area_points = area_parts(index, vocab, ox.NamedNode(area.iri))
        goals += area_goals
        initiatives += area_points
    elements = (plan.value, *(a.iri for a in areas), *goals, *initiatives)
    links = links_from(index, vocab, elements)
    sources = index.iris(plan, PROV_WAS_DERIVED_FROM)
    dates = index.dates_of([ox.NamedNode(e) for e in elements] + links + sources)
    follows = [p.value for p in index.iris(plan, vocab.follows) if index.has_type(p, vocab.Plan)]
    return PlanFacts(
        iri=plan.value,
        title_da=title_da,
        title_en=title_en,
        issued=index.date(plan, DCT_ISSUED),
        first_date=min(dates) if dates else "",
        last_date=max(dates) if dates else "",
        publisher=agent_facts(index, vocab, publisher),
        municipality=agent_facts(index, vocab, municipality),
        sources=tuple(s.value for s in sources),
        areas=tuple(areas),
        goals=tuple(goals),
        initiatives=tuple(initiatives),
        links=tuple(link.value for link in links),
        accepted_links=sum(1 for link in links if vocab.Accepted in index.objects(link, vocab.status)),
        follows=tuple(follows),
    )


def all_plans(index: DataIndex, vocab: PlanVocabulary) -> list[PlanFacts]:
    """Every plo:Plan in the data, oldest first (issue date, then IRI); read once per index."""
    key = ("plans", vocab.Plan.value)
    found = index.memo.get(key)
    if found is None:
        with paused_gc():
            plans = [plan_facts(index, vocab, p) for p in index.instances(vocab.Plan)]
        if not plans:
            raise BuildError("the data hold no plo:Plan; the catalogue describes plans")
        found = index.memo[key] = tuple(sorted(plans, key=lambda p: (p.start or "9999", p.iri)))
    return list(cast(tuple[PlanFacts, ...], found))
