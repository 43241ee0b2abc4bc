"""Read the project's RDF files: data, ontology, reference vocabularies and shapes.

Stage: load. Imports `config`, `errors`, `formats`, `rdfterms`, `urls` and `vocab`; parses with pyoxigraph.
Relative IRIs in every file resolve against the configured base IRI. Blank nodes get deterministic labels
(file number and order of appearance) so that two loads of the same input are identical.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pyoxigraph as ox

from .config import Config
from .errors import InputError, SyntaxProblem
from .formats import INPUT_FORMATS
from .rdfterms import Subject, Term
from .urls import UrlPolicy
from .vocab import SH_NAMESPACE, VANN_PREFERRED_NAMESPACE_URI, XSD_ANY_URI

# Properties whose value is an IRI written as text (xsd:anyURI): a relative one resolves against the base IRI.
RELATIVE_TEXT_IRIS = frozenset({SH_NAMESPACE, VANN_PREFERRED_NAMESPACE_URI})

# The readers of the input files, by their suffix.
FORMATS_BY_SUFFIX = {fmt.extension: fmt.rdf_format for fmt in INPUT_FORMATS}


class Role(Enum):
    """What a file contributes to the site."""

    DATA = "data"
    ONTOLOGY = "ontology"
    REFERENCE = "reference"
    SHAPES = "shapes"


@dataclass(frozen=True)
class SourceFile:
    """One parsed file: its path relative to the project, its role and its triples in file order; `key`, a digest
    of what the triples are made from (the file's bytes, its blank node labels' prefix, the base IRI): two
    parses with the same key give the same triples ("" when not known, as for files made in memory)."""

    path: str
    role: Role
    triples: tuple[ox.Triple, ...]
    key: str = ""


@dataclass(frozen=True)
class Sources:
    """Every parsed input file, in a fixed order (role, then path)."""

    files: tuple[SourceFile, ...]
    # The project folder the files' paths are relative to (None when the sources were made in memory).
    project_dir: Path | None = None

    def triples(self, *roles: Role) -> Iterator[ox.Triple]:
        """The triples of the files with the given roles."""
        for source in self.files:
            if source.role in roles:
                yield from source.triples

    def subject_files(self, *roles: Role) -> dict[Subject, str]:
        """For each subject, the first file (of the given roles) that describes it."""
        found: dict[Subject, str] = {}
        for source in self.files:
            if source.role in roles:
                for triple in source.triples:
                    found.setdefault(triple.subject, source.path)
        return found


def display_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _position(exc: SyntaxError) -> tuple[int | None, int | None, str]:
    """Line, column and the parser's message without its own position prefix."""
    message = exc.msg or str(exc)
    if ": " in message and message.startswith("Parser error"):
        message = message.split(": ", 1)[1]
    return exc.lineno, exc.offset, message


def _relabel(term: Term, labels: dict[str, ox.BlankNode], prefix: str) -> Term:
    if isinstance(term, ox.BlankNode):
        label = labels.get(term.value)
        if label is None:
            label = labels[term.value] = ox.BlankNode(f"{prefix}b{len(labels)}")
        return label
    return term


def blank_prefixes(paths: list[str]) -> list[str]:
    """The prefix of each file's blank node labels: from its path, so that adding or removing another file does
    not relabel this one's blank nodes (and an incremental build sees no change there); a position is added only
    to paths whose digests collide."""
    prefixes = ["f" + hashlib.blake2b(p.encode("utf-8"), digest_size=5).hexdigest() for p in paths]
    seen = Counter(prefixes)
    return [f"{x}n{i}" if seen[x] > 1 else x for i, x in enumerate(prefixes)]


