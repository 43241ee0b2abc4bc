"""The URI policy: every IRI the site mints and every path it writes, and the links between its pages.

Stage: shared (below every stage). Imports `formats` and `namespaces`.
No other module joins the base IRI with a path or spells a path of the site (tests/test_urls.py checks it): they
ask `UrlPolicy` (IRIs, which depend on the base) and the functions below (paths, which do not). Each folder and
file name of the site is one constant here, read when a path is made, so renaming one is a one-line change.

- Entities: `{base}{path}` is written as `{out}/{path}/index.html` (so the bare IRI serves HTML on a static host),
  `{out}/{path}/en/index.html` (English), and `{out}/{path}.ttl`, `.jsonld`, `.nt`. HTML links are relative
  (`relative`); RDF keeps canonical IRIs.
- The site's own records: the catalogue `katalog`, its records `katalog/post/{dataset path}`, the dataset
  `datasaet`, a plan's dataset `datasaet/{plan path}`, distributions `datasaet/distribution/{key}`, series
  `datasaet/serie/{slug}`, the provenance graph `datasaet/proveniens`, the SPARQL service `tjeneste/sparql`, the
  contact point `kontakt`; the ontology `ontologi` (terms `ontologi/{Term}`) and the shapes `shapes`.
- The data's own things (the shape of the IRIs in `data/`, and what `planlod sheet import` mints for new ones):
  a plan `plan/{municipality}/{slug}-{year}` (`plan/{slug}` for a plan without one), its focus areas
  `{plan}/omraade/{slug}` in the scheme `{plan}/omraader`, an area's headline goal `{area}/maal` and focus points
  `{area}/indsats/{n}`, an element's SDG link records `{element}/sdg/{code}` and text correction
  `{element}/rettelse`, the plan's source document `kilde/{municipality}/{slug}-{year}`, a municipality
  `kommune/{slug}` with its majority groups below it, and parties, people, agents, organisations, memberships and
  works in a folder each (`AGENT_FOLDERS`).
- The site's own files and pages: dumps `dump/`, exports `eksport/`, the coverage page and CSV, the data model,
  the SDG goal and target pages `sdg/{code}`, the static pages (`site/templates/pages/{name}.html` at `{name}/`),
  further pages of long value lists `{path}/vaerdier/…`, assets, source documents, catalogue, VoID, sitemap.
- IRIs minted in the data by convention, which `planlod suggest` writes: agents `agent/{slug}` (the suggester
  `agent/planlod-forslag`, a configured curator), SDG link records `{element}/sdg/{notation}`, suggestion runs
  `{plan}/sdg-forslag/{version}-{digest}`; and a plan's file of proposals, `{plan slug}-sdg-forslag.ttl`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from .formats import CSV, JSON, JSONLD, NTRIPLES, SITE_FILES, TSV, TURTLE, Format
from .namespaces import STANDARD_PREFIXES

# ---------------------------------------------------------------- the site's folders and files, one line each

ONTOLOGY_PATH = "ontologi"
SHAPES_PATH = "shapes"
# Namespace IRIs that are also documents: `{base}ontologi/` (the `plo:` namespace) and `{base}shapes/` name the
# ontology and the shapes graph, whose documents are `ontologi.ttl` … and whose pages are the folders' own.
NAMESPACE_PATHS = (ONTOLOGY_PATH, SHAPES_PATH)
DATASET_PATH = "datasaet"
CATALOGUE_PATH = "katalog"
RECORDS_SEGMENT = "post"
DISTRIBUTIONS_SEGMENT = "distribution"
SERIES_SEGMENT = "serie"
# A plan's dataset when the plan's own IRI is not under the base.
PLAN_DATASETS_SEGMENT = "plan"
PROVENANCE_SEGMENT = "proveniens"
# The copy of the UN SDG KOS the site publishes beside its dataset (a named graph, a VoID dataset, a dump).
SDG_KOS_SEGMENT = "fn-verdensmaal"
SERVICE_PATH = "tjeneste/sparql"
CONTACT_PATH = "kontakt"
# Path segment of the English version of every page ({path}/en/); no entity path may use it.
ENGLISH_SEGMENT = "en"
# Pages 2… of a property's values ({path}/vaerdier/ud-{curie}/{n}/); no entity path may use it.
VALUES_SEGMENT = "vaerdier"
OUTGOING_VALUES_PREFIX = "ud-"
INCOMING_VALUES_PREFIX = "ind-"
DUMP_FOLDER = "dump"
DUMP_NAME = "latest"
EXPORT_FOLDER = "eksport"
SDG_FOLDER = "sdg"
ASSETS_FOLDER = "assets"
SOURCES_FOLDER = "kilde"
CONTEXT_FOLDER = "context"
CONTEXT_NAME = "v1"
SERVER_FOLDER = "server"
COVERAGE_PAGE = "daekning"
DATAMODEL_PAGE = "datamodel"
# Static pages (site/templates/pages/{name}.html) the frame links to.
QUERY_PAGE = "foresporgsel"
ABOUT_PAGE = "om"
SEARCH_PAGE = "soeg"
# The site search's index, beside the search page: `soeg/indeks.json`.
SEARCH_INDEX_NAME = "indeks"
# Where `planlod serve` answers SPARQL, and the default of the `sparql_endpoint` setting.
SPARQL_PATH = "sparql"
CATALOGUE_NAME = "catalog"
VOID_FILE = "void.ttl"
VOID_WELL_KNOWN = ".well-known/void"
SITEMAP_FILE = "sitemap.xml"
ROBOTS_FILE = "robots.txt"
NGINX_FILE = "nginx.conf"
HTACCESS_FILE = ".htaccess"
COVERAGE_CSV = "daekning.csv"
SDG_LINKS_NAME = "sdg-koblinger"
# Minted in the data, not pages of the site: agents `agent/{slug}`; an element's SDG link records
# `{element}/sdg/{notation}` (the segment is the records', not the SDG pages' folder); the runs of `planlod suggest`
# `{plan}/sdg-forslag/{version}-{digest}`; a plan's file of proposals `{plan slug}-sdg-forslag.ttl` in the data.
AGENTS_FOLDER = "agent"
SUGGESTER_AGENT = "planlod-forslag"
SDG_LINK_SEGMENT = "sdg"
SUGGESTION_RUNS_SEGMENT = "sdg-forslag"
SDG_PROPOSALS_NAME = "sdg-forslag"
SSSOM_PROFILE = "sssom"
ONTOLOGY_DUMP_NAME = "ontology"
SHAPES_DUMP_NAME = "shapes"
# Files in the output folder that belong to the build, not to the site (never served).
PRIVATE_PREFIX = ".planlod-"
BUILD_MARKER = ".planlod-site"
BUILD_STATE = ".planlod-state"
# The dumps of the last build in parts (per data file), for the next build to reuse.
DUMP_PARTS = ".planlod-dumps"
# What the last build's validation learned (`validate.ValidationMemory.record`), for the next build to check again
# only what changed.
VALIDATION_RECORD = ".planlod-validation"
# The site's files as the build left them (path, size), for the check for files changed by hand.
BUILD_FILES = ".planlod-files"

# Every page is a folder's index file.
INDEX_FILE = "index.html"

LANGS = ("da", "en")

_TRANSLITERATION = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def slugify(text: str) -> str:
    """A readable ASCII path segment for Danish text: 'Klima & Miljø' -> 'klima-og-miljoe'."""
    text = text.translate(_TRANSLITERATION).replace("&", " og ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# ---------------------------------------------------------------- paths of the site (independent of the base)


def page_dir(path: str, lang: str) -> str:
    """The folder (relative to the site root) holding the page of a site path in a language."""
    folder = path.strip("/")
    if lang == "en":
        folder = f"{folder}/{ENGLISH_SEGMENT}" if folder else ENGLISH_SEGMENT
    return folder


def page(path: str, lang: str) -> str:
    """The page of a site path in a language, as a link target: its folder with a trailing slash."""
    return page_dir(path, lang) + "/"


def page_file(folder: str) -> str:
    """The file of the page in a folder of the site."""
    return f"{folder}/{INDEX_FILE}" if folder else INDEX_FILE


def is_page_file(path: str) -> bool:
    """Whether a file of the site is a page."""
    return path == INDEX_FILE or path.endswith("/" + INDEX_FILE)


def page_folder(path: str) -> str:
    """The folder of a page's file, as a link target: 'plan/x/' for 'plan/x/index.html', '' for the home page."""
    return path[: -len(INDEX_FILE)]


