"""A plan in the project → the workbook's rows (and the dropdowns of its columns).

Stage: sheet (export). Imports `config`, `errors`, `load`, `model`, `plans`, `rdfterms`, `urls` and `vocab`, and
`sheet.assemble`, `sheet.cells`, `sheet.index`, `sheet.layout` and `sheet.workbook`.
The plan's facts are the triples of the plan and its parts as the plans read model finds them (its focus areas,
goals and focus points), of the SDG link records and text corrections about them, and of everything they name
in the project's data (sources, the organisations, people and works they refer to, and theirs); another plan it
refers to is named, not included. Each fact is put in its column; a fact no column holds, or one that differs
from what the workbook would derive, goes to the sheet of other facts. The export checks that reading its own
rows back gives exactly the plan's triples.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.compare import isomorphic

from ..config import Config
from ..errors import InputError
from ..load import Role, Sources, load_sources
from ..model import vocabulary
from ..plans import DataIndex, area_parts, links_from, plan_areas
from ..rdfterms import Subject, Term, rdflib_graph
from ..urls import UrlPolicy, goal_path, initiative_path, initiatives_prefix, is_goal_path, sdg_link_path
from ..vocab import DCT_TITLE, RDF_TYPE, XSD_STRING, PlanVocabulary
from .assemble import Assembled, assemble, register_names
from .cells import Vocab, cell_text, write_cell
from .index import Index, natural_key, term_sort_key, text_of
from .layout import AREA, CHOICE, ELEMENT, ID, LANGUAGE, LINK, REF, SDG, TYPES, Layout, workbook_layout
from .workbook import Dropdown, Row, WorkbookData, new_rows, write_workbook

Value = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Project:
    """What the workbook steps read from a project: its data, everything indexed, the layout and the names."""

    sources: Sources
    policy: UrlPolicy
    data: Index
    everything: Index
    layout: Layout
    # The data as the plans read model reads them, and the ontology's terms.
    plans: DataIndex
    v: PlanVocabulary

    def vocab(self) -> Vocab:
        """A fresh vocabulary (names of things) for reading or writing one workbook."""
        return Vocab(self.policy, self.everything, self.layout.term_labels)


def find_plan(project: Project, given: str) -> ox.NamedNode:
    """The plan named by its IRI, its path (plan/…) or its ID; InputError when there is no such plan."""
    plans = [p for p in project.data.instances_of(project.v.Plan) if isinstance(p, ox.NamedNode)]
    token = given.strip().strip("<>").rstrip("/")
    for plan in plans:
        path = project.policy.path(plan.value) if project.policy.is_local(plan.value) else plan.value
        if token in (plan.value, path, path.rsplit("/", 1)[-1]):
            return plan
    shown = ", ".join(project.policy.path(p.value) for p in plans) or "(none)"
    raise InputError(f"{given}: no such plan in the project's data; the plans are: {shown}")


def plan_closure(project: Project, plan: ox.NamedNode) -> list[Subject]:
    """The subjects whose triples belong to the plan's workbook (see the module's docstring)."""
    data, index, v = project.data, project.plans, project.v
    # The plan's own elements and their records come from the read model: an element or record of another plan
    # is never included, whatever refers to it.
    elements: set[ox.NamedNode] = {plan}
    for area in plan_areas(index, v, plan):
        goals, points = area_parts(index, v, ox.NamedNode(area.iri))
        elements |= {ox.NamedNode(e) for e in (area.iri, *goals, *points)}
    records: set[ox.NamedNode] = set(links_from(index, v, [e.value for e in elements]))
    records |= {c for e in elements for c in index.subjects(v.corrects, e) if isinstance(c, ox.NamedNode)}
    element_classes = (v.FocusArea, v.Goal, v.Initiative, v.SDGLink, v.TextCorrection)
    vocabulary_ns = (project.policy.ontology_ns, project.policy.shapes_ns)
    seen: set[Subject] = {*elements, *records}
    todo: list[Subject] = sorted(seen, key=term_sort_key)
    while todo:
        node = todo.pop()
        for triple in data.by_subject.get(node, []):
            target = triple.object
            if target in seen or triple.predicate == RDF_TYPE:
                continue
            if isinstance(target, ox.BlankNode) or (
                isinstance(target, ox.NamedNode)
                and target in data.by_subject
                and not target.value.startswith(vocabulary_ns)
                and not data.is_a(target, v.Plan, *element_classes)
            ):
                seen.add(target)
                todo.append(target)
    return sorted(seen, key=term_sort_key)


def _sheet_of(project: Project, subject: Subject, plan: ox.NamedNode) -> str | None:
    data = project.data
    layout = project.layout
    if subject == plan:
        return "plan"
    if isinstance(subject, ox.BlankNode):
        return None
    for key in ("areas", "points", "links", "corrections", "sources"):
        if data.is_a(subject, *layout.sheet(key).classes):
            return key
    if data.is_a(subject, project.v.Goal) and is_goal_path(text_of(subject)):
        return "goal"
    if data.is_a(subject, *layout.sheet("organisations").classes):
        return "organisations"
    return None


def export_rows(project: Project, plan: ox.NamedNode, lang: str) -> tuple[WorkbookData, Vocab]:
    """The workbook rows of a plan, checked to read back to exactly the plan's triples."""
    closure = plan_closure(project, plan)
    data = project.data
    actual = [t for s in closure for t in data.by_subject.get(s, [])]
    # Things are named in cells by the names the workbook itself gives them (or the rest of the project does),
    # so that the workbook reads back the same even into a project without the plan's files.
    inside = set(closure)
    outside = Index(t for t in project.everything.by_subject_triples() if t.subject not in inside)
    vocab = Vocab(project.policy, outside, project.layout.term_labels)
    vocab.also = project.vocab()
    vocab.sdg = vocab.also.sdg
    vocab.plan = plan
    sheets = new_rows(project.layout, lang)
    workbook = WorkbookData(lang, project.policy.path(plan.value), sheets)
    placed: dict[str, list[Subject]] = defaultdict(list)
    for subject in closure:
        key = _sheet_of(project, subject, plan)
        if key is not None:
            placed[key].append(subject)
    organisations = sorted(placed["organisations"], key=lambda s: (_org_rank(project, s), natural_key(text_of(s))))
    # The rows that name things first, twice: the second time their references find each other by name.
    for _ in range(2):
        workbook.sheets["sources"].rows.clear()
        workbook.sheets["organisations"].rows.clear()
        _plain_rows(project, workbook, vocab, placed["sources"], "sources", lang)
        _plain_rows(project, workbook, vocab, organisations, "organisations", lang)
        for key in ("sources", "organisations"):
            for row in workbook.sheets[key].rows:
                register_names(vocab, row, ox.NamedNode(project.policy.iri(str(row.cells["id"]))))
    title = next(
        (v for v in data.objects(plan, DCT_TITLE) if isinstance(v, ox.Literal) and v.language == "da"),
        None,
    )
    if title is not None:
        vocab.add_name(plan, title.value, "da")
    area_order = sorted(placed["areas"], key=lambda a: (_position(data, project, a), natural_key(text_of(a))))
    area_names = {a: data.label(a, "da") for a in area_order}
    _plan_row(project, workbook, vocab, plan, lang)
    _area_rows(project, workbook, vocab, area_order, lang)
    _point_rows(project, workbook, vocab, placed["points"], area_names, area_order, lang)
    order: dict[Term, tuple[int, int, int]] = {plan: (-1, 0, 0)}
    for i, area in enumerate(area_order):
        assert isinstance(area, ox.NamedNode)
        order[area] = (i, 0, 0)
        order[ox.NamedNode(goal_path(area.value))] = (i, 1, 0)
        for point in data.objects(area, project.v.initiative):
            order[point] = (i, 2, _position(data, project, point))  # type: ignore[arg-type]
    for key, predicate in (("links", project.v.linkSubject), ("corrections", project.v.corrects)):

        def by_element(
            record: Subject, predicate: ox.NamedNode = predicate
        ) -> tuple[tuple[int, int, int], tuple[tuple[int, int, str], ...]]:
            element = data.value(record, predicate)
            return (
                order.get(element, (10**6, 0, 0)) if element is not None else (10**6, 0, 0),
                natural_key(text_of(record)),
            )

        _record_rows(project, workbook, vocab, sorted(placed[key], key=by_element), key, lang)
    first = assemble(workbook, project.layout, project.vocab(), project.data, plan, lang)
    _other_rows(project, workbook, vocab, actual, first, lang)
    second = assemble(workbook, project.layout, project.vocab(), project.data, plan, lang)
    _underived_rows(workbook, vocab, actual, first, second)
    check = assemble(workbook, project.layout, project.vocab(), project.data, plan, lang)
    if check.problems or not _same(actual, check.triples):
        missing = {t for t in actual if not isinstance(t.subject, ox.BlankNode)} - set(check.triples)
        extra = {t for t in check.triples if not isinstance(t.subject, ox.BlankNode)} - set(actual)
        detail = "; ".join(p.line("en") for p in check.problems[:3]) or (
            f"{len(missing)} triple(s) would be lost (e.g. {sorted(map(str, missing))[:2]}), "
            f"{len(extra)} added (e.g. {sorted(map(str, extra))[:2]})"
        )
        raise InputError(f"{project.policy.path(plan.value)}: the plan cannot be put in a workbook exactly: {detail}")
    return workbook, vocab


