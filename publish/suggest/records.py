"""Proposals and curation decisions as data: the plan's file of proposed SDG links.

Stage: suggest/records. Imports `config`, `errors`, `load`, `model`, `urls`, `suggest.knowledge`,
`suggest.scoring`, `suggest.explain` and pyoxigraph.

`planlod suggest PLAN` writes `{data_dir}/{plan slug}-sdg-forslag.ttl` beside the plan's curated links: one
`plo:SDGLink` per proposal (method plo:Suggested, status plo:Proposed, plo:confidence, an explanation in
Danish and English as plo:rationale, prov:wasGeneratedBy the suggestion run). A rerun replaces the open
proposals and keeps every decided record as it is. It never proposes a goal or target that any record in the
data (curated, accepted or rejected) already ties to the element, and never touches another data file.
`planlod suggest accept|reject LINK…` sets the status and records who decided (plo:reviewedBy, the curator
named in the configuration, described as a prov:Agent) and when (plo:reviewed).
The file is written by planlod (deterministically: sorted, fixed prefixes, relative IRIs like the other
data files) through a temporary file that replaces it only when complete.
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
from ..errors import ConfigError, InputError
from ..load import Role, display_path
from ..load import Sources as LoadedSources
from ..model import RDF_TYPE, Vocabulary
from ..urls import UrlPolicy, slugify
from . import SUGGESTER_NAME, SUGGESTER_VERSION
from .explain import explain
from .knowledge import SDG_NS, notation_key
from .scoring import Candidate, Suggester

PROPOSALS_SUFFIX = "-sdg-forslag.ttl"
SUGGESTER_AGENT_PATH = "agent/planlod-forslag"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
LABEL = ox.NamedNode(RDFS + "label")
COMMENT = ox.NamedNode(RDFS + "comment")
PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
CREATED = ox.NamedNode(DCT + "created")
GENERATED_BY = ox.NamedNode(PROV + "wasGeneratedBy")
ATTRIBUTED_TO = ox.NamedNode(PROV + "wasAttributedTo")
ASSOCIATED_WITH = ox.NamedNode(PROV + "wasAssociatedWith")
DERIVED_FROM = ox.NamedNode(PROV + "wasDerivedFrom")
FOAF_NAME = ox.NamedNode(FOAF + "name")
SOFTWARE_VERSION = ox.NamedNode(SCHEMA + "softwareVersion")
DECIMAL = ox.NamedNode(XSD + "decimal")
DATE = ox.NamedNode(XSD + "date")
DATETIME = ox.NamedNode(XSD + "dateTime")
# The order of predicates in a written record (others follow, sorted).
PREDICATE_ORDER = [
    RDF_TYPE.value,
    LABEL.value,
    FOAF_NAME.value,
    COMMENT.value,
    "linkSubject",
    "sdgConcept",
    "rationale",
    "method",
    "status",
    "confidence",
    "reviewedBy",
    "reviewed",
    ATTRIBUTED_TO.value,
    GENERATED_BY.value,
    ASSOCIATED_WITH.value,
    SOFTWARE_VERSION.value,
    "settings",
    CREATED.value,
    DERIVED_FROM.value,
]

Description = dict[str, list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal | ox.BlankNode]]]


@dataclass(frozen=True)
class Element:
    """A plan element the suggester proposes links for."""

    iri: str
    kind: str  # "area", "goal" or "initiative"
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
    skipped_decided: int
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    """The outcome of one accept or reject."""

    link: str
    path: str
    changed: bool
    status: str


class Terms:
    """The plo: terms this stage writes, under the run's base IRI."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab

    def __getattr__(self, name: str) -> ox.NamedNode:
        return self.vocab.term(name)


# ---------------------------------------------------------------- reading the plan

Values = list[ox.NamedNode | ox.Literal | ox.BlankNode]


