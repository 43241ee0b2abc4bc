"""The site's metadata: the DCAT-AP 3.0.1 catalogue, the VoID description and the schema.org Dataset block.

Stage: catalog (called by `build`). Imports `collector`, `config`, `errors`, `model`, `namespaces`, `rdfterms`,
`urls`, `vocab`; nothing imports it but `build` and `exports`.

Nothing here is invented and nothing reads the clock or the network:
- from the data (the plo: vocabulary): the plans, their titles, publisher and municipality, sources, focus areas,
  the SDG links, and every date (`dct:issued` = the plan's issue date, `dct:modified` = the latest xsd:date of
  the site's own resources);
- from the Config: the licence, the contact point (none unless `contact_email` is set) and the SPARQL endpoint
  (no data service when `sparql_endpoint` is empty);
- fixed facts of the published formats and EU code lists (IANA media types, EU file-type, data-theme, language
  and country IRIs, the SPDX checksum algorithm).

IRIs, all from the URI policy (`urls`): the catalogue, a catalogue record per dataset, the site's dataset, one
dataset per plan (only when the data hold more than one plan; with one plan the site's dataset is that plan's
dataset), series of plan editions, distributions, the SPARQL data service and the contact point.
Checksums, periods, locations, VoID partitions and the linkset are blank nodes with fixed labels, so
no further IRI needs a page.

Checksum algorithm: `spdx:checksumAlgorithm_sha256`, the SPDX 2.x individual in the same
`http://spdx.org/rdf/terms#` namespace as `spdx:Checksum` and `spdx:algorithm` themselves (and as the data's own
source-document checksum). DCAT-AP 3.0.1's code-list shape wants an IRI starting `https://spdx.org/rdf/terms`,
which names no SPDX term, so that one code-list check fails by design (tests/test_catalog.py pins it);
DCAT-AP-DK 2.0.2 and DCAT-AP 2.1.1 accept only SHA-1, a broken hash that planlod does not use.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import cast
from urllib.parse import urlsplit

import pyoxigraph as ox

from .collector import paused_gc
from .config import Config
from .errors import BuildError, ConfigError
from .formats import FORMATS, SPARQL_QUERY, Format, format_for_file_type, format_for_media_type
from .model import vocabulary
from .namespaces import (
    EUAUTH,
    SDG,
)
from .rdfterms import Term
from .urls import UrlPolicy, slugify
from .vocab import (
    DCAT_ACCESS_SERVICE,
    DCAT_ACCESS_URL,
    DCAT_BYTE_SIZE,
    DCAT_CATALOG,
    DCAT_CATALOG_RECORD,
    DCAT_COMPRESS_FORMAT,
    DCAT_CONTACT_POINT,
    DCAT_DATA_SERVICE,
    DCAT_DATASET,
    DCAT_DATASET_CLASS,
    DCAT_DATASET_SERIES,
    DCAT_DISTRIBUTION,
    DCAT_DISTRIBUTION_CLASS,
    DCAT_DOWNLOAD_URL,
    DCAT_ENDPOINT_URL,
    DCAT_IN_SERIES,
    DCAT_KEYWORD,
    DCAT_MEDIA_TYPE,
    DCAT_PACKAGE_FORMAT,
    DCAT_RECORD,
    DCAT_SERVES_DATASET,
    DCAT_SERVICE,
    DCAT_START_DATE,
    DCAT_THEME,
    DCAT_THEME_TAXONOMY,
    DCT_CONFORMS_TO,
    DCT_DESCRIPTION,
    DCT_FORMAT,
    DCT_HAS_PART,
    DCT_IDENTIFIER,
    DCT_IS_PART_OF,
    DCT_ISSUED,
    DCT_LANGUAGE,
    DCT_LICENSE,
    DCT_LICENSE_DOCUMENT,
    DCT_LINGUISTIC_SYSTEM,
    DCT_LOCATION,
    DCT_MEDIA_TYPE,
    DCT_MEDIA_TYPE_OR_EXTENT,
    DCT_MODIFIED,
    DCT_PERIOD,
    DCT_PUBLISHER,
    DCT_SPATIAL,
    DCT_STANDARD,
    DCT_SUBJECT,
    DCT_TEMPORAL,
    DCT_TITLE,
    DCT_TYPE,
    EU_COUNTRY,
    EU_DATA_THEME,
    EU_FILE_TYPE_NS,
    EU_LANGUAGE,
    FOAF_AGENT,
    FOAF_HOMEPAGE,
    FOAF_NAME,
    FOAF_PERSON,
    FOAF_PRIMARY_TOPIC,
    LABEL_PREDICATES,
    PROV_WAS_DERIVED_FROM,
    RDF_TYPE,
    RDFS_LABEL,
    SCHEMA_PERSON,
    SDG_KOS,
    SKOS_CONCEPT,
    SKOS_CONCEPT_SCHEME,
    SKOS_IN_SCHEME,
    SKOS_PREF_LABEL,
    SPDX_ALGORITHM,
    SPDX_ALGORITHM_CLASS,
    SPDX_CHECKSUM,
    SPDX_CHECKSUM_CLASS,
    SPDX_CHECKSUM_VALUE,
    SPDX_SHA256,
    VCARD_FN,
    VCARD_HAS_EMAIL,
    VCARD_KIND,
    VOID_CLASS,
    VOID_CLASS_PARTITION,
    VOID_CLASSES,
    VOID_DATA_DUMP,
    VOID_DATASET,
    VOID_DISTINCT_OBJECTS,
    VOID_DISTINCT_SUBJECTS,
    VOID_ENTITIES,
    VOID_EXAMPLE_RESOURCE,
    VOID_FEATURE,
    VOID_LINK_PREDICATE,
    VOID_LINKSET,
    VOID_OBJECTS_TARGET,
    VOID_PROPERTIES,
    VOID_SPARQL_ENDPOINT,
    VOID_SUBJECTS_TARGET,
    VOID_SUBSET,
    VOID_TARGET,
    VOID_TRIPLES,
    VOID_URI_SPACE,
    VOID_VOCABULARY,
    XSD_DATE,
    XSD_HEX_BINARY,
    XSD_INTEGER,
    XSD_NON_NEGATIVE_INTEGER,
    PlanVocabulary,
)

Node = ox.NamedNode | ox.BlankNode

SPARQL_KEY = "sparql"


# ---------------------------------------------------------------- code lists and standards

DATA_THEME_SCHEME = EU_DATA_THEME
# The EU data-theme NAL's labels for GOVE. A municipal political plan is government: GOVE is the one theme that
# holds for every plan. Subject themes (health, education, environment …) would need a mapping from each focus
# area to a theme that the data do not state, so none is guessed.
THEMES: tuple[tuple[str, str, str], ...] = (
    ("GOVE", "Regeringen og den offentlige sektor", "Government and public sector"),
)
THEME_SCHEME_TITLE = "Data theme"
LANGUAGE_SCHEME = EU_LANGUAGE
LANGUAGE_CODES = {"da": "DAN", "en": "ENG"}
COUNTRY_SCHEME = EU_COUNTRY
# plo:Municipality is "a Danish municipality" (ontology/planlod.ttl), so its plans cover Denmark.
MUNICIPALITY_COUNTRY = "DNK"
MUNICIPALITY_COUNTRY_ISO2 = "DK"  # the same country as ISO 3166-1 alpha-2, for schema.org
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
LOCAL_AUTHORITY = ox.NamedNode("http://purl.org/adms/publishertype/LocalAuthority")
PUBLISHER_TYPE_SCHEME = ox.NamedNode("http://purl.org/adms/publishertype/1.0")
DCAT_AP = ox.NamedNode("https://semiceu.github.io/DCAT-AP/releases/3.0.1/")
SPARQL_PROTOCOL = ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/")
# The UN's own VoID description of the SDG KOS (UNStats/LOD4Stats, sdg-data/void.ttl) names the dataset so.
SDG_KOS_DATASET = ox.NamedNode("http://metadata.un.org/sdg/void.ttl#SDG")

# Distributions that are files of the site but not dumps of the dataset (VoID's void:dataDump).
NOT_DUMPS = frozenset({"ontology", "shapes"})

# CKAN (ckanext-dcat) refuses tags with characters other than letters, digits, space, '-', '_' and '.'.
_TAG_FORBIDDEN = re.compile(r"[^\w .\-]+")
_AND = {"da": "og", "en": "and"}
_HEX64 = re.compile(r"[0-9a-f]{64}")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
_FILE_TYPE = re.compile(r"[A-Z0-9_]+")
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


# ---------------------------------------------------------------- distributions


@dataclass(frozen=True)
class Distribution:
    """One downloadable file of the site, as the catalogue lists it."""

    key: str  # stable id for the IRI: "turtle", "ntriples-gz", "jsonld", "trig", "sdg-csv", "sssom", ...
    path: str  # file path relative to the site root: "dump/latest.ttl"
    media_type: str  # "text/turtle"; a compression type ("application/gzip") for compressed files
    file_type: str  # EU file-type code of the content: "RDF_TURTLE", "JSON_LD", "RDF_N_TRIPLES", "CSV", ...
    sha256: str
    byte_size: int
    title_da: str
    title_en: str
    # The compression of the file when `media_type` is the type of its content (DCAT's dcat:compressFormat).
    compress_format: str = ""
    # The package format (DCAT's dcat:packageFormat), e.g. "application/zip" for a zip of several files.
    package_format: str = ""
    # Whether the file is a dump of the whole dataset (VoID's void:dataDump); None: RDF files but the ontology
    # and the shapes.
    dump: bool | None = None

    @property
    def content_format(self) -> Format | None:
        """The format of the content (inside any compression), from its EU file type."""
        return format_for_file_type(self.file_type)

    @property
    def compressed(self) -> bool:
        """Whether `media_type` is a compression format's (the file is compressed, its content is `file_type`)."""
        fmt = format_for_media_type(self.media_type, FORMATS)
        return fmt is not None and fmt.compression

    @property
    def compression(self) -> str:
        """The compression media type, or ''."""
        if self.compress_format:
            return self.compress_format
        return self.media_type if self.compressed else ""

    @property
    def content_media_type(self) -> str:
        """The media type of the content (inside any compression), or '' if unknown."""
        if not self.compressed:
            return self.media_type
        content = self.content_format
        return content.media_type if content is not None else ""

    @property
    def is_dump(self) -> bool:
        """Whether VoID lists the file as a dump of the dataset."""
        if self.dump is not None:
            return self.dump
        content = self.content_format
        return content is not None and content.rdf_format is not None and self.key not in NOT_DUMPS


