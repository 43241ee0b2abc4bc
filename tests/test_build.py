"""`planlod build`: the site it writes, checked with rdflib, rapper and the reference JSON-LD processor."""

from __future__ import annotations

import filecmp
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from publish import entities, switch
from publish.build import build_site
from publish.config import load_config
from publish.dumps import site_data
from publish.errors import BuildError
from publish.incremental import STATE
from publish.load import load_sources
from publish.rdfterms import rdflib_graph
from publish.urls import UrlPolicy
from tests.conftest import ROOT, copy_project, run_planlod
from tests.test_catalog import shacl, shapes_graph, violations

BASE = "http://localhost:8000/"
FOAF_PRIMARY_TOPIC = URIRef("http://xmlns.com/foaf/0.1/primaryTopic")
RDF_FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("build") / "project")
    config = load_config(project, {"base_iri": BASE}, environ={})
    build_site(config)
    return config.out_dir


def entity_documents(site: Path) -> dict[str, list[Path]]:
    """Entity path → its .ttl, .jsonld and .nt files (an entity has all three and an index.html)."""
    found: dict[str, list[Path]] = {}
    for ttl in site.rglob("*.ttl"):
        stem = ttl.with_suffix("")
        if (stem / "index.html").is_file():
            found[stem.relative_to(site).as_posix()] = [stem.parent / (stem.name + s) for s in RDF_FORMATS]
    return found


def without(graph: Graph, docs: list[URIRef]) -> Graph:
    """The graph minus the triples about the documents themselves (their subject differs per format)."""
    out = Graph()
    for triple in graph:
        if triple[0] not in docs:
            out.add(triple)
    return out


def parse(path: Path) -> Graph:
    return Graph().parse(path, format=RDF_FORMATS[path.suffix])


def test_every_minted_iri_has_pages_and_documents(built: Path) -> None:
    described = Graph()
    for name in ("dump/latest.nt", "dump/ontology.ttl", "dump/shapes.ttl", "catalog.ttl", "void.ttl"):
        described.parse(built / name, format="nt" if name.endswith(".nt") else "turtle")
    minted = {str(s) for s in described.subjects() if isinstance(s, URIRef) and str(s).startswith(BASE)}
    assert len(minted) > 250
    for iri in minted:
        path = iri[len(BASE) :]
        for name in (
            f"{path}/index.html",
            f"{path}/en/index.html",
            f"{path}.ttl",
            f"{path}.jsonld",
            f"{path}.nt",
        ):
            assert (built / name).is_file(), f"{iri}: {name} is missing"


def test_documents_round_trip_and_agree_across_formats(built: Path) -> None:
    documents = entity_documents(built)
    assert len(documents) > 200
    for path, files in documents.items():
        graphs = [parse(f) for f in files]
        iri = URIRef(BASE + path)
        assert (iri, None, None) in graphs[0], f"{path}.ttl says nothing about {iri}"
        docs = [URIRef(BASE + file.relative_to(built).as_posix()) for file in files]
        for graph, doc in zip(graphs, docs, strict=True):
            assert (doc, FOAF_PRIMARY_TOPIC, iri) in graph, f"{doc} does not say it is about {iri}"
        stripped = [to_isomorphic(without(g, docs)) for g in graphs]
        assert stripped[0] == stripped[1] == stripped[2], f"{path}: formats disagree"


def test_documents_hold_the_description_incoming_links_and_neighbour_labels(built: Path) -> None:
    area = "plan/ambitioner-og-retning-2020/omraade/sundhed"
    graph = parse(built / f"{area}.ttl")
    iri = URIRef(BASE + area)
    plo = BASE + "ontologi/"
    point = URIRef(f"{BASE}{area}/indsats/1")
    assert (iri, URIRef(plo + "initiative"), point) in graph
    assert (point, URIRef(plo + "area"), iri) in graph  # an incoming link
    assert any(p == URIRef("http://www.w3.org/2000/01/rdf-schema#label") for p in graph.predicates(point, None))
    assert (None, URIRef("http://rdfs.org/ns/void#inDataset"), URIRef(BASE + "datasaet")) in graph


