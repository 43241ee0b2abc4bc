"""Incremental builds: after a change to the data only what changed is made again, and the output is byte-identical
to a full build of the changed data."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from publish import build, incremental
from publish.build import build_site
from publish.config import Config, load_config
from publish.incremental import STATE, BuildState
from publish.rdfterms import pack
from publish.urls import VALIDATION_RECORD, sdg_links_csv_file, search_index_file
from publish.write import FILES, MARKER

from .conftest import copy_project, run_planlod

pytestmark = pytest.mark.slow

BASE = "https://data.example.org/hedensted/"
PLAN = "data/ambitioner-og-retning-2020.ttl"
LINKS = "data/sdg-koblinger.ttl"
ONTOLOGY = "ontology/planlod.ttl"


def tree(root: Path) -> dict[str, str]:
    """Every published file under root (the build state excluded) with its digest."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != STATE
    }


def edit(project: Path, name: str, change: Callable[[str], str]) -> None:
    path = project / name
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, f"the edit of {name} changed nothing"
    path.write_text(after, encoding="utf-8")


def built_project(tmp_path: Path) -> tuple[Path, Config]:
    """A copy of the project, built once into `site` (a full build)."""
    project = copy_project(tmp_path / "project")
    config = load_config(project, {"base_iri": BASE, "out_dir": str(tmp_path / "site")}, environ={})
    assert build_site(config).rendered > 0
    return project, config


def full_build(project: Path, tmp_path: Path) -> Path:
    """A clean full build of the project into `full`."""
    full = load_config(project, {"base_iri": BASE, "out_dir": str(tmp_path / "full")}, environ={})
    build_site(full, force=True)
    return full.out_dir


def rename_area(text: str) -> str:
    return text.replace('skos:prefLabel "Sundhed"@da, "Health"@en', 'skos:prefLabel "Sundhed"@da, "Public health"@en')


def retitle_plan(text: str) -> str:
    return text.replace('dct:title "Ambitioner og retning"@da', 'dct:title "Ambitioner og retning 2020"@da', 1)


def drop_link(text: str) -> str:
    """Remove one SDG link record (an entity disappears, a derived dct:subject with it); one that no withdrawn link
    names as its replacement."""
    block = re.compile(r"<plan/ambitioner-og-retning-2020/omraade/aeldreomraadet/indsats/1/sdg/10\.2>\n.*?\.\n\n", re.S)
    return block.sub("", text, count=1)


def add_link(text: str) -> str:
    """A copy of an SDG link record under a new IRI, to another target (a new entity)."""
    block = re.search(r"<plan/ambitioner-og-retning-2020/omraade/sundhed/maal/sdg/3\.8>\n.*?\.\n\n", text, re.S)
    assert block is not None
    copy = block.group(0).replace("sdg/3.8>", "sdg/3.d>").replace("sdg:3.8 ;", "sdg:3.d ;")
    copy = copy.replace("delmål 3.8", "delmål 3.d").replace("target 3.8", "target 3.d")
    return text + "\n" + copy


def relabel_ontology(text: str) -> str:
    return text.replace('"Fokusområde"@da', '"Fokusområdet"@da', 1)


@pytest.mark.parametrize(
    ("name", "change", "share"),
    [
        # The share of entities an incremental build may make again (1 = a full build).
        (PLAN, rename_area, 0.5),
        (PLAN, retitle_plan, 0.9),  # every page under the plan shows its title in the breadcrumbs
        (LINKS, drop_link, 0.5),
        (LINKS, add_link, 0.5),
        (ONTOLOGY, relabel_ontology, 1),
    ],
    ids=["area-label", "plan-title", "link-removed", "link-added", "ontology"],
)
def test_a_build_after_a_change_writes_what_a_full_build_writes(
    tmp_path: Path, name: str, change: Callable[[str], str], share: float
) -> None:
    project = copy_project(tmp_path / "project")
    config = load_config(project, {"base_iri": BASE, "out_dir": str(tmp_path / "site")}, environ={})
    first = build_site(config)
    assert first.rendered == first.entities
    before = tree(config.out_dir)

    edit(project, name, change)
    second = build_site(config)
    full = load_config(project, {"base_iri": BASE, "out_dir": str(tmp_path / "full")}, environ={})
    clean = build_site(full, force=True)

    assert tree(config.out_dir) == tree(full.out_dir)
    assert second.files == clean.files
    changed = {p for p, d in tree(config.out_dir).items() if before.get(p) != d} | (before.keys() - tree(full.out_dir))
    if share < 1:
        # Only a part of the entities was made again, and only changed files were replaced or removed.
        assert 0 < second.rendered < second.entities * share
        assert second.replaced <= len(changed) + 1  # the build state is replaced too
    else:
        assert second.rendered == second.entities