def check_distributions(distributions: Sequence[Distribution]) -> None:
    """Raise BuildError for a distribution the catalogue cannot state truthfully."""
    seen: set[str] = {SPARQL_KEY}
    for d in distributions:
        where = f"distribution {d.key!r} ({d.path})"
        if not re.fullmatch(r"[a-z0-9]([a-z0-9._-]*[a-z0-9])?", d.key):
            raise BuildError(f"{where}: the key must be lower-case letters, digits, '.', '_' or '-'")
        if d.key in seen:
            raise BuildError(f"{where}: the key is used twice (or is the reserved key {SPARQL_KEY!r})")
        seen.add(d.key)
        parts = urlsplit(d.path)
        if parts.scheme or parts.netloc or d.path.startswith("/") or ".." in d.path.split("/") or not d.path:
            raise BuildError(f"{where}: the path must be relative to the site root")
        if not _HEX64.fullmatch(d.sha256):
            raise BuildError(f"{where}: sha256 must be 64 lower-case hex digits, got {d.sha256!r}")
        if d.byte_size < 0:
            raise BuildError(f"{where}: byte_size must not be negative")
        for media in (d.media_type, d.compress_format, d.package_format):
            if media and not _MEDIA_TYPE.fullmatch(media):
                raise BuildError(f"{where}: {media!r} is not a media type")
        if not _FILE_TYPE.fullmatch(d.file_type):
            raise BuildError(f"{where}: {d.file_type!r} is not an EU file-type code")


# ---------------------------------------------------------------- reading the data


