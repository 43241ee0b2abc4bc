"""The view models: what each page shows, as frozen dataclasses the templates read (no dicts, no graphs).

Stage: query (view models). Imports `config`, `escaping` (the link policy) and `query` (the site graph, for the
frame's licence label).
Every page gets `site` (SiteView, the frame) and `links` (urls.PageLinks, the frame's links); an entity page gets
`page` (PageView) and `extra` (EntityExtra); a site page gets the fields of its context (HomeView, SdgPageView,
CoveragePageView, DatamodelView, StaticPageView, ValuesPageView) as variables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar, overload

import pyoxigraph as ox

from ..config import Config
from ..escaping import LINK_SCHEMES, link_schemes_attribute, safe_href
from ..query import SiteGraph

T = TypeVar("T")


# ---------------------------------------------------------------- links, values and rows


@dataclass(frozen=True)
class LinkView:
    """A link as a template shows it."""

    text: str
    href: str
    lang: str = ""
    external: str = ""
    title: str = ""


@dataclass(frozen=True)
class ValueView:
    """One value of a property: text or a link, with its language."""

    text: str
    lang: str = ""
    link: LinkView | None = None
    datatype: str = ""


@dataclass(frozen=True)
class RowView:
    """A property with its values, named and described from the shapes (or the ontology)."""

    name: str
    description: str
    curie: str
    values: tuple[ValueView, ...]
    # When a property has more values than a page shows, the total and links to the further pages.
    total: int = 0
    pages: tuple[LinkView, ...] = ()
    # For links to the entity that neither the shapes nor the ontology name by an inverse: `name` is the
    # property's own name, which the page shows as "{name} of" ("fokusområde for").
    inverse: bool = False


@dataclass(frozen=True)
class PropertySpec:
    """How the shapes name and order a property for one class."""

    order: float
    names: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- entity pages


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
    """An SDG link record as the element's page shows it.

    `state` sorts it into the page's three lists (docs/sdg-linking.md, section 6): "accepted" (the link holds and
    is counted), "proposed" (a suggestion awaiting a curator, with its `confidence`; not counted) or "closed"
    (rejected or withdrawn: kept so that the reason stays visible; not counted)."""

    badge: BadgeView
    concept_label: str
    concept_lang: str
    rationale: str
    rationale_lang: str
    method: str
    status: str
    record: LinkView
    state: str = "accepted"
    confidence: str = ""  # as the page's language writes numbers: "0,73" / "0.73"; "" when not computed
    decided_by: LinkView | None = None
    decision_date: str = ""


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
    # What a plan in progress still lacks here (keys of the UI strings): an English text, SDG links.
    pending: tuple[str, ...] = ()

    @property
    def accepted_links(self) -> tuple[SDGLinkView, ...]:
        """The element's links that hold: the ones counted in coverage and stated as dct:subject."""
        return tuple(link for link in self.sdg_links if link.state == "accepted")

    @property
    def proposed_links(self) -> tuple[SDGLinkView, ...]:
        """Suggestions awaiting a curator, shown apart with their confidence; not counted."""
        return tuple(link for link in self.sdg_links if link.state == "proposed")

    @property
    def closed_links(self) -> tuple[SDGLinkView, ...]:
        """Rejected and withdrawn links, kept with the reason; not counted."""
        return tuple(link for link in self.sdg_links if link.state == "closed")


@dataclass(frozen=True)
class TermView:
    """A class or property on the ontology page."""

    link: LinkView
    curie: str
    definition: str
    definition_lang: str
    relations: tuple[tuple[str, tuple[ValueView, ...]], ...]


@dataclass(frozen=True)
class EntityExtra:
    """What some entity templates show beyond the page view: a plan's coverage table, the ontology's classes and
    properties, the dataset's schema.org block (JSON for a script element)."""

    coverage: CoverageTableView | None = None
    classes: tuple[TermView, ...] = ()
    properties: tuple[TermView, ...] = ()
    schema_org: str = ""


@dataclass(frozen=True)
class ValuesPageView:
    """A further page of one property's values of an entity (pages 2…)."""

    entity: LinkView
    row: RowView
    incoming: bool
    number: int
    count: int
    first: int
    last: int
    previous: LinkView
    next: LinkView | None


# ---------------------------------------------------------------- the frame


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
    # The link policy's schemes, for the query page's script (`data-link-schemes`).
    link_schemes: str = link_schemes_attribute(LINK_SCHEMES)

    @classmethod
    def from_config(cls, config: Config, graph: SiteGraph) -> SiteView:
        """The frame of the site with this configuration."""
        licence = ox.NamedNode(config.licence)
        label = LICENCE_NAMES.get(config.licence) or graph.label(licence, "da") or config.licence
        endpoint = graph.policy.endpoint(config.sparql_endpoint)
        # The configuration refuses a licence that is not an http(s) IRI; the link policy holds either way.
        licence_href = safe_href(config.licence) or ""
        return cls(config.base_iri, licence_href, label, config.contact_email, config.contact_name, endpoint)


