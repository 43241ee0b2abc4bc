"""The dumps and exports of the dataset: what the site offers for download, as a table of data.

Stage: build. Imports `catalog` (its Distribution), `collector`, `config`, `errors`, `exports`, `formats`, `load`,
`model`, `plans`, `progress`, `query`, `serialize`, `siteplan`, `urls` and `vocab`.
`dumps()` lists each download once (key, path, format, titles, gzipped or not); `DumpInputs` makes each one.
The dumps of the whole dataset (Turtle, N-Triples, JSON-LD, and TriG's default graph) are assembled from parts
(`DumpPart`): one per data file, in the order of the files' paths, holding the triples that file states and the
triples in standard terms they give (`model.aligned_triples`) that no earlier part holds, in `triple_key` order;
then the other triples derived from the data (accepted links as dct:subject, SSSOM mappings). A part is written
(and gzipped: gzip members concatenate) once and kept by its key, which changes when the file (or the ontology's
alignment) does, so a build after an edit writes again only the edited file's part and the small derived one;
`.planlod-dumps` keeps the parts for the next build. A part keeps only its gzip members, and the dumps are planned
piece by piece, each piece unpacked as it is written (into the build's spool: `SitePlan.add_pieces`), so no dump
is held whole in memory. The other files are made whole from the data, and hashed (and gzipped) on two other
threads while the next is being made.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from .catalog import SDG_KOS_KEY, Distribution
from .collector import paused_gc
from .config import Config
from .errors import BuildError
from .exports import coverage_csv, sdg_links_csv, sdg_links_sssom
from .formats import CSV, GZIP, JSONLD, NTRIPLES, TRIG, TSV, TURTLE, Format
from .load import Role, Sources
from .model import aligned_triples, alignment, derived_triples, link_fields, sdg_kos, sssom_triples, vocabulary
from .plans import CoverageMatrix, DataIndex, coverage_matrix
from .progress import QUIET, Progress
from .query import triple_key
from .serialize import (
    Prefixes,
    json_text,
    jsonld_flat,
    jsonld_flat_scan,
    sorted_ntriples,
    sorted_turtle,
    trig,
    turtle,
    used_prefixes,
)
from .siteplan import SitePlan
from .urls import (
    DUMP_PARTS,
    UrlPolicy,
    compressed,
    coverage_csv_file,
    dump,
    ontology_dump,
    sdg_kos_dump,
    sdg_links_csv_file,
    sdg_links_sssom_file,
    shapes_dump,
)
from .vocab import DCT_MODIFIED, PROV_WAS_DERIVED_FROM, XSD_DATE

# zlib's default level: within 2 % of the smallest output (level 9) on the dumps, in about two thirds of the time.
GZIP_LEVEL = 6


def gzip_bytes(content: bytes) -> bytes:
    """Gzip with no timestamp or file name, so the same input gives the same bytes."""
    return gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)


DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def latest_date(triples: list[ox.Triple]) -> str:
    """The latest xsd:date in the data: the site's 'last modified' (deterministic, unlike the clock)."""
    dates = [
        t.object.value
        for t in triples
        if isinstance(t.object, ox.Literal) and t.object.datatype == XSD_DATE and DATE.match(t.object.value)
    ]
    return max(dates) if dates else "1970-01-01"


@dataclass
class SiteData:
    """The dataset (`site_data`) and, per data file, the triples in standard terms its own statements give
    (`model.aligned_triples`), with a key that changes when the ontology's alignment does: an update compares
    them with the file they come from (`incremental.graph_parts`), not with the whole dataset."""

    triples: list[ox.Triple]
    aligned: dict[str, list[ox.Triple]]
    alignment_key: str
    # The triples derived from the data that no data file states (nor gives in standard terms), in first-seen
    # order: the last of `triples`.
    derived: list[ox.Triple]


