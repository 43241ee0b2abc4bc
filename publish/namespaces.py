"""Namespaces of the vocabularies planlod reads and writes, and the fixed prefix table.

Stage: shared. Imports only rdflib.
The project's own namespaces depend on the base IRI and live in `urls`.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
CV = Namespace("http://data.europa.eu/m8g/")
SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VANN = Namespace("http://purl.org/vocab/vann/")
EUAUTH = Namespace("http://publications.europa.eu/resource/authority/")
# SSSOM (mappings with their justification) and SEMAPV (the justifications).
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
# ISO 639-1 language codes as the Library of Congress publishes them (a plan's and a document's dct:language).
ISO639_1 = Namespace("http://id.loc.gov/vocabulary/iso639-1/")

SDG_SCHEME = "http://metadata.un.org/sdg"

__all__ = [
    "ADMS",
    "CV",
    "DCAT",
    "DCATAP",
    "DCTERMS",
    "EUAUTH",
    "FOAF",
    "ISO639_1",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SD",
    "SDG",
    "SDGO",
    "SDG_SCHEME",
    "SEMAPV",
    "SH",
    "SKOS",
    "SPDX",
    "SSSOM",
    "STANDARD_PREFIXES",
    "VANN",
    "VCARD",
    "VOID",
    "XSD",
]

# Fixed prefixes for every serialisation, in this order, so output is deterministic.
# The project's own prefixes (plo, shapes, base) are added by `urls.prefixes`.
STANDARD_PREFIXES: tuple[tuple[str, str], ...] = (
    ("rdf", str(RDF)),
    ("rdfs", str(RDFS)),
    ("owl", str(OWL)),
    ("xsd", str(XSD)),
    ("skos", str(SKOS)),
    ("dct", str(DCTERMS)),
    ("dcat", str(DCAT)),
    ("prov", str(PROV)),
    ("org", str(ORG)),
    ("foaf", str(FOAF)),
    ("schema", str(SCHEMA)),
    ("cv", str(CV)),
    ("sh", str(SH)),
    ("sdg", str(SDG)),
    ("sdgo", str(SDGO)),
    ("spdx", str(SPDX)),
    ("void", str(VOID)),
    ("dcatap", str(DCATAP)),
    ("adms", str(ADMS)),
    ("vcard", str(VCARD)),
    ("sd", str(SD)),
    ("vann", str(VANN)),
    ("sssom", str(SSSOM)),
    ("semapv", str(SEMAPV)),
)
