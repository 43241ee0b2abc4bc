"""A workbook → the plan's Turtle files in `data/`, validated first, written atomically.

Stage: sheet (import). Imports `config`, `load`, `rdfterms`, `urls`, `validate` and `vocab`, and `sheet.assemble`,
`sheet.export`, `sheet.index`, `sheet.layout`, `sheet.problems`, `sheet.turtle` and `sheet.workbook`.
The plan's triples from the workbook replace the plan's triples in the project: those of everything the plan's
workbook holds (see `export.plan_closure`), except a thing the workbook no longer has that other data still
refer to (an organisation another plan names), which stays. The whole project is then validated in memory
against the shapes; each result about a triple from the workbook is reported at the cell it came from, with the
shape's message. Violations: exit 1 and nothing written. Warnings are listed and do not block.
Where the triples go: a thing already in the project stays in its file; a new one goes to the file of its kind
for the plan — the file holding the plan (for a new plan `data/kommuner/{k}/{plan-id}.ttl`), the file holding its
SDG links (`…/{plan-id}-sdg-koblinger.ttl`) or the file holding its municipality
(`data/kommuner/{k}/organisationer.ttl`). Only the statements that changed are rewritten (see `turtle`).
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..config import Config
from ..load import Role, SourceFile, Sources, load_sources
from ..rdfterms import Subject
from ..urls import UrlPolicy, is_goal_path, municipality_slug
from ..validate import Finding, run_validation
from ..vocab import DCT_PUBLISHER, RDF_TYPE
from .assemble import Assembled, Origin, assemble
from .export import Project, load_project, plan_closure
from .index import natural_key, term_sort_key, text_of
from .layout import workbook_layout
from .problems import Problem, SheetNonConforming
from .turtle import file_text
from .workbook import WorkbookData, read_workbook

# Where a new plan's files go in the data folder: `kommuner/{municipality}/{plan-id}.ttl`, its SDG links beside
# it in `{plan-id}-sdg-koblinger.ttl`, the organisations it names in `organisationer.ttl`.
MUNICIPALITIES_FOLDER = "kommuner"
LINKS_FILE_SUFFIX = "-sdg-koblinger.ttl"
ORGANISATIONS_FILE = "organisationer.ttl"
TURTLE_SUFFIX = ".ttl"


@dataclass(frozen=True)
class Change:
    """One thing added, changed or removed, with what changed in it."""

    kind: str
    subject: str
    label: str
    details: tuple[str, ...]


@dataclass
class ImportResult:
    """What an import did (or, with --dry-run, would do)."""

    plan: str
    changes: list[Change] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False


def import_workbook(config: Config, path: Path, dry_run: bool, lang: str) -> ImportResult:
    """Read, check, validate and (unless `dry_run`) write the workbook's plan into the project's data."""
    policy = UrlPolicy(config.base_iri)
    sources = load_sources(config)
    project = load_project(sources, policy, workbook_layout(sources, policy))
    data = read_workbook(path, project.layout, lang)
    old_plan = _old_plan(project, data)
    assembled = assemble(data, project.layout, project.vocab(), project.data, old_plan, lang)
    assembled.problems[:0] = data.problems
    if assembled.plan is None:
        raise SheetNonConforming(assembled.problems, lang)
    plan = assembled.plan
    new_files = _plan_files(project, config, sources, assembled, old_plan)
    changed_sources = _with_files(sources, new_files)
    report = run_validation(changed_sources, policy, lang=lang)
    # Every problem in one go: the cells that could not be read, then what the shapes say of the rest (not
    # again of a cell already reported).
    reported = {p.where for p in assembled.problems}
    problems = [p for f in report.findings if (p := _problem(f, assembled, data, project, lang)).where not in reported]
    if assembled.problems or any(p.severity == "Violation" for p in problems):
        tabs = [rows.title for rows in data.sheets.values()]
        ordered = sorted(
            assembled.problems + problems, key=lambda p: (p.severity != "Violation", *_place(p.where, tabs))
        )
        raise SheetNonConforming(ordered, lang)
    result = ImportResult(policy.path(plan.value))
    tabs = [rows.title for rows in data.sheets.values()]
    # Warnings about the workbook's own cells; what other plans in the project still lack is theirs.
    ours = [p for p in problems if p.where.partition("!")[0] in tabs]
    result.warnings = sorted(ours, key=lambda p: _place(p.where, tabs))
    old_data = {f.path: list(f.triples) for f in sources.files if f.role is Role.DATA}
    result.changes = _changes(project, old_data, new_files, lang)
    texts: dict[str, str | None] = {}
    for shown, triples in sorted(new_files.items()):
        old_triples = old_data.get(shown)
        if old_triples is not None and canonical(old_triples) == canonical(triples):
            continue
        full = config.project_dir / shown
        old_text = full.read_text(encoding="utf-8") if full.is_file() else None
        if not triples:
            texts[shown] = None
            result.files.append((shown, "removed"))
            continue
        texts[shown] = file_text(
            old_text, old_triples or [], triples, policy, _comment(plan, shown, policy), _order(project, triples)
        )
        result.files.append((shown, "changed" if old_text is not None else "added"))
    if not dry_run:
        write_atomically(config.project_dir, texts)
        result.written = True
    return result


def _place(where: str, tabs: list[str]) -> tuple[int, int, int, str]:
    """Where a problem is, for sorting: the sheet's tab, the row, the column ('' cells after the sheets)."""
    sheet, _, cell = where.partition("!")
    if not cell or sheet not in tabs:
        return (len(tabs), 0, 0, where)
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (tabs.index(sheet), int(digits or 0), len(letters), letters)


