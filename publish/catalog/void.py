"""The VoID description of the site's dataset: statistics, dumps, the endpoint and the linkset to the UN SDG KOS.

Stage: catalog. Imports `config`, `namespaces`, `plans`, `urls` and `vocab`, and the other `catalog` modules.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from ..config import Config
from ..namespaces import SDG
from ..plans import DataIndex, as_index
from ..urls import UrlPolicy
from ..vocab import (
    DCT_BIBLIOGRAPHIC_CITATION,
    DCT_LICENSE,
    DCT_MODIFIED,
    DCT_PUBLISHER,
    DCT_SOURCE,
    DCT_SUBJECT,
    DCT_TITLE,
    FOAF_HOMEPAGE,
    PROV_WAS_DERIVED_FROM,
    RDF_TYPE,
    SDG_KOS,
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
    XSD_INTEGER,
)
from .distributions import SDG_KOS_KEY, Distribution, check_distributions
from .graph import TripleSet, add_texts, licence_node
from .site import SiteFacts, site_facts, site_title

# The UN's own VoID description of the SDG KOS (UNStats/LOD4Stats, sdg-data/void.ttl) names the dataset so.
SDG_KOS_DATASET = ox.NamedNode("http://metadata.un.org/sdg/void.ttl#SDG")


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
    kos: Sequence[ox.Triple] = (),
    facts: SiteFacts | None = None,
) -> list[ox.Triple]:
    """The VoID description of the site's dataset: statistics of `data`, dumps, endpoint, and the SDG linkset to
    the site's copy of the UN SDG KOS (`kos`, its triples), itself a dataset with its dump.

    The counts describe exactly the triples passed in `data` (duplicates counted once): pass the dump's triples.
    `facts`: the site's facts the catalogue read already; the dataset's title and publisher are then theirs (the
    catalogue describes the same dataset), and only the statistics are read from `data`; `publisher` (the
    publisher's IRI when the data do not say it) is then not read: the facts were made with it.
    """
    check_distributions(distributions)
    if facts is None:
        site = site_facts(config, policy, data, publisher)
    else:
        site = SiteFacts(config, policy, as_index(data), facts.vocab, facts.plans, facts.publisher)
    out = TripleSet()
    dataset = ox.NamedNode(policy.dataset)
    out.add(dataset, RDF_TYPE, VOID_DATASET)
    add_texts(out, dataset, DCT_TITLE, site_title(site, "da"), site_title(site, "en"))
    out.add(dataset, DCT_LICENSE, licence_node(out, config))
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
    _statistics(out, dataset, site)
    copy = _sdg_kos(out, site, distributions, kos)
    _sdg_linkset(out, dataset, site.index, copy)
    return out.sorted()


def _statistics(out: TripleSet, dataset: ox.NamedNode, site: SiteFacts) -> None:
    """The dataset's counts, class partitions and vocabularies, from the index (which holds each distinct subject
    and object once)."""
    index = site.index
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


def _sdg_kos(
    out: TripleSet, site: SiteFacts, distributions: Sequence[Distribution], kos: Sequence[ox.Triple]
) -> ox.NamedNode:
    """The site's copy of the UN SDG KOS as a VoID dataset (its own graph in the TriG dump and behind /sparql),
    and the UN's own KOS dataset it is a copy of."""
    policy = site.policy
    copy = ox.NamedNode(policy.sdg_kos)
    out.add(copy, RDF_TYPE, VOID_DATASET)
    add_texts(
        out,
        copy,
        DCT_TITLE,
        "FN's verdensmål, delmål og indikatorer (UN SDG KOS), som datasættet linker til",
        "The UN SDG goals, targets and indicators (UN SDG KOS) the dataset links to",
    )
    out.add(copy, VOID_URI_SPACE, ox.Literal(str(SDG)))
    out.add(copy, DCT_SOURCE, SDG_KOS)
    out.add(copy, PROV_WAS_DERIVED_FROM, SDG_KOS_DATASET)
    out.add(copy, VOID_TRIPLES, _count(len(set(kos))))
    for d in distributions:
        if d.key == SDG_KOS_KEY:
            out.add(copy, VOID_DATA_DUMP, ox.NamedNode(policy.iri(d.path)))
    if site.endpoint:
        out.add(copy, VOID_SPARQL_ENDPOINT, ox.NamedNode(site.endpoint))
    for citation in {t.object for t in kos if t.subject == SDG_KOS and t.predicate == DCT_BIBLIOGRAPHIC_CITATION}:
        out.add(copy, DCT_BIBLIOGRAPHIC_CITATION, citation)
    out.add(SDG_KOS_DATASET, RDF_TYPE, VOID_DATASET)
    out.add(SDG_KOS_DATASET, VOID_URI_SPACE, ox.Literal(str(SDG)))
    out.add(SDG_KOS_DATASET, FOAF_HOMEPAGE, SDG_KOS)
    titles = {t.object for t in kos if t.subject == SDG_KOS and t.predicate == DCT_TITLE}
    for title in titles or set(site.index.literals(SDG_KOS, DCT_TITLE)):
        out.add(SDG_KOS_DATASET, DCT_TITLE, title)
    return copy


def _sdg_linkset(out: TripleSet, dataset: ox.NamedNode, index: DataIndex, target: ox.NamedNode) -> None:
    """The linkset of the dataset's `dct:subject` links to the UN SDG KOS (the site's copy of it)."""
    sdg = str(SDG)
    links = sum(
        len(index.subjects(DCT_SUBJECT, o))
        for o in index.all_objects()
        if isinstance(o, ox.NamedNode) and o.value.startswith(sdg)
    )
    linkset = ox.BlankNode("void_linkset_un_sdg")
    out.add(dataset, VOID_SUBSET, linkset)
    out.add(linkset, RDF_TYPE, VOID_LINKSET)
    add_texts(out, linkset, DCT_TITLE, "Koblinger til FN's verdensmål og delmål", "Links to the UN SDGs and targets")
    out.add(linkset, VOID_LINK_PREDICATE, DCT_SUBJECT)
    for predicate, target_node in ((VOID_SUBJECTS_TARGET, dataset), (VOID_OBJECTS_TARGET, target)):
        out.add(linkset, predicate, target_node)
        out.add(linkset, VOID_TARGET, target_node)
    out.add(linkset, VOID_TRIPLES, _count(links))
