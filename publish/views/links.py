"""Links from a page to any node: to the node's page when the site has one, else to the node's own IRI; SDG badges;
the values of a property row.

Stage: query (view models). Imports `escaping`, `formats`, `query`, `rdfterms`, `urls`, `vocab` and the `views`
models.

A link's text is the node's label in the page's language (labels of other vocabularies' terms and code-list
entries come from the reference files, `ontology/reference/`); a node with none is named by a prefixed name, or,
outside every known namespace, by a shortened readable form of its IRI (`readable_iri`), never by the bare IRI.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox

from ..escaping import linkable
from ..formats import IANA_MEDIA_TYPES
from ..query import Read, SiteGraph, is_sdg, pick, sdg_sort_key, term_key
from ..rdfterms import Subject, Term
from ..urls import UrlPolicy, page, relative, sdg_page
from ..vocab import DCT_SUBJECT, RDF_TYPE, SDG_NS, PlanVocabulary
from .models import BadgeView, LinkView, ValueView

# Link targets kept (by node and language) before the cache starts over.
LINK_CACHE = 8192


def readable_iri(iri: str) -> str:
    """A shortened readable form of an IRI no label names: the media type of an IANA media-type IRI
    ("text/turtle"), else the host (without "www.") and the IRI's last segment ("wikidata.org › Q53581254")."""
    if iri.startswith(IANA_MEDIA_TYPES) and iri[len(IANA_MEDIA_TYPES) :]:
        return iri[len(IANA_MEDIA_TYPES) :]
    parts = urlsplit(iri)
    host = parts.netloc.removeprefix("www.")
    last = unquote(parts.fragment or parts.path.rstrip("/").rsplit("/", 1)[-1])
    if not host:
        return iri
    return f"{host} › {last}" if last else host


class Links:
    """Makes links, badges and values for pages, keeping what recurs from page to page.

    Caches of what is read from the site graph keep the reads that made each value (SiteGraph.cached), so an
    incremental build knows that a page that got the value from the cache read them too.
    """

    def __init__(self, graph: SiteGraph, policy: UrlPolicy, vocab: PlanVocabulary) -> None:
        self.g = graph
        self.policy = policy
        self.vocab = vocab
        # The short names of properties and datatypes: few, and every page asks for them again.
        self._curies: dict[str, str] = {}
        # Links by node and language, less their relative href (the same nodes recur from page to page).
        self._link_targets: dict[tuple[Term, str], tuple[tuple[str, str, str | None, str, str], frozenset[Read]]]
        self._link_targets = {}

    def site_path(self, node: Term) -> str | None:
        """The site path of a node's page, or None when the site has no page for it."""
        if isinstance(node, ox.NamedNode):
            if self.policy.is_local(node.value) and node in self.g.by_subject:
                return page(self.policy.path(node.value), "da")
            if is_sdg(node.value):
                return page(sdg_page(node.value.rsplit("/", 1)[1]), "da")
        return None

    def link(self, node: Term, from_dir: str, lang: str) -> LinkView:
        """A link from a page to the node: to its page when the site has one, else to the IRI itself."""
        if len(self._link_targets) >= LINK_CACHE:
            self._link_targets.clear()
        target = self.g.cached(self._link_targets, (node, lang), partial(self._link_target, node, lang))
        text, text_lang, path, external, iri = target
        if path is None:
            return LinkView(text, external, text_lang, external, iri)
        return LinkView(text, relative(from_dir, path), text_lang, external, iri)

    def _link_target(self, node: Term, lang: str) -> tuple[str, str, str | None, str, str]:
        """What a link to the node is wherever it is: text, its language, the site path it leads to (None when it
        leads out of the site), the external IRI shown beside it, and the node's IRI."""
        labels = self.g.labels(node)
        text = self.g.label(node, lang)
        if not labels and isinstance(node, ox.NamedNode) and text == f"<{node.value}>":
            text = readable_iri(node.value)
        text_lang = lang if lang in labels else ("da" if "da" in labels else ("en" if "en" in labels else ""))
        path = self.site_path(node)
        iri = node.value if isinstance(node, ox.NamedNode) else ""
        if path is not None:
            target = page(path, lang)
            return (text, text_lang, target, "" if self.policy.is_local(iri) else iri, iri)
        if self.policy.is_local(iri):
            # A file of the site (a download, the source text) rather than an entity: linked relatively too.
            return (text, text_lang, self.policy.path(iri), "", iri)
        safe = iri if linkable(iri) else ""
        return (text, text_lang, None, safe, iri)

    def badge(self, concept: ox.NamedNode, from_dir: str, lang: str) -> BadgeView:
        """The SDG badge of a goal or target."""
        code = concept.value.rsplit("/", 1)[1]
        goal = sdg_sort_key(concept.value)[0]
        return BadgeView(
            code, goal, self.g.label(concept, lang), relative(from_dir, page(sdg_page(code), lang)), concept.value
        )

    def linked_concepts(self, node: Subject) -> list[ox.NamedNode]:
        """The SDG goals and targets of an element's accepted links (its dct:subject triples)."""
        return [o for o in self.g.objects(node, DCT_SUBJECT) if isinstance(o, ox.NamedNode) and is_sdg(o.value)]

    def badges(self, node: Subject, from_dir: str, lang: str) -> tuple[BadgeView, ...]:
        """The SDG badges of an element's accepted links, in the UN's order.

        A focus area is linked through its parts (one level per element, so that nothing is counted twice): its
        badges are the goals its headline goal and focus points are linked to, besides any link of its own."""
        concepts = set(self.linked_concepts(node))
        if isinstance(node, ox.NamedNode) and self.vocab.FocusArea in self.g.types(node):
            parts = self.g.objects(node, self.vocab.headlineGoal) + self.g.objects(node, self.vocab.initiative)
            for part in parts:
                if isinstance(part, ox.NamedNode):
                    goals = {sdg_sort_key(c.value)[0] for c in self.linked_concepts(part)}
                    concepts.update(ox.NamedNode(f"{SDG_NS}{goal}") for goal in goals)
        ordered = sorted(concepts, key=lambda n: sdg_sort_key(n.value))
        return tuple(self.badge(c, from_dir, lang) for c in ordered)

    def value_view(self, obj: Term, from_dir: str, lang: str) -> ValueView:
        """One value of a row."""
        if isinstance(obj, ox.Literal):
            datatype = obj.datatype.value
            short = "" if obj.language or datatype.endswith("#string") else self.curie(datatype)
            return ValueView(obj.value, obj.language or "", None, short)
        if isinstance(obj, ox.BlankNode):
            parts = []
            for t in sorted(self.g.by_subject.get(obj, ()), key=lambda t: term_key(t.predicate)):
                if t.predicate == RDF_TYPE:
                    continue
                shown = t.object.value if isinstance(t.object, ox.Literal) else self.g.label(t.object, lang)
                parts.append(f"{self.label_or_curie(t.predicate, lang)}: {shown}")
            return ValueView("; ".join(parts))
        link = self.link(obj, from_dir, lang)
        return ValueView(link.text, link.lang, link)

    def label_or_curie(self, predicate: ox.NamedNode, lang: str) -> str:
        """The property's label in the ontology, else its CURIE."""
        labels = self.g.labels(predicate)
        return pick(labels, lang) if labels else self.policy.short(predicate.value)

    def curie(self, iri: str) -> str:
        """The short name of a property or datatype IRI (cached: there are few)."""
        found = self._curies.get(iri)
        if found is None:
            found = self._curies[iri] = self.policy.short(iri)
        return found
