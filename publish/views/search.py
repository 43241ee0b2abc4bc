"""The site search's index: every page of an entity or SDG concept with its kind, its title and every text of it,
in Danish and English, for a script that searches in the reader's browser (no server needed: any static host).

Stage: query (view models). Imports `query`, `urls` and `vocab`, and the other `views` modules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from ..query import LANGS, SiteGraph, pick, sdg_sort_key
from ..urls import UrlPolicy, page, sdg_page
from ..vocab import LABEL_PREDICATES, RDF_TYPE, PlanVocabulary
from .site import is_goal

# Literals with these datatypes are texts a reader may search for (plain and language-tagged strings).
TEXT_DATATYPES = frozenset(
    {"http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
)


@dataclass(frozen=True)
class SearchEntry:
    """One page in the search index: its site path (the Danish page; the English one is `{path}en/`), and per
    language (Danish, English) its kind, title and the rest of its texts."""

    path: str
    kind: tuple[str, str]
    title: tuple[str, str]
    text: tuple[str, str]

    def row(self) -> str:
        """The entry as the index holds it: a compact JSON array of its fields, in `SEARCH_FIELDS` order."""
        return json.dumps([self.path, *self.kind, *self.title, *self.text], ensure_ascii=False, separators=(",", ":"))


# The fields of each entry of the search index, in order (the search page's script reads them by position).
SEARCH_FIELDS = ("path", "kind_da", "kind_en", "title_da", "title_en", "text_da", "text_en")


def search_index_document(rows: list[tuple[str, str]]) -> bytes:
    """The search index as compact JSON: the field names, then one array per page (`SearchEntry.row`), sorted by
    path; `rows` are (path, row) pairs."""
    head = json.dumps({"fields": SEARCH_FIELDS}, separators=(",", ":"))[:-1]
    listed = ",".join(row for _path, row in sorted(rows))
    return (head + ',"entries":[' + listed + "]}\n").encode("utf-8")


class SearchIndex:
    """Makes the search index of a site graph."""

    def __init__(self, graph: SiteGraph, policy: UrlPolicy, vocab: PlanVocabulary) -> None:
        self.g = graph
        self.policy = policy
        self.vocab = vocab

    def concepts(self) -> list[SearchEntry]:
        """The pages of the SDG goals and of the targets the site links to."""
        goals = [n for n in self.g.by_subject if isinstance(n, ox.NamedNode) and is_goal(self.g, n)]
        concepts = sorted(set(goals) | set(self.g.sdg_concepts_linked), key=lambda n: sdg_sort_key(n.value))
        return [self.sdg_concept(c) for c in concepts]

    def kind(self, node: ox.NamedNode) -> tuple[str, str]:
        """The label of the node's own class (the project's first), in Danish and English."""
        types = self.g.types(node)
        own = [t for t in types if t.value.startswith(self.vocab.ns)] or types
        return (self.g.label(own[0], "da"), self.g.label(own[0], "en")) if own else ("", "")

    def texts(self, node: ox.NamedNode, skip: set[str]) -> tuple[str, str]:
        """Every text of the node in Danish and in English (texts without a language in both), less `skip`."""
        found: dict[str, list[str]] = {lang: [] for lang in LANGS}
        for triple in self.g.by_subject.get(node, ()):
            obj = triple.object
            if triple.predicate == RDF_TYPE or not isinstance(obj, ox.Literal):
                continue
            if obj.datatype.value not in TEXT_DATATYPES or obj.value in skip:
                continue
            for lang in (obj.language,) if obj.language in found else LANGS if not obj.language else ():
                if obj.value not in found[lang]:
                    found[lang].append(obj.value)
        return (" ".join(found["da"]), " ".join(found["en"]))

    def entity(self, node: ox.NamedNode) -> SearchEntry:
        labels = self.g.labels(node)
        title = (self.g.label(node, "da"), self.g.label(node, "en"))
        return SearchEntry(
            page(self.policy.path(node.value), "da"), self.kind(node), title, self.texts(node, set(labels.values()))
        )

    def sdg_concept(self, concept: ox.NamedNode) -> SearchEntry:
        code = concept.value.rsplit("/", 1)[1]
        labels = self.g.labels(concept)
        titles = (f"{code} {pick(labels, 'da')}", f"{code} {pick(labels, 'en')}")
        other = {
            t.object.value
            for t in self.g.by_subject.get(concept, ())
            if t.predicate in LABEL_PREDICATES and isinstance(t.object, ox.Literal)
        }
        kind = self.kind(concept)
        return SearchEntry(page(sdg_page(code), "da"), kind, titles, self.texts(concept, other | set(labels.values())))
