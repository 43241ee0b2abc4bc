"""View models: what each page shows, as plain dataclasses the templates read.

Stage: query (view models). Imports `query`, `urls`, `formats`, `namespaces`, `config`. Templates never see a graph.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import overload

import pyoxigraph as ox

from .config import Config
from .errors import BuildError
from .formats import RDF_FORMATS
from .model import vocabulary
from .plans import CoverageGoal, CoverageMatrix
from .query import (
    LinkView,
    PropertySpec,
    Read,
    RowView,
    SiteGraph,
    ValueView,
    is_sdg,
    pick,
    sdg_sort_key,
    term_key,
)
from .rdfterms import Subject, Term
from .urls import (
    PageLinks,
    UrlPolicy,
    document,
    home_page,
    numbered,
    other_lang,
    page,
    page_dir,
    relative,
    sdg_page,
    values_folder,
)
from .vocab import (
    DCT_ISSUED,
    DCT_PUBLISHER,
    DCT_SUBJECT,
    DESCRIPTION_PREDICATES,
    OWL_CLASS,
    OWL_DATATYPE_PROPERTY,
    OWL_INVERSE_OF,
    OWL_OBJECT_PROPERTY,
    PROV_WAS_DERIVED_FROM,
    RDF_FIRST,
    RDF_REST,
    RDF_TYPE,
    RDFS_DOMAIN,
    RDFS_IS_DEFINED_BY,
    RDFS_RANGE,
    RDFS_SUBCLASS_OF,
    RDFS_SUBPROPERTY_OF,
    SDG_GOAL,
    SH_CLASS,
    SH_DATATYPE,
    SH_DESCRIPTION,
    SH_LANGUAGE_IN,
    SH_MAX_COUNT,
    SH_MIN_COUNT,
    SH_NAME,
    SH_NODE_KIND,
    SH_ORDER,
    SH_PATH,
    SH_PATTERN,
    SH_PROPERTY,
    SH_QUALIFIED_MIN_COUNT,
    SH_QUALIFIED_VALUE_SHAPE,
    SH_SEVERITY,
    SH_TARGET_CLASS,
    SKOS_BROADER,
    SKOS_CLOSE_MATCH,
    SKOS_DEFINITION,
    SKOS_EDITORIAL_NOTE,
    SKOS_EXACT_MATCH,
)

# An entity page lists at most this many values of a property; further pages list the rest (the RDF holds all).
PAGE_SIZE = 50
# Link targets kept (by node and language) before the cache starts over.
LINK_CACHE = 8192


@dataclass(frozen=True)
class BadgeView:
    """An SDG badge: code, goal number (for its colour), our page, the UN IRI."""

    code: str
    goal: int
    title: str
    href: str
    iri: str


@dataclass(frozen=True)
class SDGLinkView:
    """An SDG link record as the element's page shows it."""

    badge: BadgeView
    concept_label: str
    concept_lang: str
    rationale: str
    rationale_lang: str
    method: str
    status: str
    record: LinkView


@dataclass(frozen=True)
class ChildView:
    """An ordered part of the entity: a focus area of a plan, a focus point of an area."""

    position: int
    link: LinkView
    text: str
    text_lang: str
    badges: tuple[BadgeView, ...]
    goal: str = ""
    goal_lang: str = ""
    children: tuple[ChildView, ...] = ()


@dataclass(frozen=True)
class CorrectionView:
    """A text correction shown beside the original."""

    text: str
    lang: str
    note: str
    note_lang: str


@dataclass(frozen=True)
class AlternateView:
    """A document format of the entity."""

    name: str
    media_type: str
    href: str


@dataclass(frozen=True)
class PageView:
    """Everything an entity page shows, in one language."""

    lang: str
    iri: str
    path: str
    title: str
    title_lang: str
    kind: str
    kind_label: str
    description: str
    description_lang: str
    breadcrumbs: tuple[LinkView, ...]
    rows: tuple[RowView, ...]
    incoming: tuple[RowView, ...]
    sdg_links: tuple[SDGLinkView, ...]
    badges: tuple[BadgeView, ...]
    children: tuple[ChildView, ...]
    headline_goal: str
    headline_goal_lang: str
    corrections: tuple[CorrectionView, ...]
    alternates: tuple[AlternateView, ...]
    canonical: str
    other_lang_href: str
    jsonld: str
    source: LinkView | None
    issued: str
    extra: dict[str, object] = field(default_factory=dict)


def script_safe(json_text: str) -> str:
    """JSON text for a <script> element: `<`, `>` and `&` are escaped (still valid JSON), so `</script` and
    `<!--` in a literal cannot end or alter the block."""
    return json_text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def embed_json(document: object) -> str:
    """A JSON document for a <script> element."""
    return script_safe(json.dumps(document, ensure_ascii=False, indent=1))


