"""The catalogue, VoID description and schema.org block, built from the project's own data.

The catalogue is validated offline against the DCAT-AP 3.0.1 shapes and the code lists shipped in
shapes/dcat-ap/ (see its README for sources, licences and the defects patched here in memory). Counts and dates
are checked against values computed independently with rdflib SPARQL over the same data.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SH, SKOS

from publish.catalog import (
    Distribution,
    catalogue_triples,
    schema_org_dataset,
    site_facts,
    void_triples,
)
from publish.config import Config, load_config
from publish.dumps import site_data
from publish.errors import BuildError, ConfigError
from publish.load import Role, load_sources
from publish.model import sdg_kos
from publish.plans import DataIndex
from publish.rdfterms import rdflib_graph
from publish.urls import UrlPolicy

from .conftest import ROOT

SHAPES = ROOT / "shapes" / "dcat-ap"
# Open namespaces (rdflib's closed DCAT lacks DCAT 3 terms such as dcat:DatasetSeries).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SH_SHAPE = URIRef(str(SH) + "shape")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
PLO_PATH = "ontologi/"
BASE = "http://localhost:8000/"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"

# (key, path, media type, EU file type, Danish title, English title), as `planlod build` lists its files.
FILES = (
    (
        "sdg-kos",
        "dump/fn-verdensmaal.nt",
        "application/n-triples",
        "RDF_N_TRIPLES",
        "FN's verdensmål (UN SDG KOS) som N-Triples",
        "The UN SDG KOS as N-Triples",
    ),
    (
        "turtle",
        "dump/latest.ttl",
        "text/turtle",
        "RDF_TURTLE",
        "Hele datasættet som Turtle",
        "The whole dataset as Turtle",
    ),
    (
        "ntriples",
        "dump/latest.nt",
        "application/n-triples",
        "RDF_N_TRIPLES",
        "Hele datasættet som N-Triples",
        "The whole dataset as N-Triples",
    ),
    (
        "jsonld",
        "dump/latest.jsonld",
        "application/ld+json",
        "JSON_LD",
        "Hele datasættet som JSON-LD",
        "The whole dataset as JSON-LD",
    ),
    (
        "trig",
        "dump/latest.trig",
        "application/trig",
        "RDF_TRIG",
        "Hele datasættet som TriG",
        "The whole dataset as TriG",
    ),
    ("ntriples-gz", "dump/latest.nt.gz", "application/gzip", "RDF_N_TRIPLES", "N-Triples (gzip)", "N-Triples (gzip)"),
    ("ontology", "dump/ontology.ttl", "text/turtle", "RDF_TURTLE", "Ontologien som Turtle", "The ontology as Turtle"),
    ("shapes", "dump/shapes.ttl", "text/turtle", "RDF_TURTLE", "SHACL-formreglerne", "The SHACL shapes"),
    ("sdg-csv", "eksport/sdg-koblinger.csv", "text/csv", "CSV", "Verdensmålskoblinger som CSV", "SDG links as CSV"),
    (
        "sssom",
        "eksport/sdg-koblinger.sssom.tsv",
        "text/tab-separated-values",
        "TSV",
        "Verdensmålskoblinger som SSSOM",
        "SDG links as SSSOM",
    ),
)


def dataset_triples(config: Config) -> list[ox.Triple]:
    """The data, the triples derived from them, the ontology and the reference vocabularies."""
    sources = load_sources(config)
    return site_data(sources, UrlPolicy(config.base_iri)) + list(sources.triples(Role.ONTOLOGY, Role.REFERENCE))


def distributions_for(files: Sequence[tuple[str, str, str, str, str, str]] = FILES) -> list[Distribution]:
    """Distributions with real checksums of (stand-in) file contents."""
    out = []
    for key, path, media, file_type, da, en in files:
        content = f"{key}:{path}\n".encode() * (len(key) + 3)
        out.append(Distribution(key, path, media, file_type, hashlib.sha256(content).hexdigest(), len(content), da, en))
    return out


@pytest.fixture(scope="module")
def data(config: Config) -> list[ox.Triple]:
    return dataset_triples(config)


@pytest.fixture(scope="module")
def policy(config: Config) -> UrlPolicy:
    return UrlPolicy(config.base_iri)


@pytest.fixture(scope="module")
def distributions() -> list[Distribution]:
    return distributions_for()


@pytest.fixture(scope="module")
def catalogue(config: Config, policy: UrlPolicy, data: list[ox.Triple], distributions: list[Distribution]) -> Graph:
    return rdflib_graph(catalogue_triples(config, policy, data, distributions))


@pytest.fixture(scope="module")
def data_graph(data: list[ox.Triple]) -> Graph:
    return rdflib_graph(data)


@pytest.fixture(scope="module")
def store(data: list[ox.Triple]) -> ox.Store:
    """The same data in a SPARQL store, for counts computed independently of publish.catalog."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in data)
    return store


