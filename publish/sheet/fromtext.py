"""A plan's text (or a Word document laid out the same way) → a workbook to fill in.

Stage: sheet (from-text). Imports `config`, `errors`, `formats`, `urls` and `vocab`, and `sheet.cells`,
`sheet.export`, `sheet.problems` and `sheet.workbook`; python-docx for Word documents.
The layout it reads is the one of the texts in `data/kilder/`: a date line ('17. februar 2020'), an author
line ('Af: …'), the title, the introduction (one paragraph per line), a numbered list of the focus areas (with
the line that leads into it), then for each area its heading, its headline goal and its bullet points ('•',
'-', '*' or a Word list). Every text is kept verbatim, typos included. Lines it cannot place are reported by
number, not guessed at. English texts, SDG links, the municipality and the parties are left for people to fill in.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..config import Config
from ..errors import InputError
from ..formats import DOCX, TEXT
from ..urls import agent_path, slugify, source_document
from ..vocab import FOAF_PERSON
from .cells import Vocab
from .export import Project, dropdowns
from .problems import Problem
from .workbook import Row, WorkbookData, new_rows, write_workbook

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januar", "january", "jan"),
            ("februar", "february", "feb"),
            ("marts", "march", "mar"),
            ("april", "apr"),
            ("maj", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_BULLET = re.compile(r"^\s*[•·▪◦‣\-\*–]\s+(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^\s*(?P<number>\d{1,2})[.)]\s+(?P<text>\S.*)$")
_AUTHOR = re.compile(r"^\s*(?:Af|By|Forfatter|Author)\s*:\s*(?P<name>\S.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One line (or Word paragraph) of the source, numbered from 1."""

    number: int
    text: str


@dataclass
class Area:
    """A focus area found in the text."""

    heading: Line
    goal: Line
    points: list[Line]
    listed: str = ""


@dataclass
class PlanText:
    """What the text says, and the lines it could not place."""

    date: str = ""
    author: str = ""
    title: str = ""
    introduction: list[str] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    unplaced: list[Line] = field(default_factory=list)
    media_type: str = TEXT.media_type
    digest: str = ""


def read_lines(path: Path, lang: str) -> tuple[list[Line], str]:
    """The lines of a .txt file or the paragraphs of a .docx (list paragraphs marked '•' or 'n.')."""
    if not path.is_file():
        raise InputError(f"{path}: the file does not exist" if lang == "en" else f"{path}: filen findes ikke")
    content = path.read_bytes()
    if path.suffix.lower() == ".docx" or content[:2] == b"PK":
        return _docx_lines(path, lang), DOCX.media_type
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")
    return [Line(i, line.rstrip()) for i, line in enumerate(text.splitlines(), start=1)], TEXT.media_type


def _docx_lines(path: Path, lang: str) -> list[Line]:
    import zipfile  # noqa: PLC0415

    from docx import Document  # noqa: PLC0415
    from docx.opc.exceptions import PackageNotFoundError  # noqa: PLC0415

    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(
            f"{path}: not a Word document (.docx): {exc}"
            if lang == "en"
            else f"{path}: ikke et Word-dokument (.docx): {exc}"
        ) from exc
    formats = _numbering_formats(document)
    lines = []
    counters: dict[tuple[str, str], int] = {}
    for number, paragraph in enumerate(document.paragraphs, start=1):
        text = paragraph.text.rstrip()
        properties = paragraph._p.pPr
        numbering: Any = properties.numPr if properties is not None else None
        style = (paragraph.style.name or "") if paragraph.style is not None else ""
        if numbering is not None and numbering.numId is not None and text:
            num_id = str(numbering.numId.val)
            level = str(numbering.ilvl.val) if numbering.ilvl is not None else "0"
            kind = formats.get((num_id, level), "bullet")
            if kind == "bullet":
                text = "• " + text
            else:
                counters[(num_id, level)] = counters.get((num_id, level), 0) + 1
                text = f"{counters[(num_id, level)]}. {text}"
        elif text and "List Bullet" in style:
            text = "• " + text
        elif text and "List Number" in style:
            counters[("style", style)] = counters.get(("style", style), 0) + 1
            text = f"{counters[('style', style)]}. {text}"
        lines.append(Line(number, text))
    return lines