LICENCE_NAMES = {
    "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0": "CC BY 4.0",
    "https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
    "http://publications.europa.eu/resource/authority/licence/CC0": "CC0 1.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0 1.0",
}


@dataclass(frozen=True)
class SiteView:
    """What every page's frame shows: the licence and the contact."""

    base: str
    licence_iri: str
    licence_label: str
    contact_email: str
    contact_name: str
    sparql_endpoint: str

    @classmethod
    def from_config(cls, config: Config, graph: SiteGraph) -> SiteView:
        """The frame of the site with this configuration."""
        licence = ox.NamedNode(config.licence)
        label = LICENCE_NAMES.get(config.licence) or graph.label(licence, "da") or config.licence
        endpoint = graph.policy.endpoint(config.sparql_endpoint)
        return cls(config.base_iri, config.licence, label, config.contact_email, config.contact_name, endpoint)


@dataclass(frozen=True)
class SDGElementView:
    """An element that links to an SDG goal or target, with the plan and area it belongs to."""

    element: LinkView
    context: tuple[LinkView, ...]
    rationale: str
    rationale_lang: str
    method: str
    record: LinkView | None


@dataclass(frozen=True)
class ShapeRowView:
    """One property shape on the data-model page."""

    name: str
    curie: str
    description: str
    cardinality: str
    value_type: str
    severity: str


@dataclass(frozen=True)
class ShapeView:
    """One node shape on the data-model page."""

    title: str
    target: LinkView | None
    shape: LinkView
    rows: tuple[ShapeRowView, ...]


@dataclass(frozen=True)
class TermView:
    """A class or property on the ontology page."""

    link: LinkView
    curie: str
    definition: str
    definition_lang: str
    relations: tuple[tuple[str, tuple[ValueView, ...]], ...]


@dataclass(frozen=True)
class ExampleQuery:
    """One example query of the query page: `site/queries/{name}.rq`, titled in Danish and English."""

    name: str
    title_da: str
    title_en: str
    # The query without its title lines.
    body: str
    # The file as written (what the query page shows, after its title lines).
    query: str

    def title(self, lang: str) -> str:
        """The title in a language ("da" or "en")."""
        return self.title_da if lang == "da" else self.title_en

    def text(self, base_iri: str) -> str:
        """The query as run: a BASE declaration for the site's base IRI, then the body."""
        return f"BASE <{base_iri}>\n{self.body}"


@dataclass(frozen=True)
class QueryPageView:
    """The query page: the base IRI the examples declare, the endpoint's link (relative when it is under the base;
    '' when no endpoint is configured), and the examples with their text as run."""

    base: str
    endpoint: str
    examples: tuple[ExampleQuery, ...]
    texts: tuple[str, ...]


_TITLE = re.compile(r"^#\s*title-(da|en):\s*(.+?)\s*$", re.MULTILINE)


def parse_example(name: str, text: str) -> ExampleQuery:
    """An example from its file text: `# title-da:` and `# title-en:` lines, and the query (every other line)."""
    titles = dict(_TITLE.findall(text))
    if set(titles) != {"da", "en"}:
        raise BuildError(f"site/queries/{name}.rq: needs both a '# title-da:' and a '# title-en:' line")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("# title-")).strip()
    return ExampleQuery(name, titles["da"], titles["en"], body + "\n", text)