def _same(a: list[ox.Triple], b: list[ox.Triple]) -> bool:
    return isomorphic(rdflib_graph(a), rdflib_graph(b))


def _position(data: Index, project: Project, node: Subject) -> int:
    value = data.value(node, project.v.position)
    return int(value.value) if isinstance(value, ox.Literal) and value.value.isdigit() else 10**6


def _org_rank(project: Project, subject: Subject) -> int:
    for rank, cls in enumerate((project.v.Municipality, project.v.PoliticalParty, project.v.MajorityGroup)):
        if project.data.is_a(subject, cls):
            return rank
    return 3


def _fill(project: Project, row: Row, key: str, subject: Subject, vocab: Vocab, lang: str, part: str = "") -> None:
    sheet = project.layout.sheet(key)
    data = project.data
    for column in sheet.columns:
        if column.part != part or column.path is None or column.kind in (ID, TYPES, AREA, ELEMENT):
            continue
        values = [
            v for v in data.objects(subject, column.path) if isinstance(v, ox.NamedNode | ox.BlankNode | ox.Literal)
        ]
        values.sort(key=term_sort_key)
        cell, _held = write_cell(values, column, vocab, lang, data)
        if cell is not None:
            row.cells[column.key] = cell


def _new_row(workbook: WorkbookData, key: str) -> Row:
    rows = workbook.sheets[key].rows
    row = Row(len(rows) + 2, {})
    rows.append(row)
    return row


