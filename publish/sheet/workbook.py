"""Reading and writing the .xlsx file: sheets, header row, comments, dropdowns, the hidden list sheet.

Stage: sheet (workbook). Imports `sheet.layout` and `sheet.problems`, and openpyxl.
The file holds one sheet per entry of the layout, the header row frozen, each header with its description as a
comment, required headers marked with ' *', dropdowns (data validation) for choices, SDG goals and targets,
things in the project, languages and the plan's own areas and elements; lists too long for an inline dropdown
are kept on a hidden sheet. A hidden sheet `planlod` says which plan the workbook holds and in which language
its headers are. Reading checks that the file is a workbook of this kind before any cell is read.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .layout import LISTS_NAMES, META_NAME, Column, Layout, Sheet
from .problems import Problem, WorkbookError, text

FORMAT = "planlod-workbook"
VERSION = "1"
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# Excel's limit for an inline list of choices (the comma-separated text of the validation formula).
INLINE_LIMIT = 255
EMPTY_ROWS = 200
# What a workbook may unpack to (the sizes its zip archive declares, which bound what is read from it): the
# seed's is under 2 MB, so this is room for a plan of thousands of rows and refuses a zip bomb before reading it.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024


@dataclass
class Row:
    """One row of a sheet: its number in the sheet and its cells by column key."""

    number: int
    cells: dict[str, object]

    def is_empty(self) -> bool:
        """Whether every cell is empty."""
        return all(v is None or (isinstance(v, str) and not v.strip()) for v in self.cells.values())


@dataclass
class SheetRows:
    """The rows of one sheet, with the letter of each column."""

    sheet: Sheet
    title: str
    letters: dict[str, str]
    rows: list[Row] = field(default_factory=list)

    def where(self, row: int, key: str | None = None) -> str:
        """A cell's address, e.g. 'Fokuspunkter!C14' (the row's first column when no key is given)."""
        letter = self.letters.get(key or "", None) or next(iter(self.letters.values()), "A")
        return f"{self.title}!{letter}{row}"


@dataclass
class WorkbookData:
    """A workbook's content: the sheets' rows, the plan it was made from, the language of its headers."""

    lang: str
    plan: str
    sheets: dict[str, SheetRows]
    # Cells that cannot be read as values (a formula), each reported at its place; their value is left out.
    problems: list[Problem] = field(default_factory=list)

    def rows(self, key: str) -> list[Row]:
        """The non-empty rows of one sheet."""
        found = self.sheets.get(key)
        return [r for r in found.rows if not r.is_empty()] if found else []


@dataclass(frozen=True)
class Dropdown:
    """The choices of one column: shown values, in order."""

    values: tuple[str, ...]
    # A range on another sheet (e.g. the areas' names), instead of a list.
    formula: str = ""


def new_rows(layout: Layout, lang: str) -> dict[str, SheetRows]:
    """Empty sheets of the layout, with their column letters."""
    sheets = {}
    for sheet in layout.sheets:
        letters = {c.key: get_column_letter(i + 1) for i, c in enumerate(sheet.columns)}
        sheets[sheet.key] = SheetRows(sheet, sheet.name(lang), letters)
    return sheets


# -- writing ------------------------------------------------------------------------------------------------
def write_workbook(data: WorkbookData, dropdowns: dict[tuple[str, str], Dropdown], out: Path) -> None:
    """Write the workbook to `out` (through a temporary file in the same folder, replaced at the end)."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    lists = book.create_sheet(LISTS_NAMES[data.lang])
    list_column = 0
    for key, rows in data.sheets.items():
        ws = book.create_sheet(rows.title)
        _write_sheet(ws, rows, data.lang)
        for column in rows.sheet.columns:
            dropdown = dropdowns.get((key, column.key))
            if dropdown is None:
                continue
            letter = rows.letters[column.key]
            last = max(EMPTY_ROWS, len(rows.rows) + EMPTY_ROWS)
            target = f"{letter}2:{letter}{last}"
            formula = dropdown.formula
            inline = ",".join(dropdown.values)
            if not formula and (len(inline) > INLINE_LIMIT - 2 or any('"' in v or "," in v for v in dropdown.values)):
                list_column += 1
                list_letter = get_column_letter(list_column)
                lists.cell(row=1, column=list_column, value=f"{rows.title}: {column.names[data.lang]}")
                for i, value in enumerate(dropdown.values, start=2):
                    _set(lists.cell(row=i, column=list_column), value)
                end = max(2, len(dropdown.values) + 1)
                formula = f"{quote_sheetname(lists.title)}!${list_letter}$2:${list_letter}${end}"
            elif not formula:
                formula = f'"{inline}"'
            # Several values in one cell (one per line) are allowed where the column takes several: a warning
            # then, not a refusal.
            validation = DataValidation(
                type="list",
                formula1=formula,
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning" if column.multi else "stop",
            )
            validation.error = "Vælg en værdi fra listen." if data.lang == "da" else "Choose a value from the list."
            ws.add_data_validation(validation)
            validation.add(target)
    lists.sheet_state = "hidden"
    meta = book.create_sheet(META_NAME)
    for i, (name, value) in enumerate(
        (("format", FORMAT), ("version", VERSION), ("lang", data.lang), ("plan", data.plan)), 1
    ):
        meta.cell(row=i, column=1, value=name)
        _set(meta.cell(row=i, column=2), value)
    meta.sheet_state = "hidden"
    book.move_sheet(lists, offset=len(book.sheetnames))
    book.move_sheet(meta, offset=len(book.sheetnames))
    book.active = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.tmp")
    try:
        book.save(temporary)
        temporary.replace(out)
    finally:
        temporary.unlink(missing_ok=True)


