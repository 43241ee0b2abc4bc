"""The example queries of the query page (site/queries/*.rq): each answers what it says, checked against facts
known independently of SPARQL (the plan's source text, the data files read with rdflib), for any base IRI.
Also: the query page lists every example, runs against the endpoint, and works in a real browser."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from markupsafe import escape
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from publish.config import load_config
from publish.sparql import Dataset, QueryRequest, load_dataset, run_query
from publish.views import ExampleQuery, load_examples
from tests.conftest import ROOT
from tests.test_corpus import generate
from tests.test_data import SOURCE, read_source_areas
from tests.test_serve import (
    SITE_BASE,
    Running,
    project_config,
    served,  # noqa: F401
    site,  # noqa: F401
    write_dump,
)

BASES = ["http://localhost:8000/", SITE_BASE]
SDG = "http://metadata.un.org/sdg/"
XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = {
    XSD + name
    for name in (
        "integer",
        "positiveInteger",
        "nonNegativeInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
EXAMPLES = {example.name: example for example in load_examples(ROOT / "site")}


# ---------------------------------------------------------------- results as plain values


def term_value(term: dict[str, Any] | None) -> Any:
    """A SPARQL JSON term as a comparable value: IRIs as URIRef, literals as (text, language or datatype).

    Integer datatypes compare as xsd:integer by value: pyoxigraph returns xsd:positiveInteger as xsd:integer,
    Virtuoso keeps it (see README, "Serving and deployment")."""
    if term is None:
        return None
    if term["type"] == "uri":
        return URIRef(term["value"])
    if term["type"] == "bnode":
        return "_:"
    datatype = term.get("datatype", "")
    if datatype in INTEGER_TYPES:
        return int(term["value"])
    if "xml:lang" in term:
        return (term["value"], term["xml:lang"].lower())
    if datatype in ("", XSD + "string"):
        return term["value"]
    return (term["value"], datatype)


def table(document: dict[str, Any]) -> list[dict[str, Any]]:
    """SPARQL JSON results as a list of rows of comparable values."""
    names = document["head"]["vars"]
    return [{name: term_value(binding.get(name)) for name in names} for binding in document["results"]["bindings"]]


def run_example(dataset: Dataset, example: ExampleQuery) -> Any:
    """The example's answer: rows for SELECT, an rdflib graph for CONSTRUCT."""
    outcome = run_query(
        dataset,
        QueryRequest(example.text(dataset.base_iri), "application/sparql-results+json", "application/n-triples"),
    )
    assert outcome.status == 200, outcome.body.decode()
    assert not outcome.truncated
    if outcome.form == "graph":
        return Graph().parse(data=outcome.body, format="nt")
    import json  # noqa: PLC0415

    return table(json.loads(outcome.body))


# ---------------------------------------------------------------- the facts, read without SPARQL