def _plan_row(project: Project, workbook: WorkbookData, vocab: Vocab, plan: ox.NamedNode, lang: str) -> None:
    row = _new_row(workbook, "plan")
    row.cells["id"] = plan.value.rsplit("/", 1)[-1]
    _fill(project, row, "plan", plan, vocab, lang)


def _area_rows(project: Project, workbook: WorkbookData, vocab: Vocab, areas: list[Subject], lang: str) -> None:
    for area in areas:
        assert isinstance(area, ox.NamedNode)
        row = _new_row(workbook, "areas")
        row.cells["id"] = area.value.rsplit("/", 1)[-1]
        _fill(project, row, "areas", area, vocab, lang)
        _fill(project, row, "areas", ox.NamedNode(goal_path(area.value)), vocab, lang, part="goal")


def _point_rows(
    project: Project,
    workbook: WorkbookData,
    vocab: Vocab,
    points: list[Subject],
    area_names: dict[Subject, str],
    area_order: list[Subject],
    lang: str,
) -> None:
    data = project.data
    rank = {a: i for i, a in enumerate(area_order)}
    names = list(area_names.values())

    def key(point: Subject) -> tuple[int, int, tuple[tuple[int, int, str], ...]]:
        area = data.value(point, project.v.area)
        return (
            rank.get(area, 10**6) if isinstance(area, ox.NamedNode) else 10**6,
            _position(data, project, point),
            natural_key(text_of(point)),
        )

    for point in sorted(points, key=key):
        assert isinstance(point, ox.NamedNode)
        row = _new_row(workbook, "points")
        row.cells["id"] = point.value.rsplit("/", 1)[-1]
        area = data.value(point, project.v.area)
        if isinstance(area, ox.NamedNode) and area in area_names:
            name = area_names[area]
            unique = names.count(name) == 1 and point.value.startswith(initiatives_prefix(area.value))
            row.cells["area"] = name if unique else area.value.rsplit("/", 1)[-1]
        _fill(project, row, "points", point, vocab, lang)


