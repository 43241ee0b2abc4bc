"""Scoring: how strongly a text points at each SDG goal and target, and which the suggester accepts.

Stage: suggest (scoring). Imports `errors`, `plans`, `suggest.knowledge`, `suggest.queries`, `suggest.semantic` and
`suggest.text`.
Method (docs/sdg-suggestions.md): the text's lemmas (and, in Danish, the known parts of its compounds) are
matched against the terms of every goal and target; each matched term counts by how specific it is (how few
goals share it) and by its source; overlapping matches count once. The most similar curated examples add
the goals and targets they were linked to. Evidence e becomes a score 1 - exp(-e / saturation) in [0, 1).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import ConfigError
from ..plans import goal_notation, notation_key
from .knowledge import Example, KnowledgeBase, Query, Term, TermIndex
from .queries import Evaluation
from .semantic import Descriptions, Embedder, EmbeddingsMissing, describe
from .text import compound_parts, detect_language, is_content, words

FEATURES = (
    "query",  # a query of the goal (any of its targets) matches the text
    "query_other",  # some other goal's query matches, and none of this goal's
    "lexical",  # the lexical score of the goal's terms
    "example",  # the similarity of the nearest curated example linked within the goal
    "lexical_top",  # the goal has the best lexical score
    "lexical_gap",  # the goal's lexical score minus the best goal's
    "semantic_goal",  # similarity to the goal's title, minus the mean over the goals
    "semantic_target",  # similarity to the goal's closest target title, minus the mean over the goals
    "semantic_top",  # the goal holds the target title closest to the text
    "semantic_top3",  # … or one of the three goals closest to it
)


@dataclass(frozen=True)
class Settings:
    """The suggester's settings; all of them are recorded in the provenance of every proposal."""

    threshold: float | None = None  # a goal is accepted from this score up (None: the language's calibrated one)
    relative: float = 0.7  # uncalibrated only: a goal must reach this share of the best goal's score
    targets_per_goal: int = 2  # at most this many targets accepted under one accepted goal
    target_strength: float = 0.5  # … each with at least this strength of its own evidence
    saturation: float = 2.5  # evidence that gives a score of 1 - 1/e
    example_weight: float = 2.0  # evidence a perfectly similar curated example adds
    neighbours: int = 3  # curated examples consulted
    min_similarity: float = 0.2  # below this an example is not consulted
    query_evidence: float = 2.0  # target evidence one matching query adds
    semantic_evidence: float = 12.0  # target evidence per unit of title similarity above the mean
    list_min: float = 0.05  # candidates below this score are not listed

    def as_text(self) -> str:
        """'name=value' pairs, in a fixed order, for provenance."""
        return " ".join(f"{name}={value}" for name, value in vars(self).items())


@dataclass(frozen=True)
class Match:
    """One term of a concept found in the text: the text's words at a span, and the term."""

    start: int
    end: int
    found: str
    term: Term
    weight: float


@dataclass(frozen=True)
class QueryHit:
    """A query that matches the text, and the text's words it matched."""

    query: Query
    found: str


@dataclass(frozen=True)
class Neighbour:
    """A curated example similar to the text."""

    example: Example
    similarity: float


@dataclass(frozen=True)
class Candidate:
    """A goal or target with its score, whether it is accepted, and the evidence for it."""

    notation: str
    score: float
    accepted: bool
    matches: tuple[Match, ...]
    neighbours: tuple[Neighbour, ...]
    hits: tuple[QueryHit, ...] = ()
    similarity: float | None = None  # the text's similarity to the title (its goal's closest target's)


@dataclass(frozen=True)
class Analysis:
    """Everything the suggester concluded about one text."""

    lang: str
    goals: tuple[Candidate, ...]
    targets: tuple[Candidate, ...]
    neighbours: tuple[Neighbour, ...] = ()
    features: dict[str, dict[str, float]] = field(default_factory=dict)

    def accepted(self) -> list[Candidate]:
        """Accepted goals and targets, best first."""
        return [c for c in (*self.goals, *self.targets) if c.accepted]


def _matches_at(index: TermIndex, lemmas: list[str], surfaces: list[str], i: int, parts: list[str]) -> list[Match]:
    found = []
    heads = [lemmas[i], *parts]
    for head in heads:
        for term in index.exact.get(head, ()):
            n = len(term.lemmas)
            if i + n > len(lemmas):
                continue
            tail_ok = all(lemmas[i + k] == term.lemmas[k] for k in range(1, n - 1 if term.prefix else n))
            last_ok = not term.prefix or n == 1 or lemmas[i + n - 1].startswith(term.lemmas[-1])
            if tail_ok and last_ok and (n > 1 or head == term.lemmas[0]):
                found.append(Match(i, i + n, " ".join(surfaces[i : i + n]), term, index.weights[term]))
        for term in index.prefixes.get(head[:3], ()):
            if head.startswith(term.lemmas[0]) or (
                head == lemmas[i] and surfaces[i].lower().startswith(term.lemmas[0])
            ):
                found.append(Match(i, i + 1, surfaces[i], term, index.weights[term]))
    return found


