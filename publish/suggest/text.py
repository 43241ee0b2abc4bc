"""Text analysis for the SDG suggester: language, words, lemmas, Danish compounds.

Stage: suggest (text analysis). Imports simplemma only; nothing from the rest of planlod.
Everything here is deterministic and offline: simplemma's dictionaries ship inside its wheel.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import simplemma

LANGUAGES = ("da", "en")

_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?", re.UNICODE)
_DANISH_LETTERS = re.compile(r"[æøåÆØÅ]")

# Function words and words so general in plans and SDG texts that they say nothing about a goal.
STOPWORDS: dict[str, frozenset[str]] = {
    "da": frozenset(
        str.split(
            """
        af al alle alt altid andre anden andet at bare blev blive bliver da de dem den denne der deres det dette
        dig din dine disse dog du efter eller en end er et for fordi fra få før god godt gør gøre ham han hans
        har have havde hende hendes her hos hun hvad hvem hver hvilke hvis hvor hvordan hvorfor hvornår i ikke
        ind jeg jer jo kan kunne kun man mange med meget men mere mest mig min mine mod må måtte ned noget nogle
        nu når og også om op os over på sig sin sine sit skal skulle som stor store større så sådan til ud under
        var vi vil ville vor vores være været ved via samt blandt både hele helt igen lige fx mv osv ny nye nyt
        blandt herunder mellem samme selv sammen gennem arbejde arbejder arbejdet fokus fokusere indsats indsatse
        sikre sikring styrke styrket styrkes god gode bedre bedst øge øget øges fortsat fortsætte fortsætter
        skabe skaber kommune kommunen kommunal kommunale borger borgerne borgere år tid del mulighed
        muligheder vigtig vigtigt arbejde løbende særlig særligt ønske ønsker ønsket understøtte understøtter
        udvikle udvikling udvikler ske sker giver give gives herunder samtidig derfor dermed bl.a
        """
        )
    ),
    "en": frozenset(
        str.split(
            """
        a about above after again all also an and any are as at be been being both but by can could did do does
        doing during each few for from further had has have having he her here hers him his how i if in into is
        it its itself just more most my no nor not of off on once only or other our ours out over own same she
        should so some such than that the their theirs them then there these they this those through to too
        under until up very was we were what when where which while who whom why will with would you your
        within across among including include includes all ensure ensuring achieve achieving promote
        promoting increase increased increasing improve improving strengthen strengthening support supporting
        by 2030 2020 2025 country countries national level levels proportion number per cent percentage rate
        total type types measure measures way ways need needs new work working focus make making well
        municipality municipal citizen citizens year years part possible important especially
        """
        )
    ),
}


@dataclass(frozen=True)
class Word:
    """One word of a text: as written (for explanations) and its lemma (for matching)."""

    surface: str
    lemma: str


def normalise(text: str) -> str:
    """Unicode NFC, one kind of apostrophe and dash."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("’", "'").replace("‐", "-").replace("–", "-")


def detect_language(text: str) -> str:
    """'da' or 'en': simplemma's detector restricted to the two, with Danish letters as a tie-breaker."""
    text = normalise(text)
    if not _WORD.search(text):
        return "da"
    scores = dict(simplemma.langdetect(text, lang=LANGUAGES))
    da, en = scores.get("da", 0.0), scores.get("en", 0.0)
    if abs(da - en) < 0.05:
        return "da" if _DANISH_LETTERS.search(text) else "en"
    return "da" if da > en else "en"


@lru_cache(maxsize=200_000)
def lemma_of(word: str, lang: str) -> str:
    """The lemma of one lower-case word (the word itself when the dictionary does not know it)."""
    return str(simplemma.lemmatize(word, lang=lang)).lower()


def words(text: str, lang: str) -> list[Word]:
    """The words of a text with their lemmas, in order; numbers and punctuation dropped."""
    found = []
    for match in _WORD.finditer(normalise(text)):
        surface = match.group(0)
        lower = surface.lower().strip("'-")
        if len(lower) < 2:
            continue
        found.append(Word(surface, lemma_of(lower, lang)))
    return found


def is_content(lemma: str, lang: str) -> bool:
    """Whether a lemma can carry meaning for matching (not a stop word, not a fragment)."""
    return len(lemma) >= 3 and lemma not in STOPWORDS[lang]


# Endings that make a derived word, not a compound: "naturligt" is not "natur" + "ligt", nor is
# "tilgængelighed" "tilgænge" + "lighed".
DERIVATIONAL = ("lig", "hed", "isk", "else", "skab", "dom", "agtig", "mæssig", "vis")


def compound_parts(lemma: str, vocabulary: frozenset[str], min_part: int = 4) -> list[str]:
    """Known words a Danish compound is made of: 'sundhedstilbud' -> ['sundhed', 'tilbud'].

    Tries every split with a head of at least `min_part` letters, allowing the linking letters 's' and 'e';
    returns the head and the tail when both are in the vocabulary, else the longest known head or tail. A
    remainder that starts with a derivational ending ('-lig', '-hed', '-isk' …) is no compound part.
    """
    if lemma in vocabulary or len(lemma) < 2 * min_part:
        return []
    best_head = best_tail = ""
    for cut in range(min_part, len(lemma) - min_part + 1):
        head, tail = lemma[:cut], lemma[cut:]
        if tail.startswith(DERIVATIONAL):
            continue
        heads = [head, head[:-1]] if head[-1] in "se" and len(head) > min_part else [head]
        known_head = next((h for h in heads if h in vocabulary), "")
        known_tail = tail if tail in vocabulary else ""
        if known_head and known_tail:
            return [known_head, known_tail]
        if known_head and len(known_head) > len(best_head):
            best_head = known_head
        if known_tail and len(known_tail) > len(best_tail):
            best_tail = known_tail
    return [part for part in (best_head, best_tail) if part]