class DataIndex:
    """The triples indexed by subject and by object, without duplicates, in first-seen order."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.triples: list[ox.Triple] = []
        self._out: dict[Term, dict[ox.NamedNode, list[Term]]] = {}
        self._in: dict[Term, dict[ox.NamedNode, list[Term]]] = {}
        # What is read from the index more than once (the plans, the link rows), by key; the index never changes.
        self.memo: dict[tuple[str, str], object] = {}
        with paused_gc():
            self._index(triples)

    def _index(self, triples: Iterable[ox.Triple]) -> None:
        self.triples = list(dict.fromkeys(triples))  # without duplicates, in first-seen order
        out, into = self._out, self._in
        for subject, predicate, obj in self.triples:
            by_predicate = out.get(subject)
            if by_predicate is None:
                out[subject] = {predicate: [obj]}
            elif (objects := by_predicate.get(predicate)) is None:
                by_predicate[predicate] = [obj]
            else:
                objects.append(obj)
            by_predicate = into.get(obj)
            if by_predicate is None:
                into[obj] = {predicate: [subject]}
            elif (subjects := by_predicate.get(predicate)) is None:
                by_predicate[predicate] = [subject]
            else:
                subjects.append(subject)

    def first(self, count: int) -> DataIndex:
        """The index of the first `count` triples alone: what `DataIndex(self.triples[:count])` holds, made by
        taking the later triples out of a copy (cheap when they are few, as the ontology and references
        appended to the data are)."""
        part = DataIndex(())
        part.triples = self.triples[:count]
        out, into = dict(self._out), dict(self._in)
        copied_out: set[Term] = set()
        copied_in: set[Term] = set()
        for subject, predicate, obj in self.triples[count:]:
            _take_out(out, copied_out, subject, predicate, obj)
            _take_out(into, copied_in, obj, predicate, subject)
        part._out, part._in = out, into
        return part

    def all_subjects(self) -> list[Term]:
        """Every subject, in first-seen order."""
        return list(self._out)

    def all_objects(self) -> list[Term]:
        """Every object, in first-seen order."""
        return list(self._in)

    def object_count(self) -> int:
        """How many distinct objects the triples have."""
        return len(self._in)

    def predicates(self) -> set[ox.NamedNode]:
        """Every predicate."""
        return {p for by_predicate in self._out.values() for p in by_predicate}

    def objects(self, subject: Term, predicate: ox.NamedNode) -> list[Term]:
        """The objects of (subject, predicate, ?)."""
        found = self._out.get(subject)
        return list(found.get(predicate, ())) if found else []

    def subjects(self, predicate: ox.NamedNode, obj: Term) -> list[Term]:
        """The subjects of (?, predicate, object)."""
        found = self._in.get(obj)
        return list(found.get(predicate, ())) if found else []

    def iris(self, subject: Term, predicate: ox.NamedNode) -> list[ox.NamedNode]:
        """The IRI objects of (subject, predicate, ?), sorted."""
        return sorted((o for o in self.objects(subject, predicate) if isinstance(o, ox.NamedNode)), key=str)

    def iri(self, subject: Term, predicate: ox.NamedNode) -> ox.NamedNode | None:
        """The first IRI object in sorted order, or None."""
        found = self.iris(subject, predicate)
        return found[0] if found else None

    def literals(self, subject: Term, predicate: ox.NamedNode) -> list[ox.Literal]:
        """The literal objects of (subject, predicate, ?), sorted."""
        return sorted((o for o in self.objects(subject, predicate) if isinstance(o, ox.Literal)), key=str)

    def text(self, subject: Term, predicates: Sequence[ox.NamedNode], lang: str) -> str:
        """The first text in `lang` under the first predicate that has one; '' if none."""
        for predicate in predicates:
            for literal in self.literals(subject, predicate):
                if literal.language == lang:
                    return literal.value
        return ""

    def has_type(self, subject: Term, cls: ox.NamedNode) -> bool:
        """Whether the data state `subject a cls`."""
        return cls in self.objects(subject, RDF_TYPE)

    def instances(self, cls: ox.NamedNode) -> list[ox.NamedNode]:
        """The IRIs typed `cls`, sorted."""
        return sorted((s for s in self.subjects(RDF_TYPE, cls) if isinstance(s, ox.NamedNode)), key=str)

    def date(self, subject: Term, predicate: ox.NamedNode) -> str:
        """The earliest xsd:date of (subject, predicate, ?), or ''."""
        dates = [lit.value for lit in self.literals(subject, predicate) if _is_date(lit)]
        return min(dates) if dates else ""

    def dates_of(self, subjects: Iterable[Term]) -> list[str]:
        """Every xsd:date stated on the given subjects."""
        return [
            o.value
            for s in subjects
            for objects in self._out.get(s, {}).values()
            for o in objects
            if isinstance(o, ox.Literal) and _is_date(o)
        ]


def _take_out(
    table: dict[Term, dict[ox.NamedNode, list[Term]]],
    copied: set[Term],
    key: Term,
    predicate: ox.NamedNode,
    value: Term,
) -> None:
    """Remove `value` from table[key][predicate], copying table[key] first (the table shares it with another)."""
    inner = table[key]
    if key not in copied:
        inner = table[key] = {p: list(values) for p, values in inner.items()}
        copied.add(key)
    values = inner[predicate]
    values.remove(value)
    if not values:
        del inner[predicate]
        if not inner:
            del table[key]


def as_index(data: Iterable[ox.Triple] | DataIndex) -> DataIndex:
    """The index of the data, built once: callers that make several outputs pass the index itself."""
    return data if isinstance(data, DataIndex) else DataIndex(data)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_date(literal: ox.Literal) -> bool:
    return literal.datatype == XSD_DATE and _DATE.fullmatch(literal.value) is not None


TITLES = (DCT_TITLE, RDFS_LABEL, SKOS_PREF_LABEL)


@dataclass(frozen=True)
class AgentFacts:
    """An agent as the catalogue states it: foaf:Agent with foaf:name."""

    iri: str
    names: tuple[ox.Literal, ...]  # foaf:name in the data, else its labels
    label_da: str
    label_en: str
    is_municipality: bool
    is_person: bool


@dataclass(frozen=True)
class AreaFacts:
    """A focus area: its IRI, position in the plan and labels."""

    iri: str
    position: int
    label_da: str
    label_en: str


@dataclass(frozen=True)
class PlanFacts:
    """What the data state about one plan."""

    iri: str
    title_da: str
    title_en: str
    issued: str  # the plan's dct:issued, '' if the data give none
    first_date: str  # the earliest xsd:date on the plan, its parts, links and sources
    last_date: str  # the latest of those
    publisher: AgentFacts
    municipality: AgentFacts
    sources: tuple[str, ...]
    areas: tuple[AreaFacts, ...]
    goals: tuple[str, ...]
    initiatives: tuple[str, ...]
    links: tuple[str, ...]  # every SDG link record from the plan or its parts
    accepted_links: int
    follows: tuple[str, ...]  # earlier plans in the data that this plan follows (plo:follows)

    @property
    def start(self) -> str:
        """The plan's first date: its issue date, else the earliest date found."""
        return self.issued or self.first_date

    @property
    def year(self) -> str:
        """The year of the plan's first date, or ''."""
        return self.start[:4]

    @property
    def elements(self) -> tuple[str, ...]:
        """The plan and its parts: focus areas, goals, focus points."""
        return (self.iri, *(a.iri for a in self.areas), *self.goals, *self.initiatives)


def _int(literal: Term | None) -> int:
    try:
        return int(literal.value) if isinstance(literal, ox.Literal) else 0
    except ValueError:
        return 0


def agent_facts(index: DataIndex, vocab: PlanVocabulary, iri: ox.NamedNode) -> AgentFacts:
    """The agent's names and labels; BuildError if the data give it no name at all."""
    names = tuple(index.literals(iri, FOAF_NAME)) or tuple(index.literals(iri, SKOS_PREF_LABEL))
    names = names or tuple(index.literals(iri, RDFS_LABEL))
    if not names:
        raise BuildError(
            f"{iri.value}: the publisher has no foaf:name (nor skos:prefLabel); the catalogue needs the name of "
            "every agent it names (DCAT-AP: foaf:Agent needs foaf:name)"
        )
    label_da = index.text(iri, LABEL_PREDICATES, "da") or names[0].value
    label_en = index.text(iri, LABEL_PREDICATES, "en") or label_da
    return AgentFacts(
        iri.value,
        names,
        label_da,
        label_en,
        index.has_type(iri, vocab.Municipality),
        index.has_type(iri, FOAF_PERSON) or index.has_type(iri, SCHEMA_PERSON),
    )


def plan_areas(index: DataIndex, vocab: PlanVocabulary, plan: ox.NamedNode) -> list[AreaFacts]:
    """The plan's focus areas in the plan's order (plo:position, then IRI)."""
    found = {a for a in index.objects(plan, vocab.focusArea) if isinstance(a, ox.NamedNode)}
    found |= {a for a in index.subjects(vocab.inPlan, plan) if isinstance(a, ox.NamedNode)}
    areas = [
        AreaFacts(
            a.value,
            _int(next(iter(index.objects(a, vocab.position)), None)),
            index.text(a, LABEL_PREDICATES, "da"),
            index.text(a, LABEL_PREDICATES, "en"),
        )
        for a in found
    ]
    return sorted(areas, key=lambda a: (a.position, a.iri))


def area_parts(index: DataIndex, vocab: PlanVocabulary, area: ox.NamedNode) -> tuple[list[str], list[str]]:
    """The area's headline goals and its focus points (sorted by position), as IRIs."""
    parts = {p for p in index.subjects(vocab.area, area) if isinstance(p, ox.NamedNode)}
    goals = {g for g in index.objects(area, vocab.headlineGoal) if isinstance(g, ox.NamedNode)}
    goals |= {p for p in parts if index.has_type(p, vocab.Goal)}
    points = {i for i in index.objects(area, vocab.initiative) if isinstance(i, ox.NamedNode)}
    points |= {p for p in parts if index.has_type(p, vocab.Initiative)}
    ordered = sorted(points, key=lambda i: (_int(next(iter(index.objects(i, vocab.position)), None)), i.value))
    return sorted(g.value for g in goals), [i.value for i in ordered]


