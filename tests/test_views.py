"""The view models (publish/views): what each page shows, read from the project's own data without rendering."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from publish.config import Config
from publish.dumps import site_data
from publish.escaping import embed_json, linkable
from publish.load import Role, load_sources
from publish.model import vocabulary
from publish.plans import DataIndex, as_index, coverage_matrix
from publish.query import SiteGraph, sdg_sort_key
from publish.urls import UrlPolicy, values_folder
from publish.views import PAGE_SIZE, Views
from publish.views.coverage import shade
from publish.vocab import (
    RDF_TYPE,
    RDFS_LABEL,
    SH_INVERSE_PATH,
    SH_MIN_COUNT,
    SH_PATH,
    SH_PROPERTY,
    SH_TARGET_CLASS,
    SKOS_PREF_LABEL,
    XSD_INTEGER,
)

PLAN = "plan/ambitioner-og-retning-2020"
AREA = PLAN + "/omraade/sundhed"


@pytest.fixture(scope="module")
def views(config: Config) -> Views:
    """The view makers over the project's site graph (its data, ontology, reference vocabularies and shapes)."""
    sources = load_sources(config)
    policy = UrlPolicy(config.base_iri)
    data = site_data(sources, policy)
    index = as_index(data + list(sources.triples(Role.ONTOLOGY, Role.REFERENCE)))
    graph = SiteGraph(data + list(sources.triples(Role.ONTOLOGY, Role.REFERENCE, Role.SHAPES)), policy)
    return Views(graph, config, policy, coverage_matrix(index, policy))


def node(views: Views, path: str) -> ox.NamedNode:
    return ox.NamedNode(views.policy.iri(path))


def test_a_focus_area_page_in_danish(views: Views) -> None:
    page = views.entities.page(node(views, AREA), "da", '{"@id": "</script>"}')
    assert (page.title, page.title_lang, page.kind) == ("Sundhed", "da", "focusarea")
    assert page.canonical == views.policy.iri(AREA + "/")
    assert page.other_lang_href == "en/"
    assert page.breadcrumbs[0].text == "Forside"
    assert page.breadcrumbs[0].href == "../../../../"
    assert page.breadcrumbs[-1].href == "../../"  # the plan, the area's parent
    assert [a.href for a in page.alternates] == ["../sundhed.ttl", "../sundhed.jsonld", "../sundhed.nt"]
    positions = [c.position for c in page.children]
    assert positions == sorted(positions) and positions[0] == 1 and len(positions) >= 3
    assert page.headline_goal and page.headline_goal_lang == "da"
    codes = [b.code for b in page.badges]
    assert codes and all(b.href.startswith("../../../../sdg/") for b in page.badges)
    iris = [link.badge.iri for link in page.sdg_links]
    assert iris and iris == sorted(iris, key=sdg_sort_key)
    assert all(link.rationale for link in page.sdg_links)
    assert "</script>" not in page.jsonld and "\\u003c/script" in page.jsonld
    names = [row.name for row in page.rows]
    assert names, "the area's own properties"
    assert any(row.curie == "plo:inPlan" for row in page.rows)


def test_the_same_page_in_english(views: Views) -> None:
    page = views.entities.page(node(views, AREA), "en", "{}")
    assert (page.title, page.title_lang) == ("Health", "en")
    assert page.breadcrumbs[0].text == "Home" and page.breadcrumbs[0].href == "../../../../../en/"
    assert page.other_lang_href == "../"
    assert page.canonical == views.policy.iri(AREA + "/en/")


