"""The site planned in memory before anything is written: its own files, and the checks that every entity's IRI
can be published (a path of the site, no collision with the site's own files and pages).

Stage: build. Imports `config`, `errors`, `formats`, `query`, `urls` and `vocab`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from .config import Config
from .errors import BuildError
from .formats import SITE_FILES
from .query import SiteGraph
from .urls import UrlPolicy, reserved_segments, site_folders, static_page
from .vocab import RDF_TYPE


@dataclass
class SitePlan:
    """The whole site in memory before anything is written: file contents and the entity list."""

    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, path: str, content: bytes) -> None:
        """Plan one file; two files on one path is a planning error."""
        if path in self.files:
            raise BuildError(f"two outputs want the same path: {path}")
        self.files[path] = content


# Characters an entity path may use (RFC 3986 unreserved, sub-delims and '/'): anything else would need
# percent-encoding in links and file names, and '?' or '#' would not be a path at all.
PATH_CHARACTERS = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/-]+")


DOCUMENT_SUFFIXES = tuple("." + extension for fmt in SITE_FILES for extension in fmt.extensions)


def check_paths(entities: list[ox.NamedNode], policy: UrlPolicy, reserved: set[str]) -> None:
    """Refuse entity paths that cannot be published or that would collide with other files of the site."""
    reserved_anywhere = reserved_segments()
    reserved_names = " or ".join(repr(name) for name in sorted(reserved_anywhere))
    for entity in entities:
        path = policy.path(entity.value)
        segments = path.split("/")
        problem = ""
        if not path or any(s in ("", ".", "..") for s in segments):
            problem = "its path is empty or has an empty, '.' or '..' segment"
        elif not PATH_CHARACTERS.fullmatch(path):
            problem = "its path has characters that need percent-encoding, a query string or a fragment"
        elif reserved_anywhere.intersection(segments):
            problem = f"its path uses a segment reserved for the site's own pages ({reserved_names})"
        elif any(segment.lower().endswith(DOCUMENT_SUFFIXES) for segment in segments):
            problem = "a segment of its path ends like a file name (.ttl, .html, …), which would collide with a file"
        elif segments[0] in reserved:
            problem = f"its path starts with {segments[0]!r}, a file or folder of the site itself"
        if problem:
            raise BuildError(f"{entity.value}: cannot publish this IRI: {problem}; rename it in the data")


def check_outside_base(graph: SiteGraph, policy: UrlPolicy) -> None:
    """Refuse plan data whose IRIs are not under the base IRI: the site could not publish them."""
    own = [t for t in graph.by_object if isinstance(t, ox.NamedNode) and t.value.startswith(policy.ontology_ns)]
    for cls in own:
        for subject in graph.subjects(RDF_TYPE, cls):
            if isinstance(subject, ox.NamedNode) and not policy.is_local(subject.value):
                raise BuildError(
                    f"{subject.value}: this {policy.short(cls.value)} is not under the base IRI {policy.base}, "
                    "so the site cannot publish it; give it an IRI under the base (a relative IRI in the data)"
                )


def reserved_first_segments(plan: SitePlan, config: Config) -> set[str]:
    """First path segments no entity may use: the site's own files and folders, and its static pages."""
    pages = {static_page(p.stem) for p in (config.site_dir / "templates" / "pages").glob("*.html")}
    return {path.split("/", 1)[0] for path in plan.files} | site_folders() | pages
