"""The workbook's sheets and columns, generated from the shapes.

Stage: sheet (layout). Imports `load`, `model`, `urls`, `vocab` and `sheet.index`.
Which sheet holds which class is fixed here (the plan; focus areas with their headline goal; focus points; SDG
links; text corrections; source documents; the organisations, people and works the plan names; other facts).
The columns are not: each is a property shape of the class's node shape in `shapes/`, headed by its `sh:name`,
explained by its `sh:description` (the header's comment), ordered by `sh:order`, required when it has
`sh:minCount` (or `sh:qualifiedMinCount`) ≥ 1 with severity Violation, recommended when the same rule is a
Warning. A property with one text per language (`sh:qualifiedValueShape [ sh:languageIn (…) ]`, or
`sh:datatype rdf:langString`) gets a column per language; a property whose values are SDG link records
(`sh:class plo:SDGLink`, such as a withdrawn link's `dct:isReplacedBy`) names them as the workbook does. So a
property shape added to `shapes/` is a column of the next workbook. Paths the workbook derives from the rows (a
focus area's plan, concept scheme, goal and focus points) and paths that must not be used (`sh:maxCount 0`)
have no column.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from ..load import Role, Sources
from ..model import vocabulary
from ..urls import UrlPolicy
from ..vocab import (
    DCT_LANGUAGE,
    DCT_TITLE,
    FOAF_NAME,
    FOAF_ORGANIZATION,
    FOAF_PERSON,
    ORG_MEMBERSHIP,
    ORG_ORGANIZATION,
    PROV_AGENT,
    PROV_PLAN,
    RDF_LANG_STRING,
    RDFS_LABEL,
    SCHEMA_CREATIVE_WORK,
    SCHEMA_LEGISLATION,
    SCHEMA_PERSON,
    SDG_GOAL,
    SDG_TARGET,
    SH_CLASS,
    SH_DATATYPE,
    SH_DESCRIPTION,
    SH_IN,
    SH_IRI,
    SH_LANGUAGE_IN,
    SH_MAX_COUNT,
    SH_MESSAGE,
    SH_MIN_COUNT,
    SH_NAME,
    SH_NODE_KIND,
    SH_OR,
    SH_ORDER,
    SH_PATH,
    SH_PROPERTY,
    SH_QUALIFIED_MIN_COUNT,
    SH_QUALIFIED_VALUE_SHAPE,
    SH_SEVERITY,
    SH_TARGET_CLASS,
    SH_WARNING,
    SKOS_IN_SCHEME,
    SKOS_PREF_LABEL,
    SPDX_CHECKSUM,
    XSD_DATE,
    XSD_DECIMAL,
    XSD_DOUBLE,
    XSD_FLOAT,
    XSD_INTEGER,
    XSD_NON_NEGATIVE_INTEGER,
    XSD_POSITIVE_INTEGER,
    PlanVocabulary,
)
from .index import Index, natural_key

LANGS = ("da", "en")
LANGUAGE_NAMES = {"da": ("dansk", "Danish"), "en": ("engelsk", "English")}
SDG_CLASSES = frozenset({SDG_GOAL, SDG_TARGET})

# Column kinds: how a cell is read and written (see `cells`).
ID, TYPES, TEXT, STRING, DATE, INTEGER, DECIMAL, CHOICE, REF, SDG, AREA, ELEMENT, LINK, CHECKSUM_KIND, LANGUAGE = (
    "id",
    "types",
    "text",
    "string",
    "date",
    "integer",
    "decimal",
    "choice",
    "ref",
    "sdg",
    "area",
    "element",
    "link",
    "checksum",
    "language",
)
_INTEGER_TYPES = {XSD_POSITIVE_INTEGER, XSD_INTEGER, XSD_NON_NEGATIVE_INTEGER}
_DECIMAL_TYPES = {XSD_DECIMAL, XSD_DOUBLE, XSD_FLOAT}


@dataclass(frozen=True)
class Column:
    """One column of a sheet."""

    key: str
    names: dict[str, str]
    descriptions: dict[str, str]
    kind: str
    path: ox.NamedNode | None = None
    lang: str | None = None
    required: bool = False
    recommended: bool = False
    multi: bool = False
    choices: tuple[ox.NamedNode, ...] = ()
    classes: tuple[ox.NamedNode, ...] = ()
    datatype: ox.NamedNode | None = None
    # The shape messages (every language) whose findings belong in this column.
    messages: frozenset[str] = frozenset()
    # Which entity of the row the column describes: "" the row's own, "goal" the focus area's headline goal.
    part: str = ""
    order: float = 0.0
    width: int = 24

    def header(self, lang: str) -> str:
        """The header cell's text: the name, with ' *' when the column is required."""
        return self.names[lang] + (" *" if self.required else "")