def _record_rows(
    project: Project,
    workbook: WorkbookData,
    vocab: Vocab,
    records: list[Subject],
    key: str,
    lang: str,
) -> None:
    data = project.data
    predicate = project.v.linkSubject if key == "links" else project.v.corrects
    column_key = "linkSubject" if key == "links" else "corrects"
    for record in records:
        element = data.value(record, predicate)
        row = _new_row(workbook, key)
        if isinstance(element, ox.NamedNode):
            row.cells[column_key] = vocab.element_text(element)
        _fill(project, row, key, record, vocab, lang)


def _plain_rows(
    project: Project, workbook: WorkbookData, vocab: Vocab, subjects: list[Subject], key: str, lang: str
) -> None:
    sheet = project.layout.sheet(key)
    for subject in subjects:
        assert isinstance(subject, ox.NamedNode)
        row = _new_row(workbook, key)
        row.cells["id"] = project.policy.path(subject.value)
        if sheet.column("types") is not None:
            types = sorted(
                project.data.types(subject), key=lambda c: (c not in sheet.classes[:3], natural_key(c.value))
            )
            texts = []
            for cls in types:
                label = vocab.choice_text(cls, lang) if cls in sheet.classes else vocab.iri_text(cls)
                labels = [vocab.choice_text(c, lang) for c in sheet.classes]
                texts.append(label if labels.count(label) == 1 else vocab.iri_text(cls))
            row.cells["types"] = "\n".join(texts)
        _fill(project, row, key, subject, vocab, lang)


def _canonical(term: Term, data: Index) -> str:
    if isinstance(term, ox.BlankNode):
        return "[" + " ".join(sorted(f"{t.predicate} {t.object}" for t in data.by_subject.get(term, []))) + "]"
    return str(term)


