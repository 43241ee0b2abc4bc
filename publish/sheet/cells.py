"""One cell ⇄ RDF terms, for each kind of column.

Stage: sheet (cells). Imports `urls`, `vocab`, `sheet.index` and `sheet.layout`.
Reading a cell raises `CellError` with a message key (see `problems.MESSAGES`); writing a cell gives the text
(or date, or number) that reads back to the same terms, or None when the column cannot hold a value (it then
goes to the sheet of other facts).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ..urls import UrlPolicy, areas_prefix, sdg_link_parts, sdg_link_path
from ..vocab import (
    ISO639_1_NS,
    RDF_TYPE,
    SDG_GOAL,
    SDG_NS,
    SDG_TARGET,
    SPDX_ALGORITHM,
    SPDX_CHECKSUM_CLASS,
    SPDX_CHECKSUM_VALUE,
    SPDX_SHA256,
    XSD_DATE,
    XSD_DECIMAL,
    XSD_INTEGER,
    XSD_STRING,
)
from .index import Index
from .layout import (
    CHECKSUM_KIND,
    CHOICE,
    DATE,
    DECIMAL,
    INTEGER,
    LANGUAGE,
    LINK,
    NAME_PATHS,
    REF,
    STRING,
    TEXT,
    Column,
)
from .layout import (
    SDG as SDG_KIND,
)

# A value separator inside one cell: a line break (Alt+Enter); ';' also separates references.
_SPLIT = re.compile(r"\s*(?:\r?\n|;)\s*")
_LINES = re.compile(r"\s*\r?\n\s*")
_DASH = " – "
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y", "%d-%m-%y")
_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")


class CellError(Exception):
    """A cell cannot be read; `key` and `fields` make the message (see `problems.MESSAGES`)."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields


@dataclass
class Decoded:
    """What one cell says: its values, and triples that describe them (a checksum's blank node)."""

    values: list[ox.NamedNode | ox.BlankNode | ox.Literal] = field(default_factory=list)
    extra: list[ox.Triple] = field(default_factory=list)