@dataclass(frozen=True)
class Sheet:
    """One sheet: its key, names and columns."""

    key: str
    names: dict[str, str]
    columns: tuple[Column, ...]
    classes: tuple[ox.NamedNode, ...] = ()
    descriptions: dict[str, str] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        """The sheet's tab name."""
        return self.names[lang]

    def column(self, key: str) -> Column | None:
        """The column with this key."""
        return next((c for c in self.columns if c.key == key), None)


@dataclass(frozen=True)
class Layout:
    """Every sheet of the workbook, in tab order."""

    sheets: tuple[Sheet, ...]
    # Choice terms and classes the workbook names, with their labels by language.
    term_labels: dict[ox.NamedNode, dict[str, str]]

    def sheet(self, key: str) -> Sheet:
        """The sheet with this key."""
        return next(s for s in self.sheets if s.key == key)


@dataclass(frozen=True)
class PropertyShape:
    """What the workbook reads from one property shape."""

    node: ox.NamedNode | ox.BlankNode
    path: ox.NamedNode
    names: dict[str, str]
    descriptions: dict[str, str]
    order: float
    min_count: int
    max_count: int | None
    languages: tuple[str, ...]
    datatype: ox.NamedNode | None
    classes: tuple[ox.NamedNode, ...]
    choices: tuple[ox.NamedNode, ...]
    iri_only: bool
    warning: bool
    messages: frozenset[str]


@dataclass(frozen=True)
class SheetSpec:
    """Which classes a sheet holds and what the workbook derives instead of asking for."""

    key: str
    names: tuple[str, str]
    descriptions: tuple[str, str]
    classes: tuple[ox.NamedNode, ...]
    identifier: str | None
    derived: tuple[ox.NamedNode, ...] = ()
    kinds: tuple[tuple[ox.NamedNode, str], ...] = ()
    goal: bool = False
    more_classes: tuple[ox.NamedNode, ...] = ()


def sheet_specs(v: PlanVocabulary) -> tuple[SheetSpec, ...]:
    """The sheets in tab order, with the ontology's terms of the site's namespace."""
    return (
        SheetSpec(
            "plan", ("Plan", "Plan"), ("Planen: én række.", "The plan: one row."), (v.Plan,), "plan", (v.focusArea,)
        ),
        SheetSpec(
            "areas",
            ("Fokusområder", "Focus areas"),
            (
                "Planens fokusområder, hvert med sit overordnede mål.",
                "The plan's focus areas, each with its headline goal.",
            ),
            (v.FocusArea,),
            "area",
            derived=(v.inPlan, v.initiative, v.headlineGoal, SKOS_IN_SCHEME),
            goal=True,
        ),
        SheetSpec(
            "points",
            ("Fokuspunkter", "Focus points"),
            ("Fokuspunkterne under hvert fokusområde.", "The focus points under each focus area."),
            (v.Initiative,),
            "point",
            kinds=((v.area, AREA),),
        ),
        SheetSpec(
            "links",
            ("Verdensmål", "SDG links"),
            (
                "Koblinger fra planens elementer til FN's verdensmål og delmål.",
                "Links from the plan's elements to the UN's goals and targets.",
            ),
            (v.SDGLink,),
            None,
            kinds=((v.linkSubject, ELEMENT),),
        ),
        SheetSpec(
            "corrections",
            ("Rettelser", "Corrections"),
            (
                "Rettelser af stavefejl o.l.; den udgivne tekst står uændret.",
                "Corrections of typos and the like; the published text is kept unchanged.",
            ),
            (v.TextCorrection,),
            None,
            kinds=((v.corrects, ELEMENT),),
        ),
        SheetSpec(
            "sources",
            ("Kilder", "Sources"),
            ("Kildedokumentet, planens data bygger på.", "The source document the plan's data derive from."),
            (v.SourceDocument,),
            "path",
        ),
        SheetSpec(
            "organisations",
            ("Organisationer", "Organisations"),
            (
                "Kommunen, partierne, flertalsgruppen, personer og andet, planen nævner.",
                "The municipality, parties, majority group, people and other things the plan names.",
            ),
            (v.Municipality, v.PoliticalParty, v.MajorityGroup),
            "path",
            more_classes=(
                FOAF_PERSON,
                SCHEMA_PERSON,
                ORG_ORGANIZATION,
                FOAF_ORGANIZATION,
                PROV_AGENT,
                ORG_MEMBERSHIP,
                PROV_PLAN,
                SCHEMA_CREATIVE_WORK,
                SCHEMA_LEGISLATION,
            ),
        ),
    )