def other_lang(lang: str) -> str:
    """The page's other language."""
    return "en" if lang == "da" else "da"


def relative(from_dir: str, to_path: str) -> str:
    """A relative link from a page in folder `from_dir` to the site path `to_path` (a file or a folder/)."""
    is_folder = to_path.endswith("/") or to_path == ""
    target = to_path.strip("/")
    if from_dir == target:
        rel = "."
    elif not from_dir:
        rel = target or "."
    else:
        source = from_dir.split("/")
        first = source[0]
        if target.startswith(first) and (len(target) == len(first) or target[len(first)] == "/"):
            goal = target.split("/") if target else []
            common = 0
            for left, right in zip(source, goal, strict=False):
                if left != right:
                    break
                common += 1
            rel = "/".join([".."] * (len(source) - common) + goal[common:]) or "."
        else:
            # No folder in common (most links between pages): up to the root, then down to the target.
            rel = "../" * len(source) + target if target else "/".join([".."] * len(source))
    if is_folder:
        return "./" if rel == "." else rel + "/"
    return rel


def document(path: str, fmt: Format) -> str:
    """The file of an entity's document in a format: `{path}.ttl`."""
    return path + fmt.extension


def sdg_page(code: str) -> str:
    """The site path of an SDG goal's or target's page: `sdg/3.5`."""
    return f"{SDG_FOLDER}/{code}"