@dataclass
class PlanData:
    """What planlod suggest reads about plans, indexed in one pass over the data (a national corpus holds a
    thousand plans; each plan's run must not read all of it again)."""

    by_subject: dict[str, dict[str, Values]]
    plans: list[str]
    plan_files: dict[str, str]  # plan -> the data file that types it
    records: dict[str, dict[str, str]]

    @classmethod
    def of(cls, loaded: LoadedSources, vocab: Vocabulary) -> PlanData:
        """The index of the loaded data."""
        plan_class = vocab.term("Plan")
        by_subject: dict[str, dict[str, Values]] = defaultdict(lambda: defaultdict(list))
        plan_files: dict[str, str] = {}
        for source in loaded.files:
            if source.role is not Role.DATA:
                continue
            for t in source.triples:
                if isinstance(t.subject, ox.NamedNode) and not isinstance(t.object, ox.Triple):
                    by_subject[t.subject.value][t.predicate.value].append(t.object)
                    if t.predicate == RDF_TYPE and t.object == plan_class:
                        plan_files.setdefault(t.subject.value, source.path)
        return cls(by_subject, sorted(plan_files), plan_files, link_records(loaded, vocab))


def find_plan(loaded: LoadedSources, policy: UrlPolicy, given: str, data: PlanData | None = None) -> str:
    """The plan's IRI from an IRI, a path under the base or the last path segment; an InputError otherwise."""
    plan_class = Vocabulary.for_policy(policy).term("Plan")
    plans = (
        data.plans
        if data is not None
        else sorted(
            t.subject.value
            for t in loaded.triples(Role.DATA)
            if t.predicate == RDF_TYPE and t.object == plan_class and isinstance(t.subject, ox.NamedNode)
        )
    )
    wanted = given.strip().strip("/")
    for plan in plans:
        if wanted in (plan, policy.short(plan), plan.rsplit("/", 1)[-1]):
            return plan
    shown = ", ".join(policy.short(p).rsplit("/", 1)[-1] for p in plans) or "none"
    raise InputError(f"no plan {given!r} in the data; the plans are: {shown}")


def plan_elements(loaded: LoadedSources, vocab: Vocabulary, plan: str, data: PlanData | None = None) -> list[Element]:
    """The plan's focus areas, headline goals and focus points, in the plan's order, with their Danish text."""
    by_subject = (data or PlanData.of(loaded, vocab)).by_subject

    def first(subject: str, predicate: ox.NamedNode) -> ox.NamedNode | ox.Literal | ox.BlankNode | None:
        values = by_subject.get(subject, {}).get(predicate.value, [])
        return values[0] if values else None

    def text(subject: str, predicate: ox.NamedNode, lang: str) -> str:
        for value in by_subject.get(subject, {}).get(predicate.value, []):
            if isinstance(value, ox.Literal) and value.language == lang:
                return value.value
        return ""

    def position(subject: str) -> int:
        value = first(subject, vocab.term("position"))
        return int(value.value) if isinstance(value, ox.Literal) and value.value.isdigit() else 0

    areas = [
        a.value for a in by_subject.get(plan, {}).get(vocab.term("focusArea").value, []) if isinstance(a, ox.NamedNode)
    ]
    elements: list[Element] = []
    for area in sorted(areas, key=lambda a: (position(a), a)):
        name_da, name_en = text(area, PREF_LABEL, "da"), text(area, PREF_LABEL, "en")
        goal = first(area, vocab.term("headlineGoal"))
        goal_da = text(goal.value, LABEL, "da") if isinstance(goal, ox.NamedNode) else ""
        elements.append(Element(area, "area", f"{name_da}. {goal_da}".strip(". "), name_da, name_en))
        if isinstance(goal, ox.NamedNode):
            elements.append(
                Element(
                    goal.value,
                    "goal",
                    goal_da,
                    f"{name_da}, overordnet mål",
                    f"{name_en or name_da}, headline goal",
                )
            )
        points = [
            p.value
            for p in by_subject.get(area, {}).get(vocab.term("initiative").value, [])
            if isinstance(p, ox.NamedNode)
        ]
        for point in sorted(points, key=lambda p: (position(p), p)):
            n = position(point)
            elements.append(
                Element(
                    point,
                    "initiative",
                    text(point, LABEL, "da"),
                    f"{name_da}, fokuspunkt {n}",
                    f"{name_en or name_da}, focus point {n}",
                )
            )
    return elements


