"""The CSV mode: suggestions for any texts, for researchers and for evaluation.

Stage: suggest (the CSV mode). Imports `errors`, `plans` and `suggest.scoring`.
Input: a UTF-8 CSV file with a header row; one column holds the texts, one the ids. Output: a CSV file with
the columns `id, sdg, score, accepted`, one row per goal or target the suggester lists for a text (goals and
targets in UN order), written to a temporary file that replaces the output only when everything succeeded.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..plans import notation_key
from .scoring import Analysis, Suggester

OUTPUT_COLUMNS = ("id", "sdg", "score", "accepted")


@dataclass(frozen=True)
class TextRow:
    """One input text with its id and the line it starts on."""

    line: int
    key: str
    text: str


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8 (in Excel: CSV UTF-8)"
        ) from exc


def read_texts(path: Path, text_column: str, id_column: str) -> list[TextRow]:
    """The rows of the input file, checked: header present, both columns there, ids unique."""
    content = _decode(path)
    if not content.strip():
        raise InputError(f"{path}: the file is empty; it needs a header row with '{id_column}' and '{text_column}'")
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InputError(f"{path}:1: not a CSV header: {exc}") from exc
    columns = [name.strip() for name in header]
    missing = [name for name in (id_column, text_column) if name not in columns]
    if missing:
        raise InputError(
            f"{path}:1: no column named {', '.join(repr(m) for m in missing)}; the header has "
            f"{', '.join(repr(c) for c in columns)} (choose with --text-column and --id-column)"
        )
    id_at, text_at = columns.index(id_column), columns.index(text_column)
    rows: list[TextRow] = []
    seen: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(columns):
                raise InputError(f"{path}:{line}: {len(record)} fields, but the header has {len(columns)}")
            key = record[id_at].strip()
            if not key:
                raise InputError(f"{path}:{line}: the '{id_column}' cell is empty")
            if key in seen:
                raise InputError(f"{path}:{line}: id {key!r} already used on line {seen[key]}")
            seen[key] = line
            rows.append(TextRow(line, key, record[text_at]))
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}: not valid CSV: {exc}") from exc
    return rows


def suggestion_rows(key: str, analysis: Analysis) -> list[tuple[str, str, str, str]]:
    """The output rows of one text: its listed goals and targets in UN order."""
    candidates = sorted((*analysis.goals, *analysis.targets), key=lambda c: notation_key(c.notation))
    return [(key, c.notation, f"{c.score:.4f}", "true" if c.accepted else "false") for c in candidates]


def write_suggestions(
    suggester: Suggester,
    rows: Iterable[TextRow],
    out: Path,
    lang: str | None,
    wrap: Callable[[Iterable[TextRow]], Iterator[TextRow]] | None = None,
) -> int:
    """Suggest for every row and write the output CSV atomically; the number of rows written."""
    folder = out.resolve().parent
    if not folder.is_dir():
        raise InputError(f"{out}: the folder {folder} does not exist")
    written = 0
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(OUTPUT_COLUMNS)
            for row in wrap(rows) if wrap else rows:
                for output in suggestion_rows(row.key, suggester.analyse(row.text, lang)):
                    writer.writerow(output)
                    written += 1
        os.replace(name, out)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return written
