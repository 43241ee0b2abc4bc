"""The check for a built site's files changed by hand (`write.changed_files`): what it finds in one process is what
it finds on several cores, as a large site is checked."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from publish import write
from publish.write import MARKER, changed_files


def site(root: Path) -> dict[str, dict[str, int]]:
    """A site of 60 folders of 5 files each, its marker written last, and its record by folder and name."""
    record: dict[str, dict[str, int]] = {}
    for f in range(60):
        folder = f"plan/p{f}" if f else ""
        (root / folder).mkdir(parents=True, exist_ok=True)
        for n in range(5):
            body = f"{folder}:{n}".encode() * (n + 1)
            (root / folder / f"f{n}.ttl").write_bytes(body)
            record.setdefault(folder, {})[f"f{n}.ttl"] = len(body)
    (root / MARKER).write_text("{}")
    past = time.time() - 60
    for folder, names in record.items():
        for name in names:
            os.utime(root / folder / name, (past, past))
    return record


def touch_by_hand(root: Path) -> list[str]:
    """A file removed, one of another size, one rewritten with its size after the build, one folder removed."""
    (root / "plan/p3/f1.ttl").unlink()
    (root / "plan/p17/f4.ttl").write_bytes(b"emptied")
    kept = root / "f2.ttl"
    kept.write_bytes(kept.read_bytes().upper())
    for name in ("f0.ttl", "f1.ttl", "f2.ttl", "f3.ttl", "f4.ttl"):
        (root / "plan/p41" / name).unlink()
    (root / "plan/p41").rmdir()
    later = time.time() + 60
    os.utime(kept, (later, later))
    return sorted(["plan/p3/f1.ttl", "plan/p17/f4.ttl", "f2.ttl"] + [f"plan/p41/f{n}.ttl" for n in range(5)])


@pytest.mark.parametrize("cores", [1, 2, 3])
def test_files_changed_by_hand_are_found_alike_on_one_core_or_several(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    root = tmp_path / "site"
    record = site(root)
    assert changed_files(root, record) == []
    expected = touch_by_hand(root)
    monkeypatch.setattr(write, "PARALLEL_CHECK_FROM", 0)
    monkeypatch.setattr(write.os, "sched_getaffinity", lambda _pid: set(range(cores)))
    assert changed_files(root, record) == expected
    # The same as (path, size) pairs, the record of a site built before the record by folder.
    pairs = [
        (f"{folder}/{name}" if folder else name, size)
        for folder, names in record.items()
        for name, size in names.items()
    ]
    assert changed_files(root, pairs) == expected


def test_a_record_naming_a_place_outside_the_site_is_never_looked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "site"
    record = site(root)
    (tmp_path / "secret").write_text("x")
    record[".."] = {"secret": 1}
    monkeypatch.setattr(write, "PARALLEL_CHECK_FROM", 0)
    monkeypatch.setattr(write.os, "sched_getaffinity", lambda _pid: {0, 1})
    # Whether or not the file outside exists, it is never looked up: it counts as changed.
    assert changed_files(root, record) == ["../secret"]