OTHER = "other"
LISTS = "lists"
META = "meta"
OTHER_NAMES = {"da": "Øvrige", "en": "Other facts"}
LISTS_NAMES = {"da": "Lister", "en": "Lists"}
META_NAME = "planlod"


def _texts(index: Index, node: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode) -> dict[str, str]:
    return {k: v for k, v in index.texts(node, predicate).items() if k in LANGS}


def _number(term: object, default: float) -> float:
    try:
        return float(term.value) if isinstance(term, ox.Literal) else default
    except ValueError:
        return default


def property_shapes(index: Index, node_shape: ox.NamedNode | ox.BlankNode) -> list[PropertyShape]:
    """The property shapes of a node shape whose path is an IRI."""
    found = []
    for prop in index.objects(node_shape, SH_PROPERTY):
        if not isinstance(prop, ox.NamedNode | ox.BlankNode):
            continue
        path = index.value(prop, SH_PATH)
        if not isinstance(path, ox.NamedNode):
            continue
        languages: tuple[str, ...] = ()
        qshape = index.value(prop, SH_QUALIFIED_VALUE_SHAPE)
        if isinstance(qshape, ox.NamedNode | ox.BlankNode):
            languages = tuple(
                t.value for t in index.rdf_list(index.value(qshape, SH_LANGUAGE_IN)) if isinstance(t, ox.Literal)
            )
        min_count = int(
            _number(index.value(prop, SH_MIN_COUNT), 0) or _number(index.value(prop, SH_QUALIFIED_MIN_COUNT), 0)
        )
        max_term = index.value(prop, SH_MAX_COUNT)
        classes = [c for c in index.objects(prop, SH_CLASS) if isinstance(c, ox.NamedNode)]
        for alternative in index.rdf_list(index.value(prop, SH_OR)):
            if isinstance(alternative, ox.NamedNode | ox.BlankNode):
                classes += [c for c in index.objects(alternative, SH_CLASS) if isinstance(c, ox.NamedNode)]
        datatype = index.value(prop, SH_DATATYPE)
        found.append(
            PropertyShape(
                node=prop,
                path=path,
                names=_texts(index, prop, SH_NAME),
                descriptions=_texts(index, prop, SH_DESCRIPTION),
                order=_number(index.value(prop, SH_ORDER), 999.0),
                min_count=min_count,
                max_count=int(_number(max_term, 0)) if max_term is not None else None,
                languages=languages,
                datatype=datatype if isinstance(datatype, ox.NamedNode) else None,
                classes=tuple(classes),
                choices=tuple(t for t in index.rdf_list(index.value(prop, SH_IN)) if isinstance(t, ox.NamedNode)),
                iri_only=index.value(prop, SH_NODE_KIND) == SH_IRI,
                warning=index.value(prop, SH_SEVERITY) == SH_WARNING,
                messages=frozenset(m.value for m in index.objects(prop, SH_MESSAGE) if isinstance(m, ox.Literal)),
            )
        )
    return sorted(found, key=lambda p: p.order)


