"""The schema.org Dataset of the dataset page (for search engines' dataset search).

Stage: catalog. Imports `config`, `plans`, `urls` and the other `catalog` modules.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from ..config import Config
from ..plans import AgentFacts, DataIndex
from ..urls import UrlPolicy
from .distributions import Distribution, check_distributions
from .site import SiteFacts, catalogue_title, keywords, site_description, site_facts, site_title

MUNICIPALITY_COUNTRY_ISO2 = "DK"  # the same country as ISO 3166-1 alpha-2, for schema.org


def _schema_agent(agent: AgentFacts) -> dict[str, object]:
    return {"@type": "Person" if agent.is_person else "Organization", "@id": agent.iri, "name": agent.label_da}


def schema_org_dataset(
    config: Config,
    policy: UrlPolicy,
    data: Sequence[ox.Triple] | DataIndex | SiteFacts,
    distributions: Sequence[Distribution],
    publisher: str | None = None,
) -> dict[str, object]:
    """The schema.org Dataset for the dataset page's <script type="application/ld+json"> (Google Dataset)."""
    check_distributions(distributions)
    site = site_facts(config, policy, data, publisher)
    iri = policy.dataset
    creators = {p.publisher.iri: p.publisher for p in site.plans}
    places: list[dict[str, object]] = [
        {
            "@type": "Place",
            "name": m.label_da,
            "address": {"@type": "PostalAddress", "addressCountry": MUNICIPALITY_COUNTRY_ISO2},
        }
        for m in site.municipalities
    ]
    result: dict[str, object] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": iri,
        "url": iri,
        "identifier": iri,
        "name": site_title(site, "da"),
        "alternateName": site_title(site, "en"),
        "description": site_description(site, "da"),
        "inLanguage": site.languages,
        "license": config.licence,
        "creator": [_schema_agent(a) for a in creators.values()],
        "publisher": _schema_agent(site.publisher),
        "keywords": [k.value for k in keywords(site.plans)],
        "spatialCoverage": places,
        "isBasedOn": site.sources,
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "@id": policy.catalogue,
            "name": catalogue_title(site, "da"),
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": d.title_da,
                "contentUrl": policy.iri(d.path),
                "encodingFormat": d.media_type,
                "contentSize": f"{d.byte_size} B",
                "sha256": d.sha256,
            }
            for d in sorted(distributions, key=lambda d: d.key)
        ],
    }
    if site.issued:
        result["datePublished"] = site.issued
        result["temporalCoverage"] = f"{site.issued}/.."
    if site.modified:
        result["dateModified"] = site.modified
    return result
