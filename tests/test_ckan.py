"""The catalogue as CKAN reads it: ckanext-dcat's own RDFParser (the one its `dcat_rdf_harvester` runs) over the
built `catalog.rdf`, in the CKAN virtual environment that tests/setup.sh makes (.venv-ckan).

The portal is a Danish one: `ckan.locale_default = da`, and a licence register (`licenses_group_url`) that lists
CC BY 4.0 by its Creative Commons address and its name, not by the EU licence list's IRI the catalogue uses.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef

from publish.build import build_site
from publish.config import load_config
from tests.conftest import ROOT, copy_project

CKAN_PYTHON = ROOT / ".venv-ckan" / "bin" / "python"
PARSE = ROOT / "tests" / "ckan" / "parse_catalogue.py"
LICENCES = ROOT / "tests" / "ckan" / "licences.json"
BASE = "https://data.example.dk/"
IANA = "https://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
CONTACT = {"contact_email": "data@example.dk", "contact_name": "Dataenheden"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built with a contact point configured."""
    project = copy_project(tmp_path_factory.mktemp("ckan") / "project")
    config = load_config(project, {"base_iri": BASE, **CONTACT}, environ={})
    build_site(config)
    return config.out_dir


def ckan_datasets(catalogue: Path, rdf_format: str = "xml", locale: str = "da") -> list[dict[str, Any]]:
    """The datasets CKAN would create from the catalogue."""
    assert CKAN_PYTHON.exists(), "tests/setup.sh makes .venv-ckan (CKAN and ckanext-dcat)"
    done = subprocess.run(
        [str(CKAN_PYTHON), str(PARSE), str(catalogue), rdf_format, locale, str(LICENCES)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    datasets: list[dict[str, Any]] = json.loads(done.stdout)
    return datasets


@pytest.fixture(scope="module")
def dataset(site: Path) -> dict[str, Any]:
    datasets = ckan_datasets(site / "catalog.rdf")
    assert len(datasets) == 1
    return datasets[0]


def extras(dataset: dict[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in dataset["extras"]}


def test_ckan_reads_the_licence(dataset: dict[str, Any]) -> None:
    assert dataset["license_id"] == "cc-by-4.0"
    eu = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    assert {r["license"] for r in dataset["resources"]} == {eu}


def test_a_danish_portal_shows_the_danish_title_and_description(dataset: dict[str, Any], site: Path) -> None:
    assert dataset["title"] == "Ambitioner og retning (Hedensted Kommune, 2020) som linked open data"
    assert dataset["notes"].startswith("Planen »Ambitioner og retning« fra Hedensted Kommune")
    english = ckan_datasets(site / "catalog.rdf", locale="en")[0]
    assert english["title"] == "Ambitions and direction (Hedensted Municipality, 2020) as linked open data"


def test_ckan_reads_the_contact_point(dataset: dict[str, Any]) -> None:
    fields = extras(dataset)
    assert fields["contact_email"] == CONTACT["contact_email"]
    assert fields["contact_name"] == CONTACT["contact_name"]
    assert fields["contact_uri"] == BASE + "kontakt"


def test_ckan_reads_the_publisher_and_keywords_in_both_languages(dataset: dict[str, Any], site: Path) -> None:
    assert extras(dataset)["publisher_name"] == "Hedensted Kommune"
    tags = {t["name"] for t in dataset["tags"]}
    assert {"Sundhed", "Health", "politisk plan", "political plan"} <= tags
    # Each keyword is tagged with its language, so a multilingual portal can keep the languages apart.
    catalogue = Graph().parse(site / "catalog.ttl")
    keywords = set(catalogue.objects(URIRef(BASE + "datasaet"), URIRef("http://www.w3.org/ns/dcat#keyword")))
    assert {str(k) for k in keywords} == tags
    assert {getattr(k, "language", None) for k in keywords} == {"da", "en"}


def test_ckan_reads_formats_media_types_and_checksums_of_every_download(dataset: dict[str, Any], site: Path) -> None:
    resources = {r["url"]: r for r in dataset["resources"]}
    downloads = {url: r for url, r in resources.items() if url.startswith(BASE) and "." in url.rsplit("/", 1)[-1]}
    assert BASE + "dump/latest.ttl.gz" in downloads and BASE + "dump/latest.nt" in downloads
    for url, resource in downloads.items():
        content = (site / url.removeprefix(BASE)).read_bytes()
        assert resource["hash"] == hashlib.sha256(content).hexdigest(), url
        assert resource["hash_algorithm"] == "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
        assert resource["size"] == len(content), url
    turtle = downloads[BASE + "dump/latest.ttl"]
    assert turtle["mimetype"] == IANA + "text/turtle"
    assert turtle["format"] == FILE_TYPE + "RDF_TURTLE"
    assert "compress_format" not in turtle
    for url, resource in downloads.items():
        if url.endswith(".gz"):
            # What the server sends is gzip; the content's format is the format of the file inside.
            assert resource["mimetype"] == IANA + "application/gzip", url
            assert resource["compress_format"] == IANA + "application/gzip", url
            assert gzip.decompress((site / url.removeprefix(BASE)).read_bytes())
    assert downloads[BASE + "dump/latest.ttl.gz"]["format"] == FILE_TYPE + "RDF_TURTLE"
    assert downloads[BASE + "dump/latest.nt.gz"]["format"] == FILE_TYPE + "RDF_N_TRIPLES"


def test_every_catalogue_format_gives_ckan_the_same_dataset(dataset: dict[str, Any], site: Path) -> None:
    for name, rdf_format in (("catalog.ttl", "turtle"), ("catalog.jsonld", "json-ld")):
        other = ckan_datasets(site / name, rdf_format)
        assert len(other) == 1
        for key in ("title", "notes", "license_id"):
            assert other[0][key] == dataset[key], (name, key)
        assert sorted(r["url"] for r in other[0]["resources"]) == sorted(r["url"] for r in dataset["resources"])
