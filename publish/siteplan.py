"""The site planned in memory before anything is written: its own files, and the checks that every entity's IRI
can be published (a path of the site, no collision with the site's own files and pages).

Stage: build. Imports `config`, `errors`, `query`, `switch` (its `Spooled`), `urls` and `vocab`.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .config import Config
from .errors import BuildError, disk_error
from .query import SiteGraph
from .switch import Spooled
from .urls import UrlPolicy, site_first_segments, static_page
from .vocab import RDF_TYPE


@dataclass
class SitePlan:
    """The whole site planned before anything is written: file contents (in memory, or for the files given in
    pieces, in `spool` when the build gives one) and the entity list."""

    files: dict[str, bytes | Spooled] = field(default_factory=dict)
    # A folder of the build's own (see `switch.spooling`); None keeps every file in memory.
    spool: Path | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, path: str, content: bytes) -> None:
        """Plan one file; two files on one path is a planning error."""
        with self._lock:
            self._claim(path)
            self.files[path] = content

    def add_pieces(self, path: str, pieces: Iterable[bytes]) -> tuple[int, str]:
        """Plan one file made of `pieces` one after the other (consumed once, one at a time): into the spool
        when there is one, else joined in memory. Its size and SHA-256 (what the catalogue states). Files may be
        planned so from several threads at once."""
        digest = hashlib.sha256()
        if self.spool is None:
            content = b"".join(pieces)
            digest.update(content)
            self.add(path, content)
            return len(content), digest.hexdigest()
        file = self.spool / hashlib.blake2b(path.encode("utf-8"), digest_size=16).hexdigest()
        with self._lock:
            self._claim(path)
            self.files[path] = Spooled(file, 0)
        size = 0
        try:
            descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as exc:
            raise self._unwritable(path, exc) from exc
        try:
            for piece in pieces:
                digest.update(piece)
                size += len(piece)
                view = memoryview(piece)
                try:
                    while view:
                        view = view[os.write(descriptor, view) :]
                except OSError as exc:
                    raise self._unwritable(path, exc) from exc
        finally:
            os.close(descriptor)
        self.files[path] = Spooled(file, size)
        return size, digest.hexdigest()

    def _unwritable(self, path: str, exc: OSError) -> BuildError:
        """The writer's plain words for a failed write (the folder of the site's generations, where the spool is)."""
        assert self.spool is not None
        return disk_error(exc, self.spool.parent)

    def _claim(self, path: str) -> None:
        if path in self.files:
            raise BuildError(f"two outputs want the same path: {path}")


def check_paths(entities: list[ox.NamedNode], policy: UrlPolicy, reserved: set[str]) -> None:
    """Refuse entity paths that cannot be published or that would collide with other files of the site. (The
    same rule, `urls.path_problem`, runs in validation, so this refuses nothing that validation let through.)"""
    for entity in entities:
        problem = policy.publish_problem(entity.value, reserved)
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


def site_segments(config: Config) -> set[str]:
    """First path segments no entity may use (validation's rule): the site's folders and its static pages."""
    pages = {static_page(p.stem) for p in (config.site_dir / "templates" / "pages").glob("*.html")}
    return set(site_first_segments()) | pages


def reserved_first_segments(plan: SitePlan, config: Config) -> set[str]:
    """First path segments no entity may use: the site's own files and folders, and its static pages. Every
    folder the build plans is one of `urls.site_first_segments()`, which validation checks against too."""
    planned = {path.split("/", 1)[0] for path in plan.files if "/" in path}
    unknown = {name for name in planned - site_first_segments() if not name.startswith(".")}
    if unknown:
        raise BuildError(f"the site plans folders the URI policy does not reserve: {', '.join(sorted(unknown))}")
    return site_segments(config)
