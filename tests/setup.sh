#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine, then the project with its test extra:
#   - Debian packages: raptor2-utils (rapper, an independent RDF parser), nginx-light (the generated server
#     rules), chromium (the browser tests), virtuoso-opensource (the push round trip), libreoffice-calc and
#     libreoffice-writer (an office suite that opens the generated workbooks, and makes a Word document);
#   - npm packages pinned in tests/js/package-lock.json: jsonld (the reference JSON-LD processor), axe-core;
#   - a virtual environment in .venv with planlod and its test extra;
#   - a second one, .venv-ckan, with CKAN and ckanext-dcat (tests/ckan/requirements.txt), whose pinned
#     dependencies clash with planlod's: the catalogue tests read the catalogue with ckanext-dcat's RDFParser there.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(raptor2-utils nginx-light chromium virtuoso-opensource libreoffice-calc libreoffice-writer)
missing=()
for pkg in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "tests/setup.sh: please install these Debian packages (as root): ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # nginx and virtuoso are started by the tests themselves on loopback ports; keep the system services off.
  for svc in nginx virtuoso-opensource-7; do
    if command -v service >/dev/null 2>&1; then service "$svc" stop >/dev/null 2>&1 || true; fi
  done
fi

if [ -f tests/js/package.json ] && [ ! -d tests/js/node_modules ]; then
  echo "Installing npm packages in tests/js"
  (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'

if [ ! -x .venv-ckan/bin/python ] || ! cmp -s tests/ckan/requirements.txt .venv-ckan/requirements.txt; then
  echo "Installing CKAN and ckanext-dcat in .venv-ckan"
  python3 -m venv .venv-ckan
  .venv-ckan/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv-ckan/bin/python -m pip install -q -r tests/ckan/requirements.txt
  cp tests/ckan/requirements.txt .venv-ckan/requirements.txt
fi