def parse_file(path: Path, root: Path, role: Role, base_iri: str, prefix: str) -> SourceFile:
    """Parse one Turtle or N-Triples file, raising SyntaxProblem with its line and column."""
    shown = display_path(path, root)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from exc
    # A byte order mark (which some editors on Windows write) is not part of the Turtle.
    content = content.removeprefix(b"\xef\xbb\xbf")
    try:
        quads = list(ox.parse(content, FORMATS_BY_SUFFIX[path.suffix], base_iri=base_iri))
    except SyntaxError as exc:
        line, column, message = _position(exc)
        raise SyntaxProblem(shown, line, column, message) from exc
    labels: dict[str, ox.BlankNode] = {}
    triples: list[ox.Triple] = []
    append, blank, literal, named = triples.append, ox.BlankNode, ox.Literal, ox.NamedNode
    for quad in quads:
        subject, predicate, obj = quad.subject, quad.predicate, quad.object
        # Most triples have an IRI subject and an IRI or literal object: the quad's own triple, as read.
        kind, object_kind = type(subject), type(obj)
        if kind is named and (object_kind is named or object_kind is literal) and predicate not in RELATIVE_TEXT_IRIS:
            append(quad.triple)
            continue
        if kind is ox.Triple or object_kind is ox.Triple:
            raise SyntaxProblem(shown, None, None, "RDF-star (a triple used as a term) is not supported: " + str(quad))
        if kind is blank:
            subject = _relabel(subject, labels, prefix)
        if object_kind is blank:
            obj = _relabel(obj, labels, prefix)
        if predicate in RELATIVE_TEXT_IRIS and object_kind is literal and "://" not in obj.value:
            # A relative namespace (SHACL-SPARQL's, the ontology's preferred one) resolves against the base like any
            # relative IRI.
            obj = ox.Literal(UrlPolicy(base_iri).iri(obj.value), datatype=XSD_ANY_URI)
        append(ox.Triple(subject, predicate, obj))
    made_from = b"\0".join((content, prefix.encode("utf-8"), base_iri.encode("utf-8")))
    return SourceFile(shown, role, tuple(triples), hashlib.blake2b(made_from, digest_size=16).hexdigest())


