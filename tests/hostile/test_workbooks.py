"""Hostile workbooks: the bad spreadsheets of spreadsheet authoring (`publish/sheet/`), beside the 50-odd kinds of
bad workbook of tests/test_sheet.py (bad cells of every column type, broken structure, broken files).

Each case writes a workbook (most start from the seed plan's, exported once), runs `planlod sheet import` on a copy
of the project and checks the outcome with `assert_outcome` (exit code, message, no traceback, no "internal
error"), that the project's data files are unchanged, and, with the `unchanged` fixture, that the previously built
site stays as it was.

Cases: a formula in a cell (`=HYPERLINK(...)`, a DDE `=cmd|...`), which is reported at its cell instead of being
read as its cached value or as empty; a stray value in the sheet's last row (read at once, reported at its cell,
never skipped); a zip bomb (refused from the sizes its archive declares, before anything is unpacked); a merged
header; rows that name no area, element or goal (reported, never dropped).
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import copy_project, run_planlod
from tests.hostile.conftest import Expect, assert_outcome

pytestmark = pytest.mark.slow

PLAN = "plan/ambitioner-og-retning-2020"
Make = Callable[[Path, Path], None]


@pytest.fixture(scope="session")
def seed_workbook(hostile_root: Path) -> Path:
    """The seed plan's workbook, exported once from a copy of the project."""
    project = copy_project(hostile_root / "workbook-project")
    out = hostile_root / "workbooks" / "plan.xlsx"
    result = run_planlod("sheet", "export", PLAN, "--out", str(out), "--project", str(project))
    assert result.code == 0, result.err
    return out


def edited(sheet: str, cell: str, value: object) -> Make:
    """The seed workbook with one cell set (a formula when the text starts with '=')."""

    def make(seed: Path, out: Path) -> None:
        book = load_workbook(seed)
        book[sheet][cell] = value
        book.save(out)

    return make


def _far_below(seed: Path, out: Path) -> None:
    book = load_workbook(seed)
    book["Fokuspunkter"].cell(row=1_048_576, column=2, value="Et fokuspunkt helt nede i sidste række.")
    book.save(out)


def _merged_header(seed: Path, out: Path) -> None:
    book = load_workbook(seed)
    book["Fokuspunkter"].merge_cells("B1:C1")
    book.save(out)


def _zip_bomb(seed: Path, out: Path) -> None:
    """The seed workbook with one more part that unpacks to 300 MB (it packs to a few hundred kB)."""
    with zipfile.ZipFile(seed) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        with target.open("xl/media/padding.bin", "w", force_zip64=True) as part:
            block = b"\0" * 2**20
            for _ in range(300):
                part.write(block)


CASES: list[tuple[str, Make, Expect]] = [
    (
        "a HYPERLINK formula in a text",
        edited("Fokuspunkter", "B2", '=HYPERLINK("http://example.org/","klik her")'),
        Expect(1, r"Fokuspunkter!B2: cellen indeholder en formel \(=HYPERLINK"),
    ),
    (
        "a DDE formula in a rationale",
        edited("Verdensmål", "C3", "=cmd|' /C calc'!A0"),
        Expect(1, r"Verdensmål!C3: cellen indeholder en formel"),
    ),
    (
        "a value in the sheet's last row",
        _far_below,
        Expect(1, r"Fokuspunkter!E1048576: »fokusområde« skal udfyldes"),
    ),
    ("a merged header", _merged_header, Expect(2, r"kolonnen »tekst \(engelsk\)« mangler i første række")),
    ("a zip bomb", _zip_bomb, Expect(2, r"plan\.xlsx pakker ud til 30\d MB")),
    (
        "a focus point that names no area",
        edited("Fokuspunkter", "E2", None),
        Expect(1, r"Fokuspunkter!E2: »fokusområde« skal udfyldes"),
    ),
    (
        "an SDG link that names no element",
        edited("Verdensmål", "A2", None),
        Expect(1, r"Verdensmål!A2: »element« skal udfyldes"),
    ),
    (
        "an SDG link that names no goal or target",
        edited("Verdensmål", "B2", None),
        Expect(1, r"Verdensmål!B2: »verdensmål eller delmål« skal udfyldes"),
    ),
]


def digest(project: Path) -> dict[str, str]:
    return {
        p.relative_to(project).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((project / "data").rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(("case", "make", "expect"), CASES, ids=[c[0] for c in CASES])
def test_a_hostile_workbook(
    case: str, make: Make, expect: Expect, seed_workbook: Path, project: Path, tmp_path: Path, unchanged: Path
) -> None:
    workbook = tmp_path / "plan.xlsx"
    make(seed_workbook, workbook)
    before = digest(project)
    result = run_planlod("sheet", "import", str(workbook), "--project", str(project))
    assert_outcome(result, expect, case)
    assert digest(project) == before, f"{case}: the data files changed"
