"""Explanations of suggestions, in Danish and English, that a curator can check in a minute.

Stage: suggest (explanations). Imports `suggest.knowledge` and `suggest.scoring` only.
An explanation names the words of the element that matched, the words of the goal or target (or of a term
list) they matched, where those words come from, and the nearest curated examples with their links.
"""

from __future__ import annotations

from dataclasses import dataclass

from .knowledge import KnowledgeBase
from .scoring import Candidate, Neighbour

SOURCE_NAMES = {
    "un-title": ("FN's titel", "the UN's title"),
    "title-da": ("den danske titel", "the Danish title"),
    "un-indicator": ("FN's indikatorer", "the UN's indicators"),
    "aurora": ("Auroras søgeord", "Aurora's keywords"),
    "terms-da": ("planlods danske termliste", "planlod's Danish term list"),
    "aurora-query": ("Auroras søgning", "Aurora's query"),
    "query-da": ("planlods danske søgning", "planlod's Danish query"),
}
MAX_MATCHES = 6
MAX_EXAMPLES = 2
MAX_HITS = 2
MAX_QUERY_CHARS = 160


@dataclass(frozen=True)
class Explanation:
    """The same explanation in Danish and in English."""

    da: str
    en: str


def _number(value: float, lang: str) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "da" else text


def _shorten(query: str) -> str:
    return query if len(query) <= MAX_QUERY_CHARS else query[: MAX_QUERY_CHARS - 1].rstrip() + "…"


def _kind(notation: str, lang: str) -> str:
    if "." in notation:
        return ("delmål " if lang == "da" else "target ") + notation
    return ("verdensmål " if lang == "da" else "Goal ") + notation


def explain(
    candidate: Candidate, knowledge: KnowledgeBase, nearest: tuple[Neighbour, ...] = (), text: str = ""
) -> Explanation:
    """Why the suggester proposes this goal or target; `nearest`: the text's nearest curated examples, shown
    when none of the examples linked to this goal or target is near; `text`: the element's own text, quoted
    when none of its words matched. As the linking policy asks of every rationale, the element's words are
    quoted in »…« and the UN's English title in “…”."""
    concept = knowledge.concepts[candidate.notation]
    pairs: list[tuple[str, str, str]] = []
    seen = set()
    for match in sorted(candidate.matches, key=lambda m: (-m.weight, m.start)):
        key = (match.found.lower(), match.term.shown.lower())
        if key in seen:
            continue
        seen.add(key)
        pairs.append((match.found, match.term.shown, match.term.source))
        if len(pairs) == MAX_MATCHES:
            break
    texts = {}
    for lang in ("da", "en"):
        index = 0 if lang == "da" else 1
        title = concept.titles.get("en", "")
        head = (
            f"Maskinelt forslag (sikkerhed {_number(candidate.score, lang)}) til {_kind(candidate.notation, lang)}, "
            f"“{title}”."
            if lang == "da"
            else f"Machine suggestion (confidence {_number(candidate.score, lang)}) of "
            f"{_kind(candidate.notation, lang)}, “{title}”."
        )
        parts = [head]
        if pairs:
            listed = "; ".join(
                f"»{found}« ~ “{shown}” ({SOURCE_NAMES[source][index]})" for found, shown, source in pairs
            )
            parts.append(
                f"Elementets ord, der passer: {listed}."
                if lang == "da"
                else f"Words of the element that match: {listed}."
            )
        hits = candidate.hits[:MAX_HITS]
        if hits:
            listed = "; ".join(
                f"»{hit.found}« ({SOURCE_NAMES[hit.query.source][index]} {'til' if lang == 'da' else 'for'} "
                f"{hit.query.concept}: "
                f"{_shorten(hit.query.text)})"
                for hit in hits
            )
            parts.append(f"Søgninger, der passer: {listed}." if lang == "da" else f"Queries that match: {listed}.")
        if candidate.similarity is not None and candidate.similarity > 0:
            what = "titlen" if "." in candidate.notation else "den nærmeste delmålstitel"
            what_en = "the title" if "." in candidate.notation else "the closest target title"
            parts.append(
                f"Betydningslighed med {what}: {_number(candidate.similarity, lang)} (ordvektorer)."
                if lang == "da"
                else f"Similarity in meaning to {what_en}: {_number(candidate.similarity, lang)} (word vectors)."
            )
        examples = (candidate.neighbours or nearest)[:MAX_EXAMPLES]
        if examples:
            listed = "; ".join(
                f"»{n.example.label}« ({', '.join(n.example.concepts)}; {_number(n.similarity, lang)})"
                for n in examples
            )
            parts.append(
                f"Nærmeste kuraterede eksempler (koblinger; lighed): {listed}."
                if lang == "da"
                else f"Nearest curated examples (links; similarity): {listed}."
            )
        if not pairs and text.strip():
            parts.append(
                f"Elementets tekst: »{' '.join(text.split())}«; intet enkelt ord i den svarer til målets ord."
                if lang == "da"
                else f"The element's text: »{' '.join(text.split())}«; no single word of it answers to the goal's."
            )
        if not pairs and not examples and not hits:
            closing = (
                ("Forslaget bygger på ligheden i betydning.", "The suggestion rests on the similarity in meaning.")
                if candidate.similarity
                else (
                    "Forslaget bygger på målets samlede ord; intet enkelt ord skiller sig ud.",
                    "The suggestion rests on the goal's words as a whole; no single word stands out.",
                )
            )
            parts.append(closing[index])
        texts[lang] = " ".join(parts)
    return Explanation(texts["da"], texts["en"])
