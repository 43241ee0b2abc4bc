"""What the SDG suggester knows: the UN goals, targets and indicators, term lists, curated examples.

Stage: suggest (knowledge base). Imports `config`, `errors`, `load`, `model`, `plans`, `urls`, `vocab`,
`suggest.queries` and `suggest.text`; pyoxigraph. It reads:
- the UN SDG KOS and any Danish titles of goals and targets (`skos:prefLabel`@da on the UN IRIs, e.g.
  `ontology/reference/sdg-targets-da.ttl`) from the project's `ontology/reference/` folder;
- the term lists shipped in `publish/suggest/knowledge/` (sources and licences in the README there);
- the curated SDG links of the project's data, as examples to compare with.
Each source can be switched off (`Sources`), so that its contribution can be measured.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..config import Config
from ..errors import InputError
from ..load import Role, SourceFile, rdf_files
from ..load import Sources as LoadedSources
from ..model import vocabulary
from ..plans import goal_notation, notation_key
from ..urls import UrlPolicy
from ..vocab import (
    RDF_TYPE,
    RDFS_LABEL,
    SDG_CODE_COMPACT,
    SDG_GOAL,
    SDG_INDICATOR,
    SDG_NS,
    SDG_TARGET,
    SKOS_BROADER,
    SKOS_NOTATION,
    SKOS_PREF_LABEL,
    PlanVocabulary,
)
from .queries import Node, QuerySyntaxError, parse
from .text import LANGUAGES, compound_parts, is_content, words

KNOWLEDGE_DIR = Path(__file__).resolve().parent / "knowledge"
KOS_FILE = "un-sdg-kos.ttl"
QUERY_FILES = (("aurora-queries-en.tsv", "en", "aurora-query"), ("queries-da.tsv", "da", "query-da"))
CALIBRATION_FILE = "calibration.tsv"

# Where each kind of term comes from, and how much one match of it counts.
SOURCE_WEIGHTS = {
    "un-title": 1.0,  # the UN's title of the goal or target (English)
    "title-da": 0.3,  # the Danish title of a goal or target (the project's translation): its many general words
    # weigh less than the term list written for matching
    "un-indicator": 0.5,  # titles of the target's indicators
    "aurora": 0.8,  # Aurora SDG query keywords (English)
    "terms-da": 1.0,  # the project's Danish term list
}


@dataclass(frozen=True)
class Sources:
    """Which knowledge sources a run uses (all by default)."""

    un_titles: bool = True
    indicators: bool = True
    aurora: bool = True
    terms_da: bool = True
    danish_titles: bool = True
    examples: bool = True
    compounds: bool = True
    frequencies: bool = True
    queries: bool = True
    semantic: bool = True
    calibration: bool = True

    def settings(self) -> str:
        """The switched-off sources, for provenance ('' when all are on)."""
        off = [name for name, value in vars(self).items() if not value]
        return ",".join(off)


@dataclass(frozen=True)
class Concept:
    """A UN SDG goal or target."""

    notation: str
    iri: str
    goal: str
    titles: dict[str, str]

    @property
    def is_goal(self) -> bool:
        """Whether this is one of the 17 goals (not a target)."""
        return "." not in self.notation


@dataclass(frozen=True)
class Term:
    """A word or phrase that points at a concept, as lemmas; `prefix`: the last lemma is a word start."""

    lemmas: tuple[str, ...]
    prefix: bool
    shown: str
    source: str
    concept: str


@dataclass(frozen=True)
class Example:
    """A plan element with curated links: its texts by language and the concepts it is linked to."""

    element: str
    group: str
    label: str
    texts: dict[str, str]
    concepts: tuple[str, ...]


@dataclass(frozen=True)
class Query:
    """A Boolean search query for a goal or target (see `suggest.queries`)."""

    concept: str
    goal: str
    text: str
    node: Node
    source: str


@dataclass(frozen=True)
class Calibration:
    """How one language's evidence becomes a probability: logistic weights per feature and per goal."""

    weights: dict[str, float]
    threshold: float

    def probability(self, features: dict[str, float], goal: str) -> float:
        """The calibrated probability that a text is about `goal`, given its features."""
        z = self.weights.get("intercept", 0.0) + self.weights.get(f"goal:{goal}", 0.0)
        z += sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass
class TermIndex:
    """The terms of one language, indexed for matching, with each term's weight."""

    exact: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    prefixes: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    weights: dict[Term, float] = field(default_factory=dict)
    vocabulary: frozenset[str] = frozenset()


