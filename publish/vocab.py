"""The terms planlod reads and writes, as code: the `plo:` ontology's terms and the standard terms, as pyoxigraph IRIs.

Stage: shared (below every stage). Imports `namespaces` only.
- `PlanVocabulary`: every term of `ontology/planlod.ttl` as an attribute (`vocab.FocusArea`, `vocab.linkSubject`).
  The ontology's namespace is `{base}ontologi/`, so a vocabulary is made for a base IRI (`for_namespace`). A term
  name that is not here is an AttributeError (and a mypy error), never an IRI nobody defined;
  tests/test_vocab.py holds the list to the ontology both ways.
- The standard terms (RDF, RDFS, OWL, XSD, SKOS, DCTERMS, DCAT, PROV, FOAF, SH, …) as module constants, each made
  once from rdflib's namespaces: the closed ones (`DefinedNamespace`) refuse a misspelt term when this module is
  imported.
"""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox
from rdflib import URIRef

from .namespaces import (
    ADMS,
    DCAT,
    DCTERMS,
    EUAUTH,
    FOAF,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SD,
    SDG,
    SDG_SCHEME,
    SDGO,
    SEMAPV,
    SH,
    SKOS,
    SPDX,
    SSSOM,
    VANN,
    VCARD,
    VOID,
    XSD,
)


def iri(term: URIRef | str) -> ox.NamedNode:
    """The pyoxigraph IRI of an rdflib term (or an IRI string)."""
    return ox.NamedNode(str(term))


class PlanVocabulary:
    """The `plo:` terms under one namespace. The annotations below are the list of terms: one line each."""

    # Classes
    Plan: ox.NamedNode
    FocusArea: ox.NamedNode
    Goal: ox.NamedNode
    Initiative: ox.NamedNode
    Municipality: ox.NamedNode
    PoliticalParty: ox.NamedNode
    MajorityGroup: ox.NamedNode
    SDGLink: ox.NamedNode
    SourceDocument: ox.NamedNode
    TextCorrection: ox.NamedNode
    LinkMethod: ox.NamedNode
    LinkStatus: ox.NamedNode
    # The plan's structure
    focusArea: ox.NamedNode
    inPlan: ox.NamedNode
    headlineGoal: ox.NamedNode
    initiative: ox.NamedNode
    area: ox.NamedNode
    position: ox.NamedNode
    backedBy: ox.NamedNode
    follows: ox.NamedNode
    mentions: ox.NamedNode
    translatedBy: ox.NamedNode
    municipalityCode: ox.NamedNode
    municipality: ox.NamedNode
    # SDG link records
    linkSubject: ox.NamedNode
    sdgConcept: ox.NamedNode
    rationale: ox.NamedNode
    method: ox.NamedNode
    status: ox.NamedNode
    confidence: ox.NamedNode
    decidedBy: ox.NamedNode
    decisionDate: ox.NamedNode
    DevelopingCountryTargets: ox.NamedNode
    # Link methods and statuses (SKOS concept schemes)
    LinkMethodScheme: ox.NamedNode
    Curated: ox.NamedNode
    StatedInPlan: ox.NamedNode
    Suggested: ox.NamedNode
    LinkStatusScheme: ox.NamedNode
    Accepted: ox.NamedNode
    Proposed: ox.NamedNode
    Rejected: ox.NamedNode
    Withdrawn: ox.NamedNode
    # Text corrections
    corrects: ox.NamedNode
    correctedText: ox.NamedNode

    def __init__(self, ns: str) -> None:
        self.ns = ns
        for name in TERM_NAMES:
            setattr(self, name, ox.NamedNode(ns + name))

    @classmethod
    def for_namespace(cls, ns: str) -> PlanVocabulary:
        """The vocabulary with this namespace (made once per namespace)."""
        return _vocabulary(ns)

    def term(self, name: str) -> ox.NamedNode:
        """A term by its name; an unknown name is an AttributeError (the ontology defines no such term)."""
        if name not in TERM_NAMES:
            raise AttributeError(f"plo:{name} is not a term of the planlod ontology")
        found: ox.NamedNode = getattr(self, name)
        return found

    def __repr__(self) -> str:
        return f"PlanVocabulary({self.ns!r})"


# Every term's name, in the order above: what tests/test_vocab.py compares with the ontology.
TERM_NAMES: tuple[str, ...] = tuple(PlanVocabulary.__annotations__)


@cache
def _vocabulary(ns: str) -> PlanVocabulary:
    return PlanVocabulary(ns)