# ---------------------------------------------------------------- site pages


@dataclass(frozen=True)
class HomePlanView:
    """A plan on the home page: its link, date, publisher and focus areas."""

    link: LinkView
    issued: str
    publisher: LinkView | None
    children: tuple[ChildView, ...]


@dataclass(frozen=True)
class HomePlanEntryView:
    """A plan in the home page's list of municipalities: its link, date and size."""

    link: LinkView
    issued: str
    areas: int
    focus_points: int


@dataclass(frozen=True)
class HomeMunicipalityView:
    """A municipality on the home page, with its plans, newest first."""

    link: LinkView | None
    plans: tuple[HomePlanEntryView, ...]


@dataclass(frozen=True)
class GoalCountView:
    """One of the 17 goals in the home page's strip: badge, short title, how many focus points are linked to it
    (or to one of its targets) by an accepted link, and the shade of that count (0–4)."""

    badge: BadgeView
    title: str
    title_lang: str
    focus_points: int
    shade: int


@dataclass(frozen=True)
class HomeView:
    """The home page: the site in figures, the 17 goals at a glance, the municipalities with their plans, and
    (when the plans are few) each plan with its focus areas."""

    plans: tuple[HomePlanView, ...]
    municipalities: tuple[HomeMunicipalityView, ...] = ()
    goals: tuple[GoalCountView, ...] = ()
    plan_count: int = 0
    area_count: int = 0
    focus_point_count: int = 0


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
class SdgConceptView:
    """An SDG goal or target as its page shows it."""

    code: str
    goal: int
    iri: str
    title: str
    title_lang: str
    # Who translated the title shown, when it is not the UN's own (the project's Danish target titles).
    translated_by: LinkView | None
    broader: BadgeView | None
    targets: tuple[BadgeView, ...]
    # The concept's other IRIs (skos:exactMatch: Wikidata, SDGIO), each named by a readable short form.
    exact: tuple[LinkView, ...]


@dataclass(frozen=True)
class SdgPageView:
    """The page of an SDG goal or target: the concept, the plans that address it, the elements linked to it."""

    plans: tuple[LinkView, ...]
    concept: SdgConceptView
    elements: tuple[SDGElementView, ...]


@dataclass(frozen=True)
class CoverageColumnView:
    """A goal's column of a coverage table."""

    badge: BadgeView
    title: str
    number: int
    total: int


@dataclass(frozen=True)
class CoverageCellView:
    """One count of a coverage table, with its shading class (0–4)."""

    count: int
    shade: int


@dataclass(frozen=True)
class CoverageRowView:
    """A row of a coverage table: a municipality, plan or focus area."""

    label: LinkView
    cells: tuple[CoverageCellView, ...]
    total: int


@dataclass(frozen=True)
class CoverageTableView:
    """A coverage table: rows × the 17 goals."""

    heading: LinkView | None
    goals: tuple[CoverageColumnView, ...]
    rows: tuple[CoverageRowView, ...]
    total: int


@dataclass(frozen=True)
class CoveragePageView:
    """The coverage page: per municipality, per plan, and (when the plans are few) each plan's areas."""

    municipalities: CoverageTableView | None
    plans: CoverageTableView | None
    tables: tuple[CoverageTableView, ...]


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
class DatamodelView:
    """The data-model page: every node shape with its property shapes."""

    shapes: tuple[ShapeView, ...]


@dataclass(frozen=True)
class ExampleQuery:
    """One example query of the query page: `site/queries/{name}.rq`, titled in Danish and English."""

    name: str
    title_da: str
    title_en: str
    # The query without its title lines.
    body: str
    # The file as written.
    query: str
    # What the page says about the query, in Danish and English ('' when the file says nothing).
    description_da: str = ""
    description_en: str = ""

    def title(self, lang: str) -> str:
        """The title in a language ("da" or "en")."""
        return self.title_da if lang == "da" else self.title_en

    def description(self, lang: str) -> str:
        """The description in a language ("da" or "en")."""
        return self.description_da if lang == "da" else self.description_en

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


class LazyList(Sequence[T], Generic[T]):
    """A list made the first time it is read."""

    def __init__(self, make: Callable[[], Iterable[T]]) -> None:
        self._make = make
        self._items: list[T] | None = None

    def _list(self) -> list[T]:
        if self._items is None:
            self._items = list(self._make())
        return self._items

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self._list()[index]

    def __len__(self) -> int:
        return len(self._list())


@dataclass(frozen=True)
class StaticPageView:
    """The static pages (site/templates/pages/*.html): the plans (listed only when a page reads them), the example
    queries and the query page's view."""

    plans: LazyList[HomePlanView]
    queries: tuple[ExampleQuery, ...]
    query: QueryPageView


# What a site page's template is given besides the frame.
SitePageContext = HomeView | SdgPageView | CoveragePageView | DatamodelView | StaticPageView | ValuesPageView
