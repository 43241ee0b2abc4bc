"""The URI policy: which IRIs the site mints, where their documents live, how they are shown.

Stage: urls. Imports `namespaces` only.
Entity `{base}{path}` is written as `{out}/{path}/index.html` (so the bare IRI serves HTML on a static host),
with `{out}/{path}.ttl`, `.jsonld` and `.nt` beside it. HTML links are relative; RDF keeps canonical IRIs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .namespaces import STANDARD_PREFIXES

ONTOLOGY_PATH = "ontologi"
SHAPES_PATH = "shapes"
DATASET_PATH = "datasaet"
CATALOGUE_PATH = "katalog"
# Path segment of the English version of every page ({path}/en/); no entity path may use it.
ENGLISH_SEGMENT = "en"

_TRANSLITERATION = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def slugify(text: str) -> str:
    """A readable ASCII path segment for Danish text: 'Klima & Miljø' -> 'klima-og-miljoe'."""
    text = text.translate(_TRANSLITERATION).replace("&", " og ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True)
class UrlPolicy:
    """IRIs and document paths for one base IRI."""

    base: str

    @property
    def ontology(self) -> str:
        """The ontology's IRI."""
        return self.base + ONTOLOGY_PATH

    @property
    def ontology_ns(self) -> str:
        """The namespace of the ontology's terms."""
        return self.base + ONTOLOGY_PATH + "/"

    @property
    def shapes(self) -> str:
        """The IRI of the shapes graph."""
        return self.base + SHAPES_PATH

    @property
    def shapes_ns(self) -> str:
        """The namespace of the node shapes."""
        return self.base + SHAPES_PATH + "/"

    @property
    def dataset(self) -> str:
        """The IRI of the dataset the site publishes."""
        return self.base + DATASET_PATH

    @property
    def catalogue(self) -> str:
        """The IRI of the site's DCAT catalogue."""
        return self.base + CATALOGUE_PATH

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
