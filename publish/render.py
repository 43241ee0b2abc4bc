"""Render HTML from Jinja2 templates fed view models.

Stage: render. Imports `errors` and `urls` (the links of a page's frame); Jinja2 with StrictUndefined and autoescaping.
Template choice: `entity/{kind}.html` for the entity's most specific class that has one, else `entity/_default.html`.
UI strings for both languages come from `site/strings.toml`. The fragments every page repeats (texts with their
language, links, SDG badges, property values and rows) are written by `Html`, which templates reach as `h`; the
larger blocks are macros in `site/templates/_macros.html`. The frame every page extends (`base.html`) is rendered
once per language and folder depth and each page's blocks into it (`Frames`), with the bytes of rendering it whole.

Why those fragments are Python and not template macros: written as Jinja2 macros (byte for byte the same HTML),
rendering entity pages took about a third more CPU time (1.57 s against 1.17 s, median of 7 interleaved rounds over
the 3,000 pages of 1,500 entities of a 100-plan corpus), a cost every page of a large site pays. A designer changes
their markup here, in `Html`; tests/test_render.py holds them to the macros they replace.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    meta,
    nodes,
)
from jinja2.runtime import Context
from jinja2.utils import missing
from markupsafe import Markup, escape

from .errors import BuildError
from .urls import LANGS, PageLinks


def template_problem(exc: TemplateError, name: str) -> BuildError:
    """A BuildError naming the template file and line where Jinja knows them."""
    filename = getattr(exc, "filename", None) or f"site/templates/{name}"
    line = getattr(exc, "lineno", None)
    where = f"{filename}:{line}" if line else filename
    return BuildError(f"{where}: {exc.message or exc}")


class Strings(dict[str, str]):
    """The UI strings of one language; templates read them as attributes (`t.home`), which Jinja2 then finds at
    once rather than after a failed attribute lookup."""

    def __getattr__(self, name: str) -> str:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


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
    strings: dict[str, dict[str, str]] = {lang: Strings() for lang in LANGS}
    for key, texts in table.items():
        if not isinstance(texts, dict) or set(texts) != set(LANGS):
            raise BuildError(f"{path}: string {key!r} needs exactly a 'da' and an 'en' text")
        for lang in LANGS:
            strings[lang][key] = str(texts[lang])
    return strings


class Html:
    """The small HTML fragments every page repeats (texts, links, SDG badges, property values), written in Python
    for one language: called thousands of times a page set, they cost a fraction of Jinja2 macros. Templates reach
    them as `h`; every value is escaped as autoescaping would."""

    def __init__(self, lang: str, strings: dict[str, str]) -> None:
        self.lang = lang
        self.target_kind = f'<span class="visually-hidden">{escape(strings["target"])} </span>'
        self.goal_kind = f'<span class="visually-hidden">{escape(strings["goal"])} </span>'
        self.badges_open = f'<ul class="badges" aria-label="{escape(strings["goals"])}">'
        self.iri_label = str(escape(strings["iri"]))
        self.showing_first = strings["showing_first"]
        self.more_pages = str(escape(strings["more_pages"]))
        self.page_word = str(escape(strings["page"]))
        self.inverse_name = strings["inverse_name"]

    def text(self, value: object, value_lang: str) -> Markup:
        """A text, marked with its language when that is not the page's."""
        if value_lang and value_lang != self.lang:
            return Markup(f'<span lang="{escape(value_lang)}">{escape(value)}</span>')
        return escape(value)

    def link(self, link: Any) -> Markup:
        """A LinkView: a link when it has an href, else its text; marked with its language when not the page's."""
        lang = f' lang="{escape(link.lang)}"' if link.lang and link.lang != self.lang else ""
        if link.href:
            return Markup(f'<a href="{escape(link.href)}"{lang}>{escape(link.text)}</a>')
        return Markup(f"<span{lang}>{escape(link.text)}</span>")

    def sdg_kind(self, code: str) -> Markup:
        """The hidden word before an SDG code: target or goal."""
        return Markup(self.target_kind if "." in code else self.goal_kind)

    def badge_items(self, items: Sequence[Any]) -> str:
        return "".join(
            f'<li><a class="sdg sdg-{escape(b.goal)}" href="{escape(b.href)}" title="{escape(b.title)}">'
            f"{self.target_kind if '.' in b.code else self.goal_kind}{escape(b.code)}</a></li>"
            for b in items
        )

    def badges(self, items: Sequence[Any]) -> Markup:
        """A list of SDG badges (BadgeView), or nothing."""
        if not items:
            return Markup("")
        return Markup(f"{self.badges_open}{self.badge_items(items)}</ul>")

    def value(self, value: Any) -> Markup:
        """A ValueView: a link (with the external IRI) or a text (with its datatype)."""
        link = value.link
        if link:
            html = self.link(link)
            if link.external:
                external = escape(link.external)
                html += Markup(f' <a class="ext" href="{external}" aria-label="{self.iri_label} {external}">↗</a>')
            return html
        html = self.text(value.text, value.lang)
        if value.datatype:
            html += Markup(f' <span class="dt">({escape(value.datatype)})</span>')
        return html

    def prop_rows(self, rows: Sequence[Any]) -> Markup:
        """The rows (RowView) of a property table: name, CURIE, values, and links to further pages of values."""
        out = []
        for row in rows:
            name = escape(self.inverse_name % row.name if row.inverse else row.name)
            title = f' title="{escape(row.description)}"' if row.description else ""
            values = row.values
            if len(values) == 1:
                cell: str = self.value(values[0])
            else:
                cell = "<ul>" + "".join(f"<li>{self.value(v)}</li>" for v in values) + "</ul>"
            more = ""
            if row.pages:
                links = ", ".join(
                    f'<a href="{escape(p.href)}" aria-label="{name}, {self.page_word} {number}">{number}</a>'
                    for p in row.pages
                    for number in (escape(p.text),)
                )
                shown = escape(self.showing_first % (len(values), row.total))
                more = f'<p class="more">{shown} {self.more_pages}: {links}</p>'
            out.append(
                f'    <tr>\n      <th scope="row"><span{title}>{name}</span> <code>{escape(row.curie)}</code></th>\n'
                f"      <td>{cell}{more}</td>\n    </tr>"
            )
        return Markup("\n".join(out))