def values_folder(entity_path: str, outgoing: bool, curie: str) -> str:
    """The site path of the pages listing all values of one property of an entity (pages 2… below it)."""
    name = (OUTGOING_VALUES_PREFIX if outgoing else INCOMING_VALUES_PREFIX) + curie
    return f"{entity_path}/{VALUES_SEGMENT}/{re.sub(r'[^A-Za-z0-9._-]+', '-', name).strip('-')}"


def numbered(folder: str, number: int) -> str:
    """Page `number` of a run of pages in `folder`."""
    return f"{folder}/{number}"


def dump(fmt: Format) -> str:
    """The dump of the whole dataset in a format: `dump/latest.ttl`."""
    return f"{DUMP_FOLDER}/{DUMP_NAME}{fmt.extension}"


def sdg_kos_dump() -> str:
    """The copy of the UN SDG KOS the dataset links to, as N-Triples: `dump/fn-verdensmaal.nt`."""
    return f"{DUMP_FOLDER}/{SDG_KOS_SEGMENT}{NTRIPLES.extension}"


def ontology_dump() -> str:
    """The ontology as one Turtle file."""
    return f"{DUMP_FOLDER}/{ONTOLOGY_DUMP_NAME}{TURTLE.extension}"


def shapes_dump() -> str:
    """The shapes as one Turtle file."""
    return f"{DUMP_FOLDER}/{SHAPES_DUMP_NAME}{TURTLE.extension}"


def compressed(path: str, fmt: Format) -> str:
    """A file compressed in a format (gzip): `dump/latest.nt.gz`."""
    return path + fmt.extension


def sdg_proposals_file(plan_slug: str) -> str:
    """The name of the data file that holds a plan's proposed SDG links: `{plan slug}-sdg-forslag.ttl`."""
    return f"{plan_slug}-{SDG_PROPOSALS_NAME}{TURTLE.extension}"


def is_sdg_proposals_file(path: str) -> bool:
    """Whether a data file (its path or name) is a file of proposed SDG links."""
    return path.endswith(f"-{SDG_PROPOSALS_NAME}{TURTLE.extension}")


def sdg_links_csv_file() -> str:
    """The SDG links for researchers as a tidy CSV table."""
    return f"{EXPORT_FOLDER}/{SDG_LINKS_NAME}{CSV.extension}"