def test_the_dumps_hold_the_whole_dataset(built: Path) -> None:
    config = load_config(ROOT, {"base_iri": BASE}, environ={})
    sources = load_sources(config)
    expected = rdflib_graph(site_data(sources, UrlPolicy(BASE)))
    for name, fmt in (("latest.nt", "nt"), ("latest.ttl", "turtle"), ("latest.jsonld", "json-ld")):
        assert isomorphic(Graph().parse(built / "dump" / name, format=fmt), expected), name
    trig = built / "dump" / "latest.trig"
    dataset = Dataset().parse(trig, format="trig")
    assert len(dataset.default_graph) == len(expected)
    assert len(list(dataset.graphs())) >= 2
    assert (
        gzip.decompress((built / "dump" / "latest.nt.gz").read_bytes()) == (built / "dump" / "latest.nt").read_bytes()
    )


@pytest.mark.slow
def test_rapper_parses_every_turtle_file(built: Path) -> None:
    rapper = shutil.which("rapper")
    if rapper is None:
        pytest.fail("rapper (Debian raptor2-utils) is missing: run tests/setup.sh")
    files = sorted(built.rglob("*.ttl"))
    assert len(files) > 200
    for file in files:
        result = subprocess.run(
            [rapper, "-q", "-i", "turtle", "-o", "ntriples", str(file), BASE],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{file}: {result.stderr}"
        assert isomorphic(Graph().parse(data=result.stdout, format="nt"), parse(file)), file


@pytest.mark.slow
def test_the_reference_jsonld_processor_reads_every_jsonld_file_offline(built: Path) -> None:
    script = ROOT / "tests" / "js" / "jsonld-to-nquads.mjs"
    if not (ROOT / "tests" / "js" / "node_modules" / "jsonld").is_dir():
        pytest.fail("npm package jsonld is missing: run tests/setup.sh")
    # Every JSON-LD document; the context file holds no data of its own.
    files = sorted(f for f in built.rglob("*.jsonld") if f.parent.name != "context")
    assert len(files) > 200
    for start in range(0, len(files), 100):
        batch = files[start : start + 100]
        result = subprocess.run(
            ["node", str(script), *map(str, batch)],
            capture_output=True,
            text=True,
            check=False,
            cwd=script.parent,
        )
        assert result.returncode == 0, result.stderr
        quads = json.loads(result.stdout)
        for file in batch:
            assert isomorphic(Graph().parse(data=quads[str(file)], format="nt"), parse(file)), file


@pytest.mark.slow
def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "again")
    config = load_config(project, {"base_iri": BASE}, environ={})
    build_site(config)

    def compare(left: Path, right: Path) -> None:
        cmp = filecmp.dircmp(left, right)
        assert not cmp.left_only and not cmp.right_only, (left, cmp.left_only, cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(left, right, cmp.common_files, shallow=False)
        assert not mismatch and not errors, (left, mismatch, errors)
        for sub in cmp.common_dirs:
            compare(left / sub, right / sub)

    compare(built, config.out_dir)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        for name in ("href", "src"):
            value = values.get(name)
            if value and not (tag == "link" and values.get("rel") == "canonical"):
                self.links.append(value)


def check_internal_links(site: Path, english: str = "en") -> int:
    """Every page of a built site is in its language (English under the `english` segment) and every link of it to
    the site resolves to a file; the number of links checked."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 500
    checked = 0
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        folder = page.parent.relative_to(site).as_posix()
        page_url = "http://site.test/" + (folder + "/" if folder != "." else "")
        expected_lang = "en" if f"/{english}/" in "/" + page.relative_to(site).as_posix() else "da"
        assert parser.lang == expected_lang, page
        for link in parser.links:
            parts = urlsplit(urljoin(page_url, link))
            if parts.netloc != "site.test" or parts.path == "/sparql":
                continue  # the SPARQL endpoint is a service, not a file of the static site
            target = site / unquote(parts.path).lstrip("/")
            if parts.path.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), f"{page.relative_to(site)}: broken link {link}"
            checked += 1
    return checked


def test_every_internal_link_of_every_page_resolves_to_a_file(built: Path) -> None:
    assert check_internal_links(built) > 5000


def test_pages_link_alternates_canonical_and_embed_the_jsonld_document(built: Path) -> None:
    path = "plan/ambitioner-og-retning-2020/omraade/sundhed/indsats/1"
    html = (built / path / "index.html").read_text(encoding="utf-8")
    assert '<html lang="da">' in html
    assert f'<link rel="canonical" href="{BASE}{path}/">' in html
    for media_type, ext in (
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
    ):
        assert f'<link rel="alternate" type="{media_type}" href="../1.{ext}">' in html
    assert 'hreflang="en"' in html
    block = re.search(r'<script type="application/ld\+json">\s*(.*?)\s*</script>', html, re.S)
    assert block is not None
    embedded = Graph().parse(data=block.group(1), format="json-ld")
    assert isomorphic(embedded, parse(built / f"{path}.jsonld"))
    english = (built / path / "en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english
    assert "young people" in english


def test_sitemap_lists_every_page_and_robots_names_it(built: Path) -> None:
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    locations = set(re.findall(r"<loc>(.*?)</loc>", sitemap))
    pages = {BASE + p.parent.relative_to(built).as_posix() + "/" for p in built.rglob("index.html")}
    pages = {p.replace(BASE + "./", BASE) for p in pages}
    assert locations == pages
    assert f"Sitemap: {BASE}sitemap.xml" in (built / "robots.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_literal_with_script_is_escaped_in_html_and_embedded_jsonld(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    data = project / "data" / "ambitioner-og-retning-2020.ttl"
    hostile = 'Sundhed</script><script>alert("x")</script><!--'
    text = data.read_text(encoding="utf-8")
    assert '"Health"@en' in text
    data.write_text(text.replace('"Health"@en', json.dumps(hostile) + "@en", 1), encoding="utf-8")
    config = load_config(project, {"base_iri": BASE}, environ={})
    build_site(config)
    html = (config.out_dir / "plan/ambitioner-og-retning-2020/omraade/sundhed/en/index.html").read_text(
        encoding="utf-8"
    )
    assert "<script>alert" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert" in html
    block = re.search(r'<script type="application/ld\+json">\s*(.*?)\s*</script>', html, re.S)
    assert block is not None
    assert "</script" not in block.group(1) and "<!--" not in block.group(1)
    assert hostile in json.dumps(json.loads(block.group(1)), ensure_ascii=False).replace('\\"', '"')


def test_a_first_build_of_invalid_data_leaves_nothing_beside_its_output_folder(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    data = project / "data" / "ambitioner-og-retning-2020.ttl"
    data.write_text(data.read_text(encoding="utf-8").replace('"2020-02-17"^^xsd:date', '"2020"', 1), encoding="utf-8")
    out = tmp_path / "public" / "site"
    result = run_planlod("build", "--project", str(project), "--out", str(out))
    assert result.code == 1 and "nothing was written" in result.err
    assert not (tmp_path / "public").exists() or list((tmp_path / "public").iterdir()) == []


def test_invalid_data_exit_1_and_leave_the_earlier_output_untouched(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    out = tmp_path / "site"
    first = run_planlod("build", "--project", str(project), "--out", str(out))
    assert first.code == 0, first.err
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()}
    data = project / "data" / "ambitioner-og-retning-2020.ttl"
    data.write_text(data.read_text(encoding="utf-8").replace('"2020-02-17"^^xsd:date', '"2020"', 1), encoding="utf-8")
    second = run_planlod("build", "--project", str(project), "--out", str(out))
    assert second.code == 1
    assert "nothing was written" in second.err
    assert "dct:issued" in second.err
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()}
    assert after == before
    generations = sorted(p.name for p in (tmp_path / ".site.sites").iterdir() if p.name not in (".lock", ".spare"))
    kept = switch.spare(out)  # the first build's spare, for the next update
    assert kept is not None
    assert generations == sorted([os.readlink(out).rsplit("/", 1)[1], kept[0].name]), "a build's folder was left"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == [".site.sites"]


def test_a_broken_template_exits_2_and_names_it(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "site" / "templates" / "entity" / "plan.html").write_text("{% extends 'nope.html' %}", encoding="utf-8")
    result = run_planlod("build", "--project", str(project), "--out", str(tmp_path / "site"))
    assert result.code == 2
    assert "nope.html" in result.err
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
def test_another_base_iri_changes_every_minted_iri_in_every_format(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    other = "https://data.example.org/planer/"
    config = load_config(project, {"base_iri": other, "out_dir": str(tmp_path / "site")}, environ={})
    build_site(config)
    for file in config.out_dir.rglob("*"):
        if file.is_file() and file.suffix in (
            ".ttl",
            ".nt",
            ".jsonld",
            ".html",
            ".xml",
            ".rdf",
            ".csv",
            ".tsv",
        ):
            assert "localhost:8000" not in file.read_text(encoding="utf-8"), file
    graph = parse(config.out_dir / "plan" / "ambitioner-og-retning-2020.ttl")
    assert (URIRef(other + "plan/ambitioner-og-retning-2020"), None, None) in graph


@pytest.mark.slow
def test_build_prints_a_line_per_phase_and_a_summary(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    result = run_planlod("build", "--project", str(project), "--out", str(tmp_path / "site"))
    assert result.code == 0, result.err
    for name in ("load", "validate", "dumps", "catalogue", "plan", "documents", "pages", "write"):
        assert re.search(rf"^{name}: \d+\.\d\d s$", result.out, re.M), name
    assert re.search(r"built .*: \d+ entities, \d+ files, \d+ triples in \d+\.\d\d s", result.out)


GOLDEN_IRIS = ROOT / "tests" / "golden" / "minted-iris.txt"


def test_no_published_iri_disappears(built: Path) -> None:
    """Every IRI of the last release is still minted (Cool URIs don't change).

    After a deliberate addition, regenerate the list with PLANLOD_UPDATE_GOLDEN=1. A removal fails: keep the
    entity and point it at its successor with dct:isReplacedBy instead.
    """
    minted = sorted(entity_documents(built))
    if os.environ.get("PLANLOD_UPDATE_GOLDEN"):
        GOLDEN_IRIS.write_text("".join(f"{path}\n" for path in minted), encoding="utf-8")
    released = GOLDEN_IRIS.read_text(encoding="utf-8").split()
    removed = sorted(set(released) - set(minted))
    assert not removed, f"published IRIs no longer minted: {removed}"


def test_every_class_and_property_comes_from_a_known_vocabulary(built: Path) -> None:
    known = [namespace for _prefix, namespace in UrlPolicy(BASE).prefixes()]
    graph = Graph().parse(built / "dump" / "latest.nt", format="nt")
    graph.parse(built / "catalog.ttl", format="turtle")
    terms = set(graph.predicates()) | {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}
    unknown = sorted(str(t) for t in terms if not any(str(t).startswith(ns) for ns in known))
    assert not unknown, f"terms outside the known vocabularies: {unknown}"


def test_every_entity_has_a_danish_label(built: Path) -> None:
    graph = Graph().parse(built / "dump" / "latest.nt", format="nt")
    for name in ("catalog.ttl", "dump/ontology.ttl", "dump/shapes.ttl"):
        graph.parse(built / name, format="turtle")
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(BASE)}
    unlabelled = sorted(
        str(s)
        for s in subjects
        if not any(
            getattr(o, "language", None) == "da"
            for p in (RDFS.label, SKOS.prefLabel, DCTERMS.title)
            for o in graph.objects(s, p)
        )
    )
    assert not unlabelled, f"entities without a Danish label: {unlabelled}"


def test_the_site_is_readable_by_a_web_server_running_as_another_user(built: Path) -> None:
    assert built.stat().st_mode & 0o755 == 0o755
    for path in built.rglob("*"):
        wanted = 0o755 if path.is_dir() else 0o644
        assert path.stat().st_mode & wanted == wanted, path


def test_long_value_lists_are_paged_in_html_while_the_rdf_holds_all(built: Path) -> None:
    agent = "agent/planlod"
    graph = parse(built / f"{agent}.ttl")
    translated = {str(s) for s in graph.subjects(URIRef(BASE + "ontologi/translatedBy"), URIRef(BASE + agent))}
    assert len(translated) > 100
    listed: list[str] = []
    page = built / agent / "index.html"
    number = 1
    while True:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        folder = "http://site.test/" + page.parent.relative_to(built).as_posix() + "/"
        links = [urljoin(folder, link) for link in parser.links]
        if number == 1:
            incoming = page.read_text(encoding="utf-8").split('id="incoming"', 1)[1]
            rows = re.search(r"plo:translatedBy</code></th>\s*<td>(.*?)</td>", incoming, re.S)
            assert rows is not None
            assert rows.group(1).count("<li>") == 50
            assert f"of {len(translated)}" not in rows.group(1)  # the Danish page
            assert re.search(r"Viser de første 50 af \d+", rows.group(1))
            items = re.findall(r'<li><a href="([^"]+)"', rows.group(1))
        else:
            body = page.read_text(encoding="utf-8")
            values = re.search(r'<ul class="values">(.*?)</ul>', body, re.S)
            assert values is not None
            items = re.findall(r'<li><a href="([^"]+)"', values.group(1))
            assert len(items) <= 50
        listed += [urljoin(folder, i).replace("http://site.test/", BASE).rstrip("/") for i in items]
        number += 1
        nxt = built / agent / "vaerdier" / "ind-plo-translatedBy" / str(number) / "index.html"
        if not nxt.is_file():
            break
        assert any(link.endswith(f"/ind-plo-translatedBy/{number}/") for link in links)
        page = nxt
    assert sorted(listed) == sorted(translated)


@pytest.mark.slow
def test_a_parallel_build_writes_the_same_bytes(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("publish.entities.PARALLEL_THRESHOLD", 50)
    monkeypatch.setattr("publish.entities.os.sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    project = copy_project(tmp_path / "parallel")
    config = load_config(project, {"base_iri": BASE}, environ={})
    summary = build_site(config)
    assert summary.files > 1000
    cmp = filecmp.dircmp(built, config.out_dir)
    assert not cmp.left_only and not cmp.right_only
    for page in (
        "index.html",
        "plan/ambitioner-og-retning-2020/omraade/sundhed/index.html",
        "sitemap.xml",
        "plan/ambitioner-og-retning-2020/omraade/sundhed.jsonld",
    ):
        assert (built / page).read_bytes() == (config.out_dir / page).read_bytes(), page
    # Every published file; the build state (how the output was made, never served) may list its records in
    # another order.
    mismatched = [
        p.relative_to(built)
        for p in built.rglob("*")
        if p.is_file() and p.name != STATE and p.read_bytes() != (config.out_dir / p.relative_to(built)).read_bytes()
    ]
    assert not mismatched


@pytest.mark.slow
def test_a_parallel_build_renders_a_share_in_the_building_process_and_forks_one_worker_fewer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On two cores the build process renders the first half of the entities itself and forks one worker for the
    other half (a second forked worker would copy the site graph's memory pages it reads once more)."""
    monkeypatch.setattr("publish.entities.PARALLEL_THRESHOLD", 50)
    monkeypatch.setattr("publish.entities.os.sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    original = entities.render_entity

    def noting(entity, job, emit, timings):  # type: ignore[no-untyped-def]
        original(entity, job, emit, timings)
        emit(f"rendered-by/{os.getpid()}/{hashlib.sha256(entity.value.encode()).hexdigest()}", b"")

    monkeypatch.setattr("publish.entities.render_entity", noting)
    project = copy_project(tmp_path / "parallel")
    config = load_config(project, {"base_iri": BASE}, environ={})
    summary = build_site(config)
    renderers = {p.name: len(list(p.iterdir())) for p in (config.out_dir / "rendered-by").iterdir()}
    assert len(renderers) == 2
    assert renderers[str(os.getpid())] == summary.entities // 2
    assert sum(renderers.values()) == summary.entities


@pytest.mark.slow
@pytest.mark.parametrize("where", ["worker", "builder"])
def test_a_render_failure_in_either_process_stops_the_build_and_keeps_the_site(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("publish.entities.PARALLEL_THRESHOLD", 50)
    monkeypatch.setattr("publish.entities.os.sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    project = copy_project(tmp_path / "parallel")
    config = load_config(project, {"base_iri": BASE}, environ={})
    build_site(config)
    before = (config.out_dir / "index.html").read_bytes()
    builder = os.getpid()
    original = entities.render_entity

    def failing(entity, job, emit, timings):  # type: ignore[no-untyped-def]
        if (os.getpid() == builder) == (where == "builder"):
            if where == "worker":
                os._exit(3)  # a worker killed (out of memory, a signal) says nothing
            raise BuildError(f"cannot render {entity.value}")
        original(entity, job, emit, timings)

    monkeypatch.setattr("publish.entities.render_entity", failing)
    with pytest.raises(BuildError, match=r"render worker stopped \(exit code 3\)|cannot render"):
        build_site(config, force=True)
    assert (config.out_dir / "index.html").read_bytes() == before


@pytest.mark.slow
def test_a_rebuild_with_nothing_changed_keeps_the_output_and_any_change_rebuilds(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    out = tmp_path / "site"
    first = run_planlod("build", "--project", str(project), "--out", str(out))
    assert first.code == 0, first.err
    stamp = (out / "index.html").stat().st_mtime_ns
    again = run_planlod("build", "--project", str(project), "--out", str(out))
    assert again.code == 0
    assert "nothing changed since the last build" in again.out
    assert (out / "index.html").stat().st_mtime_ns == stamp
    forced = run_planlod("build", "--project", str(project), "--out", str(out), "--force")
    assert "nothing changed" not in forced.out
    assert (out / "index.html").stat().st_mtime_ns != stamp
    strings = project / "site" / "strings.toml"
    strings.write_text(strings.read_text(encoding="utf-8").replace('"Forside"', '"Start"', 1), encoding="utf-8")
    changed = run_planlod("build", "--project", str(project), "--out", str(out))
    assert "nothing changed" not in changed.out
    assert ">Start<" in (out / "index.html").read_text(encoding="utf-8")


def test_the_built_catalogue_in_every_format_passes_the_official_dcat_ap_shapes(built: Path) -> None:
    shapes = shapes_graph("shapes.ttl", "range.ttl")
    turtle = Graph().parse(built / "catalog.ttl", format="turtle")
    assert violations(shacl(turtle, shapes)) == []
    assert isomorphic(Graph().parse(built / "catalog.rdf", format="xml"), turtle)
    assert isomorphic(Graph().parse(built / "catalog.jsonld", format="json-ld"), turtle)
    assert (None, RDF.type, URIRef("http://www.w3.org/ns/dcat#Catalog")) in turtle


@pytest.mark.parametrize(
    ("iri", "problem"),
    [
        ("parti/x?y=1", "percent-encoding, a query string or a fragment"),
        ("parti/x/en", "reserved for the site's own pages"),
        ("parti/sf.ttl", "ends like a file name"),
        ("sitemap.xml/x", "ends like a file name"),
        ("daekning/x", "a file or folder of the site itself"),
    ],
)
def test_iris_the_site_cannot_publish_are_violations_naming_the_iri(tmp_path: Path, iri: str, problem: str) -> None:
    """Publishability is a validation rule: `validate` and `build` both refuse the data (exit 1)."""
    project = copy_project(tmp_path / "project")
    with (project / "data" / "organisationer.ttl").open("a", encoding="utf-8") as handle:
        handle.write(
            f'\n<{iri}> a <http://xmlns.com/foaf/0.1/Organization> ; <http://www.w3.org/2000/01/rdf-schema#label> "X"@da .\n'
        )
    validated = run_planlod("validate", "--project", str(project))
    assert validated.code == 1, validated.out + validated.err
    assert problem in validated.out and "data/organisationer.ttl:" in validated.out
    result = run_planlod("build", "--project", str(project), "--out", str(tmp_path / "site"))
    assert result.code == 1, result.out + result.err
    assert problem in result.err
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
def test_only_web_and_mail_addresses_become_links(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    with (project / "data" / "organisationer.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\n<kommune/hedensted> <http://xmlns.com/foaf/0.1/homepage> <javascript:alert(1)> .\n")
    config = load_config(project, {"base_iri": BASE}, environ={})
    build_site(config)
    html = (config.out_dir / "kommune" / "hedensted" / "index.html").read_text(encoding="utf-8")
    assert "javascript:alert(1)" in html
    assert 'href="javascript:' not in html


def test_an_output_folder_that_is_a_file_exits_2(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (tmp_path / "site").write_text("not a folder", encoding="utf-8")
    result = run_planlod("build", "--project", str(project), "--out", str(tmp_path / "site"))
    assert result.code == 2
    assert "is a file" in result.err or "not a directory" in result.err.lower()
    assert (tmp_path / "site").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.slow
def test_a_static_build_advertises_no_sparql_service_and_warns_without_a_contact(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    settings = project / "pyproject.toml"
    text = settings.read_text(encoding="utf-8")
    assert 'sparql_endpoint = "sparql"\n' in text
    settings.write_text(text.replace('sparql_endpoint = "sparql"\n', ""), encoding="utf-8")
    site = tmp_path / "site"
    result = run_planlod("build", "--project", str(project), "--out", str(site))
    assert result.code == 0, result.err
    assert "planlod: warning: no contact_email is configured" in result.err
    catalogue = Graph().parse(site / "catalog.ttl")
    dcat = "http://www.w3.org/ns/dcat#"
    assert not list(catalogue.subjects(RDF.type, URIRef(dcat + "DataService")))
    assert not list(catalogue.objects(None, URIRef(dcat + "endpointURL")))
    assert not list(catalogue.objects(None, URIRef(dcat + "contactPoint")))
    void = Graph().parse(site / "void.ttl")
    assert not list(void.objects(None, URIRef("http://rdfs.org/ns/void#sparqlEndpoint")))
    html = (site / "foresporgsel" / "index.html").read_text(encoding="utf-8")
    assert 'id="endpoint-url"' not in html and 'id="query-form"' not in html
    assert not re.search(r'(?:href|action)="[^"]*sparql(?:\?[^"]*)?"', html)

    # With an endpoint and a contact configured, both are advertised and nothing is warned.
    env = {"PLANLOD_SPARQL_ENDPOINT": "https://sparql.example.dk/q", "PLANLOD_CONTACT_EMAIL": "data@example.dk"}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        result = run_planlod("build", "--project", str(project), "--out", str(site))
    assert result.code == 0, result.err
    assert "warning" not in result.err
    catalogue = Graph().parse(site / "catalog.ttl")
    assert set(catalogue.objects(None, URIRef(dcat + "endpointURL"))) == {URIRef("https://sparql.example.dk/q")}
    assert set(catalogue.objects(None, URIRef(dcat + "contactPoint")))
    void = Graph().parse(site / "void.ttl")
    assert URIRef("https://sparql.example.dk/q") in set(
        void.objects(None, URIRef("http://rdfs.org/ns/void#sparqlEndpoint"))
    )
    assert "https://sparql.example.dk/q" in (site / "foresporgsel" / "index.html").read_text(encoding="utf-8")
