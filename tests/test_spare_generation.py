"""An update starts from the generation the last update replaced (the spare), linking again only the paths where
the two differ: the site it makes is the site a clean full build makes, and a spare that is not as its record says
is never used. A full build links what it wrote into a spare in a forked process while it writes its last files, so
the first update after it starts from a spare too. Without a spare the current generation is linked whole in a
forked process from the build's start, while it reads, checks and renders; a failed update keeps a finished linking
as the spare."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from publish import build, switch
from publish.build import build_site
from publish.config import Config, load_config
from publish.errors import BuildError

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


def without_spare(out: Path) -> None:
    """The site as one built before full builds kept a spare (or whose spare was removed)."""
    switch.drop_spare(out)
    assert switch.spare(out) is None and beside(out) == []


def same_files(out: Path, spare: Path, but: set[str] | frozenset[str] = frozenset()) -> None:
    """Outside `but`, the spare holds the current generation's very files (hard links), and no other."""
    now = Path(os.path.realpath(out))
    names = {p.relative_to(now).as_posix() for p in now.rglob("*") if p.is_file()}
    for name in names - but:
        assert os.path.samefile(now / name, spare / name), name
    kept = {p.relative_to(spare).as_posix() for p in spare.rglob("*") if p.is_file()}
    assert kept - but == names - but


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
    found = switch.spare(site.out_dir)
    assert found is not None and found[1] == [], "a full build keeps a spare that holds what it wrote"
    same_files(site.out_dir, found[0])
    assert beside(site.out_dir) == [found[0].name]
    whole: list[Path] = []
    start_linking = switch.start_linking

    def counted(out_dir: Path, source: Path | None = None) -> switch.Linking | None:
        linking = start_linking(out_dir, source)
        assert linking is not None
        if source is None:  # the current generation linked whole (not a full build's spare)
            whole.append(linking.folder)
        return linking

    link_copy, parent = switch.link_copy, os.getpid()

    def not_here(source: Path, target: Path) -> int:
        assert os.getpid() != parent, "the build linked the site whole in its own process"
        return link_copy(source, target)

    monkeypatch.setattr(switch, "start_linking", counted)
    monkeypatch.setattr(switch, "link_copy", not_here)
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
    # Every update started from a spare: the full build's, then the generation the update before replaced.
    assert whole == []


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
    # A full build replaces the spare with one of what it wrote.
    old = beside(site.out_dir)
    build_site(site, force=True)
    renewed = switch.spare(site.out_dir)
    assert renewed is not None and renewed[1] == [] and beside(site.out_dir) == [renewed[0].name] != old
    same_files(site.out_dir, renewed[0])


def fail_after_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise BuildError("a failure after the entities were rendered")

    monkeypatch.setattr(build, "plan_site_pages", broken)


def test_a_failed_update_keeps_the_finished_linking_as_the_spare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, site, clean = configs(tmp_path)
    build_site(site)
    without_spare(site.out_dir)
    before = tree(site.out_dir)
    say(project, TEXTS[1])
    started: list[switch.Linking] = []
    start_linking = switch.start_linking

    def waited(out_dir: Path, source: Path | None = None) -> switch.Linking | None:
        linking = start_linking(out_dir, source)
        assert linking is not None
        linking.process.join()  # finished before the build fails
        started.append(linking)
        return linking

    monkeypatch.setattr(switch, "start_linking", waited)
    fail_after_rendering(monkeypatch)
    with pytest.raises(BuildError, match="after the entities were rendered"):
        build_site(site)
    assert tree(site.out_dir) == before, "the failed update left the site as it was"
    found = switch.spare(site.out_dir)
    assert found is not None and found[0] == started[0].folder and found[1] == []
    now = Path(os.path.realpath(site.out_dir))
    for path in (p for p in now.rglob("*") if p.is_file()):
        assert os.path.samefile(path, found[0] / path.relative_to(now)), path
    # The next update starts from it, links nothing whole, and writes what a clean build writes.
    monkeypatch.undo()

    def not_whole(out_dir: Path, source: Path | None = None) -> switch.Linking | None:
        assert source is not None, "linked whole again"
        return start_linking(out_dir, source)  # a full build's spare

    monkeypatch.setattr(switch, "start_linking", not_whole)
    build_site(site)
    build_site(clean, force=True)
    assert tree(site.out_dir) == tree(clean.out_dir)


def updating(tmp_path: Path, text: str) -> tuple[Config, Config]:
    """A site built whole, then the plan's text changed: its next build is an update that finds no spare."""
    project, site, clean = configs(tmp_path)
    build_site(site)
    without_spare(site.out_dir)
    say(project, text)
    return site, clean