def sdg_links_sssom_file() -> str:
    """The SDG links for researchers as SSSOM/TSV."""
    return f"{EXPORT_FOLDER}/{SDG_LINKS_NAME}.{SSSOM_PROFILE}{TSV.extension}"


def coverage_csv_file() -> str:
    """The SDG coverage of every plan as CSV."""
    return COVERAGE_CSV


def catalogue_file(fmt: Format) -> str:
    """The catalogue in a format: `catalog.ttl`, `catalog.rdf`, `catalog.jsonld`."""
    return CATALOGUE_NAME + fmt.extension


def void_files() -> tuple[str, str]:
    """The VoID description: at `void.ttl` and at the well-known address."""
    return (VOID_FILE, VOID_WELL_KNOWN)


def context_file() -> str:
    """The versioned JSON-LD context."""
    return f"{CONTEXT_FOLDER}/{CONTEXT_NAME}{JSONLD.extension}"


def context_pattern() -> str:
    """A regular expression for every version of the JSON-LD context (such files never change)."""
    return rf"{re.escape(CONTEXT_FOLDER)}/v[0-9]+\.jsonld"


def fingerprinted_asset_pattern() -> str:
    """A regular expression for assets with a content hash in their name (such files never change)."""
    return rf"{re.escape(ASSETS_FOLDER)}/(?:[^/]+/)*[^/]*[.-][0-9a-f]{{8,}}\.[A-Za-z0-9]+"


def nginx_file() -> str:
    """The generated nginx rules."""
    return f"{SERVER_FOLDER}/{NGINX_FILE}"


def htaccess_file() -> str:
    """The generated Apache rules."""
    return HTACCESS_FILE


def robots_file() -> str:
    """robots.txt."""
    return ROBOTS_FILE


def sitemap_file() -> str:
    """sitemap.xml."""
    return SITEMAP_FILE


def asset(name: str) -> str:
    """A static asset (`site/assets/{name}`)."""
    return f"{ASSETS_FOLDER}/{name}"


def source_document(name: str) -> str:
    """A source document the data derive from (`data/kilder/{name}`)."""
    return f"{SOURCES_FOLDER}/{name}"


def static_page(name: str) -> str:
    """The site path of a static page (`site/templates/pages/{name}.html`)."""
    return name


def coverage_page() -> str:
    """The SDG coverage page."""
    return COVERAGE_PAGE


def datamodel_page() -> str:
    """The data model page."""
    return DATAMODEL_PAGE


def home_page() -> str:
    """The home page (the site root)."""
    return ""


def search_index_file() -> str:
    """The site search's index (JSON), read by the search page's script."""
    return f"{SEARCH_PAGE}/{SEARCH_INDEX_NAME}{JSON.extension}"


def is_private(path: str) -> bool:
    """Whether a path of the output folder is one of the build's own records, not part of the site."""
    return any(segment.startswith(PRIVATE_PREFIX) for segment in path.split("/"))


def site_folders() -> frozenset[str]:
    """First path segments that are the site's own pages and folders (besides the files it plans). The source
    documents' folder is not one: a source document is an entity too, and its file sits beside its pages."""
    return frozenset(
        {
            SDG_FOLDER,
            ASSETS_FOLDER,
            COVERAGE_PAGE,
            DATAMODEL_PAGE,
            SPARQL_PATH,
            SITEMAP_FILE,
            ENGLISH_SEGMENT,
        }
    )


def reserved_segments() -> frozenset[str]:
    """Path segments no entity may use anywhere: they name the site's own pages below an entity's."""
    return frozenset({ENGLISH_SEGMENT, VALUES_SEGMENT})


def site_first_segments() -> frozenset[str]:
    """First path segments of the site's own folders and pages (besides its static pages): no entity's path may
    start with one. The build plans files only in these (and in `.well-known`, which the rule on leading dots
    keeps out); file names with an extension are kept out by the rule on extensions."""
    return site_folders() | {DUMP_FOLDER, EXPORT_FOLDER, CONTEXT_FOLDER, SERVER_FOLDER}


