"""The site's metadata: the DCAT-AP 3.0.1 catalogue, the VoID description and the schema.org Dataset block.

Stage: catalog (called by the build). Imports `config`, `errors`, `formats`, `model`, `namespaces`, `plans`,
`rdfterms`, `urls` and `vocab`. Its modules: `distributions` (the downloads it lists), `site` (what it states
about the site, and its texts), `graph` (building triples), `dcat`, `void` and `schema_org`.

Nothing here is invented and nothing reads the clock or the network:
- from the data (the plo: vocabulary): the plans, their titles, publisher and municipality, sources, focus areas,
  the SDG links, and every date (`dct:issued` = the plan's issue date, `dct:modified` = the latest xsd:date of
  the site's own resources);
- from the Config: the licence, the contact point (none unless `contact_email` is set) and the SPARQL endpoint
  (no data service when `sparql_endpoint` is empty);
- fixed facts of the published formats and EU code lists (IANA media types, EU file-type, data-theme, language
  and country IRIs, the SPDX checksum algorithm).

IRIs, all from the URI policy (`urls`): the catalogue, a catalogue record per dataset, the site's dataset, one
dataset per plan (only when the data hold more than one plan; with one plan the site's dataset is that plan's
dataset), series of plan editions, distributions, the SPARQL data service and the contact point.
Checksums, periods, locations, VoID partitions and the linkset are blank nodes with fixed labels, so
no further IRI needs a page.

Checksum algorithm: `spdx:checksumAlgorithm_sha256`, the SPDX 2.x individual in the same
`http://spdx.org/rdf/terms#` namespace as `spdx:Checksum` and `spdx:algorithm` themselves (and as the data's own
source-document checksum). DCAT-AP 3.0.1's code-list shape wants an IRI starting `https://spdx.org/rdf/terms`,
which names no SPDX term, so that one code-list check fails by design (tests/test_catalog.py pins it);
DCAT-AP-DK 2.0.2 and DCAT-AP 2.1.1 accept only SHA-1, a broken hash that planlod does not use.
"""

from .dcat import catalogue_triples, edition_series
from .distributions import NOT_DUMPS, SDG_KOS_KEY, SPARQL_KEY, Distribution, check_distributions
from .schema_org import schema_org_dataset
from .site import SiteFacts, clean_keyword, keywords, plan_title, site_facts, site_title
from .void import void_triples

__all__ = [
    "NOT_DUMPS",
    "SDG_KOS_KEY",
    "SPARQL_KEY",
    "Distribution",
    "SiteFacts",
    "catalogue_triples",
    "check_distributions",
    "clean_keyword",
    "edition_series",
    "keywords",
    "plan_title",
    "schema_org_dataset",
    "site_facts",
    "site_title",
    "void_triples",
]