# ---------------------------------------------------------------- standard terms

RDF_TYPE = iri(RDF.type)
RDF_FIRST, RDF_REST = iri(RDF.first), iri(RDF.rest)
RDF_LANG_STRING = iri(RDF.langString)
RDFS_LABEL, RDFS_COMMENT = iri(RDFS.label), iri(RDFS.comment)
RDFS_SUBCLASS_OF, RDFS_SUBPROPERTY_OF = iri(RDFS.subClassOf), iri(RDFS.subPropertyOf)
RDFS_DOMAIN, RDFS_RANGE, RDFS_IS_DEFINED_BY = iri(RDFS.domain), iri(RDFS.range), iri(RDFS.isDefinedBy)
OWL_CLASS, OWL_ONTOLOGY, OWL_INVERSE_OF = iri(OWL.Class), iri(OWL.Ontology), iri(OWL.inverseOf)
OWL_OBJECT_PROPERTY, OWL_DATATYPE_PROPERTY = iri(OWL.ObjectProperty), iri(OWL.DatatypeProperty)
OWL_VERSION_IRI, OWL_VERSION_INFO = iri(OWL.versionIRI), iri(OWL.versionInfo)
OWL_ANNOTATED_SOURCE, OWL_ANNOTATED_PROPERTY = iri(OWL.annotatedSource), iri(OWL.annotatedProperty)
OWL_ANNOTATED_TARGET = iri(OWL.annotatedTarget)
VANN_PREFERRED_NAMESPACE_URI = iri(VANN.preferredNamespaceUri)
XSD_STRING, XSD_DATE, XSD_INTEGER = iri(XSD.string), iri(XSD.date), iri(XSD.integer)
XSD_ANY_URI, XSD_HEX_BINARY = iri(XSD.anyURI), iri(XSD.hexBinary)
XSD_NON_NEGATIVE_INTEGER = iri(XSD.nonNegativeInteger)

SKOS_CONCEPT, SKOS_CONCEPT_SCHEME = iri(SKOS.Concept), iri(SKOS.ConceptScheme)
SKOS_PREF_LABEL, SKOS_ALT_LABEL, SKOS_DEFINITION = iri(SKOS.prefLabel), iri(SKOS.altLabel), iri(SKOS.definition)
SKOS_IN_SCHEME, SKOS_TOP_CONCEPT_OF, SKOS_NOTATION = iri(SKOS.inScheme), iri(SKOS.topConceptOf), iri(SKOS.notation)
SKOS_BROADER, SKOS_EXACT_MATCH, SKOS_CLOSE_MATCH = iri(SKOS.broader), iri(SKOS.exactMatch), iri(SKOS.closeMatch)
SKOS_EDITORIAL_NOTE = iri(SKOS.editorialNote)
SKOS_NARROWER, SKOS_HAS_TOP_CONCEPT = iri(SKOS.narrower), iri(SKOS.hasTopConcept)
SKOS_RELATED_MATCH, SKOS_NOTE = iri(SKOS.relatedMatch), iri(SKOS.note)

DCT_TITLE, DCT_DESCRIPTION, DCT_ABSTRACT = iri(DCTERMS.title), iri(DCTERMS.description), iri(DCTERMS.abstract)
DCT_PUBLISHER, DCT_SUBJECT, DCT_CREATED = iri(DCTERMS.publisher), iri(DCTERMS.subject), iri(DCTERMS.created)
DCT_ISSUED, DCT_MODIFIED, DCT_LICENSE = iri(DCTERMS.issued), iri(DCTERMS.modified), iri(DCTERMS.license)
DCT_LANGUAGE, DCT_SPATIAL, DCT_TEMPORAL = iri(DCTERMS.language), iri(DCTERMS.spatial), iri(DCTERMS.temporal)
DCT_FORMAT, DCT_CONFORMS_TO, DCT_IDENTIFIER = iri(DCTERMS.format), iri(DCTERMS.conformsTo), iri(DCTERMS.identifier)
DCT_TYPE, DCT_HAS_PART, DCT_IS_PART_OF = iri(DCTERMS.type), iri(DCTERMS.hasPart), iri(DCTERMS.isPartOf)
DCT_LOCATION, DCT_PERIOD = iri(DCTERMS.Location), iri(DCTERMS.PeriodOfTime)
DCT_STANDARD, DCT_LICENSE_DOCUMENT = iri(DCTERMS.Standard), iri(DCTERMS.LicenseDocument)
DCT_MEDIA_TYPE, DCT_MEDIA_TYPE_OR_EXTENT = iri(DCTERMS.MediaType), iri(DCTERMS.MediaTypeOrExtent)
DCT_LINGUISTIC_SYSTEM = iri(DCTERMS.LinguisticSystem)
DCT_RELATION, DCT_CONTRIBUTOR, DCT_SOURCE = iri(DCTERMS.relation), iri(DCTERMS.contributor), iri(DCTERMS.source)
DCT_BIBLIOGRAPHIC_CITATION = iri(DCTERMS.bibliographicCitation)