def load_examples(site_dir: Path) -> list[ExampleQuery]:
    """The example queries in `site/queries/`, by file name."""
    return [
        parse_example(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted((site_dir / "queries").glob("*.rq"))
    ]


def is_goal(graph: SiteGraph, node: ox.NamedNode) -> bool:
    """Whether the node is one of the 17 UN SDG goals in the KOS."""
    return is_sdg(node.value) and SDG_GOAL in graph.types(node)


def order_value(order: Term | None) -> float:
    """A shape's sh:order as a number; shapes without a usable one come last."""
    try:
        return float(order.value) if isinstance(order, ox.Literal) else 999.0
    except ValueError:
        return 999.0


def linkable(iri: str) -> bool:
    """Whether an IRI may be an href: web and mail addresses only (never javascript: or data:)."""
    return iri.lower().startswith(("http://", "https://", "mailto:"))


def shade(count: int, peak: int) -> int:
    """Shading class 0–4 for a coverage count: 0 is none, 4 the plan's highest count."""
    if count <= 0 or peak <= 0:
        return 0
    return max(1, min(4, round(4 * count / peak)))


class LazyList(Sequence[object]):
    """A list made the first time it is read."""

    def __init__(self, make: Callable[[], object]) -> None:
        self._make = make
        self._items: list[object] | None = None

    def _list(self) -> list[object]:
        if self._items is None:
            made = self._make()
            self._items = list(made) if isinstance(made, Iterable) else []
        return self._items

    @overload
    def __getitem__(self, index: int) -> object: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[object]: ...

    def __getitem__(self, index: int | slice) -> object | Sequence[object]:
        return self._list()[index]

    def __len__(self) -> int:
        return len(self._list())


def _number(term: Term | None) -> str:
    return term.value if isinstance(term, ox.Literal) else ""


class Views:
    """Builds page views from the site graph."""

    def __init__(
        self, graph: SiteGraph, config: Config, policy: UrlPolicy, matrices: Sequence[CoverageMatrix] = ()
    ) -> None:
        self.g = graph
        self.matrices = {m.plan: m for m in matrices}
        self.config = config
        self.policy = policy
        self.plo = policy.ontology_ns
        self.vocab = vocabulary(policy)
        # The shapes' sh:targetClass triples (found by one walk over every triple).
        self.target_class_triples = [
            t for triples in self.g.by_subject.values() for t in triples if t.predicate == SH_TARGET_CLASS
        ]
        self.specs = self._property_specs()
        self.sdg_page_set = set(self.sdg_pages())
        self.queries = tuple(load_examples(config.site_dir))
        # Per property (and classes, direction, language): the row's name, description and CURIE; and the short
        # names of properties and datatypes. Both are few, and every page asks for them again.
        # Caches of what is read from the site graph keep the reads that made each value (SiteGraph.cached), so an
        # incremental build knows that a page that got the value from the cache read them too.
        self._row_heads: dict[tuple[tuple[str, ...], str, bool, str], tuple[tuple[str, str, str], frozenset[Read]]]
        self._row_heads = {}
        self._curies: dict[str, str] = {}
        # Links by node and language, less their relative href (the same nodes recur from page to page).
        self._link_targets: dict[tuple[Term, str], tuple[tuple[str, str, str | None, str, str], frozenset[Read]]]
        self._link_targets = {}
        # The value groups of the entity being rendered, by direction and language (its page and its value pages
        # in both languages read them).
        self._groups_of: ox.NamedNode | None = None
        self._groups: dict[tuple[str, str], tuple[list[tuple[ox.NamedNode, list[Term]]], frozenset[Read]]] = {}

    # -- shapes as display specification -------------------------------------------------------------------
    def _property_specs(self) -> dict[str, dict[str, PropertySpec]]:
        """class IRI → property IRI → the first (lowest sh:order) property shape's names and descriptions."""
        specs: dict[str, dict[str, PropertySpec]] = defaultdict(dict)
        for shape_triple in self.target_class_triples:
            cls = shape_triple.object
            if not isinstance(cls, ox.NamedNode):
                continue
            for prop in self.g.objects(shape_triple.subject, SH_PROPERTY):
                if not isinstance(prop, ox.NamedNode | ox.BlankNode):
                    continue
                path = self.g.value(prop, SH_PATH)
                order = self.g.value(prop, SH_ORDER)
                if not isinstance(path, ox.NamedNode):
                    continue
                spec = PropertySpec(
                    order_value(order),
                    self.g.texts(prop, (SH_NAME,)),
                    self.g.texts(prop, (SH_DESCRIPTION,)),
                )
                known = specs[cls.value].get(path.value)
                if known is None or spec.order < known.order:
                    specs[cls.value][path.value] = spec
        return specs

    # -- links ---------------------------------------------------------------------------------------------
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

    def badges(self, node: Subject, from_dir: str, lang: str) -> tuple[BadgeView, ...]:
        """The SDG badges of an element's accepted links, in the UN's order."""
        concepts = [o for o in self.g.objects(node, DCT_SUBJECT) if isinstance(o, ox.NamedNode) and is_sdg(o.value)]
        concepts.sort(key=lambda n: sdg_sort_key(n.value))
        return tuple(self.badge(c, from_dir, lang) for c in concepts)

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
                parts.append(f"{self.property_name(t.predicate, None, lang)}: {shown}")
            return ValueView("; ".join(parts))
        link = self.link(obj, from_dir, lang)
        return ValueView(link.text, link.lang, link)

    def property_name(self, predicate: ox.NamedNode, classes: list[ox.NamedNode] | None, lang: str) -> str:
        """The property's name from the shapes for these classes, else its label in the ontology, else its CURIE."""
        spec = self.spec(predicate, classes or [])
        if spec is not None and spec.names:
            return pick(spec.names, lang)
        labels = self.g.labels(predicate)
        return pick(labels, lang) if labels else self.policy.short(predicate.value)

    def spec(self, predicate: ox.NamedNode, classes: list[ox.NamedNode]) -> PropertySpec | None:
        """The display spec of a property for the first of the classes that has one."""
        for cls in classes:
            spec = self.specs.get(cls.value, {}).get(predicate.value)
            if spec is not None:
                return spec
        return None

    def curie(self, iri: str) -> str:
        """The short name of a property or datatype IRI (cached: there are few)."""
        found = self._curies.get(iri)
        if found is None:
            found = self._curies[iri] = self.policy.short(iri)
        return found

    def row_groups(self, entity: ox.NamedNode, direction: str, lang: str) -> list[tuple[ox.NamedNode, list[Term]]]:
        """The entity's values grouped by property, in display order: its own ("out") or links to it ("in")."""
        if self._groups_of != entity:
            self._groups_of = entity
            self._groups = {}
        return self.g.cached(self._groups, (direction, lang), partial(self._row_groups, entity, direction, lang))

    def _row_groups(self, entity: ox.NamedNode, direction: str, lang: str) -> list[tuple[ox.NamedNode, list[Term]]]:
        grouped: dict[ox.NamedNode, list[Term]] = defaultdict(list)
        if direction == "out":
            classes = self.g.types(entity)
            for t in self.g.by_subject.get(entity, ()):
                grouped[t.predicate].append(t.object)

            def order(p: ox.NamedNode) -> tuple[float, str]:
                spec = self.spec(p, classes)
                return (spec.order if spec else 1000.0, self.curie(p.value))

        else:
            for t in self.g.incoming(entity):
                grouped[t.predicate].append(t.subject)

            def order(p: ox.NamedNode) -> tuple[float, str]:
                return (0.0, self.curie(p.value))

        for values in grouped.values():
            values.sort(key=lambda o: (0 if isinstance(o, ox.Literal) and o.language == lang else 1, term_key(o)))
        return [(p, grouped[p]) for p in sorted(grouped, key=order)]

    def _row_head(self, predicate: ox.NamedNode, classes: list[ox.NamedNode] | None, lang: str) -> tuple[str, str, str]:
        spec = self.spec(predicate, classes or [])
        return (
            self.property_name(predicate, classes, lang),
            pick(spec.descriptions, lang) if spec and spec.descriptions else "",
            self.curie(predicate.value),
        )

    def row(
        self, entity: ox.NamedNode, direction: str, predicate: ox.NamedNode, values: list[Term], lang: str, here: str
    ) -> RowView:
        """One row of an entity page; past PAGE_SIZE values, links to the pages that list the rest."""
        classes = self.g.types(entity) if direction == "out" else None
        key = (tuple(c.value for c in classes or ()), predicate.value, direction == "out", lang)
        head = self.g.cached(self._row_heads, key, partial(self._row_head, predicate, classes, lang))
        pages: tuple[LinkView, ...] = ()
        if len(values) > PAGE_SIZE:
            count = -(-len(values) // PAGE_SIZE)
            base = self.value_page_path(entity, direction, predicate)
            pages = tuple(LinkView(str(n), relative(here, page(numbered(base, n), lang))) for n in range(2, count + 1))
        return RowView(
            *head,
            tuple(self.value_view(o, here, lang) for o in values[:PAGE_SIZE]),
            len(values),
            pages,
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

    def value_pages(self, entity: ox.NamedNode, lang: str) -> list[tuple[str, dict[str, object]]]:
        """Pages 2… of every property with more than PAGE_SIZE values: (site path, template context)."""
        pages = []
        for direction in ("out", "in"):
            for predicate, values in self.row_groups(entity, direction, lang):
                if len(values) <= PAGE_SIZE:
                    continue
                base = self.value_page_path(entity, direction, predicate)
                count = -(-len(values) // PAGE_SIZE)
                for number in range(2, count + 1):
                    here = page_dir(numbered(base, number), lang)
                    chunk = values[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
                    row = self.row(entity, direction, predicate, [], lang, here)

                    def link(n: int, here: str = here, base: str = base) -> LinkView:
                        return LinkView(str(n), relative(here, page(numbered(base, n), lang)))

                    pages.append(
                        (
                            numbered(base, number),
                            {
                                "entity": self.link(entity, here, lang),
                                "row": RowView(
                                    row.name,
                                    row.description,
                                    row.curie,
                                    tuple(self.value_view(o, here, lang) for o in chunk),
                                    len(values),
                                ),
                                "incoming": direction == "in",
                                "number": number,
                                "count": count,
                                "first": (number - 1) * PAGE_SIZE + 1,
                                "last": (number - 1) * PAGE_SIZE + len(chunk),
                                "previous": self.link(entity, here, lang) if number == 2 else link(number - 1),
                                "next": link(number + 1) if number < count else None,
                            },
                        )
                    )
        return pages

    # -- structure -----------------------------------------------------------------------------------------
    def kind(self, entity: ox.NamedNode) -> tuple[str, ...]:
        """Template keys for the entity, most specific first: the project's own classes, then others."""
        types = self.g.types(entity)
        own = [t for t in types if t.value.startswith(self.plo)]
        other = [t for t in types if not t.value.startswith(self.plo)]
        return tuple(t.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower() for t in own + other)

    def parent(self, entity: ox.NamedNode) -> ox.NamedNode | None:
        """The element the entity belongs to in the plan's hierarchy (plan › area › goal/focus point › link)."""
        vocab = self.vocab
        for link in (vocab.linkSubject, vocab.area, vocab.inPlan, vocab.corrects):
            value = self.g.value(entity, link)
            if isinstance(value, ox.NamedNode):
                return value
        return None

    def breadcrumbs(self, entity: ox.NamedNode, from_dir: str, lang: str) -> tuple[LinkView, ...]:
        """Home › plan › area › … › the entity's parent."""
        chain: list[ox.NamedNode] = []
        current = self.parent(entity)
        while current is not None and current not in chain and len(chain) < 10:
            chain.append(current)
            current = self.parent(current)
        home = LinkView("Forside" if lang == "da" else "Home", relative(from_dir, page(home_page(), lang)))
        return (home, *(self.link(n, from_dir, lang) for n in reversed(chain)))

    def children(self, entity: ox.NamedNode, from_dir: str, lang: str, depth: int = 1) -> tuple[ChildView, ...]:
        """The ordered parts: a plan's focus areas (with their goals and focus points), an area's focus points."""
        parts: list[Term] = []
        for predicate in (self.vocab.focusArea, self.vocab.initiative):
            parts += self.g.objects(entity, predicate)
        views = []
        for part in parts:
            if not isinstance(part, ox.NamedNode):
                continue
            position = self.g.value(part, self.vocab.position)
            goal = self.g.value(part, self.vocab.headlineGoal)
            goal_texts = self.g.labels(goal) if isinstance(goal, ox.NamedNode) else {}
            link = self.link(part, from_dir, lang)
            views.append(
                ChildView(
                    int(position.value) if isinstance(position, ox.Literal) and position.value.isdigit() else 0,
                    link,
                    link.text,
                    link.lang,
                    self.badges(part, from_dir, lang),
                    pick(goal_texts, lang) if goal_texts else "",
                    lang if lang in goal_texts else "da",
                    self.children(part, from_dir, lang, depth - 1) if depth > 0 else (),
                )
            )
        views.sort(key=lambda c: (c.position, c.link.href))
        return tuple(views)

    def sdg_links(self, entity: ox.NamedNode, from_dir: str, lang: str) -> tuple[SDGLinkView, ...]:
        """The SDG link records that start from the entity."""
        views = []
        for record in self.g.subjects(self.vocab.linkSubject, entity):
            concept = self.g.value(record, self.vocab.sdgConcept)
            if not isinstance(concept, ox.NamedNode) or not isinstance(record, ox.NamedNode):
                continue
            rationale = self.g.texts(record, (self.vocab.rationale,))
            concept_labels = self.g.labels(concept)
            method = self.g.value(record, self.vocab.method)
            status = self.g.value(record, self.vocab.status)
            views.append(
                SDGLinkView(
                    self.badge(concept, from_dir, lang),
                    pick(concept_labels, lang),
                    lang if lang in concept_labels else "en",
                    pick(rationale, lang),
                    lang if lang in rationale else "da",
                    self.g.label(method, lang) if method is not None else "",
                    self.g.label(status, lang) if status is not None else "",
                    self.link(record, from_dir, lang),
                )
            )
        views.sort(key=lambda v: sdg_sort_key(v.badge.iri))
        return tuple(views)

    def corrections(self, entity: ox.NamedNode, lang: str) -> tuple[CorrectionView, ...]:
        """Corrections of the entity's text."""
        views = []
        for correction in self.g.subjects(self.vocab.corrects, entity):
            text = self.g.texts(correction, (self.vocab.correctedText,))
            note = self.g.texts(correction, (SKOS_EDITORIAL_NOTE,))
            views.append(CorrectionView(pick(text, "da"), "da", pick(note, lang), lang if lang in note else "da"))
        return tuple(views)

    def source(self, entity: ox.NamedNode, from_dir: str, lang: str) -> tuple[LinkView | None, str]:
        """The source document and date of the entity's plan (walking up the hierarchy)."""
        current: ox.NamedNode | None = entity
        seen = 0
        while current is not None and seen < 10:
            source = self.g.value(current, PROV_WAS_DERIVED_FROM)
            if isinstance(source, ox.NamedNode):
                issued = self.g.value(current, DCT_ISSUED)
                return self.link(source, from_dir, lang), issued.value if isinstance(issued, ox.Literal) else ""
            current = self.parent(current)
            seen += 1
        return None, ""

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
        own_types = [t for t in types if t.value.startswith(self.plo)]
        if own_types:
            kind_label = self.g.label(own_types[0], lang)
        description = self.g.texts(entity, DESCRIPTION_PREDICATES)
        goal = self.g.value(entity, self.vocab.headlineGoal)
        goal_texts = self.g.labels(goal) if isinstance(goal, ox.NamedNode) else {}
        other = other_lang(lang)
        source, issued = self.source(entity, here, lang)
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
            breadcrumbs=self.breadcrumbs(entity, here, lang),
            rows=self.rows(entity, here, lang),
            incoming=self.incoming_rows(entity, here, lang),
            sdg_links=self.sdg_links(entity, here, lang),
            badges=self.badges(entity, here, lang),
            children=self.children(entity, here, lang),
            headline_goal=pick(goal_texts, lang) if goal_texts else "",
            headline_goal_lang=lang if lang in goal_texts else "da",
            corrections=self.corrections(entity, lang),
            alternates=tuple(
                AlternateView(f.name, f.media_type, relative(here, document(path, f))) for f in RDF_FORMATS
            ),
            canonical=self.policy.page_iri(here),
            other_lang_href=relative(here, page(path, other)),
            jsonld=script_safe(jsonld_text),
            source=source,
            issued=issued,
        )

    # -- site pages ---------------------------------------------------------------------------------------
    def plan_elements(self, entity: ox.NamedNode, lang: str, here: str) -> tuple[LinkView, ...]:
        chain: list[LinkView] = []
        current = self.parent(entity)
        while current is not None and len(chain) < 5:
            chain.append(self.link(current, here, lang))
            current = self.parent(current)
        return tuple(reversed(chain))

    def home(self, lang: str, here: str) -> dict[str, object]:
        """The home page: every plan with its focus areas, goals and SDG badges."""
        plans = []
        for plan in self.g.subjects(RDF_TYPE, self.vocab.Plan):
            if not isinstance(plan, ox.NamedNode):
                continue
            issued = self.g.value(plan, DCT_ISSUED)
            publisher = self.g.value(plan, DCT_PUBLISHER)
            plans.append(
                {
                    "link": self.link(plan, here, lang),
                    "issued": issued.value if isinstance(issued, ox.Literal) else "",
                    "publisher": self.link(publisher, here, lang) if publisher is not None else None,
                    # The home page shows each plan's focus areas, not their focus points.
                    "children": self.children(plan, here, lang, depth=0),
                }
            )
        plans.sort(key=lambda p: (str(p["issued"]), str(p["link"])), reverse=True)
        return {"plans": plans}

    def sdg_pages(self) -> list[ox.NamedNode]:
        """The SDG concepts that get a page: the 17 goals, and every target the site links to."""
        goals = [o for o in self.g.by_subject if isinstance(o, ox.NamedNode) and is_goal(self.g, o)]
        concepts = set(self.g.sdg_concepts_linked) | set(goals)
        return sorted(concepts, key=lambda n: sdg_sort_key(n.value))

    def sdg(self, concept: ox.NamedNode, lang: str, here: str) -> dict[str, object]:
        """An SDG goal or target: what it is, and which elements of the plans link to it and why."""
        labels = self.g.labels(concept)
        broader = self.g.value(concept, SKOS_BROADER)
        targets = [
            n for n in self.g.subjects(SKOS_BROADER, concept) if isinstance(n, ox.NamedNode) and n in self.sdg_page_set
        ]
        elements = []
        accepted = [
            r
            for r in self.g.subjects(self.vocab.sdgConcept, concept)
            if self.g.value(r, self.vocab.status) == self.vocab.Accepted
        ]
        for record in accepted:
            element = self.g.value(record, self.vocab.linkSubject)
            if not isinstance(element, ox.NamedNode) or not isinstance(record, ox.NamedNode):
                continue
            rationale = self.g.texts(record, (self.vocab.rationale,))
            method = self.g.value(record, self.vocab.method)
            elements.append(
                SDGElementView(
                    self.link(element, here, lang),
                    self.plan_elements(element, lang, here),
                    pick(rationale, lang),
                    lang if lang in rationale else "da",
                    self.g.label(method, lang) if method is not None else "",
                    self.link(record, here, lang),
                )
            )
        elements.sort(key=lambda e: e.element.title)
        plans: dict[str, LinkView] = {}
        for record in accepted:
            top = self.g.value(record, self.vocab.linkSubject)
            while isinstance(top, ox.NamedNode) and self.parent(top) is not None:
                top = self.parent(top)
            if isinstance(top, ox.NamedNode):
                plans[top.value] = self.link(top, here, lang)
        return {
            "plans": tuple(plans[k] for k in sorted(plans)),
            "concept": {
                "code": concept.value.rsplit("/", 1)[1],
                "goal": sdg_sort_key(concept.value)[0],
                "iri": concept.value,
                "title": pick(labels, lang),
                "title_lang": lang if lang in labels else "en",
                "broader": self.badge(broader, here, lang)
                if isinstance(broader, ox.NamedNode) and is_sdg(broader.value)
                else None,
                "targets": tuple(
                    self.badge(t, here, lang) for t in sorted(targets, key=lambda n: sdg_sort_key(n.value))
                ),
                "exact": tuple(
                    o.value
                    for o in self.g.objects(concept, SKOS_EXACT_MATCH)
                    if isinstance(o, ox.NamedNode) and linkable(o.value)
                ),
            },
            "elements": tuple(elements),
        }

    def goal_columns(
        self, goals: Sequence[CoverageGoal], totals: Sequence[int], lang: str, here: str
    ) -> tuple[dict[str, object], ...]:
        """The 17 goal columns of a coverage table."""
        return tuple(
            {
                "badge": self.badge(ox.NamedNode(goal.iri), here, lang),
                "title": goal.label_da if lang == "da" else goal.label_en,
                "number": goal.number,
                "total": total,
            }
            for goal, total in zip(goals, totals, strict=True)
        )

    def coverage_table(
        self,
        heading: LinkView | None,
        labels: Sequence[LinkView],
        counts: Sequence[Sequence[int]],
        goals: Sequence[CoverageGoal],
        lang: str,
        here: str,
    ) -> dict[str, object]:
        """One coverage table: rows × the 17 goals, shaded relative to the table's highest count."""
        peak = max((c for row in counts for c in row), default=0)
        totals = [sum(row[j] for row in counts) for j in range(len(goals))]
        return {
            "heading": heading,
            "goals": self.goal_columns(goals, totals, lang, here),
            "rows": tuple(
                {"label": label, "cells": tuple({"count": c, "shade": shade(c, peak)} for c in row), "total": sum(row)}
                for label, row in zip(labels, counts, strict=True)
            ),
            "total": sum(totals),
        }

    def plan_coverage(self, matrix: CoverageMatrix, lang: str, here: str, heading: bool = True) -> dict[str, object]:
        """A plan's focus areas × the 17 goals."""
        return self.coverage_table(
            self.link(ox.NamedNode(matrix.plan), here, lang) if heading else None,
            [self.link(ox.NamedNode(area.iri), here, lang) for area in matrix.areas],
            matrix.counts,
            matrix.goals,
            lang,
            here,
        )

    def coverage(self, lang: str, here: str) -> dict[str, object]:
        """The coverage page: per municipality and per plan (accepted links per goal), and each plan's areas."""
        matrices = list(self.matrices.values())
        if not matrices:
            return {"municipalities": None, "plans": None, "tables": ()}
        goals = matrices[0].goals
        by_municipality: dict[str, list[int]] = {}
        for matrix in matrices:
            municipality = self.g.value(ox.NamedNode(matrix.plan), self.vocab.municipality) or self.g.value(
                ox.NamedNode(matrix.plan), DCT_PUBLISHER
            )
            key = municipality.value if isinstance(municipality, ox.NamedNode) else ""
            sums = by_municipality.setdefault(key, [0] * len(goals))
            for j, total in enumerate(matrix.goal_totals):
                sums[j] += total
        municipalities = sorted(by_municipality, key=lambda m: self.g.label(ox.NamedNode(m), lang) if m else "")
        return {
            "municipalities": self.coverage_table(
                None,
                [self.link(ox.NamedNode(m), here, lang) if m else LinkView("–", "") for m in municipalities],
                [by_municipality[m] for m in municipalities],
                goals,
                lang,
                here,
            ),
            "plans": self.coverage_table(
                None,
                [self.link(ox.NamedNode(m.plan), here, lang) for m in matrices],
                [m.goal_totals for m in matrices],
                goals,
                lang,
                here,
            ),
            # The focus-area detail of every plan is on the plan's own page; here only when the plans are few.
            "tables": tuple(self.plan_coverage(m, lang, here) for m in matrices) if len(matrices) <= 10 else (),
        }

    def datamodel(self, lang: str, here: str) -> dict[str, object]:
        """The data model drawn from the shapes: per node shape its properties, cardinalities and value types."""
        shapes = []
        for triple in sorted(
            self.target_class_triples,
            key=lambda t: t.subject.value,  # type: ignore[union-attr]
        ):
            shape = triple.subject
            if not isinstance(shape, ox.NamedNode):
                continue
            rows = []
            for prop in self.g.objects(shape, SH_PROPERTY):
                if not isinstance(prop, ox.NamedNode | ox.BlankNode):
                    continue
                rows.append(self.shape_row(prop, lang))
            rows.sort(key=lambda r: r[0])
            shapes.append(
                ShapeView(
                    self.g.label(shape, lang),
                    self.link(triple.object, here, lang),
                    self.link(shape, here, lang),
                    tuple(r[1] for r in rows),
                )
            )
        return {"shapes": tuple(shapes)}

    def shape_row(self, prop: ox.NamedNode | ox.BlankNode, lang: str) -> tuple[float, ShapeRowView]:
        """One property shape as a row: name, path, description, cardinality, value type, severity."""
        path = self.g.value(prop, SH_PATH)
        order = self.g.value(prop, SH_ORDER)
        low = _number(self.g.value(prop, SH_MIN_COUNT)) or _number(self.g.value(prop, SH_QUALIFIED_MIN_COUNT))
        high = _number(self.g.value(prop, SH_MAX_COUNT))
        cardinality = f"{low or 0}..{high or '*'}"
        kinds = []
        for parameter in (SH_DATATYPE, SH_CLASS, SH_NODE_KIND, SH_PATTERN):
            value = self.g.value(prop, parameter)
            if value is not None:
                kinds.append(value.value if isinstance(value, ox.Literal) else self.policy.short(value.value))  # type: ignore[union-attr]
        languages = []
        qualified = self.g.value(prop, SH_QUALIFIED_VALUE_SHAPE)
        if isinstance(qualified, ox.NamedNode | ox.BlankNode):
            language_list = self.g.value(qualified, SH_LANGUAGE_IN)
            while isinstance(language_list, ox.BlankNode | ox.NamedNode):
                first = self.g.value(language_list, RDF_FIRST)
                if isinstance(first, ox.Literal):
                    languages.append("@" + first.value)
                language_list = self.g.value(language_list, RDF_REST)
        severity = self.g.value(prop, SH_SEVERITY)
        return (
            order_value(order),
            ShapeRowView(
                pick(self.g.texts(prop, (SH_NAME,)), lang),
                self.policy.short(path.value) if isinstance(path, ox.NamedNode) else "",
                pick(self.g.texts(prop, (SH_DESCRIPTION,)), lang),
                cardinality,
                ", ".join(kinds + languages),
                self.policy.short(severity.value) if isinstance(severity, ox.NamedNode) else "sh:Violation",
            ),
        )

    def static(self, lang: str, here: str) -> dict[str, object]:
        """The context of the static pages (site/templates/pages/*.html): the plans and the example queries.

        The plans are listed only when a page reads them (listing them walks every plan of the site)."""
        return {
            "plans": LazyList(lambda: self.home(lang, here)["plans"]),
            "queries": self.queries,
            "query": self.query_page(here),
        }

    def query_page(self, here: str) -> QueryPageView:
        """What the query page needs: the base IRI, the endpoint's link and the examples as they run."""
        base = self.policy.base
        endpoint = self.policy.endpoint(self.config.sparql_endpoint)
        return QueryPageView(
            base,
            PageLinks(here, "da").to_iri(endpoint, base) if endpoint else "",
            self.queries,
            tuple(example.text(base) for example in self.queries),
        )

    def extra(self, entity: ox.NamedNode, kinds: tuple[str, ...], lang: str, here: str) -> dict[str, object]:
        """What a specific template needs beyond the page view: the ontology's terms on the ontology page."""
        if "plan" in kinds:
            matrix = self.matrices.get(entity.value)
            return {"coverage": self.plan_coverage(matrix, lang, here, heading=False) if matrix else None}
        if "ontology" not in kinds:
            return {}
        classes, properties = [], []
        relations = [
            ("rdfs:subClassOf", RDFS_SUBCLASS_OF),
            ("rdfs:subPropertyOf", RDFS_SUBPROPERTY_OF),
            ("skos:closeMatch", SKOS_CLOSE_MATCH),
            ("rdfs:domain", RDFS_DOMAIN),
            ("rdfs:range", RDFS_RANGE),
            ("owl:inverseOf", OWL_INVERSE_OF),
        ]
        for term in self.g.subjects(RDFS_IS_DEFINED_BY, entity):
            if not isinstance(term, ox.NamedNode):
                continue
            types = set(self.g.types(term))
            definition = self.g.texts(term, (SKOS_DEFINITION,))
            view = TermView(
                self.link(term, here, lang),
                self.policy.short(term.value),
                pick(definition, lang),
                lang if lang in definition else "da",
                tuple(
                    (name, tuple(self.value_view(o, here, lang) for o in self.g.objects(term, predicate)))
                    for name, predicate in relations
                    if self.g.objects(term, predicate)
                ),
            )
            if OWL_CLASS in types:
                classes.append(view)
            elif types & {OWL_OBJECT_PROPERTY, OWL_DATATYPE_PROPERTY}:
                properties.append(view)
        return {
            "classes": sorted(classes, key=lambda v: v.curie),
            "properties": sorted(properties, key=lambda v: v.curie),
        }