def cell_text(raw: object) -> str:
    """A cell's value as text: numbers without '.0', dates as ISO dates, None as ''."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).replace("\r\n", "\n")


class Vocab:
    """What cells are read and written with: the base IRI, prefixes, names of things, SDG codes, choice labels."""

    def __init__(self, policy: UrlPolicy, index: Index, term_labels: dict[ox.NamedNode, dict[str, str]]) -> None:
        self.policy = policy
        self.index = index
        self.term_labels = term_labels
        self.prefixes: tuple[tuple[str, str], ...] = policy.prefixes()
        self.sdg: dict[str, ox.NamedNode] = {}
        for cls in (SDG_GOAL, SDG_TARGET):
            for node in index.instances.get(cls, []):
                if isinstance(node, ox.NamedNode) and node.value.startswith(SDG_NS):
                    self.sdg[node.value[len(SDG_NS) :]] = node
        # name (case-folded) -> things of that name; things named in the project and on the workbook's sheets.
        self.names: dict[str, set[ox.NamedNode]] = defaultdict(set)
        self.known: set[ox.NamedNode] = set()
        for subject in index.by_subject:
            if isinstance(subject, ox.NamedNode) and not self._is_vocabulary(subject):
                self.known.add(subject)
                for predicate in NAME_PATHS:
                    for value in index.objects(subject, predicate):
                        if isinstance(value, ox.Literal) and value.value.strip():
                            self.names[value.value.strip().casefold()].add(subject)
        self.workbook_names: dict[ox.NamedNode, dict[str, str]] = {}
        # Another vocabulary in which a name written into a cell must also find only its thing (the export
        # writes names that read back both with and without the plan's own files in the project).
        self.also: Vocab | None = None
        # The plan the workbook holds: its elements and SDG link records are named relative to it.
        self.plan: ox.NamedNode | None = None

    def _is_vocabulary(self, node: ox.NamedNode) -> bool:
        value = node.value
        return value.startswith((self.policy.ontology_ns, self.policy.shapes_ns)) or value.startswith(SDG_NS)

    def add_name(self, node: ox.NamedNode, name: str, lang: str) -> None:
        """A thing the workbook names, findable by that name."""
        if self.also is not None:
            self.also.add_name(node, name, lang)
        if name.strip():
            self.names[name.strip().casefold()].add(node)
            self.workbook_names.setdefault(node, {}).setdefault(lang, name.strip())
        self.known.add(node)

    def label(self, node: ox.NamedNode, lang: str) -> str:
        """The thing's name in `lang` (the workbook's names first)."""
        names = self.workbook_names.get(node, {})
        for choice in (lang, "da", "en", ""):
            if names.get(choice):
                return names[choice]
        return self.index.label(node, lang)

    # -- IRIs as text ---------------------------------------------------------------------------------------
    def iri_text(self, node: ox.NamedNode) -> str:
        """An IRI as text: a path under the base in <…>, a prefixed name, or the IRI in <…>."""
        value = node.value
        if self.policy.is_local(value) and not value.startswith(self.policy.ontology_ns):
            return "<" + self.policy.path(value) + ">"
        for prefix, namespace in self.prefixes:
            if value.startswith(namespace) and _PN_LOCAL.fullmatch(value[len(namespace) :]):
                return f"{prefix}:{value[len(namespace) :]}"
        return f"<{value}>"

    def read_iri(self, text: str, relative_ok: bool = True) -> ox.NamedNode:
        """An IRI from text: <path or IRI>, prefix:name, http(s)://…, or a bare path."""
        text = text.strip()
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1].strip()
            if "://" not in text and not text.startswith(("urn:", "mailto:")):
                return self._checked(self.policy.iri(text))
            return self._checked(text)
        if re.match(r"^[a-z][a-z0-9+.\-]*://", text, re.IGNORECASE) or text.startswith(("urn:", "mailto:")):
            return self._checked(text)
        prefix, colon, local = text.partition(":")
        if colon:
            for name, namespace in self.prefixes:
                if name == prefix:
                    return self._checked(namespace + local)
        if relative_ok and re.fullmatch(r"[A-Za-z0-9æøåÆØÅ_.\-/]+", text) and not text.startswith("/"):
            return self._checked(self.policy.iri(text))
        raise CellError("bad_iri", value=text)

    @staticmethod
    def _checked(value: str) -> ox.NamedNode:
        try:
            return ox.NamedNode(value)
        except ValueError as exc:
            raise CellError("bad_iri", value=value) from exc

    # -- references to things -------------------------------------------------------------------------------
    def ref_text(self, node: ox.NamedNode, lang: str) -> str:
        """A thing as text: its name when that finds only it, else its path or IRI."""
        name = self.label(node, lang)
        unique = self.names.get(name.casefold()) == {node}
        if self.also is not None:
            unique = unique and self.also.names.get(name.casefold()) == {node}
        if name and unique and not re.search(r"[;\n<>]", name):
            return name
        return self.iri_text(node)

    def read_ref(self, text: str, column: Column, sheet_name: str) -> ox.NamedNode:
        """A thing named by its name, its path or its IRI."""
        token = text.strip()
        found = self.names.get(token.casefold())
        if found:
            if len(found) > 1:
                shown = ", ".join(sorted(self.iri_text(n) for n in found))
                raise CellError("ambiguous_ref", value=token, candidates=shown)
            return next(iter(found))
        try:
            node = self.read_iri(token)
        except CellError:
            raise CellError("unknown_ref", value=token, sheet=sheet_name) from None
        if column.classes and node not in self.known:
            raise CellError("unknown_ref", value=token, sheet=sheet_name)
        return node

    def sdg_text(self, node: ox.NamedNode, lang: str) -> str:
        """An SDG goal or target as '3.5 – its title' (the title in `lang`, else English)."""
        code = node.value[len(SDG_NS) :]
        title = self.index.label(node, lang)
        return f"{code}{_DASH}{title}" if title else code

    def read_sdg(self, text: str) -> ox.NamedNode:
        """An SDG goal or target from '3.5', '3.5 – title', 'sdg:3.5' or its IRI."""
        token = text.strip()
        if token.startswith(SDG_NS):
            token = token[len(SDG_NS) :]
        token = token.removeprefix("sdg:").strip("<>")
        code = re.split(r"\s+[–—-]\s+|\s", token, maxsplit=1)[0].strip().rstrip(".").lower()
        node = self.sdg.get(code) or self.sdg.get(code.lstrip("0"))
        if node is None:
            raise CellError("unknown_sdg", value=text.strip())
        return node

    # -- the plan's elements and SDG link records -------------------------------------------------------------
    def element_text(self, element: ox.NamedNode) -> str:
        """How the workbook names a plan element: 'plan', 'sundhed', 'sundhed/maal' or 'sundhed/indsats/1' (the
        part of its IRI after the plan's areas), or its path or IRI in <…> when it is not the plan's."""
        if self.plan is not None:
            if element == self.plan:
                return "plan"
            prefix = areas_prefix(self.plan.value)
            if element.value.startswith(prefix):
                return element.value[len(prefix) :]
        return "<" + (self.policy.path(element.value) if self.policy.is_local(element.value) else element.value) + ">"

    def link_text(self, link: ox.NamedNode) -> str:
        """How the workbook names an SDG link record: its element and the goal's or target's code
        ('sundhed/indsats/1/sdg/3.5'), or its path or IRI in <…> when it is not a link of the plan's elements."""
        parts = sdg_link_parts(link.value)
        if parts is not None and parts[1] in self.sdg:
            element = self.element_text(ox.NamedNode(parts[0]))
            if not element.startswith("<"):
                return sdg_link_path(element, parts[1])
        return "<" + (self.policy.path(link.value) if self.policy.is_local(link.value) else link.value) + ">"

    def choice_text(self, node: ox.NamedNode, lang: str) -> str:
        """A choice by its label in `lang`."""
        return self.term_labels.get(node, {}).get(lang) or self.iri_text(node)

    def read_choice(self, text: str, choices: Iterable[ox.NamedNode], lang: str) -> ox.NamedNode:
        """A choice from its label (either language), its name or its prefixed name."""
        token = text.strip().casefold()
        options = list(choices)
        for node in options:
            names = {v.casefold() for v in self.term_labels.get(node, {}).values()}
            local = node.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1].casefold()
            if token in names or token == local or token == self.iri_text(node).casefold():
                return node
        shown = ", ".join(self.choice_text(n, lang) for n in options)
        raise CellError("not_choice", value=text.strip(), choices=shown)