def plan_source(loaded: LoadedSources, plan: str, data: PlanData | None = None) -> ox.NamedNode | None:
    """The source document the plan derives from, if the data names one."""
    if data is not None:
        for value in data.by_subject.get(plan, {}).get(DERIVED_FROM.value, []):
            if isinstance(value, ox.NamedNode):
                return value
        return None
    for t in loaded.triples(Role.DATA):
        if t.subject == ox.NamedNode(plan) and t.predicate == DERIVED_FROM and isinstance(t.object, ox.NamedNode):
            return t.object
    return None


def link_records(loaded: LoadedSources, vocab: Vocabulary) -> dict[str, dict[str, str]]:
    """Every SDG link record in the data: IRI -> element, concept, status, method and the file it is in."""
    link_class = vocab.term("SDGLink")
    fields = {vocab.term(n).value: n for n in ("linkSubject", "sdgConcept", "status", "method")}
    records: dict[str, dict[str, str]] = defaultdict(dict)
    for source in loaded.files:
        if source.role is not Role.DATA:
            continue
        for t in source.triples:
            if not isinstance(t.subject, ox.NamedNode):
                continue
            if t.predicate == RDF_TYPE and t.object == link_class:
                records[t.subject.value]["file"] = source.path
            elif t.predicate.value in fields and isinstance(t.object, ox.NamedNode):
                records[t.subject.value][fields[t.predicate.value]] = t.object.value
    return {iri: r for iri, r in records.items() if "file" in r}


# ---------------------------------------------------------------- the proposals file


def proposals_path(config: Config, policy: UrlPolicy, plan: str, data: PlanData | None = None) -> Path:
    """Where a plan's proposals live: `{plan slug}-sdg-forslag.ttl` in the folder of the data file that types
    the plan (`data/` for a project with one plan; `data/kommuner/{k}/` in a national corpus, where two
    municipalities' plans may share a slug)."""
    name = slugify(policy.path(plan).rsplit("/", 1)[-1]) + PROPOSALS_SUFFIX
    folder = config.data_dir
    typed_in = data.plan_files.get(plan) if data is not None else None
    if typed_in is not None and not typed_in.endswith(PROPOSALS_SUFFIX):
        candidate = (config.project_dir / typed_in).parent
        if candidate.is_dir():
            folder = candidate
    return folder / name


def read_description(loaded: LoadedSources, shown_path: str) -> Description:
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