def _best_cover(matches: list[Match]) -> list[Match]:
    """Non-overlapping matches, heaviest first; each term counts once."""
    chosen: list[Match] = []
    used: set[int] = set()
    seen_terms: set[tuple[tuple[str, ...], bool]] = set()
    for match in sorted(matches, key=lambda m: (-m.weight, m.start, m.term.shown)):
        span = set(range(match.start, match.end))
        key = (match.term.lemmas, match.term.prefix)
        if span & used or key in seen_terms:
            continue
        chosen.append(match)
        used |= span
        seen_terms.add(key)
    return sorted(chosen, key=lambda m: (m.start, m.term.shown))


class Suggester:
    """Scores texts against a knowledge base with fixed settings."""

    def __init__(self, knowledge: KnowledgeBase, settings: Settings | None = None) -> None:
        self.knowledge = knowledge
        self.settings = settings or Settings()
        self._example_vectors: dict[str, list[tuple[Example, dict[str, float]]]] = {}
        self._example_idf: dict[str, dict[str, float]] = {}
        self._postings: dict[str, dict[str, list[tuple[int, float]]]] = {}  # lemma -> (example, weight)
        for lang in ("da", "en"):
            docs = [(e, self._bag(e.texts.get(lang, ""), lang)) for e in knowledge.examples if e.texts.get(lang)]
            df = Counter(lemma for _, bag in docs for lemma in bag)
            idf = {lemma: math.log(1 + len(docs) / n) for lemma, n in df.items()}
            self._example_idf[lang] = idf
            self._example_vectors[lang] = [(e, self._vector(bag, idf)) for e, bag in docs]
            postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
            for number, (_, vector) in enumerate(self._example_vectors[lang]):
                for lemma, value in vector.items():
                    postings[lemma].append((number, value))
            self._postings[lang] = dict(postings)
        self.embedder: Embedder | None = None
        self.descriptions: dict[str, tuple[Descriptions, Descriptions]] = {}
        if knowledge.sources.semantic:
            try:
                self.embedder = Embedder.load()
            except EmbeddingsMissing as exc:
                raise ConfigError(f"the suggester's word embeddings: {exc}") from exc
            for lang in ("da", "en"):
                goals: dict[str, str] = {}
                targets: dict[str, str] = {}
                for notation, concept in sorted(knowledge.concepts.items(), key=lambda item: notation_key(item[0])):
                    title = concept.titles.get(lang)
                    if title:
                        (goals if concept.is_goal else targets)[notation] = title
                self.descriptions[lang] = (describe(self.embedder, goals), describe(self.embedder, targets))

    def _bag(self, text: str, lang: str) -> Counter[str]:
        bag: Counter[str] = Counter()
        vocabulary = self.knowledge.indexes[lang].vocabulary
        for word in words(text, lang):
            if is_content(word.lemma, lang):
                bag[word.lemma] += 1
                if lang == "da":
                    bag.update(p for p in compound_parts(word.lemma, vocabulary) if is_content(p, lang))
        return bag

    @staticmethod
    def _vector(bag: Counter[str], idf: dict[str, float]) -> dict[str, float]:
        vector = {lemma: (1 + math.log(n)) * idf.get(lemma, 0.0) for lemma, n in bag.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {lemma: v / norm for lemma, v in vector.items() if v}

    def neighbours(
        self, text: str, lang: str, exclude_group: str | None = None, exclude_element: str | None = None
    ) -> list[Neighbour]:
        """The most similar curated examples (not those of `exclude_group`), most similar first."""
        query = self._vector(self._bag(text, lang), self._example_idf[lang])
        sums: dict[int, float] = defaultdict(float)
        postings = self._postings[lang]
        for lemma, weight in query.items():  # only the examples that share a word with the text
            for number, value in postings.get(lemma, ()):
                sums[number] += weight * value
        scored = []
        for number, similarity in sums.items():
            example = self._example_vectors[lang][number][0]
            if exclude_group is not None and exclude_group in (example.group, example.element):
                continue
            if example.element == exclude_element:
                continue
            if similarity >= self.settings.min_similarity:
                scored.append(Neighbour(example, round(similarity, 6)))
        scored.sort(key=lambda n: (-n.similarity, n.example.element))
        return scored[: self.settings.neighbours]

    def matches(self, text: str, lang: str) -> list[Match]:
        """Every term of every concept found in the text."""
        index = self.knowledge.indexes[lang]
        found = words(text, lang)
        lemmas = [w.lemma for w in found]
        surfaces = [w.surface for w in found]
        result = []
        for i, lemma in enumerate(lemmas):
            parts = compound_parts(lemma, index.vocabulary) if lang == "da" else []
            result += _matches_at(index, lemmas, surfaces, i, parts)
        return result

    def query_hits(self, text: str, lang: str) -> dict[str, list[QueryHit]]:
        """The queries that match the text, by goal or target."""
        queries = self.knowledge.queries.get(lang, [])
        if not queries:
            return {}
        evaluation = Evaluation.of(text, lang)
        hits: dict[str, list[QueryHit]] = defaultdict(list)
        for query in queries:
            spans = evaluation.spans(query.node)
            if spans:
                hits[query.concept].append(QueryHit(query, evaluation.words_at(spans)))
        return hits

    def similarities(self, text: str, lang: str) -> tuple[dict[str, float], dict[str, float]]:
        """The text's similarity to every goal title and every target title of its language."""
        if self.embedder is None or lang not in self.descriptions:
            return {}, {}
        vector = self.embedder.embed([text])[0]
        goals, targets = self.descriptions[lang]
        return goals.similarities(vector), targets.similarities(vector)

    def analyse(
        self,
        text: str,
        lang: str | None = None,
        exclude_group: str | None = None,
        exclude_element: str | None = None,
        barred: frozenset[str] = frozenset(),
    ) -> Analysis:
        """Score every goal and target for one text and decide which are accepted. `barred` targets (notations)
        are neither listed nor accepted, so that under an accepted goal its next best targets are."""
        lang = lang or detect_language(text)
        settings, concepts = self.settings, self.knowledge.concepts
        by_concept: dict[str, list[Match]] = defaultdict(list)
        for match in self.matches(text, lang):
            by_concept[match.term.concept].append(match)
        by_goal: dict[str, list[Match]] = defaultdict(list)
        for notation, found in by_concept.items():
            by_goal[concepts[notation].goal] += found
        neighbours = self.neighbours(text, lang, exclude_group, exclude_element) if self.knowledge.examples else []
        example_evidence: dict[str, float] = defaultdict(float)
        for neighbour in neighbours:
            for notation in neighbour.example.concepts:
                example_evidence[notation] += neighbour.similarity * settings.example_weight
                goal = concepts[notation].goal
                if goal != notation:
                    example_evidence[goal] += neighbour.similarity * settings.example_weight
        all_goals = sorted({c.goal for c in concepts.values()}, key=notation_key)
        goal_evidence: dict[str, tuple[float, tuple[Match, ...]]] = {}
        term_evidence: dict[str, float] = {}
        for goal in all_goals:
            cover = tuple(_best_cover(by_goal.get(goal, [])))
            term_evidence[goal] = sum(m.weight for m in cover)
            goal_evidence[goal] = (term_evidence[goal] + example_evidence.get(goal, 0.0), cover)
        nearest_example: dict[str, float] = defaultdict(float)
        for neighbour in neighbours:
            for goal in {concepts[n].goal for n in neighbour.example.concepts}:
                nearest_example[goal] = max(nearest_example[goal], neighbour.similarity)

        def saturate(evidence: float) -> float:
            return 1.0 - math.exp(-evidence / settings.saturation)

        hits = self.query_hits(text, lang)
        hits_by_goal: dict[str, list[QueryHit]] = defaultdict(list)
        for notation, found_hits in hits.items():
            hits_by_goal[concepts[notation].goal] += found_hits
        goal_sims, target_sims = self.similarities(text, lang)
        features = goal_features(
            all_goals,
            {g: saturate(e) for g, e in term_evidence.items()},
            nearest_example,
            set(hits_by_goal),
            goal_sims,
            target_sims,
            lambda n: concepts[n].goal,
        )
        calibration = self.knowledge.calibrations.get(lang)
        lexical = {g: saturate(goal_evidence[g][0]) for g in all_goals}
        if calibration is not None:
            goal_scores = {g: calibration.probability(features[g], g) for g in all_goals}
            threshold = settings.threshold if settings.threshold is not None else calibration.threshold
            accepted_goals = {g for g, p in goal_scores.items() if p >= threshold}
        else:  # no calibration: the lexical score, or a matching query
            goal_scores = {g: max(lexical[g], 0.9 if g in hits_by_goal else 0.0) for g in all_goals}
            threshold = settings.threshold if settings.threshold is not None else 0.5
            best = max(goal_scores.values(), default=0.0)
            accepted_goals = {g for g, v in goal_scores.items() if v >= threshold and v >= settings.relative * best}
        best_target: dict[str, float] = defaultdict(float)
        for notation, value in target_sims.items():
            best_target[concepts[notation].goal] = max(best_target[concepts[notation].goal], value)
        goals = tuple(
            Candidate(
                g,
                round(goal_scores[g], 4),
                g in accepted_goals,
                goal_evidence[g][1],
                tuple(n for n in neighbours if any(concepts[c].goal == g for c in n.example.concepts)),
                tuple(hits_by_goal.get(g, ())),
                round(best_target[g], 4) if target_sims else None,
            )
            for g in all_goals
            if goal_scores[g] >= settings.list_min
        )
        mean_target = sum(target_sims.values()) / len(target_sims) if target_sims else 0.0
        target_scores: dict[str, tuple[float, float, tuple[Match, ...]]] = {}
        for notation, concept in concepts.items():
            if concept.is_goal or notation in barred:
                continue
            cover = tuple(_best_cover(by_concept.get(notation, [])))
            own = sum(m.weight for m in cover) + example_evidence.get(notation, 0.0)
            own += settings.query_evidence * len(hits.get(notation, ()))
            own += settings.semantic_evidence * max(0.0, target_sims.get(notation, mean_target) - mean_target)
            if own <= 0:
                continue
            strength = saturate(own + 0.25 * goal_evidence[concept.goal][0])
            target_scores[notation] = (goal_scores[concept.goal] * strength, strength, cover)
        accepted_targets: set[str] = set()
        for goal in accepted_goals:
            ranked = sorted(
                (n for n in target_scores if concepts[n].goal == goal),
                key=lambda n: (-target_scores[n][0], notation_key(n)),
            )
            accepted_targets.update(
                n for n in ranked[: settings.targets_per_goal] if target_scores[n][1] >= settings.target_strength
            )
        listed = sorted(target_scores, key=lambda n: (-target_scores[n][0], notation_key(n)))
        listed = [n for n in listed if target_scores[n][0] >= settings.list_min][:10]
        targets = tuple(
            Candidate(
                n,
                round(target_scores[n][0], 4),
                n in accepted_targets,
                target_scores[n][2],
                tuple(x for x in neighbours if n in x.example.concepts),
                tuple(hits.get(n, ())),
                round(target_sims[n], 4) if n in target_sims else None,
            )
            for n in sorted(listed, key=notation_key)
        )
        return Analysis(lang, goals, targets, tuple(neighbours), features)

    def ranked_targets(self, analysis: Analysis) -> list[str]:
        """The listed targets of an analysis, best first."""
        return [c.notation for c in sorted(analysis.targets, key=lambda c: (-c.score, notation_key(c.notation)))]


def goal_features(
    goals: list[str],
    lexical: dict[str, float],
    examples: dict[str, float],
    queried: set[str],
    goal_sims: dict[str, float],
    target_sims: dict[str, float],
    goal_of: Callable[[str], str],
) -> dict[str, dict[str, float]]:
    """The features of every goal for one text (see FEATURES), from its lexical scores, its nearest curated
    examples, the goals whose queries matched and its similarities to the goal and target titles."""
    best_lexical = max(lexical.values(), default=0.0)
    top_lexical = max(goals, key=lambda g: (lexical[g], -int(goal_notation(g)))) if best_lexical > 0 else None
    closest: dict[str, float] = {}
    for notation, value in target_sims.items():
        goal = goal_of(notation)
        closest[goal] = max(closest.get(goal, -1.0), value)
    mean_goal = sum(goal_sims.values()) / len(goal_sims) if goal_sims else 0.0
    mean_closest = sum(closest.values()) / len(closest) if closest else 0.0
    ranked = sorted(closest, key=lambda g: (-closest[g], notation_key(g)))
    table = {}
    for goal in goals:
        table[goal] = {
            "query": float(goal in queried),
            "query_other": float(bool(queried) and goal not in queried),
            "lexical": lexical[goal],
            "example": examples.get(goal, 0.0),
            "lexical_top": float(goal == top_lexical),
            "lexical_gap": lexical[goal] - best_lexical,
            "semantic_goal": goal_sims.get(goal, mean_goal) - mean_goal,
            "semantic_target": closest.get(goal, mean_closest) - mean_closest,
            "semantic_top": float(bool(ranked) and goal == ranked[0]),
            "semantic_top3": float(goal in ranked[:3]),
        }
    return table