# Characters an entity path may use (RFC 3986 unreserved, sub-delims and '/'): anything else would need
# percent-encoding in links and file names, and '?' or '#' would not be a path at all.
PATH_CHARACTERS = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/-]+")
# Segments ending like the site's files would collide with them (a document, a dump, a page).
DOCUMENT_SUFFIXES = tuple("." + extension for fmt in SITE_FILES for extension in fmt.extensions)
# A path of non-empty segments of letters, digits, '-', '_' and '~' alone: no dot, so no file ending either.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_~-]+(?:/[A-Za-z0-9_~-]+)*")
_RESERVED_ANYWHERE = reserved_segments()
# The longest name a file system gives a file is 255 bytes; an entity's last segment gets its longest extension.
MAX_SEGMENT_BYTES = 255 - max(len(suffix) for suffix in DOCUMENT_SUFFIXES)


def path_problem(path: str, reserved: frozenset[str] | set[str] | None = None) -> str | None:
    """Why an entity at this path (under the base IRI) cannot be published, or None: the one rule validation
    (`buildrules`) and the build (`siteplan`) apply. `reserved`: the first segments the site's own folders and
    pages use (default `site_first_segments()`; add the static pages)."""
    reserved = site_first_segments() if reserved is None else reserved
    segments = path.split("/")
    anywhere = _RESERVED_ANYWHERE
    # A path of plain segments (most are) passes the rules on empty and dot segments, characters and file endings.
    plain = _PLAIN_PATH.fullmatch(path) is not None
    if not plain and (not path or any(s in ("", ".", "..") for s in segments)):
        return "its path is empty or has an empty, '.' or '..' segment"
    if not plain and not PATH_CHARACTERS.fullmatch(path):
        return "its path has characters that need percent-encoding, a query string or a fragment"
    if not plain and any(s.startswith(".") for s in segments):
        return "a segment of its path starts with '.', which the site keeps for its own files"
    if anywhere.intersection(segments):
        names = " or ".join(repr(name) for name in sorted(anywhere))
        return f"its path uses a segment reserved for the site's own pages ({names})"
    if not plain and any(segment.lower().endswith(DOCUMENT_SUFFIXES) for segment in segments):
        return "a segment of its path ends like a file name (.ttl, .html, …), which would collide with a file"
    if segments[0] in reserved:
        return f"its path starts with {segments[0]!r}, a file or folder of the site itself"
    long = next((s for s in segments if len(s.encode("utf-8")) > MAX_SEGMENT_BYTES), None)
    if long is not None:
        return f"a segment of its path is {len(long.encode('utf-8'))} bytes long; files allow {MAX_SEGMENT_BYTES}"
    return None


# ---------------------------------------------------------------- the data's own things (IRIs or site paths)
# These work on an IRI and on a path alike: they add segments to, or read segments of, what they are given.

PLAN_FOLDER = "plan"
AREA_SEGMENT = "omraade"
AREA_SCHEME_SEGMENT = "omraader"
GOAL_SEGMENT = "maal"
INITIATIVE_SEGMENT = "indsats"
SDG_LINK_SEGMENT = "sdg"
CORRECTION_SEGMENT = "rettelse"
MUNICIPALITY_FOLDER = "kommune"
# A majority group of no known municipality.
MAJORITY_GROUP_FOLDER = "flertalsgruppe"
# The folder of a new agent, membership or work, by what it is.
AGENT_FOLDERS = {
    "municipality": MUNICIPALITY_FOLDER,
    "party": "parti",
    "person": "person",
    "agent": "agent",
    "organisation": "organisation",
    "membership": "medlemskab",
    "work": "henvisning",
}


def plan_path(slug: str, municipality: str = "") -> str:
    """A plan of a municipality (its last path segment, `hedensted`): `plan/hedensted/{slug}`."""
    return f"{PLAN_FOLDER}/{municipality}/{slug}" if municipality else f"{PLAN_FOLDER}/{slug}"


def plan_source_path(plan: str) -> str:
    """The source document of a plan (its site path): `kilde/hedensted/{slug}` for `plan/hedensted/{slug}`."""
    return source_document(plan.removeprefix(PLAN_FOLDER + "/"))


def areas_scheme(plan: str) -> str:
    """The concept scheme of a plan's focus areas."""
    return f"{plan}/{AREA_SCHEME_SEGMENT}"


