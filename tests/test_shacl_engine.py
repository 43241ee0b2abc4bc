"""The whole-graph SHACL engine (publish/shacl/) gives exactly pySHACL's results.

pySHACL is the reference: for the project's data, for every invalid fixture of tests/test_shapes.py, and for a
small generated corpus with mutations, both engines check the same data against the same shapes, and the results
(focus node, path, value, source shape, component, severity, messages) must be the same. The SHACL-SPARQL
constraints run once on pyoxigraph whichever engine checks SHACL Core, so they are left out of the comparison.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import SH
from rdflib.term import Node

from publish import shacl
from publish.config import load_config
from publish.load import Role, load_sources
from publish.model import vocabulary
from publish.rdfterms import rdflib_graph
from publish.urls import UrlPolicy
from publish.validate import (
    _new_report,
    _run_whole_graph,
    _whole_graph_constraints,
    data_triples,
    shacl_report,
)
from tests.conftest import ROOT
from tests.test_shapes import BASE, PREFIXES, RULES, edited_project

pytestmark = pytest.mark.slow

Key = tuple[str, ...]


def result_keys(report: Graph) -> tuple[Counter[Key], Counter[Key]]:
    """Every result as (focus, path, value, shape, component, severity), and the SHACL Core ones with messages."""
    keys: Counter[Key] = Counter()
    with_messages: Counter[Key] = Counter()
    for result in report.subjects(SH.resultSeverity, None):

        def one(predicate: Node, r: Node = result) -> str:
            value = report.value(r, predicate)
            return "" if value is None else value.n3()

        key = tuple(
            one(p)
            for p in (
                SH.focusNode,
                SH.resultPath,
                SH.value,
                SH.sourceShape,
                SH.sourceConstraintComponent,
                SH.resultSeverity,
            )
        )
        keys[key] += 1
        if report.value(result, SH.sourceConstraintComponent) != SH.SPARQLConstraintComponent:
            messages = sorted(m.n3() for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal))
            with_messages[(*key, *messages)] += 1
    return keys, with_messages


def core_report(report: Graph) -> Graph:
    """The report without its SHACL-SPARQL results and without sh:conforms."""
    sparql = set(report.subjects(SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    return graph_of(
        t
        for t in report
        if t[0] not in sparql and t[2] not in sparql and t[1] not in (SH.conforms, SH.sourceConstraint)
    )


def graph_of(triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def project_inputs(project: Path) -> tuple[list[ox.Triple], Graph]:
    config = load_config(project, {"base_iri": BASE}, environ={})
    sources = load_sources(config)
    triples, _ = data_triples(sources, vocabulary(UrlPolicy(BASE)))
    return triples, rdflib_graph(sources.triples(Role.SHAPES))


def assert_same_results(triples: list[ox.Triple], shapes: Graph) -> Counter[Key]:
    """Run both engines and compare; returns the results for further checks."""
    fast, _ = shacl_report(triples, shapes)
    # The SHACL-SPARQL constraints run once on pyoxigraph in both set-ups; pySHACL checks the rest.
    core_shapes = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core_shapes.add(triple)
    every = result_keys(fast)[0]
    sparql = {k for k in every if k[4] == SH.SPARQLConstraintComponent.n3()}
    # The SPARQL constraints ran on a store of the triples with the predicates they name; on the whole data
    # they give the same results.
    whole, _root = _new_report(shapes)
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    _run_whole_graph(_whole_graph_constraints(shapes), store, shapes, whole)
    assert Counter({k: n for k, n in every.items() if k in sparql}) == result_keys(whole)[0]
    conforms, reference, _text = pyshacl_validate(
        rdflib_graph(triples),
        shacl_graph=core_shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
    )
    assert isinstance(reference, Graph)
    fast_keys, fast_messages = result_keys(fast)
    for key in sparql:
        del fast_keys[key]
    reference_keys, reference_messages = result_keys(reference)
    assert fast_keys == reference_keys, (
        f"only the fast engine: {fast_keys - reference_keys}\nonly pySHACL: {reference_keys - fast_keys}"
    )
    assert fast_messages == reference_messages
    # The report graphs are the same too, blank nodes copied from the shapes and the data included.
    assert isomorphic(core_report(fast), core_report(reference))
    # SHACL-SPARQL results break conformance only at severity Violation (warnings are allowed, as for pySHACL).
    sparql_violations = any(key[5] == SH.Violation.n3() for key in sparql)
    assert list(fast.objects(None, SH.conforms)) == [Literal(conforms and not sparql_violations)]
    return every


def test_the_project_shapes_need_no_fallback() -> None:
    _triples, shapes = project_inputs(ROOT)
    compiled = shacl.plan(shapes, set(shapes.objects(None, SH.sparql)))
    assert compiled.unsupported == {}
    assert len(compiled.shapes) == 12


def test_the_project_data(project: Path) -> None:
    keys = assert_same_results(*project_inputs(project))
    assert not keys


@pytest.mark.parametrize(("rule", "update"), [(r[0], r[1]) for r in RULES], ids=[r[0] for r in RULES])
def test_each_invalid_fixture(project: Path, rule: str, update: str) -> None:
    keys = assert_same_results(*project_inputs(edited_project(project, update)))
    assert keys, f"{rule}: the fixture should give at least one result"


# Edits of a generated corpus that reach the corners of the components: literal normal forms, ill-typed
# values, blank nodes as focus nodes and values, subclass targets, regional language tags, literals where
# resources belong, and duplicates.
CORPUS_MUTATIONS = [
    # a focus point at "0" and at an ill-typed position
    """DELETE { ?p plo:position ?n } INSERT { ?p plo:position "0"^^xsd:positiveInteger, "x"^^xsd:positiveInteger }
       WHERE { { SELECT ?p ?n WHERE { ?p a plo:Initiative ; plo:position ?n } ORDER BY DESC(?p) LIMIT 1 } }""",
    # texts: a Danish label dropped, a second English one, a regional tag, a plain string
    """DELETE { ?g rdfs:label ?t } WHERE { { SELECT ?g WHERE { ?g a plo:Goal } ORDER BY ?g LIMIT 2 }
       ?g rdfs:label ?t FILTER(lang(?t) = "da") }""",
    """INSERT { ?a skos:prefLabel "Again"@EN, "Igen"@da-DK, "plain" } WHERE {
       { SELECT ?a WHERE { ?a a plo:FocusArea } ORDER BY ?a LIMIT 1 } }""",
    # confidences out of range, ill-typed and as a string; dates ill-typed
    """INSERT { ?l plo:confidence "2"^^xsd:decimal, "abc"^^xsd:decimal, "0.5" ; dct:created "2020-13-45"^^xsd:date }
       WHERE { { SELECT ?l WHERE { ?l a plo:SDGLink } ORDER BY ?l LIMIT 1 } }""",
    # resources where literals belong and the other way round; a blank node as a value
    """INSERT { ?p dct:creator "Somebody" ; plo:backedBy [ a plo:PoliticalParty ] ; dct:publisher ?p ;
       plo:municipality "x" } WHERE { { SELECT ?p WHERE { ?p a plo:Plan } ORDER BY ?p LIMIT 1 } }""",
    # a municipality code that is not four digits, typed as an integer
    """DELETE { ?m plo:municipalityCode ?c } INSERT { ?m plo:municipalityCode 123 }
       WHERE { { SELECT ?m WHERE { ?m a plo:Municipality } ORDER BY ?m LIMIT 1 } ?m plo:municipalityCode ?c }""",
    # a subclass of plo:Plan, and a blank node typed with it and with plo:SourceDocument
    """INSERT DATA { plo:SpecialPlan rdfs:subClassOf plo:Plan .
       [] a plo:SpecialPlan, plo:SourceDocument ; dct:title "Særplan"@da ; spdx:checksum [ spdx:algorithm "x" ] }""",
    # a link with a method outside the list and an unknown SDG target
    """DELETE { ?l plo:method ?m ; plo:sdgConcept ?c } INSERT { ?l plo:method "Curated" ;
       plo:sdgConcept <http://metadata.un.org/sdg/99> } WHERE {
       { SELECT ?l WHERE { ?l a plo:SDGLink } ORDER BY DESC(?l) LIMIT 1 } ?l plo:method ?m ; plo:sdgConcept ?c }""",
]


def test_a_generated_corpus(corpus3: Path) -> None:
    keys = assert_same_results(*project_inputs(corpus3))
    assert not keys


def test_a_generated_corpus_with_mutations(corpus3: Path, tmp_path: Path) -> None:
    project = tmp_path / "c3"
    copy = Graph()
    for path in sorted((corpus3 / "data").rglob("*.ttl")):
        copy.parse(path, format="turtle", publicID=BASE)
    for update in CORPUS_MUTATIONS:
        before = set(copy)
        copy.update(PREFIXES + update)
        assert set(copy) != before, f"the mutation changed nothing: {update}"
    for part in ("ontology", "shapes", "site", "pyproject.toml"):
        source = corpus3 / part
        (project / part).parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, project / part)
        else:
            (project / part).write_bytes(source.read_bytes())
    (project / "data").mkdir()
    copy.serialize(project / "data" / "data.nt", format="nt", encoding="utf-8")
    # rdflib writes literals in their normal form; "01" (the same number as "1") is written by hand
    lines = (project / "data" / "data.nt").read_text(encoding="utf-8").splitlines()
    position = next(
        i for i, line in enumerate(lines) if '"1"^^<http://www.w3.org/2001/XMLSchema#positiveInteger>' in line
    )
    lines.append(lines[position].replace('"1"^^', '"01"^^'))
    lines.append(
        lines[position + 1].replace('"^^<http://www.w3.org/2001/XMLSchema#', '0"^^<http://www.w3.org/2001/XMLSchema#')
    )
    (project / "data" / "data.nt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    keys = assert_same_results(*project_inputs(project))
    components = {key[4] for key in keys}
    # the mutations reach most of the components the shapes use
    assert len(components) >= 8, components


# Shapes beyond the project's: the other components and target and path forms the engine implements, and one it
# hands to pySHACL (sh:minLength, and sh:node, whose results pySHACL nests as sh:detail).
EXTRA_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix plo: <http://localhost:8000/ontologi/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix x: <http://localhost:8000/extra/> .

x:AreaShape a sh:NodeShape ;
    sh:targetSubjectsOf plo:headlineGoal ;
    sh:targetNode <http://localhost:8000/plan/ambitioner-og-retning-2020/omraade/sundhed> ;
    sh:property [ sh:path [ sh:inversePath plo:focusArea ] ; sh:maxCount 0 ; sh:message "inverse"@en ] ;
    sh:property [ sh:path ( plo:headlineGoal rdfs:label ) ; sh:maxCount 1 ; sh:message "sequence"@en ] ;
    sh:property [ sh:path plo:position ; sh:minExclusive 3 ; sh:maxExclusive 9 ; sh:message "range"@en ] ;
    sh:property [ sh:path plo:inPlan ; sh:not [ sh:class plo:Plan ] ; sh:message "not"@en ] ;
    sh:property [
        sh:path skos:prefLabel ;
        sh:xone ( [ sh:languageIn ( "da" ) ] [ sh:pattern "^[A-K]" ; sh:flags "i" ] ) ;
        sh:and ( [ sh:nodeKind sh:Literal ] [ sh:datatype xsd:string ] ) ;
        sh:message "xone and"@en
    ] ;
    sh:property [ sh:path skos:prefLabel ; sh:maxCount 0 ; sh:deactivated true ; sh:message "off"@en ] ;
    sh:property [ sh:path skos:prefLabel ; sh:qualifiedValueShape [ sh:pattern "s" ] ; sh:qualifiedMaxCount 0 ;
        sh:severity sh:Info ; sh:message "qualified max"@en ] .

x:Positioned a sh:NodeShape ; sh:nodeKind sh:IRI ; sh:class plo:Goal .

x:LengthShape a sh:NodeShape ;
    sh:targetObjectsOf plo:focusArea ;
    sh:property [ sh:path skos:prefLabel ; sh:minLength 20 ; sh:message "length"@en ] ;
    sh:property [ sh:path plo:initiative ; sh:node x:Positioned ; sh:message "node"@en ] .
"""


def test_more_components_and_a_shape_handed_to_pyshacl(project: Path) -> None:
    triples, shapes = project_inputs(project)
    shapes.parse(data=EXTRA_SHAPES, format="turtle")
    compiled = shacl.plan(shapes, set(shapes.objects(None, SH.sparql)))
    assert set(map(str, compiled.unsupported)) == {"http://localhost:8000/extra/LengthShape"}
    keys = assert_same_results(triples, shapes)
    components = {key[4] for key in keys}
    for name in (
        "Not",
        "Node",
        "Xone",
        "And",
        "MaxCount",
        "MinExclusive",
        "MaxExclusive",
        "MinLength",
        "QualifiedMaxCount",
    ):
        assert f"<http://www.w3.org/ns/shacl#{name}ConstraintComponent>" in components, name