def _other_rows(
    project: Project, workbook: WorkbookData, vocab: Vocab, actual: list[ox.Triple], first: Assembled, lang: str
) -> None:
    """Put on the sheet of other facts what the columns do not hold and what derivation would get wrong."""
    data = project.data
    made = Index(first.triples)
    made_blank: dict[str, int] = {}
    for triple in first.triples:
        if isinstance(triple.object, ox.BlankNode):
            made_blank[_canonical(triple.object, made)] = 1
    by_key: dict[tuple[Subject, ox.NamedNode], list[Term]] = defaultdict(list)
    for t in actual:
        if not isinstance(t.subject, ox.BlankNode):
            by_key[(t.subject, t.predicate)].append(t.object)
    for t in first.triples:
        if not isinstance(t.subject, ox.BlankNode):
            by_key.setdefault((t.subject, t.predicate), [])
    column_keys = {(t.subject, t.predicate, _canonical(t.object, made)) for t in first.column_triples}
    derived_keys = defaultdict(set)
    for t in first.derived_triples:
        derived_keys[(t.subject, t.predicate)].add(_canonical(t.object, made))
    for (subject, predicate), objects in sorted(
        by_key.items(), key=lambda kv: (natural_key(text_of(kv[0][0])), kv[0][1].value)
    ):
        wanted = {_canonical(o, data): o for o in objects}
        held = {k for (s, p, k) in column_keys if s == subject and p == predicate}
        rest = {k: o for k, o in wanted.items() if k not in held}
        derived = derived_keys.get((subject, predicate), set())
        if set(rest) == derived:
            continue
        if not rest:
            _other_row(workbook, vocab, subject, predicate, None)
            continue
        for key in sorted(rest, key=natural_key):
            obj = rest[key]
            if isinstance(obj, ox.BlankNode):
                raise InputError(
                    f"{text_of(subject)} {vocab.iri_text(predicate)}: a blank node that no column holds "
                    "cannot be put in a workbook"
                )
            assert isinstance(obj, ox.NamedNode | ox.Literal)
            _other_row(workbook, vocab, subject, predicate, obj)


def _underived_rows(
    workbook: WorkbookData, vocab: Vocab, actual: list[ox.Triple], first: Assembled, second: Assembled
) -> None:
    """What the facts put on the sheet of other facts make the import derive where the data hold nothing (an
    English label there brings `plo:translatedBy`, as on the agents `planlod suggest` writes): an empty fact each,
    so that nothing is derived there."""
    stated = {(t.subject, t.predicate) for t in actual}
    before = {(t.subject, t.predicate) for t in first.derived_triples}
    made = set(second.triples)
    new = {(t.subject, t.predicate) for t in second.derived_triples if t in made} - before - stated
    for subject, predicate in sorted(new, key=lambda key: (natural_key(text_of(key[0])), key[1].value)):
        if isinstance(subject, ox.NamedNode):
            _other_row(workbook, vocab, subject, predicate, None)


def _other_row(
    workbook: WorkbookData,
    vocab: Vocab,
    subject: Subject,
    predicate: ox.NamedNode,
    value: ox.NamedNode | ox.Literal | None,
) -> None:
    row = _new_row(workbook, "other")
    assert isinstance(subject, ox.NamedNode)
    row.cells["subject"] = vocab.iri_text(subject).strip("<>")
    row.cells["property"] = vocab.iri_text(predicate)
    if isinstance(value, ox.NamedNode):
        row.cells["value"] = vocab.iri_text(value)
        row.cells["datatype"] = "IRI"
    elif isinstance(value, ox.Literal):
        row.cells["value"] = value.value
        if value.language:
            row.cells["language"] = value.language
        elif value.datatype != XSD_STRING:
            row.cells["datatype"] = vocab.iri_text(value.datatype)


