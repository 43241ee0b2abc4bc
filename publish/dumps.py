"""The dumps and exports of the dataset: what the site offers for download, as a table of data.

Stage: build. Imports `catalog` (its Distribution), `collector`, `config`, `exports`, `formats`, `load`, `model`,
`plans`, `progress`, `query`, `serialize`, `siteplan`, `urls` and `vocab`.
`dumps()` lists each download once (key, path, format, titles, gzipped or not); `DumpInputs` makes each one's bytes
from the sorted dataset. Every dump is written straight from the data in `triple_key` order, and the files are
gzipped and hashed on two other threads while the next is being written.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox

from .catalog import SDG_KOS_KEY, Distribution
from .collector import paused_gc
from .config import Config
from .exports import coverage_csv, sdg_links_csv, sdg_links_sssom
from .formats import CSV, GZIP, JSONLD, NTRIPLES, TRIG, TSV, TURTLE, Format
from .load import Role, Sources
from .model import derived_triples, sdg_kos, standard_triples, vocabulary
from .plans import CoverageMatrix, DataIndex
from .progress import QUIET, Progress
from .query import triple_key
from .serialize import jsonld_flat_and_prefixes, sorted_ntriples, sorted_turtle, trig, turtle, used_prefixes
from .siteplan import SitePlan
from .urls import (
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


def site_data(sources: Sources, policy: UrlPolicy) -> list[ox.Triple]:
    """The dataset: the data files' triples and the triples derived from them (accepted links as dct:subject, the
    standard terms of the ontology's alignment), sorted."""
    own = list(sources.triples(Role.DATA))
    vocab = vocabulary(policy)
    with paused_gc():
        derived = derived_triples(own, vocab) + standard_triples(own, sources.triples(Role.ONTOLOGY), vocab)
        return sorted(set(own + derived), key=_triple_text_key)


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


def provenance_triples(policy: UrlPolicy, data: list[ox.Triple]) -> list[ox.Triple]:
    """The dump's provenance graph: what the dataset derives from, when it last changed, what made it."""
    dataset = ox.NamedNode(policy.dataset)
    derived_from = sorted(
        {t.object for t in data if t.predicate == PROV_WAS_DERIVED_FROM and isinstance(t.object, ox.NamedNode)},
        key=lambda n: n.value,
    )
    return [ox.Triple(dataset, PROV_WAS_DERIVED_FROM, s) for s in derived_from] + [
        ox.Triple(dataset, DCT_MODIFIED, ox.Literal(latest_date(data), datatype=XSD_DATE)),
    ]


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
    """Every download, in the order they are written. `DumpInputs.content` makes each one's bytes by its key."""
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


class DumpInputs:
    """What the downloads are made from: the dataset (sorted by `triple_key`), the ontology, the shapes, the read
    model's index and coverage; `content` makes a download's bytes by its key."""

    def __init__(
        self,
        config: Config,
        policy: UrlPolicy,
        sources: Sources,
        data: list[ox.Triple],
        index: DataIndex,
        matrices: list[CoverageMatrix],
    ) -> None:
        self.config, self.policy, self.sources = config, policy, sources
        self.data, self.index, self.matrices = data, index, matrices
        self.prefixes = policy.prefixes()
        self.makers: dict[str, Callable[[], bytes]] = {
            "turtle": self.turtle,
            "ntriples": lambda: sorted_ntriples(self.data),
            "jsonld": lambda: self.jsonld_and_prefixes[0],
            "trig": self.trig,
            SDG_KOS_KEY: lambda: sorted_ntriples(self.kos),
            "ontology": lambda: turtle(self.sources.triples(Role.ONTOLOGY), self.prefixes),
            "shapes": lambda: turtle(self.sources.triples(Role.SHAPES), self.prefixes),
            "sdg-csv": lambda: sdg_links_csv(self.index, self.policy),
            "sssom": lambda: sdg_links_sssom(self.index, self.policy, self.config),
            "coverage-csv": lambda: coverage_csv(self.matrices),
        }

    def content(self, key: str) -> bytes:
        """The bytes of the download with this key."""
        return self.makers[key]()

    @cached_property
    def kos(self) -> list[ox.Triple]:
        """The copy of the UN SDG KOS the dataset links to (its own graph in the TriG dump), in `triple_key` order."""
        return sorted(sdg_kos(self.sources.triples(Role.REFERENCE)), key=triple_key)

    @cached_property
    def jsonld_and_prefixes(self) -> tuple[bytes, dict[str, str]]:
        """The JSON-LD dump, and the prefixes the data use (found by the same pass)."""
        return jsonld_flat_and_prefixes(self.data, self.prefixes, presorted=True)

    @cached_property
    def turtle_dump(self) -> bytes:
        """The Turtle dump: what `turtle(data, prefixes)` writes, the data being sorted already."""
        return sorted_turtle(self.data, self.jsonld_and_prefixes[1])

    def turtle(self) -> bytes:
        return self.turtle_dump

    def trig(self) -> bytes:
        """The TriG dump: the dataset as the default graph, its provenance and the UN SDG KOS as named graphs."""
        provenance = sorted(provenance_triples(self.policy, self.data), key=triple_key)
        used = self.jsonld_and_prefixes[1]
        in_named = set(used_prefixes(provenance + self.kos, self.prefixes).values())
        used_trig = {prefix: ns for prefix, ns in self.prefixes if ns in in_named or ns in used.values()}
        # The default graph is the Turtle dump when the named graphs need no other prefix.
        return trig(
            [
                (None, self.data),
                (ox.NamedNode(self.policy.provenance_graph), provenance),
                (ox.NamedNode(self.policy.sdg_kos), self.kos),
            ],
            self.prefixes,
            presorted=True,
            used=used_trig,
            default_turtle=self.turtle_dump if used_trig == used else None,
        )


def _pack(content: bytes, gzipped: bool) -> tuple[str, bytes, str]:
    """The content's SHA-256, and when `gzipped` its gzipped bytes and their SHA-256."""
    packed = gzip_bytes(content) if gzipped else b""
    return hashlib.sha256(content).hexdigest(), packed, hashlib.sha256(packed).hexdigest() if gzipped else ""


def plan_dumps(
    plan: SitePlan,
    config: Config,
    policy: UrlPolicy,
    sources: Sources,
    data: list[ox.Triple],
    index: DataIndex,
    matrices: list[CoverageMatrix],
    progress: Progress = QUIET,
) -> list[Distribution]:
    """The dumps and the researchers' exports, each with its checksum for the catalogue (counted on `progress`).

    `data` is in `triple_key` order (`site_data`), the order every dump is written in, so each is written straight
    from it. The files are gzipped and hashed on two other threads (zlib and hashlib let go of the interpreter
    while they work) while the next file is being written.
    """
    with paused_gc():
        inputs = DumpInputs(config, policy, sources, data, index, matrices)
        distributions: list[Distribution] = []
        rows = dumps()
        with ThreadPoolExecutor(max_workers=2) as packer, progress.count("dumps", 2 * len(rows), "files") as done:
            made = []
            for row in rows:
                content = inputs.content(row.key)
                plan.add(row.path, content)
                made.append((row, len(content), packer.submit(_pack, content, row.gzipped)))
                done(1)
            for row, size, packing in made:
                digest, packed, packed_digest = packing.result()
                done(1)
                distributions.append(row.distribution(digest, size))
                if row.gzipped:
                    plan.add(compressed(row.path, GZIP), packed)
                    distributions.append(row.gzipped_distribution(packed_digest, len(packed)))
        return distributions
