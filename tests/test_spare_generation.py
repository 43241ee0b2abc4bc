"""An update starts from the generation the last update replaced (the spare), linking again only the paths where
the two differ: the site it makes is the site a clean full build makes, and a spare that is not as its record says
is never used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from publish import switch
from publish.build import build_site
from publish.config import Config, load_config

from .conftest import copy_project
from .test_incremental import tree

pytestmark = pytest.mark.slow

BASE = "https://data.example.org/hedensted/"
PLAN = "data/ambitioner-og-retning-2020.ttl"
TEXTS = ['"Health"@en', '"Public health"@en', '"Public health care"@en']


def configs(tmp_path: Path) -> tuple[Path, Config, Config]:
    project = copy_project(tmp_path / "project")
    site = load_config(project, {"base_iri": BASE, "out_dir": str(tmp_path / "public" / "site")}, environ={})
    clean = load_config(project, {"base_iri": BASE, "out_dir": str(tmp_path / "clean")}, environ={})
    return project, site, clean


def say(project: Path, text: str) -> None:
    plan = project / PLAN
    content = plan.read_text(encoding="utf-8")
    for other in TEXTS:
        content = content.replace(other, text, 1) if other in content else content
    plan.write_text(content, encoding="utf-8")


def beside(out: Path) -> list[str]:
    """The folders beside the current generation."""
    now = os.path.realpath(out)
    folder = switch.generations(out)
    return sorted(p.name for p in folder.iterdir() if p.name not in (switch.LOCK, switch.SPARE) and str(p) != now)


def test_updates_start_from_the_spare_and_write_what_full_builds_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, site, clean = configs(tmp_path)
    build_site(site)
    assert switch.spare(site.out_dir) is None, "a full build keeps no spare"
    whole: list[Path] = []
    link_copy = switch.link_copy

    def counted(source: Path, target: Path) -> int:
        whole.append(target)
        return link_copy(source, target)

    monkeypatch.setattr(switch, "link_copy", counted)
    for number, text in enumerate([TEXTS[1], TEXTS[2], TEXTS[0], TEXTS[1]]):
        say(project, text)
        summary = build_site(site)
        assert 0 < summary.rendered < summary.entities, "the build updated the site"
        build_site(clean, force=True)
        assert tree(site.out_dir) == tree(clean.out_dir), f"update {number}"
        found = switch.spare(site.out_dir)
        assert found is not None, f"update {number} keeps the generation it replaced"
        assert beside(site.out_dir) == [found[0].name]
        # Outside the recorded paths the spare holds the current generation's very files (hard links).
        now = Path(os.path.realpath(site.out_dir))
        recorded = set(found[1])
        for path in (p for p in now.rglob("*") if p.is_file()):
            name = path.relative_to(now).as_posix()
            if name not in recorded:
                assert os.path.samefile(path, found[0] / name), f"update {number}: {name}"
        assert any(name.endswith(".html") for name in recorded), "the pages showing the text differ"
    # The first update linked the site whole (there was no spare); the later ones started from the spare.
    assert len(whole) == 1, whole


def test_a_spare_whose_record_does_not_hold_is_removed_and_the_site_linked_whole(tmp_path: Path) -> None:
    project, site, clean = configs(tmp_path)
    build_site(site)
    say(project, TEXTS[1])
    build_site(site)
    found = switch.spare(site.out_dir)
    assert found is not None
    # A record naming a path outside the generation is not followed.
    record = switch.generations(site.out_dir) / switch.SPARE
    record.write_text(record.read_text(encoding="utf-8").replace('"paths": [', '"paths": ["../x", ', 1))
    assert switch.spare(site.out_dir) is None
    say(project, TEXTS[2])
    build_site(site)
    build_site(clean, force=True)
    assert tree(site.out_dir) == tree(clean.out_dir)
    assert not found[0].exists(), "the spare its record did not describe was removed"
    assert len(beside(site.out_dir)) == 1  # the new spare
    # A full build drops the spare.
    build_site(site, force=True)
    assert switch.spare(site.out_dir) is None
    assert beside(site.out_dir) == []
