"""The escaping and link policy of everything a reader opens: HTML, XML, CSV/TSV, JSON in script blocks, links.

Stage: shared by the output stages (views, render, serialize, exports, catalog, build, serverconf, serve) and by
validation and configuration, which refuse early what the outputs could not carry. Imports nothing from the
package; markupsafe for HTML.

One place decides, for every kind of output:
- HTML: text and attribute values are escaped (`html`); templates autoescape with the same function.
- Links: only `http:`, `https:` and `mailto:` IRIs become an `href` (`safe_href`); anything else (`javascript:`,
  `data:`, `vbscript:`, relative-looking text) is shown as text. The query page's script reads the same schemes
  from the page (`LINK_SCHEMES`, written into the form by the template), so both sides follow one list.
- XML 1.0 cannot carry most control characters even as character references: `xml_problem` names the first one,
  and the writers refuse such text (validation refuses it earlier, see `text_problem`).
- CSV and TSV: a cell that a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
  carriage return) gets a leading apostrophe (`spreadsheet_cell`); plain numbers are left alone.
- JSON inside a `<script>` data block: `<`, `>`, `&` and the line separators U+2028/U+2029 are written as JSON
  escapes (`script_json`), so no value can end the block or open a comment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

# The URI schemes a link may have, in pages and in the query page's results.
LINK_SCHEMES: tuple[str, ...] = ("http", "https", "mailto")

# Characters no published text may hold: C0 controls except tab, line feed and carriage return; DEL; C1
# controls; surrogates (unpaired, from a `\uD800` escape); the non-characters U+FFFE and U+FFFF. XML 1.0 cannot
# carry the C0 ones at all; the others break terminals, spreadsheets and search engines.
_FORBIDDEN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What XML 1.0 (the catalogue's RDF/XML, the sitemap) cannot carry, even as a character reference.
_FORBIDDEN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A cell a spreadsheet reads as a formula starts with one of these (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def character_name(char: str) -> str:
    """A character as U+XXXX, for messages."""
    return f"U+{ord(char):04X}"


def text_problem(text: str) -> str | None:
    """Why a text cannot be published (a control character, a lone surrogate...), or None."""
    found = _FORBIDDEN_TEXT.search(text)
    if found is None:
        return None
    return f"it holds the control character {character_name(found.group())} at position {found.start() + 1}"


def xml_problem(text: str) -> str | None:
    """Why a text cannot be written in XML 1.0, or None."""
    found = _FORBIDDEN_XML.search(text)
    if found is None:
        return None
    return f"XML cannot hold the character {character_name(found.group())} (position {found.start() + 1})"


def xml_text(text: str) -> str:
    """Text for XML character data or a double-quoted attribute; ValueError when XML cannot hold it."""
    problem = xml_problem(text)
    if problem:
        raise ValueError(problem)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def html(value: object) -> Markup:
    """A value as HTML text or attribute value (what Jinja's autoescape does)."""
    return escape(value)


def link_scheme(iri: str) -> str:
    """The scheme of an IRI, lower-cased; '' when it has none."""
    found = _SCHEME.match(iri)
    return found.group(1).lower() if found else ""


def safe_href(iri: str) -> str | None:
    """The IRI if a page may link to it (an http, https or mailto IRI without whitespace or control characters),
    else None. The caller escapes it for its attribute like any other value."""
    if not iri or iri != iri.strip() or any(c.isspace() for c in iri) or _FORBIDDEN_TEXT.search(iri):
        return None
    scheme = link_scheme(iri)
    if scheme not in LINK_SCHEMES:
        return None
    rest = iri[len(scheme) + 1 :]
    if scheme in ("http", "https") and not rest.startswith("//"):
        return None
    return iri if rest else None


def linkable(iri: str) -> bool:
    """Whether a page may link to the IRI (see `safe_href`)."""
    return safe_href(iri) is not None


def spreadsheet_cell(value: str) -> str:
    """A CSV/TSV cell that no spreadsheet runs as a formula: a leading apostrophe before `= + - @`, a tab or a
    carriage return at its start, unless the cell is a plain number."""
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def spreadsheet_row(values: Iterable[object]) -> list[object]:
    """A CSV/TSV row with every text cell made safe (`spreadsheet_cell`); numbers are kept as they are."""
    return [spreadsheet_cell(v) if isinstance(v, str) else v for v in values]


def script_json(json_text: str) -> str:
    """JSON text for a `<script type="application/ld+json">` (or any script data block): `<`, `>`, `&` and the
    line separators are written as JSON escapes, so `</script`, `<!--` and `]]>` cannot end or alter the block.
    Still the same JSON value."""
    return (
        json_text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def embed_json(document: object) -> str:
    """A JSON document for a `<script>` data block (`script_json` of its JSON text)."""
    return script_json(json.dumps(document, ensure_ascii=False, indent=1))


def link_schemes_attribute(schemes: Sequence[str] = LINK_SCHEMES) -> str:
    """The link schemes as the query page's form carries them (`data-link-schemes`)."""
    return " ".join(schemes)
