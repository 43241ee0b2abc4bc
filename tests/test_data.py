"""The project's own data: it conforms, it holds the source text verbatim, and its SDG links are sound."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from publish.config import Config
from publish.load import Role, load_sources
from publish.rdfterms import rdflib_graph
from publish.urls import UrlPolicy
from publish.validate import run_validation

SOURCE = Path(__file__).resolve().parents[1] / "data" / "kilder" / "ambitioner-og-retning-2020.txt"
SDGO = "http://metadata.un.org/sdg/ontology#"


@dataclass(frozen=True)
class SourceArea:
    """One focus area as the source text prints it."""

    heading: str
    goal: str
    points: tuple[str, ...]


def read_source_areas(text: str) -> list[SourceArea]:
    """The focus areas after 'Få overblik over planens fokuspunkter': heading, goal paragraph, bullets."""
    body = text.split("Få overblik over planens fokuspunkter", 1)[1]
    blocks = [b.strip("\n") for b in body.split("\n\n") if b.strip()]
    areas: list[SourceArea] = []
    index = 0
    while index < len(blocks):
        heading, goal, bullets = blocks[index], blocks[index + 1], blocks[index + 2]
        points = tuple(line.strip().removeprefix("•").strip() for line in bullets.splitlines())
        areas.append(SourceArea(heading.strip(), goal.strip(), points))
        index += 3
    return areas


@pytest.fixture(scope="module")
def graph(config: Config) -> Graph:
    sources = load_sources(config)
    return rdflib_graph(sources.triples(Role.DATA, Role.ONTOLOGY, Role.REFERENCE))


@pytest.fixture(scope="module")
def plo(config: Config) -> str:
    return UrlPolicy(config.base_iri).ontology_ns


def texts(graph: Graph, node: URIRef, predicate: URIRef, lang: str) -> list[str]:
    return [str(o) for o in graph.objects(node, predicate) if isinstance(o, Literal) and o.language == lang]


def ordered(graph: Graph, nodes: list[URIRef], plo: str) -> list[URIRef]:
    return sorted(nodes, key=lambda n: int(graph.value(n, URIRef(plo + "position"))))  # type: ignore[arg-type]


def test_the_project_data_conform_without_warnings(config: Config) -> None:
    report = run_validation(load_sources(config), UrlPolicy(config.base_iri))
    assert report.findings == (), "\n".join(f.as_line() for f in report.findings)
    assert report.conforms


def test_source_text_has_eleven_areas_and_45_focus_points() -> None:
    areas = read_source_areas(SOURCE.read_text(encoding="utf-8"))
    assert len(areas) == 11
    assert sum(len(a.points) for a in areas) == 45


def test_every_goal_and_focus_point_is_in_the_data_verbatim_with_english(graph: Graph, plo: str) -> None:
    areas = read_source_areas(SOURCE.read_text(encoding="utf-8"))
    plans = list(graph.subjects(RDF.type, URIRef(plo + "Plan")))
    assert len(plans) == 1
    data_areas = ordered(graph, list(graph.objects(plans[0], URIRef(plo + "focusArea"))), plo)  # type: ignore[arg-type]
    assert len(data_areas) == len(areas)
    for source_area, area in zip(areas, data_areas, strict=True):
        assert texts(graph, area, SKOS.prefLabel, "da") == [source_area.heading]
        assert texts(graph, area, SKOS.prefLabel, "en"), f"{area} has no English name"
        goal = graph.value(area, URIRef(plo + "headlineGoal"))
        assert texts(graph, goal, RDFS.label, "da") == [source_area.goal]  # type: ignore[arg-type]
        assert texts(graph, goal, RDFS.label, "en"), f"{goal} has no English text"
        points = ordered(graph, list(graph.objects(area, URIRef(plo + "initiative"))), plo)  # type: ignore[arg-type]
        assert [texts(graph, p, RDFS.label, "da") for p in points] == [[t] for t in source_area.points]
        for point in points:
            assert texts(graph, point, RDFS.label, "en"), f"{point} has no English text"


def test_the_plans_typos_are_kept_and_corrected_only_beside_them(graph: Graph, plo: str) -> None:
    labels = {str(o) for o in graph.objects(None, RDFS.label) if isinstance(o, Literal) and o.language == "da"}
    assert any("forsat arbejde" in t for t in labels)
    assert any("udgangspunkts i FN´s 17 Verdensmål" in t for t in labels)
    assert "Oprettelse af mere målrettet 10. klasse-" in labels
    corrections = list(graph.subjects(RDF.type, URIRef(plo + "TextCorrection")))
    corrected = {graph.value(c, URIRef(plo + "corrects")) for c in corrections}
    assert len(corrected) == 3
    for correction in corrections:
        target = graph.value(correction, URIRef(plo + "corrects"))
        original = texts(graph, target, RDFS.label, "da")  # type: ignore[arg-type]
        fixed = texts(graph, correction, URIRef(plo + "correctedText"), "da")
        assert original and fixed and original != fixed


def test_source_document_checksum_matches_the_kept_copy(graph: Graph, plo: str) -> None:
    spdx = "http://spdx.org/rdf/terms#"
    (source,) = graph.subjects(RDF.type, URIRef(plo + "SourceDocument"))
    checksum = graph.value(source, URIRef(spdx + "checksum"))
    value = str(graph.value(checksum, URIRef(spdx + "checksumValue")))  # type: ignore[arg-type]
    assert value == hashlib.sha256(SOURCE.read_bytes()).hexdigest()


def test_every_sdg_link_points_at_a_goal_or_target_in_the_kos(graph: Graph, plo: str) -> None:
    links = list(graph.subjects(RDF.type, URIRef(plo + "SDGLink")))
    assert links
    kos = set(graph.subjects(RDF.type, URIRef(SDGO + "Goal"))) | set(graph.subjects(RDF.type, URIRef(SDGO + "Target")))
    for link in links:
        concept = graph.value(link, URIRef(plo + "sdgConcept"))
        assert concept in kos, f"{link} points at {concept}, which is not an SDG goal or target"


def test_every_area_and_focus_point_has_an_accepted_sdg_link(graph: Graph, plo: str) -> None:
    linked = {
        graph.value(link, URIRef(plo + "linkSubject"))
        for link in graph.subjects(RDF.type, URIRef(plo + "SDGLink"))
        if graph.value(link, URIRef(plo + "status")) == URIRef(plo + "Accepted")
    }
    for cls in ("FocusArea", "Initiative"):
        members = set(graph.subjects(RDF.type, URIRef(plo + cls)))
        assert members, cls
        assert members <= linked, f"{cls} without SDG link: {sorted(members - linked)}"


def test_links_are_specific_most_point_at_targets_and_spread_over_goals(graph: Graph, plo: str) -> None:
    concepts = [
        graph.value(link, URIRef(plo + "sdgConcept")) for link in graph.subjects(RDF.type, URIRef(plo + "SDGLink"))
    ]
    targets = [c for c in concepts if (c, RDF.type, URIRef(SDGO + "Target")) in graph]
    assert len(targets) >= 0.8 * len(concepts)
    goals = {str(c).rsplit("/", 1)[1].split(".")[0] for c in concepts}
    assert len(goals) >= 8
    eleven = sum(1 for c in concepts if str(c).rsplit("/", 1)[1].split(".")[0] == "11")
    assert eleven <= 0.25 * len(concepts)


SDG = "http://metadata.un.org/sdg/"


# ---------------------------------------------------------------- Danish titles of the 169 targets

UN_TO_DANISH_TERMS = (
    ("least developed countries", "mindst udviklede lande"),
    ("small island developing States", "små ø-udviklingslande"),
    ("landlocked developing countries", "udviklingslande uden kyst"),
    ("developing countries", "udviklingsland"),
    ("persons with disabilities", "personer med handicap"),
    ("indigenous peoples", "oprindelige folk"),
    ("African countries", "afrikanske lande"),
    ("World Trade Organization", "Verdenshandelsorganisation"),
    ("sustainable", "bæredygtig"),
)


def danish_number(number: str) -> str:
    """A number as Danish writes it: 1.25 → 1,25; 100,000 → 100.000."""
    if re.fullmatch(r"\d+\.\d+", number):
        return number.replace(".", ",")
    if re.fullmatch(r"\d{1,3}(,\d{3})+", number):
        return number.replace(",", ".")
    return number


def test_every_target_has_the_projects_danish_title(graph: Graph, plo: str) -> None:
    targets = sorted(graph.subjects(RDF.type, URIRef(SDGO + "Target")))
    assert len(targets) == 169
    for target in targets:
        (english,) = texts(graph, target, SKOS.prefLabel, "en")  # type: ignore[arg-type]
        (danish,) = texts(graph, target, SKOS.prefLabel, "da")  # type: ignore[arg-type]
        assert graph.value(target, URIRef(plo + "translatedBy")) == URIRef("http://localhost:8000/agent/planlod")
        assert danish != english and danish[0].isupper() and not danish.endswith("."), target
        # complete: every number of the UN's title is in the translation, as Danish writes it
        for number in re.findall(r"\d+(?:[.,]\d+)*", re.sub(r"10.Year", "", english)):
            assert danish_number(number) in danish, f"{target}: {number} is missing"
        # consistent: the same Danish term for the same English one
        for year in re.findall(r"\b[Bb]y (20\d\d)\b", english):
            assert f"nden {year}" in danish, f"{target}: by {year} is not »inden {year}«"
        for term, dansk in UN_TO_DANISH_TERMS:
            if term in english:
                assert dansk.lower() in danish.lower(), f"{target}: {term} is not »{dansk}«"
                english = english.replace(term, "")
    # the goals keep their common Danish short titles
    assert texts(graph, URIRef(SDG + "3"), SKOS.prefLabel, "da") == ["Sundhed og trivsel"]
