"""Entity pages: the view of one entity in one language (its properties in the shapes' order, links to it, its SDG
links, parts and corrections), the further pages of long value lists, and what specific templates add.

Stage: query (view models). Imports `escaping`, `formats`, `query`, `rdfterms`, `urls` and `vocab`, and the other
`views` modules.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial

import pyoxigraph as ox

from ..escaping import script_json
from ..formats import RDF_FORMATS
from ..query import Read, pick, sdg_sort_key, term_key
from ..rdfterms import Term
from ..urls import document, numbered, other_lang, page, page_dir, relative, values_folder
from ..vocab import (
    DESCRIPTION_PREDICATES,
    OWL_CLASS,
    OWL_DATATYPE_PROPERTY,
    OWL_INVERSE_OF,
    OWL_OBJECT_PROPERTY,
    RDFS_DOMAIN,
    RDFS_IS_DEFINED_BY,
    RDFS_RANGE,
    RDFS_SUBCLASS_OF,
    RDFS_SUBPROPERTY_OF,
    SKOS_CLOSE_MATCH,
    SKOS_DEFINITION,
    SKOS_EDITORIAL_NOTE,
)
from .models import (
    AlternateView,
    CorrectionView,
    EntityExtra,
    LinkView,
    PageView,
    RowView,
    SDGLinkView,
    TermView,
    ValuesPageView,
)
from .parts import ViewParts

# An entity page lists at most this many values of a property; further pages list the rest (the RDF holds all).
PAGE_SIZE = 50
# The relations the ontology page lists for each term, with the CURIE it shows.
TERM_RELATIONS = (
    ("rdfs:subClassOf", RDFS_SUBCLASS_OF),
    ("rdfs:subPropertyOf", RDFS_SUBPROPERTY_OF),
    ("skos:closeMatch", SKOS_CLOSE_MATCH),
    ("rdfs:domain", RDFS_DOMAIN),
    ("rdfs:range", RDFS_RANGE),
    ("owl:inverseOf", OWL_INVERSE_OF),
)


class EntityViews:
    """Builds the views of entity pages from the site graph."""

    def __init__(self, parts: ViewParts) -> None:
        self.g, self.config, self.policy, self.vocab = parts.graph, parts.config, parts.policy, parts.vocab
        self.links, self.hierarchy, self.shapes, self.coverage = (
            parts.links,
            parts.hierarchy,
            parts.shapes,
            parts.coverage,
        )
        # Per property (and classes, direction, language): the row's name, description and CURIE; few, and every
        # page asks for them again (kept with the reads that made them, see Links).
        self._row_heads: dict[tuple[tuple[str, ...], str, bool, str], tuple[tuple[str, str, str], frozenset[Read]]]
        self._row_heads = {}
        self._incoming_heads: dict[
            tuple[tuple[str, ...], str, bool, str], tuple[tuple[str, str, str, bool], frozenset[Read]]
        ] = {}
        # The value groups of the entity being rendered, by direction and language (its page and its value pages
        # in both languages read them).
        self._groups_of: ox.NamedNode | None = None
        self._groups: dict[tuple[str, str], tuple[list[tuple[ox.NamedNode, list[Term]]], frozenset[Read]]] = {}

    # -- what the entity is --------------------------------------------------------------------------------
    def kind(self, entity: ox.NamedNode) -> tuple[str, ...]:
        """Template keys for the entity, most specific first: the project's own classes, then others."""
        types = self.g.types(entity)
        own = [t for t in types if t.value.startswith(self.vocab.ns)]
        other = [t for t in types if not t.value.startswith(self.vocab.ns)]
        return tuple(t.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower() for t in own + other)

    def property_name(self, predicate: ox.NamedNode, classes: list[ox.NamedNode] | None, lang: str) -> str:
        """The property's name from the shapes for these classes, else its label in the ontology, else its CURIE."""
        spec = self.shapes.spec(predicate, classes or [])
        if spec is not None and spec.names:
            return pick(spec.names, lang)
        return self.links.label_or_curie(predicate, lang)

    # -- property rows -------------------------------------------------------------------------------------
    def row_groups(self, entity: ox.NamedNode, direction: str, lang: str) -> list[tuple[ox.NamedNode, list[Term]]]:
        """The entity's values grouped by property, in display order: its own ("out") or links to it ("in")."""
        if self._groups_of != entity:
            self._groups_of = entity
            self._groups = {}
        return self.g.cached(self._groups, (direction, lang), partial(self._row_groups, entity, direction, lang))

    def _row_groups(self, entity: ox.NamedNode, direction: str, lang: str) -> list[tuple[ox.NamedNode, list[Term]]]:
        grouped: dict[ox.NamedNode, list[Term]] = defaultdict(list)
        curie = self.links.curie
        if direction == "out":
            classes = self.g.types(entity)
            for t in self.g.by_subject.get(entity, ()):
                grouped[t.predicate].append(t.object)

            def order(p: ox.NamedNode) -> tuple[float, str]:
                spec = self.shapes.spec(p, classes)
                return (spec.order if spec else 1000.0, curie(p.value))

        else:
            for t in self.g.incoming(entity):
                grouped[t.predicate].append(t.subject)

            def order(p: ox.NamedNode) -> tuple[float, str]:
                return (0.0, curie(p.value))

        for values in grouped.values():
            values.sort(key=lambda o: (0 if isinstance(o, ox.Literal) and o.language == lang else 1, term_key(o)))
        return [(p, grouped[p]) for p in sorted(grouped, key=order)]

    def _row_head(self, predicate: ox.NamedNode, classes: list[ox.NamedNode] | None, lang: str) -> tuple[str, str, str]:
        spec = self.shapes.spec(predicate, classes or [])
        return (
            self.property_name(predicate, classes, lang),
            pick(spec.descriptions, lang) if spec and spec.descriptions else "",
            self.links.curie(predicate.value),
        )

    def _incoming_head(
        self, predicate: ox.NamedNode, classes: list[ox.NamedNode], lang: str
    ) -> tuple[str, str, str, bool]:
        """How a page names the links to its entity by `predicate`, read from the entity's side: the `sh:name` of
        a property shape of the entity's class whose path is `[ sh:inversePath predicate ]` (CURIE `^p`); else the
        label of the property the ontology declares its inverse (`owl:inverseOf`, either way round); else the
        property's own name, marked to be read as its inverse ("fokusområde for", CURIE `^p`)."""
        curie = self.links.curie(predicate.value)
        spec = self.shapes.spec(predicate, classes, inverse=True)
        if spec is not None and spec.names:
            description = pick(spec.descriptions, lang) if spec.descriptions else ""
            return (pick(spec.names, lang), description, f"^{curie}", False)
        inverses = self.g.objects(predicate, OWL_INVERSE_OF) + self.g.subjects(OWL_INVERSE_OF, predicate)
        for inverse in sorted((i for i in inverses if isinstance(i, ox.NamedNode)), key=term_key):
            if self.g.labels(inverse):
                return (self.links.label_or_curie(inverse, lang), "", self.links.curie(inverse.value), False)
        return (self.links.label_or_curie(predicate, lang), "", f"^{curie}", True)

    def row(
        self, entity: ox.NamedNode, direction: str, predicate: ox.NamedNode, values: list[Term], lang: str, here: str
    ) -> RowView:
        """One row of an entity page; past PAGE_SIZE values, links to the pages that list the rest."""
        classes = self.g.types(entity)
        key = (tuple(c.value for c in classes), predicate.value, direction == "out", lang)
        if direction == "out":
            name, description, curie = self.g.cached(
                self._row_heads, key, partial(self._row_head, predicate, classes, lang)
            )
            inverse = False
        else:
            name, description, curie, inverse = self.g.cached(
                self._incoming_heads, key, partial(self._incoming_head, predicate, classes, lang)
            )
        pages: tuple[LinkView, ...] = ()
        if len(values) > PAGE_SIZE:
            count = -(-len(values) // PAGE_SIZE)
            base = self.value_page_path(entity, direction, predicate)
            pages = tuple(LinkView(str(n), relative(here, page(numbered(base, n), lang))) for n in range(2, count + 1))
        return RowView(
            name,
            description,
            curie,
            tuple(self.links.value_view(o, here, lang) for o in values[:PAGE_SIZE]),
            len(values),
            pages,
            inverse,
        )

    def rows(self, entity: ox.NamedNode, from_dir: str, lang: str) -> tuple[RowView, ...]:
        """The entity's own properties, in the shapes' order, then the rest by name."""
        return tuple(self.row(entity, "out", p, v, lang, from_dir) for p, v in self.row_groups(entity, "out", lang))

    def incoming_rows(self, entity: ox.NamedNode, from_dir: str, lang: str) -> tuple[RowView, ...]:
        """Links to the entity from the site's entities, grouped by property."""
        return tuple(self.row(entity, "in", p, v, lang, from_dir) for p, v in self.row_groups(entity, "in", lang))

    def value_page_path(self, entity: ox.NamedNode, direction: str, predicate: ox.NamedNode) -> str:
        """The site path of the pages listing all values of one property of an entity."""
        return values_folder(self.policy.path(entity.value), direction == "out", self.policy.short(predicate.value))

    def value_pages(self, entity: ox.NamedNode, lang: str) -> list[tuple[str, ValuesPageView]]:
        """Pages 2… of every property with more than PAGE_SIZE values: (site path, view)."""
        pages = []
        for direction in ("out", "in"):
            for predicate, values in self.row_groups(entity, direction, lang):
                if len(values) <= PAGE_SIZE:
                    continue
                base = self.value_page_path(entity, direction, predicate)
                count = -(-len(values) // PAGE_SIZE)
                for number in range(2, count + 1):
                    pages.append(
                        (
                            numbered(base, number),
                            self.value_page(entity, direction, predicate, values, base, number, lang),
                        )
                    )
        return pages

    def value_page(
        self,
        entity: ox.NamedNode,
        direction: str,
        predicate: ox.NamedNode,
        values: list[Term],
        base: str,
        number: int,
        lang: str,
    ) -> ValuesPageView:
        """Page `number` of one property's values."""
        count = -(-len(values) // PAGE_SIZE)
        here = page_dir(numbered(base, number), lang)
        chunk = values[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        row = self.row(entity, direction, predicate, [], lang, here)

        def link(n: int) -> LinkView:
            return LinkView(str(n), relative(here, page(numbered(base, n), lang)))

        return ValuesPageView(
            entity=self.links.link(entity, here, lang),
            row=RowView(
                row.name,
                row.description,
                row.curie,
                tuple(self.links.value_view(o, here, lang) for o in chunk),
                len(values),
                inverse=row.inverse,
            ),
            incoming=direction == "in",
            number=number,
            count=count,
            first=(number - 1) * PAGE_SIZE + 1,
            last=(number - 1) * PAGE_SIZE + len(chunk),
            previous=self.links.link(entity, here, lang) if number == 2 else link(number - 1),
            next=link(number + 1) if number < count else None,
        )

    # -- SDG links and corrections -------------------------------------------------------------------------
    def sdg_links(self, entity: ox.NamedNode, from_dir: str, lang: str) -> tuple[SDGLinkView, ...]:
        """The SDG link records that start from the entity."""
        views = []
        vocab = self.vocab
        for record in self.g.subjects(vocab.linkSubject, entity):
            concept = self.g.value(record, vocab.sdgConcept)
            if not isinstance(concept, ox.NamedNode) or not isinstance(record, ox.NamedNode):
                continue
            rationale = self.g.texts(record, (vocab.rationale,))
            concept_labels = self.g.labels(concept)
            method = self.g.value(record, vocab.method)
            status = self.g.value(record, vocab.status)
            decider = self.g.value(record, vocab.decidedBy)
            decided = self.g.value(record, vocab.decisionDate)
            views.append(
                SDGLinkView(
                    self.links.badge(concept, from_dir, lang),
                    pick(concept_labels, lang),
                    lang if lang in concept_labels else "en",
                    pick(rationale, lang),
                    lang if lang in rationale else "da",
                    self.g.label(method, lang) if method is not None else "",
                    self.g.label(status, lang) if status is not None else "",
                    self.links.link(record, from_dir, lang),
                    state=self.link_state(status),
                    confidence=self.confidence(record, lang),
                    decided_by=self.links.link(decider, from_dir, lang) if decider is not None else None,
                    decision_date=decided.value if isinstance(decided, ox.Literal) else "",
                )
            )
        order = {"accepted": 0, "proposed": 1, "closed": 2}
        views.sort(key=lambda v: (order[v.state], sdg_sort_key(v.badge.iri), v.record.title))
        return tuple(views)

    def link_state(self, status: Term | None) -> str:
        """Which of the page's lists a record with this status goes in: accepted, proposed or closed."""
        if status == self.vocab.Accepted:
            return "accepted"
        if status == self.vocab.Proposed:
            return "proposed"
        return "closed"

    def confidence(self, record: ox.NamedNode, lang: str) -> str:
        """The record's plo:confidence with two decimals, as the language writes them ("" when it has none)."""
        value = self.g.value(record, self.vocab.confidence)
        if not isinstance(value, ox.Literal):
            return ""
        try:
            shown = f"{float(value.value):.2f}"
        except ValueError:
            return value.value
        return shown.replace(".", ",") if lang == "da" else shown

    def reviewed_links(self, entity: ox.NamedNode) -> bool:
        """Whether a focus area or one of its parts (its headline goal, its focus points) has an SDG link record a
        curator has decided on: under the linking policy an area is linked through its parts."""
        vocab = self.vocab
        for element in (entity, *self.g.subjects(vocab.area, entity)):
            for record in self.g.subjects(vocab.linkSubject, element):
                status = self.g.value(record, vocab.status)
                if status is not None and status != vocab.Proposed:
                    return True
        return False

    def corrections(self, entity: ox.NamedNode, lang: str) -> tuple[CorrectionView, ...]:
        """Corrections of the entity's text."""
        views = []
        for correction in self.g.subjects(self.vocab.corrects, entity):
            text = self.g.texts(correction, (self.vocab.correctedText,))
            note = self.g.texts(correction, (SKOS_EDITORIAL_NOTE,))
            views.append(CorrectionView(pick(text, "da"), "da", pick(note, lang), lang if lang in note else "da"))
        return tuple(views)

    # -- the page ------------------------------------------------------------------------------------------
    def page(self, entity: ox.NamedNode, lang: str, jsonld_text: str) -> PageView:
        """The view of one entity's page in one language."""
        path = self.policy.path(entity.value)
        here = page_dir(path, lang)
        labels = self.g.labels(entity)
        title = self.g.label(entity, lang)
        kinds = self.kind(entity)
        types = self.g.types(entity)
        kind_label = self.g.label(types[0], lang) if types else ""
        own_types = [t for t in types if t.value.startswith(self.vocab.ns)]
        if own_types:
            kind_label = self.g.label(own_types[0], lang)
        description = self.g.texts(entity, DESCRIPTION_PREDICATES)
        goal = self.g.value(entity, self.vocab.headlineGoal)
        goal_texts = self.g.labels(goal) if isinstance(goal, ox.NamedNode) else {}
        source, issued = self.hierarchy.source(entity, here, lang)
        sdg_links = self.sdg_links(entity, here, lang)
        pending = []
        if lang == "en" and labels and "en" not in labels:
            pending.append("pending_translation")
        if self.vocab.FocusArea in types and not self.reviewed_links(entity):
            pending.append("pending_sdg_links")
        return PageView(
            lang=lang,
            iri=entity.value,
            path=path,
            title=title,
            title_lang=lang if lang in labels else ("da" if "da" in labels else ""),
            kind=kinds[0] if kinds else "",
            kind_label=kind_label,
            description=pick(description, lang) if description else "",
            description_lang=lang if lang in description else "da",
            breadcrumbs=self.hierarchy.breadcrumbs(entity, here, lang),
            rows=self.rows(entity, here, lang),
            incoming=self.incoming_rows(entity, here, lang),
            sdg_links=sdg_links,
            badges=self.links.badges(entity, here, lang),
            children=self.hierarchy.children(entity, here, lang),
            headline_goal=pick(goal_texts, lang) if goal_texts else "",
            headline_goal_lang=lang if lang in goal_texts else "da",
            corrections=self.corrections(entity, lang),
            alternates=tuple(
                AlternateView(f.name, f.media_type, relative(here, document(path, f))) for f in RDF_FORMATS
            ),
            canonical=self.policy.page_iri(here),
            other_lang_href=relative(here, page(path, other_lang(lang))),
            jsonld=script_json(jsonld_text),
            source=source,
            issued=issued,
            pending=tuple(pending),
        )

    def extra(self, entity: ox.NamedNode, kinds: tuple[str, ...], lang: str, here: str) -> EntityExtra:
        """What a specific template needs beyond the page view: a plan's coverage, the ontology's terms."""
        if "plan" in kinds:
            return EntityExtra(coverage=self.coverage.of_plan(entity, lang, here))
        if "ontology" not in kinds:
            return EntityExtra()
        classes, properties = [], []
        for term in self.g.subjects(RDFS_IS_DEFINED_BY, entity):
            if not isinstance(term, ox.NamedNode):
                continue
            types = set(self.g.types(term))
            view = self.term_view(term, lang, here)
            if OWL_CLASS in types:
                classes.append(view)
            elif types & {OWL_OBJECT_PROPERTY, OWL_DATATYPE_PROPERTY}:
                properties.append(view)
        return EntityExtra(
            classes=tuple(sorted(classes, key=lambda v: v.curie)),
            properties=tuple(sorted(properties, key=lambda v: v.curie)),
        )

    def term_view(self, term: ox.NamedNode, lang: str, here: str) -> TermView:
        """A class or property of the ontology as its page lists it."""
        definition = self.g.texts(term, (SKOS_DEFINITION,))
        return TermView(
            self.links.link(term, here, lang),
            self.policy.short(term.value),
            pick(definition, lang),
            lang if lang in definition else "da",
            tuple(
                (name, tuple(self.links.value_view(o, here, lang) for o in self.g.objects(term, predicate)))
                for name, predicate in TERM_RELATIONS
                if self.g.objects(term, predicate)
            ),
        )