def test_the_incremental_build_reports_what_it_made_again(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    out = tmp_path / "site"
    assert run_planlod("build", "--project", str(project), "--out", str(out)).code == 0
    edit(project, PLAN, rename_area)
    result = run_planlod("build", "--project", str(project), "--out", str(out))
    assert result.code == 0, result.err
    assert re.search(r"\d+ triple\(s\) changed since the last build: \d+ entities to make again", result.out)
    assert re.search(r"\(updated: \d+ entities made again, \d+ files replaced or removed\)", result.out)
    assert "Public health" in (out / "plan/ambitioner-og-retning-2020/omraade/sundhed/en/index.html").read_text()


@pytest.mark.parametrize("damage", ["interrupted", "corrupt-state", "no-state"])
def test_a_build_after_an_interrupted_update_or_without_a_usable_state_builds_everything(
    tmp_path: Path, damage: str
) -> None:
    project, config = built_project(tmp_path)
    edit(project, PLAN, rename_area)
    if damage == "interrupted":
        # What an update leaves when it stops while moving files into place.
        (config.out_dir / MARKER).write_text('{"written_by": "planlod build", "updating": true}\n')
    elif damage == "corrupt-state":
        (config.out_dir / STATE).write_bytes(b"not a state")
    else:
        (config.out_dir / STATE).unlink()
    stale = config.out_dir / "plan/ambitioner-og-retning-2020/stale.html"
    stale.write_text("left over")
    summary = build_site(config)
    assert summary.rendered == summary.entities
    assert not stale.exists()  # a full build replaces the folder
    assert tree(config.out_dir) == tree(full_build(project, tmp_path))


def test_a_build_state_damaged_anywhere_is_not_used(tmp_path: Path) -> None:
    # A state that reads back as another one would make an update skip pages that changed (a damaged reader or
    # file) or stop it with an error on every later build (a damaged packed part): any byte changed is found.
    lines = {b'<https://data.example.org/a> <https://data.example.org/p> "x" .'}
    state = BuildState(
        "key",
        "fingerprint",
        {"data/plan.ttl": ("file key", pack(lines))},
        pack(set()),
        {"https://data.example.org/a": [("a/index.html", 120)]},
        [("index.html", 300, "digest")],
        {"S<https://data.example.org/a>": ["https://data.example.org/a"]},
        {"https://data.example.org/a": "outside"},
        {"https://data.example.org/a": ("a/", "{}")},
    )
    stored = b"".join(state.dump())
    (tmp_path / STATE).write_bytes(stored)
    assert BuildState.load(tmp_path) == state
    for at in range(len(stored)):
        damaged = bytearray(stored)
        damaged[at] ^= 0x20
        (tmp_path / STATE).write_bytes(bytes(damaged))
        assert BuildState.load(tmp_path) is None, f"a changed byte at {at} of {len(stored)} went unnoticed"
    for end in (0, 5, 12, len(stored) // 2, len(stored) - 1):
        (tmp_path / STATE).write_bytes(stored[:end])
        assert BuildState.load(tmp_path) is None, f"a state cut at {end} bytes was read"


def test_the_build_state_records_what_each_page_read(tmp_path: Path) -> None:
    _project, config = built_project(tmp_path)
    state = BuildState.load(config.out_dir)
    assert state is not None
    area = BASE + "plan/ambitioner-og-retning-2020/omraade/sundhed"
    plan = BASE + "plan/ambitioner-og-retning-2020"
    # The area's page shows its own triples, so it reads them; the plan's page lists the area's label.
    assert area in state.readers[f"S<{area}>"]
    assert plan in state.readers[f"S<{area}>"]
    assert sorted(p for p, _ in state.files[area]) == [
        "plan/ambitioner-og-retning-2020/omraade/sundhed.jsonld",
        "plan/ambitioner-og-retning-2020/omraade/sundhed.nt",
        "plan/ambitioner-og-retning-2020/omraade/sundhed.ttl",
        "plan/ambitioner-og-retning-2020/omraade/sundhed/en/index.html",
        "plan/ambitioner-og-retning-2020/omraade/sundhed/index.html",
    ]
    # It keeps each entity's row of the search index (an update makes again only those of the entities it makes).
    path, row = state.search[area]
    entries = json.loads((config.out_dir / search_index_file()).read_text(encoding="utf-8"))["entries"]
    assert json.loads(row) in entries and json.loads(row)[0] == path
    assert path == "plan/ambitioner-og-retning-2020/omraade/sundhed/" and "Sundhed" in json.loads(row)
    assert len(state.search) == len([e for e in entries if not e[0].startswith("sdg/")])


def sdg_pages_made(messages: list[str]) -> tuple[int, int]:
    """From a build's progress: how many SDG pages it made again, of how many."""
    found = [re.search(r"(\d+) of (\d+) SDG pages", m) for m in messages]
    counts = [(int(f.group(1)), int(f.group(2))) for f in found if f]
    assert len(counts) == 1, messages
    return counts[0]


def test_an_update_makes_again_only_the_sdg_pages_that_read_a_changed_triple(tmp_path: Path) -> None:
    project, config = built_project(tmp_path)
    state = BuildState.load(config.out_dir)
    assert state is not None
    target = "sdg/3.8/index.html"
    reader = incremental.page_reader(target)
    record = BASE + "plan/ambitioner-og-retning-2020/omraade/sundhed/maal/sdg/3.8"
    # An SDG page is a reader like an entity: its reads and its file are in the build state.
    assert reader in state.readers[f"S<{record}>"]
    assert state.files[reader] == [(target, (config.out_dir / target).stat().st_size)]
    full = load_config(project, {"base_iri": BASE, "out_dir": str(tmp_path / "full")}, environ={})
    # A link's rationale is shown on its target's pages only.
    edit(project, LINKS, lambda t: t.replace("Target 3.8 concerns", "Target 3.8 is about", 1))
    messages: list[str] = []
    build_site(config, progress=messages.append)
    made, pages = sdg_pages_made(messages)
    assert made == 2 and pages >= 40, (made, pages)  # the target's Danish and English pages
    assert "Target 3.8 is about" in (config.out_dir / "sdg/3.8/en/index.html").read_text(encoding="utf-8")
    build_site(full, force=True)
    assert tree(config.out_dir) == tree(full.out_dir)
    # A new target page changes the goal's page (it lists its targets' pages): every SDG page is made again.
    edit(project, LINKS, add_link)
    messages.clear()
    build_site(config, progress=messages.append)
    assert sdg_pages_made(messages) == (pages, pages)
    build_site(full, force=True)
    assert tree(config.out_dir) == tree(full.out_dir)
    assert (config.out_dir / "sdg/3.d/index.html").is_file()
    # An SDG page changed by hand is made again, and only it.
    (config.out_dir / target).write_text("changed by hand", encoding="utf-8")
    edit(project, PLAN, rename_area)
    messages.clear()
    build_site(config, progress=messages.append)
    assert sdg_pages_made(messages)[0] >= 1
    build_site(full, force=True)
    assert tree(config.out_dir) == tree(full.out_dir)


def site_pages_made(messages: list[str]) -> tuple[int, int]:
    """From a build's progress: how many of the home, coverage and data model pages it made again, of how many."""
    found = [re.search(r"(\d+) of (\d+) other site pages", m) for m in messages]
    counts = [(int(f.group(1)), int(f.group(2))) for f in found if f]
    assert len(counts) == 1, messages
    return counts[0]


def test_an_update_leaves_the_home_coverage_and_data_model_pages_unless_what_they_show_changed(
    tmp_path: Path,
) -> None:
    """They note their reads as the SDG pages do; the home and coverage pages also show the coverage matrices,
    which are not read from the graph, so a change of a plan's coverage makes them again too."""
    project, config = built_project(tmp_path)
    out = config.out_dir
    pages = {"home": "index.html", "coverage": "daekning/index.html", "datamodel": "datamodel/en/index.html"}
    inodes = {name: (out / file).stat().st_ino for name, file in pages.items()}
    # A link's rationale is shown on the link's and its target's pages only: the three pages are kept as they are
    # (the files of the last build, not written again).
    edit(project, LINKS, lambda t: t.replace("Target 3.8 concerns", "Target 3.8 is about", 1))
    messages: list[str] = []
    build_site(config, progress=messages.append)
    assert site_pages_made(messages) == (0, 6)
    assert {name: (out / file).stat().st_ino for name, file in pages.items()} == inodes
    assert tree(out) == tree(full_build(project, tmp_path))
    # An accepted link removed: the plan's coverage changes, so the home and coverage pages are made again, in
    # both languages; the data model page is not.
    edit(project, LINKS, drop_link)
    messages.clear()
    build_site(config, progress=messages.append)
    assert site_pages_made(messages) == (4, 6)
    assert (out / pages["datamodel"]).stat().st_ino == inodes["datamodel"]
    assert (out / pages["home"]).stat().st_ino != inodes["home"]
    assert tree(out) == tree(full_build(project, tmp_path))
    # A focus area renamed: the home page lists the plan's areas (read from the graph).
    edit(project, PLAN, rename_area)
    messages.clear()
    build_site(config, progress=messages.append)
    assert site_pages_made(messages)[0] >= 2
    assert "Public health" in (out / "en" / "index.html").read_text(encoding="utf-8")
    assert tree(out) == tree(full_build(project, tmp_path))


def test_moving_statements_into_a_new_file_changes_no_page(tmp_path: Path) -> None:
    """Blank node labels depend on a file's own path, so a new file (sorted first) relabels nothing else. The dumps
    hold the data file by file (docs/site-layout.md), so they, their checksums in the catalogue and the pages of
    the dataset and its dumps' distributions change; they hold the same triples."""
    project, config = built_project(tmp_path)
    before = tree(config.out_dir)
    triples_before = (config.out_dir / "dump" / "latest.nt").read_bytes().splitlines()
    links = (project / LINKS).read_text(encoding="utf-8")
    block = re.search(r"<plan/ambitioner-og-retning-2020/omraade/sundhed/maal/sdg/3\.8>\n.*?\.\n\n", links, re.S)
    assert block is not None
    prefixes = "".join(line + "\n" for line in links.splitlines() if line.startswith("@prefix"))
    (project / LINKS).write_text(links.replace(block.group(0), ""), encoding="utf-8")
    (project / "data" / "a-first.ttl").write_text(prefixes + "\n" + block.group(0), encoding="utf-8")
    summary = build_site(config)
    dumps = ("turtle", "ntriples", "jsonld", "trig")
    assert summary.rendered == 1 + 2 * len(dumps)  # the dataset, its dumps' distributions and their gzip files'
    after = tree(config.out_dir)
    # The same site but for the dumps and what states their checksums (and the records of the files' sizes and of
    # the validation, which keeps the triples file by file); the marker's fingerprint of the inputs.
    assert after.pop(MARKER) != before.pop(MARKER)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    dumped = (
        "dump/latest.",
        "catalog.",
        "datasaet/index.html",
        "datasaet/en/index.html",
        ".planlod-dumps",
        FILES,
        VALIDATION_RECORD,
    )
    assert {path for path in changed if not path.startswith(dumped)} == {
        f"datasaet/distribution/{key}{gz}{end}"
        for key in dumps
        for gz in ("", "-gz")
        for end in (".jsonld", ".nt", ".ttl", "/index.html", "/en/index.html")
    }
    triples_after = (config.out_dir / "dump" / "latest.nt").read_bytes().splitlines()
    assert triples_after != triples_before and sorted(triples_after) == sorted(triples_before)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_text_changes_rebuild_incrementally_to_the_same_bytes(tmp_path: Path, seed: int) -> None:
    """Five English texts anywhere in the data changed at random: the incremental build and a full build agree."""
    project, config = built_project(tmp_path)
    chooser = random.Random(seed)
    for _ in range(5):
        name = chooser.choice([PLAN, LINKS, "data/organisationer.ttl"])
        text = (project / name).read_text(encoding="utf-8")
        english = list(re.finditer(r'"([^"\\]+)"@en', text))
        pick = chooser.choice(english)
        changed = text[: pick.start(1)] + pick.group(1) + f" (changed {seed})" + text[pick.end(1) :]
        (project / name).write_text(changed, encoding="utf-8")
    summary = build_site(config)
    assert summary.rendered < summary.entities
    assert tree(config.out_dir) == tree(full_build(project, tmp_path))


def test_property_names_from_shapes_in_the_data_are_seen_by_an_incremental_build(tmp_path: Path) -> None:
    """Shapes name and order the rows of the pages; data files may hold shapes too: a change there is seen."""
    project, config = built_project(tmp_path)
    with (project / "data" / "organisationer.ttl").open("a", encoding="utf-8") as handle:
        handle.write(
            "\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
            "<http://example.org/visning> sh:targetClass plo:Municipality ;\n"
            '    sh:property [ sh:path plo:municipalityCode ; sh:name "Kommunenummer X"@da, "Code X"@en ;'
            " sh:order -5 ] .\n"
        )
    build_site(config)
    full = full_build(project, tmp_path)
    assert "Kommunenummer X" in (full / "kommune/hedensted/index.html").read_text(encoding="utf-8")
    assert tree(config.out_dir) == tree(full)


def test_an_incremental_build_puts_back_a_site_file_missing_from_the_output(tmp_path: Path) -> None:
    project, config = built_project(tmp_path)
    (config.out_dir / "daekning.csv").unlink()
    edit(project, PLAN, rename_area)
    summary = build_site(config)
    assert summary.rendered < summary.entities
    assert (config.out_dir / "daekning.csv").is_file()


def test_the_fingerprint_reads_every_module_of_planlod(tmp_path: Path) -> None:
    """A change to any module of publish/, in a subpackage too, is a change of planlod: a full build follows."""
    config = load_config(copy_project(tmp_path / "project"), environ={})
    package = Path(incremental.__file__).parent
    folders = dict(incremental._code_folders(config))
    read = {p for p in package.glob(folders[package]) if p.is_file()}
    assert read == set(package.rglob("*.py"))
    assert any(p.parent != package for p in read), "the subpackages (catalog, plans, views) are read"


def test_an_update_makes_the_exports_beside_its_dumps_and_a_full_build_in_its_own_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update of a site built by the same code makes the SDG links as CSV and SSSOM and the coverage CSV in a
    forked process while it makes the dumps; a full build, or an update without the last validation's record, which
    validates everything beside its gathering, makes them in its own process (a third process would take a large
    build past its memory). The updated site is the full build's of the edited data, byte for byte."""
    makers = tmp_path / "makers"
    make = build.make_exports

    def noted(*args: Any) -> Any:
        with makers.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return make(*args)

    monkeypatch.setattr(build, "make_exports", noted)
    project, config = built_project(tmp_path)
    edit(project, LINKS, lambda t: t.replace("Target 3.8 concerns", "Target 3.8 is about", 1))
    build_site(config)
    full = full_build(project, tmp_path)
    assert tree(config.out_dir) == tree(full)
    assert "Target 3.8 is about" in (config.out_dir / sdg_links_csv_file()).read_text(encoding="utf-8")
    # Without the validation's record, the update validates everything: the exports are made here.
    (config.out_dir / VALIDATION_RECORD).unlink()
    edit(project, LINKS, lambda t: t.replace("Target 3.8 is about", "Target 3.8 concerns", 1))
    build_site(config)
    assert tree(config.out_dir) == tree(full_build(project, tmp_path))
    first, update, clean, unrecorded, clean_again = (int(pid) for pid in makers.read_text(encoding="utf-8").split())
    assert first == clean == unrecorded == clean_again == os.getpid() and update != os.getpid()