def _kind(shape: PropertyShape, v: PlanVocabulary) -> str:
    if shape.path == SPDX_CHECKSUM:
        return CHECKSUM_KIND
    if shape.path == DCT_LANGUAGE:
        return LANGUAGE
    if shape.choices:
        return CHOICE
    if shape.classes:
        if set(shape.classes) <= SDG_CLASSES:
            return SDG
        return LINK if set(shape.classes) == {v.SDGLink} else REF
    if shape.iri_only:
        return REF
    if shape.datatype == XSD_DATE:
        return DATE
    if shape.datatype in _INTEGER_TYPES:
        return INTEGER
    if shape.datatype in _DECIMAL_TYPES:
        return DECIMAL
    return STRING


def _language_name(name: str, lang: str, column_lang: str) -> str:
    da, en = LANGUAGE_NAMES[column_lang]
    return f"{name} ({da if lang == 'da' else en})"


def _short(path: ox.NamedNode) -> str:
    value = path.value
    return value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def columns_of(shapes: list[PropertyShape], spec: SheetSpec, v: PlanVocabulary, part: str = "") -> list[Column]:
    """The columns for a node shape's property shapes on a sheet."""
    derived = set(spec.derived)
    kinds = dict(spec.kinds)
    if part == "goal":
        derived.add(v.area)
    by_path: dict[ox.NamedNode, list[PropertyShape]] = {}
    for shape in shapes:
        by_path.setdefault(shape.path, []).append(shape)
    columns: list[Column] = []
    prefix = part + ":" if part else ""
    for path, group in by_path.items():
        if path in derived or any(s.max_count == 0 for s in group):
            continue
        first = group[0]
        per_language = [s for s in group if len(s.languages) == 1]
        is_text = bool(per_language) or any(s.datatype == RDF_LANG_STRING for s in group)
        messages = frozenset().union(*(s.messages for s in group))
        if is_text:
            languages = list(LANGS) + sorted({s.languages[0] for s in per_language} - set(LANGS))
            for position, lang in enumerate(languages):
                own = next((s for s in per_language if s.languages[0] == lang), None)
                source = own or first
                names = own.names if own else {k: _language_name(v, k, lang) for k, v in first.names.items()}
                needed = own is not None and own.min_count > 0
                columns.append(
                    Column(
                        key=f"{prefix}{_short(path)}@{lang}",
                        names=_fill(names, _short(path)),
                        descriptions={
                            lang_: " ".join(
                                dict.fromkeys(
                                    d for d in (first.descriptions.get(lang_), source.descriptions.get(lang_)) if d
                                )
                            )
                            for lang_ in LANGS
                        },
                        kind=TEXT,
                        path=path,
                        lang=lang,
                        required=needed and own is not None and not own.warning,
                        recommended=needed and own is not None and own.warning,
                        # The language's own rule, and the rules on every value (one per language, tagged).
                        messages=(own.messages if own else frozenset())
                        | frozenset().union(*(s.messages for s in group if not s.languages)),
                        part=part,
                        order=min(s.order for s in group) + position / 1000,
                        width=48,
                    )
                )
            continue
        kind = kinds.get(path, _kind(first, v))
        max_count = min((s.max_count for s in group if s.max_count is not None), default=None)
        min_count = max(s.min_count for s in group)
        warning = all(s.warning for s in group if s.min_count > 0) if min_count else False
        choices = next((s.choices for s in group if s.choices), ())
        classes = tuple(c for s in group for c in s.classes)
        columns.append(
            Column(
                key=f"{prefix}{_short(path)}",
                names=_fill(first.names, _short(path)),
                descriptions=_fill(first.descriptions, ""),
                kind=kind,
                path=path,
                required=min_count > 0 and not warning,
                recommended=min_count > 0 and warning,
                multi=max_count != 1 and kind in (REF, LINK, STRING, CHOICE),
                choices=choices,
                classes=classes,
                datatype=next((s.datatype for s in group if s.datatype), None),
                messages=messages,
                part=part,
                order=first.order,
                width={TEXT: 48, DATE: 14, INTEGER: 12, DECIMAL: 12, SDG: 40, LINK: 40, CHECKSUM_KIND: 30}.get(
                    kind, 28
                ),
            )
        )
    return columns