class Facts:
    """The data files read with rdflib for one base IRI, and the plan's source text."""

    def __init__(self, base: str, data_dir: Path = ROOT / "data") -> None:
        self.base = base
        self.plo = base + "ontologi/"
        self.graph = Graph()
        for path in sorted(data_dir.rglob("*.ttl")):
            self.graph.parse(path, format="turtle", publicID=base)
        self.areas_source = read_source_areas(SOURCE.read_text(encoding="utf-8"))

    def term(self, name: str) -> URIRef:
        return URIRef(self.plo + name)

    def text(self, node: Any, predicate: URIRef, lang: str) -> str:
        (value,) = [o for o in self.graph.objects(node, predicate) if isinstance(o, Literal) and o.language == lang]
        return str(value)

    def position(self, node: Any) -> int:
        return int(self.graph.value(node, self.term("position")))  # type: ignore[arg-type]

    def areas(self) -> list[URIRef]:
        found = [a for a in self.graph.subjects(RDF.type, self.term("FocusArea")) if isinstance(a, URIRef)]
        return sorted(found, key=self.position)

    def accepted_links(self) -> list[tuple[URIRef, URIRef, URIRef]]:
        """(link, element, SDG concept) of every accepted link."""
        found = []
        for link in self.graph.subjects(RDF.type, self.term("SDGLink")):
            if self.graph.value(link, self.term("status")) == self.term("Accepted"):
                found.append(
                    (
                        link,
                        self.graph.value(link, self.term("linkSubject")),
                        self.graph.value(link, self.term("sdgConcept")),
                    )
                )
        return found  # type: ignore[return-value]

    def is_initiative(self, node: Any) -> bool:
        return (node, RDF.type, self.term("Initiative")) in self.graph

    def area_of(self, element: Any) -> Any:
        if (element, RDF.type, self.term("FocusArea")) in self.graph:
            return element
        return self.graph.value(element, self.term("area"))

    def plans(self) -> list[URIRef]:
        """Every plan, by IRI (as SPARQL orders IRIs: by their text)."""
        return sorted((p for p in self.graph.subjects(RDF.type, self.term("Plan")) if isinstance(p, URIRef)), key=str)

    def newest_plan(self) -> URIRef:
        """The most recently issued plan; of several issued the same day, the first by IRI."""
        issued = {plan: str(self.graph.value(plan, DCTERMS.issued)) for plan in self.plans()}
        latest = max(issued.values())
        return min((plan for plan, day in issued.items() if day == latest), key=str)

    def plan_areas(self, plan: Any) -> list[URIRef]:
        """The plan's focus areas by position."""
        return sorted(self.graph.objects(plan, self.term("focusArea")), key=self.position)  # type: ignore[arg-type]

    def decided_links(self) -> list[URIRef]:
        """Every accepted or rejected SDG link record, by IRI."""
        decided = {self.term("Accepted"), self.term("Rejected")}
        return [link for link in self.links() if self.graph.value(link, self.term("status")) in decided]

    def links(self) -> list[URIRef]:
        """Every SDG link record, by IRI."""
        return sorted(self.graph.subjects(RDF.type, self.term("SDGLink")), key=str)  # type: ignore[arg-type]


def goal_number(concept: Any) -> int:
    return int(str(concept)[len(SDG) :].split(".")[0])


@cache
def facts(base: str) -> Facts:
    return Facts(base)


@pytest.fixture(scope="module", params=BASES)
def setup(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Dataset, Facts]:
    base = request.param
    dump = write_dump(project_config(base, tmp_path_factory.mktemp("q")), tmp_path_factory.mktemp("dump") / "latest.nt")
    return load_dataset(dump, base), facts(base)


# ---------------------------------------------------------------- one check per example


def check_areas(rows: list[dict[str, Any]], f: Facts) -> None:
    check_areas_of_ten_plans(rows, f)
    assert len(rows) == 11
    assert [r["position"] for r in rows] == list(range(1, 12))
    assert [r["area_da"] for r in rows] == [(a.heading, "da") for a in f.areas_source]
    assert rows[0]["area_da"] == ("Sundhed", "da") and rows[0]["area_en"] == ("Health", "en")


def check_areas_of_ten_plans(rows: list[dict[str, Any]], f: Facts) -> None:
    """The first ten plans by IRI, each plan's areas by position, with their names."""
    expected = [
        {
            "plan": plan,
            "position": f.position(area),
            "area": area,
            "area_da": (f.text(area, SKOS.prefLabel, "da"), "da"),
            "area_en": (f.text(area, SKOS.prefLabel, "en"), "en"),
        }
        for plan in f.plans()[:10]
        for area in f.plan_areas(plan)
    ]
    assert rows == expected


def check_goals(rows: list[dict[str, Any]], f: Facts) -> None:
    """Each area's headline goal, ten plans at a time; for the seed the source text's goals."""
    expected = []
    for plan in f.plans()[:10]:
        for area in f.plan_areas(plan):
            goal = f.graph.value(area, f.term("headlineGoal"))
            expected.append(
                {
                    "plan": plan,
                    "position": f.position(area),
                    "area_da": (f.text(area, SKOS.prefLabel, "da"), "da"),
                    "goal": goal,
                    "goal_da": (f.text(goal, RDFS.label, "da"), "da"),
                    "goal_en": (f.text(goal, RDFS.label, "en"), "en"),
                }
            )
    assert rows == expected
    if len(f.plans()) == 1:
        assert [r["goal_da"] for r in rows] == [(a.goal, "da") for a in f.areas_source]
        assert rows[0]["goal_da"][0].startswith("Øge fokus på forebyggelse og tidlig indsats.")