def area_path(plan: str, slug: str) -> str:
    """A focus area of a plan."""
    return f"{areas_prefix(plan)}{slug}"


def areas_prefix(plan: str) -> str:
    """What every focus area of a plan starts with; the rest is the area's slug and its parts' segments."""
    return f"{plan}/{AREA_SEGMENT}/"


def goal_path(area: str) -> str:
    """The headline goal of a focus area."""
    return f"{area}/{GOAL_SEGMENT}"


def is_goal_path(element: str) -> bool:
    """Whether an element's IRI or path is a headline goal's."""
    return element.endswith("/" + GOAL_SEGMENT)


def initiative_path(area: str, number: int | str) -> str:
    """The focus point `number` of a focus area."""
    return f"{initiatives_prefix(area)}{number}"


def initiatives_prefix(area: str) -> str:
    """What every focus point of an area starts with; the rest is its number."""
    return f"{area}/{INITIATIVE_SEGMENT}/"


def element_area(element: str) -> str:
    """The focus area an element belongs to: the area itself, or the area of a headline goal or focus point."""
    return element.removesuffix("/" + GOAL_SEGMENT).split(f"/{INITIATIVE_SEGMENT}/", 1)[0]


def is_initiative_path(element: str) -> bool:
    """Whether an element's IRI or path is a focus point's."""
    return f"/{INITIATIVE_SEGMENT}/" in element


def sdg_link_path(element: str, code: str) -> str:
    """The record of an element's link to an SDG goal or target (its code: `3`, `3.5`)."""
    return f"{element}/{SDG_LINK_SEGMENT}/{code}"


def sdg_link_parts(link: str) -> tuple[str, str] | None:
    """The element and the SDG code of a link record's IRI or path, or None for another IRI."""
    element, separator, code = link.rpartition(f"/{SDG_LINK_SEGMENT}/")
    return (element, code) if separator and element and code and "/" not in code else None


def correction_path(element: str) -> str:
    """The text correction of an element."""
    return f"{element}/{CORRECTION_SEGMENT}"


def corrected_element(correction: str) -> str:
    """The element a text correction's IRI or path corrects."""
    return correction.removesuffix("/" + CORRECTION_SEGMENT)


def municipality_path(slug: str) -> str:
    """A municipality: `kommune/hedensted`."""
    return f"{MUNICIPALITY_FOLDER}/{slug}"


def municipality_slug(path: str) -> str:
    """The slug of a municipality's site path (`hedensted` for `kommune/hedensted`), '' for any other path."""
    folder, _, slug = path.partition("/")
    return slug if folder == MUNICIPALITY_FOLDER and slug and "/" not in slug else ""


def majority_group_path(municipality: str, slug: str) -> str:
    """A majority group: below its municipality (its slug), else in a folder of its own."""
    return f"{municipality_path(municipality)}/{slug}" if municipality else f"{MAJORITY_GROUP_FOLDER}/{slug}"


def agent_path(kind: str, slug: str) -> str:
    """A new agent, membership or work of a kind of `AGENT_FOLDERS`: `parti/sf`."""
    return f"{AGENT_FOLDERS[kind]}/{slug}"


# ---------------------------------------------------------------- links in a page's frame