@dataclass
class KnowledgeBase:
    """Goals, targets, their terms per language, and the curated examples."""

    concepts: dict[str, Concept]
    indexes: dict[str, TermIndex]
    examples: list[Example]
    sources: Sources
    described: dict[str, list[str]]
    queries: dict[str, list[Query]] = field(default_factory=dict)
    calibrations: dict[str, Calibration] = field(default_factory=dict)

    def goal_of(self, notation: str) -> str:
        """The goal's notation of a goal or target."""
        return self.concepts[notation].goal


def reference_dir(config: Config) -> Path:
    """The folder of the UN SDG KOS: the project's, else the one beside an editable install of planlod."""
    candidates = [config.ontology_dir / "reference", Path(__file__).resolve().parents[2] / "ontology" / "reference"]
    for folder in candidates:
        if (folder / KOS_FILE).is_file():
            return folder
    raise InputError(
        f"{candidates[0]}: the UN SDG KOS ({KOS_FILE}) is not there; run planlod in a planlod project folder "
        "(or pass --project)"
    )


def _literal_texts(value: ox.Literal) -> tuple[str, str] | None:
    return (value.language, " ".join(value.value.split())) if value.language in LANGUAGES else None


def read_concepts(folder: Path, danish_titles: bool, base_iri: str = "http://localhost/") -> dict[str, Concept]:
    """Goals and targets with their titles, and the indicators' titles by target (under key '#ind:<target>')."""
    store = ox.Store()
    for path in rdf_files(folder, recursive=False):
        if path.suffix == ".ttl":
            try:
                # Relative IRIs (the project's own terms, e.g. <ontologi/>) resolve against the base.
                store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base_iri)
            except SyntaxError as exc:
                raise InputError(f"{path}: cannot parse: {exc}") from exc
    notations: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, SKOS_NOTATION, None):
        obj = quad.object
        if isinstance(obj, ox.Literal) and obj.datatype == SDG_CODE_COMPACT and isinstance(quad.subject, ox.NamedNode):
            notations[quad.subject.value] = obj.value
    titles: dict[str, dict[str, str]] = defaultdict(dict)
    for quad in store.quads_for_pattern(None, SKOS_PREF_LABEL, None):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
            found = _literal_texts(quad.object)
            if found and (found[0] == "en" or danish_titles):
                titles[quad.subject.value].setdefault(found[0], found[1])
    kinds = {
        q.subject.value: q.object
        for q in store.quads_for_pattern(None, RDF_TYPE, None)
        if isinstance(q.subject, ox.NamedNode) and q.object in (SDG_GOAL, SDG_TARGET, SDG_INDICATOR)
    }
    broader = {
        q.subject.value: q.object.value
        for q in store.quads_for_pattern(None, SKOS_BROADER, None)
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)
    }
    concepts: dict[str, Concept] = {}
    for iri, kind in kinds.items():
        notation = notations.get(iri)
        if notation is None:
            continue
        if kind == SDG_GOAL:
            concepts[notation] = Concept(notation, iri, notation, dict(titles[iri]))
        elif kind == SDG_TARGET:
            concepts[notation] = Concept(notation, iri, goal_notation(notation), dict(titles[iri]))
    for iri, kind in kinds.items():
        parent = broader.get(iri)
        if kind == SDG_INDICATOR and parent in notations and "en" in titles[iri]:
            key = "#ind:" + notations[parent]
            old = concepts.get(key)
            joined = (old.titles["en"] + " | " if old else "") + titles[iri]["en"]
            concepts[key] = Concept(key, iri, notations[parent], {"en": joined})
    if not any(c.is_goal for c in concepts.values()):
        raise InputError(f"{folder}: no SDG goals found in {KOS_FILE}")
    return concepts


def read_term_file(path: Path) -> list[tuple[str, str]]:
    """(notation, term) pairs of a shipped term list: 'notation<TAB>term[, term…]' lines, '#' comments."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        notation, _, terms = line.partition("\t")
        pairs += [(notation.strip(), term.strip()) for term in terms.split(",") if term.strip()]
    return pairs


def make_term(text: str, lang: str, source: str, concept: str) -> Term | None:
    """A term from its written form: lemmatised word by word; a trailing '*' makes the last word a prefix."""
    prefix = text.endswith("*")
    body = text.rstrip("*").replace("*", "")
    found = words(body, lang)
    if not found:
        return None
    lemmas = [w.lemma for w in found]
    if prefix:
        # A prefix is matched against lemmas as written, not lemmatised itself.
        lemmas[-1] = found[-1].surface.lower()
    if len(lemmas) == 1 and not is_content(lemmas[0], lang) and not prefix:
        return None
    if prefix and len(lemmas[-1]) < 3:
        return None
    return Term(tuple(lemmas), prefix, text, source, concept)


def _title_terms(concept: Concept, lang: str, source: str, text: str) -> Iterable[Term]:
    seen = set()
    for word in words(text, lang):
        if is_content(word.lemma, lang) and word.lemma not in seen:
            seen.add(word.lemma)
            yield Term((word.lemma,), False, word.surface, source, concept.notation)


def read_queries(path: Path, lang: str, source: str, concepts: dict[str, Concept]) -> list[Query]:
    """The queries of a shipped query file: 'notation<TAB>query' lines, '#' comments."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        notation, _, text = line.partition("\t")
        notation = notation.strip()
        if notation not in concepts:
            continue
        try:
            node = parse(text)
        except QuerySyntaxError as exc:
            raise InputError(f"{path}:{number}: {exc}") from exc
        found.append(Query(notation, concepts[notation].goal, text.strip(), node, source))
    return found


