"""The formats table: one row per format the site publishes or /sparql answers in. Everything reads it.

Stage: shared (below every stage). Imports `vocab` (the EU file-type namespace) and pyoxigraph's format names.
Readers: serialisation and the per-entity documents (`RDF_FORMATS`), loading the inputs (`INPUT_FORMATS`),
`serve` (file types, entity negotiation), the generated nginx and Apache rules (`SITE_FILES`, `DATA_FILES`),
the catalogue's distributions (EU file types, W3C format IRIs, compression), `/sparql` (`SOLUTION_FORMATS`,
`GRAPH_FORMATS`), `push` and the tests. A new output format is a new row here (and, for a new dump, a row of
the dumps table in `dumps`).

Rows with extensions are files of the site; their order is the order the server rules list them. Rows without
extensions are what `/sparql` answers in besides the files' formats.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .vocab import EU_FILE_TYPE_NS

W3C_FORMATS_NS = "http://www.w3.org/ns/formats/"
# IANA's register of media types: `{IANA_MEDIA_TYPES}text/turtle` names the media type text/turtle.
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Format:
    """A format: how files of it are named, typed, negotiated, catalogued and written."""

    name: str
    # File name extensions without the dot; the first is the one planlod writes. Empty: not a file of the site.
    extensions: tuple[str, ...]
    media_type: str
    # The Content-Type header value: the media type with its parameters (charset=utf-8 on text formats).
    content_type: str
    # Other media types clients send for exactly this format, accepted wherever it is negotiated: at entity IRIs
    # (by `serve` and the generated rules) and by /sparql.
    aliases: tuple[str, ...] = ()
    # Media types /sparql also reads as a request for this format of result: generic types (`application/json`,
    # `application/xml`) and unregistered names some clients send. Entity IRIs leave them out, so that
    # `Accept: application/json` there is not taken for JSON-LD.
    result_aliases: tuple[str, ...] = ()
    # The EU Publications Office file-type code (http://publications.europa.eu/resource/authority/file-type/…).
    eu_file_type: str = ""
    # The W3C format name (http://www.w3.org/ns/formats/…), for VoID features and the service description.
    w3c_format: str = ""
    # pyoxigraph's reader and writer for it (RDF), or for SPARQL results.
    rdf_format: ox.RdfFormat | None = None
    results_format: ox.QueryResultsFormat | None = None
    # A compressed container (whose content has a format of its own).
    compression: bool = False
    # A data file: RDF documents, dumps, exports. The server rules send CORS and the licence link with them.
    data: bool = False

    @property
    def extension(self) -> str:
        """The extension planlod writes, with its dot: '.ttl'."""
        return "." + self.extensions[0]

    @property
    def media_types(self) -> tuple[str, ...]:
        """The media type and its aliases."""
        return (self.media_type, *self.aliases)

    @property
    def result_media_types(self) -> tuple[str, ...]:
        """Every media type /sparql reads as this format."""
        return (self.media_type, *self.aliases, *self.result_aliases)

    @property
    def eu_file_type_iri(self) -> str:
        """The EU file-type IRI, or '' when the format has none."""
        return EU_FILE_TYPE_NS + self.eu_file_type if self.eu_file_type else ""

    @property
    def w3c_format_iri(self) -> str:
        """The W3C format IRI, or '' when the format has none."""
        return W3C_FORMATS_NS + self.w3c_format if self.w3c_format else ""


def _text(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


HTML = Format("HTML", ("html",), "text/html", _text("text/html"), ("application/xhtml+xml",), eu_file_type="HTML")
TURTLE = Format(
    "Turtle",
    ("ttl",),
    "text/turtle",
    _text("text/turtle"),
    ("application/x-turtle",),
    ("application/turtle",),
    "RDF_TURTLE",
    "Turtle",
    ox.RdfFormat.TURTLE,
    data=True,
)
JSONLD = Format(
    "JSON-LD",
    ("jsonld",),
    "application/ld+json",
    _text("application/ld+json"),
    (),
    ("application/x-json+ld", "application/json"),
    "JSON_LD",
    "JSON-LD",
    ox.RdfFormat.JSON_LD,
    data=True,
)
NTRIPLES = Format(
    "N-Triples",
    ("nt",),
    "application/n-triples",
    _text("application/n-triples"),
    ("text/plain+ntriples",),
    (),
    "RDF_N_TRIPLES",
    "N-Triples",
    ox.RdfFormat.N_TRIPLES,
    data=True,
)
TRIG = Format(
    "TriG",
    ("trig",),
    "application/trig",
    _text("application/trig"),
    eu_file_type="RDF_TRIG",
    w3c_format="TriG",
    rdf_format=ox.RdfFormat.TRIG,
    data=True,
)
NQUADS = Format(
    "N-Quads",
    ("nq",),
    "application/n-quads",
    _text("application/n-quads"),
    eu_file_type="RDF_N_QUADS",
    w3c_format="N-Quads",
    rdf_format=ox.RdfFormat.N_QUADS,
    data=True,
)
RDFXML = Format(
    "RDF/XML",
    ("rdf",),
    "application/rdf+xml",
    _text("application/rdf+xml"),
    result_aliases=("application/xml", "text/xml"),
    eu_file_type="RDF_XML",
    w3c_format="RDF_XML",
    rdf_format=ox.RdfFormat.RDF_XML,
    data=True,
)
GZIP = Format(
    "gzip",
    ("gz",),
    "application/gzip",
    "application/gzip",
    ("application/x-gzip",),
    eu_file_type="GZIP",
    compression=True,
    data=True,
)
CSV = Format("CSV", ("csv",), "text/csv", _text("text/csv"), eu_file_type="CSV", data=True)
TSV = Format(
    "TSV", ("tsv",), "text/tab-separated-values", _text("text/tab-separated-values"), eu_file_type="TSV", data=True
)
SPARQL_QUERY = Format(
    "SPARQL query", ("rq",), "application/sparql-query", _text("application/sparql-query"), eu_file_type="SPARQLQ"
)
XML = Format("XML", ("xml",), "application/xml", _text("application/xml"), eu_file_type="XML")
TEXT = Format("plain text", ("txt",), "text/plain", _text("text/plain"), eu_file_type="TXT")
CSS = Format("CSS", ("css",), "text/css", _text("text/css"), eu_file_type="CSS")
JAVASCRIPT = Format("JavaScript", ("js", "mjs"), "text/javascript", _text("text/javascript"), eu_file_type="JS")
JSON = Format("JSON", ("json", "map"), "application/json", "application/json", eu_file_type="JSON")
WEB_MANIFEST = Format("web app manifest", ("webmanifest",), "application/manifest+json", "application/manifest+json")
SVG = Format("SVG", ("svg",), "image/svg+xml", "image/svg+xml", eu_file_type="SVG")
PNG = Format("PNG", ("png",), "image/png", "image/png", eu_file_type="PNG")
JPEG = Format("JPEG", ("jpg", "jpeg"), "image/jpeg", "image/jpeg", eu_file_type="JPEG")
GIF = Format("GIF", ("gif",), "image/gif", "image/gif", eu_file_type="GIF")
WEBP = Format("WebP", ("webp",), "image/webp", "image/webp", eu_file_type="WEBP")
AVIF = Format("AVIF", ("avif",), "image/avif", "image/avif")
ICON = Format("icon", ("ico",), "image/x-icon", "image/x-icon")
WOFF = Format("WOFF", ("woff",), "font/woff", "font/woff")
WOFF2 = Format("WOFF2", ("woff2",), "font/woff2", "font/woff2")
PDF = Format("PDF", ("pdf",), "application/pdf", "application/pdf", eu_file_type="PDF")
# A plan's source document as Word wrote it (`planlod sheet from-text` reads it; the site serves it from kilde/).
DOCX = Format(
    "Word document",
    ("docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    eu_file_type="DOCX",
)

# SPARQL results (SELECT and ASK), which are no files of the site.
SPARQL_JSON = Format(
    "SPARQL JSON results",
    (),
    "application/sparql-results+json",
    _text("application/sparql-results+json"),
    result_aliases=("application/json", "text/javascript", "application/javascript"),
    w3c_format="SPARQL_Results_JSON",
    results_format=ox.QueryResultsFormat.JSON,
)
SPARQL_XML = Format(
    "SPARQL XML results",
    (),
    "application/sparql-results+xml",
    _text("application/sparql-results+xml"),
    result_aliases=("application/xml", "text/xml"),
    w3c_format="SPARQL_Results_XML",
    results_format=ox.QueryResultsFormat.XML,
)
SPARQL_CSV = Format(
    "SPARQL CSV results",
    (),
    "text/csv",
    _text("text/csv"),
    w3c_format="SPARQL_Results_CSV",
    results_format=ox.QueryResultsFormat.CSV,
)
SPARQL_TSV = Format(
    "SPARQL TSV results",
    (),
    "text/tab-separated-values",
    _text("text/tab-separated-values"),
    w3c_format="SPARQL_Results_TSV",
    results_format=ox.QueryResultsFormat.TSV,
)

# What a SPARQL protocol request's body is (`POST /sparql`), besides a query (`SPARQL_QUERY`).
SPARQL_UPDATE = Format("SPARQL update", (), "application/sparql-update", _text("application/sparql-update"))
FORM = Format("HTML form", (), "application/x-www-form-urlencoded", "application/x-www-form-urlencoded")

# The table. Files of the site first, in the order the server rules list them.
FORMATS: tuple[Format, ...] = (
    HTML,
    TURTLE,
    JSONLD,
    NTRIPLES,
    TRIG,
    NQUADS,
    RDFXML,
    GZIP,
    CSV,
    TSV,
    SPARQL_QUERY,
    XML,
    TEXT,
    CSS,
    JAVASCRIPT,
    JSON,
    WEB_MANIFEST,
    SVG,
    PNG,
    JPEG,
    GIF,
    WEBP,
    AVIF,
    ICON,
    WOFF,
    WOFF2,
    PDF,
    DOCX,
    SPARQL_JSON,
    SPARQL_XML,
    SPARQL_CSV,
    SPARQL_TSV,
    SPARQL_UPDATE,
    FORM,
)

# Selections of the table.
# The per-entity document formats, in the order pages list them.
RDF_FORMATS: tuple[Format, ...] = (TURTLE, JSONLD, NTRIPLES)
# The formats of the input files (data, ontology, shapes).
INPUT_FORMATS: tuple[Format, ...] = (TURTLE, NTRIPLES)
# Files of the site, and the data files among them.
SITE_FILES: tuple[Format, ...] = tuple(f for f in FORMATS if f.extensions)
DATA_FILES: tuple[Format, ...] = tuple(f for f in SITE_FILES if f.data)
# /sparql: SELECT and ASK results, and CONSTRUCT and DESCRIBE results (and the service description); the first
# of each is the default.
SOLUTION_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV)
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML)
# The content type of a file whose extension the table does not know.
DEFAULT_CONTENT_TYPE = "application/octet-stream"

HTML_MEDIA_TYPE = HTML.media_type
HTML_CONTENT_TYPE = HTML.content_type

_BY_EXTENSION = {extension: f for f in SITE_FILES for extension in f.extensions}
_BY_FILE_TYPE = {f.eu_file_type: f for f in FORMATS if f.eu_file_type and f.extensions}


def format_for_extension(extension: str) -> Format | None:
    """The file format with this extension ('ttl' or '.ttl'), or None."""
    return _BY_EXTENSION.get(extension.lstrip(".").lower())


def format_for_name(name: str) -> Format | None:
    """The format of a file by its name (its last extension), or None."""
    base = name.rsplit("/", 1)[-1]
    return format_for_extension(base.rsplit(".", 1)[-1]) if "." in base else None


def content_type_for_name(name: str) -> str:
    """The Content-Type of a file of the site, by its name."""
    found = format_for_name(name)
    return found.content_type if found is not None else DEFAULT_CONTENT_TYPE


def format_for_file_type(code: str) -> Format | None:
    """The file format with this EU file-type code, or None."""
    return _BY_FILE_TYPE.get(code)


def format_for_media_type(media_type: str, formats: tuple[Format, ...] = RDF_FORMATS) -> Format | None:
    """The format among `formats` (the entity documents by default) with this media type or alias, or None."""
    media_type = media_type.strip().lower()
    for fmt in formats:
        if media_type in fmt.media_types:
            return fmt
    return None


def site_file_types() -> tuple[tuple[str, str], ...]:
    """(extension, Content-Type) of every kind of file the site holds, in the table's order."""
    return tuple((extension, f.content_type) for f in SITE_FILES for extension in f.extensions)
