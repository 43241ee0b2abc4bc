"""View models: what each page shows, as typed dataclasses the templates read. Templates never see a graph.

Stage: query (view models). Imports `config`, `errors`, `escaping`, `formats`, `model`, `plans`, `query`,
`rdfterms`, `urls` and `vocab`. Its modules:
- `models`: the view dataclasses and the typed contexts of every page;
- `links`: links from a page to any node, SDG badges, the values of a row;
- `hierarchy`: the plan's hierarchy (parents, breadcrumbs, ordered parts, the source document);
- `shapes`: the shapes as the display specification (names, descriptions, order of properties);
- `entity`: entity pages, their further value pages, and what specific templates add (`EntityExtra`);
- `coverage`: coverage tables (the coverage page, each plan's page);
- `site`: the site's own pages (home, SDG goals and targets, coverage, data model, static pages);
- `parts`: what those share (`ViewParts`);
- `search`: the site search's index;
- `examples`: the query page's example queries. What may become a link and how JSON goes into a script element
  is the escaping policy's (`escaping`).
`Views` puts them together for one site graph.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..config import Config
from ..escaping import embed_json, linkable, script_json
from ..plans import CoverageMatrix
from ..query import SiteGraph
from ..urls import UrlPolicy
from .entity import PAGE_SIZE, EntityViews
from .examples import load_examples, parse_example
from .models import (
    EntityExtra,
    ExampleQuery,
    LinkView,
    PageView,
    PropertySpec,
    RowView,
    SitePageContext,
    SiteView,
    ValuesPageView,
    ValueView,
)
from .parts import ViewParts
from .search import SearchEntry, SearchIndex, search_index_document
from .site import SitePages


class Views:
    """The view makers of one site graph: `entities` (entity pages) and `site` (the site's own pages)."""

    def __init__(
        self, graph: SiteGraph, config: Config, policy: UrlPolicy, matrices: Sequence[CoverageMatrix] = ()
    ) -> None:
        self.g = graph
        self.config = config
        self.policy = policy
        parts = ViewParts.make(graph, config, policy, matrices)
        self.shapes = parts.shapes
        self.entities = EntityViews(parts)
        self.site = SitePages(parts, tuple(load_examples(config.site_dir)))
        self.search = SearchIndex(graph, policy, parts.vocab)

    @property
    def specs(self) -> dict[str, dict[str, PropertySpec]]:
        """class IRI → property IRI → how the shapes name and order it (what pages take from the shapes)."""
        return self.shapes.specs


__all__ = [
    "PAGE_SIZE",
    "EntityExtra",
    "EntityViews",
    "ExampleQuery",
    "LinkView",
    "PageView",
    "PropertySpec",
    "RowView",
    "SearchEntry",
    "SearchIndex",
    "SitePageContext",
    "SitePages",
    "SiteView",
    "ValueView",
    "ValuesPageView",
    "Views",
    "embed_json",
    "linkable",
    "load_examples",
    "parse_example",
    "script_json",
    "search_index_document",
]
