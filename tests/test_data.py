"""The project's own data: it conforms, it holds the source text verbatim, and its SDG links are sound."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

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


# ---------------------------------------------------------------- the SDG links under the linking policy
# docs/sdg-linking.md is the policy; these tests hold the project's own links to it.

SDG = "http://metadata.un.org/sdg/"
PLAN = "http://localhost:8000/plan/ambitioner-og-retning-2020"
AREAS = f"{PLAN}/omraade/"
REVIEWED = "2026-12-02"


@dataclass(frozen=True)
class Link:
    """One SDG link record, as the tests read it."""

    iri: str
    element: URIRef
    concept: URIRef
    method: str
    status: str
    rationale_da: str
    rationale_en: str
    decided_by: str
    decided: str
    created: str
    modified: str
    replaced_by: frozenset[str]

    @property
    def code(self) -> str:
        """The UN notation of the goal or target: "3", "3.5", "3.a"."""
        return str(self.concept)[len(SDG) :]

    @property
    def goal(self) -> str:
        """The number of the goal the link counts for."""
        return self.code.split(".")[0]


@pytest.fixture(scope="module")
def links(graph: Graph, plo: str) -> list[Link]:
    def one(node: URIRef, predicate: URIRef) -> str:
        value = graph.value(node, predicate)
        return "" if value is None else str(value)

    found = []
    for record in graph.subjects(RDF.type, URIRef(plo + "SDGLink")):
        assert isinstance(record, URIRef)
        rationale = {
            o.language: str(o) for o in graph.objects(record, URIRef(plo + "rationale")) if isinstance(o, Literal)
        }
        found.append(
            Link(
                iri=str(record),
                element=graph.value(record, URIRef(plo + "linkSubject")),  # type: ignore[arg-type]
                concept=graph.value(record, URIRef(plo + "sdgConcept")),  # type: ignore[arg-type]
                method=one(record, URIRef(plo + "method")).rsplit("/", 1)[-1],
                status=one(record, URIRef(plo + "status")).rsplit("/", 1)[-1],
                rationale_da=rationale.get("da", ""),
                rationale_en=rationale.get("en", ""),
                decided_by=one(record, URIRef(plo + "decidedBy")),
                decided=one(record, URIRef(plo + "decisionDate")),
                created=one(record, DCTERMS.created),
                modified=one(record, DCTERMS.modified),
                replaced_by=frozenset(str(o) for o in graph.objects(record, DCTERMS.isReplacedBy)),
            )
        )
    return sorted(found, key=lambda link: link.iri)


def accepted(links: list[Link]) -> list[Link]:
    return [link for link in links if link.status == "Accepted"]


def short(link: Link) -> str:
    """ "sundhed/indsats/1 → 3.5": a link by its element and notation, for readable assertions."""
    return f"{str(link.element)[len(AREAS) :]} → {link.code}"


def test_the_links_have_the_reviewed_statuses(links: list[Link]) -> None:
    """103 records from the first curation plus 7 from the review: 91 accepted, 6 rejected, 13 withdrawn."""
    counts = {
        status: sum(1 for link in links if link.status == status)
        for status in ("Accepted", "Rejected", "Withdrawn", "Proposed")
    }
    assert counts == {"Accepted": 91, "Rejected": 6, "Withdrawn": 13, "Proposed": 0}
    assert sorted(short(link) for link in links if link.status == "Rejected") == [
        "aeldreomraadet/indsats/5 → 3.c",
        "erhvervsliv/indsats/2 → 17.17",
        "klima-og-miljoe/indsats/2 → 9.4",
        "kultur-foreningsliv-og-faellesskaber/indsats/3 → 10",
        "skoler-og-dagtilbud/indsats/4 → 4.c",
        "uddannelse/indsats/3 → 3.c",
    ]


def test_every_headline_goal_and_focus_point_is_reviewed(graph: Graph, plo: str, links: list[Link]) -> None:
    """Each has an accepted link, or a rejected one that says why no goal or target fits."""
    with_accepted = {link.element for link in accepted(links)}
    with_rejected = {link.element for link in links if link.status == "Rejected"}
    elements = set(graph.subjects(RDF.type, URIRef(plo + "Goal"))) | set(
        graph.subjects(RDF.type, URIRef(plo + "Initiative"))
    )
    assert len(elements) == 56
    assert elements <= with_accepted | with_rejected
    assert sorted(str(e)[len(AREAS) :] for e in elements - with_accepted) == [
        "kultur-foreningsliv-og-faellesskaber/indsats/3"
    ]


def test_focus_areas_are_linked_through_their_parts(graph: Graph, plo: str, links: list[Link]) -> None:
    areas = set(graph.subjects(RDF.type, URIRef(plo + "FocusArea")))
    own = [link for link in links if link.element in areas]
    assert own and {link.status for link in own} == {"Withdrawn"}
    by_iri = {link.iri: link for link in links}
    for link in own:
        parts = set(graph.subjects(URIRef(plo + "area"), link.element))
        replacements = [by_iri[iri] for iri in link.replaced_by]
        assert replacements, f"{short(link)} names no replacement"
        assert {r.status for r in replacements} == {"Accepted"}
        assert all(r.element in parts and r.goal == link.goal for r in replacements), short(link)
        # every accepted link of the area's parts to that goal carries it
        assert {r.iri for r in replacements} == {
            r.iri for r in accepted(links) if r.element in parts and r.goal == link.goal
        }, short(link)


def test_nothing_is_counted_twice(graph: Graph, plo: str, links: list[Link], config: Config) -> None:
    """One level per element: never a goal beside one of its targets from the same element, never a focus area or
    the plan linked to a goal its parts are linked to; so the coverage counts each accepted link once."""
    by_element: dict[URIRef, list[Link]] = {}
    for link in accepted(links):
        by_element.setdefault(link.element, []).append(link)
    for element, own in by_element.items():
        goals = {link.goal for link in own if "." not in link.code}
        assert not [link for link in own if "." in link.code and link.goal in goals], element
    for whole in list(graph.subjects(RDF.type, URIRef(plo + "FocusArea"))) + list(
        graph.subjects(RDF.type, URIRef(plo + "Plan"))
    ):
        parts = set(graph.subjects(URIRef(plo + "area"), whole)) | set(graph.subjects(URIRef(plo + "inPlan"), whole))
        parts |= {p for area in list(parts) for p in graph.subjects(URIRef(plo + "area"), area)}
        part_goals = {link.goal for part in parts for link in by_element.get(part, [])}
        assert not [link for link in by_element.get(whole, []) if link.goal in part_goals], whole
    # the coverage matrix counts exactly the accepted links of the plan's elements, each once
    from publish.plans import coverage_matrix  # noqa: PLC0415

    data = load_sources(config)
    (matrix,) = coverage_matrix(
        list(data.triples(Role.DATA, Role.ONTOLOGY, Role.REFERENCE)), UrlPolicy(config.base_iri)
    )
    assert matrix.total == len(accepted(links)) == 91
    assert matrix.count(AREAS + "sundhed", SDG + "3") == 6


def test_targets_aimed_at_developing_countries_are_never_accepted(graph: Graph, plo: str, links: list[Link]) -> None:
    members = set(graph.objects(URIRef(plo + "DevelopingCountryTargets"), SKOS.member))
    assert len(members) == 35
    # each is a UN target whose title names developing countries (or a group of them)
    words = ("developing countr", "least developed", "small island developing", "African countries")
    for target in members:
        assert (target, RDF.type, URIRef(SDGO + "Target")) in graph
        (title,) = texts(graph, target, SKOS.prefLabel, "en")
        assert any(w in title for w in words), target
    assert not [short(link) for link in accepted(links) if link.concept in members]
    considered = [link for link in links if link.concept in members]
    assert sorted(short(link) for link in considered) == [
        "aeldreomraadet/indsats/5 → 3.c",
        "skoler-og-dagtilbud/indsats/4 → 4.c",
        "uddannelse/indsats/3 → 3.c",
    ]
    for link in considered:
        assert link.status == "Rejected"
        assert "udviklingslandene" in link.rationale_da and "developing countries" in link.rationale_en


def test_lettered_targets_are_linked_only_as_the_means_they_name(links: list[Link]) -> None:
    """The means-of-implementation targets accepted are those whose means the elements supply."""
    lettered = sorted({link.code for link in accepted(links) if link.code.split(".")[-1].isalpha()})
    assert lettered == ["11.a", "11.b", "3.a"]


def test_stated_in_the_plan_only_where_the_plan_names_the_goal_or_target(
    graph: Graph, plo: str, links: list[Link]
) -> None:
    for link in links:
        if link.method == "StatedInPlan":
            text = " ".join(texts(graph, link.element, RDFS.label, "da"))
            assert re.search(rf"\b(verdensmål|delmål|mål)\s+{re.escape(link.code)}\b", text, re.I), short(link)
            assert (link.element, URIRef(plo + "mentions"), link.concept) in graph
    # the plan names the SDGs only in general (»FN´s Verdensmål«), so its links are curated
    general = set(graph.subjects(URIRef(plo + "mentions"), URIRef("http://metadata.un.org/sdg")))
    assert len(general) == 2
    assert {link.method for link in links if link.element in general} == {"Curated"}
    assert {link.method for link in links} == {"Curated"}


def test_every_decided_link_names_its_curator_and_dates(graph: Graph, links: list[Link]) -> None:
    curator = "http://localhost:8000/agent/planlod"
    assert (URIRef(curator), RDF.type, PROV.Agent) in graph
    assert texts(graph, URIRef(curator), RDFS.label, "da") == ["planlod-projektet"]
    for link in links:
        assert (link.decided_by, bool(link.decided)) == (curator, True), link.iri
        assert link.created <= link.decided and (not link.modified or link.created <= link.modified <= REVIEWED)
    # dates are honest: the first curation's records keep their creation date; what the review changed says so
    assert sum(1 for link in links if link.created == "2026-11-26") == 103
    assert sum(1 for link in links if link.created == REVIEWED) == 7
    changed = [link for link in links if link.modified]
    assert len(changed) == 21 and {link.modified for link in changed} == {REVIEWED}
    assert all(link.decided == REVIEWED for link in changed if link.status != "Accepted")


def test_every_rejected_or_withdrawn_link_says_why(links: list[Link]) -> None:
    for link in links:
        if link.status == "Rejected":
            assert "Afvist efter koblingspolitikken" in link.rationale_da, link.iri
            assert "Rejected under the linking policy" in link.rationale_en, link.iri
        if link.status == "Withdrawn":
            assert "Trukket tilbage efter koblingspolitikken" in link.rationale_da, link.iri
            assert "Withdrawn under the linking policy" in link.rationale_en, link.iri


def test_rationales_quote_the_plan_and_the_un_verbatim(graph: Graph, links: list[Link]) -> None:
    """»…« quotes the plan's published text, “…” the English title of the link's goal or target (or its goal)."""
    source = " ".join(SOURCE.read_text(encoding="utf-8").split())
    for link in links:
        titles = [
            str(o)
            for c in (link.concept, URIRef(SDG + link.goal))
            for p in (SKOS.prefLabel, SKOS.altLabel)
            for o in graph.objects(c, p)
            if isinstance(o, Literal) and o.language == "en"
        ]
        for rationale in (link.rationale_da, link.rationale_en):
            assert "»" in rationale and "“" in rationale, link.iri
            for quote in re.findall(r"»([^«]+)«", rationale):
                assert " ".join(quote.split()) in source, f"{link.iri}: »{quote}« is not in the plan"
            for quote in re.findall(r"“([^”]+)”", rationale):
                assert any(quote in title for title in titles), f"{link.iri}: “{quote}” is not the UN's title"


def test_links_are_specific_most_point_at_targets_and_spread_over_goals(links: list[Link]) -> None:
    concepts = [link.code for link in accepted(links)]
    targets = [c for c in concepts if "." in c]
    assert len(targets) >= 0.9 * len(concepts)
    assert len({c.split(".")[0] for c in concepts}) >= 10
    assert sum(1 for c in concepts if c.split(".")[0] == "11") <= 0.25 * len(concepts)


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