def _numbering_formats(document: object) -> dict[tuple[str, str], str]:
    """(numId, level) → the list's number format ('bullet', 'decimal', …) from the document's numbering part."""
    try:
        part = document.part.numbering_part  # type: ignore[attr-defined]
    except (NotImplementedError, KeyError, AttributeError):
        return {}
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    root = part.element
    abstract: dict[str, dict[str, str]] = {}
    for node in root.findall("w:abstractNum", ns):
        levels = {}
        for level in node.findall("w:lvl", ns):
            fmt = level.find("w:numFmt", ns)
            levels[level.get(f"{{{ns['w']}}}ilvl")] = fmt.get(f"{{{ns['w']}}}val") if fmt is not None else "bullet"
        abstract[node.get(f"{{{ns['w']}}}abstractNumId")] = levels
    found: dict[tuple[str, str], str] = {}
    for num in root.findall("w:num", ns):
        ref = num.find("w:abstractNumId", ns)
        levels = abstract.get(ref.get(f"{{{ns['w']}}}val") if ref is not None else "", {})
        for level, fmt in levels.items():
            found[(num.get(f"{{{ns['w']}}}numId"), level)] = fmt
    return found


def parse_date(text: str) -> str:
    """An ISO date from '17. februar 2020', '17 February 2020', '2020-02-17' or '17-02-2020'; '' if none."""
    text = text.strip()
    match = re.fullmatch(r"(\d{1,2})\.?\s+([A-Za-zæøåÆØÅ]+)\.?\s+(\d{4})", text)
    if match and match.group(2).lower() in MONTHS:
        return f"{int(match.group(3)):04d}-{MONTHS[match.group(2).lower()]:02d}-{int(match.group(1)):02d}"
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        return text
    match = re.fullmatch(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})", text)
    if match:
        return f"{match.group(3)}-{int(match.group(2)):02d}-{int(match.group(1)):02d}"
    return ""


def parse_plan(lines: list[Line]) -> PlanText:
    """The plan's parts from its lines (see the module's docstring)."""
    plan = PlanText()
    content = [line for line in lines if line.text.strip()]
    position = 0
    if position < len(content) and parse_date(content[position].text):
        plan.date = parse_date(content[position].text)
        position += 1
    if position < len(content) and _AUTHOR.match(content[position].text):
        plan.author = _AUTHOR.match(content[position].text).group("name").strip()  # type: ignore[union-attr]
        position += 1
    if position < len(content):
        plan.title = content[position].text.strip()
        position += 1
    rest = content[position:]
    first_listed = next((i for i, line in enumerate(rest) if _NUMBERED.match(line.text)), None)
    listed: list[str] = []
    if first_listed is None:
        intro, after = [], rest
    else:
        end = first_listed
        while end < len(rest) and _NUMBERED.match(rest[end].text):
            listed.append(_NUMBERED.match(rest[end].text).group("text").strip())  # type: ignore[union-attr]
            end += 1
        lead = first_listed - 1
        # The line leading into the list ('De 11 punkter er'): a short line without a full stop.
        if lead >= 0 and len(rest[lead].text) < 80 and not rest[lead].text.rstrip().endswith("."):
            intro = rest[:lead]
        else:
            intro = rest[:first_listed]
        after = rest[end:]
    for line in intro:
        if re.fullmatch(r"\W*", line.text.strip()):
            plan.unplaced.append(line)
        else:
            plan.introduction.append(line.text.strip())
    _areas(plan, after)
    if listed and len(listed) == len(plan.areas):
        for area, name in zip(plan.areas, listed, strict=True):
            area.listed = name
    elif listed:
        plan.unplaced.extend(
            Line(0, f"(listen over områder har {len(listed)} punkter, teksten {len(plan.areas)} områder)") for _ in [0]
        )
    return plan


def _areas(plan: PlanText, lines: list[Line]) -> None:
    """Each run of bullet points, with the goal line and the heading line above it; the rest is unplaced."""
    used: set[int] = set()
    index = 0
    groups: list[tuple[int, int]] = []
    while index < len(lines):
        if _BULLET.match(lines[index].text):
            start = index
            while index < len(lines) and _BULLET.match(lines[index].text):
                index += 1
            groups.append((start, index))
        else:
            index += 1
    previous_end = 0
    for start, end in groups:
        if start - 2 < previous_end:
            # No heading and goal above these points: nothing to hang them on.
            plan.unplaced.extend(lines[start:end])
            used.update(range(start, end))
            previous_end = end
            continue
        heading, goal = lines[start - 2], lines[start - 1]
        points = [Line(line.number, _BULLET.match(line.text).group("text").strip()) for line in lines[start:end]]  # type: ignore[union-attr]
        plan.areas.append(
            Area(Line(heading.number, heading.text.strip()), Line(goal.number, goal.text.strip()), points)
        )
        used.update(range(start - 2, end))
        previous_end = end
    plan.unplaced.extend(line for i, line in enumerate(lines) if i not in used and line not in plan.unplaced)
    plan.unplaced.sort(key=lambda line: line.number)


