"""What the last build was made from, kept beside its output, so the next build re-renders only what changed.

Stage: build (what the last build was made from). Imports `config`, `errors`, `load`, `plans`, `query`,
`rdfterms`, `sealed`, `urls`, `views` and `vocab`.
The state lives in the output folder (`.planlod-state`, never served) and is replaced together with the site:
- the key of everything but the data (settings, ontology, shapes, templates, code): another key means a full build;
- the site graph's triples as N-Triples lines, per data file (with the digest of the file)
  and for the rest (derived triples, catalogue, VoID): the difference to the new graph is the changed triples,
  and files whose key did not change are not compared;
- for every node, the entities whose documents and pages looked it up (its outgoing triples, "S", its incoming
  ones, "O", only its labels, "L", or whether it has any triples, "E"), recorded while they were rendered: a
  changed triple `s p o` touches the readers of "S s" and "O o", of "L s" when p is a label property and of
  "E s" when s appeared or disappeared;
- per entity the files it wrote, its row of the site search's index (its reads recorded as the entity's), and
  digests of what its page shows from outside the graph (a plan's coverage).
The SDG goal and target pages, the home, coverage and data model pages are readers too (`page_reader`: "page "
and the page's file, which no IRI can be): their reads and files are kept as an entity's are, so an update makes
again only the pages that read a changed triple, and all of them when the set of SDG pages changed (a goal's page
lists its targets' pages); the home and coverage pages also when the coverage matrices they show changed (their
digest is kept with the entities' outside digests, by the pages' readers).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import __version__
from .config import Config
from .errors import InputError
from .load import Role, Sources, display_path
from .plans import CoverageMatrix
from .query import Read
from .rdfterms import Term, nt_lines, pack, parse_lines, unpack
from .sealed import Damaged, seal, unseal
from .urls import BUILD_STATE
from .views import SiteView, Views
from .vocab import LABEL_PREDICATES

STATE = BUILD_STATE
# What an SDG page is called among the readers and in the files by reader (an IRI holds no space).
PAGE_READER = "page "
# The key, among the digests of what is shown from outside the graph, of the set of SDG pages.
SDG_PAGES = "(sdg pages)"
# Bumped whenever the layout below changes; a state of another version is ignored (a full build follows).
STATE_VERSION = 6


def page_reader(file: str) -> str:
    """A site page's name among the readers (`BuildState.readers`, `BuildState.files`)."""
    return PAGE_READER + file


def is_page_reader(reader: str) -> bool:
    """Whether a reader is a site page (`page_reader`) rather than an entity."""
    return reader.startswith(PAGE_READER)


def read_key(read: Read) -> str:
    """The stored form of a recorded read: "S" or "O", then the node in N-Triples."""
    return read[0] + str(read[1])


def digest(content: bytes) -> str:
    """A short digest of some bytes."""
    return hashlib.blake2b(content, digest_size=16).hexdigest()


@dataclass(frozen=True)
class GraphParts:
    """The site graph in parts: each data file's triples (with a key that changes when the file does) and the
    rest (derived triples, catalogue, VoID, ontology, reference, shapes)."""

    files: Mapping[str, tuple[str, Sequence[ox.Triple]]]
    rest: list[ox.Triple]


@dataclass
class Changes:
    """How the site graph differs from the last build's."""

    added: list[ox.Triple]
    removed: list[ox.Triple]
    # What to store for the next build: per data file (key, packed lines), and the packed rest.
    files: dict[str, tuple[str, bytes]]
    rest: bytes

    @property
    def count(self) -> int:
        """How many triples were added or removed."""
        return len(self.added) + len(self.removed)


# Readers added to a key by a list scan each (`BuildState.add_readers`) up to this many.
_SCANNED = 16