def links_from(index: DataIndex, vocab: PlanVocabulary, elements: Iterable[str]) -> list[ox.NamedNode]:
    """The SDG link records whose subject is one of the elements, sorted."""
    links = {
        link
        for element in elements
        for link in index.subjects(vocab.linkSubject, ox.NamedNode(element))
        if isinstance(link, ox.NamedNode) and index.has_type(link, vocab.SDGLink)
    }
    return sorted(links, key=str)


def plan_facts(index: DataIndex, vocab: PlanVocabulary, plan: ox.NamedNode) -> PlanFacts:
    """Everything the catalogue states about one plan, read from the data."""
    title_da, title_en = index.text(plan, TITLES, "da"), index.text(plan, TITLES, "en")
    if not (title_da or title_en):
        raise BuildError(f"{plan.value}: the plan has no dct:title; the catalogue needs one")
    publisher = index.iri(plan, DCT_PUBLISHER) or index.iri(plan, vocab.municipality)
    municipality = index.iri(plan, vocab.municipality) or publisher
    if publisher is None or municipality is None:
        raise BuildError(f"{plan.value}: the plan names no dct:publisher or plo:municipality")
    areas = plan_areas(index, vocab, plan)
    goals: list[str] = []
    initiatives: list[str] = []
    for area in areas:
        area_goals, area_points = area_parts(index, vocab, ox.NamedNode(area.iri))
        goals += area_goals
        initiatives += area_points
    elements = (plan.value, *(a.iri for a in areas), *goals, *initiatives)
    links = links_from(index, vocab, elements)
    sources = index.iris(plan, PROV_WAS_DERIVED_FROM)
    dates = index.dates_of([ox.NamedNode(e) for e in elements] + links + sources)
    follows = [p.value for p in index.iris(plan, vocab.follows) if index.has_type(p, vocab.Plan)]
    return PlanFacts(
        iri=plan.value,
        title_da=title_da,
        title_en=title_en,
        issued=index.date(plan, DCT_ISSUED),
        first_date=min(dates) if dates else "",
        last_date=max(dates) if dates else "",
        publisher=agent_facts(index, vocab, publisher),
        municipality=agent_facts(index, vocab, municipality),
        sources=tuple(s.value for s in sources),
        areas=tuple(areas),
        goals=tuple(goals),
        initiatives=tuple(initiatives),
        links=tuple(link.value for link in links),
        accepted_links=sum(1 for link in links if vocab.Accepted in index.objects(link, vocab.status)),
        follows=tuple(follows),
    )


def all_plans(index: DataIndex, vocab: PlanVocabulary) -> list[PlanFacts]:
    """Every plo:Plan in the data, oldest first (issue date, then IRI); read once per index."""
    key = ("plans", vocab.Plan.value)
    found = index.memo.get(key)
    if found is None:
        with paused_gc():
            plans = [plan_facts(index, vocab, p) for p in index.instances(vocab.Plan)]
        if not plans:
            raise BuildError("the data hold no plo:Plan; the catalogue describes plans")
        found = index.memo[key] = tuple(sorted(plans, key=lambda p: (p.start or "9999", p.iri)))
    return list(cast(tuple[PlanFacts, ...], found))


@dataclass(frozen=True)
class SiteFacts:
    """What the catalogue states about the whole site, derived once from the data and the Config."""

    config: Config
    policy: UrlPolicy
    index: DataIndex
    vocab: PlanVocabulary
    plans: tuple[PlanFacts, ...]
    publisher: AgentFacts

    @cached_property
    def modified(self) -> str:
        """The latest xsd:date on the site's own resources (IRIs under the base, blank nodes)."""
        own = [s for s in self.index.all_subjects() if isinstance(s, ox.BlankNode) or self.is_own(s)]
        dates = self.index.dates_of(own)
        return max(dates) if dates else ""

    def is_own(self, subject: Term) -> bool:
        """Whether the subject is an IRI under the base (VoID's uriSpace)."""
        return isinstance(subject, ox.NamedNode) and subject.value.startswith(self.policy.base)

    @property
    def issued(self) -> str:
        """The earliest plan's first date."""
        starts = [p.start for p in self.plans if p.start]
        return min(starts) if starts else ""

    @property
    def municipalities(self) -> list[AgentFacts]:
        """The municipalities of the plans, in plan order, each once."""
        seen: dict[str, AgentFacts] = {}
        for plan in self.plans:
            seen.setdefault(plan.municipality.iri, plan.municipality)
        return list(seen.values())

    @property
    def languages(self) -> list[str]:
        """The language tags (da, en) of the plans' titles, in LANGUAGE_CODES order."""
        present = {lang for p in self.plans for lang, text in (("da", p.title_da), ("en", p.title_en)) if text}
        return [lang for lang in LANGUAGE_CODES if lang in present]

    @property
    def sources(self) -> list[str]:
        """The source documents of every plan, sorted."""
        return sorted({s for p in self.plans for s in p.sources})

    @property
    def endpoint(self) -> str:
        """The SPARQL endpoint's IRI, or '' when none is configured."""
        return self.policy.endpoint(self.config.sparql_endpoint)


def site_facts(
    config: Config, policy: UrlPolicy, data: Iterable[ox.Triple] | DataIndex, publisher: str | None = None
) -> SiteFacts:
    """Read the plans and choose the site's publisher: `publisher`, else the `publisher` setting, else the one
    publisher of every plan."""
    index = as_index(data)
    vocab = vocabulary(policy)
    plans = all_plans(index, vocab)
    publisher = policy.setting(publisher or config.publisher)
    if publisher:
        agent = agent_facts(index, vocab, ox.NamedNode(publisher))
    else:
        publishers = {p.publisher.iri: p.publisher for p in plans}
        if len(publishers) != 1:
            raise BuildError(
                "the plans have different publishers ("
                + ", ".join(sorted(publishers))
                + "); DCAT-AP allows one publisher per catalogue: set `publisher` in [tool.planlod] "
                "(or PLANLOD_PUBLISHER) to the IRI of the agent that publishes the site"
            )
        (agent,) = publishers.values()
    return SiteFacts(config, policy, index, vocab, tuple(plans), agent)


# ---------------------------------------------------------------- IRIs


def media_type_iri(media_type: str) -> ox.NamedNode:
    """The IANA IRI of a media type."""
    return ox.NamedNode(IANA_MEDIA_TYPES + media_type)


def file_type_iri(code: str) -> ox.NamedNode:
    """The EU file-type IRI of a code."""
    return ox.NamedNode(EU_FILE_TYPE_NS + code)


# ---------------------------------------------------------------- texts


def plan_title(plan: PlanFacts, lang: str) -> str:
    """'Ambitioner og retning (Hedensted Kommune, 2020)': the plan's own title, whose it is and when."""
    title = (plan.title_da or plan.title_en) if lang == "da" else (plan.title_en or plan.title_da)
    who = plan.municipality.label_da if lang == "da" else plan.municipality.label_en
    when = f", {plan.year}" if plan.year else ""
    return f"{title} ({who}{when})"


def _count_phrase(areas: int, goals: int, points: int, links: int, lang: str) -> str:
    """ "11 focus areas, 11 headline goals, 45 focus points and 103 accepted links …" in a language."""
    if lang == "da":
        return (
            f"{areas} fokusområder, {goals} overordnede mål, {points} fokuspunkter og {links} accepterede koblinger "
            "til FN's verdensmål og delmål"
        )
    return (
        f"{areas} focus areas, {goals} headline goals, {points} focus points and {links} accepted links to the UN "
        "Sustainable Development Goals and targets"
    )