def test_the_pages_of_a_plan_in_progress_say_what_is_still_to_come(views: Views, config: Config) -> None:
    """A focus area without SDG links, texts without their English translation: a note on the page, not a gap."""
    for lang in ("da", "en"):
        assert views.entities.page(node(views, AREA), lang, "{}").pending == ()
    policy = views.policy
    v = vocabulary(policy)
    area, point = ox.NamedNode(policy.iri("plan/p/omraade/a")), ox.NamedNode(policy.iri("plan/p/omraade/a/indsats/1"))
    triples = [
        ox.Triple(area, RDF_TYPE, v.FocusArea),
        ox.Triple(area, SKOS_PREF_LABEL, ox.Literal("Natur", language="da")),
        ox.Triple(point, RDF_TYPE, v.Initiative),
        ox.Triple(point, RDFS_LABEL, ox.Literal("Plant træer.", language="da")),
        ox.Triple(point, RDFS_LABEL, ox.Literal("Plant trees.", language="en")),
    ]
    progress = Views(SiteGraph(triples, policy), config, policy)
    assert progress.entities.page(area, "en", "{}").pending == ("pending_translation", "pending_sdg_links")
    assert progress.entities.page(area, "da", "{}").pending == ("pending_sdg_links",)
    # A focus point need not be linked itself (its area may be); its text is translated.
    assert progress.entities.page(point, "en", "{}").pending == ()
    # A link of one of its parts, once a curator has decided on it, is the area's link (the linking policy); a
    # proposal waiting for a curator is not yet.
    link = ox.NamedNode(policy.iri("plan/p/omraade/a/indsats/1/sdg/15"))
    triples += [
        ox.Triple(point, v.area, area),
        ox.Triple(link, RDF_TYPE, v.SDGLink),
        ox.Triple(link, v.linkSubject, point),
        ox.Triple(link, v.sdgConcept, ox.NamedNode("http://metadata.un.org/sdg/15")),
    ]
    for status, pending in ((v.Proposed, ("pending_sdg_links",)), (v.Rejected, ())):
        graph = SiteGraph([*triples, ox.Triple(link, v.status, status)], policy)
        assert Views(graph, config, policy).entities.page(area, "da", "{}").pending == pending


def test_a_plan_page_has_its_coverage_table_and_the_ontology_page_its_terms(views: Views) -> None:
    plan = node(views, PLAN)
    kinds = views.entities.kind(plan)
    assert kinds[0] == "plan"
    extra = views.entities.extra(plan, kinds, "da", PLAN)
    assert extra.coverage is not None and extra.coverage.heading is None
    assert len(extra.coverage.goals) == 17 and len(extra.coverage.rows) == 11
    assert extra.coverage.total == sum(row.total for row in extra.coverage.rows)
    ontology = ox.NamedNode(views.policy.ontology)
    terms = views.entities.extra(ontology, views.entities.kind(ontology), "en", "ontologi/en")
    curies = [t.curie for t in terms.classes]
    assert "plo:FocusArea" in curies and curies == sorted(curies)
    assert "plo:linkSubject" in [t.curie for t in terms.properties]
    assert views.entities.extra(node(views, AREA), ("focusarea",), "da", AREA).coverage is None


def test_the_home_page_lists_each_plan_with_its_areas(views: Views) -> None:
    home = views.site.home("da", "")
    assert len(home.plans) == 1
    plan = home.plans[0]
    assert plan.link.href == PLAN + "/" and plan.issued == "2020-02-17"
    assert plan.publisher is not None and plan.publisher.href == "kommune/hedensted/"
    assert len(plan.children) == 11 and all(area.children == () for area in plan.children)


def test_an_sdg_goal_page(views: Views) -> None:
    goal = ox.NamedNode("http://metadata.un.org/sdg/3")
    view = views.site.sdg(goal, "en", "sdg/3/en")
    assert (view.concept.code, view.concept.goal, view.concept.broader) == ("3", 3, None)
    assert view.concept.targets and all(t.code.startswith("3.") for t in view.concept.targets)
    assert [p.href for p in view.plans] == ["../../../" + PLAN + "/en/"]
    target = views.site.sdg(ox.NamedNode("http://metadata.un.org/sdg/3.4"), "da", "sdg/3.4")
    assert target.concept.broader is not None and target.concept.broader.code == "3"
    for element in target.elements:
        assert element.rationale and element.context[0].href.endswith(PLAN + "/")
    assert goal in views.site.sdg_pages()


def test_the_coverage_page_and_shading(views: Views) -> None:
    coverage = views.site.coverage_page("da", "daekning")
    assert coverage.municipalities is not None and len(coverage.municipalities.rows) == 1
    assert coverage.plans is not None and coverage.plans.rows[0].label.href == "../" + PLAN + "/"
    assert len(coverage.tables) == 1 and coverage.tables[0].heading is not None
    assert [shade(c, 8) for c in (0, 1, 4, 8)] == [0, 1, 2, 4]
    assert shade(3, 0) == 0


def test_the_data_model_page(views: Views) -> None:
    model = views.site.datamodel("en", "datamodel/en")
    assert model.shapes
    rows = [row for shape in model.shapes for row in shape.rows]
    assert any(row.cardinality == "1..1" for row in rows)
    assert all(is_cardinality(row.cardinality) for row in rows)
    assert {row.severity for row in rows} <= {"sh:Violation", "sh:Warning", "sh:Info"}