def _term_labels(index: Index, term: ox.NamedNode) -> dict[str, str]:
    """A term's labels (skos:prefLabel, else rdfs:label) by language, the local name where it has none."""
    texts = {**_texts(index, term, RDFS_LABEL), **_texts(index, term, SKOS_PREF_LABEL)}
    return _fill(texts, _short(term))


def _fill(texts: dict[str, str], fallback: str) -> dict[str, str]:
    return {lang: texts.get(lang) or texts.get("da") or texts.get("en") or fallback for lang in LANGS}


def _node_shapes(index: Index, cls: ox.NamedNode) -> list[ox.NamedNode | ox.BlankNode]:
    return sorted(
        (
            t.subject
            for t in index.referrers.get(cls, [])
            if t.predicate == SH_TARGET_CLASS and isinstance(t.subject, ox.NamedNode | ox.BlankNode)
        ),
        key=lambda s: natural_key(s.value),
    )


ID_TEXTS = {
    "plan": (
        "Planens ID: sidste led i planens IRI (fx ambitioner-og-retning-2020). Lad det stå tomt for en ny plan: "
        "så laves det af titlen og årstallet.",
        "The plan's ID: the last part of its IRI (e.g. ambitioner-og-retning-2020). Leave it empty for a new plan: "
        "it is then made from the title and the year.",
    ),
    "area": (
        "Fokusområdets ID: sidste led i dets IRI (fx sundhed). Det bliver ved området, også når navnet ændres. "
        "Tomt for et nyt område: så laves det af navnet.",
        "The focus area's ID: the last part of its IRI (e.g. sundhed). It stays with the area, also when the name "
        "changes. Empty for a new area: it is then made from the name.",
    ),
    "point": (
        "Fokuspunktets ID: sidste led i dets IRI (et tal). Det bliver ved punktet, også når placeringen ændres. "
        "Tomt for et nyt fokuspunkt: så får det det næste ledige tal.",
        "The focus point's ID: the last part of its IRI (a number). It stays with the point, also when its position "
        "changes. Empty for a new focus point: it then gets the next free number.",
    ),
    "path": (
        "ID: stien i IRI'en efter sidens adresse (fx parti/sf). Tomt for en ny række: så laves det af typen og navnet.",
        "ID: the path of the IRI after the site's address (e.g. parti/sf). Empty for a new row: it is then made from "
        "the type and the name.",
    ),
}
TYPES_TEXTS = (
    "Hvad rækken er: vælg fra listen (flere typer på hver sin linje).",
    "What the row is: choose from the list (several types each on its own line).",
)