class PageLinks:
    """The links every page's frame and the site pages use, relative to the page in folder `here`."""

    def __init__(self, here: str, lang: str) -> None:
        self.here = here
        self.lang = lang

    def to(self, path: str) -> str:
        """A link to a file or folder (with a trailing slash) of the site."""
        return relative(self.here, path)

    def to_page(self, path: str) -> str:
        """A link to a page of the site in the page's language."""
        return relative(self.here, page(path, self.lang))

    def to_iri(self, iri: str, base: str) -> str:
        """A link to an IRI: relative when it is under the base, else the IRI itself."""
        return relative(self.here, iri[len(base) :]) if iri.startswith(base) else iri

    def asset(self, name: str) -> str:
        """A link to a static asset (`site/assets/{name}`)."""
        return self.to(asset(name))

    @property
    def site_root(self) -> str:
        """The site's root folder."""
        return self.to("")

    @property
    def home(self) -> str:
        """The home page."""
        return self.to_page(home_page())

    @property
    def coverage(self) -> str:
        """The SDG coverage page."""
        return self.to_page(COVERAGE_PAGE)

    @property
    def query(self) -> str:
        """The query page."""
        return self.to_page(QUERY_PAGE)

    @property
    def dataset(self) -> str:
        """The dataset's page (downloads)."""
        return self.to_page(DATASET_PATH)

    @property
    def datamodel(self) -> str:
        """The data model page."""
        return self.to_page(DATAMODEL_PAGE)

    @property
    def ontology(self) -> str:
        """The ontology's page."""
        return self.to_page(ONTOLOGY_PATH)

    def ontology_term(self, name: str) -> str:
        """The page of a term of the ontology (`plo:{name}`)."""
        return self.to_page(ONTOLOGY_PATH + "/" + name)

    @property
    def about(self) -> str:
        """The page about the data."""
        return self.to_page(ABOUT_PAGE)

    @property
    def search(self) -> str:
        """The search page."""
        return self.to_page(SEARCH_PAGE)

    @property
    def search_index(self) -> str:
        """The site search's index."""
        return self.to(search_index_file())

    @property
    def search_script(self) -> str:
        """The search page's script."""
        return self.asset("search.js")

    @property
    def style(self) -> str:
        """The style sheet."""
        return self.asset("style.css")

    @property
    def query_script(self) -> str:
        """The query page's script."""
        return self.asset("query.js")

    @property
    def catalogue(self) -> str:
        """The catalogue as Turtle."""
        return self.to(catalogue_file(TURTLE))

    @property
    def void(self) -> str:
        """The VoID description."""
        return self.to(VOID_FILE)

    @property
    def dump_turtle(self) -> str:
        """The whole dataset as Turtle."""
        return self.to(dump(TURTLE))

    @property
    def coverage_csv(self) -> str:
        """The SDG coverage as CSV."""
        return self.to(coverage_csv_file())

    @property
    def sdg_links_csv(self) -> str:
        """The SDG links as CSV."""
        return self.to(sdg_links_csv_file())

    @property
    def sdg_links_sssom(self) -> str:
        """The SDG links as SSSOM."""
        return self.to(sdg_links_sssom_file())


# ---------------------------------------------------------------- IRIs (under the base)