def read_calibrations(path: Path) -> dict[str, Calibration]:
    """The calibration of each language: 'lang<TAB>name<TAB>value' lines ('threshold' is the decision)."""
    weights: dict[str, dict[str, float]] = defaultdict(dict)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lang, name, value = line.split("\t")
            weights[lang][name] = float(value)
    return {lang: Calibration(table, table.pop("threshold", 0.5)) for lang, table in weights.items()}


def read_frequencies(path: Path) -> dict[str, dict[str, float]]:
    """Zipf frequencies of common words by language (the shipped `word-frequency.tsv`)."""
    table: dict[str, dict[str, float]] = {lang: {} for lang in LANGUAGES}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, word, zipf = line.split("\t")
            table[lang][word] = float(zipf)
    return table


def commonness_factor(lemmas: tuple[str, ...], frequencies: dict[str, float]) -> float:
    """1 for rare words, down to 0.2 for the most common ones (Zipf 6.1 and up): 'use' says little."""
    zipf = min(frequencies.get(lemma, 0.0) for lemma in lemmas)
    return min(1.0, max(0.2, (6.5 - zipf) / 2.0))


def build_index(
    terms: Sequence[Term], concepts: dict[str, Concept], frequencies: dict[str, float] | None = None
) -> TermIndex:
    """Index terms by first lemma (or prefix start) and weigh each by how much it says about its goal.

    A term's weight is the product of: its source's weight; its topicality for the goal (the share of the
    goals and targets holding it that belong to this goal); its support (how many of this goal's targets
    hold it); its specificity (how few goals hold it at all); how uncommon its words are in the language;
    and, for phrases, its length.
    """
    index = TermIndex()
    holders: dict[tuple[tuple[str, ...], bool], Counter[str]] = defaultdict(Counter)
    for lemmas, prefix, concept in {(t.lemmas, t.prefix, t.concept) for t in terms}:
        holders[(lemmas, prefix)][concepts[concept].goal] += 1
    n_goals = len({c.goal for c in concepts.values()})
    vocabulary: set[str] = set()
    for term in terms:
        key = term.lemmas[0] if not (term.prefix and len(term.lemmas) == 1) else term.lemmas[0][:3]
        (index.prefixes if term.prefix and len(term.lemmas) == 1 else index.exact)[key].append(term)
        counts = holders[(term.lemmas, term.prefix)]
        in_goal = counts[concepts[term.concept].goal]
        topicality = in_goal / sum(counts.values())
        support = 0.5 + 0.5 * (1 - math.exp(-in_goal / 1.5))
        specificity = math.log(1 + n_goals / len(counts))
        common = commonness_factor(term.lemmas, frequencies) if frequencies is not None else 1.0
        length = 1.0 + 0.5 * (len(term.lemmas) - 1)
        index.weights[term] = SOURCE_WEIGHTS[term.source] * topicality * support * specificity * common * length
        vocabulary.update(lemma for lemma in term.lemmas if len(lemma) >= 4)
    index.vocabulary = frozenset(vocabulary)
    return index


