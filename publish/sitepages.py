"""The site's own pages: home, the SDG goal and target pages, coverage, the data model and the static pages, in
both languages; and the site search's index.

Stage: build. Imports `render`, `siteplan`, `urls` and `views`.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from functools import partial

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
from .views import SearchEntry, SitePageContext, SiteView, Views

# The fields of each entry of the search index, in order (the search page's script reads them by position).
SEARCH_FIELDS = ("path", "kind_da", "kind_en", "title_da", "title_en", "text_da", "text_en")


def search_index_document(entries: list[SearchEntry]) -> bytes:
    """The search index as compact JSON: the field names, then one array per page, sorted by path."""
    rows = [[e.path, *e.kind, *e.title, *e.text] for e in entries]
    document = {"fields": SEARCH_FIELDS, "entries": rows}
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def plan_site_pages(plan: SitePlan, views: Views, renderer: Renderer, site: SiteView) -> None:
    """Home, SDG goal and target pages, coverage, data model and the static pages, in both languages."""
    # These pages walk every plan more than once: keep every node's values once read. What is there already (the
    # site graph) is left out of garbage collection meanwhile, so the caches' growth sets off no walks over it.
    views.g.cache_window = max(views.g.cache_window, len(views.g.by_subject))
    gc.freeze()
    try:
        _plan_site_pages(plan, views, renderer, site)
    finally:
        gc.unfreeze()


def _plan_site_pages(plan: SitePlan, views: Views, renderer: Renderer, site: SiteView) -> None:
    pages = views.site
    site_pages: list[tuple[str, str, Callable[[str, str], SitePageContext]]] = [
        (home_page(), "home.html", pages.home),
        (coverage_page(), "coverage.html", pages.coverage_page),
        (datamodel_page(), "datamodel.html", pages.datamodel),
    ]
    for concept in pages.sdg_pages():
        code = concept.value.rsplit("/", 1)[1]
        site_pages.append((sdg_page(code), "sdg.html", partial(pages.sdg, concept)))
    for stem in sorted(p.stem for p in (views.config.site_dir / "templates" / "pages").glob("*.html")):
        site_pages.append((static_page(stem), f"pages/{stem}.html", pages.static))
    for path, template_name, make in site_pages:
        template = renderer.template(template_name)
        for lang in LANGS:
            here = page_dir(path, lang)
            other = relative(here, page(path, other_lang(lang)))
            content = renderer.render(template, lang, here, make(lang, here), site=site, other_lang_href=other)
            plan.add(page_file(here), content)
    plan.add(search_index_file(), search_index_document(views.search.entries()))
