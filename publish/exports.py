"""Exports for researchers: the SDG links as tidy CSV and as SSSOM, and the SDG coverage of each plan.

Stage: exports (called by `build`). Imports `catalog` (its index over the triples and the plan facts), `config`,
`namespaces`, `urls`; pyoxigraph terms. Output is bytes, UTF-8, sorted and independent of the clock: the same
data give the same bytes.

- `sdg_links_csv`: one row per SDG link record (any status), RFC 4180 (comma, CRLF, quotes where needed).
- `sdg_links_sssom`: SSSOM/TSV (https://mapping-commons.github.io/sssom/) with its YAML metadata block: accepted
  links as `skos:relatedMatch` (never exactMatch: a focus point is not the same thing as an SDG target),
  rejected links with `predicate_modifier: Not`, proposed links left out (they are not yet assertions).
- `coverage_matrix` / `coverage_csv`: per plan, focus areas × the 17 goals, counting accepted links from the area,
  its headline goal and its focus points to the goal or any of its targets.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import pyoxigraph as ox

from .catalog import (
    AreaFacts,
    DataIndex,
    PlanFacts,
    all_plans,
    area_parts,
    as_index,
    links_from,
    site_facts,
)
from .collector import paused_gc
from .config import Config
from .model import vocabulary
from .namespaces import SKOS
from .urls import UrlPolicy, sdg_links_sssom_file
from .vocab import (
    DCT_CREATED,
    DCT_TITLE,
    LABEL_PREDICATES,
    PROV_WAS_ATTRIBUTED_TO,
    RDFS_LABEL,
    SDG_CODE_COMPACT,
    SDG_GOAL,
    SDG_KOS,
    SDG_NS,
    SKOS_ALT_LABEL,
    SKOS_BROADER,
    SKOS_NOTATION,
    SKOS_PREF_LABEL,
    SKOS_TOP_CONCEPT_OF,
    PlanVocabulary,
)

GOAL_NUMBERS = range(1, 18)
SEMAPV = "https://w3id.org/semapv/vocab/"
SITE_PREFIX = "planlod"

CSV_COLUMNS = (
    "link",
    "plan",
    "area",
    "area_label_da",
    "area_label_en",
    "item",
    "item_kind",
    "item_position",
    "text_da",
    "text_en",
    "sdg_goal",
    "sdg_goal_notation",
    "sdg_target",
    "sdg_target_notation",
    "method",
    "status",
    "rationale_da",
    "rationale_en",
)


# ---------------------------------------------------------------- SDG concepts


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
    """Sort key in the UN's order: 3.2 < 3.10 < 3.a."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in notation.split("."))


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
        number = _compact_notation(index, concept).split(".", 1)[0]
        goal = ox.NamedNode(SDG_NS + number)
    return SdgConcept(
        concept.value,
        _compact_notation(index, concept),
        goal.value,
        _compact_notation(index, goal),
        index.text(concept, (SKOS_PREF_LABEL,), "en"),
    )


# ---------------------------------------------------------------- link rows


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


def _kind(index: DataIndex, vocab: PlanVocabulary, item: ox.NamedNode) -> str:
    kinds = (
        (vocab.Plan, "plan"),
        (vocab.FocusArea, "focus-area"),
        (vocab.Goal, "goal"),
        (vocab.Initiative, "initiative"),
    )
    return next((name for cls, name in kinds if index.has_type(item, cls)), "")


def _row(
    index: DataIndex, vocab: PlanVocabulary, link: ox.NamedNode, plan: str, area: AreaFacts | None
) -> LinkRow | None:
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
        authors=tuple(a.value for a in index.iris(link, PROV_WAS_ATTRIBUTED_TO)),
        confidence=confidence,
        accepted=status == vocab.Accepted,
        rejected=status == vocab.Rejected,
    )


def _element_groups(plan: PlanFacts, index: DataIndex, vocab: PlanVocabulary) -> list[tuple[AreaFacts | None, str]]:
    """The plan's elements in the plan's order, each with its focus area: plan, then area, goal, focus points."""
    groups: list[tuple[AreaFacts | None, str]] = [(None, plan.iri)]
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


def _short(policy: UrlPolicy, iri: str) -> str:
    return policy.short(iri) if iri else ""


def sdg_links_csv(data: Iterable[ox.Triple] | DataIndex, policy: UrlPolicy) -> bytes:
    """The SDG links as a tidy CSV table: one row per link record, columns CSV_COLUMNS, UTF-8, CRLF."""
    index = as_index(data)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for r in link_rows(index, vocabulary(policy)):
        c = r.concept
        writer.writerow(
            (
                r.link,
                r.plan,
                r.area,
                r.area_label_da,
                r.area_label_en,
                r.item,
                r.item_kind,
                r.item_position,
                r.text_da,
                r.text_en,
                c.goal,
                c.goal_notation,
                "" if c.is_goal else c.iri,
                "" if c.is_goal else c.notation,
                _short(policy, r.method),
                _short(policy, r.status),
                r.rationale_da,
                r.rationale_en,
            )
        )
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------- SSSOM


def curie_map(policy: UrlPolicy) -> dict[str, str]:
    """The SSSOM prefixes: the site (its base IRI), the ontology, the SDGs and the mapping vocabularies."""
    return {
        SITE_PREFIX: policy.base,
        "plo": policy.ontology_ns,
        "sdg": SDG_NS,
        "semapv": SEMAPV,
        "skos": str(SKOS),
    }