@dataclass
class BuildState:
    """What one build recorded (see the module's description)."""

    key: str
    fingerprint: str
    # Data file → (key, packed N-Triples lines); the rest of the site graph, packed.
    parts: dict[str, tuple[str, bytes]]
    rest: bytes
    # Entity IRI → the files it wrote, as (site path, size).
    files: dict[str, list[tuple[str, int]]]
    # The site's own files (dumps, catalogue, site pages, assets), as (site path, size, digest or "").
    own: list[tuple[str, int, str]] = field(default_factory=list)
    # Read key ("S<iri>", "O_:b0", …) → IRIs of the entities that read it.
    readers: dict[str, list[str]] = field(default_factory=dict)
    # Entity IRI → digest of what its page shows from outside the graph.
    outside: dict[str, str] = field(default_factory=dict)
    # Entity IRI → its row of the site search's index (path, JSON), made with what it read (`sitepages`).
    search: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def first(cls, key: str, fingerprint: str, parts: GraphParts) -> tuple[BuildState, Changes]:
        """The state of a full build (everything is made, so the changes themselves are not listed)."""
        stored = {path: (k, pack(nt_lines(triples))) for path, (k, triples) in parts.files.items()}
        return cls(key, fingerprint, {}, b"", {}), Changes([], [], stored, pack(nt_lines(parts.rest)))

    def changes(self, parts: GraphParts) -> Changes:
        """The triples added and removed since this state's graph; files whose key is unchanged are skipped."""
        added: set[bytes] = set()
        removed: set[bytes] = set()
        stored: dict[str, tuple[str, bytes]] = {}
        for path, (key, triples) in parts.files.items():
            old = self.parts.get(path)
            if old is not None and old[0] == key:
                stored[path] = old
                continue
            lines = nt_lines(triples)
            stored[path] = (key, pack(lines))
            before = unpack(old[1]) if old is not None else set()
            added |= lines - before
            removed |= before - lines
        for path in self.parts.keys() - parts.files.keys():
            removed |= unpack(self.parts[path][1])
        rest = nt_lines(parts.rest)
        before = unpack(self.rest) if self.rest else set()
        added |= rest - before
        removed |= before - rest
        # A triple that moved between parts did not change.
        return Changes(parse_lines(added - removed), parse_lines(removed - added), stored, pack(rest))

    def add_readers(self, readers: Mapping[str, Iterable[str]]) -> None:
        """Merge recorded reads (a superset of the true readers only costs re-rendering)."""
        for key, entities in readers.items():
            known = self.readers.get(key)
            if known is None:
                self.readers[key] = list(entities)
                continue
            # After an update most readers are known already (a list scan each, not a set and a sort of the list).
            listed = entities if isinstance(entities, list | tuple) else list(entities)
            new = [e for e in listed if e not in known] if len(listed) <= _SCANNED else listed
            if new:
                self.readers[key] = sorted(set(known).union(new))

    def changed_entities(
        self,
        changes: Changes,
        triples_about: Callable[[Term], int],
        entities: Iterable[str],
        outside: Mapping[str, str],
    ) -> set[str]:
        """The entities whose outputs the changes may touch.

        New entities, entities whose outside digest changed and every reader of a changed triple's subject (its
        outgoing triples, or its labels when the triple is one; its existence when it appeared or disappeared)
        and object (its incoming ones). `triples_about` counts a subject's triples in the new graph.
        """
        dirty: set[str] = set()
        touched: dict[Term, int] = {}
        for t in changes.added + changes.removed:
            subject = str(t.subject)
            dirty.update(self.readers.get("S" + subject, ()))
            if t.predicate in LABEL_PREDICATES:
                dirty.update(self.readers.get("L" + subject, ()))
            if not isinstance(t.object, ox.Literal):
                dirty.update(self.readers.get("O" + str(t.object), ()))
        for t in changes.added:
            touched[t.subject] = touched.get(t.subject, 0) + 1
        for t in changes.removed:
            touched.setdefault(t.subject, 0)
        for node, added in touched.items():
            # It appeared (all its triples are new) or disappeared (none left).
            now = triples_about(node)
            if now in (0, added):
                dirty.update(self.readers.get("E" + str(node), ()))
        for entity in entities:
            if entity not in self.files or self.outside.get(entity) != outside.get(entity):
                dirty.add(entity)
        return dirty

    # -- storage -------------------------------------------------------------------------------------------
    def _fields(self) -> Iterator[Any]:
        """The fields `dump` stores, in order, each made when it is asked for."""
        yield STATE_VERSION
        yield self.key
        yield self.fingerprint
        yield self.parts
        yield self.rest
        yield {k: [(p, s) for p, s in v] for k, v in self.files.items()}
        yield [(p, s, d) for p, s, d in self.own]
        yield self.readers
        yield self.outside
        yield self.search

    def dump(self) -> Iterator[bytes]:
        """The state as bytes, in pieces: its fields sealed one at a time (`sealed`: marshalled, with a head that
        finds a damaged byte when it is read), so the largest state is never held whole in memory (at 1000 plans
        it is 150 MB, its readers a third of it). Not compressed: at 1000 plans compressing it and unpacking it
        again took 1.4 s of every update, to save 110 MB of disk."""
        for value in self._fields():
            yield from seal(value)

    @classmethod
    def load(cls, out_dir: Path) -> BuildState | None:
        """The state the build in `out_dir` left, or None when there is none or it cannot be used."""
        try:
            raw = memoryview((out_dir / STATE).read_bytes())
            payload: list[Any] = []
            at = 0
            while at < len(raw) and len(payload) < 10:
                value, at = unseal(raw, at)
                payload.append(value)
        except (OSError, Damaged):
            return None
        if len(payload) != 10 or at != len(raw) or payload[0] != STATE_VERSION:
            return None
        _, key, fingerprint, parts, rest, files, own, readers, outside, search = payload
        shapes = ((key, str), (fingerprint, str), (parts, dict), (rest, bytes), (files, dict), (own, list))
        if not all(isinstance(value, kind) for value, kind in shapes) or not isinstance(readers, dict):
            return None
        if not isinstance(outside, dict) or any(not (isinstance(o, tuple) and len(o) == 3) for o in own):
            return None
        if not isinstance(search, dict):
            return None
        return cls(key, fingerprint, parts, rest, files, own, readers, outside, search)