def points_per_goal(f: Facts) -> dict[int, set[Any]]:
    """Goal number → the focus points linked (accepted) to the goal or one of its targets."""
    points: dict[int, set[Any]] = defaultdict(set)
    for _link, element, concept in f.accepted_links():
        if f.is_initiative(element):
            points[goal_number(concept)].add(element)
    return points


def check_focus_points_per_goal(rows: list[dict[str, Any]], f: Facts) -> None:
    points = points_per_goal(f)
    expected = [(URIRef(f"{SDG}{n}"), n, len(points[n])) for n in range(1, 18)]
    assert [(r["goal"], r["number"], r["focus_points"]) for r in rows] == expected
    assert any(count == 0 for _, _, count in expected), "goals without focus points are listed with 0"
    # every focus point but one is linked to some goal (the one has a rejected link saying why none fits)
    assert len(set().union(*points.values())) == 44


def check_coverage(rows: list[dict[str, Any]], f: Facts) -> None:
    """Every area of the newest plan, with its focus points linked to each goal, and in all."""
    by_area: dict[Any, dict[int, set[Any]]] = defaultdict(lambda: defaultdict(set))
    for _link, element, concept in f.accepted_links():
        if f.is_initiative(element):
            by_area[f.area_of(element)][goal_number(concept)].add(element)
    expected = []
    for area in f.plan_areas(f.newest_plan()):
        goals = by_area[area]
        linked = set().union(*goals.values()) if goals else set()
        expected.append(
            (f.position(area), f.text(area, SKOS.prefLabel, "da"), *(len(goals[n]) for n in range(1, 18)), len(linked))
        )
    got = [(r["position"], r["area_da"][0], *(r[f"g{n}"] for n in range(1, 18)), r["focus_points"]) for r in rows]
    assert got == expected
    assert len(rows) == len(f.plan_areas(f.newest_plan()))


def check_focus_points_per_target(rows: list[dict[str, Any]], f: Facts) -> None:
    expected = set()
    for _link, element, concept in f.accepted_links():
        if f.is_initiative(element) and "." in str(concept)[len(SDG) :]:
            expected.add((concept, element))
    assert {(r["target"], r["point"]) for r in rows} == expected
    assert [str(r["target"]) for r in rows] == sorted(str(r["target"]) for r in rows)
    for row in rows:
        assert row["goal"] == URIRef(f"{SDG}{goal_number(row['target'])}")
        assert row["focus_point_da"] == (f.text(row["point"], RDFS.label, "da"), "da")
        assert row["position"] == f.position(row["point"])


def word_search_in_newest_plan(f: Facts, word: str) -> list[tuple[str, str, str]]:
    """(area label, kind, Danish text) of the newest plan's goals and focus points whose text holds the word."""
    kinds = {f.term("Goal"): "mål", f.term("Initiative"): "fokuspunkt"}
    found = []
    for area in f.plan_areas(f.newest_plan()):
        for element in f.graph.subjects(f.term("area"), area):
            for cls, kind in kinds.items():
                text = f.text(element, RDFS.label, "da")
                if (element, RDF.type, cls) in f.graph and word.lower() in text.lower():
                    found.append((f.text(area, SKOS.prefLabel, "da"), kind, text))
    return sorted(found)


def check_word_search_rows(rows: list[dict[str, Any]], f: Facts, word: str) -> None:
    assert sorted((r["area_da"][0], r["kind"], r["text_da"][0]) for r in rows) == word_search_in_newest_plan(f, word)