def to_curie(iri: str, prefixes: dict[str, str]) -> str:
    """The CURIE of an IRI under the longest matching namespace; the IRI itself when none matches."""
    best = max(((p, ns) for p, ns in prefixes.items() if iri.startswith(ns)), key=lambda x: len(x[1]), default=None)
    return f"{best[0]}:{iri[len(best[1]) :]}" if best else iri


def mapping_justification(row: LinkRow, vocab: PlanVocabulary) -> str:
    """The SEMAPV justification: a person chose the link (curated, or picked where the plan names the SDGs)."""
    if row.method in (vocab.Curated.value, vocab.StatedInPlan.value):
        return "semapv:ManualMappingCuration"
    return "semapv:UnspecifiedMatching"


def _cell(value: str) -> str:
    return " ".join(value.split())


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def sssom_header(policy: UrlPolicy, config: Config, index: DataIndex, authors: Sequence[str]) -> str:
    """The SSSOM metadata block, one '# ' line each (YAML; every value a double-quoted string)."""
    prefixes = curie_map(policy)
    site = site_facts(config, policy, index)
    names = ", ".join(dict.fromkeys(p.municipality.label_en for p in site.plans))
    lines = ["curie_map:"]
    lines += [f"  {prefix}: {_yaml(ns)}" for prefix, ns in sorted(prefixes.items())]
    lines += [
        f"mapping_set_id: {_yaml(policy.iri(sdg_links_sssom_file()))}",
        f"mapping_set_title: {_yaml('SDG links of political plans: ' + names)}",
        "mapping_set_description: "
        + _yaml(
            "Links from the plans' focus areas, headline goals and focus points to the UN Sustainable Development "
            "Goals and targets (UN SDG KOS), each with the rationale of the person who made it. skos:relatedMatch: "
            "the plan element contributes to the goal or target; it is not the same thing."
        ),
        f"license: {_yaml(config.licence)}",
        f"mapping_provider: {_yaml(policy.dataset)}",
        'object_type: "skos concept"',
    ]
    if authors:
        lines.append("creator_id:")
        lines += [f"  - {_yaml(to_curie(a, prefixes))}" for a in authors]
    return "".join(f"# {line}\n" for line in lines)


def sdg_links_sssom(data: Iterable[ox.Triple] | DataIndex, policy: UrlPolicy, config: Config) -> bytes:
    """The accepted (and rejected, negated) SDG links as SSSOM/TSV with its metadata block."""
    index = as_index(data)
    vocab = vocabulary(policy)
    prefixes = curie_map(policy)
    rows = [r for r in link_rows(index, vocab) if r.accepted or r.rejected]
    columns = ["subject_id", "subject_label", "predicate_id"]
    columns += ["predicate_modifier"] if any(r.rejected for r in rows) else []
    columns += ["object_id", "object_label", "mapping_justification", "author_id", "mapping_date"]
    columns += ["confidence"] if any(r.confidence for r in rows) else []
    columns += ["curation_rule", "comment"]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for r in rows:
        values = {
            "subject_id": to_curie(r.item, prefixes),
            "subject_label": r.text_da or r.text_en,
            "predicate_id": "skos:relatedMatch",
            "predicate_modifier": "Not" if r.rejected else "",
            "object_id": to_curie(r.concept.iri, prefixes),
            "object_label": r.concept.label_en,
            "mapping_justification": mapping_justification(r, vocab),
            "author_id": "|".join(to_curie(a, prefixes) for a in r.authors),
            "mapping_date": r.created,
            "confidence": r.confidence,
            "curation_rule": to_curie(r.method, prefixes) if r.method else "",
            "comment": r.rationale_en or r.rationale_da,
        }
        writer.writerow([_cell(values[c]) for c in columns])
    authors = sorted({a for r in rows for a in r.authors})
    return (sssom_header(policy, config, index, authors) + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- coverage


@dataclass(frozen=True)
class CoverageArea:
    """A row of the coverage matrix: a focus area of a plan."""

    plan: str
    iri: str
    position: int
    label_da: str
    label_en: str


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
    areas: tuple[CoverageArea, ...]
    goals: tuple[CoverageGoal, ...]
    counts: tuple[tuple[int, ...], ...]  # counts[i][j]: areas[i] × goals[j]

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
    row_of = {a.iri: i for i, a in enumerate(plan.areas)}
    for r in rows:
        j = column.get(r.concept.goal)
        if j is not None:
            counts[row_of[r.area]][j] += 1
    return CoverageMatrix(
        plan=plan.iri,
        plan_title_da=plan.title_da,
        plan_title_en=plan.title_en,
        areas=tuple(CoverageArea(plan.iri, a.iri, a.position, a.label_da, a.label_en) for a in plan.areas),
        goals=goals,
        counts=tuple(tuple(row) for row in counts),
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


def coverage_csv(matrices: Sequence[CoverageMatrix]) -> bytes:
    """The coverage matrices as one CSV table: a row per plan and area, a column per goal, and the total."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    numbers = [g.number for g in matrices[0].goals] if matrices else list(GOAL_NUMBERS)
    writer.writerow(
        ["plan", "area", "area_position", "area_label_da", "area_label_en", *(f"sdg_{n}" for n in numbers), "total"]
    )
    for matrix in matrices:
        for area, row in zip(matrix.areas, matrix.counts, strict=True):
            writer.writerow([matrix.plan, area.iri, area.position, area.label_da, area.label_en, *row, sum(row)])
    return buffer.getvalue().encode("utf-8")