def _old_plan(project: Project, data: WorkbookData) -> ox.NamedNode | None:
    """The plan the workbook was exported from (it keeps its IRI, also in a project that lacks it)."""
    if not data.plan:
        return None
    node = ox.NamedNode(project.policy.iri(data.plan))
    if node in project.data.by_subject and not project.data.is_a(node, project.v.Plan):
        return None
    return node


def _comment(plan: ox.NamedNode, shown: str, policy: UrlPolicy) -> str:
    path = policy.path(plan.value)
    written = "\nWritten by planlod sheet import."
    if shown.endswith(LINKS_FILE_SUFFIX):
        return f"Links from the elements of {path} to the UN Sustainable Development Goals.{written}"
    if shown.endswith(ORGANISATIONS_FILE):
        return f"Organisations, people and works the municipality's plans name.{written}"
    return f"The plan {path}: plan, source document, focus areas, goals, focus points and corrections.{written}"


def _order(project: Project, triples: list[ox.Triple]) -> dict[str, int]:
    """A new file's order of subjects: plan, sources, other things, then areas each with their goal and points."""
    rank: dict[str, int] = {}
    v = project.v
    kinds: list[object] = [v.Plan, v.SourceDocument, v.Municipality, v.PoliticalParty, v.MajorityGroup]
    for t in triples:
        if t.predicate == RDF_TYPE and t.object in kinds:
            rank[text_of(t.subject)] = kinds.index(t.object)
    return rank