def check_word_search(rows: list[dict[str, Any]], f: Facts) -> None:
    check_word_search_rows(rows, f, "klima")
    expected = [text for area in f.areas_source for text in (area.goal, *area.points) if "klima" in text.lower()]
    assert expected, "the source text mentions klima"
    assert sorted(r["text_da"][0] for r in rows) == sorted(expected)
    assert {r["area_da"] for r in rows} == {("Klima & Miljø", "da")}


def check_who_stands_behind(rows: list[dict[str, Any]], f: Facts) -> None:
    source = SOURCE.read_text(encoding="utf-8")
    match = re.search(r"bestående af ([A-ZÆØÅ]+(?:, [A-ZÆØÅ]+)*) og ([A-ZÆØÅ]+)", source)
    assert match, "the plan names its parties"
    parties = {*match.group(1).split(", "), match.group(2)}
    assert parties == {"KD", "SF", "DF", "S"}
    assert {r["abbreviation"][0] for r in rows} == parties
    assert len(rows) == 4
    assert {r["municipality_da"] for r in rows} == {("Hedensted Kommune", "da")}
    assert {r["creator"] for r in rows} == {"Henrik Alleslev"}
    assert {r["plan_title"] for r in rows} == {("Ambitioner og retning", "da")}


def check_decided_links(rows: list[dict[str, Any]], f: Facts) -> None:
    """The first hundred accepted or rejected links by IRI, each with its method, status and rationale."""
    links = f.decided_links()[:100]
    assert [r["link"] for r in rows] == links
    for row in rows:
        link = row["link"]
        assert row["element"] == f.graph.value(link, f.term("linkSubject"))
        assert row["sdg"] == f.graph.value(link, f.term("sdgConcept"))
        assert row["method"] == f.graph.value(link, f.term("method"))
        assert row["status"] == f.graph.value(link, f.term("status"))
        assert row["rationale_da"] == (f.text(link, f.term("rationale"), "da"), "da")
        assert row["rationale_en"] == (f.text(link, f.term("rationale"), "en"), "en")
    if len(f.plans()) == 1:
        assert Counter(r["status"] for r in rows) == {f.term("Accepted"): 91, f.term("Rejected"): 6}


SEMAPV = "https://w3id.org/semapv/vocab/"


def check_decided_links_as_sssom(rows: list[dict[str, Any]], f: Facts) -> None:
    """The same links read as SSSOM mappings: curated links are manual curation, rejected ones negated."""
    links = f.decided_links()[:100]
    assert [r["link"] for r in rows] == links
    for row in rows:
        link = row["link"]
        assert row["element"] == f.graph.value(link, f.term("linkSubject"))
        assert row["sdg"] == f.graph.value(link, f.term("sdgConcept"))
        curated = f.graph.value(link, f.term("method")) in (f.term("Curated"), f.term("StatedInPlan"))
        assert row["justification"] == URIRef(SEMAPV + ("ManualMappingCuration" if curated else "CompositeMatching"))
        rejected = f.graph.value(link, f.term("status")) == f.term("Rejected")
        assert row["modifier"] == ("Not" if rejected else None)
        assert row["rationale_da"] == (f.text(link, f.term("rationale"), "da"), "da")


def check_shared_targets(rows: list[dict[str, Any]], f: Facts) -> None:
    """Targets that elements of more than one area of a plan are linked to, most shared first."""
    areas: dict[tuple[Any, Any], set[Any]] = defaultdict(set)
    for _link, element, concept in f.accepted_links():
        area = f.area_of(element)
        if "." in str(concept)[len(SDG) :] and area is not None and element != area:
            plan = f.graph.value(area, f.term("inPlan"))
            areas[(plan, concept)].add(area)
    expected = {
        (plan, target, len(found), frozenset(f.text(a, SKOS.prefLabel, "da") for a in found))
        for (plan, target), found in areas.items()
        if len(found) > 1
    }
    assert expected, "the seed has targets shared between areas"
    assert {(r["plan"], r["target"], r["areas"], frozenset(r["area_names"].split(" | "))) for r in rows} == expected
    assert [r["areas"] for r in rows] == sorted((r["areas"] for r in rows), reverse=True)


