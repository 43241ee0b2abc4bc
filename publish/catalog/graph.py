"""Building the catalogue's triples: a set of triples in a fixed order, and the nodes every part of it states.

Stage: catalog. Imports `config`, `errors`, `formats`, `plans`, `rdfterms` and `vocab`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from ..config import Config
from ..errors import ConfigError
from ..formats import IANA_MEDIA_TYPES
from ..plans import AgentFacts
from ..rdfterms import Term
from ..vocab import (
    DCT_LICENSE_DOCUMENT,
    DCT_TITLE,
    DCT_TYPE,
    EU_FILE_TYPE_NS,
    FOAF_AGENT,
    FOAF_NAME,
    RDF_TYPE,
    SKOS_CONCEPT,
    SKOS_IN_SCHEME,
    SKOS_PREF_LABEL,
    XSD_DATE,
)

Node = ox.NamedNode | ox.BlankNode


LOCAL_AUTHORITY = ox.NamedNode("http://purl.org/adms/publishertype/LocalAuthority")


PUBLISHER_TYPE_SCHEME = ox.NamedNode("http://purl.org/adms/publishertype/1.0")


LICENCE_TYPE_SCHEME = ox.NamedNode("http://purl.org/adms/licencetype/1.0")


@dataclass(frozen=True)
class KnownLicence:
    """A licence the catalogue can name: its title (the EU licence list's English label, which is also the
    licence's own name) and its ADMS licence type, which DCAT-AP recommends on a licence document."""

    title: str
    # The ADMS licence type's code and English label (ADMS_SKOS_v1.00.rdf in shapes/dcat-ap/).
    licence_type: str
    licence_type_label: str


_CC_BY_4 = KnownLicence("Creative Commons Attribution 4.0 International", "Attribution", "Attribution")
_CC0 = KnownLicence("Creative Commons CC0 1.0 Universal", "PublicDomain", "Public domain")


# Licences by IRI, the EU licence list's and Creative Commons' own. A harvester such as CKAN's ckanext-dcat
# matches a licence against its licence register by IRI and, failing that, by dct:title; so the title lets a
# portal whose register knows the licence by another IRI (or by name only) still find it.
KNOWN_LICENCES: dict[str, KnownLicence] = {
    "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0": _CC_BY_4,
    "https://creativecommons.org/licenses/by/4.0/": _CC_BY_4,
    "http://publications.europa.eu/resource/authority/licence/CC0": _CC0,
    "https://creativecommons.org/publicdomain/zero/1.0/": _CC0,
}


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


def add_texts(out: TripleSet, subject: Node, predicate: ox.NamedNode, da: str, en: str) -> None:
    out.text(subject, predicate, da, "da")
    out.text(subject, predicate, en, "en")


def agent_node(out: TripleSet, agent: AgentFacts) -> ox.NamedNode:
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


def licence_node(out: TripleSet, config: Config) -> ox.NamedNode:
    """The configured licence as a dct:LicenseDocument, with its title and licence type when it is a known one."""
    if not re.fullmatch(r"https?://\S+", config.licence):
        raise ConfigError(f"licence must be the IRI of a licence, got {config.licence!r}")
    node = ox.NamedNode(config.licence)
    out.add(node, RDF_TYPE, DCT_LICENSE_DOCUMENT)
    known = KNOWN_LICENCES.get(config.licence)
    if known is not None:
        out.add(node, DCT_TITLE, ox.Literal(known.title, language="en"))
        licence_type = ox.NamedNode(f"http://purl.org/adms/licencetype/{known.licence_type}")
        out.add(node, DCT_TYPE, licence_type)
        out.add(licence_type, RDF_TYPE, SKOS_CONCEPT)
        out.add(licence_type, SKOS_IN_SCHEME, LICENCE_TYPE_SCHEME)
        out.add(licence_type, SKOS_PREF_LABEL, ox.Literal(known.licence_type_label, language="en"))
    return node


def media_type_iri(media_type: str) -> ox.NamedNode:
    """The IANA IRI of a media type."""
    return ox.NamedNode(IANA_MEDIA_TYPES + media_type)


def file_type_iri(code: str) -> ox.NamedNode:
    """The EU file-type IRI of a code."""
    return ox.NamedNode(EU_FILE_TYPE_NS + code)