def dropdowns(
    project: Project, workbook: WorkbookData, vocab: Vocab, plan: ox.NamedNode | None, lang: str
) -> dict[tuple[str, str], Dropdown]:
    """The choices of every column with a list: SDG goals and targets with their titles, things in the project
    (and on the workbook's sheets) of the column's classes, choices, languages, the plan's areas and elements."""
    found: dict[tuple[str, str], Dropdown] = {}
    data = project.everything
    sdg = sorted(vocab.sdg.values(), key=lambda n: natural_key(n.value))
    org_sheet = workbook.sheets["organisations"]
    area_sheet = workbook.sheets["areas"]
    on_sheet: list[ox.NamedNode] = []
    for row in org_sheet.rows:
        path = row.cells.get("id")
        if isinstance(path, str) and path:
            on_sheet.append(ox.NamedNode(project.policy.iri(path)))
    for sheet in project.layout.sheets:
        for column in sheet.columns:
            values: list[str] = []
            formula = ""
            if column.kind == SDG:
                values = [vocab.sdg_text(n, lang) for n in sdg]
            elif column.kind == CHOICE:
                values = [vocab.choice_text(n, lang) for n in column.choices]
            elif column.kind == TYPES:
                labels = [vocab.choice_text(n, lang) for n in sheet.classes]
                values = [
                    x if labels.count(x) == 1 else vocab.iri_text(n) for x, n in zip(labels, sheet.classes, strict=True)
                ]
            elif column.kind == LANGUAGE:
                values = ["da", "en", "de", "fo", "kl", "sv", "nb"]
            elif column.kind == REF:
                classes = column.classes or tuple(project.layout.sheet("organisations").classes)
                things = [n for n in data.instances_of(*classes) if isinstance(n, ox.NamedNode)]
                things += [n for n in on_sheet if n not in things]
                texts = sorted(
                    {vocab.ref_text(n, lang) for n in things if not vocab._is_vocabulary(n)}, key=str.casefold
                )
                values = texts
            elif column.kind == AREA:
                letter = area_sheet.letters.get("prefLabel@da", "B")
                formula = f"'{area_sheet.title}'!${letter}$2:${letter}$200"
            elif column.kind == ELEMENT:
                values = _element_keys(workbook)
            elif column.kind == LINK:
                values = _link_keys(workbook)
            if values or formula:
                found[(sheet.key, column.key)] = Dropdown(tuple(values), formula)
    return found


def _element_keys(workbook: WorkbookData) -> list[str]:
    keys = ["plan"]
    areas = {}
    for row in workbook.sheets["areas"].rows:
        slug = row.cells.get("id")
        if isinstance(slug, str) and slug:
            keys += [slug, goal_path(slug)]
            areas[row.cells.get("prefLabel@da")] = slug
    for row in workbook.sheets["points"].rows:
        slug = areas.get(row.cells.get("area"), row.cells.get("area"))
        number = row.cells.get("id")
        if slug and number:
            keys.append(initiative_path(str(slug), str(number)))
    return keys


def _link_keys(workbook: WorkbookData) -> list[str]:
    """The SDG link records on the workbook's sheet of links, as a cell names them ('sundhed/maal/sdg/3.4')."""
    keys = []
    for row in workbook.sheets["links"].rows:
        element = cell_text(row.cells.get("linkSubject")).strip()
        code = cell_text(row.cells.get("sdgConcept")).strip().split(" ", 1)[0]
        if element and code and not element.startswith("<"):
            keys.append(sdg_link_path(element, code))
    return keys


def load_project(sources: Sources, policy: UrlPolicy, layout: Layout) -> Project:
    """The project as the workbook steps read it."""
    data = Index(sources.triples(Role.DATA))
    everything = Index(sources.triples(Role.DATA, Role.ONTOLOGY, Role.REFERENCE))
    return Project(sources, policy, data, everything, layout, DataIndex(sources.triples(Role.DATA)), vocabulary(policy))


def open_project(config: Config) -> Project:
    """The project of a configuration, read for the workbook steps."""
    policy = UrlPolicy(config.base_iri)
    sources = load_sources(config)
    return load_project(sources, policy, workbook_layout(sources, policy))


def new_workbook(project: Project, out: Path, lang: str) -> None:
    """Write an empty workbook for a new plan (its columns from the shapes, its dropdowns from the project)."""
    workbook = WorkbookData(lang, "", new_rows(project.layout, lang))
    write_workbook(workbook, dropdowns(project, workbook, project.vocab(), None, lang), out)


def plan_workbook(project: Project, given: str, out: Path, lang: str) -> dict[str, int]:
    """Write the workbook of a plan (its IRI, path or ID); the number of rows on each sheet."""
    plan = find_plan(project, given)
    workbook, vocab = export_rows(project, plan, lang)
    write_workbook(workbook, dropdowns(project, workbook, vocab, plan, lang), out)
    return {key: len(rows.rows) for key, rows in workbook.sheets.items()}
