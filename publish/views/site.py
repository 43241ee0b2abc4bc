"""The site's own pages: home, the SDG goal and target pages, the coverage page, the data model and the static
pages (the query page among them).

Stage: query (view models). Imports `escaping`, `query`, `rdfterms`, `urls` and `vocab`, and the other `views`
modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..escaping import linkable
from ..query import SiteGraph, is_sdg, pick, sdg_sort_key
from ..rdfterms import Term
from ..urls import PageLinks
from ..vocab import (
    DCT_ISSUED,
    DCT_PUBLISHER,
    RDF_FIRST,
    RDF_REST,
    RDF_TYPE,
    SDG_GOAL,
    SDG_NS,
    SH_CLASS,
    SH_DATATYPE,
    SH_DESCRIPTION,
    SH_INVERSE_PATH,
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
    SKOS_ALT_LABEL,
    SKOS_BROADER,
    SKOS_EXACT_MATCH,
)
from .coverage import shade
from .links import readable_iri
from .models import (
    CoveragePageView,
    DatamodelView,
    ExampleQuery,
    GoalCountView,
    HomeMunicipalityView,
    HomePlanEntryView,
    HomePlanView,
    HomeView,
    LazyList,
    LinkView,
    QueryPageView,
    SdgConceptView,
    SDGElementView,
    SdgPageView,
    ShapeRowView,
    ShapeView,
    StaticPageView,
)
from .parts import ViewParts
from .shapes import order_value


@dataclass(frozen=True)
class _HomePlan:
    """A plan's IRI with its view on the home page."""

    iri: str
    view: HomePlanView


def is_goal(graph: SiteGraph, node: ox.NamedNode) -> bool:
    """Whether the node is one of the 17 UN SDG goals in the KOS."""
    return is_sdg(node.value) and SDG_GOAL in graph.types(node)


def _number(term: Term | None) -> str:
    return term.value if isinstance(term, ox.Literal) else ""