def _plan_files(
    project: Project, config: Config, sources: Sources, assembled: Assembled, old_plan: ox.NamedNode | None
) -> dict[str, list[ox.Triple]]:
    """Every data file's triples after the import, by the file's path in the project."""
    data = project.data
    policy = project.policy
    # The plan's things now in the project: of the plan the workbook was exported from, or of the plan it names
    # by its ID, title and date (a new plan imported again).
    known = assembled.plan if assembled.plan is not None and data.is_a(assembled.plan, project.v.Plan) else None
    closure = set(plan_closure(project, known)) if known is not None else set()
    new_subjects = {t.subject for t in assembled.triples if not isinstance(t.subject, ox.BlankNode)}
    referred_from_outside = {
        s
        for s in closure
        for t in data.referrers.get(s, [])
        if t.subject not in closure and not isinstance(t.subject, ox.BlankNode)
    }
    # What the workbook still refers to stays, even when it is not on its sheets (a person named by the plan).
    referred_from_outside |= {t.object for t in assembled.triples if isinstance(t.object, ox.NamedNode)}
    # Blank nodes go with the thing that holds them.
    replaced: set[Subject] = {
        s for s in closure if not isinstance(s, ox.BlankNode) and (s in new_subjects or s not in referred_from_outside)
    }
    replaced |= {s for s in new_subjects if s in data.by_subject}
    replaced_blank = _blank_closure(project, replaced)
    wanted = _keys(assembled.triples)
    files: dict[str, list[ox.Triple]] = {}
    first_file: dict[Subject, str] = {}
    kept: set[str] = set()
    for source in sources.files:
        if source.role is not Role.DATA:
            continue
        keys = _keys(list(source.triples))
        # A fact that stays stays where it is (in whichever file says it); only facts that go are cut.
        files[source.path] = [
            t
            for t in source.triples
            if (t.subject not in replaced and t.subject not in replaced_blank) or keys[t] in wanted.values()
        ]
        kept |= {keys[t] for t in files[source.path]}
        for t in source.triples:
            first_file.setdefault(t.subject, source.path)
    plan = assembled.plan
    assert plan is not None
    homes = _homes(project, config, assembled, first_file, old_plan)
    parent: dict[ox.BlankNode, Subject] = {}
    for t in assembled.triples:
        if isinstance(t.object, ox.BlankNode):
            parent[t.object] = t.subject
    for t in assembled.triples:
        if wanted[t] in kept:
            continue
        subject: Subject = t.subject
        while isinstance(subject, ox.BlankNode) and subject in parent:
            subject = parent[subject]
        home = first_file.get(subject) or homes[_kind_of(assembled, subject)]
        files.setdefault(home, []).append(t)
    del policy
    return files


