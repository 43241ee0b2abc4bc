"""The link and escaping policy of the pages, beyond Jinja2's autoescaping of text and attributes.

Stage: query (view models). Imports nothing from the package.
- Only web and mail addresses become links (`linkable`): never `javascript:` or `data:`.
- JSON embedded in a <script> element (the JSON-LD of a page, the dataset's schema.org block) has `<`, `>` and `&`
  escaped (`script_safe`), so a literal holding `</script` or `<!--` cannot end or alter the block.
"""

from __future__ import annotations

import json


def linkable(iri: str) -> bool:
    """Whether an IRI may be an href: web and mail addresses only (never javascript: or data:)."""
    return iri.lower().startswith(("http://", "https://", "mailto:"))


def script_safe(json_text: str) -> str:
    """JSON text for a <script> element: `<`, `>` and `&` are escaped (still valid JSON), so `</script` and
    `<!--` in a literal cannot end or alter the block."""
    return json_text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def embed_json(document: object) -> str:
    """A JSON document for a <script> element."""
    return script_safe(json.dumps(document, ensure_ascii=False, indent=1))
