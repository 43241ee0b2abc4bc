"""What the built pages say, read from their HTML: links to an entity named by the inverse of the property that
makes them, every linked thing named by its label in the page's language (never by a bare IRI), the home page's
overview and the site search's index."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest

from publish.build import build_site
from publish.config import load_config
from tests.conftest import copy_project

BASE = "http://localhost:8000/"
AREA = "plan/ambitioner-og-retning-2020/omraade/sundhed/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site, built once for this module."""
    root = tmp_path_factory.mktemp("pages")
    project = copy_project(root / "project")
    build_site(load_config(project, {"base_iri": BASE, "out_dir": str(root / "site")}, environ={}))
    return root / "site"


class PageText(HTMLParser):
    """The links of a page (text and href), and the rows of its property tables under each h2 section id."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.rows: dict[str, list[tuple[str, str]]] = {}
        self._href: str | None = None
        self._text: list[str] = []
        self._section = ""
        self._in_head = False
        self._head: list[str] = []
        self._code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a":
            self._href, self._text = attributes.get("href") or "", []
        elif tag == "h2" and attributes.get("id"):
            self._section = attributes["id"] or ""
        elif tag == "th" and attributes.get("scope") == "row":
            self._in_head, self._head = True, []
        elif tag == "code" and self._in_head:
            self._code = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append(("".join(self._text).strip(), self._href))
            self._href = None
        elif tag == "th" and self._in_head:
            self._in_head = False
            name, _, curie = "".join(self._head).partition("\x00")
            self.rows.setdefault(self._section, []).append((name.strip(), curie.strip()))
        elif tag == "code":
            self._code = False

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)
        if self._in_head:
            self._head.append("\x00" + data if self._code else data)


def read(site: Path, path: str) -> PageText:
    parser = PageText()
    parser.feed((site / path / "index.html").read_text("utf-8"))
    return parser


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "da",
            {
                "^plo:area": "mål og fokuspunkter",
                "plo:inPlan": "i plan",
                "dct:isPartOf": "del af",
                "dct:hasPart": "har del",
                "^plo:linkSubject": "koblet element for",
            },
        ),
        (
            "en",
            {
                "^plo:area": "goal and focus points",
                "plo:inPlan": "in plan",
                "dct:isPartOf": "is part of",
                "dct:hasPart": "has part",
                "^plo:linkSubject": "linked element of",
            },
        ),
    ],
)
def test_links_to_an_entity_are_named_by_the_inverse_property(site: Path, lang: str, expected: dict[str, str]) -> None:
    """A focus area's page heads the list of its focus points "mål og fokuspunkter" (the sh:name of the shape's
    inverse path), the link from its plan by the ontology's inverse ("i plan", plo:inPlan), the standard
    dct:hasPart by dct:isPartOf (and the points' dct:isPartOf by dct:hasPart), and a property with no inverse of its own as "… for" / "… of"; never the forward
    name "fokusområde plo:area"."""
    page = read(site, AREA + ("en/" if lang == "en" else ""))
    incoming = {curie: name for name, curie in page.rows["incoming"]}
    for curie, name in expected.items():
        assert incoming.get(curie) == name, f"{lang}: links by {curie} are headed {incoming.get(curie)!r}"
    assert "plo:area" not in incoming and "plo:focusArea" not in incoming


def test_a_party_names_the_links_from_its_group_and_membership_by_their_org_inverses(site: Path) -> None:
    incoming = {curie: name for name, curie in read(site, "parti/sf/").rows["incoming"]}
    assert incoming == {"org:memberOf": "medlem af", "org:hasMembership": "medlemskab"}


# What a link's text must never be: an IRI, bare or in brackets.
IRI_TEXT = re.compile(r"^(<|&lt;)?[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def test_no_link_is_named_by_a_bare_iri(site: Path) -> None:
    """Every linked thing is named by its label, a prefixed name or a shortened readable form: on no page is a
    link's text an IRI (the one exception: the UN IRI of an SDG goal or target, shown as the identifier it is)."""
    offenders: dict[str, str] = {}
    for path in sorted(site.rglob("index.html")):
        parser = PageText()
        parser.feed(path.read_text("utf-8"))
        for text, _ in parser.links:
            if IRI_TEXT.match(text) and not text.startswith("http://metadata.un.org/sdg/"):
                offenders.setdefault(text, str(path.relative_to(site)))
    assert not offenders, f"links named by their IRI: {offenders}"


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("da", {"dansk", "engelsk", "Danmark", "CC BY 4.0", "RDF Turtle", "text/turtle"}),
        ("en", {"Danish", "English", "Denmark", "CC BY 4.0", "RDF Turtle", "text/turtle"}),
    ],
)
def test_languages_country_licence_and_file_types_are_named_in_the_page_language(
    site: Path, lang: str, names: set[str]
) -> None:
    """The dataset and a distribution name the EU language and country entries, the licence and the file type by
    their labels (from ontology/reference/authority-labels.ttl), the IANA media type by the media type; the plan its
    LoC language."""
    suffix = "en/" if lang == "en" else ""
    texts = {text for text, _ in read(site, "datasaet/" + suffix).links}
    texts |= {text for text, _ in read(site, "datasaet/distribution/turtle/" + suffix).links}
    assert names <= texts, f"{lang}: missing {names - texts}"
    plan = {text for text, _ in read(site, "plan/ambitioner-og-retning-2020/" + suffix).links}
    assert ("dansk" if lang == "da" else "Danish") in plan