def dataset(sources: Sources, policy: UrlPolicy) -> SiteData:
    """The dataset: the data files' triples and the triples derived from them (the standard terms of the
    ontology's alignment, accepted links as dct:subject, decided links as SSSOM mappings), each once, in a fixed
    order: the files' triples as read (the files in their paths' order), then the derived ones. Not sorted: what
    needs an order (a dump's part, a document) sorts its own triples, and sorting the whole dataset cost more than
    all of them together."""
    own = list(sources.triples(Role.DATA))
    vocab = vocabulary(policy)
    with paused_gc():
        aligned = alignment(sources.triples(Role.ONTOLOGY), vocab)
        by_file = {s.path: aligned_triples(s.triples, aligned) for s in sources.files if s.role is Role.DATA}
        links = link_fields(own, vocab)
        derived = derived_triples(links, vocab) + sssom_triples(links, vocab)
        unique = dict.fromkeys(chain(own, *by_file.values()))
        stated = len(unique)
        unique.update(dict.fromkeys(derived))  # a triple stated already keeps its place
        triples = list(unique)
    ancestors = [
        f"{kind} {term.value} {' '.join(sorted(a.value for a in above))}"
        for kind, mapping in zip("PC", aligned, strict=True)
        for term, above in mapping.items()
    ]
    return SiteData(triples, by_file, part_key(*sorted(ancestors)), triples[stated:])


def site_data(sources: Sources, policy: UrlPolicy) -> list[ox.Triple]:
    """The dataset (`dataset`): the data files' triples and the triples derived from them, each once, unsorted."""
    return dataset(sources, policy).triples