# -- reading ------------------------------------------------------------------------------------------------
def split_values(text: str, references: bool) -> list[str]:
    """The values in one cell: one per line (references: also separated by ';')."""
    pattern = _SPLIT if references else _LINES
    return [v for v in pattern.split(text.strip()) if v]


def read_date(raw: object) -> ox.Literal:
    """A date cell (or a text such as 2020-02-17 or 17-02-2020) as an xsd:date."""
    if isinstance(raw, dt.datetime):
        return ox.Literal(raw.date().isoformat(), datatype=XSD_DATE)
    if isinstance(raw, dt.date):
        return ox.Literal(raw.isoformat(), datatype=XSD_DATE)
    text = cell_text(raw).strip()
    for form in _DATE_FORMATS:
        try:
            return ox.Literal(dt.datetime.strptime(text, form).date().isoformat(), datatype=XSD_DATE)
        except ValueError:
            continue
    raise CellError("not_date", value=text)


def read_cell(raw: object, column: Column, vocab: Vocab, lang: str, sheet_names: dict[str, str]) -> Decoded:
    """The terms one cell holds (empty when the cell is empty)."""
    text = cell_text(raw)
    if (
        isinstance(raw, str)
        and raw.startswith("#")
        and raw.rstrip("!?/0A").upper() in {"#REF", "#VALUE", "#NAME", "#DIV", "#N"}
    ):
        raise CellError("formula_error", value=raw)
    if not text.strip():
        return Decoded()
    kind = column.kind
    if kind == TEXT:
        return Decoded([ox.Literal(text, language=column.lang)])
    if kind == STRING:
        values = split_values(text, False) if column.multi else [text]
        return Decoded(
            [
                ox.Literal(v) if column.datatype in (None, XSD_STRING) else ox.Literal(v, datatype=column.datatype)
                for v in values
            ]
        )
    if kind == DATE:
        return Decoded([read_date(raw)])
    if kind == INTEGER:
        value = text.strip()
        if not re.fullmatch(r"[0-9]+", value) or int(value) < 1:
            raise CellError("not_integer", value=value)
        return Decoded([ox.Literal(str(int(value)), datatype=column.datatype or XSD_INTEGER)])
    if kind == DECIMAL:
        try:
            number = Decimal(text.strip().replace(",", ".")) if not isinstance(raw, int | float) else Decimal(str(raw))
        except InvalidOperation:
            raise CellError("not_decimal", value=text.strip()) from None
        if not number.is_finite():
            raise CellError("not_decimal", value=text.strip())
        return Decoded([ox.Literal(format(number.normalize(), "f"), datatype=column.datatype or XSD_DECIMAL)])
    if kind == CHOICE:
        values = split_values(text, True) if column.multi else [text]
        return Decoded([vocab.read_choice(v, column.choices, lang) for v in values])
    if kind == SDG_KIND:
        return Decoded([vocab.read_sdg(text)])
    if kind == LANGUAGE:
        found: list[ox.NamedNode | ox.BlankNode | ox.Literal] = []
        for value in split_values(text, True):
            code = value.strip().lower()
            if re.fullmatch(r"[a-z]{2}", code):
                found.append(ox.NamedNode(ISO639_1_NS + code))
            elif value.startswith(("<", "http")):
                found.append(vocab.read_iri(value, relative_ok=False))
            else:
                raise CellError("bad_language", value=value)
        return Decoded(found)
    if kind == CHECKSUM_KIND:
        value = text.strip().lower().removeprefix("sha256:").strip()
        if not re.fullmatch(r"[0-9a-f]{64}", value):
            raise CellError("bad_checksum", value=text.strip())
        node = ox.BlankNode()
        return Decoded(
            [node],
            [
                ox.Triple(node, RDF_TYPE, SPDX_CHECKSUM_CLASS),
                ox.Triple(node, SPDX_ALGORITHM, SPDX_SHA256),
                ox.Triple(node, SPDX_CHECKSUM_VALUE, ox.Literal(value)),
            ],
        )
    if kind == REF:
        sheet = sheet_names.get("organisations", "")
        values = split_values(text, True) if column.multi else [text.strip()]
        return Decoded([vocab.read_ref(v, column, sheet) for v in values])
    raise AssertionError(f"no reader for the column kind {kind}")


