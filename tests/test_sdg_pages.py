"""What the built site shows of the SDG links and the linking policy (docs/sdg-linking.md): the project's Danish
titles of the UN targets on Danish pages, focus areas linked through their parts, links that are not accepted kept
out of the counts, and the policy on the about page in both languages."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from publish.build import build_site
from publish.config import load_config
from tests.conftest import ROOT, copy_project

BASE = "http://localhost:8000/"
SDG = "http://metadata.un.org/sdg/"
SDGO = "http://metadata.un.org/sdg/ontology#"
AREA = "plan/ambitioner-og-retning-2020/omraade/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("sdg-pages") / "project")
    config = load_config(project, {"base_iri": BASE}, environ={})
    build_site(config)
    return config.out_dir


@pytest.fixture(scope="module")
def titles() -> dict[str, dict[str, str]]:
    """Notation → language → the target's title, from the reference files."""
    graph = Graph()
    for name in ("un-sdg-kos.ttl", "sdg-targets-da.ttl"):
        graph.parse(ROOT / "ontology" / "reference" / name, format="turtle", publicID=BASE)
    found: dict[str, dict[str, str]] = {}
    for target in graph.subjects(RDF.type, URIRef(SDGO + "Target")):
        for label in graph.objects(target, SKOS.prefLabel):
            assert isinstance(label, Literal) and label.language
            found.setdefault(str(target)[len(SDG) :], {})[label.language] = str(label)
    return found


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def visible(markup: str) -> str:
    """The text of some HTML, tags dropped and entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def heading(markup: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", markup, re.S)
    assert match
    return visible(match.group(1))


def badges_of(markup: str, href_start: str) -> list[str]:
    """The SDG badges in the list item whose first link starts with `href_start`."""
    match = re.search(rf'<a href="{re.escape(href_start)}">.*?</ul>', markup, re.S)
    assert match, href_start
    return re.findall(
        r'class="sdg sdg-\d+" href="[^"]*"[^>]*><span class="visually-hidden">[^<]*</span>([^<]+)<', match.group(0)
    )


def test_danish_target_pages_show_the_projects_danish_titles(site: Path, titles: dict[str, dict[str, str]]) -> None:
    pages = sorted(p.name for p in (site / "sdg").iterdir() if p.is_dir() and "." in p.name)
    assert len(pages) >= 30
    for code in pages:
        danish, english = page(site, f"sdg/{code}"), page(site, f"sdg/{code}/en")
        assert heading(danish) == titles[code]["da"], code
        assert heading(english) == titles[code]["en"], code
        note = re.search(r'<p class="meta">([^<]*)<a href="([^"]+)">([^<]+)</a>', danish[danish.index("</h1>") :])
        assert note, code
        assert visible(note.group(1)) == "Den danske titel er oversat fra FN's engelske titel af", code
        assert (note.group(2), note.group(3)) == ("../../agent/planlod/", "planlod-projektet"), code
        assert "oversat" not in english and "translated" not in visible(english), code


def test_element_pages_and_goal_pages_name_targets_in_danish(site: Path, titles: dict[str, dict[str, str]]) -> None:
    def concept_labels(markup: str) -> list[tuple[str, str]]:
        """(lang, text) of the goal or target title beside each badge of the page's list of SDG links."""
        match = re.search(r'<ul class="sdg-links">.*?</ul>', markup, re.S)
        assert match
        return [
            (lang, html.unescape(text))
            for lang, text in re.findall(r'<span lang="(\w+)">([^<]*)</span>', match.group(0))
        ]

    assert ("da", titles["3.5"]["da"]) in concept_labels(page(site, AREA + "sundhed/indsats/1"))
    assert ("en", titles["3.5"]["en"]) in concept_labels(page(site, AREA + "sundhed/indsats/1/en"))
    goal = page(site, "sdg/3")
    assert f'title="{html.escape(titles["3.5"]["da"])}"' in goal or f'title="{titles["3.5"]["da"]}"' in goal


def test_focus_areas_show_the_goals_their_parts_are_linked_to(site: Path) -> None:
    area = Graph().parse(site / (AREA + "sundhed.ttl"), format="turtle")
    subjects = set(area.objects(URIRef(BASE + AREA + "sundhed"), URIRef("http://purl.org/dc/terms/subject")))
    assert not subjects, "the area is linked through its parts, not by a link of its own"
    home = page(site, "")
    assert badges_of(home, AREA + "sundhed/") == ["3"]
    assert badges_of(home, AREA + "erhvervsliv/") == ["4", "8", "9", "11", "12"]
    plan = page(site, "plan/ambitioner-og-retning-2020")
    assert badges_of(plan, "omraade/sundhed/") == ["3"]
    own = page(site, AREA + "sundhed")
    assert re.search(r'<ul class="badges"[^>]*>.*?>3</a></li></ul>', own, re.S)


def test_links_that_are_not_accepted_are_shown_but_not_counted(site: Path) -> None:
    rejected = page(site, "sdg/4.c")
    assert "Ingen elementer er koblet direkte hertil" in rejected
    point = visible(page(site, AREA + "skoler-og-dagtilbud/indsats/4"))
    assert "Status: afvist" in point and "udviklingslandene" in point
    with (site / "daekning.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["area_label_da"]: row for row in csv.DictReader(handle)}
    assert rows["Sundhed"]["sdg_3"] == "6"
    assert rows["Kultur, foreningsliv og fællesskaber"]["sdg_10"] == "1"  # the headline goal's 10.2 only
    assert sum(int(row["total"]) for row in rows.values()) == 91


def test_the_about_page_states_the_linking_policy_in_both_languages(site: Path) -> None:
    for path, heading_text, words in (
        ("om", "Koblinger til verdensmålene", ("Et niveau pr. element", "rettet mod udviklingslandene", "kurateret")),
        ("om/en", "Links to the SDGs", ("One level per element", "aimed at developing countries", "curated")),
    ):
        markup = page(site, path)
        text = visible(markup)
        assert heading_text in text and all(w in text for w in words), path
        targets = re.findall(r'href="([^"]*DevelopingCountryTargets[^"]*)"', markup)
        assert targets and all((site / path / t / "index.html").resolve().is_file() for t in targets), targets
        # the policy is on the site itself: no link into the repository
        assert not re.search(r'href="[^"]*(\.md|github|docs/)', markup), path
