"""The formats table: one row per RDF document format the site publishes, used by build, serve and tests.

Stage: shared. Imports nothing from the package.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """A published document format."""

    name: str
    extension: str
    media_type: str
    # The EU Publications Office file-type code (http://publications.europa.eu/resource/authority/file-type/…).
    eu_file_type: str
    # Other media types clients send for the same format.
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The Content-Type header value, with charset for text formats."""
        return f"{self.media_type}; charset=utf-8"


TURTLE = Format("Turtle", ".ttl", "text/turtle", "RDF_TURTLE", ("application/x-turtle",))
JSONLD = Format("JSON-LD", ".jsonld", "application/ld+json", "JSON_LD")
NTRIPLES = Format("N-Triples", ".nt", "application/n-triples", "RDF_N_TRIPLES", ("text/plain+ntriples",))

# The per-entity document formats, in the order pages list them.
RDF_FORMATS: tuple[Format, ...] = (TURTLE, JSONLD, NTRIPLES)

HTML_MEDIA_TYPE = "text/html"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"


def format_for_media_type(media_type: str) -> Format | None:
    """The RDF format served for a media type, or None."""
    media_type = media_type.strip().lower()
    for fmt in RDF_FORMATS:
        if media_type == fmt.media_type or media_type in fmt.aliases:
            return fmt
    return None
