"""The formats table (publish/formats.py) is the only place that knows media types, and what it says holds."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from publish.config import Config
from publish.formats import (
    DATA_FILES,
    FORMATS,
    GRAPH_FORMATS,
    RDF_FORMATS,
    SITE_FILES,
    SOLUTION_FORMATS,
    content_type_for_name,
    format_for_extension,
    format_for_file_type,
    format_for_media_type,
    site_file_types,
)
from publish.serve import ENTITY_OFFERS, content_type_for
from publish.serverconf import htaccess, nginx_conf
from publish.urls import UrlPolicy
from tests.conftest import ROOT, docstring_ids

MEDIA_TYPE = re.compile(r"\b(?:text|application|image|font|audio|video)/[a-z0-9][a-z0-9.+-]*")
EU_FILE_TYPES = ROOT / "shapes" / "dcat-ap" / "filetypes-skos.rdf"


def string_constants(path: Path) -> list[tuple[int, str]]:
    """Every string in a module's code (docstrings left out), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = docstring_ids(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_module_but_the_formats_table_names_a_media_type() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {match}"
        for path in sorted((ROOT / "publish").rglob("*.py"))
        if path.name != "formats.py"
        for line, text in string_constants(path)
        for match in MEDIA_TYPE.findall(text)
    ]
    assert found == [], "media types outside publish/formats.py (add a row or read the table)"


def test_rows_are_unambiguous() -> None:
    extensions = [e for f in SITE_FILES for e in f.extensions]
    assert len(extensions) == len(set(extensions)), "an extension in two rows"
    entity_types = [t for f in RDF_FORMATS for t in f.media_types]
    assert len(entity_types) == len(set(entity_types)), "an entity document media type in two rows"
    for formats in (SOLUTION_FORMATS, GRAPH_FORMATS):
        offered = [t for f in formats for t in f.result_media_types]
        assert len(offered) == len(set(offered)), "a /sparql media type in two rows of one kind of result"
    for fmt in FORMATS:
        assert fmt.content_type.split(";")[0] == fmt.media_type, fmt.name
        assert fmt.extensions or fmt.results_format is not None or not fmt.data, fmt.name


def test_every_eu_file_type_is_in_the_eu_list() -> None:
    """The EU Publications Office file-type list (shipped in shapes/dcat-ap/) has every code the table names."""
    text = EU_FILE_TYPES.read_text(encoding="utf-8")
    named = [f for f in FORMATS if f.eu_file_type]
    assert named
    missing = [f.name for f in named if f'rdf:about="{f.eu_file_type_iri}"' not in text]
    assert missing == []


def test_every_rdf_row_reads_what_it_writes() -> None:
    triple = ox.Triple(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("o"))
    for fmt in FORMATS:
        if fmt.rdf_format is None:
            continue
        written = ox.serialize([triple], format=fmt.rdf_format)
        assert [q.triple for q in ox.parse(written, format=fmt.rdf_format)] == [triple], fmt.name
        assert fmt.w3c_format and fmt.eu_file_type, f"{fmt.name}: an RDF format needs its W3C and EU names"


@pytest.mark.parametrize(("extension", "content_type"), site_file_types())
def test_serve_and_both_server_rule_sets_send_the_tables_content_type(
    config: Config, extension: str, content_type: str
) -> None:
    policy = UrlPolicy("https://data.example.dk/")
    assert content_type_for(f"folder/file.{extension}") == content_type
    assert f"'{content_type}' {extension};" in nginx_conf(config, policy)
    assert f'AddType "{content_type}" .{extension}' in htaccess(config, policy)


def test_lookups() -> None:
    assert format_for_extension(".ttl") is format_for_extension("TTL") is RDF_FORMATS[0]
    assert format_for_file_type("RDF_N_TRIPLES") is RDF_FORMATS[2]
    assert format_for_media_type("application/x-turtle") is RDF_FORMATS[0]
    assert format_for_media_type("application/json") is None, "JSON is not taken for JSON-LD at an entity IRI"
    assert content_type_for_name("dump/latest.nt.gz") == "application/gzip"
    assert content_type_for_name("server/nginx.conf") == "application/octet-stream"
    assert content_type_for(".well-known/void") == "text/turtle; charset=utf-8"
    assert {e for f in DATA_FILES for e in f.extensions} >= {"ttl", "jsonld", "nt", "csv", "tsv", "gz"}
    offered = {media for media, _ in ENTITY_OFFERS}
    assert offered == {t for f in RDF_FORMATS for t in f.media_types} | {"text/html", "application/xhtml+xml"}
