"""The dumps are written piece by piece into a spool folder beside the site's generations, and moved into the new
generation by the writer: the published files are the bytes the catalogue describes, the same as when the dumps
are made in memory, and no spool folder outlives its build (a killed build's is removed by the next build, a
running build's is left alone)."""

from __future__ import annotations

import errno
import hashlib
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from publish import switch
from publish.build import build_site
from publish.config import Config, load_config
from publish.errors import BuildError
from publish.siteplan import SitePlan
from publish.switch import Spooled

from .conftest import copy_project

BASE = "https://data.example.org/hedensted/"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    project = copy_project(tmp_path / "project")
    return load_config(project, {"base_iri": BASE, "out_dir": str(tmp_path / "public" / "site")}, environ={})


def spools(out: Path) -> list[str]:
    return sorted(p.name for p in switch.generations(out).iterdir() if p.name.startswith(switch.SPOOL))


def test_pieces_planned_into_a_spool_are_the_bytes_planned_in_memory(tmp_path: Path) -> None:
    pieces = [b"@prefix ex: <http://example.org/> .\n", b"", b"ex:a ex:b ex:c .\n" * 1000]
    in_memory, spooled = SitePlan(), SitePlan(spool=tmp_path)
    expected = (len(b"".join(pieces)), hashlib.sha256(b"".join(pieces)).hexdigest())
    assert in_memory.add_pieces("dump/latest.ttl", iter(pieces)) == expected
    assert spooled.add_pieces("dump/latest.ttl", iter(pieces)) == expected
    assert in_memory.files["dump/latest.ttl"] == b"".join(pieces)
    held = spooled.files["dump/latest.ttl"]
    assert isinstance(held, Spooled) and held.size == expected[0]
    assert held.file.parent == tmp_path and held.file.read_bytes() == b"".join(pieces)
    with pytest.raises(BuildError, match=r"two outputs want the same path: dump/latest\.ttl"):
        spooled.add_pieces("dump/latest.ttl", iter(pieces))


def test_the_published_dumps_are_what_the_catalogue_says_and_no_spool_is_left(config: Config) -> None:
    build_site(config, force=True)
    site = config.out_dir
    assert spools(site) == []
    catalogue = ox.Store()
    catalogue.load(path=str(site / "catalog.ttl"), format=ox.RdfFormat.TURTLE)
    rows = catalogue.query(
        f"""SELECT ?url ?size ?sum WHERE {{
            ?d <{DCAT}downloadURL> ?url ; <{DCAT}byteSize> ?size ;
               <{SPDX}checksum> [ <{SPDX}checksumValue> ?sum ] }}"""
    )
    checked = set()
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        url, size, checksum = (term.value for term in row)
        path = url.removeprefix(BASE)
        content = (site / path).read_bytes()
        assert (len(content), hashlib.sha256(content).hexdigest()) == (int(size), checksum), path
        checked.add(path)
    assert {"dump/latest.ttl", "dump/latest.nt.gz", "dump/latest.jsonld", "dump/latest.trig.gz"} <= checked


def test_a_build_that_fails_after_spooling_leaves_the_site_and_no_spool(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_site(config, force=True)
    before = (config.out_dir / "dump" / "latest.nt").read_bytes()

    def fail(*_args: object, **_kwargs: object) -> None:
        raise BuildError("stopped while rendering")

    monkeypatch.setattr("publish.build.render_entities", fail)
    with pytest.raises(BuildError, match="stopped while rendering"):
        build_site(config, force=True)
    assert spools(config.out_dir) == []
    assert (config.out_dir / "dump" / "latest.nt").read_bytes() == before


def test_a_full_disk_while_the_dumps_are_spooled_is_a_clear_error_and_the_site_stays(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_site(config, force=True)
    before = (config.out_dir / "dump" / "latest.nt").read_bytes()

    def full(_descriptor: int, _data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("publish.siteplan.os.write", full)
    with pytest.raises(BuildError, match=r"cannot write dump/latest\.\w+ while the site is planned: No space left"):
        build_site(config, force=True)
    assert spools(config.out_dir) == []
    assert (config.out_dir / "dump" / "latest.nt").read_bytes() == before


def test_the_spool_of_a_process_that_ended_is_removed_and_a_running_ones_kept(config: Config) -> None:
    build_site(config, force=True)
    folder = switch.generations(config.out_dir)
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    dead = folder / f"{switch.SPOOL}{int(ended.stdout)}-0000abcd"
    with switch.spooling(config.out_dir) as running:
        (running / "piece").write_bytes(b"a dump being planned")
        dead.mkdir()
        (dead / "piece").write_bytes(b"left by a killed build")
        removed = switch.clean_leftovers(config.out_dir)
        assert dead.name in removed and not dead.exists()
        assert running.is_dir() and running.name not in removed
    assert not running.exists()
