"""Render HTML from Jinja2 templates fed view models.

Stage: render. Imports `errors` and `query` (relative links); Jinja2 with StrictUndefined and autoescaping.
Template choice: `entity/{kind}.html` for the entity's most specific class that has one, else `entity/_default.html`.
UI strings for both languages come from `site/strings.toml`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, TemplateError, TemplateNotFound

from .errors import BuildError
from .query import relative

LANGS = ("da", "en")


def template_problem(exc: TemplateError, name: str) -> BuildError:
    """A BuildError naming the template file and line where Jinja knows them."""
    filename = getattr(exc, "filename", None) or f"site/templates/{name}"
    line = getattr(exc, "lineno", None)
    where = f"{filename}:{line}" if line else filename
    return BuildError(f"{where}: {exc.message or exc}")


def load_strings(site_dir: Path) -> dict[str, dict[str, str]]:
    """The UI strings: language → key → text. Every key must exist in every language."""
    path = site_dir / "strings.toml"
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise BuildError(f"{path}: the UI strings file is missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(f"{path}: not valid TOML: {exc}") from exc
    strings: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for key, texts in table.items():
        if not isinstance(texts, dict) or set(texts) != set(LANGS):
            raise BuildError(f"{path}: string {key!r} needs exactly a 'da' and an 'en' text")
        for lang in LANGS:
            strings[lang][key] = str(texts[lang])
    return strings


class Renderer:
    """Finds templates and renders them with the shared context."""

    def __init__(self, site_dir: Path) -> None:
        templates = site_dir / "templates"
        if not templates.is_dir():
            raise BuildError(f"{templates}: the templates folder is missing")
        self.env = Environment(
            loader=FileSystemLoader(templates),
            undefined=StrictUndefined,
            autoescape=True,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.strings = load_strings(site_dir)
        self._entity_templates: dict[tuple[str, ...], Template] = {}

    def template(self, name: str) -> Template:
        """A template by name; a missing or broken template is a BuildError naming it."""
        try:
            return self.env.get_template(name)
        except TemplateNotFound as exc:
            raise BuildError(f"template not found: site/templates/{name}") from exc
        except TemplateError as exc:
            raise template_problem(exc, name) from exc

    def entity_template(self, kinds: Sequence[str]) -> Template:
        """The template of the most specific kind that has one, else the default."""
        key = tuple(kinds)
        found = self._entity_templates.get(key)
        if found is None:
            names = [f"entity/{kind}.html" for kind in kinds] + ["entity/_default.html"]
            try:
                found = self.env.select_template(names)
            except TemplateNotFound as exc:
                raise BuildError("template not found: site/templates/entity/_default.html") from exc
            except TemplateError as exc:
                raise template_problem(exc, names[0]) from exc
            self._entity_templates[key] = found
        return found

    def render(self, template: Template, lang: str, here: str, **context: Any) -> bytes:
        """Render one page in a language; `here` is the page's folder, for relative links."""

        def href(path: str) -> str:
            return relative(here, path)

        def lhref(path: str) -> str:
            """A link to a site page in the page's language."""
            folder = path.strip("/")
            if lang == "en":
                folder = f"{folder}/en" if folder else "en"
            return relative(here, folder + "/")

        try:
            text = template.render(lang=lang, t=self.strings[lang], href=href, lhref=lhref, **context)
        except TemplateError as exc:
            raise template_problem(exc, template.name or "?") from exc
        return text.encode("utf-8")