# -- what a build reads ------------------------------------------------------------------------------------


def _fingerprint(
    config: Config, folders: list[tuple[Path, str]], extra: object = None, first: dict[str, str] | None = None
) -> str:
    """A digest of the settings, planlod's version, the libraries' versions and the files in `folders`;
    `first` receives a digest of each file of the first folder, by its path in the project."""
    digest = hashlib.sha256()
    settings = {
        k: (
            Path(v).relative_to(config.project_dir).as_posix()
            if k.endswith("_dir") and Path(v).is_relative_to(config.project_dir)
            else v
        )
        for k, v in config.settings.items()
        if k not in ("project_dir", "out_dir")
    }
    libraries = {name: metadata.version(name) for name in ("rdflib", "pyshacl", "pyoxigraph", "jinja2")}
    digest.update(json.dumps([__version__, libraries, settings, extra], sort_keys=True, default=repr).encode("utf-8"))
    for number, (folder, pattern) in enumerate(folders):
        for path in sorted(p for p in folder.glob(pattern) if p.is_file()):
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
            name = path.relative_to(folder).as_posix()  # a name that is not UTF-8 is hashed as its bytes
            digest.update(f"{number}:{name}:{len(content)}\n".encode("utf-8", "surrogateescape"))
            digest.update(content)
            if first is not None and number == 0:
                first[display_path(path, config.project_dir)] = hashlib.sha256(content).hexdigest()
    return digest.hexdigest()


def _code_folders(config: Config) -> list[tuple[Path, str]]:
    return [
        (config.ontology_dir, "**/*"),
        (config.shapes_dir, "*.*"),
        (config.site_dir, "**/*"),
        (Path(__file__).parent, "**/*.py"),
    ]


