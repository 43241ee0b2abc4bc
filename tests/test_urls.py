"""The URI policy (publish/urls.py): the one owner of IRIs and output paths, what it mints, and that it owns them.

The ownership checks read the code (Python's own parser) and the templates; the build test renames the dump folder
and the English segment, the two names the design calls out, and builds the project with them.
"""

from __future__ import annotations

import ast
import posixpath
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from publish import urls
from publish.build import build_site
from publish.config import load_config
from publish.formats import GZIP, JSONLD, NTRIPLES, TURTLE
from publish.serve import check_site
from publish.urls import PageLinks, UrlPolicy, page, page_dir, relative
from tests.conftest import ROOT, copy_project, docstring_ids
from tests.test_build import check_internal_links

BASE = "https://data.example.dk/planer/"
BASE_NAMES = {"base", "base_iri"}
# Folders whose paths no other module may spell, names it may not spell, segments it may not put in a path.
FOLDERS = {
    urls.DUMP_FOLDER,
    urls.EXPORT_FOLDER,
    urls.SDG_FOLDER,
    urls.ASSETS_FOLDER,
    urls.SOURCES_FOLDER,
    urls.CONTEXT_FOLDER,
    urls.SERVER_FOLDER,
    urls.CATALOGUE_PATH,
    urls.DATASET_PATH,
    urls.ONTOLOGY_PATH,
    urls.SHAPES_PATH,
    urls.SERVICE_PATH.split("/")[0],
    urls.COVERAGE_PAGE,
    urls.DATAMODEL_PAGE,
    urls.QUERY_PAGE,
    urls.VALUES_SEGMENT,
    urls.ENGLISH_SEGMENT,
}
NAMES = {
    urls.COVERAGE_PAGE,
    urls.DATAMODEL_PAGE,
    urls.QUERY_PAGE,
    urls.DATASET_PATH,
    urls.CATALOGUE_PATH,
    urls.ONTOLOGY_PATH,
    urls.CONTACT_PATH,
    urls.EXPORT_FOLDER,
    urls.VALUES_SEGMENT,
    urls.SOURCES_FOLDER,
    urls.PROVENANCE_SEGMENT,
    urls.SERVICE_PATH,
    urls.COVERAGE_CSV,
    urls.VOID_FILE,
    urls.VOID_WELL_KNOWN,
    urls.SITEMAP_FILE,
    urls.ROBOTS_FILE,
    urls.NGINX_FILE,
    urls.HTACCESS_FILE,
    urls.INDEX_FILE,
    urls.BUILD_MARKER,
    urls.BUILD_STATE,
    urls.BUILD_FILES,
    urls.PRIVATE_PREFIX,
}
SEGMENTS = re.compile(rf"/(?:{urls.ENGLISH_SEGMENT}|{urls.VALUES_SEGMENT})(?:/|$)")


def modules() -> Iterator[tuple[Path, ast.Module]]:
    """Every module of publish/ but the URI policy, parsed."""
    for path in sorted((ROOT / "publish").rglob("*.py")):
        if path.name != "urls.py":
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def is_base(node: ast.expr) -> bool:
    """`x.base`, `x.base_iri`, `base` or `base_iri`."""
    return (isinstance(node, ast.Attribute) and node.attr in BASE_NAMES) or (
        isinstance(node, ast.Name) and node.id in BASE_NAMES
    )


def spells_a_site_path(text: str) -> bool:
    if "://" in text:
        return False
    return text in NAMES or any(text.startswith(f + "/") for f in FOLDERS) or SEGMENTS.search(text) is not None


def test_no_module_but_the_uri_policy_joins_the_base_iri_with_a_path() -> None:
    found = []
    for path, tree in modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Add)
                and (is_base(node.left) or is_base(node.right))
            ):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
            if isinstance(node, ast.JoinedStr):
                for part, following in zip(node.values, node.values[1:], strict=False):
                    if (
                        isinstance(part, ast.FormattedValue)
                        and is_base(part.value)
                        and isinstance(following, ast.Constant)
                        and re.match(r"[A-Za-z0-9_~-]|[./][A-Za-z0-9_~-]", str(following.value))
                    ):
                        found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)[:80]}")
    assert found == [], "ask the URI policy (UrlPolicy.iri and its named IRIs) instead"


def test_no_module_but_the_uri_policy_spells_a_path_of_the_site() -> None:
    found = []
    for path, tree in modules():
        skip = docstring_ids(tree)
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) and id(node) not in skip else None
            if isinstance(text, str) and spells_a_site_path(text):
                found.append(f"{path.name}:{node.lineno}: {text!r}")
    assert found == [], "ask the URI policy (publish/urls.py) for the path"


