"""What a built site says it was built for: its base IRI, its licence and its SPARQL endpoint, read from its own
VoID description, so that the commands that read a built site (`serve`, `push`) use the site's base IRI and not
whatever the settings say now.

Stage: over the build's output (read by `serve`, `push` and the CLI). Imports `errors`, `urls` and `vocab`.
The site's dataset is the VoID dataset whose IRI starts with its own `void:uriSpace`: the base IRI every minted IRI
of the site starts with (the UN SDG KOS copy's uriSpace is the UN's namespace, not its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import ConfigError, PlanlodError
from .urls import void_files
from .vocab import DCT_LICENSE, VOID_SPARQL_ENDPOINT, VOID_URI_SPACE


class SiteError(PlanlodError):
    """The folder holds no built site, or one whose VoID description does not say its base IRI."""


@dataclass(frozen=True)
class BuiltSite:
    """What a built site was built for."""

    out_dir: Path
    base_iri: str
    licence: str
    sparql_endpoint: str


def read_site(out_dir: Path) -> BuiltSite:
    """The base IRI, licence and SPARQL endpoint a built site states in its VoID description."""
    path = out_dir / void_files()[0]
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise SiteError(f"{path}: no built site here ({exc.strerror or exc}); run `planlod build` first") from exc
    try:
        triples = [q.triple for q in ox.parse(content, ox.RdfFormat.TURTLE)]
    except SyntaxError as exc:
        raise SiteError(f"{path}: not valid Turtle ({exc}); run `planlod build` again") from exc
    for t in triples:
        space = t.object
        if (
            t.predicate == VOID_URI_SPACE
            and isinstance(t.subject, ox.NamedNode)
            and isinstance(space, ox.Literal)
            and t.subject.value.startswith(space.value)
        ):
            about = [u for u in triples if u.subject == t.subject]
            licence = next((u.object.value for u in about if u.predicate == DCT_LICENSE), "")
            endpoint = next((u.object.value for u in about if u.predicate == VOID_SPARQL_ENDPOINT), "")
            return BuiltSite(out_dir, space.value, licence, endpoint)
    raise SiteError(f"{path}: the VoID description names no base IRI (void:uriSpace); run `planlod build` again")


def site_base(site: BuiltSite, given: str | None) -> str:
    """The site's base IRI; a ConfigError when `--base-iri` gives another one."""
    if given and given != site.base_iri:
        raise ConfigError(
            f"{site.out_dir} was built for the base IRI {site.base_iri}, not {given}: leave out --base-iri to use "
            f"the site as built, or build it again with `planlod build --base-iri {given}`"
        )
    return site.base_iri