def _term_text_key(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """`query.term_key` as one string: the kind's digit, then the text."""
    if isinstance(term, ox.NamedNode):
        return "0" + term.value
    if isinstance(term, ox.BlankNode):
        return "1" + term.value
    return "2" + str(term)


def _triple_text_key(triple: ox.Triple) -> str:
    """A string that sorts as `query.triple_key` does: the terms' keys joined by NUL, which no IRI or blank node
    label holds and a literal's text escapes (so a key that is a prefix of another sorts first, as in a tuple).
    Strings are cheaper to make and compare than nested tuples, and the collector does not track them."""
    subject, predicate, obj = triple
    return _term_text_key(subject) + "\0" + _term_text_key(predicate) + "\0" + _term_text_key(obj)


def provenance_triples(policy: UrlPolicy, data: list[ox.Triple], modified: str) -> list[ox.Triple]:
    """The dump's provenance graph: what the dataset derives from, when it last changed (`modified`: the data's
    `latest_date`), what made it."""
    dataset = ox.NamedNode(policy.dataset)
    derived_from = sorted(
        {t.object for t in data if t.predicate == PROV_WAS_DERIVED_FROM and isinstance(t.object, ox.NamedNode)},
        key=lambda n: n.value,
    )
    return [ox.Triple(dataset, PROV_WAS_DERIVED_FROM, s) for s in derived_from] + [
        ox.Triple(dataset, DCT_MODIFIED, ox.Literal(modified, datatype=XSD_DATE)),
    ]


# The dumps of the whole dataset that are assembled from parts, in the order of a part's pieces.
PART_DUMPS = ("turtle", "ntriples", "jsonld")
TURTLE_PIECE, NTRIPLES_PIECE, JSONLD_PIECE = range(len(PART_DUMPS))
# The name of the part of the triples derived from the data, which follows the data files' parts.
DERIVED_PART = "(derived)"
# Bumped whenever what a part holds or how it is written changes: stored parts of another version are not used.
PARTS_VERSION = 2
_JSONLD_START, _JSONLD_GRAPH, _JSONLD_END = b'{"@context":', b',"@graph":[', b"]}\n"


_ANY = ox.NamedNode("urn:x")


def _lines(document: bytes, count: int) -> int:
    """Where the document's first `count` lines end."""
    end = 0
    for _ in range(count):
        end = document.index(b"\n", end) + 1
    return end


def turtle_prefix_lines(used: Mapping[str, str]) -> bytes:
    """The @prefix lines pyoxigraph's Turtle and TriG writers put first (one per prefix, in the writer's order)."""
    document = sorted_turtle([ox.Triple(_ANY, _ANY, _ANY)], dict(used))
    return document[: _lines(document, len(used))]


def _jsonld_head(context: Mapping[str, str]) -> bytes:
    """A flat JSON-LD document's text up to its first node (`serialize.jsonld_flat`)."""
    return _JSONLD_START + json_text(dict(sorted(context.items()))).rstrip("\n").encode("utf-8") + _JSONLD_GRAPH


@dataclass
class DumpPart:
    """One data file's share of the dataset's dumps, or the derived triples': its triples (in `triple_key` order)
    as a piece of each of `PART_DUMPS` (Turtle and JSON-LD without their prefixes and context), each also gzipped
    as one gzip member; the prefixes those pieces use and the schemes of the triples' IRIs. `key` changes with
    what the part is made from."""

    key: str
    triples: int
    turtle_prefixes: dict[str, str]
    jsonld_prefixes: dict[str, str]
    schemes: list[str]
    packed: list[bytes]

    @classmethod
    def make(cls, key: str, triples: Sequence[ox.Triple], prefixes: Prefixes) -> DumpPart:
        """The part holding `triples`, which are in `triple_key` order."""
        document, used, schemes = jsonld_flat_scan(triples, prefixes, presorted=True)
        graph = document.index(_JSONLD_GRAPH)
        context = json.loads(document[len(_JSONLD_START) : graph])
        ttl = sorted_turtle(triples, used) if triples else b""
        body = ttl[_lines(ttl, len(used)) :] if triples else b""
        pieces = [body, sorted_ntriples(triples), document[graph + len(_JSONLD_GRAPH) : -len(_JSONLD_END)]]
        packed = [gzip_bytes(piece) for piece in pieces]
        return cls(key, len(triples), used, context, sorted(schemes), packed)

    def piece(self, number: int) -> bytes:
        """The piece of the dump `PART_DUMPS[number]`, unpacked when it is asked for (a part keeps only its gzip
        members: a dump is written piece by piece, so no process holds the whole dataset's dumps at once)."""
        try:
            return gzip.decompress(self.packed[number])
        except (OSError, EOFError, zlib.error) as exc:
            raise BuildError(
                f"a stored part of the dumps ({self.key or 'derived'}) cannot be unpacked ({exc}); "
                "build again with --force"
            ) from exc

    def stored(self) -> tuple[object, ...]:
        """The part as plain data (see `store_parts`)."""
        return (self.key, self.triples, self.turtle_prefixes, self.jsonld_prefixes, self.schemes, self.packed)


def part_key(*made_from: str | bytes) -> str:
    """The key of a part made from these."""
    digest = hashlib.blake2b(digest_size=16)
    for item in made_from:
        data = item.encode("utf-8") if isinstance(item, str) else item
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def dataset_parts(
    sources: Sources,
    data_files: Mapping[str, str],
    data: SiteData,
    prefixes: Prefixes,
    key: str,
    known: Mapping[str, DumpPart],
) -> dict[str, DumpPart]:
    """The parts of the dataset's dumps, in order: per data file (by its path, in the sources' order), the triples
    it states and the triples in standard terms they give (`SiteData.aligned`) that no earlier part holds; then
    the other triples derived from the data (`data` is `dataset`'s). A part in `known` (by the same name) whose
    key is still the same is reused. The key of a file's part is made from `key` (what the dumps are written by),
    the file's path and digest (`data_files`), the alignment's key, and the triples it repeats from earlier parts;
    the derived part's from its N-Triples."""
    parts: dict[str, DumpPart] = {}
    stated: set[ox.Triple] = set()
    for source in sources.files:
        if source.role is not Role.DATA:
            continue
        triples = [*source.triples, *data.aligned.get(source.path, ())]
        repeated = {t for t in triples if t in stated}
        found = known.get(source.path)
        this_key = ""
        if source.path in data_files:
            said = sorted_ntriples(sorted(repeated, key=_triple_text_key)) if repeated else b""
            this_key = part_key(key, source.path, data_files[source.path], data.alignment_key, said)
        if found is None or not this_key or found.key != this_key:
            own = sorted(set(triples).difference(repeated), key=_triple_text_key)
            found = DumpPart.make(this_key, own, prefixes)
        parts[source.path] = found
        stated.update(triples)
    derived = sorted(data.derived, key=_triple_text_key)
    derived_key = part_key(key, DERIVED_PART, sorted_ntriples(derived))
    found = known.get(DERIVED_PART)
    parts[DERIVED_PART] = (
        found if found is not None and found.key == derived_key else (DumpPart.make(derived_key, derived, prefixes))
    )
    return parts


def store_parts(key: str, parts: Mapping[str, DumpPart]) -> bytes:
    """The parts as bytes for `.planlod-dumps`: a line of JSON (the version, `key`, the digest of the members, and
    per part its name, key, triple count, prefixes, context, schemes and the sizes of its gzip members), then the
    members. Plain data only, nothing that runs code when read, and the same parts give the same bytes."""
    listed = [
        [name, p.key, p.triples, p.turtle_prefixes, p.jsonld_prefixes, p.schemes, [len(m) for m in p.packed]]
        for name, p in parts.items()
    ]
    members = b"".join(member for part in parts.values() for member in part.packed)
    digest = hashlib.blake2b(members, digest_size=16).hexdigest()
    head = json.dumps([PARTS_VERSION, key, digest, listed], ensure_ascii=True, separators=(",", ":"))
    return head.encode("ascii") + b"\n" + members


def stored_parts(out_dir: Path, key: str) -> dict[str, DumpPart]:
    """The parts the build in `out_dir` stored, when they were written by the same `key`; else none."""
    try:
        content = (out_dir / DUMP_PARTS).read_bytes()
        end = content.index(b"\n")
        version, stored_key, digest, listed = json.loads(content[:end])
    except (OSError, ValueError, TypeError):
        return {}
    if version != PARTS_VERSION or stored_key != key or not isinstance(listed, list):
        return {}
    # The members are unpacked only when a dump is written: a damaged record is told by their digest.
    if hashlib.blake2b(memoryview(content)[end + 1 :], digest_size=16).hexdigest() != digest:
        return {}
    found: dict[str, DumpPart] = {}
    at = end + 1
    try:
        for name, this_key, count, turtle_used, context, schemes, sizes in listed:
            kinds = ((name, str), (this_key, str), (count, int), (turtle_used, dict), (context, dict), (schemes, list))
            if not all(isinstance(value, kind) for value, kind in kinds) or len(sizes) != len(PART_DUMPS):
                return {}
            packed = []
            for size in sizes:
                packed.append(content[at : at + size])
                at += size
            found[name] = DumpPart(this_key, count, turtle_used, context, schemes, packed)
    except (ValueError, TypeError):  # a record of another shape: the parts are made again
        return {}
    return found if at == len(content) else {}


Pieces = Callable[[], Iterable[bytes]]


@dataclass(frozen=True)
class Assembled:
    """A dump assembled from parts: its bytes, and its gzipped bytes, each given piece by piece (a new iterator
    on every call, unpacking or reading each part's piece only when it comes)."""

    pieces: Pieces
    packed_pieces: Pieces

    @property
    def content(self) -> bytes:
        """The whole dump (for small datasets and tests: the build writes the pieces one by one)."""
        return b"".join(self.pieces())

    @property
    def packed(self) -> bytes:
        """The whole gzipped dump."""
        return b"".join(self.packed_pieces())


_COMMA = gzip_bytes(b",")


def assemble(parts: Sequence[DumpPart], prefixes: Prefixes) -> dict[str, Assembled]:
    """The Turtle, N-Triples and JSON-LD dumps: the parts' pieces one after the other, behind the prefixes (or
    the context) they use together; their gzipped copies from the parts' gzip members the same way. JSON-LD is left
    out when a prefix one part uses is an IRI scheme in another (the whole document is then written in one go)."""
    parts = [part for part in parts if part.triples]
    names = {name for part in parts for name in part.turtle_prefixes}
    used = {prefix: namespace for prefix, namespace in prefixes if prefix in names}
    head = turtle_prefix_lines(used)
    made = {
        "turtle": Assembled(
            lambda: chain([head], (p.piece(TURTLE_PIECE) for p in parts)),
            lambda: chain([gzip_bytes(head)], (p.packed[TURTLE_PIECE] for p in parts)),
        ),
        "ntriples": Assembled(
            lambda: (p.piece(NTRIPLES_PIECE) for p in parts), lambda: (p.packed[NTRIPLES_PIECE] for p in parts)
        ),
    }
    context = {prefix: ns for part in parts for prefix, ns in part.jsonld_prefixes.items()}
    schemes = {scheme for part in parts for scheme in part.schemes}
    if not schemes.intersection(context):
        start = _jsonld_head(context)
        made["jsonld"] = Assembled(
            lambda: chain([start], _between(b",", (p.piece(JSONLD_PIECE) for p in parts)), [_JSONLD_END]),
            lambda: chain(
                [gzip_bytes(start)],
                _between(_COMMA, (p.packed[JSONLD_PIECE] for p in parts)),
                [gzip_bytes(_JSONLD_END)],
            ),
        )
    return made


def _between(separator: bytes, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The pieces with `separator` between each two."""
    for number, piece in enumerate(pieces):
        if number:
            yield separator
        yield piece


@dataclass(frozen=True)
class Dump:
    """One download of the site: a dump of the dataset, a vocabulary, or an export for researchers."""

    key: str  # the distribution's key in the catalogue (its IRI ends with it)
    path: str
    fmt: Format
    title_da: str
    title_en: str
    # Published gzipped too (as `{path}.gz`): the dumps of the whole dataset.
    gzipped: bool = False

    def distribution(self, sha256: str, size: int) -> Distribution:
        """The file as the catalogue lists it."""
        fmt = self.fmt
        return Distribution(
            self.key, self.path, fmt.media_type, fmt.eu_file_type, sha256, size, self.title_da, self.title_en
        )

    def gzipped_distribution(self, sha256: str, size: int) -> Distribution:
        """Its gzipped copy as the catalogue lists it."""
        return Distribution(
            f"{self.key}-gz",
            compressed(self.path, GZIP),
            GZIP.media_type,
            self.fmt.eu_file_type,
            sha256,
            size,
            self.title_da + " (gzip)",
            self.title_en + " (gzip)",
        )


def dumps() -> tuple[Dump, ...]:
    """Every download, in the order they are written. `DumpInputs.made` makes each one by its key."""
    return (
        Dump("turtle", dump(TURTLE), TURTLE, "Hele datasættet som Turtle", "The whole dataset as Turtle", True),
        Dump(
            "ntriples",
            dump(NTRIPLES),
            NTRIPLES,
            "Hele datasættet som N-Triples",
            "The whole dataset as N-Triples",
            True,
        ),
        Dump("jsonld", dump(JSONLD), JSONLD, "Hele datasættet som JSON-LD", "The whole dataset as JSON-LD", True),
        Dump(
            "trig",
            dump(TRIG),
            TRIG,
            "Hele datasættet som TriG med en proveniensgraf og FN's verdensmål (UN SDG KOS) som navngivne grafer",
            "The whole dataset as TriG with a provenance graph and the UN SDG KOS as named graphs",
            True,
        ),
        Dump(
            SDG_KOS_KEY,
            sdg_kos_dump(),
            NTRIPLES,
            "FN's verdensmål, delmål og indikatorer (UN SDG KOS), som datasættet linker til, som N-Triples",
            "The UN SDG goals, targets and indicators (UN SDG KOS) the dataset links to, as N-Triples",
        ),
        Dump("ontology", ontology_dump(), TURTLE, "Ontologien som Turtle", "The ontology as Turtle"),
        Dump("shapes", shapes_dump(), TURTLE, "SHACL-formreglerne som Turtle", "The SHACL shapes as Turtle"),
        Dump("sdg-csv", sdg_links_csv_file(), CSV, "Verdensmålskoblinger som CSV", "SDG links as CSV"),
        Dump("sssom", sdg_links_sssom_file(), TSV, "Verdensmålskoblinger som SSSOM", "SDG links as SSSOM"),
        Dump("coverage-csv", coverage_csv_file(), CSV, "Verdensmålsdækning som CSV", "SDG coverage as CSV"),
    )


@dataclass(frozen=True)
class Exports:
    """The researchers' exports (the SDG links as CSV and SSSOM, the coverage as CSV), by their keys in `dumps()`,
    and the coverage matrices the pages show too: what the build reads from the data's index beside the dumps
    (`make_exports`: plain data, handed back from the process that made it)."""

    files: dict[str, bytes]
    matrices: list[CoverageMatrix]


def make_exports(config: Config, policy: UrlPolicy, index: DataIndex) -> Exports:
    """The exports and the coverage matrices, from the index of the data (with the ontology and references)."""
    matrices = coverage_matrix(index, policy)
    files = {
        "sdg-csv": sdg_links_csv(index, policy),
        "sssom": sdg_links_sssom(index, policy, config),
        "coverage-csv": coverage_csv(matrices),
    }
    return Exports(files, matrices)


class DumpInputs:
    """What the downloads are made from: the dataset (`site_data`, unsorted, and its latest date) and its dumps'
    parts, the ontology, the shapes, and the exports (`exported`: called when the first export is written, as it
    may wait for them); `made` gives a download by its key: its bytes, or when it is assembled from parts, its
    pieces and its gzipped pieces."""

    def __init__(
        self,
        config: Config,
        policy: UrlPolicy,
        sources: Sources,
        data: tuple[list[ox.Triple], str],
        exported: Callable[[], Exports],
        parts: Mapping[str, DumpPart],
    ) -> None:
        self.config, self.policy, self.sources = config, policy, sources
        (self.data, self.modified), self.exported = data, exported
        self.prefixes = policy.prefixes()
        self.parts = [part for part in parts.values() if part.triples]
        self.assembled = assemble(self.parts, self.prefixes)

    def made(self, key: str) -> bytes | Assembled:
        """The download with this key: its bytes, or the pieces it is assembled from."""
        return _MAKERS[key](self)

    @cached_property
    def kos(self) -> list[ox.Triple]:
        """The copy of the UN SDG KOS the dataset links to (its own graph in the TriG dump), in `triple_key` order."""
        return sorted(sdg_kos(self.sources.triples(Role.REFERENCE)), key=triple_key)

    def jsonld(self) -> bytes | Assembled:
        """The JSON-LD dump: from the parts, unless they cannot share one context (see `assemble`)."""
        if "jsonld" not in self.assembled:
            return jsonld_flat(sorted(self.data, key=_triple_text_key), self.prefixes, presorted=True)
        return self.assembled["jsonld"]

    def trig(self) -> bytes | Assembled:
        """The TriG dump: the dataset as the default graph (the Turtle dump's pieces), its provenance and the UN
        SDG KOS as named graphs (written here, after the same prefix lines); its gzipped copy from the Turtle
        pieces' members the same way."""
        provenance = sorted(provenance_triples(self.policy, self.data, self.modified), key=triple_key)
        names = {name for part in self.parts for name in part.turtle_prefixes}
        in_data = {namespace for prefix, namespace in self.prefixes if prefix in names}
        in_named = set(used_prefixes(provenance + self.kos, self.prefixes).values())
        used = {prefix: ns for prefix, ns in self.prefixes if ns in in_named or ns in in_data}
        head = turtle_prefix_lines(used)
        graphs: list[tuple[ox.NamedNode | None, Sequence[ox.Triple]]] = [
            (ox.NamedNode(self.policy.provenance_graph), provenance),
            (ox.NamedNode(self.policy.sdg_kos), self.kos),
        ]
        named = trig(graphs, self.prefixes, presorted=True, used=used)
        if named and not named.startswith(head):  # pragma: no cover - a writer that words its prefixes otherwise
            return trig(
                [(None, sorted(self.data, key=_triple_text_key)), *graphs], self.prefixes, presorted=True, used=used
            )
        rest = named[len(head) :]
        parts = self.parts
        return Assembled(
            lambda: chain([head], (part.piece(TURTLE_PIECE) for part in parts), [rest]),
            lambda: chain([gzip_bytes(head)], (part.packed[TURTLE_PIECE] for part in parts), [gzip_bytes(rest)]),
        )


# What makes each download from the inputs (functions of the inputs, so that the inputs hold no reference cycle
# and are freed as soon as the dumps are made).
_MAKERS: dict[str, Callable[[DumpInputs], bytes | Assembled]] = {
    "turtle": lambda inputs: inputs.assembled["turtle"],
    "ntriples": lambda inputs: inputs.assembled["ntriples"],
    "jsonld": DumpInputs.jsonld,
    "trig": DumpInputs.trig,
    SDG_KOS_KEY: lambda inputs: sorted_ntriples(inputs.kos),
    "ontology": lambda inputs: turtle(inputs.sources.triples(Role.ONTOLOGY), inputs.prefixes),
    "shapes": lambda inputs: turtle(inputs.sources.triples(Role.SHAPES), inputs.prefixes),
    "sdg-csv": lambda inputs: inputs.exported().files["sdg-csv"],
    "sssom": lambda inputs: inputs.exported().files["sssom"],
    "coverage-csv": lambda inputs: inputs.exported().files["coverage-csv"],
}


def _gzipped(content: bytes) -> Iterator[bytes]:
    """The content gzipped (when the iterator is read)."""
    yield gzip_bytes(content)


def plan_dumps(
    plan: SitePlan,
    config: Config,
    policy: UrlPolicy,
    sources: Sources,
    data: tuple[list[ox.Triple], str],
    exported: Callable[[], Exports],
    parts: Mapping[str, DumpPart],
    progress: Progress = QUIET,
) -> list[Distribution]:
    """The dumps and the researchers' exports, each with its checksum for the catalogue (counted on `progress`).

    `data`: `site_data` (unsorted) and its `latest_date`; the dataset's dumps are assembled from `parts`
    (`dataset_parts`) piece by piece into the plan (its spool, when it has one: no dump is held whole in memory);
    `exported` gives the exports (`make_exports`), asked for once the dumps of the dataset are begun.
    The files are planned, gzipped and hashed on two other threads (zlib and hashlib let go of the interpreter
    while they work) while the next file is being made.
    """
    with paused_gc():
        inputs = DumpInputs(config, policy, sources, data, exported, parts)
        rows = dumps()
        with ThreadPoolExecutor(max_workers=2) as planner, progress.count("dumps", 2 * len(rows), "files") as done:
            try:
                made = []
                for row in rows:
                    found = inputs.made(row.key)
                    if isinstance(found, Assembled):
                        planned = planner.submit(plan.add_pieces, row.path, found.pieces())
                        packed = found.packed_pieces()
                    else:  # made whole: kept in memory, hashed (and gzipped) on the other threads
                        plan.add(row.path, found)
                        planned = planner.submit(_measured, found)
                        packed = _gzipped(found)
                    path = compressed(row.path, GZIP)
                    gzipped = planner.submit(plan.add_pieces, path, packed) if row.gzipped else None
                    made.append((row, planned, gzipped))
                    done(1)
                distributions: list[Distribution] = []
                for row, planned, gzipped in made:
                    size, digest = planned.result()
                    distributions.append(row.distribution(digest, size))
                    if gzipped is not None:
                        packed_size, packed_digest = gzipped.result()
                        distributions.append(row.gzipped_distribution(packed_digest, packed_size))
                    done(1)
            except BaseException:
                planner.shutdown(cancel_futures=True)  # the files not yet begun are not made
                raise
        return distributions


def _measured(content: bytes) -> tuple[int, str]:
    """The content's size and SHA-256."""
    return len(content), hashlib.sha256(content).hexdigest()