def _counts(plan: PlanFacts, lang: str) -> str:
    return _count_phrase(len(plan.areas), len(plan.goals), len(plan.initiatives), plan.accepted_links, lang)


def plan_description(plan: PlanFacts, lang: str) -> str:
    """A description made of the plan's own facts: title, municipality, date and counts."""
    if lang == "da":
        issued = f", udgivet {plan.issued}," if plan.issued else ""
        title = plan.title_da or plan.title_en
        return f"Planen »{title}« fra {plan.municipality.label_da}{issued} som linked open data: {_counts(plan, 'da')}."
    issued = f", issued {plan.issued}," if plan.issued else ""
    title = plan.title_en or plan.title_da
    return f"The plan “{title}” of {plan.municipality.label_en}{issued} as linked open data: {_counts(plan, 'en')}."


def _names(agents: Sequence[AgentFacts], lang: str) -> str:
    labels = [a.label_da if lang == "da" else a.label_en for a in agents]
    joiner = " og " if lang == "da" else " and "
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + joiner + labels[-1]


def site_title(site: SiteFacts, lang: str) -> str:
    """The title of the site's dataset."""
    if len(site.plans) == 1:
        suffix = " som linked open data" if lang == "da" else " as linked open data"
        return plan_title(site.plans[0], lang) + suffix
    who = _names(site.municipalities, lang)
    if lang == "da":
        return f"Politiske planer fra {who} som linked open data"
    return f"Political plans of {who} as linked open data"


def plans_description(plans: Sequence[PlanFacts], lang: str) -> str:
    """The description of a dataset of one plan (its own description) or of several (a summary of counts)."""
    if len(plans) == 1:
        return plan_description(plans[0], lang)
    who = _names(list({p.municipality.iri: p.municipality for p in plans}.values()), lang)
    areas, goals = sum(len(p.areas) for p in plans), sum(len(p.goals) for p in plans)
    points, links = sum(len(p.initiatives) for p in plans), sum(p.accepted_links for p in plans)
    counts = _count_phrase(areas, goals, points, links, lang)
    if lang == "da":
        return f"{len(plans)} politiske planer fra {who} som linked open data: i alt {counts}."
    return f"{len(plans)} political plans of {who} as linked open data: in all {counts}."


def site_description(site: SiteFacts, lang: str) -> str:
    """The description of the site's dataset."""
    return plans_description(site.plans, lang)


def catalogue_title(site: SiteFacts, lang: str) -> str:
    """The catalogue's title."""
    who = _names(site.municipalities, lang)
    if lang == "da":
        return f"Datakatalog: politiske planer fra {who} som linked open data"
    return f"Data catalogue: political plans of {who} as linked open data"


def catalogue_description(site: SiteFacts, lang: str) -> str:
    """The catalogue's description."""
    if lang == "da":
        return f"Katalog over de datasæt, som dette websted udgiver: {site_title(site, 'da')}."
    return f"Catalogue of the datasets this site publishes: {site_title(site, 'en')}."


def clean_keyword(text: str, lang: str) -> str:
    """A keyword CKAN accepts as a tag: '&' spelled out, other punctuation dropped, spaces collapsed."""
    text = text.replace("&", f" {_AND.get(lang, 'og')} ")
    text = _TAG_FORBIDDEN.sub(" ", text)
    return " ".join(text.split())[:100]


def keywords(plans: Sequence[PlanFacts]) -> list[ox.Literal]:
    """Keywords: the municipalities, what every plan is, and (for one plan) its focus areas; da and en, sorted."""
    found: set[tuple[str, str]] = {
        ("da", "politisk plan"),
        ("en", "political plan"),
        ("da", "verdensmål"),
        ("en", "Sustainable Development Goals"),
        ("en", "linked open data"),
    }
    for plan in plans:
        found |= {("da", plan.municipality.label_da), ("en", plan.municipality.label_en)}
        if len(plans) == 1:
            found |= {("da", a.label_da) for a in plan.areas} | {("en", a.label_en) for a in plan.areas}
    cleaned = {(lang, clean_keyword(text, lang)) for lang, text in found if text}
    return [ox.Literal(text, language=lang) for lang, text in sorted(cleaned) if len(text) >= 2]


# ---------------------------------------------------------------- building triples


