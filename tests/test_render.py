"""The entity writers' fast paths: presorted documents, the merged document triples, the property index of the site
graph and the Python HTML fragments give exactly what the general paths give."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest
from jinja2 import Environment
from rdflib import Graph
from rdflib.compare import isomorphic

from publish.build import BuildSummary, check_inputs, code_key, gather, load_sources
from publish.config import Config
from publish.entities import EntityJob, merge_sorted, render_entity
from publish.errors import BuildError
from publish.progress import as_progress
from publish.query import SiteGraph, triple_key
from publish.render import Html, Renderer
from publish.serialize import json_text, jsonld_tree, ntriples, prefix_scan, turtle
from publish.sitepages import plan_site_pages
from publish.siteplan import SitePlan
from publish.urls import UrlPolicy
from publish.views import LinkView, ValueView
from tests.conftest import ROOT

BASE = "http://localhost:8000/"
PREFIXES = UrlPolicy(BASE).prefixes()
XSD = "http://www.w3.org/2001/XMLSchema#"


def n(path: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + path)


def tricky_document() -> tuple[ox.NamedNode, list[ox.Triple]]:
    """An entity with blank nodes, language tags, datatypes, and quotes, newlines, backslashes and non-ASCII text
    in its literals; links to and from other entities and a triple on its own."""
    entity = n("plan/p/omraade/a")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    note = ox.NamedNode("http://www.w3.org/2004/02/skos/core#note")
    position = ox.NamedNode(BASE + "ontologi/position")
    area = ox.NamedNode(BASE + "ontologi/area")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    blank, inner = ox.BlankNode("b0"), ox.BlankNode("b1")
    triples = [
        ox.Triple(entity, rdf_type, ox.NamedNode(BASE + "ontologi/FocusArea")),
        ox.Triple(entity, label, ox.Literal('Sundhed "for alle"\nog æøå – 🌍', language="da")),
        ox.Triple(entity, label, ox.Literal("Health \\ for all\r\ttabs", language="en")),
        ox.Triple(entity, position, ox.Literal("3", datatype=ox.NamedNode(XSD + "positiveInteger"))),
        ox.Triple(entity, note, ox.Literal("plain <b>&amp;</b> 'text'")),
        ox.Triple(entity, note, blank),
        ox.Triple(blank, label, ox.Literal("blank", language="en-GB")),
        ox.Triple(blank, note, inner),
        ox.Triple(inner, position, ox.Literal("2.5", datatype=ox.NamedNode(XSD + "decimal"))),
        ox.Triple(n("plan/p/omraade/a/indsats/1"), area, entity),
        ox.Triple(n("plan/p/omraade/a/indsats/1"), label, ox.Literal("Punkt", language="da")),
        ox.Triple(n("plan/p"), label, ox.Literal("Plan", language="da")),
        ox.Triple(n("plan/p/omraade/a.ttl"), ox.NamedNode("http://xmlns.com/foaf/0.1/primaryTopic"), entity),
    ]
    return entity, sorted(triples, key=triple_key)


def as_rdflib(content: bytes, fmt: str) -> Graph:
    return Graph().parse(data=content.decode("utf-8"), format=fmt)


def reference(triples: list[ox.Triple]) -> Graph:
    return as_rdflib(ntriples(triples), "nt")


def test_presorted_turtle_and_ntriples_are_the_bytes_of_the_sorting_path_and_round_trip() -> None:
    entity, triples = tricky_document()
    shuffled = list(reversed(triples))
    fast_ttl = turtle(triples, PREFIXES, entity, presorted=True)
    assert fast_ttl == turtle(shuffled, PREFIXES, entity)
    assert fast_ttl == turtle(triples, PREFIXES, entity, presorted=True, scan=prefix_scan(triples, PREFIXES))
    assert fast_ttl.startswith(b"@prefix")
    fast_nt = ntriples(triples, presorted=True)
    assert fast_nt == ntriples(shuffled)
    expected = set(triples)
    for content, fmt in ((fast_ttl, ox.RdfFormat.TURTLE), (fast_nt, ox.RdfFormat.N_TRIPLES)):
        parsed = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(content, format=fmt)]
        assert len(parsed) == len(expected)
        # Blank nodes get new names when parsed: compare everything else exactly, and the graphs as graphs.
        assert {t for t in parsed if not any(isinstance(x, ox.BlankNode) for x in (t.subject, t.object))} == {
            t for t in expected if not any(isinstance(x, ox.BlankNode) for x in (t.subject, t.object))
        }
    assert isomorphic(as_rdflib(fast_ttl, "turtle"), reference(triples))
    assert isomorphic(as_rdflib(fast_nt, "nt"), reference(triples))


def test_presorted_jsonld_is_the_document_of_the_sorting_path_and_round_trips() -> None:
    entity, triples = tricky_document()
    fast = json_text(jsonld_tree(entity, triples, PREFIXES, presorted=True))
    assert fast == json_text(jsonld_tree(entity, list(reversed(triples)), PREFIXES))
    assert json.loads(fast)["@graph"][0]["@id"] == entity.value  # the triple about the .ttl stands beside the tree
    assert isomorphic(as_rdflib(fast.encode("utf-8"), "json-ld"), reference(triples))


@pytest.mark.parametrize("subject", ["plan/p/omraade/a.jsonld", "plan/p/omraade/a", "aaa", "zzz"])
def test_merged_document_triples_are_sorted_like_a_full_sort(subject: str) -> None:
    _, triples = tricky_document()
    about = [
        ox.Triple(n(subject), ox.NamedNode("http://rdfs.org/ns/void#inDataset"), n("datasaet")),
        ox.Triple(n(subject), ox.NamedNode("http://purl.org/dc/terms/license"), n("licens")),
    ]
    assert merge_sorted(triples, about) == sorted(triples + about, key=triple_key)
    assert merge_sorted(triples, []) == triples


def test_the_property_index_gives_every_subjects_values_in_order_through_its_small_window() -> None:
    _, triples = tricky_document()
    graph = SiteGraph(triples, UrlPolicy(BASE))
    graph.cache_window = 2
    subjects = list(graph.by_subject)
    for _ in range(3):
        for subject in subjects + list(reversed(subjects)):
            for predicate in {t.predicate for t in triples}:
                expected = [t.object for t in graph.by_subject[subject] if t.predicate == predicate]
                assert graph.objects(subject, predicate) == expected
                assert graph.value(subject, predicate) == (expected[0] if expected else None)
    assert len(graph._outgoing) <= 2


@pytest.mark.parametrize("order", ["sorted", "reversed", "shuffled"])
def test_the_site_graph_gives_each_nodes_triples_in_order_however_they_came_and_however_they_are_read(
    order: str,
) -> None:
    # The indexes sort a node's triples when they are first read (or all at once, before render workers fork):
    # every way of reading them gives the same order, and so the same documents, as triples given sorted.
    _, triples = tricky_document()
    given = {"sorted": triples, "reversed": list(reversed(triples)), "shuffled": triples[1::2] + triples[::2]}[order]
    expected = SiteGraph(triples, UrlPolicy(BASE))
    expected.sort_all()
    lazy, eager = SiteGraph(given, UrlPolicy(BASE)), SiteGraph(given, UrlPolicy(BASE))
    eager.sort_all()
    for graph in (lazy, eager):
        for node in [*expected.by_subject, n("plan/p/omraade/a")]:
            assert graph.by_subject.get(node) == dict.get(expected.by_subject, node)
            assert graph.labels(node) == expected.labels(node)
            assert graph.label_triples(node) == expected.label_triples(node)
        for node in expected.by_object:
            assert graph.by_object[node] == dict.__getitem__(expected.by_object, node)
        for entity in expected.entities:
            assert graph.document(entity) == expected.document(entity)
    # Walking every list sorts those not read yet.
    fresh = SiteGraph(given, UrlPolicy(BASE))
    assert dict(fresh.by_subject.items()) == dict(dict.items(expected.by_subject))
    assert all(values == sorted(values, key=triple_key) for values in dict.values(fresh.by_subject))


MACROS = """\
{%- macro text(value, value_lang) -%}
{% if value_lang and value_lang != lang %}<span lang="{{ value_lang }}">{{ value }}</span>{% else %}{{ value }}{% endif %}
{%- endmacro %}
{%- macro link(l) -%}
{% if l.href %}<a href="{{ l.href }}"{% if l.lang and l.lang != lang %} lang="{{ l.lang }}"{% endif %}>{{ l.text }}</a>{% else %}<span{% if l.lang and l.lang != lang %} lang="{{ l.lang }}"{% endif %}>{{ l.text }}</span>{% endif %}
{%- endmacro %}
{%- macro value(v) -%}
{% if v.link %}{{ link(v.link) }}{% if v.link.external %} <a class="ext" href="{{ v.link.external }}" aria-label="{{ t.iri }} {{ v.link.external }}">↗</a>{% endif %}{% else %}{{ text(v.text, v.lang) }}{% if v.datatype %} <span class="dt">({{ v.datatype }})</span>{% endif %}{% endif %}
{%- endmacro %}
"""


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_python_fragments_write_what_the_jinja_macros_wrote(lang: str) -> None:
    strings = {"iri": "IRI <&>", "target": "Delmål", "goal": "Mål", "goals": "Mål", "showing_first": "%d/%d"}
    strings |= {"more_pages": "Flere", "page": "side", "inverse_name": "%s for"}
    html = Html(lang, strings)
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    nasty = "A <script>alert(\"x\")</script> & 'b'"
    values = [
        ValueView(nasty, "en"),
        ValueView(nasty, lang),
        ValueView("3", "", None, "xsd:positiveInteger"),
        ValueView(nasty, "", LinkView(nasty, "../a?b=<c>&d", "da", "http://ex.org/<x>", "t")),
        ValueView(nasty, "", LinkView(nasty, "", "en")),
        ValueView(nasty, "", LinkView(nasty, "a/", "")),
    ]
    for v in values:
        macro = env.from_string(MACROS + "{{ value(v) }}").render(v=v, lang=lang, t=strings)
        assert str(html.value(v)) == macro
        if v.link:
            assert str(html.link(v.link)) == env.from_string(MACROS + "{{ link(l) }}").render(l=v.link, lang=lang)
    assert "<script>" not in str(html.value(values[0]))


def test_a_ui_string_the_fragments_need_missing_is_an_error_naming_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site)
    strings = site / "strings.toml"
    strings.write_text(
        "\n".join(line for line in strings.read_text(encoding="utf-8").splitlines() if not line.startswith("goals ")),
        encoding="utf-8",
    )
    with pytest.raises(BuildError, match=r"strings\.toml: the UI string 'goals' is missing"):
        Renderer(site)


def test_pages_rendered_in_a_shared_frame_are_the_bytes_of_rendering_them_whole(config: Config) -> None:
    """The frame (`base.html`) is rendered once per language and depth, and the page's blocks into it: every
    entity page, value page and site page of the seed site is byte for byte what rendering it whole gives, at every
    depth, in the folders the frame links into (the dataset, the ontology, the English home) as elsewhere."""
    policy = UrlPolicy(config.base_iri)
    report = as_progress(None)
    inputs = check_inputs(config, report)
    parted = (inputs.data_files, code_key(config), {})
    gathered = gather(config, policy, load_sources(config), BuildSummary(config.out_dir), report, parted)
    outputs = []
    for frames in (True, False):
        renderer = Renderer(config.site_dir, frames=frames)
        assert (renderer.frames is not None) is frames
        graph, views, site = gathered.graph, gathered.views, gathered.site
        job = EntityJob(None, graph, graph.entities, views, renderer, site, gathered.schema_org, 1)  # type: ignore[arg-type]
        files: dict[str, bytes] = {}
        for entity in graph.entities:
            render_entity(entity, job, files.__setitem__, {"documents": 0.0, "pages": 0.0})
        plan = SitePlan()
        plan_site_pages(plan, views, renderer, site)
        files.update(plan.files)
        outputs.append(files)
        if renderer.frames is not None:
            frames_made = renderer.frames.cache
            assert len({key[1] for key in frames_made}) >= 4  # depths 0 (home) to at least 3
            assert any(key[2] for key in frames_made)  # a page inside a folder the frame links into
    shared, whole = outputs
    assert len([p for p in whole if p.endswith("index.html")]) > 500
    assert shared == whole


def test_a_frame_that_reads_a_page_variable_other_than_plainly_is_rendered_whole(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site)
    base = site / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("{{ other_lang_href }}", "{{ other_lang_href|upper }}"))
    renderer = Renderer(site)
    assert renderer.frames is None
    site_view = SimpleNamespace(licence_iri="https://example.org/l", licence_label="L")
    template = renderer.env.from_string('{% extends "base.html" %}{% block title %}T{% endblock %}')
    page = renderer.render(template, "en", "a/b/en", None, site=site_view, other_lang_href="x/")
    assert b'hreflang="da" href="X/"' in page
