"""Scoring: how strongly a text points at each SDG goal and target, and which the suggester accepts.

Stage: suggest/scoring. Imports `suggest.text` and `suggest.knowledge` only.
Method (docs/sdg-suggestions.md): the text's lemmas (and, in Danish, the known parts of its compounds) are
matched against the terms of every goal and target; each matched term counts by how specific it is (how few
goals share it) and by its source; overlapping matches count once. The most similar curated examples add
the goals and targets they were linked to. Evidence e becomes a score 1 - exp(-e / saturation) in [0, 1).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from .knowledge import Example, KnowledgeBase, Term, TermIndex, notation_key
from .text import compound_parts, detect_language, is_content, words


@dataclass(frozen=True)
class Settings:
    """The suggester's settings; all of them are recorded in the provenance of every proposal."""

    threshold: float = 0.5  # a goal (or target) is accepted from this score up
    relative: float = 0.7  # … and only if its score is at least this share of the best goal's
    targets_per_goal: int = 2  # at most this many targets accepted under one accepted goal
    saturation: float = 2.5  # evidence that gives a score of 1 - 1/e
    example_weight: float = 2.0  # evidence a perfectly similar curated example adds
    neighbours: int = 3  # curated examples consulted
    min_similarity: float = 0.2  # below this an example is not consulted
    list_min: float = 0.1  # candidates below this score are not listed

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


@dataclass(frozen=True)
class Analysis:
    """Everything the suggester concluded about one text."""

    lang: str
    goals: tuple[Candidate, ...]
    targets: tuple[Candidate, ...]
    neighbours: tuple[Neighbour, ...] = ()

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
        for lang in ("da", "en"):
            docs = [(e, self._bag(e.texts.get(lang, ""), lang)) for e in knowledge.examples if e.texts.get(lang)]
            df = Counter(lemma for _, bag in docs for lemma in bag)
            idf = {lemma: math.log(1 + len(docs) / n) for lemma, n in df.items()}
            self._example_idf[lang] = idf
            self._example_vectors[lang] = [(e, self._vector(bag, idf)) for e, bag in docs]

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
        scored = []
        for example, vector in self._example_vectors[lang]:
            if exclude_group is not None and exclude_group in (example.group, example.element):
                continue
            if example.element == exclude_element:
                continue
            similarity = sum(weight * vector.get(lemma, 0.0) for lemma, weight in query.items())
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

    def analyse(
        self, text: str, lang: str | None = None, exclude_group: str | None = None, exclude_element: str | None = None
    ) -> Analysis:
        """Score every goal and target for one text and decide which are accepted."""
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
        goal_evidence: dict[str, tuple[float, tuple[Match, ...]]] = {}
        for goal in {c.goal for c in concepts.values()}:
            cover = tuple(_best_cover(by_goal.get(goal, [])))
            goal_evidence[goal] = (sum(m.weight for m in cover) + example_evidence.get(goal, 0.0), cover)

        def score(evidence: float) -> float:
            return 1.0 - math.exp(-evidence / settings.saturation)

        goal_scores = {goal: score(e) for goal, (e, _) in goal_evidence.items()}
        best = max(goal_scores.values(), default=0.0)
        accepted_goals = {
            g for g, s in goal_scores.items() if s >= settings.threshold and s >= settings.relative * best
        }
        goals = tuple(
            Candidate(
                g,
                round(goal_scores[g], 4),
                g in accepted_goals,
                goal_evidence[g][1],
                tuple(n for n in neighbours if any(concepts[c].goal == g for c in n.example.concepts)),
            )
            for g in sorted(goal_scores, key=notation_key)
            if goal_scores[g] >= settings.list_min
        )
        target_scores: dict[str, tuple[float, tuple[Match, ...]]] = {}
        for notation, concept in concepts.items():
            if concept.is_goal:
                continue
            cover = tuple(_best_cover(by_concept.get(notation, [])))
            own = sum(m.weight for m in cover) + example_evidence.get(notation, 0.0)
            if own <= 0:
                continue
            target_scores[notation] = (score(own + 0.25 * goal_evidence[concept.goal][0]), cover)
        accepted_targets: set[str] = set()
        for goal in accepted_goals:
            ranked = sorted(
                (n for n in target_scores if concepts[n].goal == goal),
                key=lambda n: (-target_scores[n][0], notation_key(n)),
            )
            accepted_targets.update(
                n for n in ranked[: settings.targets_per_goal] if target_scores[n][0] >= settings.threshold
            )
        listed = sorted(target_scores, key=lambda n: (-target_scores[n][0], notation_key(n)))
        listed = [n for n in listed if target_scores[n][0] >= settings.list_min][:10]
        targets = tuple(
            Candidate(
                n,
                round(target_scores[n][0], 4),
                n in accepted_targets,
                target_scores[n][1],
                tuple(x for x in neighbours if n in x.example.concepts),
            )
            for n in sorted(listed, key=notation_key)
        )
        return Analysis(lang, goals, targets, tuple(neighbours))

    def ranked_targets(self, analysis: Analysis) -> list[str]:
        """The listed targets of an analysis, best first."""
        return [c.notation for c in sorted(analysis.targets, key=lambda c: (-c.score, notation_key(c.notation)))]