def _set(cell: Cell, value: object) -> None:
    """Set a cell; text is always stored as text (a text starting with '=' is not a formula)."""
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
    else:
        cell.value = value  # type: ignore[assignment]


def _write_sheet(ws: Worksheet, rows: SheetRows, lang: str) -> None:
    columns = rows.sheet.columns
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=column.header(lang))
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        note = column.descriptions.get(lang, "")
        if column.required:
            note += " Påkrævet." if lang == "da" else " Required."
        elif column.recommended:
            note += (
                " Bør udfyldes; mangler den, er data ufuldstændige."
                if lang == "da"
                else " Should be filled in; without it the data are incomplete."
            )
        if column.multi:
            note += " Flere værdier: én pr. linje." if lang == "da" else " Several values: one per line."
        if note.strip():
            comment = Comment(note.strip(), "planlod")
            comment.width = 320
            comment.height = 120
            cell.comment = comment
        ws.column_dimensions[cell.column_letter].width = column.width
    for row in rows.rows:
        for i, column in enumerate(columns, start=1):
            value = row.cells.get(column.key)
            if value is None:
                continue
            target = ws.cell(row=row.number, column=i)
            assert isinstance(target, Cell)
            _set(target, value)
            if isinstance(value, dt.date):
                target.number_format = "yyyy-mm-dd"
            elif isinstance(value, str) and ("\n" in value or len(value) > 60):
                target.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


