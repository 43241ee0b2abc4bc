"""Read a DCAT catalogue as a CKAN harvester does, with ckanext-dcat's own RDFParser, and print what CKAN would
store: a JSON list of the dataset dicts (with their resources).

Run with the CKAN virtual environment that tests/setup.sh makes (.venv-ckan: CKAN and ckanext-dcat, which do
not install beside planlod's own dependencies):

    .venv-ckan/bin/python tests/ckan/parse_catalogue.py CATALOGUE FORMAT LOCALE LICENCES

FORMAT is an rdflib format name ("xml" for catalog.rdf, as ckanext-dcat's dcat_rdf_harvester reads it);
LOCALE is the portal's `ckan.locale_default`; LICENCES a CKAN licences file (`licenses_group_url`). The parser
runs with ckanext-dcat's default profile (euro_dcat_ap_3), as the harvester does when no profile is configured.
"""

import json
import sys
from pathlib import Path

from ckan.common import config
from ckanext.dcat.processors import RDFParser


def main() -> None:
    catalogue, rdf_format, locale, licences = sys.argv[1:5]
    config["ckan.locale_default"] = locale
    config["licenses_group_url"] = Path(licences).resolve().as_uri()
    parser = RDFParser()
    parser.parse(Path(catalogue).read_bytes(), _format=rdf_format)
    json.dump(list(parser.datasets()), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