DCAT_CATALOG, DCAT_CATALOG_RECORD = iri(DCAT.Catalog), iri(DCAT.CatalogRecord)
DCAT_DATASET_CLASS = iri(DCAT.Dataset)
# DCAT 3 terms, which rdflib's DCAT namespace (DCAT 2) does not list.
DCAT_DATASET_SERIES, DCAT_IN_SERIES = iri(str(DCAT) + "DatasetSeries"), iri(str(DCAT) + "inSeries")
DCAT_DISTRIBUTION_CLASS, DCAT_DATA_SERVICE = iri(DCAT.Distribution), iri(DCAT.DataService)
DCAT_DATASET, DCAT_RECORD, DCAT_SERVICE = iri(DCAT.dataset), iri(DCAT.record), iri(DCAT.service)
DCAT_DISTRIBUTION, DCAT_THEME, DCAT_THEME_TAXONOMY = iri(DCAT.distribution), iri(DCAT.theme), iri(DCAT.themeTaxonomy)
DCAT_KEYWORD, DCAT_CONTACT_POINT = iri(DCAT.keyword), iri(DCAT.contactPoint)
DCAT_ACCESS_URL, DCAT_DOWNLOAD_URL = iri(DCAT.accessURL), iri(DCAT.downloadURL)
DCAT_MEDIA_TYPE, DCAT_COMPRESS_FORMAT = iri(DCAT.mediaType), iri(DCAT.compressFormat)
DCAT_PACKAGE_FORMAT, DCAT_BYTE_SIZE = iri(DCAT.packageFormat), iri(DCAT.byteSize)
DCAT_ACCESS_SERVICE, DCAT_ENDPOINT_URL = iri(DCAT.accessService), iri(DCAT.endpointURL)
DCAT_SERVES_DATASET, DCAT_START_DATE = iri(DCAT.servesDataset), iri(DCAT.startDate)

FOAF_AGENT, FOAF_PERSON, FOAF_DOCUMENT = iri(FOAF.Agent), iri(FOAF.Person), iri(FOAF.Document)
FOAF_NAME, FOAF_HOMEPAGE, FOAF_PRIMARY_TOPIC = iri(FOAF.name), iri(FOAF.homepage), iri(FOAF.primaryTopic)
PROV_WAS_DERIVED_FROM, PROV_WAS_ATTRIBUTED_TO = iri(PROV.wasDerivedFrom), iri(PROV.wasAttributedTo)
SCHEMA_PERSON = iri(SCHEMA.Person)
SCHEMA_POSITION = iri(SCHEMA.position)
PROV_ENTITY = iri(PROV.Entity)

# SSSOM's slots in RDF (https://w3id.org/sssom/) and the SEMAPV justifications planlod states.
SSSOM_MAPPING_JUSTIFICATION, SSSOM_PREDICATE_MODIFIER = (
    iri(SSSOM.mapping_justification),
    iri(SSSOM.predicate_modifier),
)
SSSOM_CONFIDENCE = iri(SSSOM.confidence)
SEMAPV_MANUAL_MAPPING_CURATION = iri(SEMAPV.ManualMappingCuration)
SEMAPV_LEXICAL_MATCHING = iri(SEMAPV.LexicalMatching)
SEMAPV_SEMANTIC_SIMILARITY = iri(SEMAPV.SemanticSimilarityThresholdMatching)
SEMAPV_COMPOSITE_MATCHING = iri(SEMAPV.CompositeMatching)

SH_PATH, SH_PROPERTY, SH_TARGET_CLASS = iri(SH.path), iri(SH.property), iri(SH.targetClass)
SH_NAME, SH_DESCRIPTION, SH_ORDER = iri(SH.name), iri(SH.description), iri(SH.order)
SH_MIN_COUNT, SH_MAX_COUNT, SH_QUALIFIED_MIN_COUNT = iri(SH.minCount), iri(SH.maxCount), iri(SH.qualifiedMinCount)
SH_DATATYPE, SH_CLASS, SH_NODE_KIND, SH_PATTERN = iri(SH.datatype), iri(SH["class"]), iri(SH.nodeKind), iri(SH.pattern)
SH_QUALIFIED_VALUE_SHAPE, SH_LANGUAGE_IN = iri(SH.qualifiedValueShape), iri(SH.languageIn)
SH_SEVERITY, SH_NAMESPACE = iri(SH.severity), iri(SH.namespace)
SH_INVERSE_PATH = iri(SH.inversePath)