def _keys(triples: list[ox.Triple]) -> dict[ox.Triple, str]:
    """Each triple as text, a blank node replaced by what it says, and a blank node's own triples by the
    triple that holds it (so that a checksum is the same fact in two files)."""
    inner: dict[ox.BlankNode, list[str]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            inner[t.subject].append(f"{t.predicate} {t.object}")
    holder: dict[ox.BlankNode, str] = {}
    keys: dict[ox.Triple, str] = {}
    for t in triples:
        if isinstance(t.object, ox.BlankNode):
            keys[t] = f"{t.subject} {t.predicate} [{' '.join(sorted(inner.get(t.object, [])))}]"
            holder[t.object] = keys[t]
        elif not isinstance(t.subject, ox.BlankNode):
            keys[t] = f"{t.subject} {t.predicate} {t.object}"
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            keys[t] = f"{holder.get(t.subject, t.subject.value)} / {t.predicate} {t.object}"
    return keys


def _blank_closure(project: Project, subjects: set[Subject]) -> set[Subject]:
    found: set[Subject] = set()
    todo = list(subjects)
    while todo:
        node = todo.pop()
        for t in project.data.by_subject.get(node, []):
            if isinstance(t.object, ox.BlankNode) and t.object not in found:
                found.add(t.object)
                todo.append(t.object)
    return found


def _kind_of(assembled: Assembled, subject: Subject) -> str:
    sheet = assembled.sheets.get(subject, "plan") if isinstance(subject, ox.NamedNode | ox.BlankNode) else "plan"
    return {"links": "links", "organisations": "organisations"}.get(sheet, "plan")


def _homes(
    project: Project,
    config: Config,
    assembled: Assembled,
    first_file: dict[Subject, str],
    old_plan: ox.NamedNode | None,
) -> dict[str, str]:
    """The file for new things of each kind: where the plan's things of that kind already are, else the layout's."""
    plan = assembled.plan
    assert plan is not None
    policy = project.policy
    data_dir = (
        config.data_dir.relative_to(config.project_dir).as_posix()
        if config.data_dir.is_relative_to(config.project_dir)
        else "data"
    )
    municipality = next(
        (
            t.object
            for t in assembled.triples
            if t.subject == plan
            and t.predicate in (project.v.municipality, DCT_PUBLISHER)
            and isinstance(t.object, ox.NamedNode)
        ),
        None,
    )
    segment = ""
    if municipality is not None and policy.is_local(municipality.value):
        segment = municipality_slug(policy.path(municipality.value))
    plan_id = plan.value.rsplit("/", 1)[-1]
    folder = f"{data_dir}/{MUNICIPALITIES_FOLDER}/{segment}" if segment else data_dir
    homes = {
        "plan": first_file.get(plan) or f"{folder}/{plan_id}{TURTLE_SUFFIX}",
        "links": "",
        "organisations": (first_file.get(municipality) if municipality is not None else None)
        or f"{folder}/{ORGANISATIONS_FILE}",
    }
    link_files = sorted(
        {first_file[s] for s, sheet in assembled.sheets.items() if sheet == "links" and s in first_file}
    )
    homes["links"] = link_files[0] if link_files else homes["plan"].removesuffix(TURTLE_SUFFIX) + LINKS_FILE_SUFFIX
    del old_plan
    return homes


def _with_files(sources: Sources, files: dict[str, list[ox.Triple]]) -> Sources:
    """The sources with the data files replaced (in memory)."""
    kept = [f for f in sources.files if f.role is not Role.DATA]
    data = [SourceFile(path, Role.DATA, tuple(triples)) for path, triples in sorted(files.items()) if triples]
    return Sources(tuple(data + kept))


def _problem(finding: Finding, assembled: Assembled, data: WorkbookData, project: Project, lang: str) -> Problem:
    """A validation result placed at its cell (or, for data not from the workbook, at its file)."""
    focus: ox.NamedNode | ox.BlankNode = (
        ox.NamedNode(finding.focus) if "://" in finding.focus else ox.BlankNode(finding.focus)
    )
    where = _cell(finding, focus, assembled, data, project)
    value = f" ({'værdi' if lang == 'da' else 'value'}: {finding.value})" if finding.value else ""
    if where is None:
        where = f"{finding.file}: {finding.focus_short}"
    return Problem(where, f"{finding.message}{value}", finding.severity)


def _cell(
    finding: Finding, focus: ox.NamedNode | ox.BlankNode, assembled: Assembled, data: WorkbookData, project: Project
) -> str | None:
    predicates = {project.policy.short(k[1].value): k[1] for k in assembled.cells}
    for sheet in project.layout.sheets:
        for column in sheet.columns:
            if column.path is not None:
                predicates.setdefault(project.policy.short(column.path.value), column.path)
    path = predicates.get(finding.path)
    origins: list[Origin] = assembled.cells.get((focus, path), []) if path is not None else []
    if isinstance(focus, ox.NamedNode) and path is not None:
        row = assembled.rows.get(focus)
        if row is not None and row.sheet in data.sheets:
            rows = data.sheets[row.sheet]
            number = int("".join(ch for ch in row.where.rsplit("!", 1)[-1] if ch.isdigit()) or "0")
            part = "goal" if is_goal_path(focus.value) and row.sheet == "areas" else ""
            columns = [c for c in rows.sheet.columns if c.path == path and c.part == part]
            if not columns and path == project.v.headlineGoal:
                # The goal is derived from its text: a missing goal is the missing text.
                columns = [c for c in rows.sheet.columns if c.part == "goal" and c.lang == "da"]
            best = next((c for c in columns if finding.message in c.messages), None)
            if best is None and origins:
                keys = {o.column for o in origins if o.sheet == row.sheet}
                best = next((c for c in columns if c.key in keys), None)
            best = best or (columns[0] if columns else None)
            if best is not None:
                return rows.where(number, best.key)
    if origins:
        return origins[0].where
    row = assembled.rows.get(focus)
    return row.where if row is not None and row.where else None


def _changes(
    project: Project, old: dict[str, list[ox.Triple]], new: dict[str, list[ox.Triple]], lang: str
) -> list[Change]:
    before: dict[Subject, set[str]] = defaultdict(set)
    after: dict[Subject, set[str]] = defaultdict(set)
    old_index: dict[Subject, list[ox.Triple]] = defaultdict(list)
    new_index: dict[Subject, list[ox.Triple]] = defaultdict(list)
    for triples, into, index in ((old, before, old_index), (new, after, new_index)):
        blank: dict[ox.BlankNode, list[str]] = defaultdict(list)
        for file_triples in triples.values():
            for t in file_triples:
                if isinstance(t.subject, ox.BlankNode):
                    blank[t.subject].append(f"{t.predicate} {t.object}")
        described = {k: "[" + " ".join(sorted(v)) + "]" for k, v in blank.items()}
        for file_triples in triples.values():
            for t in file_triples:
                if isinstance(t.subject, ox.NamedNode):
                    into[t.subject].add(_fact(t, described))
                    index[t.subject].append(t)
    changes = []
    for subject in sorted(set(before) | set(after), key=term_sort_key):
        if before.get(subject, set()) == after.get(subject, set()):
            continue
        assert isinstance(subject, ox.NamedNode)
        kind = "added" if subject not in before else ("removed" if subject not in after else "changed")
        label = project.data.label(subject, lang) if kind != "added" else ""
        if not label:
            label = next(
                (
                    t.object.value
                    for t in new_index[subject]
                    if isinstance(t.object, ox.Literal) and t.object.language == lang
                ),
                "",
            )
        details = _details(project, old_index[subject], new_index[subject], kind)
        changes.append(Change(kind, project.policy.short(subject.value), label, tuple(details)))
    return changes


def canonical(triples: list[ox.Triple]) -> set[str]:
    """The triples as text, blank nodes replaced by what they say (for comparing files and descriptions)."""
    inner: dict[ox.BlankNode, list[str]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            inner[t.subject].append(f"{t.predicate} {t.object}")

    def show(term: object) -> str:
        return "[" + " ".join(sorted(inner.get(term, []))) + "]" if isinstance(term, ox.BlankNode) else str(term)

    return {f"{t.subject} {t.predicate} {show(t.object)}" for t in triples if not isinstance(t.subject, ox.BlankNode)}


def _fact(t: ox.Triple, blank: dict[ox.BlankNode, str]) -> str:
    obj = t.object
    return f"{t.predicate} {blank.get(obj, '[]')}" if isinstance(obj, ox.BlankNode) else f"{t.predicate} {obj}"


def _show(term: object, project: Project) -> str:
    if isinstance(term, ox.Literal):
        suffix = f"@{term.language}" if term.language else ""
        return f"»{term.value}«{suffix}"
    if isinstance(term, ox.NamedNode):
        return project.policy.short(term.value)
    return "[…]"


def _details(project: Project, old: list[ox.Triple], new: list[ox.Triple], kind: str) -> list[str]:
    lines = []
    predicates = sorted({t.predicate.value for t in old} | {t.predicate.value for t in new}, key=natural_key)
    for predicate in predicates:
        was = sorted((t.object for t in old if t.predicate.value == predicate), key=term_sort_key)
        now = sorted((t.object for t in new if t.predicate.value == predicate), key=term_sort_key)
        if (
            kind == "changed"
            and {str(x) for x in was if not isinstance(x, ox.BlankNode)}
            == {str(x) for x in now if not isinstance(x, ox.BlankNode)}
            and len(was) == len(now)
        ):
            continue
        name = project.policy.short(predicate)
        gone = [x for x in was if str(x) not in {str(y) for y in now}]
        came = [x for x in now if str(x) not in {str(y) for y in was}]
        if kind == "changed":
            was_text = ", ".join(_show(x, project) for x in gone) or "–"
            now_text = ", ".join(_show(x, project) for x in came) or "–"
            lines.append(f"{name}: {was_text} → {now_text}")
        elif kind == "added":
            lines.append(f"{name}: {', '.join(_show(x, project) for x in now)}")
    return lines


def write_atomically(root: Path, texts: dict[str, str | None]) -> None:
    """Write every file through a temporary file beside it; replace them all only when every one is written,
    and put the old ones back if a replacement fails."""
    temporaries: dict[Path, Path] = {}
    try:
        for shown, text in texts.items():
            target = root / shown
            if text is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.planlod-tmp")
            temporary.write_text(text, encoding="utf-8")
            temporaries[target] = temporary
        backups: dict[Path, bytes | None] = {}
        try:
            for shown, text in texts.items():
                target = root / shown
                backups[target] = target.read_bytes() if target.exists() else None
                if text is None:
                    target.unlink(missing_ok=True)
                else:
                    os.replace(temporaries[target], target)
        except OSError:
            for target, content in backups.items():
                if content is None:
                    target.unlink(missing_ok=True)
                else:
                    target.write_bytes(content)
            raise
    finally:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