# The variables a page's frame (the template every page extends) may read that are the same for every page in a
# language and folder: the rest of what it reads is the page's own and must appear only as a plain `{{ name }}`.
FRAME_VARIABLES = frozenset({"lang", "t", "h", "links", "site"})
FRAME_TEMPLATE = "base.html"
# Marks where a page's own parts go in a frame rendered once; a control character no text or markup of the frame has.
MARK = "\x00"


class FrameLinks(PageLinks):
    """PageLinks that note the first folder of every path a frame links to: a page in such a folder gets a frame of
    its own, as its links to that folder's paths are shorter than those of other pages at its depth."""

    def __init__(self, here: str, lang: str, folders: set[str]) -> None:
        super().__init__(here, lang)
        self.folders = folders

    def note(self, path: str) -> None:
        self.folders.add(path.strip("/").split("/", 1)[0])

    def to(self, path: str) -> str:
        self.note(path)
        return super().to(path)

    def to_page(self, path: str) -> str:
        self.note(path)
        return super().to_page(path)

    def to_iri(self, iri: str, base: str) -> str:
        if iri.startswith(base):
            self.note(iri[len(base) :])
        return super().to_iri(iri, base)


def _block_mark(name: str) -> Callable[[Context], Iterator[str]]:
    """A block's render function that writes only the mark of where the block goes."""

    def mark(_context: Context) -> Iterator[str]:
        yield f"{MARK}b:{name}{MARK}"

    return mark