SPDX_CHECKSUM_CLASS, SPDX_CHECKSUM = iri(SPDX.Checksum), iri(SPDX.checksum)
SPDX_ALGORITHM, SPDX_CHECKSUM_VALUE = iri(SPDX.algorithm), iri(SPDX.checksumValue)
SPDX_ALGORITHM_CLASS, SPDX_SHA256 = iri(SPDX.ChecksumAlgorithm), iri(SPDX.checksumAlgorithm_sha256)
VCARD_KIND, VCARD_FN, VCARD_HAS_EMAIL = iri(VCARD.Kind), iri(VCARD.fn), iri(VCARD.hasEmail)

VOID_DATASET, VOID_LINKSET, VOID_IN_DATASET = iri(VOID.Dataset), iri(VOID.Linkset), iri(VOID.inDataset)
VOID_URI_SPACE, VOID_DATA_DUMP, VOID_FEATURE = iri(VOID.uriSpace), iri(VOID.dataDump), iri(VOID.feature)
VOID_SPARQL_ENDPOINT, VOID_EXAMPLE_RESOURCE = iri(VOID.sparqlEndpoint), iri(VOID.exampleResource)
VOID_TRIPLES, VOID_ENTITIES, VOID_PROPERTIES = iri(VOID.triples), iri(VOID.entities), iri(VOID.properties)
VOID_DISTINCT_SUBJECTS, VOID_DISTINCT_OBJECTS = iri(VOID.distinctSubjects), iri(VOID.distinctObjects)
VOID_CLASSES, VOID_CLASS_PARTITION, VOID_CLASS = iri(VOID.classes), iri(VOID.classPartition), iri(VOID["class"])
VOID_VOCABULARY, VOID_SUBSET, VOID_LINK_PREDICATE = iri(VOID.vocabulary), iri(VOID.subset), iri(VOID.linkPredicate)
VOID_SUBJECTS_TARGET, VOID_OBJECTS_TARGET, VOID_TARGET = (
    iri(VOID.subjectsTarget),
    iri(VOID.objectsTarget),
    iri(VOID.target),
)

SD_SERVICE, SD_ENDPOINT, SD_SUPPORTED_LANGUAGE = iri(SD.Service), iri(SD.endpoint), iri(SD.supportedLanguage)
SD_SPARQL11_QUERY, SD_FEATURE = iri(SD.SPARQL11Query), iri(SD.feature)
SD_UNION_DEFAULT_GRAPH = iri(SD.UnionDefaultGraph)
SD_DEFAULT_DATASET, SD_DATASET, SD_DEFAULT_GRAPH = iri(SD.defaultDataset), iri(SD.Dataset), iri(SD.defaultGraph)
SD_GRAPH_CLASS, SD_NAMED_GRAPH, SD_NAMED_GRAPH_CLASS = iri(SD.Graph), iri(SD.namedGraph), iri(SD.NamedGraph)
SD_NAME, SD_GRAPH, SD_RESULT_FORMAT = iri(SD.name), iri(SD.graph), iri(SD.resultFormat)

SDG_GOAL, SDG_TARGET, SDG_CODE_COMPACT = iri(SDGO.Goal), iri(SDGO.Target), iri(SDGO.SDGCodeCompact)
SDG_KOS = iri(SDG_SCHEME)
SDG_NS = str(SDG)
ADMS_NS = str(ADMS)
EU_DATA_THEME = iri(EUAUTH["data-theme"])
EU_LANGUAGE = iri(EUAUTH.language)
EU_COUNTRY = iri(EUAUTH.country)
EU_FILE_TYPE_NS = str(EUAUTH["file-type"]) + "/"

# Where labels and descriptions are read from, in order of preference.
LABEL_PREDICATES = (SKOS_PREF_LABEL, RDFS_LABEL, DCT_TITLE, FOAF_NAME)
DESCRIPTION_PREDICATES = (SKOS_DEFINITION, DCT_DESCRIPTION, RDFS_COMMENT, DCT_ABSTRACT)