def shown_name(path: Path, root: Path) -> str:
    """A path for messages: relative to the project, and readable even when the name is not UTF-8."""
    text = display_path(path, root)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _entry_problem(path: Path) -> str | None:
    """Why a folder entry that looks like an RDF file cannot be read as one, or None."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "a symbolic link to nothing (its target is missing)" if path.is_symlink() else "it vanished"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link that leads back to itself"
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISDIR(info.st_mode):
        return "a folder named like an RDF file"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a pipe, socket or device), which planlod does not read"
    return None


def rdf_files(folder: Path, recursive: bool, root: Path | None = None) -> list[Path]:
    """The Turtle and N-Triples files in a folder, sorted by path. Anything named like one that cannot be read as
    one (a broken or looping symbolic link, a pipe, a folder, `.TTL` in capitals, a name that is not UTF-8) is an
    InputError naming it: never skipped without a word. Folders reached twice through symbolic links are read
    once."""
    root = root or folder
    found: list[Path] = []
    seen: set[str] = set()
    for current, dirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(current)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs.sort()
        if not recursive:
            dirs[:] = []
        for name in sorted(files + [d for d in dirs if Path(d).suffix.lower() in FORMATS_BY_SUFFIX]):
            path = Path(current, name)
            suffix = path.suffix
            if suffix.lower() not in FORMATS_BY_SUFFIX:
                continue
            shown = shown_name(path, root)
            if suffix not in FORMATS_BY_SUFFIX:
                raise InputError(
                    f"{shown}: planlod reads files named .ttl or .nt (in small letters); rename it to "
                    f"{path.stem}{suffix.lower()} so that it is read"
                )
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(f"{shown}: the file name is not UTF-8; rename it") from None
            problem = _entry_problem(path)
            if problem:
                raise InputError(f"{shown}: {problem}")
            found.append(path)
    return sorted(found)


def _require_folder(folder: Path, what: str, root: Path) -> None:
    if not folder.is_dir():
        raise InputError(f"{display_path(folder, root)}: the {what} folder does not exist")


def plan_inputs(config: Config) -> list[tuple[Path, Role]]:
    """Every input file with its role, checking that the folders exist and hold RDF."""
    root = config.project_dir
    _require_folder(config.data_dir, "data", root)
    _require_folder(config.ontology_dir, "ontology", root)
    _require_folder(config.shapes_dir, "shapes", root)
    data = rdf_files(config.data_dir, recursive=True, root=root)
    if not data:
        raise InputError(
            f"{display_path(config.data_dir, root)}: the data folder holds no .ttl or .nt files; "
            "put the plan's Turtle files there"
        )
    ontology = rdf_files(config.ontology_dir, recursive=False, root=root)
    reference_dir = config.ontology_dir / "reference"
    reference = rdf_files(reference_dir, recursive=False, root=root) if reference_dir.is_dir() else []
    shapes = rdf_files(config.shapes_dir, recursive=False, root=root)
    if not ontology:
        raise InputError(f"{display_path(config.ontology_dir, root)}: no ontology (.ttl) file found")
    if not shapes:
        raise InputError(f"{display_path(config.shapes_dir, root)}: no shapes (.ttl) file found")
    planned: list[tuple[Path, Role]] = []
    planned += [(p, Role.DATA) for p in data]
    planned += [(p, Role.ONTOLOGY) for p in ontology]
    planned += [(p, Role.REFERENCE) for p in reference]
    planned += [(p, Role.SHAPES) for p in shapes]
    return planned


SH_NODE_SHAPE = ox.NamedNode("http://www.w3.org/ns/shacl#NodeShape")
SH_PROPERTY_SHAPE = ox.NamedNode("http://www.w3.org/ns/shacl#PropertyShape")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def check_roles(files: Iterable[SourceFile], config: Config) -> None:
    """Refuse inputs that would make a check check nothing: an empty shapes or ontology file (a file that was
    emptied by mistake would turn its rules off), or shapes files that hold no shape at all."""
    shapes = [f for f in files if f.role is Role.SHAPES]
    for source in files:
        if source.role in (Role.SHAPES, Role.ONTOLOGY) and not source.triples:
            raise InputError(
                f"{source.path}: the {source.role.value} file holds no triples; "
                "an empty file would turn its rules off (remove the file, or restore its content)"
            )
    has_shape = any(
        t.predicate == RDF_TYPE and t.object in (SH_NODE_SHAPE, SH_PROPERTY_SHAPE) for f in shapes for t in f.triples
    )
    if shapes and not has_shape:
        raise InputError(
            f"{display_path(config.shapes_dir, config.project_dir)}: the shapes files hold no shape "
            "(sh:NodeShape or sh:PropertyShape), so validation would check nothing"
        )


# Files parsed before, for a process that builds again after edits: (path, role, base IRI, blank node prefix) →
# (the file's digest, what it parsed to).
Parsed = dict[tuple[str, Role, str, str], tuple[str, SourceFile]]


def load_sources(
    config: Config, inputs: Iterable[tuple[Path, Role]] | None = None, parsed: Parsed | None = None
) -> Sources:
    """Parse every input file; the first unparsable file stops the load. With `parsed` (kept by the caller from
    load to load), a file whose bytes are those parsed before is not parsed again, and `parsed` is kept to the
    files of this load."""
    planned = plan_inputs(config) if inputs is None else list(inputs)
    prefixes = blank_prefixes([display_path(path, config.project_dir) for path, _ in planned])
    if parsed is None:
        files = tuple(
            parse_file(path, config.project_dir, role, config.base_iri, prefix)
            for prefix, (path, role) in zip(prefixes, planned, strict=True)
        )
    else:
        files = _parse_changed(config, planned, prefixes, parsed)
    if not any(f.triples for f in files if f.role is Role.DATA):
        raise InputError(
            f"{display_path(config.data_dir, config.project_dir)}: the data files hold no triples; "
            "the plan's data is empty"
        )
    check_roles(files, config)
    return Sources(files, config.project_dir)


def _parse_changed(
    config: Config, planned: list[tuple[Path, Role]], prefixes: list[str], parsed: Parsed
) -> tuple[SourceFile, ...]:
    found: list[SourceFile] = []
    kept: Parsed = {}
    for prefix, (path, role) in zip(prefixes, planned, strict=True):
        key = (display_path(path, config.project_dir), role, config.base_iri, prefix)
        try:
            content_digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        except OSError:
            content_digest = ""  # parse_file says what is wrong
        known = parsed.get(key)
        if known is not None and known[0] == content_digest and content_digest:
            source = known[1]
        else:
            source = parse_file(path, config.project_dir, role, config.base_iri, prefix)
        kept[key] = (content_digest, source)
        found.append(source)
    parsed.clear()
    parsed.update(kept)
    return tuple(found)
