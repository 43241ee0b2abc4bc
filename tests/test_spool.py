"""The dumps are written piece by piece into a spool folder beside the site's generations, and moved into the new
generation by the writer: the published files are the bytes the catalogue describes, the same as when the dumps
are made in memory, and no spool folder outlives its build (a killed build's is removed by the next build, a
running build's, which holds its lock, is left alone)."""

from __future__ import annotations

import errno
import gzip
import hashlib
import subprocess
import sys
from collections.abc import Iterable
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


def test_the_published_dumps_are_what_the_catalogue_says_and_no_spool_is_left(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    spooled: list[str] = []
    add_pieces = SitePlan.add_pieces

    def noted(plan: SitePlan, path: str, pieces: Iterable[bytes]) -> tuple[int, str]:
        made = add_pieces(plan, path, pieces)
        if isinstance(plan.files[path], Spooled):
            spooled.append(path)
        return made

    monkeypatch.setattr(SitePlan, "add_pieces", noted)
    build_site(config, force=True)
    site = config.out_dir
    assert {"dump/latest.ttl", "dump/latest.nt.gz", "dump/latest.jsonld", "dump/latest.trig"} <= set(spooled)
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
    for name in ("latest.ttl", "latest.nt", "latest.jsonld", "latest.trig"):
        plain = (site / "dump" / name).read_bytes()
        assert gzip.decompress((site / "dump" / f"{name}.gz").read_bytes()) == plain, name


def test_a_build_that_fails_after_spooling_leaves_the_site_and_no_spool(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_site(config, force=True)
    before = (config.out_dir / "dump" / "latest.nt").read_bytes()
    held: list[int] = []

    def fail(*_args: object, **_kwargs: object) -> None:
        (name,) = spools(config.out_dir)  # the dumps wait in the spool
        held.append(len(list((switch.generations(config.out_dir) / name).iterdir())))
        raise BuildError("stopped while planning the changes")

    monkeypatch.setattr("publish.build.plan_work", fail)
    with pytest.raises(BuildError, match="stopped while planning the changes"):
        build_site(config, force=True)
    assert held and held[0] >= 8  # the lock and the dumps
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
    with pytest.raises(
        BuildError, match=r"\.site\.sites: cannot write the site: the disk is full; the previous site is left as it was"
    ):
        build_site(config, force=True)
    assert spools(config.out_dir) == []
    assert (config.out_dir / "dump" / "latest.nt").read_bytes() == before


# Holds a spool folder of the site given as the argument, says its name, and waits (until it is killed).
HOLDER = """
import sys
from collections.abc import Iterable
from pathlib import Path
from publish import switch
with switch.spooling(Path(sys.argv[1])) as folder:
    print(folder.name, flush=True)
    sys.stdin.read()
"""


def test_a_running_builds_spool_is_left_alone_and_a_killed_ones_removed(config: Config) -> None:
    build_site(config, force=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(config.out_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        name = holder.stdout.readline().strip()
        assert name.startswith(switch.SPOOL)
        assert switch.clean_leftovers(config.out_dir) == []
        build_site(config, force=True)  # another build of the site meanwhile
        assert spools(config.out_dir) == [name]
    finally:
        holder.kill()
        holder.wait(10)
    # Killed: the folder is left, and the next build removes it.
    assert spools(config.out_dir) == [name]
    assert switch.clean_leftovers(config.out_dir) == [name]
    assert spools(config.out_dir) == []