class Frames:
    """The frame every page shares (`base.html`), rendered once per language, folder depth and site rather than for
    every page: between its fixed text go the page's blocks and its own variables, rendered per page as Jinja2
    would, so every page's bytes are those of rendering it whole.

    A frame is keyed by what it reads: the language (and with it the UI strings), the site view, and the page's
    folder as far as the frame's relative links depend on it (its depth; the whole folder for a page inside a folder
    the frame links into). `compatible` tells whether a frame template can be shared this way: it must read its
    page's own variables (other than FRAME_VARIABLES) only as plain `{{ name }}` outputs, and nothing else may
    depend on the page (no conditions, loops or filters on them)."""

    def __init__(self, env: Environment, template: Template, page_variables: set[str]) -> None:
        self.env = env
        self.template = template
        self.whole = template.root_render_func
        self.page_variables = page_variables
        self.folders: set[str] = set()
        self.cache: dict[tuple[str, int, str, int], tuple[object, list[tuple[bool, str]]]] = {}

    @classmethod
    def install(cls, env: Environment) -> Frames | None:
        """Render FRAME_TEMPLATE's frame once per language and depth from now on, if it can be shared."""
        try:
            template = env.get_template(FRAME_TEMPLATE)
            assert env.loader is not None
            source = env.loader.get_source(env, FRAME_TEMPLATE)[0]
        except TemplateError:
            return None  # reported by the page that needs it
        if not cls.compatible(env, source):
            return None
        frames = cls(env, template, set(meta.find_undeclared_variables(env.parse(source))) - FRAME_VARIABLES)
        template.root_render_func = frames.root
        return frames

    @staticmethod
    def compatible(env: Environment, source: str) -> bool:
        """Whether a frame template reads the page's own variables only as plain outputs."""
        tree = env.parse(source)
        plain: set[int] = set()
        for output in tree.find_all(nodes.Output):
            plain.update(id(node) for node in output.nodes if isinstance(node, nodes.Name))
        return all(
            id(name) in plain or name.name in FRAME_VARIABLES or name.ctx != "load"
            for name in tree.find_all(nodes.Name)
        )

    def key(self, links: PageLinks, lang: str, site: object) -> tuple[str, int, str, int]:
        here = links.here
        first = here.split("/", 1)[0]
        depth = here.count("/") + 1 if here else 0
        return (lang, depth, here if first in self.folders or not self.folders else "", id(site))

    def parts(self, context: Context) -> list[tuple[bool, str]]:
        """The frame for the page being rendered: (is the page's, text) pairs; the page's are block or variable
        names, marked `b:` or `v:`."""
        links = context.get("links")
        lang = context.get("lang")
        site = context.get("site")
        if type(links) is not PageLinks or not isinstance(lang, str):
            return []
        key = self.key(links, lang, site)
        found = self.cache.get(key)
        if found is not None and found[0] is site:
            return found[1]
        recording = FrameLinks(links.here, lang, self.folders)
        values: dict[str, object] = {name: Markup(f"{MARK}v:{name}{MARK}") for name in self.page_variables}
        values.update({name: context.get(name) for name in FRAME_VARIABLES if name in context})
        values["links"] = recording
        frame_context = self.template.new_context(values)
        for name in self.template.blocks:
            frame_context.blocks[name] = [_block_mark(name)]
        text = "".join(self.whole(frame_context))
        pieces = text.split(MARK)
        parts = [(bool(number % 2), piece) for number, piece in enumerate(pieces) if piece or number % 2]
        names = {f"b:{name}" for name in self.template.blocks} | {f"v:{name}" for name in self.page_variables}
        if not all(piece in names for own, piece in parts if own):
            parts = []  # a text of the frame holds the mark: rendered whole, every time
        # The frame's links are known now: the key (by folder or by depth) is made again with them.
        self.cache[self.key(links, lang, site)] = (site, parts)
        return parts

    def root(self, context: Context) -> Any:
        """The frame template's render function: the shared frame's text, the page's blocks and variables."""
        parts = self.parts(context)
        if not parts:
            yield from self.whole(context)
            return
        for own, text in parts:
            if not own:
                yield text
            elif text[0] == "b":
                yield from context.blocks[text[2:]][0](context)
            else:
                name = text[2:]
                value = context.resolve_or_missing(name)
                yield escape(self.env.undefined(name=name) if value is missing else value)


class Renderer:
    """Finds templates and renders them with the shared context."""

    def __init__(self, site_dir: Path, frames: bool = True) -> None:
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
            # Templates do not change during a build: no file checks on every lookup.
            auto_reload=False,
        )
        self.strings = load_strings(site_dir)
        try:
            self.html = {lang: Html(lang, self.strings[lang]) for lang in LANGS}
        except KeyError as exc:
            raise BuildError(f"{site_dir / 'strings.toml'}: the UI string {exc.args[0]!r} is missing") from exc
        self._entity_templates: dict[tuple[str, ...], Template] = {}
        # `frames=False` renders every page whole (the reference the shared frames are tested against).
        self.frames = Frames.install(self.env) if frames else None

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

    def render(self, template: Template, lang: str, here: str, view: object = None, **context: Any) -> bytes:
        """Render one page in a language; `here` is the page's folder, for the frame's relative links (`links`).

        `view`, a site page's typed context (views.models), gives the template its fields as variables."""
        if view is not None:
            context = {**vars(view), **context}
        try:
            text = template.render(
                lang=lang, t=self.strings[lang], h=self.html[lang], links=PageLinks(here, lang), **context
            )
        except TemplateError as exc:
            raise template_problem(exc, template.name or "?") from exc
        return text.encode("utf-8")