def test_a_linking_stopped_by_a_failure_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, _clean = updating(tmp_path, TEXTS[1])
    link_copy, parent = switch.link_copy, os.getpid()

    def slow(source: Path, target: Path) -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), 19)  # SIGSTOP: still running when the build fails
        return link_copy(source, target)

    monkeypatch.setattr(switch, "link_copy", slow)
    fail_after_rendering(monkeypatch)
    with pytest.raises(BuildError):
        build_site(site)
    assert switch.spare(site.out_dir) is None
    assert beside(site.out_dir) == [], "the stopped linking's folder was removed"


def test_a_linking_that_fails_is_done_again_in_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, clean = updating(tmp_path, TEXTS[2])
    link_copy, parent = switch.link_copy, os.getpid()
    linked_here: list[Path] = []

    def failing_in_the_child(source: Path, target: Path) -> int:
        if os.getpid() != parent:
            raise OSError(28, "No space left on device")
        linked_here.append(target)
        return link_copy(source, target)

    monkeypatch.setattr(switch, "link_copy", failing_in_the_child)
    build_site(site)
    assert len(linked_here) == 1
    build_site(clean, force=True)
    assert tree(site.out_dir) == tree(clean.out_dir)
    found = switch.spare(site.out_dir)
    assert found is not None and beside(site.out_dir) == [found[0].name]


def test_the_first_updates_linking_starts_before_the_data_are_read_and_a_full_build_stops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build takes the site's lock when it starts: without a spare, the current generation is linked on
    another core while the data are loaded, validated and gathered. A build that turns out to be full (a template
    changed) stops the linking and leaves no folder but the new generation."""
    project, site, clean = configs(tmp_path)
    build_site(site)
    without_spare(site.out_dir)
    started: list[switch.Linking] = []
    start_linking, load_sources = switch.start_linking, build.load_sources

    def noted(out_dir: Path, source: Path | None = None) -> switch.Linking | None:
        linking = start_linking(out_dir, source)
        assert linking is not None
        started.append(linking)
        return linking

    def loading(*args: Any, **kwargs: Any) -> Any:
        assert started, "the data were read before the linking started"
        return load_sources(*args, **kwargs)

    monkeypatch.setattr(switch, "start_linking", noted)
    monkeypatch.setattr(build, "load_sources", loading)
    say(project, TEXTS[1])
    summary = build_site(site)
    assert 0 < summary.rendered < summary.entities and len(started) == 1
    assert started[0].folder.is_dir() and not started[0].process.is_alive()
    build_site(clean, force=True)
    assert tree(site.out_dir) == tree(clean.out_dir)
    # A full build (another template) stops the linking it started before it knew, and keeps as the spare the
    # linking of what it wrote.
    switch.drop_spare(site.out_dir)
    started.clear()
    template = project / "site" / "templates" / "base.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    summary = build_site(site)
    assert summary.rendered == summary.entities and len(started) == 2
    stopped, kept = started
    assert not stopped.folder.exists() and not stopped.process.is_alive()
    found = switch.spare(site.out_dir)
    assert found is not None and found[0] == kept.folder and beside(site.out_dir) == [kept.folder.name]
    build_site(clean, force=True)
    assert tree(site.out_dir) == tree(clean.out_dir)


def test_a_full_build_that_fails_leaves_the_spare_it_was_linking_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project, site, _clean = configs(tmp_path)
    build_site(site)
    before, kept = tree(site.out_dir), beside(site.out_dir)
    fail_after_rendering(monkeypatch)
    with pytest.raises(BuildError, match="after the entities were rendered"):
        build_site(site, force=True)
    assert tree(site.out_dir) == before and beside(site.out_dir) == kept, "the site and its spare as they were"


def test_a_spare_that_cannot_be_linked_is_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, site, clean = configs(tmp_path)
    start_linking = switch.start_linking

    def gone(out_dir: Path, source: Path | None = None) -> switch.Linking | None:
        # The full build's spare is linked from a folder that is not there: its linking fails.
        return start_linking(out_dir, None if source is None else tmp_path / "gone")

    monkeypatch.setattr(switch, "start_linking", gone)
    summary = build_site(site)
    assert summary.rendered == summary.entities
    assert switch.spare(site.out_dir) is None and beside(site.out_dir) == []
    # The next update links the site itself, and writes what a clean build writes.
    say(project, TEXTS[1])
    build_site(site)
    build_site(clean, force=True)
    assert tree(site.out_dir) == tree(clean.out_dir)
