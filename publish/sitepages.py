"""The site's own pages: home, the SDG goal and target pages, coverage, the data model and the static pages, in
both languages; and the site search's index.

Stage: build. Imports `incremental`, `query`, `render`, `siteplan`, `urls` and `views`.
The SDG pages (about a hundred at 1000 plans, most of the time these pages take), the home page, the coverage page
and the data model page note what they read from the site graph, as the entities' pages do: an update leaves
those whose reads did not change as they are (the home and coverage pages also show the plans' coverage matrices,
which are not read from the graph: a digest of them is kept for those pages, `coverage_readers`). So do the
search index's rows of the entities (their reads are the entity's, kept in the build state): an update makes again
only the rows of the entities it renders again (and of any the last build left without one).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import partial

import pyoxigraph as ox

from .incremental import page_reader, read_key
from .query import Read
from .render import Renderer
from .siteplan import SitePlan
from .urls import (
    LANGS,
    coverage_page,
    datamodel_page,
    home_page,
    other_lang,
    page,
    page_dir,
    page_file,
    relative,
    sdg_page,
    search_index_file,
    static_page,
)
from .views import SitePageContext, SiteView, Views, search_index_document

# A row of the search index: the page's path and its entry as JSON (`views.SearchEntry.row`).
SearchRow = tuple[str, str]


@dataclass
class SitePages:
    """The site pages `plan_site_pages` made that note their reads, as readers (`incremental.page_reader`): the
    file each wrote (path, size), and who read what (read key → readers), for the build state."""

    files: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    readers: dict[str, list[str]] = field(default_factory=dict)
    # Every entity's row of the search index, by its IRI (the SDG pages' rows are made every time).
    search: dict[str, SearchRow] = field(default_factory=dict)


@dataclass(frozen=True)
class SdgPage:
    """The page of an SDG goal or target: the concept and the page's site path."""

    concept: ox.NamedNode
    path: str

    @property
    def files(self) -> list[str]:
        """The page's files, in both languages."""
        return [page_file(page_dir(self.path, lang)) for lang in LANGS]


def _readers(*paths: str) -> list[str]:
    """The readers (`incremental.page_reader`) of the pages at these site paths, in both languages."""
    return [page_reader(page_file(page_dir(path, lang))) for path in paths for lang in LANGS]


def site_page_readers() -> list[str]:
    """The readers of the site pages that note their reads besides the SDG pages: the home, coverage and data
    model pages, in both languages."""
    return _readers(home_page(), coverage_page(), datamodel_page())


def coverage_readers() -> list[str]:
    """The readers of the pages that show the plans' coverage matrices besides what they read from the site graph:
    the home page and the coverage page, in both languages."""
    return _readers(home_page(), coverage_page())


def sdg_pages(views: Views) -> list[SdgPage]:
    """The SDG goals' and linked targets' pages."""
    return [SdgPage(c, sdg_page(c.value.rsplit("/", 1)[1])) for c in views.site.sdg_pages()]


def plan_site_pages(
    plan: SitePlan,
    views: Views,
    renderer: Renderer,
    site: SiteView,
    kept: Mapping[str, object] | None = None,
    sdg: Sequence[SdgPage] | None = None,
    search: tuple[Mapping[str, SearchRow], Iterable[ox.NamedNode]] = ({}, ()),
) -> SitePages:
    """Home, SDG goal and target pages, coverage, data model and the static pages, in both languages. `kept`: the
    pages (by reader) left as the site has them, which an update found unchanged; `sdg`: the SDG pages, when
    the caller has them already; `search`: the entities' rows of the search index the last build kept, and the
    entities whose rows are made again (those whose pages were)."""
    # These pages walk every plan more than once: keep every node's values once read. What is there already (the
    # site graph) is left out of garbage collection meanwhile, so the caches' growth sets off no walks over it.
    views.g.cache_window = max(views.g.cache_window, len(views.g.by_subject))
    gc.freeze()
    try:
        made = _plan_site_pages(plan, views, renderer, site, kept or {}, sdg_pages(views) if sdg is None else sdg)
        made.search = _search_rows(views, *search, made.readers)
        rows = [*made.search.values(), *((entry.path, entry.row()) for entry in views.search.concepts())]
        plan.add(search_index_file(), search_index_document(rows))
        return made
    finally:
        gc.unfreeze()


def _plan_site_pages(
    plan: SitePlan,
    views: Views,
    renderer: Renderer,
    site: SiteView,
    kept: Mapping[str, object],
    sdg: Sequence[SdgPage],
) -> SitePages:
    pages = views.site
    site_pages: list[tuple[str, str, Callable[[str, str], SitePageContext], bool]] = [
        (home_page(), "home.html", pages.home, True),
        (coverage_page(), "coverage.html", pages.coverage_page, True),
        (datamodel_page(), "datamodel.html", pages.datamodel, True),
    ]
    for one in sdg:
        site_pages.append((one.path, "sdg.html", partial(pages.sdg, one.concept), True))
    for stem in sorted(p.stem for p in (views.config.site_dir / "templates" / "pages").glob("*.html")):
        site_pages.append((static_page(stem), f"pages/{stem}.html", pages.static, False))
    made = SitePages()
    for path, template_name, make, reading in site_pages:
        template = renderer.template(template_name)
        for lang in LANGS:
            here = page_dir(path, lang)
            file, reader = page_file(here), page_reader(page_file(here))
            if reading and reader in kept:
                continue
            other = relative(here, page(path, other_lang(lang)))
            recording: AbstractContextManager[set[Read]] = views.g.recording() if reading else nullcontext(set())
            with recording as reads:
                content = renderer.render(template, lang, here, make(lang, here), site=site, other_lang_href=other)
            plan.add(file, content)
            if reading:
                made.files[reader] = [(file, len(content))]
                for key in sorted(read_key(read) for read in reads):
                    made.readers.setdefault(key, []).append(reader)
    return made


def _search_rows(
    views: Views, known: Mapping[str, SearchRow], again: Iterable[ox.NamedNode], readers: dict[str, list[str]]
) -> dict[str, SearchRow]:
    """Every entity's row of the search index: the known one, unless the entity is among `again` or has none;
    what a row made now reads is recorded as its entity's reads (into `readers`)."""
    remake = {entity.value for entity in again}
    rows: dict[str, SearchRow] = {}
    for entity in views.g.entities:
        iri = entity.value
        row = known.get(iri)
        if row is None or iri in remake:
            with views.g.recording() as reads:
                entry = views.search.entity(entity)
            row = (entry.path, entry.row())
            for key in {read_key(read) for read in reads}:
                readers.setdefault(key, []).append(iri)
        rows[iri] = row
    return rows
