"""Each shape rule has a small invalid fixture: one edit of the real data that breaks just that rule.

The test applies the edit (a SPARQL Update) to the project's data, validates, and asserts that the rule is
reported for the right focus node and property with the right severity.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from publish.config import load_config
from publish.load import load_sources, rdf_files
from publish.urls import UrlPolicy
from publish.validate import Finding, run_validation

BASE = "http://localhost:8000/"
PLAN = "plan/ambitioner-og-retning-2020"
AREA = f"{PLAN}/omraade/sundhed"
AREA2 = f"{PLAN}/omraade/erhvervsliv"
POINT = f"{AREA}/indsats/1"
POINT2 = f"{AREA}/indsats/2"
PREFIXES = f"""
PREFIX plo: <{BASE}ontologi/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX spdx: <http://spdx.org/rdf/terms#>
BASE <{BASE}>
"""
# The first SDG link of the first focus point, whatever its target.
LINK = f"{{ SELECT ?link WHERE {{ ?link plo:linkSubject <{POINT}> }} ORDER BY ?link LIMIT 1 }}"

# (rule, update, focus node (path under the base, or a regex-free prefix), property, severity)
RULES = [
    ("plan date required", f"DELETE WHERE {{ <{PLAN}> dct:issued ?d }}", PLAN, "dct:issued", "Violation"),
    (
        "plan date is xsd:date",
        f'DELETE {{ <{PLAN}> dct:issued ?d }} INSERT {{ <{PLAN}> dct:issued "17/2 2020" }} WHERE {{ <{PLAN}> dct:issued ?d }}',
        PLAN,
        "dct:issued",
        "Violation",
    ),
    (
        "plan has one publisher",
        f"INSERT DATA {{ <{PLAN}> dct:publisher <parti/s> }}",
        PLAN,
        "dct:publisher",
        "Violation",
    ),
    (
        "plan has a source",
        f"DELETE WHERE {{ <{PLAN}> prov:wasDerivedFrom ?s }}",
        PLAN,
        "prov:wasDerivedFrom",
        "Violation",
    ),
    (
        "plan title in Danish",
        f'DELETE {{ <{PLAN}> dct:title ?t }} WHERE {{ <{PLAN}> dct:title ?t FILTER(lang(?t) = "da") }}',
        PLAN,
        "dct:title",
        "Violation",
    ),
    (
        "texts carry a language tag",
        f'INSERT DATA {{ <{PLAN}> dct:title "Ambitioner" }}',
        PLAN,
        "dct:title",
        "Violation",
    ),
    (
        "one text per language",
        f'INSERT DATA {{ <{PLAN}> dct:title "Ambitioner igen"@da }}',
        PLAN,
        "dct:title",
        "Violation",
    ),
    (
        "English text missing is a warning",
        f'DELETE {{ <{PLAN}> dct:title ?t }} WHERE {{ <{PLAN}> dct:title ?t FILTER(lang(?t) = "en") }}',
        PLAN,
        "dct:title",
        "Warning",
    ),
    (
        "area positions unique in the plan",
        f'DELETE {{ <{AREA2}> plo:position ?p }} INSERT {{ <{AREA2}> plo:position "1"^^xsd:positiveInteger }} '
        f"WHERE {{ <{AREA2}> plo:position ?p }}",
        AREA2,
        "plo:position",
        "Violation",
    ),
    (
        "area has a headline goal",
        f"DELETE WHERE {{ <{AREA}> plo:headlineGoal ?g }}",
        AREA,
        "plo:headlineGoal",
        "Violation",
    ),
    (
        "area is listed by its plan",
        f"DELETE DATA {{ <{PLAN}> plo:focusArea <{AREA}> }}",
        AREA,
        "plo:inPlan",
        "Violation",
    ),
    (
        "area name in Danish",
        f'DELETE {{ <{AREA}> skos:prefLabel ?t }} WHERE {{ <{AREA}> skos:prefLabel ?t FILTER(lang(?t) = "da") }}',
        AREA,
        "skos:prefLabel",
        "Violation",
    ),
    (
        "goal belongs to one area",
        f"DELETE WHERE {{ <{AREA}/maal> plo:area ?a }}",
        f"{AREA}/maal",
        "plo:area",
        "Violation",
    ),
    (
        "goal is its area's headline goal",
        f"INSERT DATA {{ <{AREA}/maal> plo:area <{AREA2}> }}",
        f"{AREA}/maal",
        "plo:area",
        "Violation",
    ),
    (
        "focus point positions unique in the area",
        f'DELETE {{ <{POINT2}> plo:position ?p }} INSERT {{ <{POINT2}> plo:position "1"^^xsd:positiveInteger }} '
        f"WHERE {{ <{POINT2}> plo:position ?p }}",
        POINT2,
        "plo:position",
        "Violation",
    ),
    (
        "focus point position from 1",
        f'DELETE {{ <{POINT}> plo:position ?p }} INSERT {{ <{POINT}> plo:position "0"^^xsd:positiveInteger }} '
        f"WHERE {{ <{POINT}> plo:position ?p }}",
        POINT,
        "plo:position",
        "Violation",
    ),
    (
        "focus point position typed",
        f"DELETE {{ <{POINT}> plo:position ?p }} INSERT {{ <{POINT}> plo:position 1 }} WHERE {{ <{POINT}> plo:position ?p }}",
        POINT,
        "plo:position",
        "Violation",
    ),
    (
        "focus point text in Danish",
        f'DELETE {{ <{POINT}> rdfs:label ?t }} WHERE {{ <{POINT}> rdfs:label ?t FILTER(lang(?t) = "da") }}',
        POINT,
        "rdfs:label",
        "Violation",
    ),
    (
        "focus point English text missing is a warning",
        f'DELETE {{ <{POINT}> rdfs:label ?t }} WHERE {{ <{POINT}> rdfs:label ?t FILTER(lang(?t) = "en") }}',
        POINT,
        "rdfs:label",
        "Warning",
    ),
    (
        "focus point is listed by its area",
        f"DELETE DATA {{ <{AREA}> plo:initiative <{POINT}> }}",
        POINT,
        "plo:area",
        "Violation",
    ),
    (
        "no exactMatch to an SDG target",
        f"INSERT DATA {{ <{POINT}> skos:exactMatch <http://metadata.un.org/sdg/3.5> }}",
        POINT,
        "skos:exactMatch",
        "Violation",
    ),
    (
        "municipality code has four digits",
        'DELETE { <kommune/hedensted> plo:municipalityCode ?c } INSERT { <kommune/hedensted> plo:municipalityCode "766" } '
        "WHERE { <kommune/hedensted> plo:municipalityCode ?c }",
        "kommune/hedensted",
        "plo:municipalityCode",
        "Violation",
    ),
    (
        "party abbreviation missing is a warning",
        "DELETE WHERE { <parti/sf> skos:altLabel ?a }",
        "parti/sf",
        "skos:altLabel",
        "Warning",
    ),
    (
        "majority group members are parties",
        "INSERT DATA { <kommune/hedensted/flertalsgruppe-kd-sf-df-s> org:hasMember <kommune/hedensted> }",
        "kommune/hedensted/flertalsgruppe-kd-sf-df-s",
        "org:hasMember",
        "Violation",
    ),
    (
        "SDG link points at a target that exists",
        f"DELETE {{ ?link plo:sdgConcept ?c }} INSERT {{ ?link plo:sdgConcept <http://metadata.un.org/sdg/3.99> }} "
        f"WHERE {{ {LINK} ?link plo:sdgConcept ?c }}",
        f"{POINT}/sdg/",
        "plo:sdgConcept",
        "Violation",
    ),
    (
        "SDG link points at a goal or target, not an indicator",
        f"DELETE {{ ?link plo:sdgConcept ?c }} INSERT {{ ?link plo:sdgConcept <http://metadata.un.org/sdg/C030501> }} "
        f"WHERE {{ {LINK} ?link plo:sdgConcept ?c }}",
        f"{POINT}/sdg/",
        "plo:sdgConcept",
        "Violation",
    ),
    (
        "SDG link rationale in Danish",
        f'DELETE {{ ?link plo:rationale ?r }} WHERE {{ {LINK} ?link plo:rationale ?r FILTER(lang(?r) = "da") }}',
        f"{POINT}/sdg/",
        "plo:rationale",
        "Violation",
    ),
    (
        "SDG link method from the list",
        f"DELETE {{ ?link plo:method ?m }} INSERT {{ ?link plo:method plo:Guessed }} WHERE {{ {LINK} ?link plo:method ?m }}",
        f"{POINT}/sdg/",
        "plo:method",
        "Violation",
    ),
    (
        "suggested SDG link has a confidence",
        f"DELETE {{ ?link plo:method ?m }} INSERT {{ ?link plo:method plo:Suggested }} WHERE {{ {LINK} ?link plo:method ?m }}",
        f"{POINT}/sdg/",
        "plo:confidence",
        "Violation",
    ),
    (
        "SDG link confidence between 0 and 1",
        f'INSERT {{ ?link plo:confidence "1.5"^^xsd:decimal }} WHERE {{ {LINK} }}',
        f"{POINT}/sdg/",
        "plo:confidence",
        "Violation",
    ),
    (
        "SDG link status from the list",
        f"DELETE {{ ?link plo:status ?s }} INSERT {{ ?link plo:status plo:Maybe }} WHERE {{ {LINK} ?link plo:status ?s }}",
        f"{POINT}/sdg/",
        "plo:status",
        "Violation",
    ),
    (
        "one link per element and target",
        f"INSERT {{ <{POINT}/sdg/kopi> a plo:SDGLink ; plo:linkSubject <{POINT}> ; plo:sdgConcept ?c ; "
        f'plo:rationale "kopi"@da, "copy"@en ; plo:method plo:Curated ; plo:status plo:Accepted ; '
        f"prov:wasAttributedTo <agent/planlod> ; prov:wasDerivedFrom <kilde/ambitioner-og-retning-2020> }} "
        f"WHERE {{ {LINK} ?link plo:sdgConcept ?c }}",
        f"{POINT}/sdg/",
        "plo:sdgConcept",
        "Violation",
    ),
    (
        "SDG link starts from a plan element",
        f"DELETE {{ ?link plo:linkSubject ?s }} INSERT {{ ?link plo:linkSubject <kommune/hedensted> }} "
        f"WHERE {{ {LINK} ?link plo:linkSubject ?s }}",
        f"{POINT}/sdg/",
        "plo:linkSubject",
        "Violation",
    ),
    (
        "an element is linked to a goal or to its targets, never both",
        f"INSERT DATA {{ <{POINT}/sdg/3> a plo:SDGLink ; plo:linkSubject <{POINT}> ; "
        f'plo:sdgConcept <http://metadata.un.org/sdg/3> ; plo:rationale "mål"@da, "goal"@en ; plo:method plo:Curated ; '
        f"plo:status plo:Accepted ; prov:wasAttributedTo <agent/planlod> ; plo:decidedBy <agent/planlod> ; "
        f'plo:decisionDate "2026-12-02"^^xsd:date ; prov:wasDerivedFrom <kilde/ambitioner-og-retning-2020> }}',
        f"{POINT}/sdg/3",
        "plo:sdgConcept",
        "Violation",
    ),
    (
        "a focus area is not linked to a goal its parts are linked to",
        f"DELETE {{ <{AREA}/sdg/3> plo:status ?s }} INSERT {{ <{AREA}/sdg/3> plo:status plo:Accepted }} "
        f"WHERE {{ <{AREA}/sdg/3> plo:status ?s }}",
        f"{AREA}/sdg/3",
        "plo:linkSubject",
        "Violation",
    ),
    (
        "a target aimed at developing countries is not accepted",
        f"DELETE {{ ?l plo:status ?s }} INSERT {{ ?l plo:status plo:Accepted }} WHERE {{ "
        f"BIND(<{PLAN}/omraade/skoler-og-dagtilbud/indsats/4/sdg/4.c> AS ?l) ?l plo:status ?s }}",
        f"{PLAN}/omraade/skoler-og-dagtilbud/indsats/4/sdg/4.c",
        "plo:sdgConcept",
        "Violation",
    ),
    (
        "stated in the plan only where the element mentions the goal or target",
        f"DELETE {{ ?link plo:method ?m }} INSERT {{ ?link plo:method plo:StatedInPlan }} "
        f"WHERE {{ {LINK} ?link plo:method ?m }}",
        f"{POINT}/sdg/",
        "plo:method",
        "Violation",
    ),
    (
        "a suggested link is generated by an activity named by its IRI",
        f'INSERT {{ ?link prov:wasGeneratedBy "planlod suggest" }} WHERE {{ {LINK} }}',
        f"{POINT}/sdg/",
        "prov:wasGeneratedBy",
        "Violation",
    ),
    (
        "a proposed link has no decision",
        f"DELETE {{ ?link plo:status ?s }} INSERT {{ ?link plo:status plo:Proposed }} WHERE {{ {LINK} ?link plo:status ?s }}",
        f"{POINT}/sdg/",
        "plo:decidedBy",
        "Violation",
    ),
    (
        "a withdrawn link names the links that replace it",
        f"DELETE WHERE {{ <{AREA}/sdg/3> dct:isReplacedBy ?r }}",
        f"{AREA}/sdg/3",
        "dct:isReplacedBy",
        "Violation",
    ),
    (
        "a link is replaced by link records",
        f"INSERT DATA {{ <{AREA}/sdg/3> dct:isReplacedBy <kommune/hedensted> }}",
        f"{AREA}/sdg/3",
        "dct:isReplacedBy",
        "Violation",
    ),
    (
        "a decision is not dated before the link was created",
        f'DELETE {{ ?link plo:decisionDate ?d }} INSERT {{ ?link plo:decisionDate "2020-01-01"^^xsd:date }} '
        f"WHERE {{ {LINK} ?link plo:decisionDate ?d }}",
        f"{POINT}/sdg/",
        "plo:decisionDate",
        "Violation",
    ),
    (
        "the decision date is a date",
        f'DELETE {{ ?link plo:decisionDate ?d }} INSERT {{ ?link plo:decisionDate "i går" }} '
        f"WHERE {{ {LINK} ?link plo:decisionDate ?d }}",
        f"{POINT}/sdg/",
        "plo:decisionDate",
        "Violation",
    ),
    (
        "a decided link says who decided",
        f"DELETE {{ ?link plo:decidedBy ?who }} WHERE {{ {LINK} ?link plo:decidedBy ?who }}",
        f"{POINT}/sdg/",
        "plo:decidedBy",
        "Warning",
    ),
    (
        "a focus area whose parts and itself have no reviewed SDG link yet is a warning",
        f"DELETE {{ ?link ?p ?o }} WHERE {{ ?link plo:linkSubject ?e ; ?p ?o . ?e plo:area <{AREA}> }} ; "
        f"DELETE {{ ?link plo:status ?s ; plo:decidedBy ?who ; plo:decisionDate ?d ; dct:isReplacedBy ?r }} "
        f"INSERT {{ ?link plo:status plo:Proposed }} "
        f"WHERE {{ ?link plo:linkSubject <{AREA}> ; plo:status ?s ; plo:decidedBy ?who ; plo:decisionDate ?d . "
        f"OPTIONAL {{ ?link dct:isReplacedBy ?r }} }}",
        AREA,
        "",
        "Warning",
    ),
    (
        "source document has a checksum",
        "DELETE WHERE { <kilde/ambitioner-og-retning-2020> spdx:checksum ?c . ?c ?p ?o }",
        "kilde/ambitioner-og-retning-2020",
        "spdx:checksum",
        "Violation",
    ),
    (
        "text correction names what it corrects",
        "DELETE { ?c plo:corrects ?x } WHERE { ?c a plo:TextCorrection ; plo:corrects ?x }",
        f"{PLAN}/omraade/",
        "plo:corrects",
        "Violation",
    ),
]


def edited_project(project: Path, update: str) -> Path:
    """The project with its data merged into one N-Triples file and the update applied."""
    graph = Graph()
    for path in rdf_files(project / "data", recursive=True):
        graph.parse(path, format="turtle", publicID=BASE)
        path.unlink()
    before = set(graph)
    graph.update(PREFIXES + update)
    assert set(graph) != before, "the fixture's update changed nothing"
    graph.serialize(project / "data" / "data.nt", format="nt", encoding="utf-8")
    return project


def findings_for(project: Path) -> list[Finding]:
    config = load_config(project, {"base_iri": BASE}, environ={})
    return list(run_validation(load_sources(config), UrlPolicy(BASE)).findings)


@pytest.mark.parametrize(("rule", "update", "focus", "path", "severity"), RULES, ids=[r[0] for r in RULES])
def test_each_rule_reports_its_focus_node_and_property(
    project: Path, rule: str, update: str, focus: str, path: str, severity: str
) -> None:
    findings = findings_for(edited_project(project, update))
    matching = [f for f in findings if f.focus_short.startswith(focus) and f.path == path and f.severity == severity]
    assert matching, f"{rule}: expected a {severity} on {focus} {path}; got:\n" + "\n".join(
        f.as_line() for f in findings
    )
    assert all(f.message for f in matching)
    if severity == "Warning":
        assert not [f for f in findings if f.severity == "Violation"], "a warning rule must not raise violations"


def test_a_rule_on_an_inverse_path_names_it_as_one(project: Path) -> None:
    """A property shape whose path is inverse (the things that point at the focus node) is reported as ^property."""
    shapes = project / "shapes" / "planlod-shapes.ttl"
    shapes.write_text(
        shapes.read_text(encoding="utf-8") + "\n<shapes/NoAreasShape> a sh:NodeShape ; sh:targetClass plo:Plan ;\n"
        '    sh:property [ sh:path [ sh:inversePath plo:inPlan ] ; sh:maxCount 0 ; sh:message "no areas"@en ] .\n',
        encoding="utf-8",
    )
    findings = findings_for(project)
    assert [f.path for f in findings if f.message == "no areas"] == ["^plo:inPlan"]