def check_corrections(rows: list[dict[str, Any]], f: Facts) -> None:
    assert len(rows) == 3
    published = {r["published_da"][0] for r in rows}
    assert any("forsat arbejde" in t for t in published)
    assert any("udgangspunkts i FN´s 17 Verdensmål" in t for t in published)
    assert "Oprettelse af mere målrettet 10. klasse-" in published
    source = SOURCE.read_text(encoding="utf-8")
    for row in rows:
        assert row["published_da"][0] in source  # verbatim as published
        assert row["corrected_da"] != row["published_da"]
        assert row["note_da"][0]


def check_area_graph(graph: Graph, f: Facts) -> None:
    area = URIRef(f.base + "plan/ambitioner-og-retning-2020/omraade/sundhed")
    expected = Graph()
    for label in f.graph.objects(area, SKOS.prefLabel):
        expected.add((area, SKOS.prefLabel, label))
    for point in f.graph.objects(area, f.term("initiative")):
        expected.add((area, f.term("initiative"), point))
        for label in f.graph.objects(point, RDFS.label):
            expected.add((point, RDFS.label, label))
    for _link, element, concept in f.accepted_links():
        if element == area or ((element, f.term("area"), area) in f.graph and f.is_initiative(element)):
            expected.add((element, DCTERMS.subject, concept))
    assert len(expected) > 10
    assert isomorphic(graph, expected), sorted(set(graph) ^ set(expected))


# The nine questions a consumer asks, each answered with plo: (the query page's examples) and with standard
# vocabularies and the UN SDG KOS only (docs/queries/, quoted in docs/consumers.md).
QUESTIONS: dict[str, Callable[[Any, Facts], None]] = {
    "01-omraader": check_areas,
    "02-overordnede-maal": check_goals,
    "03-fokuspunkter-per-verdensmaal": check_focus_points_per_goal,
    "04-daekning": check_coverage,
    "05-fokuspunkter-per-delmaal": check_focus_points_per_target,
    "06-ordsoegning": check_word_search,
    "07-hvem-staar-bag": check_who_stands_behind,
    "08-koblinger-med-begrundelse": check_decided_links,
    "09-delte-delmaal": check_shared_targets,
}
CHECKS: dict[str, Callable[[Any, Facts], None]] = {
    **QUESTIONS,
    "10-tekstrettelser": check_corrections,
    "11-omraade-som-graf": check_area_graph,
}
STANDARD_CHECKS = {**QUESTIONS, "08-koblinger-med-begrundelse": check_decided_links_as_sssom}
STANDARD_QUERIES = {
    path.stem: path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs" / "queries").glob("*.rq"))
}


def run_text(dataset: Dataset, text: str) -> Any:
    return run_example(dataset, ExampleQuery("standard", "", "", text, text))


def test_there_are_nine_questions_and_a_few_more_examples_each_with_titles_and_a_check() -> None:
    assert set(EXAMPLES) == set(CHECKS)
    assert set(STANDARD_QUERIES) == set(QUESTIONS)
    for example in EXAMPLES.values():
        assert example.title_da and example.title_en and example.title_da != example.title_en
        assert "localhost" not in example.body and "example.dk" not in example.body  # no hard-coded base


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example_answers_what_it_says(setup: tuple[Dataset, Facts], name: str) -> None:
    dataset, f = setup
    CHECKS[name](run_example(dataset, EXAMPLES[name]), f)


# What a consumer who knows only the standard vocabularies and the UN SDG KOS may name.
STANDARD_NAMESPACES = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2001/XMLSchema#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/ns/org#",
    "http://xmlns.com/foaf/0.1/",
    "https://schema.org/",
    "https://w3id.org/sssom/",
    "http://metadata.un.org/sdg",
)