class SitePages:
    """Builds the views of the site's own pages."""

    def __init__(self, parts: ViewParts, examples: tuple[ExampleQuery, ...]) -> None:
        self.g, self.config, self.policy, self.vocab = parts.graph, parts.config, parts.policy, parts.vocab
        self.links, self.hierarchy, self.shapes, self.coverage = (
            parts.links,
            parts.hierarchy,
            parts.shapes,
            parts.coverage,
        )
        self.examples = examples
        self.sdg_page_set = set(self.sdg_pages())

    def home(self, lang: str, here: str) -> HomeView:
        """The home page: an overview (the municipalities with their plans, the 17 goals with the number of focus
        points linked to each) and, when the plans are few, each plan with its focus areas and SDG badges."""
        # Each plan is shown with its focus areas only while they fit on one page (else the municipalities' list):
        # the areas and their badges are made only then.
        shown = sum(1 for p in self.g.subjects(RDF_TYPE, self.vocab.Plan) if isinstance(p, ox.NamedNode)) <= 3
        plans = self.home_plans(lang, here, areas=shown)
        matrices = self.coverage.matrices
        municipalities: dict[str, list[tuple[HomePlanEntryView, str]]] = {}
        for plan in plans:
            node = ox.NamedNode(plan.iri)
            owner = self.g.value(node, self.vocab.municipality) or self.g.value(node, DCT_PUBLISHER)
            matrix = matrices.get(plan.iri)
            if matrix:
                areas = len(matrix.areas)
            else:
                areas = len(plan.view.children if shown else self.hierarchy.children(node, here, lang, depth=0))
            points = sum(1 for area in self.g.objects(node, self.vocab.focusArea) for _ in self._points(area))
            entry = HomePlanEntryView(plan.view.link, plan.view.issued, areas, points)
            municipalities.setdefault(owner.value if isinstance(owner, ox.NamedNode) else "", []).append(
                (entry, plan.view.issued)
            )
        owners = sorted(municipalities, key=lambda m: (self.g.label(ox.NamedNode(m), lang) if m else "~", m))
        goal_points = [0] * 17
        for matrix in matrices.values():
            for j, count in enumerate(matrix.focus_points[:17]):
                goal_points[j] += count
        peak = max(goal_points, default=0)
        goals = []
        for number, count in enumerate(goal_points, start=1):
            goal = ox.NamedNode(f"{SDG_NS}{number}")
            labels = self.g.labels(goal)
            short = self.g.texts(goal, (SKOS_ALT_LABEL,)) if lang == "en" else {}
            title = pick(short, "en") if short else pick(labels, lang)
            title_lang = lang if (short or lang in labels) else "en"
            goals.append(
                GoalCountView(self.links.badge(goal, here, lang), title, title_lang, count, shade(count, peak))
            )
        return HomeView(
            tuple(p.view for p in plans) if shown else (),
            tuple(
                HomeMunicipalityView(
                    self.links.link(ox.NamedNode(m), here, lang) if m else None,
                    tuple(e for e, _ in sorted(municipalities[m], key=lambda x: (x[1], x[0].link.href), reverse=True)),
                )
                for m in owners
            ),
            tuple(goals),
            len(plans),
            sum(len(m.areas) for m in matrices.values()),
            len(self.g.subjects(RDF_TYPE, self.vocab.Initiative)),
        )

    def _points(self, area: Term) -> list[Term]:
        return self.g.objects(area, self.vocab.initiative) if isinstance(area, ox.NamedNode) else []

    def home_plans(self, lang: str, here: str, areas: bool = True) -> list[_HomePlan]:
        """Every plan with its focus areas, goals and SDG badges (without them unless `areas`), newest first."""
        plans = []
        link = self.links.link
        for plan in self.g.subjects(RDF_TYPE, self.vocab.Plan):
            if not isinstance(plan, ox.NamedNode):
                continue
            issued = self.g.value(plan, DCT_ISSUED)
            publisher = self.g.value(plan, DCT_PUBLISHER)
            plans.append(
                _HomePlan(
                    plan.value,
                    HomePlanView(
                        link(plan, here, lang),
                        issued.value if isinstance(issued, ox.Literal) else "",
                        link(publisher, here, lang) if publisher is not None else None,
                        # The home page shows each plan's focus areas, not their focus points.
                        self.hierarchy.children(plan, here, lang, depth=0) if areas else (),
                    ),
                )
            )
        plans.sort(key=lambda p: (p.view.issued, str(p.view.link)), reverse=True)
        return plans

    def sdg_pages(self) -> list[ox.NamedNode]:
        """The SDG concepts that get a page: the 17 goals, and every target the site links to."""
        goals = [o for o in self.g.by_subject if isinstance(o, ox.NamedNode) and is_goal(self.g, o)]
        concepts = set(self.g.sdg_concepts_linked) | set(goals)
        return sorted(concepts, key=lambda n: sdg_sort_key(n.value))

    def sdg(self, concept: ox.NamedNode, lang: str, here: str) -> SdgPageView:
        """An SDG goal or target: what it is, and which elements of the plans link to it and why."""
        vocab, link = self.vocab, self.links.link
        accepted = [
            r for r in self.g.subjects(vocab.sdgConcept, concept) if self.g.value(r, vocab.status) == vocab.Accepted
        ]
        elements = []
        for record in accepted:
            element = self.g.value(record, vocab.linkSubject)
            if not isinstance(element, ox.NamedNode) or not isinstance(record, ox.NamedNode):
                continue
            rationale = self.g.texts(record, (vocab.rationale,))
            method = self.g.value(record, vocab.method)
            elements.append(
                SDGElementView(
                    link(element, here, lang),
                    self.hierarchy.plan_elements(element, lang, here),
                    pick(rationale, lang),
                    lang if lang in rationale else "da",
                    self.g.label(method, lang) if method is not None else "",
                    link(record, here, lang),
                )
            )
        elements.sort(key=lambda e: e.element.title)
        plans: dict[str, LinkView] = {}
        for record in accepted:
            top = self.hierarchy.top(self.g.value(record, vocab.linkSubject))
            if isinstance(top, ox.NamedNode):
                plans[top.value] = link(top, here, lang)
        return SdgPageView(
            tuple(plans[k] for k in sorted(plans)), self.sdg_concept(concept, lang, here), tuple(elements)
        )

    def sdg_concept(self, concept: ox.NamedNode, lang: str, here: str) -> SdgConceptView:
        """The goal or target itself: code, title, the goal it belongs to, its targets, its other IRIs."""
        labels = self.g.labels(concept)
        translator = self.g.value(concept, self.vocab.translatedBy)
        broader = self.g.value(concept, SKOS_BROADER)
        targets = [
            n for n in self.g.subjects(SKOS_BROADER, concept) if isinstance(n, ox.NamedNode) and n in self.sdg_page_set
        ]
        badge = self.links.badge
        return SdgConceptView(
            code=concept.value.rsplit("/", 1)[1],
            goal=sdg_sort_key(concept.value)[0],
            iri=concept.value,
            title=pick(labels, lang),
            title_lang=lang if lang in labels else "en",
            translated_by=self.links.link(translator, here, lang)
            if lang != "en" and lang in labels and isinstance(translator, ox.NamedNode)
            else None,
            broader=badge(broader, here, lang) if isinstance(broader, ox.NamedNode) and is_sdg(broader.value) else None,
            targets=tuple(badge(t, here, lang) for t in sorted(targets, key=lambda n: sdg_sort_key(n.value))),
            exact=tuple(
                LinkView(readable_iri(o.value), o.value)
                for o in self.g.objects(concept, SKOS_EXACT_MATCH)
                if isinstance(o, ox.NamedNode) and linkable(o.value)
            ),
        )

    def coverage_page(self, lang: str, here: str) -> CoveragePageView:
        """The coverage page: per municipality and per plan, and each plan's areas when the plans are few."""
        return self.coverage.page(lang, here)

    def datamodel(self, lang: str, here: str) -> DatamodelView:
        """The data model drawn from the shapes: per node shape its properties, cardinalities and value types."""
        shapes = []
        for triple in sorted(
            self.shapes.target_class_triples,
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
                    self.links.link(triple.object, here, lang),
                    self.links.link(shape, here, lang),
                    tuple(r[1] for r in rows),
                )
            )
        return DatamodelView(tuple(shapes))

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
        severity = self.g.value(prop, SH_SEVERITY)
        return (
            order_value(order),
            ShapeRowView(
                pick(self.g.texts(prop, (SH_NAME,)), lang),
                self.path_curie(path),
                pick(self.g.texts(prop, (SH_DESCRIPTION,)), lang),
                cardinality,
                ", ".join(kinds + self.languages(prop)),
                self.policy.short(severity.value) if isinstance(severity, ox.NamedNode) else "sh:Violation",
            ),
        )

    def path_curie(self, path: Term | None) -> str:
        """A property shape's path as a CURIE: `plo:area`, or `^plo:area` for an inverse path."""
        if isinstance(path, ox.NamedNode):
            return self.policy.short(path.value)
        inverse = self.g.value(path, SH_INVERSE_PATH) if isinstance(path, ox.BlankNode) else None
        return f"^{self.policy.short(inverse.value)}" if isinstance(inverse, ox.NamedNode) else ""

    def languages(self, prop: ox.NamedNode | ox.BlankNode) -> list[str]:
        """The languages a property shape's qualified value shape allows (`sh:languageIn`), as '@da'."""
        languages = []
        qualified = self.g.value(prop, SH_QUALIFIED_VALUE_SHAPE)
        if isinstance(qualified, ox.NamedNode | ox.BlankNode):
            language_list = self.g.value(qualified, SH_LANGUAGE_IN)
            while isinstance(language_list, ox.BlankNode | ox.NamedNode):
                first = self.g.value(language_list, RDF_FIRST)
                if isinstance(first, ox.Literal):
                    languages.append("@" + first.value)
                language_list = self.g.value(language_list, RDF_REST)
        return languages

    def static(self, lang: str, here: str) -> StaticPageView:
        """The context of the static pages (site/templates/pages/*.html): the plans and the example queries.

        The plans are listed only when a page reads them (listing them walks every plan of the site)."""
        return StaticPageView(
            LazyList(lambda: [p.view for p in self.home_plans(lang, here)]), self.examples, self.query_page(here)
        )

    def query_page(self, here: str) -> QueryPageView:
        """What the query page needs: the base IRI, the endpoint's link and the examples as they run."""
        base = self.policy.base
        endpoint = self.policy.endpoint(self.config.sparql_endpoint)
        return QueryPageView(
            base,
            PageLinks(here, "da").to_iri(endpoint, base) if endpoint else "",
            self.examples,
            tuple(example.text(base) for example in self.examples),
        )
