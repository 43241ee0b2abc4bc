"""The DCAT-AP 3.0.1 catalogue: catalogue, record(s), dataset(s), distributions, series and the SPARQL service.

Stage: catalog. Imports `config`, `errors`, `formats`, `namespaces` (the EU code lists), `plans`, `urls`
and `vocab`, and the other `catalog` modules.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ..config import Config
from ..errors import ConfigError
from ..formats import SPARQL_QUERY
from ..namespaces import EUAUTH
from ..plans import AgentFacts, DataIndex, PlanFacts
from ..urls import UrlPolicy, slugify
from ..vocab import (
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
    DCT_LINGUISTIC_SYSTEM,
    DCT_LOCATION,
    DCT_MEDIA_TYPE,
    DCT_MEDIA_TYPE_OR_EXTENT,
    DCT_MODIFIED,
    DCT_PERIOD,
    DCT_PUBLISHER,
    DCT_SPATIAL,
    DCT_STANDARD,
    DCT_TEMPORAL,
    DCT_TITLE,
    EU_COUNTRY,
    EU_DATA_THEME,
    EU_LANGUAGE,
    FOAF_PRIMARY_TOPIC,
    PROV_WAS_DERIVED_FROM,
    RDF_TYPE,
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
    XSD_HEX_BINARY,
    XSD_NON_NEGATIVE_INTEGER,
)
from .distributions import SPARQL_KEY, Distribution, check_distributions
from .graph import Node, TripleSet, add_texts, agent_node, file_type_iri, licence_node, media_type_iri
from .site import (
    LANGUAGE_CODES,
    SiteFacts,
    catalogue_description,
    catalogue_title,
    keywords,
    plan_title,
    plans_description,
    site_facts,
    site_title,
)

DATA_THEME_SCHEME = EU_DATA_THEME


# The EU data-theme NAL's labels for GOVE. A municipal political plan is government: GOVE is the one theme that
# holds for every plan. Subject themes (health, education, environment …) would need a mapping from each focus
# area to a theme that the data do not state, so none is guessed.
THEMES: tuple[tuple[str, str, str], ...] = (
    ("GOVE", "Regeringen og den offentlige sektor", "Government and public sector"),
)


THEME_SCHEME_TITLE = "Data theme"


LANGUAGE_SCHEME = EU_LANGUAGE


COUNTRY_SCHEME = EU_COUNTRY


# plo:Municipality is "a Danish municipality" (ontology/planlod.ttl), so its plans cover Denmark.
MUNICIPALITY_COUNTRY = "DNK"


DCAT_AP = ox.NamedNode("https://semiceu.github.io/DCAT-AP/releases/3.0.1/")


SPARQL_PROTOCOL = ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/")


_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


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
        add_texts(out, node, SKOS_PREF_LABEL, label_da, label_en)
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
        add_texts(out, place, SKOS_PREF_LABEL, agent.label_da, agent.label_en)
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
    add_texts(out, node, DCT_TITLE, *title)
    add_texts(out, node, DCT_DESCRIPTION, plans_description(plans, "da"), plans_description(plans, "en"))
    out.add(node, DCT_IDENTIFIER, ox.Literal(iri))
    publishers = {p.publisher.iri for p in plans}
    publisher = plans[0].publisher if len(publishers) == 1 else site.publisher
    out.add(node, DCT_PUBLISHER, agent_node(out, publisher))
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
    add_texts(out, node, DCT_TITLE, d.title_da, d.title_en)
    out.add(node, DCAT_ACCESS_URL, url)
    out.add(node, DCAT_DOWNLOAD_URL, url)
    # The media type of the file as downloaded: a compressed file's is its compression's (a client that reads
    # dcat:mediaType, such as CKAN, gets what the server sends); its content's format is dct:format.
    if d.compression:
        out.add(node, DCAT_MEDIA_TYPE, _media_type(out, d.compression))
        out.add(node, DCAT_COMPRESS_FORMAT, _media_type(out, d.compression))
    elif d.content_media_type:
        out.add(node, DCAT_MEDIA_TYPE, _media_type(out, d.content_media_type))
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
    add_texts(
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
    out.add(service, DCT_PUBLISHER, agent_node(out, site.publisher))
    for theme in shared.themes:
        out.add(service, DCAT_THEME, theme)
    for dataset in datasets:
        out.add(service, DCAT_SERVES_DATASET, dataset)
    if shared.contact is not None:
        out.add(service, DCAT_CONTACT_POINT, shared.contact)
    distribution = ox.NamedNode(policy.distribution(SPARQL_KEY))
    out.add(distribution, RDF_TYPE, DCAT_DISTRIBUTION_CLASS)
    add_texts(out, distribution, DCT_TITLE, "SPARQL-endepunkt", "SPARQL endpoint")
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
    add_texts(out, record, DCT_TITLE, f"Katalogpost for {path}", f"Catalogue record for {path}")
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
    add_texts(out, node, DCT_TITLE, " → ".join(t[0] for t in titles), " → ".join(t[1] for t in titles))
    add_texts(
        out,
        node,
        DCT_DESCRIPTION,
        "Udgaver af planen, ældste først: " + "; ".join(t[0] for t in titles) + ".",
        "Editions of the plan, oldest first: " + "; ".join(t[1] for t in titles) + ".",
    )
    out.add(node, DCT_PUBLISHER, agent_node(out, first.publisher))
    out.date(node, DCT_ISSUED, first.start)
    out.date(node, DCT_MODIFIED, max((p.last_date for p in group), default=""))
    for plan in group:
        out.add(ox.NamedNode(site.policy.plan_dataset(plan.iri)), DCAT_IN_SERIES, node)
    return node


def catalogue_triples(
    config: Config,
    policy: UrlPolicy,
    data: Sequence[ox.Triple] | DataIndex | SiteFacts,
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
        licence_node(out, config), _languages(out, site.languages), _themes(out), _contact(out, config, policy), shapes
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
    add_texts(out, catalogue, DCT_TITLE, catalogue_title(site, "da"), catalogue_title(site, "en"))
    add_texts(out, catalogue, DCT_DESCRIPTION, catalogue_description(site, "da"), catalogue_description(site, "en"))
    out.add(catalogue, DCT_PUBLISHER, agent_node(out, site.publisher))
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