@pytest.mark.parametrize("name", sorted(STANDARD_QUERIES))
def test_the_standard_version_names_only_standard_vocabularies_and_the_un_kos(name: str) -> None:
    text = STANDARD_QUERIES[name]
    iris = re.findall(r"<([^<>\s]*)>", text)
    assert iris
    assert all(iri.startswith(STANDARD_NAMESPACES) for iri in iris), iris
    assert "plo:" not in text and "ontologi" not in text


@pytest.mark.parametrize("name", sorted(STANDARD_QUERIES))
def test_the_standard_version_answers_the_same_question(setup: tuple[Dataset, Facts], name: str) -> None:
    dataset, f = setup
    answer = run_text(dataset, STANDARD_QUERIES[name])
    STANDARD_CHECKS[name](answer, f)
    if STANDARD_CHECKS[name] is QUESTIONS[name]:
        assert answer == run_example(dataset, EXAMPLES[name])


def test_docs_quote_every_question_in_both_versions() -> None:
    text = (ROOT / "docs" / "consumers.md").read_text(encoding="utf-8")
    for name in QUESTIONS:
        assert EXAMPLES[name].body.strip() in text, name
        assert STANDARD_QUERIES[name].strip() in text, name


# ---------------------------------------------------------------- a national corpus: the examples that page or pick a plan


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dataset, Facts]:
    """A synthetic corpus of 14 plans (bench/corpus.py): more plans than a page of example 01 holds, more links
    than a page of 07, and plans issued on different days."""
    project = tmp_path_factory.mktemp("corpus") / "c14"
    generate(project, 14, 1)
    config = load_config(project, {"out_dir": str(tmp_path_factory.mktemp("site"))}, environ={})
    dump = write_dump(config, tmp_path_factory.mktemp("dump") / "latest.nt")
    return load_dataset(dump, config.base_iri), Facts(config.base_iri, project / "data")


def test_areas_and_goals_come_ten_plans_at_a_time(corpus: tuple[Dataset, Facts]) -> None:
    dataset, f = corpus
    assert len(f.plans()) > 10
    rows = run_example(dataset, EXAMPLES["01-omraader"])
    check_areas_of_ten_plans(rows, f)
    check_areas_of_ten_plans(run_text(dataset, STANDARD_QUERIES["01-omraader"]), f)
    next_page = EXAMPLES["01-omraader"].body.replace("OFFSET 0", "OFFSET 10")
    assert {r["area"] for r in run_example(dataset, replace(EXAMPLES["01-omraader"], body=next_page))} == {
        area for plan in f.plans()[10:] for area in f.plan_areas(plan)
    }


def test_the_coverage_matrix_is_the_newest_plans(corpus: tuple[Dataset, Facts]) -> None:
    dataset, f = corpus
    assert len({str(f.graph.value(p, DCTERMS.issued)) for p in f.plans()}) > 1
    check_coverage(run_example(dataset, EXAMPLES["04-daekning"]), f)
    check_coverage(run_text(dataset, STANDARD_QUERIES["04-daekning"]), f)


def test_the_word_search_reads_the_newest_plan(corpus: tuple[Dataset, Facts]) -> None:
    dataset, f = corpus
    text = word_search_in_newest_plan(f, "")[-1][2]
    word = max((w for w in text.split() if w.isalpha()), key=len).upper()  # a word the plan holds, in other case
    example = EXAMPLES["06-ordsoegning"]
    rows = run_example(dataset, replace(example, body=example.body.replace('"klima"', f'"{word}"')))
    assert rows
    check_word_search_rows(rows, f, word)


def test_the_links_come_a_hundred_at_a_time(corpus: tuple[Dataset, Facts]) -> None:
    dataset, f = corpus
    assert len(f.decided_links()) > 100
    check_decided_links(run_example(dataset, EXAMPLES["08-koblinger-med-begrundelse"]), f)
    check_decided_links_as_sssom(run_text(dataset, STANDARD_QUERIES["08-koblinger-med-begrundelse"]), f)


