"""Terms as code: publish/vocab.py against ontology/planlod.ttl both ways, and the pyoxigraph ↔ rdflib bridge."""

from __future__ import annotations

import re
import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

from publish.config import Config
from publish.load import Role, load_sources
from publish.model import vocabulary
from publish.rdfterms import TermError, ox_term, rdflib_graph, rdflib_term
from publish.urls import UrlPolicy
from publish.vocab import RDF_TYPE, RDFS_IS_DEFINED_BY, TERM_NAMES, XSD_DATE, XSD_INTEGER, PlanVocabulary
from tests.conftest import ROOT

BASE = "http://localhost:8000/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def ontology_terms() -> set[str]:
    """The names of every term ontology/planlod.ttl defines (subjects in its namespace that it describes)."""
    ns = UrlPolicy(BASE).ontology_ns
    parsed = ox.parse(path=str(ROOT / "ontology" / "planlod.ttl"), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    defined = {q.subject.value for q in parsed if q.predicate in (RDF_TYPE, RDFS_IS_DEFINED_BY)}
    return {iri[len(ns) :] for iri in defined if iri.startswith(ns) and iri != ns}


def test_every_ontology_term_is_in_the_vocabulary_module_and_every_module_term_in_the_ontology() -> None:
    in_ontology, in_code = ontology_terms(), set(TERM_NAMES)
    assert in_ontology - in_code == set(), "terms of the ontology that publish/vocab.py does not list"
    assert in_code - in_ontology == set(), "terms in publish/vocab.py that the ontology does not define"
    assert len(TERM_NAMES) == len(in_code), "a term is listed twice"


def test_every_plo_term_the_shapes_data_and_queries_use_is_defined(config: Config) -> None:
    sources = load_sources(config)
    ns = UrlPolicy(config.base_iri).ontology_ns
    used: set[str] = set()
    for triple in sources.triples(Role.DATA, Role.SHAPES):
        for term in triple:
            if isinstance(term, ox.NamedNode) and term.value.startswith(ns) and term.value != ns:
                used.add(term.value[len(ns) :])
    for query in (ROOT / "site" / "queries").glob("*.rq"):
        used |= set(re.findall(r"\bplo:(\w+)", query.read_text(encoding="utf-8")))
    assert used, "found no plo: term at all"
    assert used - set(TERM_NAMES) == set(), "plo: terms used but not defined by the ontology"


def test_terms_are_attributes_under_the_sites_namespace_and_unknown_names_fail() -> None:
    vocab = vocabulary(UrlPolicy("https://data.example.dk/planer/"))
    assert vocab.FocusArea == ox.NamedNode("https://data.example.dk/planer/ontologi/FocusArea")
    assert vocab.term("linkSubject") is vocab.linkSubject
    assert vocabulary(UrlPolicy("https://data.example.dk/planer/")) is vocab, "made once per namespace"
    with pytest.raises(AttributeError, match="plo:focusarea"):
        vocab.term("focusarea")
    assert isinstance(vocab, PlanVocabulary)


def test_every_standard_term_is_a_term_its_vocabulary_defines() -> None:
    """rdflib warns about a term its closed namespaces (DCTERMS, DCAT, SKOS, …) do not define: here, an error."""
    done = subprocess.run(
        [sys.executable, "-W", "error::UserWarning", "-c", "import publish.vocab"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize(
    "term",
    [
        ox.NamedNode("http://example.org/a"),
        ox.BlankNode("b0"),
        ox.Literal("tekst", language="da"),
        ox.Literal("plain"),
        ox.Literal("2020-02-17", datatype=XSD_DATE),
        ox.Literal("1", datatype=ox.NamedNode(XSD + "positiveInteger")),
    ],
)
def test_the_bridge_carries_terms_across_and_back(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
    assert ox_term(rdflib_term(term)) == term


def test_the_bridge_reads_typed_literals_in_rdflibs_normal_form_and_refuses_what_has_no_form() -> None:
    assert rdflib_term(ox.Literal("01", datatype=XSD_INTEGER)) == Literal(1)
    assert ox_term(Literal("01", datatype=URIRef(XSD_INTEGER.value))) == ox.Literal("1", datatype=XSD_INTEGER)
    assert rdflib_term(ox.NamedNode("http://x/")) == URIRef("http://x/")
    assert rdflib_term(ox.BlankNode("n1")) == BNode("n1")
    triple = ox.Triple(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.NamedNode("http://x/o"))
    with pytest.raises(TermError):
        rdflib_term(triple)
    with pytest.raises(TermError):
        ox_term(object())  # type: ignore[arg-type]
    graph = rdflib_graph([triple])
    assert (URIRef("http://x/s"), URIRef("http://x/p"), URIRef("http://x/o")) in graph