def rows(store: ox.Store, query: str) -> list[list[str]]:
    """The SELECT results as lists of term values."""
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [[row[name].value for name in names] for row in solutions]


# ---------------------------------------------------------------- SHACL helpers


def shapes_graph(*names: str) -> Graph:
    """The named shapes files, with `sh:shape` (not SHACL) rewritten to `sh:node` so those constraints run."""
    graph = Graph()
    for name in names:
        graph.parse(SHAPES / name)
    for subject, obj in list(graph.subject_objects(SH_SHAPE)):
        graph.remove((subject, SH_SHAPE, obj))
        graph.add((subject, SH.node, obj))
    return graph


@pytest.fixture(scope="module")
def code_lists() -> Graph:
    """The EU file-type list and the ADMS code lists; their schemes get a dct:title from their label."""
    graph = Graph()
    graph.parse(SHAPES / "filetypes-skos.rdf")
    graph.parse(SHAPES / "ADMS_SKOS_v1.00.rdf")
    for scheme in list(graph.subjects(RDF.type, SKOS.ConceptScheme)):
        if graph.value(scheme, DCTERMS.title) is None:
            label = graph.value(scheme, SKOS.prefLabel) or graph.value(scheme, RDFS.label)
            graph.add((scheme, DCTERMS.title, label))
    return graph


@dataclasses.dataclass(frozen=True)
class Result:
    severity: str
    focus: str
    path: str
    value: str
    message: str


def shacl(graph: Graph, shapes: Graph, extra: Graph | None = None) -> list[Result]:
    """The top-level SHACL results (no nested details) of validating graph (+ extra) against shapes."""
    data = Graph()
    for triple in graph:
        data.add(triple)
    if extra is not None:
        for triple in extra:
            data.add(triple)
    _conforms, report, _text = shacl_validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, do_owl_imports=False
    )
    assert isinstance(report, Graph)
    return [
        Result(
            str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
            str(report.value(r, SH.focusNode)),
            str(report.value(r, SH.resultPath)),
            str(report.value(r, SH.value)),
            str(report.value(r, SH.resultMessage)),
        )
        for r in report.objects(None, SH.result)
    ]


def violations(results: list[Result]) -> list[Result]:
    return [r for r in results if r.severity == "Violation"]


@pytest.fixture(scope="module")
def base_and_range() -> Graph:
    return shapes_graph("shapes.ttl", "range.ttl")


# ---------------------------------------------------------------- DCAT-AP 3.0.1


def test_catalogue_conforms_to_dcat_ap_shapes_and_ranges(
    catalogue: Graph, base_and_range: Graph, code_lists: Graph
) -> None:
    assert violations(shacl(catalogue, base_and_range)) == []
    assert violations(shacl(catalogue, base_and_range, code_lists)) == []


def test_code_list_shapes_pass_for_the_lists_that_ship(
    catalogue: Graph, code_lists: Graph, distributions: list[Distribution]
) -> None:
    results = violations(shacl(catalogue, shapes_graph("mdr-vocabularies.shape.ttl"), code_lists))
    # The one known, documented failure: the shape wants https://spdx.org/rdf/terms…, SPDX's term is http://.
    checksum = [r for r in results if r.path == str(SPDX.algorithm)]
    assert {r.value for r in checksum} == {str(SPDX.checksumAlgorithm_sha256)}
    assert len(checksum) == len(distributions)
    assert [r for r in results if r not in checksum] == []