def test_the_ownership_checks_see_what_they_look_for() -> None:
    """The two checks above would find a path or a joined base: they are not vacuous."""
    sample = ast.parse('x = policy.base + "dump/latest.nt"\ny = f"{config.base_iri}sdg/3"\nz = "plan/x/en/"\n')
    nodes = list(ast.walk(sample))
    assert any(isinstance(n, ast.BinOp) and is_base(n.left) for n in nodes)
    spelt = {n.value for n in nodes if isinstance(n, ast.Constant) and spells_a_site_path(str(n.value))}
    assert spelt == {"dump/latest.nt", "sdg/3", "plan/x/en/"}


def test_templates_take_every_link_from_their_view_model() -> None:
    literal = re.compile(r"""\b(?:href|src|action)\s*=\s*["'](?!\{\{|#|\?|https?:|mailto:|data:)([^"']*)["']""")
    found = []
    for template in sorted((ROOT / "site" / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        name = template.relative_to(ROOT).as_posix()
        found += [f"{name}: {m.group(0)}" for m in re.finditer(r"\b(?:l?href)\(", text)]
        found += [f"{name}: {m.group(0)}" for m in literal.finditer(text)]
        found += [f"{name}: {q}" for q in re.findall(r"""["']([^"'{}<>\s]+)["']""", text) if spells_a_site_path(q)]
    assert found == []


# ---------------------------------------------------------------- another layout, built


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built with the dump folder named `data-dumps` and the English segment `engelsk`."""
    saved = (urls.DUMP_FOLDER, urls.ENGLISH_SEGMENT)
    urls.DUMP_FOLDER, urls.ENGLISH_SEGMENT = "data-dumps", "engelsk"
    try:
        project = copy_project(tmp_path_factory.mktemp("renamed") / "project")
        config = load_config(project, {"base_iri": BASE, "out_dir": str(project / "out")}, environ={})
        build_site(config)
        check_site(config.out_dir)  # what `planlod serve` checks before it starts: the N-Triples dump is there
    finally:
        urls.DUMP_FOLDER, urls.ENGLISH_SEGMENT = saved
    return config.out_dir


def test_a_renamed_dump_folder_and_english_segment_are_used_everywhere(renamed: Path) -> None:
    assert not (renamed / "dump").exists()
    for fmt in (TURTLE, NTRIPLES, JSONLD):
        assert (renamed / "data-dumps" / f"latest{fmt.extension}").is_file()
        assert (renamed / "data-dumps" / f"latest{fmt.extension}.gz").is_file()
    folders = {p.name for p in renamed.rglob("*") if p.is_dir()}
    assert "engelsk" in folders and "en" not in folders
    assert (renamed / "engelsk" / "index.html").is_file()
    assert (renamed / "plan" / "ambitioner-og-retning-2020" / "engelsk" / "index.html").is_file()
    catalogue = {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in ox.parse(path=str(renamed / "catalog.ttl"), format=ox.RdfFormat.TURTLE)
    }
    downloads = {o for _, p, o in catalogue if p == "http://www.w3.org/ns/dcat#downloadURL"}
    assert BASE + "data-dumps/latest.ttl" in downloads
    assert not [d for d in downloads if "/dump/" in d]
    void = (renamed / "void.ttl").read_text(encoding="utf-8")
    assert f"<{BASE}data-dumps/latest.nt>" in void and "/dump/" not in void
    sitemap = (renamed / "sitemap.xml").read_text(encoding="utf-8")
    assert f"{BASE}engelsk/" in sitemap and "/en/<" not in sitemap


def test_every_link_of_every_page_resolves_in_the_renamed_layout(renamed: Path) -> None:
    assert check_internal_links(renamed, "engelsk") > 5000


# ---------------------------------------------------------------- what the policy mints


def test_entity_pages_documents_and_links() -> None:
    assert page_dir("plan/p", "da") == "plan/p"
    assert page_dir("plan/p", "en") == "plan/p/en"
    assert page_dir("", "en") == "en"
    assert page("plan/p/", "da") == "plan/p/"
    assert page("", "da") == "/"
    assert urls.document("plan/p", TURTLE) == "plan/p.ttl"
    assert relative("plan/p/en", "plan/p.ttl") == "../../p.ttl"
    assert relative("plan/p", "plan/p/en/") == "en/"
    assert relative("", "") == "./"
    assert relative("ontologi/Plan", "ontologi/") == "../"
    assert urls.page_file("") == "index.html" and urls.page_file("sdg/3") == "sdg/3/index.html"
    assert urls.page_folder("sdg/3/index.html") == "sdg/3/"
    assert urls.is_page_file("index.html") and not urls.is_page_file("xindex.html")
    assert urls.values_folder("plan/p", True, "plo:focusArea") == "plan/p/vaerdier/ud-plo-focusArea"
    assert urls.values_folder("plan/p", False, "<http://x/y>") == "plan/p/vaerdier/ind--http-x-y"
    assert urls.sdg_page("3.5") == "sdg/3.5"


def test_the_sites_files() -> None:
    assert urls.dump(NTRIPLES) == "dump/latest.nt"
    assert urls.compressed(urls.dump(NTRIPLES), GZIP) == "dump/latest.nt.gz"
    assert urls.ontology_dump() == "dump/ontology.ttl" and urls.shapes_dump() == "dump/shapes.ttl"
    assert urls.sdg_links_csv_file() == "eksport/sdg-koblinger.csv"
    assert urls.sdg_links_sssom_file() == "eksport/sdg-koblinger.sssom.tsv"
    assert urls.catalogue_file(TURTLE) == "catalog.ttl"
    assert urls.void_files() == ("void.ttl", ".well-known/void")
    assert urls.context_file() == "context/v1.jsonld"
    assert re.fullmatch(urls.context_pattern(), "context/v12.jsonld")
    assert re.fullmatch(urls.fingerprinted_asset_pattern(), "assets/x/style.0123abcd.css")
    assert not re.fullmatch(urls.fingerprinted_asset_pattern(), "assets/style.css")
    assert urls.is_private(".planlod-state") and not urls.is_private("plan/x.ttl")
    assert urls.reserved_segments() == {"en", "vaerdier"}


def test_iris_under_the_base() -> None:
    policy = UrlPolicy(BASE)
    assert policy.iri("plan/p") == BASE + "plan/p"
    assert policy.ontology_ns == BASE + "ontologi/" and policy.shapes == BASE + "shapes"
    assert policy.dataset == BASE + "datasaet" and policy.catalogue == BASE + "katalog"
    assert policy.record(BASE + "datasaet/plan/p") == BASE + "katalog/post/datasaet/plan/p"
    assert policy.plan_dataset(BASE + "plan/p") == BASE + "datasaet/plan/p"
    assert policy.plan_dataset("https://other.example/planer/Klima Plan") == BASE + "datasaet/plan/klima-plan"
    assert policy.distribution("turtle-gz") == BASE + "datasaet/distribution/turtle-gz"
    assert policy.series("klimaplan") == BASE + "datasaet/serie/klimaplan"
    assert policy.provenance_graph == BASE + "datasaet/proveniens"
    assert policy.service == BASE + "tjeneste/sparql" and policy.contact == BASE + "kontakt"
    assert policy.dataset_graph == BASE + "dump/latest.nt"
    assert policy.sitemap == BASE + "sitemap.xml"
    assert policy.page_iri("plan/p/en") == BASE + "plan/p/en/"
    assert policy.short(BASE + "ontologi/Plan") == "plo:Plan"
    assert policy.short(BASE + "plan/p") == "plan/p" and policy.short(BASE) == "/"
    assert policy.short("http://purl.org/dc/terms/title") == "dct:title"
    assert not policy.is_local(BASE + "plan/p#x") and not policy.is_local("https://data.example.dk/other")
    with pytest.raises(ValueError, match="not under"):
        policy.path("https://elsewhere.example/x")


@pytest.mark.parametrize(
    ("setting", "iri"),
    [
        ("sparql", BASE + "sparql"),
        ("/api/sparql", BASE + "api/sparql"),
        ("https://sparql.example.org/q", "https://sparql.example.org/q"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_the_sparql_endpoint_setting_is_resolved_one_way(setting: str, iri: str) -> None:
    """Relative to the base IRI (a leading slash too) or absolute, as for `publisher`; the catalogue, VoID and the
    query page all ask this one method."""
    assert UrlPolicy(BASE).endpoint(setting) == iri


def test_the_frame_links_of_a_page() -> None:
    links = PageLinks("plan/p/en", "en")
    assert links.home == "../../../en/"
    assert links.coverage == "../../../daekning/en/"
    assert links.dataset == "../../../datasaet/en/"
    assert links.ontology == "../../../ontologi/en/"
    assert links.style == "../../../assets/style.css"
    assert links.dump_turtle == "../../../dump/latest.ttl"
    assert links.catalogue == "../../../catalog.ttl"
    assert links.site_root == "../../../"
    assert PageLinks("", "da").home == "./"
    assert PageLinks("foresporgsel", "da").to_iri(BASE + "sparql", BASE) == "../sparql"
    assert PageLinks("foresporgsel", "da").to_iri("https://x.example/q", BASE) == "https://x.example/q"


def test_relative_links_are_those_of_posix_relpath_between_any_folders() -> None:
    """The links between a page's folder and any site path, shared first folder or not, are what
    `posixpath.relpath` gives (with a trailing slash for a folder)."""
    rng = random.Random(3)
    names = ["a", "b", "ab", "en", "plan", "sdg", "3.4", "p.ttl"]
    for _ in range(5000):
        here = "/".join(rng.choice(names) for _ in range(rng.randint(0, 5)))
        target = "/".join(rng.choice(names) for _ in range(rng.randint(0, 5)))
        expected = posixpath.relpath(target or ".", here or ".")
        if target:  # the empty path is the root folder
            assert relative(here, target) == expected, (here, target)
        assert relative(here, target + "/") == ("./" if expected == "." else expected + "/"), (here, target)