@dataclass(frozen=True)
class UrlPolicy:
    """IRIs and document paths for one base IRI."""

    base: str

    def iri(self, path: str) -> str:
        """The IRI of a site path: the base and the path."""
        return self.base + path

    def setting(self, value: str) -> str:
        """A setting that names an IRI (publisher, SPARQL endpoint): absolute, or relative to the base (a leading
        slash too); '' stays ''."""
        value = value.strip()
        if not value or "://" in value:
            return value
        return self.base + value.lstrip("/")

    def endpoint(self, setting: str) -> str:
        """The IRI of the SPARQL endpoint for the `sparql_endpoint` setting, or '' when none is configured."""
        return self.setting(setting)

    @cached_property
    def ontology(self) -> str:
        """The ontology's IRI."""
        return self.base + ONTOLOGY_PATH

    @cached_property
    def ontology_ns(self) -> str:
        """The namespace of the ontology's terms."""
        return self.base + ONTOLOGY_PATH + "/"

    @cached_property
    def shapes(self) -> str:
        """The IRI of the shapes graph."""
        return self.base + SHAPES_PATH

    @cached_property
    def shapes_ns(self) -> str:
        """The namespace of the node shapes."""
        return self.base + SHAPES_PATH + "/"

    @cached_property
    def dataset(self) -> str:
        """The IRI of the dataset the site publishes."""
        return self.base + DATASET_PATH

    @cached_property
    def catalogue(self) -> str:
        """The IRI of the site's DCAT catalogue."""
        return self.base + CATALOGUE_PATH

    def plan_dataset(self, plan: str) -> str:
        """The IRI of one plan's dataset (used when the site holds several plans)."""
        if self.is_local(plan):
            return f"{self.dataset}/{self.path(plan)}"
        return f"{self.dataset}/{PLAN_DATASETS_SEGMENT}/{slugify(plan.rstrip('/').rsplit('/', 1)[-1])}"

    def record(self, dataset: str) -> str:
        """The IRI of the catalogue record of a dataset minted under the base."""
        return f"{self.catalogue}/{RECORDS_SEGMENT}/{self.path(dataset)}"

    def distribution(self, key: str) -> str:
        """The IRI of a distribution of the site's dataset."""
        return f"{self.dataset}/{DISTRIBUTIONS_SEGMENT}/{key}"

    def series(self, slug: str) -> str:
        """The IRI of a series of plan editions."""
        return f"{self.dataset}/{SERIES_SEGMENT}/{slug}"

    @property
    def provenance_graph(self) -> str:
        """The name of the dump's provenance graph."""
        return f"{self.dataset}/{PROVENANCE_SEGMENT}"

    @property
    def sdg_kos(self) -> str:
        """The IRI of the site's copy of the UN SDG KOS: a VoID dataset, and the name of its graph in the TriG dump
        and behind /sparql."""
        return f"{self.dataset}/{SDG_KOS_SEGMENT}"

    @property
    def service(self) -> str:
        """The IRI of the SPARQL data service."""
        return self.base + SERVICE_PATH

    @property
    def contact(self) -> str:
        """The IRI of the contact point."""
        return self.base + CONTACT_PATH

    @property
    def dataset_graph(self) -> str:
        """The name of the graph that holds the dataset in a store: the IRI of its N-Triples dump."""
        return self.base + dump(NTRIPLES)

    @property
    def sitemap(self) -> str:
        """The sitemap's IRI."""
        return self.base + SITEMAP_FILE

    def agent(self, slug: str) -> str:
        """The IRI of an agent described in the data (a curator, the project): `agent/{slug}`."""
        return f"{self.base}{AGENTS_FOLDER}/{slug}"

    @property
    def suggester(self) -> str:
        """The IRI of `planlod suggest` as a software agent."""
        return self.agent(SUGGESTER_AGENT)

    def sdg_link(self, element: str, notation: str) -> str:
        """The IRI of the SDG link record from an element to a goal or target: `{element}/sdg/3.5`."""
        return f"{element}/{SDG_LINK_SEGMENT}/{notation}"

    def suggestion_run(self, plan: str, name: str) -> str:
        """The IRI of a run of `planlod suggest` on a plan: `{plan}/sdg-forslag/{name}`."""
        return f"{plan}/{SUGGESTION_RUNS_SEGMENT}/{name}"

    def page_iri(self, folder: str) -> str:
        """The canonical IRI of a page in a folder of the site (with its trailing slash)."""
        return self.base + folder + "/"

    def prefixes(self) -> tuple[tuple[str, str], ...]:
        """The fixed prefix table for output, the project's own namespaces first."""
        return (("plo", self.ontology_ns), *STANDARD_PREFIXES)

    def is_local(self, iri: str) -> bool:
        """Whether the IRI is minted under the base (and so gets documents)."""
        return iri.startswith(self.base) and "#" not in iri[len(self.base) :]

    def path(self, iri: str) -> str:
        """The IRI's path under the base ('' for the base itself)."""
        if not self.is_local(iri):
            raise ValueError(f"{iri} is not under {self.base}")
        return iri[len(self.base) :]

    def publish_problem(self, iri: str, reserved: frozenset[str] | set[str] | None = None) -> str | None:
        """Why the site cannot publish this IRI minted under the base (see `path_problem`), or None."""
        return path_problem(self.path(iri), reserved)

    def short(self, iri: str) -> str:
        """A short name for messages: the path under the base, a prefixed name, or the IRI in brackets."""
        if iri.startswith(self.ontology_ns):
            return "plo:" + iri[len(self.ontology_ns) :]
        if self.is_local(iri):
            return self.path(iri) or "/"
        for prefix, namespace in STANDARD_PREFIXES:
            if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9_.\-]+", iri[len(namespace) :] or "-"):
                return f"{prefix}:{iri[len(namespace) :]}"
        return f"<{iri}>"