def test_examples_give_the_same_answers_over_http(served: Running) -> None:  # noqa: F811
    dataset = load_dataset(served.out_dir / "dump" / "latest.nt", SITE_BASE)
    f = facts(SITE_BASE)
    for name, text in STANDARD_QUERIES.items():
        response = httpx.post(
            served.url + "sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}
        )
        assert response.status_code == 200, (name, response.text)
        assert table(response.json()) == run_text(dataset, text), name
        STANDARD_CHECKS[name](table(response.json()), f)
    for name, example in EXAMPLES.items():
        text = example.text(SITE_BASE)
        if name == "11-omraade-som-graf":
            response = httpx.post(served.url + "sparql", data={"query": text}, headers={"Accept": "text/turtle"})
            assert response.status_code == 200
            assert isomorphic(Graph().parse(data=response.content, format="turtle"), run_example(dataset, example))
            continue
        response = httpx.post(
            served.url + "sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}
        )
        assert response.status_code == 200, (name, response.text)
        assert table(response.json()) == run_example(dataset, example), name


# ---------------------------------------------------------------- the query page


def query_page(site_dir: Path, lang: str) -> str:
    path = site_dir / "foresporgsel" / ("en/index.html" if lang == "en" else "index.html")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_query_page_lists_every_example_and_needs_no_cdn(site: Path, lang: str) -> None:  # noqa: F811
    page = query_page(site, lang)
    assert f'<html lang="{lang}"' in page
    for example in EXAMPLES.values():
        assert str(escape(example.title_da if lang == "da" else example.title_en)) in page
        assert f"<code>{escape(example.text(SITE_BASE))}</code>" in page
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert scripts and all("://" not in src for src in scripts), scripts
    assert re.search(r'<form[^>]+action="(\.\./)+sparql"', page)
    assert (site / "assets" / "query.js").is_file()
    # What a reader of the page sees is the page's language: no comment in the examples (the .rq files' comments
    # are English) and no path of the repository.
    assert not re.search(r"site/queries|docs/queries|\.rq\b", page)
    for code in re.findall(r"<code>(.*?)</code>", page, re.S):
        assert not re.search(r"(?m)^\s*#", code), code[:200]


def test_the_query_page_form_works_without_javascript(served: Running) -> None:  # noqa: F811
    page = httpx.get(served.url + "foresporgsel/").text
    action = re.search(r'<form[^>]+action="([^"]+)"', page)
    assert action and action.group(1) == "../sparql"
    first = EXAMPLES[min(EXAMPLES)].text(SITE_BASE)
    response = httpx.get(
        served.url + "sparql", params={"query": first}, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert response.status_code == 200 and len(response.json()["results"]["bindings"]) == 11
    links = re.findall(r'href="(\.\./sparql\?query=[^"]+)"', page)
    assert len(links) == len(EXAMPLES)
    run = httpx.get(httpx.URL(served.url + "foresporgsel/").join(html.unescape(links[0])))
    assert run.status_code == 200 and len(run.json()["results"]["bindings"]) == 11


# tests/setup.sh installs chromium: without it this test fails, never skips.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.parametrize("name", ["01-omraader", "11-omraade-som-graf"])
def test_a_browser_runs_an_example_and_shows_the_result(served: Running, name: str) -> None:  # noqa: F811
    url = str(httpx.URL(served.url + "foresporgsel/en/", params={"query": EXAMPLES[name].text(SITE_BASE)}))
    result = subprocess.run(
        [
            CHROMIUM or "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=15000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    dom = result.stdout
    assert 'id="query-results"' in dom, result.stderr[-2000:]
    if name == "11-omraade-som-graf":
        assert '<pre class="graph">' in dom and "dct:subject" in dom
        return
    body = dom.split('id="query-results"', 1)[1]
    assert body.count("<tr>") == 12  # the header and 11 areas
    assert "Sundhed" in body and "Health" in body
    assert "11 row(s)" in dom


def concatenations_sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with each GROUP_CONCAT value's parts sorted: SPARQL leaves their order to the engine."""
    return [
        {k: " | ".join(sorted(v.split(" | "))) if isinstance(v, str) and " | " in v else v for k, v in row.items()}
        for row in rows
    ]