def test_a_wrong_file_type_code_fails_the_code_list_shape(
    config: Config, policy: UrlPolicy, data: list[ox.Triple]
) -> None:
    wrong = distributions_for((("turtle", "dump/latest.ttl", "text/turtle", "TURTLE", "Turtle", "Turtle"),))
    graph = rdflib_graph(catalogue_triples(config, policy, data, wrong))
    # Without the code list merged: "TURTLE" is in no list either way (the right code passes only with it).
    results = violations(shacl(graph, shapes_graph("mdr-vocabularies.shape.ttl")))
    assert any(r.path == str(DCTERMS.format) for r in results)


def test_recommended_and_deprecated_shapes_are_advisory(catalogue: Graph) -> None:
    assert violations(shacl(catalogue, shapes_graph("shapes_recommended.ttl", "deprecateduris.ttl"))) == []


def _without(graph: Graph, subject: URIRef, predicate: URIRef) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    copy.remove((subject, predicate, None))
    return copy


def _with(graph: Graph, *triples: tuple[URIRef | BNode, URIRef, URIRef | Literal]) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    for triple in triples:
        copy.add(triple)
    return copy


@pytest.mark.parametrize(
    "break_it",
    [
        pytest.param(lambda g: _without(g, URIRef(BASE + "datasaet"), DCTERMS.title), id="dataset without title"),
        pytest.param(lambda g: _without(g, URIRef(BASE + "datasaet"), DCTERMS.description), id="no description"),
        pytest.param(
            lambda g: _without(g, URIRef(BASE + "katalog"), DCTERMS.publisher), id="catalogue without publisher"
        ),
        pytest.param(
            lambda g: _with(g, (URIRef(BASE + "katalog"), DCTERMS.publisher, URIRef(BASE + "agent/planlod"))),
            id="two publishers",
        ),
        pytest.param(
            lambda g: _without(g, URIRef(BASE + "datasaet/distribution/turtle"), DCAT.accessURL), id="no accessURL"
        ),
        pytest.param(lambda g: _without(g, URIRef(BASE + "tjeneste/sparql"), DCAT.endpointURL), id="no endpointURL"),
        pytest.param(
            lambda g: _without(g, URIRef(BASE + "katalog/post/datasaet"), FOAF.primaryTopic), id="record without topic"
        ),
        pytest.param(
            lambda g: _with(
                _without(g, URIRef(BASE + "datasaet"), DCTERMS.issued),
                (URIRef(BASE + "datasaet"), DCTERMS.issued, Literal("17 February 2020")),
            ),
            id="issued not a date",
        ),
        pytest.param(lambda g: _without(g, URIRef(BASE + "kommune/hedensted"), FOAF.name), id="agent without name"),
    ],
)
def test_a_broken_catalogue_fails(catalogue: Graph, base_and_range: Graph, break_it) -> None:  # type: ignore[no-untyped-def]
    # The unbroken catalogue passes (test_catalogue_conforms_to_dcat_ap_shapes_and_ranges); each break must fail.
    assert violations(shacl(break_it(catalogue), base_and_range)) != []


# ---------------------------------------------------------------- DCAT-AP-DK and harvesters

DK_RULES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcatap: <http://data.europa.eu/r5r/> .
@prefix t: <urn:test:> .

t:Catalog a sh:NodeShape ; sh:targetClass dcat:Catalog ;
    sh:property [ sh:path dcat:dataset ; sh:minCount 1 ] .              # DCAT-AP-DK 2.0.2
t:Dates a sh:NodeShape ; sh:targetClass dcat:Dataset, dcat:Catalog, dcat:CatalogRecord ;
    sh:property [ sh:path dct:issued ; sh:datatype xsd:date ; sh:maxCount 1 ] ,
                [ sh:path dct:modified ; sh:datatype xsd:date ; sh:minCount 1 ; sh:maxCount 1 ] .
t:Availability a sh:NodeShape ; sh:targetClass dcat:Distribution ;  # DK 2.0.2's list conflicts with DCAT-AP 3
    sh:property [ sh:path dcatap:availability ; sh:maxCount 0 ] .