class TurtleWriter:
    """Writes descriptions as Turtle with the project's prefixes and IRIs relative to the base."""

    def __init__(self, policy: UrlPolicy) -> None:
        self.policy = policy
        self.prefixes = [
            (p, ns)
            for p, ns in policy.prefixes()
            if p in {"plo", "rdfs", "xsd", "dct", "prov", "foaf", "schema", "sdg"}
        ]

    def iri(self, value: str) -> str:
        for prefix, namespace in self.prefixes:
            if value.startswith(namespace) and re.fullmatch(
                r"[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?", value[len(namespace) :]
            ):
                return f"{prefix}:{value[len(namespace) :]}"
        if self.policy.is_local(value):
            return f"<{self.policy.path(value)}>"
        return f"<{value}>"

    def term(self, term: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        if isinstance(term, ox.BlankNode):
            raise InputError("blank nodes are not supported in the proposals file")
        if term.language:
            return f'"{_escape(term.value)}"@{term.language}'
        if term.datatype == DECIMAL and re.fullmatch(r"[+-]?[0-9]*\.[0-9]+", term.value):
            return term.value
        if term.datatype.value == XSD + "string":
            return f'"{_escape(term.value)}"'
        return f'"{_escape(term.value)}"^^{self.iri(term.datatype.value)}'

    def document(self, header: str, description: Description, vocab: Vocabulary) -> str:
        order = {
            (vocab.term(p).value if "/" not in p and "#" not in p else p): i for i, p in enumerate(PREDICATE_ORDER)
        }
        lines = [header, ""]
        lines += [f"@prefix {p}: <{self.iri_text(ns)}> ." for p, ns in self.prefixes]

        def subject_key(subject: str) -> tuple[int, list[object]]:
            rank = 0 if "/agent/" in subject or subject.endswith(SUGGESTER_AGENT_PATH) else 1
            if rank == 1 and "/sdg/" in subject:
                rank = 2
            head, _, tail = subject.rpartition("/sdg/")
            parts: list[object] = [head, notation_key(tail) if re.fullmatch(r"\d+(\.[0-9a-z]+)?", tail) else tail]
            return rank, parts

        for subject in sorted(description, key=subject_key):
            pairs = sorted(
                set(description[subject]),
                key=lambda po: (order.get(po[0].value, len(order)), po[0].value, self.term(po[1])),
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


def write_atomically(path: Path, text: str) -> None:
    """Replace the file with `text` only once it is completely written."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


FILE_HEADER = """# Proposed links from the elements of a plan to the UN Sustainable Development Goals and targets.
# Written by `planlod suggest` (see docs/sdg-suggestions.md); decide with `planlod suggest accept|reject LINK`.
# Open proposals (plo:Proposed) are replaced when the suggester runs again; accepted and rejected records stay
# as they are, and a rejected goal or target is never proposed again for the same element.
# Only accepted links count: they become dct:subject triples like the curated links in sdg-koblinger.ttl."""


# ---------------------------------------------------------------- suggesting for a plan


def run_iri(policy: UrlPolicy, plan: str, settings_text: str) -> str:
    """The IRI of a suggestion run: the suggester's version and a digest of its settings under the plan."""
    digest = hashlib.sha256(f"{SUGGESTER_VERSION} {settings_text}".encode()).hexdigest()[:10]
    return f"{plan}/sdg-forslag/{SUGGESTER_VERSION}-{digest}"


def _lit(text: str, lang: str) -> ox.Literal:
    return ox.Literal(text, language=lang)


def _describe_run(
    description: Description, plo: Terms, run: str, agent: str, settings_text: str, plan_label: str
) -> None:
    description[run] = [
        (RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        (LABEL, _lit(f"Verdensmålsforslag til {plan_label} ({SUGGESTER_NAME} {SUGGESTER_VERSION})", "da")),
        (LABEL, _lit(f"SDG suggestions for {plan_label} ({SUGGESTER_NAME} {SUGGESTER_VERSION})", "en")),
        (ASSOCIATED_WITH, ox.NamedNode(agent)),
        (SOFTWARE_VERSION, ox.Literal(SUGGESTER_VERSION)),
    ]
    description[run].append((ox.NamedNode(PROV + "used"), ox.NamedNode(SDG_NS.rstrip("/"))))
    description[run].append((plo.settings, ox.Literal(settings_text)))


def _describe_suggester(description: Description, agent: str) -> None:
    description[agent] = [
        (RDF_TYPE, ox.NamedNode(PROV + "SoftwareAgent")),
        (LABEL, _lit(SUGGESTER_NAME, "da")),
        (LABEL, _lit(SUGGESTER_NAME, "en")),
        (FOAF_NAME, ox.Literal(SUGGESTER_NAME)),
        (COMMENT, _lit("planlods program, der foreslår koblinger til FN's verdensmål og delmål.", "da")),
        (COMMENT, _lit("planlod's program that suggests links to the UN SDGs and targets.", "en")),
    ]


def proposals_for(
    element: Element, candidates: list[Candidate], concepts_goal: Callable[[str], str]
) -> list[Candidate]:
    """The accepted candidates that become proposals: goals for a focus area; targets (or a goal none of whose
    targets is accepted) for a headline goal or focus point."""
    accepted = [c for c in candidates if c.accepted]
    if element.kind == "area":
        return [c for c in accepted if "." not in c.notation]
    targets = [c for c in accepted if "." in c.notation]
    covered = {concepts_goal(c.notation) for c in targets}
    goals = [c for c in accepted if "." not in c.notation and c.notation not in covered]
    return targets + goals


def suggest_for_plan(
    config: Config,
    loaded: LoadedSources,
    suggester: Suggester,
    plan_given: str,
    today: str,
    wrap: Callable[[Iterable[Element]], Iterator[Element]] | None = None,
    data: PlanData | None = None,
) -> PlanProposals:
    """Propose links for every element of the plan and (re)write its proposals file (`data`: the index of the
    loaded data, when the caller made it once for many plans)."""
    policy = UrlPolicy(config.base_iri)
    vocab = Vocabulary.for_policy(policy)
    plo = Terms(vocab)
    data = data or PlanData.of(loaded, vocab)
    plan = find_plan(loaded, policy, plan_given, data)
    path = proposals_path(config, policy, plan, data)
    shown = display_path(path, config.project_dir)
    elements = plan_elements(loaded, vocab, plan, data)
    if not elements:
        raise InputError(f"{policy.short(plan)}: the plan has no focus areas to suggest for")
    records = data.records
    taken: dict[str, set[str]] = defaultdict(set)  # element -> concepts any record (elsewhere or decided) holds
    previous = read_description(loaded, shown)
    for record in records.values():
        if record.get("file") == shown and record.get("status") == plo.Proposed.value:
            continue
        if "linkSubject" in record and "sdgConcept" in record:
            taken[record["linkSubject"]].add(record["sdgConcept"])
    # Keep every decided record (and the agents and runs they name); drop open proposals.
    kept: Description = defaultdict(list)
    open_created: dict[str, ox.Literal] = {}
    for subject, pairs in previous.items():
        previous_record = records.get(subject)
        if previous_record is not None and previous_record.get("status") == plo.Proposed.value:
            for predicate, obj in pairs:
                if predicate == CREATED and isinstance(obj, ox.Literal):
                    open_created[subject] = obj
            continue
        kept[subject] = list(pairs)
    kept_links = sum(1 for s in kept if s in records)
    settings_text = f"{suggester.settings.as_text()} sources_off={suggester.knowledge.sources.settings() or 'none'}"
    agent = policy.base + SUGGESTER_AGENT_PATH
    run = run_iri(policy, plan, settings_text)
    plan_label = policy.short(plan).rsplit("/", 1)[-1]
    source = plan_source(loaded, plan, data)
    description: Description = defaultdict(list, kept)
    proposed = 0
    by_kind: dict[str, int] = defaultdict(int)
    goal_of = suggester.knowledge.goal_of
    for element in wrap(elements) if wrap else elements:
        if not element.text.strip():
            continue
        analysis = suggester.analyse(element.text, "da", exclude_element=element.iri)
        linked_goals = {
            goal_of(c[len(SDG_NS) :]) for c in taken[element.iri] if c[len(SDG_NS) :] in suggester.knowledge.concepts
        }
        for candidate in proposals_for(element, [*analysis.goals, *analysis.targets], goal_of):
            concept = SDG_NS + candidate.notation
            if concept in taken[element.iri]:
                continue
            if "." not in candidate.notation and candidate.notation in linked_goals:
                continue  # the element already has a link within this goal
            link = f"{element.iri}/sdg/{candidate.notation}"
            if link in records and link not in previous:
                continue  # an IRI another file already uses
            reason = explain(candidate, suggester.knowledge, analysis.neighbours)
            kind_da = "delmål" if "." in candidate.notation else "verdensmål"
            kind_en = "target" if "." in candidate.notation else "Goal"
            record_pairs: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal | ox.BlankNode]] = [
                (RDF_TYPE, plo.SDGLink),
                (LABEL, _lit(f"{element.label_da} → {kind_da} {candidate.notation} (forslag)", "da")),
                (LABEL, _lit(f"{element.label_en} → {kind_en} {candidate.notation} (suggestion)", "en")),
                (plo.linkSubject, ox.NamedNode(element.iri)),
                (plo.sdgConcept, ox.NamedNode(concept)),
                (plo.rationale, _lit(reason.da, "da")),
                (plo.rationale, _lit(reason.en, "en")),
                (plo.method, plo.Suggested),
                (plo.status, plo.Proposed),
                (plo.confidence, ox.Literal(f"{candidate.score:.3f}", datatype=DECIMAL)),
                (ATTRIBUTED_TO, ox.NamedNode(agent)),
                (GENERATED_BY, ox.NamedNode(run)),
                (CREATED, open_created.get(link, ox.Literal(today, datatype=DATE))),
            ]
            if source is not None:
                record_pairs.append((DERIVED_FROM, source))
            description[link] = record_pairs
            proposed += 1
            by_kind[element.kind] += 1
    if proposed:
        _describe_suggester(description, agent)
        _describe_run(description, plo, run, agent, settings_text, plan_label)
    write_atomically(path, TurtleWriter(policy).document(FILE_HEADER, description, vocab))
    skipped = sum(
        1
        for r in records.values()
        if r.get("file") == shown and r.get("status") in (plo.Rejected.value, plo.Accepted.value)
    )
    return PlanProposals(path, len(elements), proposed, kept_links, skipped, dict(by_kind))


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
    return policy.base + "agent/" + slug, name


def decide(config: Config, loaded: LoadedSources, links: list[str], accept: bool, now: str) -> list[Decision]:
    """Accept or reject proposed links; each file holding one of them is rewritten once."""
    policy = UrlPolicy(config.base_iri)
    vocab = Vocabulary.for_policy(policy)
    plo = Terms(vocab)
    records = link_records(loaded, vocab)
    agent, name = curator_agent(config, policy)
    status = plo.Accepted if accept else plo.Rejected
    targets: dict[str, list[str]] = defaultdict(list)
    for given in links:
        iri = given if "://" in given else policy.base + given.strip().lstrip("/")
        record = records.get(iri)
        if record is None:
            raise InputError(f"{given}: no SDG link record with this IRI in the data")
        if not record["file"].endswith(PROPOSALS_SUFFIX):
            raise InputError(
                f"{given}: a curated record in {record['file']}; planlod suggest decides only proposals "
                f"(files ending in {PROPOSALS_SUFFIX}); edit the curated record there"
            )
        targets[record["file"]].append(iri)
    decisions = []
    for shown, iris in sorted(targets.items()):
        description = read_description(loaded, shown)
        changed_any = False
        for iri in iris:
            pairs = description[iri]
            current = next((o for p, o in pairs if p == plo.status), None)
            reviewer = next((o for p, o in pairs if p == plo.reviewedBy), None)
            if current == status and reviewer == ox.NamedNode(agent):
                decisions.append(Decision(iri, shown, False, status.value))
                continue
            pairs = [(p, o) for p, o in pairs if p not in (plo.status, plo.reviewedBy, plo.reviewed)]
            pairs += [
                (plo.status, status),
                (plo.reviewedBy, ox.NamedNode(agent)),
                (plo.reviewed, ox.Literal(now, datatype=DATETIME)),
            ]
            description[iri] = pairs
            decisions.append(Decision(iri, shown, True, status.value))
            changed_any = True
        if changed_any:
            description[agent] = [
                (RDF_TYPE, ox.NamedNode(PROV + "Agent")),
                (RDF_TYPE, ox.NamedNode(FOAF + "Person")),
                (LABEL, _lit(name, "da")),
                (LABEL, _lit(name, "en")),
                (FOAF_NAME, ox.Literal(name)),
                (COMMENT, _lit("Kurator, der har taget stilling til foreslåede verdensmålskoblinger.", "da")),
                (COMMENT, _lit("Curator who decided on proposed SDG links.", "en")),
            ]
            write_atomically(config.project_dir / shown, TurtleWriter(policy).document(FILE_HEADER, description, vocab))
    return decisions
