"""One frozen configuration for a run.

Stage: config. Imports `errors` and `escaping` (what a setting may hold); pyoxigraph checks that IRI settings
are IRIs.
Precedence: command-line flag > `PLANLOD_*` environment variable > `[tool.planlod]` in pyproject.toml
> default.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from .errors import ConfigError
from .escaping import character_name, safe_href, text_problem

ENV_PREFIX = "PLANLOD_"


@dataclass(frozen=True)
class Config:
    """Every setting of a run. Paths are absolute; `base_iri` ends with a slash."""

    project_dir: Path
    base_iri: str = "http://localhost:8000/"
    data_dir: Path = Path("data")
    ontology_dir: Path = Path("ontology")
    shapes_dir: Path = Path("shapes")
    site_dir: Path = Path("site")
    out_dir: Path = Path("_site")
    # Licence of the published data: an IRI. The data cannot know it; the deployment decides.
    licence: str = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    # Contact point for the catalogue record. Empty means "not configured": the record then has none.
    contact_email: str = ""
    contact_name: str = ""
    # The IRI of the site's publisher (an agent described in the data, relative to the base IRI or absolute).
    # Empty: the one municipality that publishes every plan. Needed when the plans have different publishers.
    publisher: str = ""
    # Where the SPARQL endpoint of `planlod serve` (or a production store) answers, relative to the base IRI
    # or absolute ("sparql" for `planlod serve`). Empty (the default): the site advertises no SPARQL service (a
    # static host answers none), so the catalogue, VoID and the query page name none.
    sparql_endpoint: str = ""
    # The person who accepts or rejects proposed SDG links (`planlod suggest accept|reject`), by name; the
    # decisions are published with this name as a prov:Agent. Empty: decisions cannot be recorded.
    curator: str = ""

    @property
    def settings(self) -> dict[str, str]:
        """The settings as strings, for display."""
        return {f.name: str(getattr(self, f.name)) for f in fields(self)}


_PATH_FIELDS = {"data_dir", "ontology_dir", "shapes_dir", "site_dir", "out_dir"}
_FIELD_NAMES = {f.name for f in fields(Config)} - {"project_dir"}


def find_project_dir(start: Path) -> Path:
    """The nearest folder at or above `start` with [tool.planlod] in its pyproject.toml, else `start`."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "[tool.planlod]" in candidate.read_text(encoding="utf-8", errors="replace"):
            return folder
    return start


def _read_pyproject(project_dir: Path) -> dict[str, object]:
    path = project_dir / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    table = document.get("tool", {}).get("planlod", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.planlod] must be a table")
    unknown = sorted(set(table) - _FIELD_NAMES)
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) in [tool.planlod]: {', '.join(unknown)}; "
            f"known settings: {', '.join(sorted(_FIELD_NAMES))}"
        )
    return dict(table)


def check_base_iri(value: str, origin: str) -> str:
    """The base IRI if it is an absolute http(s) IRI ending in '/', without query or fragment."""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(f"{origin}: base_iri must be an absolute http(s) IRI, got {value!r}")
    if parts.query or parts.fragment or "#" in value:
        raise ConfigError(f"{origin}: base_iri must have no query string or fragment, got {value!r}")
    if not value.endswith("/"):
        raise ConfigError(f"{origin}: base_iri must end with '/', got {value!r} (try {value + '/'!r})")
    check_iri(value, origin)
    return value


def check_iri(value: str, origin: str) -> str:
    """The value if it is a valid IRI (no spaces, no '<', '>', '"', '{', '}', '|', '^', '`' or '\\')."""
    try:
        ox.NamedNode(value)
    except ValueError as exc:
        raise ConfigError(f"{origin}: not a valid IRI: {value!r} ({exc})") from exc
    return value


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# An e-mail address as the catalogue and the pages publish it: local@domain, nothing a link or header could
# misread (no spaces, quotes, angle brackets, commas or a second @).
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*")


def _has_scheme(value: str) -> bool:
    return _SCHEME.match(value) is not None


def check_web_iri(value: str, origin: str) -> str:
    """The value if it is an absolute http(s) IRI, which pages may link to (the escaping policy's links)."""
    check_iri(value, origin)
    if safe_href(value) is None or not value.lower().startswith(("http://", "https://")):
        raise ConfigError(f"{origin}: must be an http or https IRI, got {value!r}")
    return value


def check_licence(value: str, origin: str) -> str:
    """The licence if it is an absolute http(s) IRI: every page links to it."""
    if not value:
        raise ConfigError(f"{origin}: the licence must be set (an http or https IRI)")
    return check_web_iri(value, origin)


def check_email(value: str, origin: str) -> str:
    """The contact e-mail address if it is empty or a plain address (local@domain)."""
    if value and not _EMAIL.fullmatch(value):
        raise ConfigError(f"{origin}: not an e-mail address: {value!r} (write it as name@example.dk)")
    return value


def _folder(project_dir: Path, value: str, name: str) -> Path:
    """An absolute folder path. The output folder's own name is kept as it is (it is a symbolic link to the
    site's current generation, which must not be followed); every other link is resolved."""
    path = Path(os.path.abspath(project_dir / value))
    if name == "out_dir" and path.name:
        return path.parent.resolve() / path.name
    return path.resolve()


def load_config(
    project_dir: Path | None = None,
    overrides: Mapping[str, object | None] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Merge defaults, pyproject.toml, environment and flag overrides into one Config."""
    env = os.environ if environ is None else environ
    if project_dir is None:
        given = env.get(ENV_PREFIX + "PROJECT")
        project_dir = Path(given) if given else find_project_dir(Path.cwd())
    project_dir = project_dir.resolve()
    values: dict[str, tuple[object, str]] = {}
    for key, value in _read_pyproject(project_dir).items():
        values[key] = (value, f"{project_dir / 'pyproject.toml'} [tool.planlod] {key}")
    for name in _FIELD_NAMES:
        if ENV_PREFIX + name.upper() in env:
            values[name] = (
                env[ENV_PREFIX + name.upper()],
                f"environment variable {ENV_PREFIX}{name.upper()}",
            )
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = (value, f"option --{name.replace('_', '-')}")
    kwargs: dict[str, object] = {}
    for name, (value, origin) in values.items():
        if not isinstance(value, str):
            raise ConfigError(f"{origin}: must be a string, got {value!r}")
        breaks = [character_name(c) for c in value if c in "\t\n\r"]
        problem = text_problem(value) or (
            f"it holds a line break or tab ({breaks[0]}); settings are one line" if breaks else None
        )
        if problem:
            raise ConfigError(f"{origin}: {problem}")
        if name in _PATH_FIELDS:
            kwargs[name] = _folder(project_dir, value, name)
        elif name == "base_iri":
            kwargs[name] = check_base_iri(value, origin)
        elif name == "licence":
            kwargs[name] = check_licence(value, origin)
        elif name == "contact_email":
            kwargs[name] = check_email(value, origin)
        elif name in ("publisher", "sparql_endpoint") and value:
            # Relative values resolve against the base IRI; checked as IRIs either way.
            kwargs[name] = check_web_iri(value, origin) if _has_scheme(value) else value
            if not _has_scheme(value):
                check_iri("http://relative.invalid/" + value.lstrip("/"), origin)
        else:
            kwargs[name] = value
    for name in _PATH_FIELDS - set(kwargs):
        kwargs[name] = _folder(project_dir, str(getattr(Config, name)), name)
    return Config(project_dir=project_dir, **kwargs)  # type: ignore[arg-type]