def workbook_layout(sources: Sources, policy: UrlPolicy) -> Layout:
    """The sheets and columns of the workbook, from the shapes (and the ontology's labels of their terms)."""
    index = Index(sources.triples(Role.SHAPES, Role.ONTOLOGY, Role.REFERENCE))
    v = vocabulary(policy)
    sheets: list[Sheet] = []
    term_labels: dict[ox.NamedNode, dict[str, str]] = {}
    for spec in sheet_specs(v):
        classes = spec.classes
        columns: list[Column] = []
        if spec.key == "organisations":
            da, en = TYPES_TEXTS
            columns.append(Column("types", {"da": "type", "en": "type"}, {"da": da, "en": en}, TYPES, required=True))
        if spec.identifier:
            da, en = ID_TEXTS[spec.identifier]
            kind_width = 16 if spec.identifier in ("area", "point", "plan") else 30
            columns.append(Column("id", {"da": "ID", "en": "ID"}, {"da": da, "en": en}, ID, width=kind_width))
        # On a sheet of several classes, a column is required only when every class requires it.
        by_key: dict[str, Column] = {}
        required_by: dict[str, int] = {}
        for cls in classes:
            for node_shape in _node_shapes(index, cls):
                for column in columns_of(property_shapes(index, node_shape), spec, v):
                    required_by[column.key] = required_by.get(column.key, 0) + (1 if column.required else 0)
                    if column.key not in by_key:
                        by_key[column.key] = column
        for key, column in by_key.items():
            columns.append(replace(column, required=False) if required_by[key] < len(classes) else column)
        if spec.goal:
            goal_columns = []
            head = next((c for c in columns if c.path == v.headlineGoal), None)
            prefix = {"da": "overordnet mål", "en": "headline goal"}
            for node_shape in _node_shapes(index, v.Goal):
                for column in columns_of(property_shapes(index, node_shape), spec, v, part="goal"):
                    names = {k: f"{prefix[k]}: {v}" for k, v in column.names.items()}
                    goal_columns.append(
                        replace(column, names=names, order=(head.order if head else 50) + column.order / 1000)
                    )
            columns += goal_columns
        fixed = [c for c in columns if c.kind in (ID, TYPES)]
        rest = sorted((c for c in columns if c.kind not in (ID, TYPES)), key=lambda c: c.order)
        for column in rest:
            for term in (*column.choices, *column.classes):
                term_labels[term] = _term_labels(index, term)
        sheet_classes = classes + spec.more_classes
        for term in sheet_classes:
            term_labels[term] = _term_labels(index, term)
        da, en = spec.names
        dda, den = spec.descriptions
        sheets.append(Sheet(spec.key, {"da": da, "en": en}, tuple(fixed + rest), sheet_classes, {"da": dda, "en": den}))
    sheets.append(Sheet(OTHER, dict(OTHER_NAMES), other_columns()))
    return Layout(tuple(sheets), term_labels)


def other_columns() -> tuple[Column, ...]:
    """The columns of the sheet of other facts: one fact (subject, property, value) per row."""
    return (
        Column(
            "subject",
            {"da": "emne", "en": "subject"},
            {
                "da": "Hvad faktummet handler om: ID'et (stien) af en række på de andre ark, fx parti/sf.",
                "en": "What the fact is about: the ID (path) of a row on the other sheets, e.g. parti/sf.",
            },
            "string",
            required=True,
            width=50,
        ),
        Column(
            "property",
            {"da": "egenskab", "en": "property"},
            {
                "da": "Egenskaben som præfiks:navn (fx rdfs:comment) eller en hel IRI.",
                "en": "The property as prefix:name (e.g. rdfs:comment) or a full IRI.",
            },
            "string",
            required=True,
            width=28,
        ),
        Column(
            "value",
            {"da": "værdi", "en": "value"},
            {
                "da": "Værdien: en tekst, eller en henvisning <sti>, præfiks:navn eller <IRI>, når typen er IRI. "
                "Tom: egenskaben har ingen værdi (det, planlod ellers selv ville udlede, udelades).",
                "en": "The value: a text, or a reference <path>, prefix:name or <IRI> when the type is IRI. "
                "Empty: the property has no value (what planlod would otherwise derive is left out).",
            },
            "string",
            width=60,
        ),
        Column(
            "language",
            {"da": "sprog", "en": "language"},
            {"da": "Tekstens sprog (da, en) eller tomt.", "en": "The text's language (da, en) or empty."},
            "string",
            width=10,
        ),
        Column(
            "datatype",
            {"da": "type", "en": "type"},
            {
                "da": "IRI for en henvisning; ellers tekstens datatype (fx xsd:date) eller tomt for almindelig tekst.",
                "en": "IRI for a reference; else the text's datatype (e.g. xsd:date) or empty for plain text.",
            },
            "string",
            width=20,
        ),
    )


# Properties that name things, used to show and find rows by name.
NAME_PATHS = (SKOS_PREF_LABEL, RDFS_LABEL, DCT_TITLE, FOAF_NAME)
