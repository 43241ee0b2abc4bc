"""The rows of a workbook → the plan's triples, each with the cell it came from.

Stage: sheet (assemble). Imports `model`, `urls` and `vocab`, and `sheet.cells`, `sheet.index`, `sheet.layout`,
`sheet.problems` and `sheet.workbook`.
IRIs follow the URI policy (`urls`): `plan/{k}/{id}` for a new plan of municipality `kommune/{k}` (an existing plan
keeps its IRI), its focus areas, their headline goals and focus points below it, an element's SDG link records
and text correction below the element, the plan's source document in `kilde/`; a row's ID is the last part of its
IRI (the path, on the sheets of sources and organisations), so renaming or moving a row keeps its IRI; a row
without an ID gets a new one.
Besides what the cells say, the plan's structure is derived: types, the plan's focus areas and concept scheme,
each area's goal and focus points, the labels of SDG links and corrections, and `plo:translatedBy` (the plan's
translator) on everything with an English text. A fact on the sheet of other facts replaces what would be
derived for the same subject and property (an empty value there: none).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..model import vocabulary
from ..urls import (
    AREA_SEGMENT,
    UrlPolicy,
    agent_path,
    area_path,
    areas_prefix,
    areas_scheme,
    corrected_element,
    correction_path,
    element_area,
    goal_path,
    initiative_path,
    initiatives_prefix,
    is_goal_path,
    is_initiative_path,
    majority_group_path,
    municipality_slug,
    plan_path,
    plan_source_path,
    sdg_link_parts,
    sdg_link_path,
    slugify,
)
from ..vocab import (
    DCT_ISSUED,
    DCT_TITLE,
    FOAF_AGENT,
    FOAF_ORGANIZATION,
    FOAF_PERSON,
    ORG_FORMAL_ORGANIZATION,
    ORG_MEMBERSHIP,
    ORG_ORGANIZATION,
    PROV_AGENT,
    PROV_PLAN,
    RDF_TYPE,
    RDFS_LABEL,
    SCHEMA_CREATIVE_WORK,
    SCHEMA_LEGISLATION,
    SCHEMA_PERSON,
    SDG_NS,
    SKOS_CONCEPT_SCHEME,
    SKOS_HAS_TOP_CONCEPT,
    SKOS_IN_SCHEME,
    SKOS_PREF_LABEL,
    SKOS_TOP_CONCEPT_OF,
)
from .cells import CellError, Vocab, cell_text, read_cell, read_date, split_values
from .index import Index, natural_key, text_of
from .layout import AREA, ELEMENT, ID, LINK, TYPES, Layout
from .problems import Problem, text
from .workbook import Row, SheetRows, WorkbookData

Value = ox.NamedNode | ox.BlankNode | ox.Literal
Key = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode]
# What a new organisation, person or work is, by its first type (see `urls.AGENT_FOLDERS`); the plan's own
# classes are added per namespace.
AGENT_KINDS = {
    FOAF_PERSON: "person",
    SCHEMA_PERSON: "person",
    PROV_AGENT: "agent",
    FOAF_AGENT: "agent",
    ORG_ORGANIZATION: "organisation",
    ORG_FORMAL_ORGANIZATION: "organisation",
    FOAF_ORGANIZATION: "organisation",
    ORG_MEMBERSHIP: "membership",
    SCHEMA_CREATIVE_WORK: "work",
    SCHEMA_LEGISLATION: "work",
    PROV_PLAN: "work",
}
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PATH = re.compile(r"[a-z0-9]+(?:[a-z0-9._-]*[a-z0-9])?(?:/[a-z0-9]+(?:[a-z0-9._-]*[a-z0-9])?)*")


@dataclass(frozen=True)
class Origin:
    """Where a fact came from: a cell (or a row, for what is derived from it)."""

    where: str
    sheet: str
    column: str = ""


@dataclass
class Assembled:
    """The plan's triples from a workbook, where each came from, and the problems found on the way."""

    plan: ox.NamedNode | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    column_triples: set[ox.Triple] = field(default_factory=set)
    derived_triples: set[ox.Triple] = field(default_factory=set)
    cells: dict[Key, list[Origin]] = field(default_factory=lambda: defaultdict(list))
    rows: dict[ox.NamedNode | ox.BlankNode, Origin] = field(default_factory=dict)
    sheets: dict[ox.NamedNode | ox.BlankNode, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class Assembler:
    """Turns one workbook's rows into triples."""

    def __init__(
        self,
        data: WorkbookData,
        layout: Layout,
        vocab: Vocab,
        project: Index,
        old_plan: ox.NamedNode | None,
        lang: str,
    ) -> None:
        self.data = data
        self.layout = layout
        self.vocab = vocab
        self.project = project
        self.policy: UrlPolicy = vocab.policy
        self.v = vocabulary(self.policy)
        self.old_plan = old_plan
        self.lang = lang
        self.out = Assembled()
        self.subjects: dict[tuple[str, int], ox.NamedNode] = {}
        self.areas: dict[str, ox.NamedNode] = {}
        self.area_names: dict[ox.NamedNode, dict[str, str]] = {}
        self.elements: dict[str, ox.NamedNode] = {}
        self.points: dict[ox.NamedNode, list[tuple[ox.NamedNode, int | None]]] = defaultdict(list)
        self.positions: dict[ox.NamedNode, str] = {}
        # Sheets are named in messages as their tabs are (the workbook's language, not the messages').
        self.sheet_names = {key: rows.title for key, rows in data.sheets.items()}
        self.minted: set[str] = set()

    # -- problems --------------------------------------------------------------------------------------------
    def problem(self, rows: SheetRows, row: Row, key: str | None, message_key: str, **fields: object) -> None:
        self.out.problems.append(Problem(rows.where(row.number, key), text(message_key, self.lang, **fields)))

    def missing(self, rows: SheetRows, row: Row, key: str) -> None:
        """A row that is filled in lacks the cell that says where it belongs (nothing of the row is lost)."""
        column = rows.sheet.column(key)
        name = column.names["en" if self.lang == "en" else "da"] if column is not None else key
        self.problem(rows, row, key, "required", column=f"»{name}«" if self.lang != "en" else f"“{name}”")

    # -- the whole workbook ----------------------------------------------------------------------------------
    def run(self) -> Assembled:
        sheets = self.data.sheets
        self._name_organisations(sheets["organisations"])
        plan = self._plan(sheets["plan"])
        if plan is None:
            return self.out
        self.out.plan = plan
        self._name_sources(sheets["sources"], plan)
        self._name_areas(sheets["areas"], plan)
        self._name_points(sheets["points"])
        self._name_links_and_corrections(sheets["links"], "links")
        self._name_links_and_corrections(sheets["corrections"], "corrections")
        for key in ("plan", "areas", "points", "links", "corrections", "sources", "organisations"):
            self._cells(sheets[key])
        self._derive(plan)
        self._other(sheets["other"])
        self._finish(plan)
        return self.out

    # -- naming rows ---------------------------------------------------------------------------------------
    def _id(self, row: Row) -> str:
        return cell_text(row.cells.get("id")).strip()

    def _taken(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        return iri in self.minted or node in self.project.by_subject

    def _fresh(self, stem: str) -> str:
        candidate, n = stem, 1
        while self._taken(candidate):
            n += 1
            candidate = f"{stem}-{n}"
        return candidate

    def _register(self, rows: SheetRows, row: Row, node: ox.NamedNode) -> None:
        self.subjects[(rows.sheet.key, row.number)] = node
        self.out.rows[node] = Origin(rows.where(row.number, "id" if "id" in rows.letters else None), rows.sheet.key)
        self.out.sheets[node] = rows.sheet.key
        self.minted.add(node.value)

    def _check_unique(self, rows: SheetRows, seen: dict[str, int], row: Row, key: str, value: str) -> bool:
        if value in seen:
            self.problem(rows, row, key, "duplicate_id", value=value, other=seen[value])
            return False
        seen[value] = row.number
        return True

    def _row_iri(self, rows: SheetRows, seen: dict[str, int], row: Row, given: str) -> ox.NamedNode | None:
        """The IRI a row's given ID names, or None (with the problem reported) when the ID is not a path or another
        row of the sheet has it."""
        if not _PATH.fullmatch(given):
            self.problem(rows, row, "id", "bad_path", value=given)
            return None
        if not self._check_unique(rows, seen, row, "id", given):
            return None
        return ox.NamedNode(self.policy.iri(given))

    def _name_organisations(self, rows: SheetRows) -> None:
        seen: dict[str, int] = {}
        column = rows.sheet.column("types")
        assert column is not None
        # Municipalities first: a majority group's IRI is made below its municipality's.
        ordered = sorted(
            self.data.rows("organisations"),
            key=lambda r: 0 if self.v.Municipality in self._types_quiet(rows, r) else 1,
        )
        pending: list[tuple[Row, list[ox.NamedNode]]] = []
        for row in ordered:
            types = self._types(rows, row)
            given = self._id(row)
            if given:
                node = self._row_iri(rows, seen, row, given)
                if node is None:
                    continue
                self._register(rows, row, node)
                self._names_of(row, node)
            else:
                pending.append((row, types))
        for row, types in pending:
            name = self._row_name(row)
            if not name:
                self.problem(rows, row, "id", "no_name")
                continue
            kinds = {**AGENT_KINDS, self.v.Municipality: "municipality", self.v.PoliticalParty: "party"}
            stem = agent_path(kinds.get(types[0], "organisation") if types else "organisation", slugify(name))
            if types and types[0] == self.v.MajorityGroup:
                stem = majority_group_path(self._municipality_segment(row), slugify(name))
            same = ox.NamedNode(self.policy.iri(stem))
            if same.value not in self.minted and name in self.project.texts(same, SKOS_PREF_LABEL).values():
                node = same  # the row was imported before without its ID: the same thing
            else:
                node = ox.NamedNode(self._fresh(self.policy.iri(stem)))
            self._register(rows, row, node)
            self._names_of(row, node)

    def _municipality_segment(self, row: Row) -> str:
        raw = cell_text(row.cells.get("municipality")).strip()
        if not raw:
            return ""
        try:
            node = self.vocab.read_ref(raw, self.layout.sheet("organisations").column("municipality"), "")  # type: ignore[arg-type]
        except CellError:
            return ""
        return self._municipality_of(node)

    def _municipality_of(self, node: ox.NamedNode) -> str:
        """The slug of a municipality's IRI ('hedensted'), '' for anything else."""
        return municipality_slug(self.policy.path(node.value)) if self.policy.is_local(node.value) else ""

    def _row_name(self, row: Row) -> str:
        for key in ("prefLabel@da", "prefLabel@en", "name", "label@da", "title@da"):
            value = cell_text(row.cells.get(key)).strip().split("\n")[0]
            if value:
                return value
        return ""

    def _names_of(self, row: Row, node: ox.NamedNode) -> None:
        register_names(self.vocab, row, node)

    def _types(self, rows: SheetRows, row: Row) -> list[ox.NamedNode]:
        column = rows.sheet.column("types")
        assert column is not None
        raw = cell_text(row.cells.get("types")).strip()
        found: list[ox.NamedNode] = []
        for token in (t for t in re.split(r"\s*(?:\n|;)\s*", raw) if t):
            try:
                found.append(self.vocab.read_choice(token, rows.sheet.classes, self.lang))
            except CellError:
                try:
                    found.append(self.vocab.read_iri(token, relative_ok=False))
                except CellError:
                    shown = ", ".join(self.vocab.choice_text(c, self.lang) for c in rows.sheet.classes)
                    self.problem(rows, row, "types", "unknown_type", value=token, choices=shown)
        return found

    def _plan(self, rows: SheetRows) -> ox.NamedNode | None:
        plan_rows = self.data.rows("plan")
        if len(plan_rows) != 1:
            self.out.problems.append(
                Problem(f"{rows.title}!A2", text("one_plan", self.lang, sheet=rows.title, count=len(plan_rows)))
            )
            return None
        row = plan_rows[0]
        given = self._id(row)
        if given and not _SLUG.fullmatch(given):
            self.problem(rows, row, "id", "bad_slug", value=given)
            return None
        if not given:
            title = cell_text(row.cells.get("title@da")).strip()
            year = ""
            try:
                issued = read_date(row.cells.get("issued")) if row.cells.get("issued") is not None else None
                year = issued.value[:4] if issued is not None else ""
            except CellError:
                year = ""
            if not title:
                self.problem(rows, row, "id", "no_name")
                return None
            given = slugify(title) + (f"-{year}" if year else "")
        node = self._plan_iri(given, row)
        if node is None:
            self.problem(rows, row, "id", "taken_iri", what="Planen" if self.lang == "da" else "The plan", value=given)
            return None
        self._register(rows, row, node)
        title = cell_text(row.cells.get("title@da")).strip()
        if title:
            self.vocab.add_name(node, title, "da")
        self.elements["plan"] = node
        self.elements[given] = node
        return node

    def _plan_iri(self, given: str, row: Row) -> ox.NamedNode | None:
        if self.old_plan is not None and self.old_plan.value.rsplit("/", 1)[-1] == given:
            return self.old_plan
        existing = [
            p
            for p in self.project.instances_of(self.v.Plan)
            if isinstance(p, ox.NamedNode) and p.value.rsplit("/", 1)[-1] == given
        ]
        if existing:
            # A workbook not exported from a plan may still be that plan imported before (a new plan imported
            # again): the same ID, title and date. Anything else with the plan's ID is another plan.
            title = cell_text(row.cells.get("title@da")).strip()
            try:
                issued = read_date(row.cells.get("issued")).value if row.cells.get("issued") is not None else ""
            except CellError:
                issued = ""
            same = [
                p
                for p in existing
                if self.project.texts(p, DCT_TITLE).get("da") == title
                and any(v.value == issued for v in self.project.objects(p, DCT_ISSUED) if isinstance(v, ox.Literal))
            ]
            return same[0] if len(same) == 1 and title and issued else None
        municipality = ""
        for key in ("municipality", "publisher"):
            raw = cell_text(row.cells.get(key)).strip()
            column = self.layout.sheet("plan").column(key)
            if raw and column is not None:
                try:
                    node = self.vocab.read_ref(raw.split("\n")[0], column, "")
                except CellError:
                    continue
                municipality = self._municipality_of(node)
                if municipality:
                    break
        iri = self.policy.iri(plan_path(given, municipality))
        if ox.NamedNode(iri) in self.project.by_subject:
            return None
        return ox.NamedNode(iri)

    def _name_sources(self, rows: SheetRows, plan: ox.NamedNode) -> None:
        seen: dict[str, int] = {}
        stem = plan_source_path(self.policy.path(plan.value))
        for row in self.data.rows("sources"):
            given = self._id(row)
            if given:
                node = self._row_iri(rows, seen, row, given)
                if node is None:
                    continue
            else:
                same = ox.NamedNode(self.policy.iri(stem))
                title = cell_text(row.cells.get("title@da")).strip()
                if same.value not in self.minted and title and self.project.texts(same, DCT_TITLE).get("da") == title:
                    node = same  # imported before without its ID
                else:
                    node = ox.NamedNode(self._fresh(self.policy.iri(stem)))
            self._register(rows, row, node)
            self._names_of(row, node)

    def _name_areas(self, rows: SheetRows, plan: ox.NamedNode) -> None:
        seen: dict[str, int] = {}
        pending: list[Row] = []
        for row in self.data.rows("areas"):
            given = self._id(row)
            if not given:
                pending.append(row)
                continue
            if not _SLUG.fullmatch(given):
                self.problem(rows, row, "id", "bad_slug", value=given)
                continue
            if self._check_unique(rows, seen, row, "id", given):
                self._area(rows, row, plan, given)
        for row in pending:
            name = cell_text(row.cells.get("prefLabel@da")).strip() or cell_text(row.cells.get("prefLabel@en")).strip()
            if not name:
                self.problem(rows, row, "id", "no_name")
                continue
            same = self._unclaimed(plan, self.v.focusArea, SKOS_PREF_LABEL, cell_text(row.cells.get("prefLabel@da")))
            if same is not None:
                self._area(rows, row, plan, same.value.rsplit("/", 1)[-1])
                continue
            slug = self._fresh(area_path(plan.value, slugify(name) or AREA_SEGMENT)).rsplit("/", 1)[-1]
            self._area(rows, row, plan, slug)

    def _unclaimed(
        self, parent: ox.NamedNode, link: ox.NamedNode, name: ox.NamedNode, text: str
    ) -> ox.NamedNode | None:
        """An existing thing under `parent` that no row with an ID claims and whose Danish name is `text`: a row
        without an ID that says the same is that thing (so importing the same workbook twice changes nothing)."""
        if not text.strip():
            return None
        for thing in self.project.objects(parent, link):
            if (
                isinstance(thing, ox.NamedNode)
                and thing.value not in self.minted
                and self.project.texts(thing, name).get("da") == text
            ):
                return thing
        return None

    def _area(self, rows: SheetRows, row: Row, plan: ox.NamedNode, slug: str) -> None:
        node = ox.NamedNode(area_path(plan.value, slug))
        self._register(rows, row, node)
        goal = ox.NamedNode(goal_path(node.value))
        self.out.rows[goal] = self.out.rows[node]
        self.out.sheets[goal] = "areas"
        names = {lang: cell_text(row.cells.get(f"prefLabel@{lang}")).strip() for lang in ("da", "en")}
        self.area_names[node] = names
        for key in (slug, names["da"], names["en"]):
            if key:
                self.areas.setdefault(key.casefold(), node)
        self.elements[slug] = node
        self.elements[goal_path(slug)] = goal
        for name in (names["da"], names["en"]):
            if name:
                self.elements.setdefault(name.casefold(), node)
                self.elements.setdefault(goal_path(name.casefold()), goal)

    def _name_points(self, rows: SheetRows) -> None:
        seen: dict[str, int] = {}
        pending: list[tuple[Row, ox.NamedNode]] = []
        for row in self.data.rows("points"):
            raw_area = cell_text(row.cells.get("area")).strip()
            area = self.areas.get(raw_area.casefold()) if raw_area else None
            if area is None:
                if raw_area:
                    self.problem(rows, row, "area", "unknown_area", value=raw_area, sheet=self.sheet_names["areas"])
                else:
                    self.missing(rows, row, "area")
                continue
            given = self._id(row)
            if not given:
                pending.append((row, area))
                continue
            if not re.fullmatch(r"[1-9][0-9]*", given):
                self.problem(rows, row, "id", "bad_point_id", value=given)
                continue
            if self._check_unique(rows, seen, row, "id", f"{area.value}/{given}"):
                self._point(rows, row, area, given)
        for row, area in pending:
            same = self._unclaimed(area, self.v.initiative, RDFS_LABEL, cell_text(row.cells.get("label@da")))
            if same is not None:
                self._point(rows, row, area, same.value.rsplit("/", 1)[-1])
                continue
            used = [int(p.value.rsplit("/", 1)[-1]) for p, _ in self.points[area]]
            prefix = initiatives_prefix(area.value)
            used += [
                int(s.value[len(prefix) :].split("/")[0])
                for s in self.project.by_subject
                if isinstance(s, ox.NamedNode)
                and s.value.startswith(prefix)
                and s.value[len(prefix) :].split("/")[0].isdigit()
            ]
            self._point(rows, row, area, str(max(used, default=0) + 1))

    def _point(self, rows: SheetRows, row: Row, area: ox.NamedNode, number: str) -> None:
        node = ox.NamedNode(initiative_path(area.value, number))
        self._register(rows, row, node)
        position = cell_text(row.cells.get("position")).strip()
        self.points[area].append((node, int(position) if position.isdigit() else None))
        self.positions[node] = position
        slug = area.value.rsplit("/", 1)[-1]
        self.elements[initiative_path(slug, number)] = node
        for name in self.area_names.get(area, {}).values():
            if name:
                self.elements.setdefault(initiative_path(name.casefold(), number), node)

    def element(self, token: str) -> ox.NamedNode | None:
        """A plan element from its key ('sundhed', 'sundhed/maal', 'sundhed/indsats/1', 'plan') or path."""
        key = token.strip().strip("<>").strip()
        found = self.elements.get(key) or self.elements.get(key.casefold())
        if found is None and self.out.plan is not None:
            path = (self.policy.path(key) if self.policy.is_local(key) else key).strip("/")
            plan = self.policy.path(self.out.plan.value)
            if path == plan:
                return self.out.plan
            rest = path.removeprefix(areas_prefix(plan))
            found = self.elements.get(rest) if rest != path else None
        return found

    def _name_links_and_corrections(self, rows: SheetRows, key: str) -> None:
        seen: dict[str, int] = {}
        column_key = "linkSubject" if key == "links" else "corrects"
        for row in self.data.rows(key):
            raw = cell_text(row.cells.get(column_key)).strip()
            if not raw:
                self.missing(rows, row, column_key)
                continue
            element = self.element(raw)
            if element is None:
                self.problem(rows, row, column_key, "unknown_element", value=raw)
                continue
            if key == "links":
                raw_concept = cell_text(row.cells.get("sdgConcept"))
                if not raw_concept.strip():
                    self.missing(rows, row, "sdgConcept")
                    continue
                try:
                    concept = self.vocab.read_sdg(raw_concept)
                except CellError as exc:
                    self.problem(rows, row, "sdgConcept", exc.key, **exc.fields)
                    continue
                node = ox.NamedNode(sdg_link_path(element.value, concept.value[len(SDG_NS) :]))
            else:
                node = ox.NamedNode(correction_path(element.value))
            if node.value in seen:
                self.problem(
                    rows, row, column_key, "duplicate_row", other=seen[node.value], what=self.policy.path(node.value)
                )
                continue
            seen[node.value] = row.number
            self._register(rows, row, node)

    # -- cells -----------------------------------------------------------------------------------------------
    def add(self, triple: ox.Triple, origin: Origin, derived: bool = False) -> None:
        (self.out.derived_triples if derived else self.out.column_triples).add(triple)
        if isinstance(triple.subject, ox.NamedNode | ox.BlankNode):
            self.out.cells[(triple.subject, triple.predicate)].append(origin)

    def _cells(self, rows: SheetRows) -> None:
        for row in self.data.rows(rows.sheet.key):
            node = self.subjects.get((rows.sheet.key, row.number))
            if node is None:
                continue
            for column in rows.sheet.columns:
                if column.kind == ID or (column.path is None and column.kind != TYPES):
                    continue
                subject = ox.NamedNode(goal_path(node.value)) if column.part == "goal" else node
                origin = Origin(rows.where(row.number, column.key), rows.sheet.key, column.key)
                raw = row.cells.get(column.key)
                if column.kind == TYPES:
                    for cls in self._types_quiet(rows, row):
                        self.add(ox.Triple(subject, RDF_TYPE, cls), origin)
                    continue
                assert column.path is not None
                if column.kind in (AREA, ELEMENT):
                    target = self._resolve_structural(column.kind, cell_text(raw))
                    if target is not None:
                        self.add(ox.Triple(subject, column.path, target), origin)
                    continue
                if column.kind == LINK:
                    for token in split_values(cell_text(raw), True) if cell_text(raw).strip() else []:
                        link = self._link(token, origin)
                        if link is not None:
                            self.add(ox.Triple(subject, column.path, link), origin)
                    continue
                try:
                    decoded = read_cell(raw, column, self.vocab, self.lang, self.sheet_names)
                except CellError as exc:
                    self.out.problems.append(Problem(origin.where, text(exc.key, self.lang, **exc.fields)))
                    continue
                for value in decoded.values:
                    self.add(ox.Triple(subject, column.path, value), origin)
                for extra in decoded.extra:
                    self.add(extra, origin)

    def _types_quiet(self, rows: SheetRows, row: Row) -> list[ox.NamedNode]:
        before = len(self.out.problems)
        found = self._types(rows, row)
        del self.out.problems[before:]  # reported once, when the row was named
        return found

    def _link(self, token: str, origin: Origin) -> ox.NamedNode | None:
        """An SDG link record named as the workbook names it ('sundhed/indsats/1/sdg/3.5'), or by its path or IRI
        in <…>; a problem at the cell when it names no link of the workbook or the project."""
        link: ox.NamedNode | None = None
        if token.startswith("<"):
            try:
                link = self.vocab.read_iri(token)
            except CellError:
                link = None
        elif (parts := sdg_link_parts(token)) is not None:
            element = self.element(parts[0])
            try:
                concept = self.vocab.read_sdg(parts[1])
            except CellError:
                concept = None
            if element is not None and concept is not None:
                link = ox.NamedNode(sdg_link_path(element.value, concept.value[len(SDG_NS) :]))
        if link is None or (link.value not in self.minted and link not in self.project.by_subject):
            sheet = self.sheet_names.get("links", "")
            self.out.problems.append(Problem(origin.where, text("unknown_link", self.lang, value=token, sheet=sheet)))
            return None
        return link

    def _resolve_structural(self, kind: str, raw: str) -> ox.NamedNode | None:
        raw = raw.strip()
        if not raw:
            return None
        if kind == AREA:
            return self.areas.get(raw.casefold())
        return self.element(raw)

    # -- what is derived -------------------------------------------------------------------------------------
    def derive(self, subject: ox.NamedNode, predicate: ox.NamedNode, value: Value, origin_of: ox.NamedNode) -> None:
        origin = self.out.rows.get(origin_of) or Origin("", "")
        self.add(ox.Triple(subject, predicate, value), origin, derived=True)

    def _title(self, node: ox.NamedNode, predicate: ox.NamedNode, lang: str) -> str:
        for t in self.out.column_triples:
            if (
                t.subject == node
                and t.predicate == predicate
                and isinstance(t.object, ox.Literal)
                and t.object.language == lang
            ):
                return t.object.value
        return ""

    def _derive(self, plan: ox.NamedNode) -> None:
        v = self.v
        self.derive(plan, RDF_TYPE, v.Plan, plan)
        areas = [n for (sheet, _), n in self.subjects.items() if sheet == "areas"]
        scheme = ox.NamedNode(areas_scheme(plan.value))
        if areas:
            self.out.rows[scheme] = self.out.rows[plan]
            self.out.sheets[scheme] = "plan"
            self.derive(scheme, RDF_TYPE, SKOS_CONCEPT_SCHEME, plan)
            for lang, template in (("da", "Fokusområder i {}"), ("en", "Focus areas of {}")):
                title = self._title(plan, DCT_TITLE, lang)
                if title:
                    for predicate in (DCT_TITLE, SKOS_PREF_LABEL):
                        self.derive(scheme, predicate, ox.Literal(template.format(title), language=lang), plan)
        for area in areas:
            self.derive(plan, v.focusArea, area, area)
            self.derive(area, RDF_TYPE, v.FocusArea, area)
            self.derive(area, v.inPlan, plan, area)
            self.derive(area, SKOS_IN_SCHEME, scheme, area)
            self.derive(area, SKOS_TOP_CONCEPT_OF, scheme, area)
            self.derive(scheme, SKOS_HAS_TOP_CONCEPT, area, area)
            goal = ox.NamedNode(goal_path(area.value))
            if any(x.subject == goal for x in self.out.column_triples):
                self.derive(area, v.headlineGoal, goal, area)
                self.derive(goal, RDF_TYPE, v.Goal, area)
                self.derive(goal, v.area, area, area)
            for point, _ in self.points.get(area, []):
                self.derive(area, v.initiative, point, point)
        for (sheet, _), node in self.subjects.items():
            if sheet == "points":
                self.derive(node, RDF_TYPE, v.Initiative, node)
            elif sheet == "sources":
                self.derive(node, RDF_TYPE, v.SourceDocument, node)
            elif sheet in ("links", "corrections"):
                self._derive_record(sheet, node)

    def describe(self, element: ox.NamedNode, lang: str) -> str:
        """How a link's or correction's label names the element: 'Sundhed, fokuspunkt 1'."""
        plan = self.out.plan
        if element == plan:
            return self._title(element, DCT_TITLE, lang)
        value = element.value
        area = ox.NamedNode(element_area(value))
        name = self.area_names.get(area, {}).get(lang, "")
        if not name:
            return ""
        if is_goal_path(value):
            return f"{name}, {'overordnet mål' if lang == 'da' else 'headline goal'}"
        if is_initiative_path(value):
            position = self.positions.get(element, "")
            return f"{name}, {'fokuspunkt' if lang == 'da' else 'focus point'} {position}" if position else ""
        return name

    def _derive_record(self, sheet: str, node: ox.NamedNode) -> None:
        if sheet == "links":
            parts = sdg_link_parts(node.value)
            assert parts is not None  # named so by _name_links_and_corrections
            element, code = ox.NamedNode(parts[0]), parts[1]
            self.derive(node, RDF_TYPE, self.v.SDGLink, node)
            targets = (
                {"da": f"delmål {code}", "en": f"target {code}"}
                if "." in code
                else {"da": f"verdensmål {code}", "en": f"Goal {code}"}
            )
            for lang in ("da", "en"):
                described = self.describe(element, lang)
                if described:
                    self.derive(node, RDFS_LABEL, ox.Literal(f"{described} → {targets[lang]}", language=lang), node)
        else:
            element = ox.NamedNode(corrected_element(node.value))
            self.derive(node, RDF_TYPE, self.v.TextCorrection, node)
            for lang, template in (("da", "Rettelse til {}"), ("en", "Correction to {}")):
                described = self.describe(element, lang)
                if described:
                    self.derive(node, RDFS_LABEL, ox.Literal(template.format(described), language=lang), node)

    # -- other facts -----------------------------------------------------------------------------------------
    def _other(self, rows: SheetRows) -> None:
        self.overrides: set[Key] = set()
        self.other: list[tuple[ox.Triple, Origin]] = []
        for row in self.data.rows("other"):
            origin = Origin(rows.where(row.number, "value"), "other", "value")
            try:
                subject = self._other_subject(cell_text(row.cells.get("subject")))
            except CellError as exc:
                self.out.problems.append(
                    Problem(rows.where(row.number, "subject"), text(exc.key, self.lang, **exc.fields))
                )
                continue
            raw_property = cell_text(row.cells.get("property")).strip()
            try:
                predicate = self.vocab.read_iri(raw_property, relative_ok=False)
            except CellError:
                self.problem(rows, row, "property", "bad_property", value=raw_property)
                continue
            self.overrides.add((subject, predicate))
            self.out.rows.setdefault(subject, Origin(rows.where(row.number, "subject"), "other"))
            self.out.sheets.setdefault(subject, "other")
            value_text = cell_text(row.cells.get("value"))
            if not value_text:
                self.out.cells[(subject, predicate)].append(origin)
                continue
            language = cell_text(row.cells.get("language")).strip()
            datatype = cell_text(row.cells.get("datatype")).strip()
            try:
                value: Value
                if datatype.upper() == "IRI":
                    value = self.vocab.read_iri(value_text)
                elif language:
                    if not re.fullmatch(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*", language):
                        raise CellError("bad_language", value=language)
                    value = ox.Literal(value_text, language=language.lower())
                elif datatype:
                    value = ox.Literal(value_text, datatype=self.vocab.read_iri(datatype, relative_ok=False))
                else:
                    value = ox.Literal(value_text)
            except CellError as exc:
                column = (
                    "language" if exc.key == "bad_language" else ("value" if datatype.upper() == "IRI" else "datatype")
                )
                self.out.problems.append(
                    Problem(rows.where(row.number, column), text(exc.key, self.lang, **exc.fields))
                )
                continue
            self.other.append((ox.Triple(subject, predicate, value), origin))

    def _other_subject(self, raw: str) -> ox.NamedNode:
        token = raw.strip()
        if not token:
            raise CellError("bad_iri", value=raw)
        element = self.element(token) if "/" in token or token == "plan" else None
        if element is not None and not token.startswith("<"):
            return element
        return self.vocab.read_iri(token)

    def _finish(self, plan: ox.NamedNode) -> None:
        kept = {t for t in self.out.derived_triples if (t.subject, t.predicate) not in self.overrides}
        triples = set(self.out.column_triples) | kept
        for triple, origin in self.other:
            triples.add(triple)
            self.out.cells[(triple.subject, triple.predicate)].append(origin)  # type: ignore[index]
        translated_by = self.v.translatedBy
        translators = [t.object for t in self.out.column_triples if t.subject == plan and t.predicate == translated_by]
        with_english = {t.subject for t in triples if isinstance(t.object, ox.Literal) and t.object.language == "en"}
        for subject in sorted(with_english, key=lambda s: natural_key(text_of(s))):
            if subject == plan or not isinstance(subject, ox.NamedNode) or (subject, translated_by) in self.overrides:
                continue
            for translator in translators:
                triple = ox.Triple(subject, translated_by, translator)
                self.out.derived_triples.add(triple)
                triples.add(triple)
                self.out.cells[(subject, translated_by)].append(self.out.rows.get(subject) or self.out.rows[plan])
        self.out.triples = sorted(triples, key=lambda t: (text_of(t.subject), t.predicate.value, str(t.object)))


def register_names(vocab: Vocab, row: Row, node: ox.NamedNode) -> None:
    """Make a row of the sheets of organisations or sources findable by the names in its cells."""
    for key, lang in (("prefLabel@da", "da"), ("prefLabel@en", "en"), ("title@da", "da"), ("title@en", "en")):
        value = cell_text(row.cells.get(key)).strip()
        if value:
            vocab.add_name(node, value, lang)
    for value in cell_text(row.cells.get("name")).split("\n"):
        if value.strip():
            vocab.add_name(node, value.strip(), "")
    vocab.known.add(node)


def assemble(
    data: WorkbookData, layout: Layout, vocab: Vocab, project: Index, old_plan: ox.NamedNode | None, lang: str
) -> Assembled:
    """The plan's triples from the workbook's rows, with their origins and the problems found."""
    return Assembler(data, layout, vocab, project, old_plan, lang).run()
