"""Proposals and curation decisions as data: a plan's file of proposed SDG links.

Stage: suggest (proposals and decisions). Imports `config`, `errors`, `load`, `model`, `plans`, `urls`, `validate`,
`vocab`, `suggest.scoring` and `suggest.explain`; pyoxigraph.

`planlod suggest PLAN` writes `{plan slug}-sdg-forslag.ttl` (`urls.sdg_proposals_file`) beside the data file that
describes the plan: one `plo:SDGLink` per proposal (method plo:Suggested, status plo:Proposed, plo:confidence, an
explanation in Danish and English as plo:rationale, prov:wasGeneratedBy the suggestion run). It follows the
linking policy (docs/sdg-linking.md):
- it proposes for the plan's own sentences, each headline goal and focus point; focus areas and the plan are
  linked through their parts, so it proposes nothing for them;
- never a goal and one of its targets for the same element, counting the element's accepted and proposed links
  (and a goal rejected for the element bars its targets);
- never a target on `plo:DevelopingCountryTargets`;
- never a goal or target that any record in the data (accepted, rejected, withdrawn or proposed) already ties to
  the element.
Every record in the file stays as it is: a published record is never deleted, and an open proposal waits for a
curator. A rerun adds only the proposals that are new.
`planlod suggest accept|reject LINK…` sets the status and records who decided (plo:decidedBy, the curator named
in the configuration, described as a prov:Agent), on what date (plo:decisionDate) and that the record changed
(dct:modified). A decision the shapes would refuse (an accepted goal beside an accepted target of it, a focus
area's link to a goal its parts carry, a developing-country target) is refused, and nothing is written.
The file is written by planlod (deterministically: sorted, fixed prefixes, relative IRIs like the other data
files) through a temporary file that replaces it only when complete.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..config import Config
from ..errors import ConfigError, InputError, NonConforming
from ..load import Role, SourceFile, Sources, display_path
from ..model import vocabulary
from ..plans import DataIndex, area_parts, notation_key, plan_areas
from ..urls import UrlPolicy, is_sdg_proposals_file, sdg_proposals_file, slugify
from ..validate import run_validation
from ..vocab import (
    DCT_CREATED,
    DCT_MODIFIED,
    FOAF_NAME,
    FOAF_PERSON,
    PROV_ACTIVITY,
    PROV_AGENT,
    PROV_SOFTWARE_AGENT,
    PROV_USED,
    PROV_WAS_ASSOCIATED_WITH,
    PROV_WAS_ATTRIBUTED_TO,
    PROV_WAS_DERIVED_FROM,
    PROV_WAS_GENERATED_BY,
    RDF_TYPE,
    RDFS_COMMENT,
    RDFS_LABEL,
    SCHEMA_SOFTWARE_VERSION,
    SDG_KOS,
    SDG_NS,
    SKOS_MEMBER,
    XSD_DATE,
    XSD_DECIMAL,
    XSD_STRING,
    PlanVocabulary,
)
from . import SUGGESTER_NAME, SUGGESTER_VERSION
from .explain import explain
from .scoring import Candidate, Suggester

Value = ox.NamedNode | ox.Literal | ox.BlankNode
Description = dict[str, list[tuple[ox.NamedNode, Value]]]


@dataclass(frozen=True)
class Element:
    """A plan element the suggester proposes links for: a headline goal or a focus point."""

    iri: str
    kind: str  # "goal" or "initiative"
    text: str
    label_da: str
    label_en: str


@dataclass
class PlanProposals:
    """What a run on one plan did."""

    path: Path
    elements: int
    proposed: int
    kept: int
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    """The outcome of one accept or reject."""

    link: str
    path: str
    changed: bool
    status: str


@dataclass(frozen=True)
class Record:
    """An SDG link record in the data: its element, goal or target (as a notation), status and file."""

    iri: str
    element: str
    notation: str
    status: str
    file: str


# ---------------------------------------------------------------- reading the data


@dataclass
class PlanData:
    """What planlod suggest reads about the plans, indexed once (a national corpus holds a thousand plans; each
    plan's run must not read all of it again)."""

    index: DataIndex
    plans: list[str]
    plan_files: dict[str, str]  # plan -> the data file that types it
    records: dict[str, Record]
    by_element: dict[str, list[Record]]
    developing_country_targets: frozenset[str]  # notations on plo:DevelopingCountryTargets

    @classmethod
    def of(cls, loaded: Sources, vocab: PlanVocabulary) -> PlanData:
        """The index of the loaded data, the files of its plans and link records, and the policy's list of
        targets aimed at developing countries (from the ontology)."""
        index = DataIndex(loaded.triples(Role.DATA))
        plan_files: dict[str, str] = {}
        record_files: dict[str, str] = {}
        for source in loaded.files:
            if source.role is not Role.DATA:
                continue
            for t in source.triples:
                if t.predicate == RDF_TYPE and isinstance(t.subject, ox.NamedNode):
                    if t.object == vocab.Plan:
                        plan_files.setdefault(t.subject.value, source.path)
                    elif t.object == vocab.SDGLink:
                        record_files.setdefault(t.subject.value, source.path)
        records: dict[str, Record] = {}
        by_element: dict[str, list[Record]] = defaultdict(list)
        for iri, path in sorted(record_files.items()):
            node = ox.NamedNode(iri)
            element, concept = index.iri(node, vocab.linkSubject), index.iri(node, vocab.sdgConcept)
            status = index.iri(node, vocab.status)
            if element is not None and concept is not None and concept.value.startswith(SDG_NS):
                record = Record(iri, element.value, concept.value[len(SDG_NS) :], status.value if status else "", path)
                records[iri] = record
                by_element[element.value].append(record)
        barred = frozenset(
            t.object.value[len(SDG_NS) :]
            for t in loaded.triples(Role.ONTOLOGY, Role.DATA)
            if t.subject == vocab.DevelopingCountryTargets
            and t.predicate == SKOS_MEMBER
            and isinstance(t.object, ox.NamedNode)
            and t.object.value.startswith(SDG_NS)
        )
        return cls(index, sorted(plan_files), plan_files, records, dict(by_element), barred)

    def records_of(self, element: str) -> list[Record]:
        """The SDG link records from one element, in any file and with any status."""
        return self.by_element.get(element, [])


def find_plan(policy: UrlPolicy, given: str, data: PlanData) -> str:
    """The plan's IRI from an IRI, a path under the base or the last path segment; an InputError otherwise."""
    wanted = given.strip().strip("/")
    for plan in data.plans:
        if wanted in (plan, policy.short(plan), plan.rsplit("/", 1)[-1]):
            return plan
    shown = ", ".join(policy.short(p).rsplit("/", 1)[-1] for p in data.plans) or "none"
    raise InputError(f"no plan {given!r} in the data; the plans are: {shown}")


def plan_elements(vocab: PlanVocabulary, plan: str, data: PlanData) -> list[Element]:
    """The plan's headline goals and focus points, in the plan's order, with their Danish text."""
    index = data.index
    elements: list[Element] = []
    for area in plan_areas(index, vocab, ox.NamedNode(plan)):
        name_da, name_en = area.label_da, area.label_en or area.label_da
        goals, points = area_parts(index, vocab, ox.NamedNode(area.iri))
        for goal in goals:
            text = index.text(ox.NamedNode(goal), (RDFS_LABEL,), "da")
            elements.append(Element(goal, "goal", text, f"{name_da}, overordnet mål", f"{name_en}, headline goal"))
        for point in points:
            node = ox.NamedNode(point)
            number = next((lit.value for lit in index.literals(node, vocab.position)), "")
            text = index.text(node, (RDFS_LABEL,), "da")
            elements.append(
                Element(
                    point, "initiative", text, f"{name_da}, fokuspunkt {number}", f"{name_en}, focus point {number}"
                )
            )
    return elements


def plan_source(plan: str, data: PlanData) -> ox.NamedNode | None:
    """The source document the plan derives from, if the data name one."""
    return data.index.iri(ox.NamedNode(plan), PROV_WAS_DERIVED_FROM)


def barred_concepts(
    records: Iterable[Record], vocab: PlanVocabulary, targets_of: Callable[[str], Iterable[str]]
) -> set[str]:
    """The goals and targets (notations) the suggester must not propose for an element, given its records:
    every one a record already names (whatever its status: a pair is never proposed twice); the goal of a
    target it is linked to or has a proposal for, and the targets of a goal it is linked to or has a proposal
    for (an element is linked to a goal or to its targets, never both); and the targets of a goal rejected for
    it (the element lies outside the goal's field)."""
    held = {vocab.Accepted.value, vocab.Proposed.value}
    barred: set[str] = set()
    for record in records:
        barred.add(record.notation)
        goal, _, target = record.notation.partition(".")
        if target and record.status in held:
            barred.add(goal)
        elif not target and (record.status in held or record.status == vocab.Rejected.value):
            barred.update(targets_of(goal))
    return barred


def passed_over(
    records: Iterable[Record], vocab: PlanVocabulary, developing_country_targets: frozenset[str]
) -> set[str]:
    """The targets the suggester leaves out of its ranking for an element, so that under an accepted goal the
    next best targets are accepted instead: those aimed at developing countries, and those rejected for the
    element or withdrawn. (A target the element is linked to, or has a proposal for, stays in the ranking: it
    is still a right answer, only not one to propose again.)"""
    closed = {vocab.Rejected.value, vocab.Withdrawn.value}
    return set(developing_country_targets) | {r.notation for r in records if "." in r.notation and r.status in closed}


def proposals_for(candidates: Iterable[Candidate], barred: set[str], goal_of: Callable[[str], str]) -> list[Candidate]:
    """The accepted candidates that become proposals: the targets, and each goal none of whose targets is
    proposed; none that is barred."""
    accepted = [c for c in candidates if c.accepted and c.notation not in barred]
    targets = [c for c in accepted if "." in c.notation]
    covered = {goal_of(c.notation) for c in targets}
    return targets + [c for c in accepted if "." not in c.notation and c.notation not in covered]


# ---------------------------------------------------------------- the proposals file


def proposals_path(config: Config, policy: UrlPolicy, plan: str, data: PlanData) -> Path:
    """Where a plan's proposals live: `{plan slug}-sdg-forslag.ttl` in the folder of the data file that types
    the plan (`data/` for a project with one plan; `data/kommuner/{k}/` in a national corpus, where two
    municipalities' plans may share a slug)."""
    name = sdg_proposals_file(slugify(policy.path(plan).rsplit("/", 1)[-1]))
    folder = config.data_dir
    typed_in = data.plan_files.get(plan)
    if typed_in is not None and not is_sdg_proposals_file(typed_in):
        candidate = (config.project_dir / typed_in).parent
        if candidate.is_dir():
            folder = candidate
    return folder / name


def read_description(loaded: Sources, shown_path: str) -> Description:
    """The triples of one data file, by subject."""
    description: Description = defaultdict(list)
    for source in loaded.files:
        if source.path == shown_path:
            for t in source.triples:
                if isinstance(t.subject, ox.NamedNode) and not isinstance(t.object, ox.Triple):
                    description[t.subject.value].append((t.predicate, t.object))
    return description


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _natural(text: str) -> list[object]:
    """A sort key that orders the numbers in IRIs by value: …/indsats/2 before …/indsats/10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


class TurtleWriter:
    """Writes descriptions as Turtle with the project's prefixes and IRIs relative to the base."""

    PREFIXES = frozenset({"plo", "rdfs", "xsd", "dct", "prov", "foaf", "schema", "sdg"})

    def __init__(self, policy: UrlPolicy, vocab: PlanVocabulary) -> None:
        self.policy = policy
        self.vocab = vocab
        self.prefixes = [(p, ns) for p, ns in policy.prefixes() if p in self.PREFIXES]
        # The order of predicates in a written record (others follow, sorted).
        order = [
            RDF_TYPE,
            RDFS_LABEL,
            FOAF_NAME,
            RDFS_COMMENT,
            vocab.linkSubject,
            vocab.sdgConcept,
            vocab.rationale,
            vocab.method,
            vocab.status,
            vocab.confidence,
            PROV_WAS_ATTRIBUTED_TO,
            vocab.decidedBy,
            vocab.decisionDate,
            PROV_WAS_GENERATED_BY,
            PROV_WAS_ASSOCIATED_WITH,
            SCHEMA_SOFTWARE_VERSION,
            vocab.settings,
            DCT_CREATED,
            DCT_MODIFIED,
            PROV_WAS_DERIVED_FROM,
        ]
        self.order = {p.value: i for i, p in enumerate(order)}

    def iri(self, value: str) -> str:
        for prefix, namespace in self.prefixes:
            if value.startswith(namespace) and re.fullmatch(
                r"[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?", value[len(namespace) :]
            ):
                return f"{prefix}:{value[len(namespace) :]}"
        if self.policy.is_local(value):
            return f"<{self.policy.path(value)}>"
        return f"<{value}>"

    def term(self, term: Value) -> str:
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        if isinstance(term, ox.BlankNode):
            raise InputError("blank nodes are not supported in the proposals file")
        if term.language:
            return f'"{_escape(term.value)}"@{term.language}'
        if term.datatype == XSD_DECIMAL and re.fullmatch(r"[+-]?[0-9]*\.[0-9]+", term.value):
            return term.value
        if term.datatype == XSD_STRING:
            return f'"{_escape(term.value)}"'
        return f'"{_escape(term.value)}"^^{self.iri(term.datatype.value)}'

    def subject_key(
        self, subject: str, pairs: list[tuple[ox.NamedNode, Value]]
    ) -> tuple[int, list[object], tuple[tuple[int, int, str], ...]]:
        """Agents first, then suggestion runs and anything else, then the link records by element and notation."""
        types = {o for p, o in pairs if p == RDF_TYPE}
        if types & {PROV_AGENT, PROV_SOFTWARE_AGENT}:
            return 0, _natural(subject), ((0, 0, ""),)
        if self.vocab.SDGLink in types:
            element = next((o.value for p, o in pairs if p == self.vocab.linkSubject), subject)
            concept = next((o.value for p, o in pairs if p == self.vocab.sdgConcept), "")
            notation = concept[len(SDG_NS) :] if concept.startswith(SDG_NS) else ""
            known = re.fullmatch(r"\d+(\.[0-9a-z]+)?", notation)
            return 2, _natural(element), notation_key(notation) if known else ((999, 0, subject),)
        return 1, _natural(subject), ((0, 0, ""),)

    def document(self, header: str, description: Description) -> str:
        lines = [header, ""]
        lines += [f"@prefix {p}: <{self.iri_text(ns)}> ." for p, ns in self.prefixes]
        for subject in sorted(description, key=lambda s: self.subject_key(s, description[s])):
            pairs = sorted(
                set(description[subject]),
                key=lambda po: (self.order.get(po[0].value, len(self.order)), po[0].value, self.term(po[1])),
            )
            lines.append("")
            lines.append(self.iri(subject))
            grouped: dict[str, list[str]] = {}
            for predicate, obj in pairs:
                name = "a" if predicate == RDF_TYPE else self.iri(predicate.value)
                grouped.setdefault(name, []).append(self.term(obj))
            items = list(grouped.items())
            for i, (name, objects) in enumerate(items):
                end = " ." if i == len(items) - 1 else " ;"
                lines.append(f"    {name} {', '.join(objects)}{end}")
        return "\n".join(lines) + "\n"

    def iri_text(self, namespace: str) -> str:
        return self.policy.path(namespace) if self.policy.is_local(namespace) else namespace


class PendingFile:
    """A file written to a temporary file beside it, which replaces it on `commit` (or is removed on `discard`)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        self.temporary = Path(name)
        try:
            with open(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except BaseException:
            self.discard()
            raise

    def commit(self) -> None:
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)


def write_atomically(path: Path, text: str) -> None:
    """Replace the file with `text` only once it is completely written."""
    PendingFile(path, text).commit()


FILE_HEADER = """# Proposed links from the elements of a plan to the UN Sustainable Development Goals and targets.
# Written by `planlod suggest` (see docs/sdg-suggestions.md) under the linking policy (docs/sdg-linking.md);
# decide with `planlod suggest accept|reject LINK`. Every record stays in this file: an open proposal
# (plo:Proposed) waits for a curator, and a goal or target that has any record for an element is never
# proposed again for it. Only accepted links count: they become dct:subject triples like the curated links."""


# ---------------------------------------------------------------- suggesting for a plan


def run_iri(policy: UrlPolicy, plan: str, settings_text: str) -> str:
    """The IRI of a suggestion run: the suggester's version and a digest of its settings under the plan."""
    digest = hashlib.sha256(f"{SUGGESTER_VERSION} {settings_text}".encode()).hexdigest()[:10]
    return policy.suggestion_run(plan, f"{SUGGESTER_VERSION}-{digest}")


def _lit(text: str, lang: str) -> ox.Literal:
    return ox.Literal(text, language=lang)


def _describe_run(
    description: Description, vocab: PlanVocabulary, run: str, agent: str, settings_text: str, plan_label: str
) -> None:
    description[run] = [
        (RDF_TYPE, PROV_ACTIVITY),
        (RDFS_LABEL, _lit(f"Verdensmålsforslag til {plan_label} ({SUGGESTER_NAME} {SUGGESTER_VERSION})", "da")),
        (RDFS_LABEL, _lit(f"SDG suggestions for {plan_label} ({SUGGESTER_NAME} {SUGGESTER_VERSION})", "en")),
        (PROV_WAS_ASSOCIATED_WITH, ox.NamedNode(agent)),
        (SCHEMA_SOFTWARE_VERSION, ox.Literal(SUGGESTER_VERSION)),
        (PROV_USED, SDG_KOS),
        (vocab.settings, ox.Literal(settings_text)),
    ]


def _describe_suggester(description: Description, agent: str) -> None:
    description[agent] = [
        (RDF_TYPE, PROV_SOFTWARE_AGENT),
        (RDFS_LABEL, _lit(SUGGESTER_NAME, "da")),
        (RDFS_LABEL, _lit(SUGGESTER_NAME, "en")),
        (FOAF_NAME, ox.Literal(SUGGESTER_NAME)),
        (RDFS_COMMENT, _lit("planlods program, der foreslår koblinger til FN's verdensmål og delmål.", "da")),
        (RDFS_COMMENT, _lit("planlod's program that suggests links to the UN SDGs and targets.", "en")),
    ]


def suggest_for_plan(
    config: Config,
    loaded: Sources,
    suggester: Suggester,
    plan_given: str,
    today: str,
    wrap: Callable[[Iterable[Element]], Iterator[Element]] | None = None,
    data: PlanData | None = None,
) -> PlanProposals:
    """Propose links for every headline goal and focus point of the plan and add them to its proposals file
    (`data`: the index of the loaded data, when the caller made it once for many plans)."""
    policy = UrlPolicy(config.base_iri)
    vocab = vocabulary(policy)
    data = data or PlanData.of(loaded, vocab)
    plan = find_plan(policy, plan_given, data)
    path = proposals_path(config, policy, plan, data)
    shown = display_path(path, config.project_dir)
    elements = plan_elements(vocab, plan, data)
    if not elements:
        raise InputError(f"{policy.short(plan)}: the plan has no headline goals or focus points to suggest for")
    description = read_description(loaded, shown)  # every record already in the file stays as it is
    kept = sum(1 for s in description if s in data.records)
    knowledge = suggester.knowledge
    targets_by_goal: dict[str, list[str]] = defaultdict(list)
    for notation, concept in knowledge.concepts.items():
        if not concept.is_goal:
            targets_by_goal[concept.goal].append(notation)
    settings_text = f"{suggester.settings.as_text()} sources_off={knowledge.sources.settings() or 'none'}"
    agent = policy.suggester
    run = run_iri(policy, plan, settings_text)
    plan_label = policy.short(plan).rsplit("/", 1)[-1]
    source = plan_source(plan, data)
    proposed = 0
    by_kind: dict[str, int] = defaultdict(int)
    for element in wrap(elements) if wrap else elements:
        if not element.text.strip():
            continue
        records = data.records_of(element.iri)
        barred = barred_concepts(records, vocab, lambda g: targets_by_goal.get(g, ()))
        barred |= data.developing_country_targets
        left_out = frozenset(passed_over(records, vocab, data.developing_country_targets))
        analysis = suggester.analyse(element.text, "da", exclude_element=element.iri, barred=left_out)
        for candidate in proposals_for([*analysis.goals, *analysis.targets], barred, knowledge.goal_of):
            link = policy.sdg_link(element.iri, candidate.notation)
            if link in data.records or link in description:
                continue  # an IRI a record already has (for another element or concept: data written by hand)
            reason = explain(candidate, knowledge, analysis.neighbours, element.text)
            kind_da = "delmål" if "." in candidate.notation else "verdensmål"
            kind_en = "target" if "." in candidate.notation else "Goal"
            record: list[tuple[ox.NamedNode, Value]] = [
                (RDF_TYPE, vocab.SDGLink),
                (RDFS_LABEL, _lit(f"{element.label_da} → {kind_da} {candidate.notation} (forslag)", "da")),
                (RDFS_LABEL, _lit(f"{element.label_en} → {kind_en} {candidate.notation} (suggestion)", "en")),
                (vocab.linkSubject, ox.NamedNode(element.iri)),
                (vocab.sdgConcept, ox.NamedNode(SDG_NS + candidate.notation)),
                (vocab.rationale, _lit(reason.da, "da")),
                (vocab.rationale, _lit(reason.en, "en")),
                (vocab.method, vocab.Suggested),
                (vocab.status, vocab.Proposed),
                (vocab.confidence, ox.Literal(f"{candidate.score:.3f}", datatype=XSD_DECIMAL)),
                (PROV_WAS_ATTRIBUTED_TO, ox.NamedNode(agent)),
                (PROV_WAS_GENERATED_BY, ox.NamedNode(run)),
                (DCT_CREATED, ox.Literal(today, datatype=XSD_DATE)),
            ]
            if source is not None:
                record.append((PROV_WAS_DERIVED_FROM, source))
            description[link] = record
            proposed += 1
            by_kind[element.kind] += 1
    if proposed:
        _describe_suggester(description, agent)
        _describe_run(description, vocab, run, agent, settings_text, plan_label)
        write_atomically(path, TurtleWriter(policy, vocab).document(FILE_HEADER, description))
    return PlanProposals(path, len(elements), proposed, kept, dict(by_kind))


# ---------------------------------------------------------------- curation decisions


def curator_agent(config: Config, policy: UrlPolicy) -> tuple[str, str]:
    """The curator's agent IRI (`{base}agent/{slug}`) and name, from the `curator` setting."""
    name = " ".join(config.curator.split())
    if not name:
        raise ConfigError(
            'no curator is configured: set curator = "Your Name" in [tool.planlod] of pyproject.toml, '
            "or PLANLOD_CURATOR, or pass --curator; decisions are published with the curator's name"
        )
    slug = slugify(name)
    if not slug:
        raise ConfigError(f"curator {name!r}: the name needs at least one letter or digit")
    return policy.agent(slug), name


def _describe_curator(description: Description, agent: str, name: str) -> None:
    description[agent] = [
        (RDF_TYPE, PROV_AGENT),
        (RDF_TYPE, FOAF_PERSON),
        (RDFS_LABEL, _lit(name, "da")),
        (RDFS_LABEL, _lit(name, "en")),
        (FOAF_NAME, ox.Literal(name)),
        (RDFS_COMMENT, _lit("Kurator, der har taget stilling til foreslåede verdensmålskoblinger.", "da")),
        (RDFS_COMMENT, _lit("Curator who decided on proposed SDG links.", "en")),
    ]


def _decided(
    pairs: list[tuple[ox.NamedNode, Value]], vocab: PlanVocabulary, status: ox.NamedNode, agent: str, today: str
) -> list[tuple[ox.NamedNode, Value]]:
    """A record's triples with the decision: status, who decided, when, and the date it changed."""
    replaced = (vocab.status, vocab.decidedBy, vocab.decisionDate, DCT_MODIFIED)
    kept = [(p, o) for p, o in pairs if p not in replaced]
    date = ox.Literal(today, datatype=XSD_DATE)
    return [
        *kept,
        (vocab.status, status),
        (vocab.decidedBy, ox.NamedNode(agent)),
        (vocab.decisionDate, date),
        (DCT_MODIFIED, date),
    ]


def decide(config: Config, loaded: Sources, links: list[str], accept: bool, today: str) -> list[Decision]:
    """Accept or reject proposed links (`today`: the decision's date, xsd:date). Each file holding one of them
    is rewritten once, and only when the data with every decision still conform to the shapes where the decided
    links are concerned; otherwise NonConforming names what the shapes refuse, and nothing is written."""
    policy = UrlPolicy(config.base_iri)
    vocab = vocabulary(policy)
    data = PlanData.of(loaded, vocab)
    agent, name = curator_agent(config, policy)
    status = vocab.Accepted if accept else vocab.Rejected
    by_file: dict[str, list[str]] = defaultdict(list)
    for given in links:
        iri = policy.setting(given)
        record = data.records.get(iri)
        if record is None:
            raise InputError(f"{given}: no SDG link record with this IRI in the data")
        if not is_sdg_proposals_file(record.file):
            raise InputError(
                f"{given}: a curated record in {record.file}; planlod suggest decides only proposals "
                f"(files named {sdg_proposals_file('{plan}')}); edit the curated record there"
            )
        if iri not in by_file[record.file]:
            by_file[record.file].append(iri)
    decisions: list[Decision] = []
    rewritten: dict[str, Description] = {}
    for shown, iris in sorted(by_file.items()):
        description = read_description(loaded, shown)
        for iri in iris:
            pairs = description[iri]
            current = next((o for p, o in pairs if p == vocab.status), None)
            decider = next((o for p, o in pairs if p == vocab.decidedBy), None)
            if current == status and decider == ox.NamedNode(agent):
                decisions.append(Decision(iri, shown, False, status.value))
                continue
            description[iri] = _decided(pairs, vocab, status, agent, today)
            decisions.append(Decision(iri, shown, True, status.value))
            rewritten[shown] = description
    if not rewritten:
        return decisions
    writer = TurtleWriter(policy, vocab)
    pending: dict[str, PendingFile] = {}
    try:
        for shown, description in rewritten.items():
            _describe_curator(description, agent, name)
            pending[shown] = PendingFile(config.project_dir / shown, writer.document(FILE_HEADER, description))
        refused = _refusals(config, loaded, pending, policy, {d.link for d in decisions if d.changed})
        if refused:
            verb = "accept" if accept else "reject"
            raise NonConforming(
                f"planlod suggest {verb}: the shapes refuse this decision, so nothing was written:\n"
                + "\n".join(f"  {line}" for line in refused)
            )
        for file in pending.values():
            file.commit()
    finally:
        for file in pending.values():
            file.discard()
    return decisions


def _parsed(text: str, base_iri: str) -> tuple[ox.Triple, ...]:
    """The triples of a file planlod has written (no blank nodes, no RDF-star)."""
    return tuple(
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(text.encode("utf-8"), ox.RdfFormat.TURTLE, base_iri=base_iri)
    )


def _refusals(
    config: Config, loaded: Sources, pending: dict[str, PendingFile], policy: UrlPolicy, decided: set[str]
) -> list[str]:
    """The violations the data would have after the decisions that concern a decided link (as the focus node
    or as the value: the link it clashes with); each as the line `planlod validate` prints."""
    files: list[SourceFile] = []
    for source in loaded.files:
        if source.path in pending:
            files.append(SourceFile(source.path, Role.DATA, _parsed(pending[source.path].text, config.base_iri)))
        else:
            files.append(source)
    report = run_validation(Sources(tuple(files)), policy)
    shorts = {policy.short(link) for link in decided}
    return [
        finding.as_line()
        for finding in report.findings
        if finding.severity == "Violation" and (finding.focus in decided or finding.value in shorts)
    ]