def input_fingerprint(config: Config, data_files: dict[str, str] | None = None) -> str:
    """A digest of everything a build reads: settings, data, ontology, shapes, site templates and assets, and
    planlod's own code. Two builds with the same fingerprint write the same bytes. `data_files` receives a
    digest of each data file."""
    return _fingerprint(config, [(config.data_dir, "**/*"), *_code_folders(config)], first=data_files)


def graph_parts(
    sources: Sources,
    data_files: dict[str, str],
    described: list[ox.Triple],
    data_count: int,
    aligned: tuple[Mapping[str, Sequence[ox.Triple]], str],
    derived: Sequence[ox.Triple],
) -> GraphParts:
    """The site graph in parts for the incremental build: the data files' triples, each with the triples in
    standard terms it gives (`aligned`: by file, and the key of the alignment they follow, see `dumps.dataset`),
    keyed by the digest of the file and that key (its blank node labels depend on its path only, see
    load.blank_prefixes); and the rest: what `described` holds after the data (it starts with site_data()'s
    `data_count` triples, see plan_catalogue), and the other triples derived from the data (`derived`: those no
    data file states, `dumps.SiteData.derived`)."""
    by_file, alignment_key = aligned
    files: dict[str, tuple[str, Sequence[ox.Triple]]] = {}
    for s in sources.files:
        if s.role is Role.DATA:
            key = data_files.get(s.path, "")
            files[s.path] = (f"{key} {alignment_key}" if key else "", [*s.triples, *by_file.get(s.path, ())])
    return GraphParts(files, [*described[data_count:], *derived])


def code_key(config: Config) -> str:
    """A digest of the settings, planlod's version and code and the libraries' versions: what the dumps' parts
    (`dumps.DumpPart`) are written by besides the data."""
    return _fingerprint(config, [(Path(__file__).parent, "**/*.py")])


def render_key(config: Config, site: SiteView, views: Views) -> str:
    """A digest of everything the pages and documents are made from except the data: when it is the same as the
    last build's, only the entities that read changed triples are made again. Besides settings and files, the
    site's frame and the property names and order the pages take from shapes (which data files may hold too)."""
    specs = sorted((cls, sorted((p, repr(spec)) for p, spec in props.items())) for cls, props in views.specs.items())
    return _fingerprint(config, _code_folders(config), [repr(site), repr(specs)])


def outside_digests(matrices: list[CoverageMatrix], schema_org: dict[str, str]) -> dict[str, str]:
    """Per entity, a digest of what its page shows that is not read from the site graph."""
    found = {m.plan: digest(repr(m).encode("utf-8")) for m in matrices}
    for entity, block in schema_org.items():
        found[entity] = digest((found.get(entity, "") + block).encode("utf-8"))
    return found


# -- watching the inputs -----------------------------------------------------------------------------------

Snapshot = dict[str, tuple[int, int]]


def input_snapshot(config: Config) -> Snapshot:
    """Every file a build reads (data, ontology, shapes, templates and assets, the project's settings), by its
    path in the project, with its size and modification time: cheap to take often, unlike the fingerprint."""
    found: Snapshot = {}
    folders = [(config.data_dir, "**/*"), *_code_folders(config)[:-1]]
    files = [path for folder, pattern in folders for path in folder.glob(pattern)]
    files.append(config.project_dir / "pyproject.toml")
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue
        if path.is_file():
            found[display_path(path, config.project_dir)] = (info.st_size, info.st_mtime_ns)
    return found


def changed_inputs(before: Snapshot, after: Snapshot) -> list[str]:
    """The files added, changed or removed between two snapshots, each marked '+', '~' or '-'."""
    changed = [f"+{path}" for path in after.keys() - before.keys()]
    changed += [f"-{path}" for path in before.keys() - after.keys()]
    changed += [f"~{path}" for path in before.keys() & after.keys() if before[path] != after[path]]
    return sorted(changed, key=lambda item: (item[1:], item[0]))