class TripleSet:
    """Triples being built: each once, returned in a fixed order."""

    def __init__(self) -> None:
        self._triples: set[ox.Triple] = set()

    def add(self, subject: Node, predicate: ox.NamedNode, obj: Term) -> None:
        """Add one triple."""
        self._triples.add(ox.Triple(subject, predicate, obj))

    def text(self, subject: Node, predicate: ox.NamedNode, value: str, lang: str) -> None:
        """Add a language-tagged text, unless it is empty."""
        if value:
            self.add(subject, predicate, ox.Literal(value, language=lang))

    def date(self, subject: Node, predicate: ox.NamedNode, value: str) -> None:
        """Add an xsd:date, unless it is empty."""
        if value:
            self.add(subject, predicate, ox.Literal(value, datatype=XSD_DATE))

    def sorted(self) -> list[ox.Triple]:
        """The triples, sorted by subject, predicate and object."""
        return sorted(self._triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _texts(out: TripleSet, subject: Node, predicate: ox.NamedNode, da: str, en: str) -> None:
    out.text(subject, predicate, da, "da")
    out.text(subject, predicate, en, "en")


def _agent(out: TripleSet, agent: AgentFacts) -> ox.NamedNode:
    """The agent as DCAT-AP wants it: foaf:Agent with foaf:name (and its ADMS type for a municipality).

    The data type a municipality plo:Municipality ⊑ org:FormalOrganization ⊑ org:Organization, which W3C ORG
    makes a foaf:Agent; the catalogue states that type, since harvesters do no inference.
    """
    node = ox.NamedNode(agent.iri)
    out.add(node, RDF_TYPE, FOAF_AGENT)
    for name in agent.names:
        out.add(node, FOAF_NAME, name)
    if agent.is_municipality:
        out.add(node, DCT_TYPE, LOCAL_AUTHORITY)
        out.add(LOCAL_AUTHORITY, RDF_TYPE, SKOS_CONCEPT)
        out.add(LOCAL_AUTHORITY, SKOS_PREF_LABEL, ox.Literal("Local Authority", language="en"))
        out.add(LOCAL_AUTHORITY, SKOS_IN_SCHEME, PUBLISHER_TYPE_SCHEME)
    return node


def _licence(out: TripleSet, config: Config) -> ox.NamedNode:
    if not re.fullmatch(r"https?://\S+", config.licence):
        raise ConfigError(f"licence must be the IRI of a licence, got {config.licence!r}")
    node = ox.NamedNode(config.licence)
    out.add(node, RDF_TYPE, DCT_LICENSE_DOCUMENT)
    return node


def _languages(out: TripleSet, langs: Sequence[str]) -> list[ox.NamedNode]:
    nodes = []
    for lang in langs:
        node = ox.NamedNode(str(EUAUTH.language) + "/" + LANGUAGE_CODES[lang])
        out.add(node, RDF_TYPE, DCT_LINGUISTIC_SYSTEM)
        out.add(node, SKOS_IN_SCHEME, LANGUAGE_SCHEME)
        nodes.append(node)
    return nodes


def _themes(out: TripleSet) -> list[ox.NamedNode]:
    out.add(DATA_THEME_SCHEME, RDF_TYPE, SKOS_CONCEPT_SCHEME)
    out.add(DATA_THEME_SCHEME, DCT_TITLE, ox.Literal(THEME_SCHEME_TITLE, language="en"))
    nodes = []
    for code, label_da, label_en in THEMES:
        node = ox.NamedNode(str(EUAUTH["data-theme"]) + "/" + code)
        out.add(node, RDF_TYPE, SKOS_CONCEPT)
        out.add(node, SKOS_IN_SCHEME, DATA_THEME_SCHEME)
        _texts(out, node, SKOS_PREF_LABEL, label_da, label_en)
        nodes.append(node)
    return nodes


def _label_for(policy: UrlPolicy, iri: str) -> str:
    """A blank-node label part for an IRI: its path under the base, else a hash of it."""
    if policy.is_local(iri) and policy.path(iri):
        return slugify(policy.path(iri))
    return hashlib.sha256(iri.encode()).hexdigest()[:16]


def _spatial(out: TripleSet, policy: UrlPolicy, municipalities: Sequence[AgentFacts]) -> list[Node]:
    """Denmark (EU country NAL), and each municipality as a dct:Location named as the data name it.

    The data describe the municipality as an organisation, not a place, and give it no place IRI (DAGI or
    similar), so its area is a blank dct:Location carrying only the municipality's own labels.
    """
    country = ox.NamedNode(str(EUAUTH.country) + "/" + MUNICIPALITY_COUNTRY)
    out.add(country, RDF_TYPE, DCT_LOCATION)
    out.add(country, SKOS_IN_SCHEME, COUNTRY_SCHEME)
    nodes: list[Node] = [country]
    for agent in municipalities:
        place = ox.BlankNode("dcat_location_" + _label_for(policy, agent.iri))
        out.add(place, RDF_TYPE, DCT_LOCATION)
        _texts(out, place, SKOS_PREF_LABEL, agent.label_da, agent.label_en)
        nodes.append(place)
    return nodes


def _contact(out: TripleSet, config: Config, policy: UrlPolicy) -> ox.NamedNode | None:
    """The configured contact point, or None when `contact_email` is empty."""
    email = config.contact_email.strip().removeprefix("mailto:")
    if not email:
        return None
    if not _EMAIL.fullmatch(email):
        raise ConfigError(f"contact_email must be an e-mail address, got {config.contact_email!r}")
    node = ox.NamedNode(policy.contact)
    out.add(node, RDF_TYPE, VCARD_KIND)
    out.add(node, VCARD_HAS_EMAIL, ox.NamedNode("mailto:" + email))
    if config.contact_name.strip():
        out.add(node, VCARD_FN, ox.Literal(config.contact_name.strip()))
    return node


@dataclass(frozen=True)
class _Shared:
    """Nodes every dataset of the catalogue points to."""

    licence: ox.NamedNode
    languages: list[ox.NamedNode]
    themes: list[ox.NamedNode]
    contact: ox.NamedNode | None
    shapes: ox.NamedNode


def _dataset(
    out: TripleSet, site: SiteFacts, shared: _Shared, iri: str, plans: Sequence[PlanFacts], title: tuple[str, str]
) -> ox.NamedNode:
    """The properties every dataset (the site's, or one plan's) has."""
    node = ox.NamedNode(iri)
    out.add(node, RDF_TYPE, DCAT_DATASET_CLASS)
    _texts(out, node, DCT_TITLE, *title)
    _texts(out, node, DCT_DESCRIPTION, plans_description(plans, "da"), plans_description(plans, "en"))
    out.add(node, DCT_IDENTIFIER, ox.Literal(iri))
    publishers = {p.publisher.iri for p in plans}
    publisher = plans[0].publisher if len(publishers) == 1 else site.publisher
    out.add(node, DCT_PUBLISHER, _agent(out, publisher))
    out.add(node, DCT_LICENSE, shared.licence)
    starts = [p.start for p in plans if p.start]
    ends = [p.last_date for p in plans if p.last_date]
    out.date(node, DCT_ISSUED, min(starts) if starts else "")
    modified = site.modified if node.value == site.policy.dataset else (max(ends) if ends else "")
    out.date(node, DCT_MODIFIED, modified)
    for theme in shared.themes:
        out.add(node, DCAT_THEME, theme)
    for language in shared.languages:
        out.add(node, DCT_LANGUAGE, language)
    municipalities = list({p.municipality.iri: p.municipality for p in plans}.values())
    for place in _spatial(out, site.policy, municipalities):
        out.add(node, DCT_SPATIAL, place)
    if starts:
        period = ox.BlankNode("dcat_period_" + min(starts).replace("-", ""))
        out.add(period, RDF_TYPE, DCT_PERIOD)
        out.date(period, DCAT_START_DATE, min(starts))
        out.add(node, DCT_TEMPORAL, period)
    for keyword in keywords(plans):
        out.add(node, DCAT_KEYWORD, keyword)
    out.add(node, DCT_CONFORMS_TO, shared.shapes)
    for source in sorted({s for p in plans for s in p.sources}):
        out.add(node, PROV_WAS_DERIVED_FROM, ox.NamedNode(source))
    if shared.contact is not None:
        out.add(node, DCAT_CONTACT_POINT, shared.contact)
    return node


def _checksum(out: TripleSet, d: Distribution) -> ox.BlankNode:
    node = ox.BlankNode("dcat_checksum_" + d.key)
    out.add(node, RDF_TYPE, SPDX_CHECKSUM_CLASS)
    out.add(node, SPDX_ALGORITHM, SPDX_SHA256)
    out.add(node, SPDX_CHECKSUM_VALUE, ox.Literal(d.sha256, datatype=XSD_HEX_BINARY))
    out.add(SPDX_SHA256, RDF_TYPE, SPDX_ALGORITHM_CLASS)
    return node


def _media_type(out: TripleSet, media_type: str) -> ox.NamedNode:
    node = media_type_iri(media_type)
    out.add(node, RDF_TYPE, DCT_MEDIA_TYPE)
    return node


def _distribution(out: TripleSet, policy: UrlPolicy, licence: ox.NamedNode, d: Distribution) -> ox.NamedNode:
    node = ox.NamedNode(policy.distribution(d.key))
    url = ox.NamedNode(policy.iri(d.path))
    out.add(node, RDF_TYPE, DCAT_DISTRIBUTION_CLASS)
    _texts(out, node, DCT_TITLE, d.title_da, d.title_en)
    out.add(node, DCAT_ACCESS_URL, url)
    out.add(node, DCAT_DOWNLOAD_URL, url)
    if d.content_media_type:
        out.add(node, DCAT_MEDIA_TYPE, _media_type(out, d.content_media_type))
    if d.compression:
        out.add(node, DCAT_COMPRESS_FORMAT, _media_type(out, d.compression))
    if d.package_format:
        out.add(node, DCAT_PACKAGE_FORMAT, _media_type(out, d.package_format))
    file_type = file_type_iri(d.file_type)
    out.add(file_type, RDF_TYPE, DCT_MEDIA_TYPE_OR_EXTENT)
    out.add(node, DCT_FORMAT, file_type)
    out.add(node, DCT_LICENSE, licence)
    out.add(node, SPDX_CHECKSUM, _checksum(out, d))
    out.add(node, DCAT_BYTE_SIZE, ox.Literal(str(d.byte_size), datatype=XSD_NON_NEGATIVE_INTEGER))
    return node


def _service(
    out: TripleSet, site: SiteFacts, shared: _Shared, datasets: Sequence[ox.NamedNode]
) -> tuple[ox.NamedNode, ox.NamedNode] | None:
    """The SPARQL data service and the distribution that reaches it (CKAN imports datasets only)."""
    if not site.endpoint:
        return None
    policy = site.policy
    service = ox.NamedNode(policy.service)
    endpoint = ox.NamedNode(site.endpoint)
    out.add(service, RDF_TYPE, DCAT_DATA_SERVICE)
    _texts(
        out,
        service,
        DCT_TITLE,
        f"SPARQL-endepunkt: {site_title(site, 'da')}",
        f"SPARQL endpoint: {site_title(site, 'en')}",
    )
    out.add(service, DCAT_ENDPOINT_URL, endpoint)
    out.add(service, DCT_CONFORMS_TO, SPARQL_PROTOCOL)
    out.add(SPARQL_PROTOCOL, RDF_TYPE, DCT_STANDARD)
    out.add(service, DCT_LICENSE, shared.licence)
    out.add(service, DCT_PUBLISHER, _agent(out, site.publisher))
    for theme in shared.themes:
        out.add(service, DCAT_THEME, theme)
    for dataset in datasets:
        out.add(service, DCAT_SERVES_DATASET, dataset)
    if shared.contact is not None:
        out.add(service, DCAT_CONTACT_POINT, shared.contact)
    distribution = ox.NamedNode(policy.distribution(SPARQL_KEY))
    out.add(distribution, RDF_TYPE, DCAT_DISTRIBUTION_CLASS)
    _texts(out, distribution, DCT_TITLE, "SPARQL-endepunkt", "SPARQL endpoint")
    out.add(distribution, DCAT_ACCESS_URL, endpoint)
    out.add(distribution, DCAT_ACCESS_SERVICE, service)
    out.add(distribution, DCT_LICENSE, shared.licence)
    sparql = file_type_iri(SPARQL_QUERY.eu_file_type)
    out.add(sparql, RDF_TYPE, DCT_MEDIA_TYPE_OR_EXTENT)
    out.add(distribution, DCT_FORMAT, sparql)
    return service, distribution


def _record(out: TripleSet, policy: UrlPolicy, dataset: ox.NamedNode, modified: str) -> ox.NamedNode:
    record = ox.NamedNode(policy.record(dataset.value))
    out.add(record, RDF_TYPE, DCAT_CATALOG_RECORD)
    out.add(record, FOAF_PRIMARY_TOPIC, dataset)
    path = policy.path(dataset.value)
    _texts(out, record, DCT_TITLE, f"Katalogpost for {path}", f"Catalogue record for {path}")
    out.date(record, DCT_MODIFIED, modified)
    out.add(record, DCT_CONFORMS_TO, DCAT_AP)
    out.add(DCAT_AP, RDF_TYPE, DCT_STANDARD)
    out.add(DCAT_AP, DCT_TITLE, ox.Literal("DCAT-AP 3.0.1", language="en"))
    return record


def edition_series(plans: Sequence[PlanFacts]) -> list[list[PlanFacts]]:
    """Groups of two or more plans linked by plo:follows (editions of one plan), each oldest first."""
    by_iri = {p.iri: p for p in plans}
    parent = {p.iri: p.iri for p in plans}

    def root(iri: str) -> str:
        while parent[iri] != iri:
            iri = parent[iri]
        return iri

    for plan in plans:
        for earlier in plan.follows:
            if earlier in by_iri:
                parent[root(plan.iri)] = root(earlier)
    groups: dict[str, list[PlanFacts]] = defaultdict(list)
    for plan in plans:
        groups[root(plan.iri)].append(plan)
    return [g for _, g in sorted(groups.items()) if len(g) > 1]


def _series(out: TripleSet, site: SiteFacts, group: Sequence[PlanFacts]) -> ox.NamedNode:
    """A dcat:DatasetSeries over the datasets of the plan editions in `group`."""
    first = group[0]
    slug = slugify(first.iri.rstrip("/").rsplit("/", 1)[-1])
    node = ox.NamedNode(site.policy.series(slug))
    out.add(node, RDF_TYPE, DCAT_DATASET_SERIES)
    out.add(node, RDF_TYPE, DCAT_DATASET_CLASS)
    titles = [(plan_title(p, "da"), plan_title(p, "en")) for p in group]
    _texts(out, node, DCT_TITLE, " → ".join(t[0] for t in titles), " → ".join(t[1] for t in titles))
    _texts(
        out,
        node,
        DCT_DESCRIPTION,
        "Udgaver af planen, ældste først: " + "; ".join(t[0] for t in titles) + ".",
        "Editions of the plan, oldest first: " + "; ".join(t[1] for t in titles) + ".",
    )
    out.add(node, DCT_PUBLISHER, _agent(out, first.publisher))
    out.date(node, DCT_ISSUED, first.start)
    out.date(node, DCT_MODIFIED, max((p.last_date for p in group), default=""))
    for plan in group:
        out.add(ox.NamedNode(site.policy.plan_dataset(plan.iri)), DCAT_IN_SERIES, node)
    return node


def catalogue_triples(
    config: Config,
    policy: UrlPolicy,
    data: Sequence[ox.Triple] | DataIndex,
    distributions: Sequence[Distribution],
    publisher: str | None = None,
) -> list[ox.Triple]:
    """The DCAT-AP 3.0.1 catalogue: catalogue, record(s), dataset(s), distributions and the SPARQL service.

    `data` is the dataset with the ontology (and reference vocabularies); `publisher` names the site's
    publisher when the plans have different ones.
    """
    check_distributions(distributions)
    site = site_facts(config, policy, data, publisher)
    out = TripleSet()
    shapes = ox.NamedNode(policy.shapes)
    out.add(shapes, RDF_TYPE, DCT_STANDARD)
    shared = _Shared(
        _licence(out, config), _languages(out, site.languages), _themes(out), _contact(out, config, policy), shapes
    )

    title = (site_title(site, "da"), site_title(site, "en"))
    dataset = _dataset(out, site, shared, policy.dataset, site.plans, title)
    for d in sorted(distributions, key=lambda d: d.key):
        out.add(dataset, DCAT_DISTRIBUTION, _distribution(out, policy, shared.licence, d))
    datasets = [dataset]
    if len(site.plans) > 1:
        # One dataset per plan, part of the site's dataset; with one plan the site's dataset is the plan's.
        for plan in site.plans:
            plan_titles = (plan_title(plan, "da"), plan_title(plan, "en"))
            part = _dataset(out, site, shared, policy.plan_dataset(plan.iri), [plan], plan_titles)
            out.add(dataset, DCT_HAS_PART, part)
            out.add(part, DCT_IS_PART_OF, dataset)
            datasets.append(part)
    service = _service(out, site, shared, datasets)
    if service is not None:
        out.add(dataset, DCAT_DISTRIBUTION, service[1])
    datasets += [_series(out, site, group) for group in edition_series(site.plans)]

    catalogue = ox.NamedNode(policy.catalogue)
    out.add(catalogue, RDF_TYPE, DCAT_CATALOG)
    _texts(out, catalogue, DCT_TITLE, catalogue_title(site, "da"), catalogue_title(site, "en"))
    _texts(out, catalogue, DCT_DESCRIPTION, catalogue_description(site, "da"), catalogue_description(site, "en"))
    out.add(catalogue, DCT_PUBLISHER, _agent(out, site.publisher))
    out.add(catalogue, DCT_LICENSE, shared.licence)
    # No dct:issued: when the catalogue was first published is not in the data.
    out.date(catalogue, DCT_MODIFIED, site.modified)
    for language in shared.languages:
        out.add(catalogue, DCT_LANGUAGE, language)
    for place in _spatial(out, policy, site.municipalities):
        out.add(catalogue, DCT_SPATIAL, place)
    out.add(catalogue, DCAT_THEME_TAXONOMY, DATA_THEME_SCHEME)
    for node in datasets:
        out.add(catalogue, DCAT_DATASET, node)
        out.add(catalogue, DCAT_RECORD, _record(out, policy, node, site.modified))
    if service is not None:
        out.add(catalogue, DCAT_SERVICE, service[0])
    return out.sorted()


# ---------------------------------------------------------------- VoID


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > 0 else iri


def _count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def void_triples(
    config: Config,
    policy: UrlPolicy,
    data: Sequence[ox.Triple] | DataIndex,
    distributions: Sequence[Distribution],
    publisher: str | None = None,
) -> list[ox.Triple]:
    """The VoID description of the site's dataset: statistics of `data`, dumps, endpoint and the SDG linkset.

    The counts describe exactly the triples passed in `data` (duplicates counted once): pass the dump's triples.
    """
    check_distributions(distributions)
    site = site_facts(config, policy, data, publisher)
    index = site.index
    out = TripleSet()
    dataset = ox.NamedNode(policy.dataset)
    out.add(dataset, RDF_TYPE, VOID_DATASET)
    _texts(out, dataset, DCT_TITLE, site_title(site, "da"), site_title(site, "en"))
    out.add(dataset, DCT_LICENSE, _licence(out, config))
    out.date(dataset, DCT_MODIFIED, site.modified)
    out.add(dataset, DCT_PUBLISHER, ox.NamedNode(site.publisher.iri))
    out.add(dataset, VOID_URI_SPACE, ox.Literal(policy.base))
    for d in sorted(distributions, key=lambda d: d.key):
        if d.is_dump:
            out.add(dataset, VOID_DATA_DUMP, ox.NamedNode(policy.iri(d.path)))
            content = d.content_format
            if content is not None and content.w3c_format:
                out.add(dataset, VOID_FEATURE, ox.NamedNode(content.w3c_format_iri))
    if site.endpoint:
        out.add(dataset, VOID_SPARQL_ENDPOINT, ox.NamedNode(site.endpoint))
    for plan in site.plans:
        out.add(dataset, VOID_EXAMPLE_RESOURCE, ox.NamedNode(plan.iri))

    # The statistics come from the index, which holds each distinct subject and object once.
    subjects = index.all_subjects()
    out.add(dataset, VOID_TRIPLES, _count(len(index.triples)))
    out.add(dataset, VOID_ENTITIES, _count(sum(1 for s in subjects if site.is_own(s))))
    out.add(dataset, VOID_DISTINCT_SUBJECTS, _count(len(subjects)))
    out.add(dataset, VOID_DISTINCT_OBJECTS, _count(index.object_count()))
    predicates = index.predicates()
    out.add(dataset, VOID_PROPERTIES, _count(len(predicates)))
    instances = {
        cls: members
        for cls in index.all_objects()
        if isinstance(cls, ox.NamedNode) and (members := index.subjects(RDF_TYPE, cls))
    }
    out.add(dataset, VOID_CLASSES, _count(len(instances)))
    for number, cls in enumerate(sorted(instances, key=str)):
        partition = ox.BlankNode(f"void_class_{number}")
        out.add(dataset, VOID_CLASS_PARTITION, partition)
        out.add(partition, VOID_CLASS, cls)
        out.add(partition, VOID_ENTITIES, _count(len(instances[cls])))
    vocabularies = {_namespace(p.value) for p in predicates} | {_namespace(c.value) for c in instances}
    for namespace in sorted(vocabularies):
        out.add(dataset, VOID_VOCABULARY, ox.NamedNode(namespace))

    sdg = str(SDG)
    links = sum(
        len(index.subjects(DCT_SUBJECT, o))
        for o in index.all_objects()
        if isinstance(o, ox.NamedNode) and o.value.startswith(sdg)
    )
    linkset = ox.BlankNode("void_linkset_un_sdg")
    out.add(dataset, VOID_SUBSET, linkset)
    out.add(linkset, RDF_TYPE, VOID_LINKSET)
    _texts(out, linkset, DCT_TITLE, "Koblinger til FN's verdensmål og delmål", "Links to the UN SDGs and targets")
    out.add(linkset, VOID_LINK_PREDICATE, DCT_SUBJECT)
    for predicate, target in ((VOID_SUBJECTS_TARGET, dataset), (VOID_OBJECTS_TARGET, SDG_KOS_DATASET)):
        out.add(linkset, predicate, target)
        out.add(linkset, VOID_TARGET, target)
    out.add(linkset, VOID_TRIPLES, _count(links))
    out.add(SDG_KOS_DATASET, RDF_TYPE, VOID_DATASET)
    out.add(SDG_KOS_DATASET, VOID_URI_SPACE, ox.Literal(str(SDG)))
    out.add(SDG_KOS_DATASET, FOAF_HOMEPAGE, SDG_KOS)
    for title in index.literals(SDG_KOS, DCT_TITLE):
        out.add(SDG_KOS_DATASET, DCT_TITLE, title)
    return out.sorted()


# ---------------------------------------------------------------- schema.org


def _schema_agent(agent: AgentFacts) -> dict[str, object]:
    return {"@type": "Person" if agent.is_person else "Organization", "@id": agent.iri, "name": agent.label_da}


def schema_org_dataset(
    config: Config,
    policy: UrlPolicy,
    data: Sequence[ox.Triple] | DataIndex,
    distributions: Sequence[Distribution],
    publisher: str | None = None,
) -> dict[str, object]:
    """The schema.org Dataset for the dataset page's <script type="application/ld+json"> (Google Dataset)."""
    check_distributions(distributions)
    site = site_facts(config, policy, data, publisher)
    iri = policy.dataset
    creators = {p.publisher.iri: p.publisher for p in site.plans}
    places: list[dict[str, object]] = [
        {
            "@type": "Place",
            "name": m.label_da,
            "address": {"@type": "PostalAddress", "addressCountry": MUNICIPALITY_COUNTRY_ISO2},
        }
        for m in site.municipalities
    ]
    result: dict[str, object] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": iri,
        "url": iri,
        "identifier": iri,
        "name": site_title(site, "da"),
        "alternateName": site_title(site, "en"),
        "description": site_description(site, "da"),
        "inLanguage": site.languages,
        "license": config.licence,
        "creator": [_schema_agent(a) for a in creators.values()],
        "publisher": _schema_agent(site.publisher),
        "keywords": [k.value for k in keywords(site.plans)],
        "spatialCoverage": places,
        "isBasedOn": site.sources,
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "@id": policy.catalogue,
            "name": catalogue_title(site, "da"),
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": d.title_da,
                "contentUrl": policy.iri(d.path),
                "encodingFormat": d.media_type,
                "contentSize": f"{d.byte_size} B",
                "sha256": d.sha256,
            }
            for d in sorted(distributions, key=lambda d: d.key)
        ],
    }
    if site.issued:
        result["datePublished"] = site.issued
        result["temporalCoverage"] = f"{site.issued}/.."
    if site.modified:
        result["dateModified"] = site.modified
    return result