def test_the_data_model_page_shows_an_inverse_path_as_one(config: Config) -> None:
    base = "http://localhost:8000/"
    policy = UrlPolicy(base)
    v = vocabulary(policy)
    shape, prop, path = ox.NamedNode(base + "shapes/PlanShape"), ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(shape, SH_TARGET_CLASS, v.Plan),
        ox.Triple(shape, SH_PROPERTY, prop),
        ox.Triple(prop, SH_PATH, path),
        ox.Triple(path, SH_INVERSE_PATH, v.inPlan),
        ox.Triple(prop, SH_MIN_COUNT, ox.Literal("1", datatype=XSD_INTEGER)),
    ]
    model = Views(SiteGraph(triples, policy), config, policy).site.datamodel("en", "datamodel/en")
    assert [(row.curie, row.cardinality) for s in model.shapes for row in s.rows] == [("^plo:inPlan", "1..*")]


def is_cardinality(text: str) -> bool:
    low, _, high = text.partition("..")
    return low.isdigit() and (high == "*" or high.isdigit())


def test_the_static_pages_and_the_query_page(views: Views) -> None:
    static = views.site.static("da", "foresporgsel")
    assert static.query.endpoint == "../sparql"
    assert static.query.base == views.policy.base
    assert len(static.query.texts) == len(static.queries) > 0
    assert all(text.startswith(f"BASE <{views.policy.base}>\n") for text in static.query.texts)
    assert len(static.plans) == 1 and static.plans[0].link.href == "../" + PLAN + "/"


def test_long_value_lists_get_further_pages(config: Config) -> None:
    base = "http://localhost:8000/"
    policy = UrlPolicy(base)
    entity = ox.NamedNode(base + "ting/a")
    many = ox.NamedNode("http://example.org/value")
    triples = [ox.Triple(entity, many, ox.Literal(f"v{n:03d}")) for n in range(2 * PAGE_SIZE + 7)]
    views = Views(SiteGraph(triples, policy), config, policy)
    pages = views.entities.value_pages(entity, "da")
    folder = values_folder("ting/a", True, policy.short(many.value))
    assert folder == "ting/a/vaerdier/ud--http-example.org-value"
    assert [path for path, _ in pages] == [folder + "/2", folder + "/3"]
    second, third = (view for _, view in pages)
    assert (second.number, second.count, second.first, second.last) == (2, 3, PAGE_SIZE + 1, 2 * PAGE_SIZE)
    assert (third.first, third.last, third.next) == (2 * PAGE_SIZE + 1, 2 * PAGE_SIZE + 7, None)
    assert second.previous.href == "../../../" and second.next is not None and second.next.href == "../3/"
    row = views.entities.page(entity, "da", "{}").rows[0]
    assert len(row.values) == PAGE_SIZE and row.total == 2 * PAGE_SIZE + 7
    assert [p.text for p in row.pages] == ["2", "3"]


def test_only_web_and_mail_addresses_are_linkable_and_json_is_embedded_safely() -> None:
    assert linkable("https://x.dk/") and linkable("MAILTO:a@b.dk") and not linkable("javascript:alert(1)")
    assert not linkable("data:text/html,x")
    embedded = embed_json({"a": "</script><!-- & "})
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    assert json.loads(embedded) == {"a": "</script><!-- & "}


def test_the_indexes_given_distinct_data_first_hold_what_they_hold_without_it(config: Config) -> None:
    """The build tells the data index and the site graph that the dataset, which comes first, holds no
    duplicates; what follows it (the ontology, the references, the catalogue) may repeat a triple of the data
    or of itself, and each triple is still indexed once, in first-seen order."""
    policy = UrlPolicy(config.base_iri)
    sources = load_sources(config)
    data = site_data(sources, policy)
    rest = list(sources.triples(Role.ONTOLOGY, Role.REFERENCE))
    triples = [*data, *rest, *data[:50], *rest[:50], data[7]]
    plain, told = DataIndex(triples), DataIndex(triples, distinct=len(data))
    assert told.triples == plain.triples == list(dict.fromkeys(triples))
    subject = data[7].subject
    assert told.objects(subject, data[7].predicate) == plain.objects(subject, data[7].predicate)
    assert told.all_objects() == plain.all_objects() and told.all_subjects() == plain.all_subjects()
    whole, known = SiteGraph(triples, policy), SiteGraph(triples, policy, distinct=len(data))
    assert known.triple_count == whole.triple_count == len(set(triples))
    assert dict(known.by_subject) == dict(whole.by_subject) and dict(known.by_object) == dict(whole.by_object)
    assert known.outgoing(subject) == whole.outgoing(subject)