def goal_strip(site: Path, lang: str) -> list[tuple[str, int]]:
    """The home page's 17-goal strip: (the goal page's href, the number shown) in order."""
    text = (site / ("en/" if lang == "en" else "") / "index.html").read_text("utf-8")
    strip = text[text.index('<ol class="goal-strip">') : text.index("</ol>", text.index('<ol class="goal-strip">'))]
    return [
        (href, int(count))
        for href, count in re.findall(r'<a href="([^"]+)">.*?<span class="goal-count[^"]*">(\d+)<', strip)
    ]


def test_the_home_page_shows_the_sdgs_at_a_glance(site: Path) -> None:
    """All 17 goals in the UN's order, each with the number of focus points that have an accepted link to it or
    one of its targets, counted here from the published dump with SPARQL."""
    store = ox.Store()
    store.load(path=str(site / "dump" / "latest.nt"), format=ox.RdfFormat.N_TRIPLES)
    query = """
        PREFIX plo: <http://localhost:8000/ontologi/>
        SELECT ?concept ?point WHERE {
            ?link plo:linkSubject ?point ; plo:sdgConcept ?concept ; plo:status plo:Accepted .
            ?point a plo:Initiative .
        }"""
    points: dict[int, set[str]] = {}
    for row in store.query(query):  # type: ignore[union-attr]
        goal = int(row["concept"].value.rsplit("/", 1)[1].split(".")[0])
        points.setdefault(goal, set()).add(row["point"].value)
    expected = [(f"sdg/{n}/", len(points.get(n, ()))) for n in range(1, 18)]
    assert goal_strip(site, "da") == expected
    assert goal_strip(site, "en") == [(f"../sdg/{n}/en/", count) for n, (_, count) in enumerate(expected, start=1)]
    assert sum(count for _, count in expected) > 45, "most focus points link to more than one goal"


def test_the_home_page_gives_an_overview_not_a_flat_list(site: Path) -> None:
    """The figures (municipalities, plans, areas, focus points), the municipalities with their plans, each plan's
    focus areas as a compact list; no focus point is listed on the home page."""
    text = (site / "index.html").read_text("utf-8")
    figures = re.findall(r"<li><strong>(\d+)</strong> ([^<]+)</li>", text)
    assert figures == [("1", "kommune(r)"), ("1", "plan(er)"), ("11", "fokusområde(r)"), ("45", "fokuspunkt(er)")]
    municipalities = text[text.index('<ul class="municipalities">') :]
    assert re.search(r'<h3><a href="kommune/hedensted/">Hedensted Kommune</a></h3>', municipalities)
    assert '<a href="plan/ambitioner-og-retning-2020/">Ambitioner og retning</a>' in municipalities
    assert "/indsats/" not in text


def test_the_search_index_holds_every_page_with_its_texts_in_both_languages(site: Path) -> None:
    """The build writes the search index (soeg/indeks.json): one entry per entity page and SDG page, sorted by path,
    each with its kind, title and texts in Danish and English; the search page loads it with its own script."""
    index = json.loads((site / "soeg" / "indeks.json").read_text("utf-8"))
    fields = index["fields"]
    assert fields == ["path", "kind_da", "kind_en", "title_da", "title_en", "text_da", "text_en"]
    entries = {row[0]: dict(zip(fields, row, strict=True)) for row in index["entries"]}
    assert [row[0] for row in index["entries"]] == sorted(entries)
    point = entries["plan/ambitioner-og-retning-2020/omraade/sundhed/indsats/3/"]
    assert (point["kind_da"], point["title_da"], point["title_en"]) == (
        "Fokuspunkt",
        "Mere oplysning om sundhed.",
        "More information about health.",
    )
    goal = entries["plan/ambitioner-og-retning-2020/omraade/sundhed/maal/"]
    assert "forebyggelse" in goal["title_da"] and "prevention" in goal["title_en"]
    pages = {str(p.parent.relative_to(site)) + "/" for p in site.rglob("index.html") if "en" not in p.parts}
    wanted = {p for p in pages if (site / p.rstrip("/")).with_suffix(".ttl").is_file() or p.startswith("sdg/")}
    assert wanted <= set(entries), f"pages missing from the index: {sorted(wanted - set(entries))[:5]}"
    assert entries["sdg/3/"]["title_da"].startswith("3 ") and entries["sdg/3/"]["kind_en"] == "SDG goal"
    search_page = (site / "soeg" / "index.html").read_text("utf-8")
    assert '<script src="../assets/search.js" defer></script>' in search_page
    assert 'data-index="indeks.json"' in search_page
    home = (site / "index.html").read_text("utf-8")
    assert re.search(r'<form class="search-form" role="search"[^>]* action="soeg/"', home)
