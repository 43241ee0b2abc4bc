"""The example queries of the query page: `site/queries/*.rq`, each titled in Danish and English.

Stage: query (view models). Imports `errors` and `views.models`.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import BuildError
from .models import ExampleQuery

_TITLE = re.compile(r"^#\s*title-(da|en):\s*(.+?)\s*$", re.MULTILINE)
_DESCRIPTION = re.compile(r"^#\s*description-(da|en):\s*(.+?)\s*$", re.MULTILINE)
_HEADER = ("# title-", "# description-")


def parse_example(name: str, text: str) -> ExampleQuery:
    """An example from its file text: `# title-da:` and `# title-en:` lines, optional `# description-da:` and
    `# description-en:` lines (what the page says about the query in each language), and the query (every other
    line)."""
    titles = dict(_TITLE.findall(text))
    if set(titles) != {"da", "en"}:
        raise BuildError(f"site/queries/{name}.rq: needs both a '# title-da:' and a '# title-en:' line")
    descriptions = dict(_DESCRIPTION.findall(text))
    if set(descriptions) not in (set(), {"da", "en"}):
        raise BuildError(f"site/queries/{name}.rq: a description needs both a Danish and an English line")
    body = "\n".join(line for line in text.splitlines() if not line.startswith(_HEADER)).strip()
    return ExampleQuery(
        name,
        titles["da"],
        titles["en"],
        body + "\n",
        text,
        descriptions.get("da", ""),
        descriptions.get("en", ""),
    )


def load_examples(site_dir: Path) -> list[ExampleQuery]:
    """The example queries in `site/queries/`, by file name."""
    return [
        parse_example(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted((site_dir / "queries").glob("*.rq"))
    ]