def read_examples(loaded: LoadedSources, vocab: PlanVocabulary) -> list[Example]:
    """Plan elements with accepted curated links (not suggested ones), with their texts."""
    link_class, link_subject, sdg_concept = vocab.SDGLink, vocab.linkSubject, vocab.sdgConcept
    status, method = vocab.status, vocab.method
    accepted, suggested = vocab.Accepted, vocab.Suggested
    headline, area = vocab.headlineGoal, vocab.area
    links: dict[str, dict[str, str]] = defaultdict(dict)
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    is_link: set[str] = set()
    goal_of_area: dict[str, str] = {}
    area_of: dict[str, str] = {}
    for t in loaded.triples(Role.DATA):
        s, p, o = t.subject, t.predicate, t.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == RDF_TYPE and o == link_class:
            is_link.add(s.value)
        elif p in (link_subject, sdg_concept, status, method) and isinstance(o, ox.NamedNode):
            links[s.value][p.value] = o.value
        elif p in (SKOS_PREF_LABEL, RDFS_LABEL) and isinstance(o, ox.Literal) and o.language in LANGUAGES:
            # Prefer skos:prefLabel (an area's name) over rdfs:label.
            if p == SKOS_PREF_LABEL or o.language not in labels[s.value]:
                labels[s.value][o.language] = o.value
        elif p == headline and isinstance(o, ox.NamedNode):
            goal_of_area[s.value] = o.value
        elif p == area and isinstance(o, ox.NamedNode):
            area_of[s.value] = o.value
    by_element: dict[str, set[str]] = defaultdict(set)
    for iri in is_link:
        fields = links[iri]
        concept = fields.get(sdg_concept.value, "")
        if (
            fields.get(status.value) == accepted.value
            and fields.get(method.value) != suggested.value
            and concept.startswith(SDG_NS)
            and link_subject.value in fields
        ):
            by_element[fields[link_subject.value]].add(concept[len(SDG_NS) :])
    examples = []
    for element, concepts in sorted(by_element.items()):
        texts = dict(labels.get(element, {}))
        if element in goal_of_area:  # a focus area: its name and its headline goal
            goal_texts = labels.get(goal_of_area[element], {})
            texts = {lang: f"{texts.get(lang, '')}. {goal_texts.get(lang, '')}".strip(". ") for lang in LANGUAGES}
        if not any(texts.values()):
            continue
        group = area_of.get(element, element)
        label = labels.get(element, {}).get("da", element)
        examples.append(Example(element, group, label, texts, tuple(sorted(concepts, key=notation_key))))
    return examples


def build_knowledge(config: Config, loaded: LoadedSources | None, sources: Sources | None = None) -> KnowledgeBase:
    """The knowledge base from the project's reference folder, the shipped term lists and the curated links."""
    sources = sources or Sources()
    concepts = read_concepts(reference_dir(config), sources.danish_titles, config.base_iri)
    real = {n: c for n, c in concepts.items() if not n.startswith("#")}
    terms: dict[str, list[Term]] = {lang: [] for lang in LANGUAGES}
    described: dict[str, list[str]] = defaultdict(list)
    for concept in real.values():
        for lang, title in concept.titles.items():
            if sources.un_titles and (lang == "en" or sources.danish_titles):
                terms[lang] += _title_terms(concept, lang, "un-title" if lang == "en" else "title-da", title)
        indicators = concepts.get("#ind:" + concept.notation)
        if sources.indicators and indicators:
            terms["en"] += _title_terms(concept, "en", "un-indicator", indicators.titles["en"])
    shipped = [
        ("aurora-terms-en.tsv", "en", "aurora", sources.aurora),
        ("terms-da.tsv", "da", "terms-da", sources.terms_da),
    ]
    for filename, lang, source, enabled in shipped:
        if not enabled:
            continue
        for notation, text in read_term_file(KNOWLEDGE_DIR / filename):
            if notation in real:
                term = make_term(text, lang, source, notation)
                if term:
                    terms[lang].append(term)
                    described[notation].append(source)
    frequencies = read_frequencies(KNOWLEDGE_DIR / "word-frequency.tsv") if sources.frequencies else None
    indexes = {lang: build_index(terms[lang], real, frequencies[lang] if frequencies else None) for lang in LANGUAGES}
    examples = []
    if sources.examples and loaded is not None:
        examples = read_examples(loaded, vocabulary(UrlPolicy(config.base_iri)))
        examples = [e for e in examples if all(c in real for c in e.concepts)]
    if not sources.compounds:
        for index in indexes.values():
            index.vocabulary = frozenset()
    queries: dict[str, list[Query]] = {lang: [] for lang in LANGUAGES}
    if sources.queries:
        for filename, lang, source in QUERY_FILES:
            if (KNOWLEDGE_DIR / filename).is_file():
                queries[lang] += read_queries(KNOWLEDGE_DIR / filename, lang, source, real)
    calibration_path = KNOWLEDGE_DIR / CALIBRATION_FILE
    calibrations = read_calibrations(calibration_path) if sources.calibration and calibration_path.is_file() else {}
    return KnowledgeBase(real, indexes, examples, sources, dict(described), queries, calibrations)


def loaded_data_files(files: Iterable[SourceFile]) -> LoadedSources:
    """Sources holding only the given files (used to read examples from data alone)."""
    return LoadedSources(tuple(files))


__all__ = ["KnowledgeBase", "Sources", "build_knowledge", "compound_parts"]
