"""The downloads the catalogue lists: one `Distribution` per file of the site, checked before anything states it.

Stage: catalog. Imports `errors` and `formats`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import BuildError
from ..formats import FORMATS, Format, format_for_file_type, format_for_media_type

SPARQL_KEY = "sparql"


# The dump of the site's copy of the UN SDG KOS (VoID: the data dump of that dataset, the SDG linkset's target).
SDG_KOS_KEY = "sdg-kos"
# Distributions that are files of the site but not dumps of the dataset (VoID's void:dataDump).
NOT_DUMPS = frozenset({"ontology", "shapes", SDG_KOS_KEY})


_HEX64 = re.compile(r"[0-9a-f]{64}")


_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


_FILE_TYPE = re.compile(r"[A-Z0-9_]+")


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
