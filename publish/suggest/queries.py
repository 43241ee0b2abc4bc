"""Boolean search queries (Scopus syntax) evaluated on a text, with the words that made each query match.

Stage: suggest (matching). Imports `suggest.text` only.
The Aurora SDG queries are written for Scopus' TITLE-ABS-KEY search: quoted words and phrases (a `*` or
`?` inside a word is a wildcard), `OR`, `AND`, `AND NOT`, and the proximity operators `W/n` (within n words,
either order) and `PRE/n` (the first within n words before the second). Their precision comes from that
structure ("poverty" only counts near "eradicat*", "reduc*", "end" …), so they are evaluated as queries, not
as a bag of their words. Scopus reads a quoted phrase loosely (plurals and other inflections match): here a
query word matches a word of the text with the same spelling or the same lemma; hyphens separate words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .text import lemma_of, normalise

_TOKEN = re.compile(r'"[^"]*"|\{[^}]*\}|\(|\)|\bAND\s+NOT\b|\bAND\b|\bOR\b|\bW/\d+|\bPRE/\d+', re.IGNORECASE)
_TEXT_WORD = re.compile(r"[^\W_]+(?:'s)?", re.UNICODE)

Span = tuple[int, int]  # first and last word position (inclusive) of one occurrence


class QuerySyntaxError(ValueError):
    """A query that cannot be read."""


@dataclass(frozen=True)
class Tokens:
    """A text as the queries see it: lower-case words, their lemmas, and where each occurs."""

    words: tuple[str, ...]
    lemmas: tuple[str, ...]
    positions: dict[str, tuple[int, ...]]  # word or lemma -> positions
    lang: str


def tokens_of(text: str, lang: str = "en") -> Tokens:
    """The words of a text for query matching (hyphens and apostrophes separate words; "'s" is kept)."""
    found = [m.group(0).lower() for m in _TEXT_WORD.finditer(normalise(text))]
    lemmas = tuple(lemma_of(w, lang) if w.isalpha() else w for w in found)
    positions: dict[str, list[int]] = {}
    for i, (word, lemma) in enumerate(zip(found, lemmas, strict=True)):
        positions.setdefault(word, []).append(i)
        if lemma != word:
            positions.setdefault(lemma, []).append(i)
    return Tokens(tuple(found), lemmas, {k: tuple(v) for k, v in positions.items()}, lang)


@dataclass(frozen=True)
class Phrase:
    """A quoted word or phrase; each word is a literal, or a pattern when it holds a wildcard."""

    words: tuple[str, ...]
    shown: str


@dataclass(frozen=True)
class Operation:
    """OR, AND, NOT (AND NOT), W/n or PRE/n of two or more operands."""

    operator: str
    distance: int
    operands: tuple[Node, ...]


Node = Phrase | Operation


def _phrase(raw: str) -> Phrase:
    body = raw[1:-1]
    words = tuple(w.strip("'") if not w.endswith("'s") else w for w in re.split(r"[^\w*?']+", body.lower()))
    words = tuple(w for w in words if w.strip("*?"))
    if not words:
        raise QuerySyntaxError(f"empty phrase {raw}")
    return Phrase(words, body.strip())


def parse(query: str) -> Node:
    """The tree of one query; `QuerySyntaxError` when it cannot be read."""
    tokens = _TOKEN.findall(query)
    rest = _TOKEN.sub(" ", query)
    if rest.strip():
        raise QuerySyntaxError(f"unexpected text {rest.strip()[:40]!r} in query")
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        position += 1
        return str(tokens[position - 1])

    def operand() -> Node:
        token = peek()
        if token is None:
            raise QuerySyntaxError("query ends where a term was expected")
        if token == "(":
            take()
            node = expression()
            if peek() != ")":
                raise QuerySyntaxError("unbalanced parentheses")
            take()
            return node
        if token[0] in '"{':
            return _phrase(take())
        raise QuerySyntaxError(f"unexpected {token!r}")

    # Scopus' precedence: OR binds tightest, then W/n and PRE/n, then AND, then AND NOT.
    def level(names: tuple[str, ...], inner: str) -> Node:
        node = operand() if inner == "" else level(*LEVELS[inner])
        while (token := peek()) is not None and _operator(token)[0] in names:
            name, distance = _operator(take())
            right = operand() if inner == "" else level(*LEVELS[inner])
            if isinstance(node, Operation) and node.operator == name and node.distance == distance and name != "PRE":
                node = Operation(name, distance, (*node.operands, right))
            else:
                node = Operation(name, distance, (node, right))
        return node

    LEVELS: dict[str, tuple[tuple[str, ...], str]] = {
        "or": (("OR",), ""),
        "near": (("W", "PRE"), "or"),
        "and": (("AND",), "near"),
        "not": (("NOT",), "and"),
    }

    def expression() -> Node:
        return level(*LEVELS["not"])

    node = expression()
    if position != len(tokens):
        raise QuerySyntaxError(f"unexpected {tokens[position]!r}")
    return node


def _operator(token: str) -> tuple[str, int]:
    upper = " ".join(token.upper().split())
    if upper == "AND NOT":
        return "NOT", 0
    if upper.startswith(("W/", "PRE/")):
        name, _, n = upper.partition("/")
        return name, int(n)
    return upper, 0


@lru_cache(maxsize=20_000)
def _pattern(word: str) -> re.Pattern[str]:
    return re.compile(re.escape(word).replace(r"\*", r"\w*").replace(r"\?", r"\w?"))


def _word_positions(word: str, tokens: Tokens, cache: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    found = cache.get(word)
    if found is not None:
        return found
    if "*" in word or "?" in word:
        pattern = _pattern(word)
        hits = sorted({i for w, ps in tokens.positions.items() if pattern.fullmatch(w) for i in ps})
        found = tuple(hits)
    else:
        found = tokens.positions.get(word, ())
        lemma = lemma_of(word, tokens.lang) if word.isalpha() else word
        if lemma != word:
            found = tuple(sorted(set(found) | set(tokens.positions.get(lemma, ()))))
    cache[word] = found
    return found


@dataclass
class Evaluation:
    """Evaluates query trees on one text; remembers word positions across queries."""

    tokens: Tokens
    cache: dict[str, tuple[int, ...]]

    @classmethod
    def of(cls, text: str, lang: str = "en") -> Evaluation:
        """An evaluation over the words of a text."""
        return cls(tokens_of(text, lang), {})

    def spans(self, node: Node) -> list[Span]:
        """Where a query matches: the spans of its occurrences (empty: no match)."""
        if isinstance(node, Phrase):
            return self._phrase_spans(node)
        operator, operands = node.operator, node.operands
        if operator == "OR":
            return sorted({span for operand in operands for span in self.spans(operand)})
        if operator == "AND":
            result: list[Span] = []
            for operand in operands:
                found = self.spans(operand)
                if not found:
                    return []
                result += found
            return sorted(set(result))
        if operator == "NOT":
            first = self.spans(operands[0])
            if not first or any(self.spans(operand) for operand in operands[1:]):
                return []
            return first
        # W/n or PRE/n: every operand near the previous one's occurrence.
        current = self.spans(operands[0])
        for operand in operands[1:]:
            if not current:
                return []
            current = self._near(current, self.spans(operand), node.distance, operator == "PRE")
        return current

    @staticmethod
    def _near(left: list[Span], right: list[Span], distance: int, ordered: bool) -> list[Span]:
        joined = set()
        for a in left:
            for b in right:
                gap = b[0] - a[1] - 1 if b[0] > a[1] else a[0] - b[1] - 1
                if ordered and b[0] <= a[1]:
                    continue
                if gap <= distance:  # W/0 and PRE/0: adjacent words
                    joined.add((min(a[0], b[0]), max(a[1], b[1])))
        return sorted(joined)

    def _phrase_spans(self, phrase: Phrase) -> list[Span]:
        starts = self._positions(phrase.words[0])
        n = len(phrase.words)
        spans = []
        for start in starts:
            if all(start + k in self._positions_set(phrase.words[k]) for k in range(1, n)):
                spans.append((start, start + n - 1))
        return spans

    def _positions(self, word: str) -> tuple[int, ...]:
        return _word_positions(word, self.tokens, self.cache)

    def _positions_set(self, word: str) -> frozenset[int]:
        return frozenset(self._positions(word))

    def words_at(self, spans: list[Span], limit: int = 12) -> str:
        """The text's words a match covers (the first occurrences, shortened), for explanations."""
        shown = []
        for start, end in spans[:3]:
            piece = self.tokens.words[start : end + 1]
            shown.append(" ".join(piece if len(piece) <= limit else (*piece[:5], "…", *piece[-5:])))
        return " / ".join(shown)


def phrases_of(node: Node) -> list[Phrase]:
    """Every phrase of a query, in order."""
    if isinstance(node, Phrase):
        return [node]
    return [phrase for operand in node.operands for phrase in phrases_of(operand)]