# -- reading ------------------------------------------------------------------------------------------------
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_file(path: Path, lang: str) -> None:
    """Refuse what is not an .xlsx workbook before reading it: with a message that says what it is."""
    shown = path.name
    if not path.is_file():
        raise WorkbookError(text("not_found", lang, file=path))
    head = path.read_bytes()[:8]
    if head.startswith(_OLE2):
        content = path.read_bytes()
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in content:
            raise WorkbookError(text("encrypted", lang, file=shown))
        raise WorkbookError(text("xls", lang, file=shown))
    if not head.startswith(b"PK"):
        detail = "filen er ikke et zip-arkiv" if lang == "da" else "the file is not a zip archive"
        raise WorkbookError(text("not_xlsx", lang, file=shown, detail=detail))
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                raise WorkbookError(text("ods", lang, file=shown))
            if "xl/workbook.xml" not in names:
                detail = "der er ingen xl/workbook.xml i den" if lang == "da" else "it holds no xl/workbook.xml"
                raise WorkbookError(text("not_xlsx", lang, file=shown, detail=detail))
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise WorkbookError(
                    text("too_large", lang, file=shown, size=unpacked // 2**20, limit=MAX_UNPACKED_BYTES // 2**20)
                )
            bad = archive.testzip()
            if bad is not None:
                raise WorkbookError(text("damaged", lang, file=shown, detail=bad))
    except zipfile.BadZipFile as exc:
        raise WorkbookError(text("damaged", lang, file=shown, detail=str(exc))) from exc


def read_workbook(path: Path, layout: Layout, lang: str) -> WorkbookData:
    """The rows of every sheet, by column key, after checking the sheets and the header rows."""
    check_file(path, lang)
    try:
        # Formulas are read as formulas (not their cached values) so that each can be reported at its cell.
        book = load_workbook(path, data_only=False, read_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise WorkbookError(text("damaged", lang, file=path.name, detail=f"{type(exc).__name__}: {exc}")) from exc
    meta: dict[str, str] = {}
    if META_NAME in book.sheetnames:
        for name, value in book[META_NAME].iter_rows(min_row=1, max_col=2, values_only=True):
            if isinstance(name, str):
                meta[name] = "" if value is None else str(value)
    if meta.get("format") != FORMAT:
        raise WorkbookError(text("not_ours", lang, file=path.name, sheet=META_NAME))
    header_lang = meta.get("lang", "da") if meta.get("lang") in ("da", "en") else "da"
    sheets: dict[str, SheetRows] = {}
    problems: list[Problem] = []
    for sheet in layout.sheets:
        title = next((sheet.name(x) for x in (header_lang, "da", "en") if sheet.name(x) in book.sheetnames), None)
        if title is None:
            raise WorkbookError(text("not_ours", lang, file=path.name, sheet=sheet.name(header_lang)))
        sheets[sheet.key] = _read_sheet(book[title], sheet, title, lang, problems)
    return WorkbookData(header_lang, meta.get("plan", ""), sheets, problems)


def _header_key(sheet: Sheet) -> dict[str, str]:
    found = {}
    for column in sheet.columns:
        for lang in ("da", "en"):
            found[_normal(column.names[lang])] = column.key
    return found


def _normal(header: str) -> str:
    return re.sub(r"\s+", " ", header.replace("*", "")).strip().casefold()


def _read_sheet(ws: Worksheet, sheet: Sheet, title: str, lang: str, problems: list[Problem]) -> SheetRows:
    """The sheet's rows by column key. Only the cells the file holds are read (a stray value far below the last
    row costs nothing); a formula is reported at its cell and read as empty."""
    by_row: dict[int, dict[int, Cell | MergedCell]] = {}
    # openpyxl keeps the cells the file holds in `_cells` (typed in its stubs); iter_rows would make every other.
    for (row_number, column_number), held in ws._cells.items():
        if held.value is not None:
            by_row.setdefault(row_number, {})[column_number] = held
    keys = _header_key(sheet)
    letters: dict[str, str] = {}
    positions: dict[int, str] = {}
    first = by_row.get(1, {})
    header = tuple(first[i].value if i in first else None for i in range(1, max(first, default=0) + 1))
    shown = ", ".join(c.names[lang] for c in sheet.columns)
    for i, value in enumerate(header, start=1):
        if value is None or not str(value).strip():
            continue
        key = keys.get(_normal(str(value)))
        where = f"{title}!{get_column_letter(i)}1"
        if key is None:
            raise WorkbookError(text("unknown_column", lang, cell=where, column=str(value).strip(), columns=shown))
        if key in letters:
            raise WorkbookError(text("duplicate_column", lang, cell=where, column=str(value).strip()))
        letters[key] = get_column_letter(i)
        positions[i - 1] = key
    for column in sheet.columns:
        if column.key not in letters:
            raise WorkbookError(text("missing_column", lang, sheet=title, column=column.names[lang], columns=shown))
    rows = SheetRows(sheet, title, letters)
    for number in sorted(n for n in by_row if n > 1):
        cells: dict[str, object] = {}
        for i, key in positions.items():
            found = by_row[number].get(i + 1)
            if found is not None and found.data_type == "f":
                where = f"{title}!{letters[key]}{number}"
                problems.append(Problem(where, text("formula", lang, formula=str(found.value)[:80])))
            elif found is not None:
                cells[key] = found.value
        row = Row(number, cells)
        if not row.is_empty():
            rows.rows.append(row)
    return rows


def column_letter(rows: SheetRows, column: Column) -> str:
    """The letter of a column on a sheet."""
    return rows.letters[column.key]
