"""The site's own files besides the dumps: the catalogue, VoID, the JSON-LD context, the server rules, robots.txt,
the sitemap, the static assets and the source documents.

Stage: build. Imports `catalog`, `collector`, `config`, `errors`, `escaping`, `formats`, `load`, `model`, `plans`,
`query`, `serialize`, `serverconf`, `siteplan`, `urls`, `vocab` and `write`.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from .catalog import Distribution, SiteFacts, catalogue_triples, void_triples
from .collector import paused_gc
from .config import Config
from .errors import InputError
from .escaping import xml_text
from .formats import JSONLD, RDFXML, TURTLE
from .load import Role, Sources, display_path
from .model import sdg_kos
from .plans import DataIndex
from .query import triple_key
from .serialize import jsonld_flat, rdfxml, turtle
from .serverconf import htaccess, nginx_conf
from .siteplan import SitePlan
from .urls import (
    UrlPolicy,
    asset,
    catalogue_file,
    context_file,
    htaccess_file,
    nginx_file,
    page_folder,
    robots_file,
    source_document,
    void_files,
)
from .vocab import OWL_DATATYPE_PROPERTY, OWL_OBJECT_PROPERTY, OWL_VERSION_IRI, RDF_TYPE
from .write import SiteWriter


def plan_catalogue(
    plan: SitePlan,
    config: Config,
    policy: UrlPolicy,
    sources: Sources,
    data: list[ox.Triple],
    index: DataIndex,
    distributions: list[Distribution],
    facts: SiteFacts | None = None,
) -> list[ox.Triple]:
    """Catalogue, VoID, context, server rules and robots.txt; returns every triple the site describes. `facts`:
    the site's facts read from `index` already (`catalog.site_facts`)."""
    with paused_gc():
        prefixes = policy.prefixes()
        ontology = list(sources.triples(Role.ONTOLOGY))
        reference = list(sources.triples(Role.REFERENCE))
        catalogue = catalogue_triples(config, policy, index if facts is None else facts, distributions)
        # VoID counts the dataset alone: the index's first triples when it holds the data first (build_site's).
        own = index.first(len(data)) if index.triples[: len(data)] == data else DataIndex(data)
        void = void_triples(config, policy, own, distributions, kos=sdg_kos(reference), facts=facts)
        plan.add(catalogue_file(TURTLE), turtle(catalogue, prefixes, ox.NamedNode(policy.catalogue)))
        plan.add(catalogue_file(RDFXML), rdfxml(catalogue, prefixes))
        plan.add(catalogue_file(JSONLD), jsonld_flat(catalogue, prefixes))
        void_document = turtle(void, prefixes, ox.NamedNode(policy.dataset))
        for path in void_files():
            plan.add(path, void_document)
        plan.add(context_file(), context_document(ontology, policy))
        for path in ontology_versions(ontology, policy):
            plan.add(path, turtle(ontology, prefixes))
        plan.add(nginx_file(), nginx_conf(config, policy).encode("utf-8"))
        plan.add(htaccess_file(), htaccess(config, policy).encode("utf-8"))
        plan.add(robots_file(), f"User-agent: *\nAllow: /\nSitemap: {policy.sitemap}\n".encode())
        return data + ontology + reference + list(sources.triples(Role.SHAPES)) + catalogue + void


def ontology_versions(ontology: list[ox.Triple], policy: UrlPolicy) -> list[str]:
    """The site paths of the ontology's version IRIs (`owl:versionIRI`) under the base: the ontology in Turtle is
    published there too, so that the IRI of this version dereferences to it."""
    return sorted(
        policy.path(t.object.value)
        for t in ontology
        if t.predicate == OWL_VERSION_IRI
        and isinstance(t.object, ox.NamedNode)
        and policy.is_local(t.object.value)
        and t.object.value.endswith(TURTLE.extension)
    )


def context_document(ontology: list[ox.Triple], policy: UrlPolicy) -> bytes:
    """The versioned JSON-LD context: the prefixes, and a term per ontology property."""
    context: dict[str, object] = dict(policy.prefixes())
    for t in sorted(ontology, key=triple_key):
        if (
            t.predicate == RDF_TYPE
            and isinstance(t.subject, ox.NamedNode)
            and t.subject.value.startswith(policy.ontology_ns)
        ):
            name = t.subject.value[len(policy.ontology_ns) :]
            if t.object == OWL_OBJECT_PROPERTY:
                context[name] = {"@id": f"plo:{name}", "@type": "@id"}
            elif t.object == OWL_DATATYPE_PROPERTY and name not in context:
                context[name] = {"@id": f"plo:{name}"}
    return (json.dumps({"@context": context}, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def copy_assets(config: Config, writer: SiteWriter) -> None:
    """The site's static assets, and the source documents the data derive from."""
    for folder, target in ((config.site_dir / "assets", asset), (config.data_dir / "kilder", source_document)):
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder).as_posix()
            shown = display_path(path, config.project_dir).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            try:
                name.encode("utf-8")
                content = path.read_bytes()
            except UnicodeEncodeError:
                raise InputError(f"{shown}: the file name is not UTF-8, so it cannot be a URL; rename it") from None
            except OSError as exc:
                raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from exc
            writer.write(target(name), content)


def sitemap(pages: list[str], policy: UrlPolicy, lastmod: str) -> bytes:
    """Every HTML page (paths of index.html files, sorted) with its last modification date."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path in pages:
        loc = xml_text(policy.iri(page_folder(path)))
        lines.append(f"  <url><loc>{loc}</loc><lastmod>{lastmod}</lastmod></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