def read_plan_text(path: Path, lang: str) -> PlanText:
    """Read and parse a plan's text or Word document."""
    lines, media_type = read_lines(path, lang)
    plan = parse_plan(lines)
    plan.media_type = media_type
    plan.digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return plan


def _row(workbook: WorkbookData, key: str, cells: dict[str, object]) -> Row:
    rows = workbook.sheets[key].rows
    row = Row(len(rows) + 2, cells)
    rows.append(row)
    return row


def text_rows(
    project: Project, config: Config, plan: PlanText, source: Path, lang: str
) -> tuple[WorkbookData, Vocab, list[Problem]]:
    """The workbook rows of a plan read from its text, and a note for every line not placed."""
    import datetime as dt  # noqa: PLC0415

    vocab = project.vocab()
    workbook = WorkbookData(lang, "", new_rows(project.layout, lang))
    date = dt.date.fromisoformat(plan.date) if plan.date else None
    # A file in the data's folder of source documents is published as the build publishes it; another file as if
    # it were copied there.
    sources_dir = config.data_dir / "kilder"
    try:
        name = source.resolve().relative_to(sources_dir.resolve()).as_posix()
    except ValueError:
        name = source.name
    published = source_document(name)
    stem = source_document(name.rsplit(".", 1)[0])
    source_id, n = stem, 1
    while _iri(project, source_id) in vocab.index.by_subject:
        n += 1
        source_id = f"{stem}-{n}"
    _row(
        workbook,
        "sources",
        {
            "id": source_id,
            "title@da": plan.title or None,
            "downloadURL": published,
            "checksum": plan.digest,
            "issued": date,
            "language": "da",
            "format": plan.media_type,
        },
    )
    plan_cells: dict[str, object] = {
        "title@da": plan.title or None,
        "label@da": plan.title or None,
        "issued": date,
        "abstract@da": "\n\n".join(plan.introduction) or None,
        "wasDerivedFrom": source_id,
        "language": "da",
    }
    if plan.author:
        known = vocab.names.get(plan.author.casefold())
        if known and len(known) == 1:
            plan_cells["creator"] = vocab.ref_text(next(iter(known)), lang)
        else:
            person_id = agent_path("person", slugify(plan.author))
            _row(
                workbook,
                "organisations",
                {
                    "types": vocab.choice_text(FOAF_PERSON, lang),
                    "id": person_id,
                    "prefLabel@da": plan.author,
                    "name": plan.author,
                },
            )
            plan_cells["creator"] = person_id
    _row(workbook, "plan", plan_cells)
    for position, area in enumerate(plan.areas, start=1):
        _row(
            workbook,
            "areas",
            {
                "prefLabel@da": area.heading.text,
                "position": position,
                "altLabel@da": area.listed or None,
                "goal:label@da": area.goal.text,
            },
        )
        for point_position, point in enumerate(area.points, start=1):
            _row(workbook, "points", {"area": area.heading.text, "position": point_position, "label@da": point.text})
    notes = [
        Problem(
            f"{source.name}:{line.number}" if line.number else source.name,
            (
                f"kunne ikke placeres: »{line.text.strip()}«"
                if lang == "da"
                else f"could not be placed: “{line.text.strip()}”"
            )
            if line.number
            else line.text,
            "Info",
        )
        for line in plan.unplaced
    ]
    if not plan.areas:
        notes.append(
            Problem(source.name, "ingen fokusområder fundet" if lang == "da" else "no focus areas found", "Warning")
        )
    return workbook, vocab, notes


def text_workbook(
    project: Project, config: Config, source: Path, out: Path, lang: str
) -> tuple[dict[str, int], list[Problem]]:
    """Write the workbook of a plan read from its text or Word document: the rows on each sheet, and a note for
    every line not placed."""
    parsed = read_plan_text(source, lang)
    workbook, vocab, notes = text_rows(project, config, parsed, source, lang)
    write_workbook(workbook, dropdowns(project, workbook, vocab, None, lang), out)
    return {key: len(rows.rows) for key, rows in workbook.sheets.items()}, notes


def _iri(project: Project, path: str) -> ox.NamedNode:
    return ox.NamedNode(project.policy.iri(path))