"""


def test_dcat_ap_dk_rules(catalogue: Graph) -> None:
    rules = Graph().parse(data=DK_RULES, format="turtle")
    assert violations(shacl(catalogue, rules)) == []
    broken = _without(catalogue, URIRef(BASE + "katalog"), DCAT.dataset)
    assert violations(shacl(broken, rules)) != []


CKAN_TAG = re.compile(r"[\w .\-]{2,100}")


def test_keywords_are_tags_ckan_accepts(catalogue: Graph) -> None:
    keywords = list(catalogue.objects(URIRef(BASE + "datasaet"), DCAT.keyword))
    assert {k.language for k in keywords if isinstance(k, Literal)} == {"da", "en"}
    assert Literal("Sundhed", lang="da") in keywords
    assert Literal("Klima og Miljø", lang="da") in keywords
    for keyword in keywords:
        assert CKAN_TAG.fullmatch(str(keyword)), keyword
        assert "," not in str(keyword)


def test_the_sparql_service_reaches_ckan_through_a_distribution(catalogue: Graph) -> None:
    service = URIRef(BASE + "tjeneste/sparql")
    assert catalogue.value(service, DCAT.endpointURL) == URIRef(BASE + "sparql")
    distributions = set(catalogue.subjects(DCAT.accessService, service))
    assert distributions == {URIRef(BASE + "datasaet/distribution/sparql")}
    assert set(distributions) <= set(catalogue.objects(URIRef(BASE + "datasaet"), DCAT.distribution))


# ---------------------------------------------------------------- facts from the data and the config


def test_publisher_is_the_plans_municipality_named_as_in_the_data(catalogue: Graph, data_graph: Graph) -> None:
    (plan,) = data_graph.subjects(RDF.type, URIRef(BASE + PLO_PATH + "Plan"))
    publisher = data_graph.value(plan, DCTERMS.publisher)
    for node in (URIRef(BASE + "katalog"), URIRef(BASE + "datasaet")):
        assert catalogue.value(node, DCTERMS.publisher) == publisher
    assert (publisher, RDF.type, FOAF.Agent) in catalogue
    assert set(catalogue.objects(publisher, FOAF.name)) == set(data_graph.objects(publisher, FOAF.name))


def test_dates_come_from_the_data(catalogue: Graph, store: ox.Store) -> None:
    own = f"FILTER(isBlank(?s) || STRSTARTS(STR(?s), '{BASE}'))"
    ((latest,),) = rows(
        store, f"SELECT (MAX(STR(?d)) AS ?m) WHERE {{ ?s ?p ?d FILTER(DATATYPE(?d) = <{XSD_DATE}>) {own} }}"
    )
    ((issued,),) = rows(store, f"SELECT ?d WHERE {{ ?plan a <{BASE}{PLO_PATH}Plan> ; <{DCTERMS.issued}> ?d }}")
    dataset = URIRef(BASE + "datasaet")
    assert catalogue.value(dataset, DCTERMS.modified) == Literal(latest, datatype=XSD.date)
    assert catalogue.value(URIRef(BASE + "katalog/post/datasaet"), DCTERMS.modified) == Literal(
        latest, datatype=XSD.date
    )
    assert catalogue.value(URIRef(BASE + "katalog"), DCTERMS.modified) == Literal(latest, datatype=XSD.date)
    assert catalogue.value(dataset, DCTERMS.issued) == Literal(issued, datatype=XSD.date)
    period = catalogue.value(dataset, DCTERMS.temporal)
    assert catalogue.value(period, DCAT.startDate) == Literal(issued, datatype=XSD.date)
    assert catalogue.value(period, DCAT.endDate) is None


def test_titles_and_sources_come_from_the_plan(catalogue: Graph, data_graph: Graph) -> None:
    (plan,) = data_graph.subjects(RDF.type, URIRef(BASE + PLO_PATH + "Plan"))
    dataset = URIRef(BASE + "datasaet")
    titles = {t.language: str(t) for t in catalogue.objects(dataset, DCTERMS.title) if isinstance(t, Literal)}
    for title in data_graph.objects(plan, DCTERMS.title):
        assert isinstance(title, Literal)
        assert str(title) in titles[title.language]
    sources = set(data_graph.objects(plan, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    assert set(catalogue.objects(dataset, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))) == sources
    assert catalogue.value(dataset, DCTERMS.conformsTo) == URIRef(BASE + "shapes")


def test_checksums_and_sizes_are_the_ones_passed(catalogue: Graph, distributions: list[Distribution]) -> None:
    for d in distributions:
        node = URIRef(BASE + "datasaet/distribution/" + d.key)
        checksum = catalogue.value(node, SPDX.checksum)
        assert catalogue.value(checksum, SPDX.checksumValue) == Literal(d.sha256, datatype=XSD.hexBinary)
        assert catalogue.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert catalogue.value(node, DCAT.byteSize) == Literal(d.byte_size, datatype=XSD.nonNegativeInteger)
        assert catalogue.value(node, DCAT.downloadURL) == URIRef(BASE + d.path)


def test_compressed_files_state_their_own_type_compression_and_content_format(catalogue: Graph) -> None:
    node = URIRef(BASE + "datasaet/distribution/ntriples-gz")
    iana = "https://www.iana.org/assignments/media-types/"
    # What a client downloads is gzip: typed text/turtle or n-triples, a harvester would offer it as such.
    assert catalogue.value(node, DCAT.mediaType) == URIRef(iana + "application/gzip")
    assert catalogue.value(node, DCAT.compressFormat) == URIRef(iana + "application/gzip")
    assert catalogue.value(node, DCTERMS.format) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/RDF_N_TRIPLES"
    )


def test_contact_point_only_when_configured(
    config: Config, policy: UrlPolicy, data: list[ox.Triple], distributions: list[Distribution], catalogue: Graph
) -> None:
    assert config.contact_email == ""
    assert list(catalogue.subjects(RDF.type, VCARD.Kind)) == []
    assert list(catalogue.objects(None, DCAT.contactPoint)) == []
    configured = dataclasses.replace(config, contact_email="data@example.org", contact_name="Dataenheden")
    graph = rdflib_graph(catalogue_triples(configured, policy, data, distributions))
    contact = URIRef(BASE + "kontakt")
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:data@example.org")
    assert graph.value(contact, VCARD.fn) == Literal("Dataenheden")
    assert graph.value(URIRef(BASE + "datasaet"), DCAT.contactPoint) == contact
    with pytest.raises(ConfigError):
        catalogue_triples(dataclasses.replace(config, contact_email="not an address"), policy, data, distributions)


def test_no_data_service_without_an_endpoint(
    config: Config, policy: UrlPolicy, data: list[ox.Triple], distributions: list[Distribution]
) -> None:
    graph = rdflib_graph(
        catalogue_triples(dataclasses.replace(config, sparql_endpoint=""), policy, data, distributions)
    )
    assert list(graph.subjects(RDF.type, DCAT.DataService)) == []
    assert list(graph.subjects(DCAT.accessService, None)) == []
    absolute = dataclasses.replace(config, sparql_endpoint="https://sparql.example.org/q")
    graph = rdflib_graph(catalogue_triples(absolute, policy, data, distributions))
    assert graph.value(URIRef(BASE + "tjeneste/sparql"), DCAT.endpointURL) == URIRef("https://sparql.example.org/q")


def test_a_known_licence_has_its_title_and_licence_type(catalogue: Graph) -> None:
    licence = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    assert set(catalogue.objects(None, DCTERMS.license)) == {licence}
    assert catalogue.value(licence, DCTERMS.title) == Literal(
        "Creative Commons Attribution 4.0 International", lang="en"
    )
    assert catalogue.value(licence, DCTERMS.type) == URIRef("http://purl.org/adms/licencetype/Attribution")


def test_the_licence_is_the_configured_one(
    config: Config, policy: UrlPolicy, data: list[ox.Triple], distributions: list[Distribution]
) -> None:
    licence = "https://creativecommons.org/licenses/by/4.0/"
    graph = rdflib_graph(catalogue_triples(dataclasses.replace(config, licence=licence), policy, data, distributions))
    licences = set(graph.objects(None, DCTERMS.license))
    assert licences == {URIRef(licence)}


def test_bad_distributions_are_refused(
    config: Config, policy: UrlPolicy, data: list[ox.Triple], distributions: list[Distribution]
) -> None:
    first = distributions[0]
    for bad in (
        [first, first],
        [dataclasses.replace(first, sha256="abc")],
        [dataclasses.replace(first, path="/etc/passwd")],
        [dataclasses.replace(first, key=" x")],
    ):
        with pytest.raises(BuildError):
            catalogue_triples(config, policy, data, bad)


def test_iris_move_with_the_base(tmp_path: Path, distributions: list[Distribution]) -> None:
    base = "https://data.example.dk/planer/"
    config = load_config(ROOT, overrides={"base_iri": base}, environ={})
    triples = catalogue_triples(config, UrlPolicy(base), dataset_triples(config), distributions)
    subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    assert base + "katalog" in subjects
    assert not any(s.startswith(BASE) for s in subjects)
    assert {s for s in subjects if s.startswith(base)} >= {base + "datasaet", base + "katalog/post/datasaet"}


def test_catalogue_is_deterministic(
    config: Config, policy: UrlPolicy, data: list[ox.Triple], distributions: list[Distribution]
) -> None:
    first = catalogue_triples(config, policy, data, distributions)
    second = catalogue_triples(config, policy, list(reversed(data)), list(reversed(distributions)))
    assert first == second
    assert ox.serialize(first, format=ox.RdfFormat.N_TRIPLES) == ox.serialize(second, format=ox.RdfFormat.N_TRIPLES)


# ---------------------------------------------------------------- several plans


def second_edition(data: list[ox.Triple]) -> list[ox.Triple]:
    """The data plus a 2024 edition of the plan that follows the 2020 one (a synthetic copy)."""
    old, new = "plan/ambitioner-og-retning-2020", "plan/ambitioner-og-retning-2024"
    plo = BASE + PLO_PATH

    def rename(term):  # type: ignore[no-untyped-def]
        if isinstance(term, ox.NamedNode) and old in term.value:
            return ox.NamedNode(term.value.replace(old, new))
        if isinstance(term, ox.Literal) and term.value == "2020-02-17":
            return ox.Literal("2024-03-01", datatype=term.datatype)
        return term

    plan = ox.NamedNode(BASE + old)
    part_of_plan = {t.subject for t in data if isinstance(t.subject, ox.NamedNode) and old in t.subject.value}
    copied = [ox.Triple(rename(t.subject), t.predicate, rename(t.object)) for t in data if t.subject in part_of_plan]
    follows = ox.Triple(ox.NamedNode(BASE + new), ox.NamedNode(plo + "follows"), plan)
    return data + copied + [follows]


def test_several_plans_give_a_dataset_each_and_a_series(
    config: Config, policy: UrlPolicy, data: list[ox.Triple], distributions: list[Distribution], base_and_range: Graph
) -> None:
    graph = rdflib_graph(catalogue_triples(config, policy, second_edition(data), distributions))
    datasets = set(graph.objects(URIRef(BASE + "katalog"), DCAT.dataset))
    plan_datasets = {
        URIRef(BASE + "datasaet/plan/ambitioner-og-retning-2020"),
        URIRef(BASE + "datasaet/plan/ambitioner-og-retning-2024"),
    }
    assert datasets >= {URIRef(BASE + "datasaet"), *plan_datasets}
    assert set(graph.objects(URIRef(BASE + "datasaet"), DCTERMS.hasPart)) == plan_datasets
    (series,) = graph.subjects(RDF.type, DCAT.DatasetSeries)
    assert set(graph.subjects(DCAT.inSeries, series)) == plan_datasets
    assert graph.value(URIRef(BASE + "datasaet/plan/ambitioner-og-retning-2024"), DCTERMS.issued) == Literal(
        "2024-03-01", datatype=XSD.date
    )
    assert violations(shacl(graph, base_and_range)) == []


def test_plans_of_different_publishers_need_a_named_publisher(
    config: Config, policy: UrlPolicy, data: list[ox.Triple], distributions: list[Distribution]
) -> None:
    publisher = ox.NamedNode("http://purl.org/dc/terms/publisher")
    other = ox.NamedNode(BASE + "agent/planlod")
    edited = [
        ox.Triple(t.subject, t.predicate, other)
        if t.predicate == publisher and "2024" in str(t.subject) and isinstance(t.subject, ox.NamedNode)
        else t
        for t in second_edition(data)
    ]
    with pytest.raises(BuildError, match="different publishers"):
        catalogue_triples(config, policy, edited, distributions)
    graph = rdflib_graph(catalogue_triples(config, policy, edited, distributions, publisher=BASE + "kommune/hedensted"))
    assert graph.value(URIRef(BASE + "katalog"), DCTERMS.publisher) == URIRef(BASE + "kommune/hedensted")


# ---------------------------------------------------------------- VoID


@pytest.fixture(scope="module")
def void(config: Config, policy: UrlPolicy, data: list[ox.Triple], distributions: list[Distribution]) -> Graph:
    kos = sdg_kos(load_sources(config).triples(Role.REFERENCE))
    return rdflib_graph(void_triples(config, policy, data, distributions, kos=kos))


def test_voids_index_of_the_data_alone_is_the_index_of_the_datas_triples(config: Config, policy: UrlPolicy) -> None:
    # The build counts VoID's statistics on the data alone, taken out of the index of the data with the ontology
    # and the reference vocabularies (`DataIndex.first`): it must hold exactly what an index of the data holds.
    sources = load_sources(config)
    data = site_data(sources, policy)
    whole = DataIndex(data + list(sources.triples(Role.ONTOLOGY, Role.REFERENCE)))
    own, alone = whole.first(len(data)), DataIndex(data)
    assert len(whole.triples) > len(data)
    assert own.triples == alone.triples
    assert own.all_subjects() == alone.all_subjects() and own.all_objects() == alone.all_objects()
    assert own.predicates() == alone.predicates() and own.object_count() == alone.object_count()
    for t in whole.triples:
        for node in (t.subject, t.object):
            assert own.objects(node, t.predicate) == alone.objects(node, t.predicate)
            assert own.subjects(t.predicate, node) == alone.subjects(t.predicate, node)


def test_void_given_the_catalogues_facts_counts_the_data_alone_and_titles_the_dataset_as_the_catalogue(
    config: Config, policy: UrlPolicy, distributions: list[Distribution]
) -> None:
    # The build reads the plans once, from the index of the data with the ontology and the reference vocabularies,
    # and hands those facts to VoID: its statistics must still be the data's alone, and the description the same.
    sources = load_sources(config)
    data = site_data(sources, policy)
    whole = DataIndex(data + list(sources.triples(Role.ONTOLOGY, Role.REFERENCE)))
    facts = site_facts(config, policy, whole)
    kos = sdg_kos(sources.triples(Role.REFERENCE))
    given = void_triples(config, policy, whole.first(len(data)), distributions, kos=kos, facts=facts)
    alone = void_triples(config, policy, data, distributions, kos=kos)
    assert ox.serialize(given, format=ox.RdfFormat.N_TRIPLES) == ox.serialize(alone, format=ox.RdfFormat.N_TRIPLES)
    graph, catalogue = rdflib_graph(given), rdflib_graph(catalogue_triples(config, policy, facts, distributions))
    dataset = URIRef(policy.dataset)
    assert int(graph.value(dataset, VOID.triples)) == len(set(data)) < len(set(whole.triples))
    assert set(graph.objects(dataset, DCTERMS.title)) == set(catalogue.objects(dataset, DCTERMS.title))


def _number(store: ox.Store, query: str) -> int:
    ((value,),) = rows(store, query)
    return int(value)


def test_void_counts_equal_independent_counts(void: Graph, store: ox.Store) -> None:
    dataset = URIRef(BASE + "datasaet")
    assert int(void.value(dataset, VOID.triples)) == _number(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    entities = (
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), '{BASE}')) }}"
    )
    assert int(void.value(dataset, VOID.entities)) == _number(store, entities)
    subjects = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"
    assert int(void.value(dataset, VOID.distinctSubjects)) == _number(store, subjects)
    properties = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"
    assert int(void.value(dataset, VOID.properties)) == _number(store, properties)
    partitions = {
        str(void.value(p, VOID["class"])): int(void.value(p, VOID.entities))
        for p in void.objects(dataset, VOID.classPartition)
    }
    query = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
    assert partitions == {c: int(n) for c, n in rows(store, query)}
    assert partitions[BASE + PLO_PATH + "Initiative"] == 45


def test_void_linkset_counts_the_accepted_links(void: Graph, store: ox.Store) -> None:
    plo = BASE + PLO_PATH
    accepted = _number(
        store,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?e ?c WHERE {{ ?l a <{plo}SDGLink> ; <{plo}status> <{plo}Accepted> ;"
        f" <{plo}linkSubject> ?e ; <{plo}sdgConcept> ?c }} }}",
    )
    (linkset,) = void.subjects(RDF.type, VOID.Linkset)
    assert int(void.value(linkset, VOID.triples)) == accepted == 91
    assert void.value(linkset, VOID.linkPredicate) == DCTERMS.subject
    # The links point into the site's copy of the UN SDG KOS: a dataset of its own, with its dump and triple count,
    # derived from the UN's.
    kos = URIRef(BASE + "datasaet/fn-verdensmaal")
    assert set(void.objects(linkset, VOID.target)) == {URIRef(BASE + "datasaet"), kos}
    assert void.value(linkset, VOID.objectsTarget) == kos
    assert (kos, RDF.type, VOID.Dataset) in void
    assert void.value(kos, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == URIRef(
        "http://metadata.un.org/sdg/void.ttl#SDG"
    )
    assert void.value(kos, VOID.dataDump) == URIRef(BASE + "dump/fn-verdensmaal.nt")
    assert void.value(kos, VOID.uriSpace) == Literal("http://metadata.un.org/sdg/")
    assert int(void.value(kos, VOID.triples)) > 17 + 169


def test_void_lists_dumps_endpoint_and_licence(void: Graph, distributions: list[Distribution]) -> None:
    dataset = URIRef(BASE + "datasaet")
    dumps = {URIRef(BASE + d.path) for d in distributions if d.path.startswith("dump/latest.")}
    assert set(void.objects(dataset, VOID.dataDump)) == dumps
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    assert void.value(dataset, VOID.uriSpace) == Literal(BASE)
    assert void.value(dataset, DCTERMS.license) == URIRef(
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    )
    assert URIRef(BASE + PLO_PATH) in set(void.objects(dataset, VOID.vocabulary))


# ---------------------------------------------------------------- schema.org


def test_schema_org_dataset_has_what_google_asks_for(
    config: Config, policy: UrlPolicy, data: list[ox.Triple], distributions: list[Distribution]
) -> None:
    block = schema_org_dataset(config, policy, data, distributions)
    assert block["@type"] == "Dataset"
    for key in (
        "name",
        "description",
        "license",
        "creator",
        "distribution",
        "spatialCoverage",
        "temporalCoverage",
        "url",
        "inLanguage",
    ):
        assert block[key], key
    assert 50 <= len(str(block["description"])) <= 5000
    assert block["temporalCoverage"] == "2020-02-17/.."
    assert block["inLanguage"] == ["da", "en"]
    downloads = block["distribution"]
    assert isinstance(downloads, list)
    assert {d["contentUrl"] for d in downloads} == {BASE + d.path for d in distributions}
    assert all(d["encodingFormat"] for d in downloads)
    text = json.dumps(block, ensure_ascii=False, sort_keys=True)
    assert text == json.dumps(
        schema_org_dataset(config, policy, data, distributions), ensure_ascii=False, sort_keys=True
    )


def test_void_is_deterministic(
    config: Config, policy: UrlPolicy, data: list[ox.Triple], distributions: list[Distribution]
) -> None:
    first = void_triples(config, policy, data, distributions)
    second = void_triples(config, policy, list(reversed(data)), list(reversed(distributions)))
    assert ox.serialize(first, format=ox.RdfFormat.N_TRIPLES) == ox.serialize(second, format=ox.RdfFormat.N_TRIPLES)


def test_the_publisher_setting_names_the_catalogue_publisher() -> None:
    config = load_config(ROOT, {"publisher": "kommune/hedensted"}, environ={})
    sources = load_sources(config)
    facts = site_facts(config, UrlPolicy(config.base_iri), list(sources.triples(Role.DATA)))
    assert facts.publisher.iri == config.base_iri + "kommune/hedensted"