# -- writing ------------------------------------------------------------------------------------------------
def write_cell(
    values: list[ox.NamedNode | ox.BlankNode | ox.Literal], column: Column, vocab: Vocab, lang: str, index: Index
) -> tuple[object, list[ox.NamedNode | ox.BlankNode | ox.Literal]]:
    """The cell for the values, and the values it holds (those it cannot hold are left for other facts)."""
    kind = column.kind
    held: list[ox.NamedNode | ox.BlankNode | ox.Literal] = []
    parts: list[str] = []
    for value in values:
        if not column.multi and held:
            break
        text = _one(value, column, vocab, lang, index)
        if text is not None:
            held.append(value)
            parts.append(text)
    if not parts:
        return None, []
    if kind == DATE:
        return dt.date.fromisoformat(parts[0]), held
    if kind == INTEGER:
        return int(parts[0]), held
    return "\n".join(parts), held


def _one(
    value: ox.NamedNode | ox.BlankNode | ox.Literal, column: Column, vocab: Vocab, lang: str, index: Index
) -> str | None:
    kind = column.kind
    if isinstance(value, ox.Literal):
        datatype = value.datatype
        if kind == TEXT:
            # Verbatim; an empty text would read back as no text.
            return value.value if value.language == column.lang and value.value.strip() else None
        if kind == STRING and not value.language and datatype == (column.datatype or XSD_STRING):
            if (column.multi and "\n" in value.value) or not value.value.strip() or value.value != value.value.strip():
                return None
            return value.value
        if kind == DATE and datatype == XSD_DATE and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.value):
            return value.value
        if kind == INTEGER and datatype == column.datatype and re.fullmatch(r"[1-9][0-9]*", value.value):
            return value.value
        if kind == DECIMAL and datatype == (column.datatype or XSD_DECIMAL):
            try:
                number = Decimal(value.value)
            except InvalidOperation:
                return None
            return value.value if format(number.normalize(), "f") == value.value else None
        return None
    if isinstance(value, ox.BlankNode):
        if kind == CHECKSUM_KIND:
            triples = index.by_subject.get(value, [])
            described = {(t.predicate, t.object) for t in triples}
            digest = index.value(value, SPDX_CHECKSUM_VALUE)
            if (
                isinstance(digest, ox.Literal)
                and described
                == {
                    (RDF_TYPE, SPDX_CHECKSUM_CLASS),
                    (SPDX_ALGORITHM, SPDX_SHA256),
                    (SPDX_CHECKSUM_VALUE, ox.Literal(digest.value)),
                }
                and re.fullmatch(r"[0-9a-f]{64}", digest.value)
            ):
                return digest.value
        return None
    if kind == CHOICE:
        return vocab.choice_text(value, lang) if value in column.choices else None
    if kind == SDG_KIND:
        return vocab.sdg_text(value, lang) if value in vocab.sdg.values() else None
    if kind == LANGUAGE:
        if value.value.startswith(ISO639_1_NS) and re.fullmatch(r"[a-z]{2}", value.value[len(ISO639_1_NS) :]):
            return value.value[len(ISO639_1_NS) :]
        return vocab.iri_text(value) if "://" in value.value else None
    if kind == REF:
        return vocab.ref_text(value, lang)
    if kind == LINK:
        return vocab.link_text(value)
    return None
