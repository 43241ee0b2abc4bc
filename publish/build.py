"""`planlod build`: gather everything in memory, then write the site through the guarded writer.

Stage: build. Imports every stage below it (load, validate, query, views, render, serialize, catalog, exports,
serverconf, write); nothing imports it but `cli` and `serve`.
Phases: load → validate (violations stop the build; nothing is written) → dumps and catalogue → plan (the entity
list, path collisions) → documents and pages (in parallel on every core for large sites) and the site pages, all
written into a temporary folder that replaces the output folder only when everything succeeded.
"""

from __future__ import annotations

import bisect
import gc
import gzip
import hashlib
import json
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .catalog import Distribution, catalogue_triples, schema_org_dataset, void_triples
from .collector import paused_gc
from .config import Config
from .errors import BuildError, InputError, NonConforming
from .exports import coverage_csv, sdg_links_csv, sdg_links_sssom
from .formats import CSV, GZIP, JSONLD, NTRIPLES, RDF_FORMATS, RDFXML, SITE_FILES, TRIG, TSV, TURTLE
from .incremental import STATE, BuildState, GraphParts, digest, read_key
from .load import Role, Sources, display_path, load_sources
from .model import DERIVED_PREDICATES, derived_triples, vocabulary
from .plans import CoverageMatrix, DataIndex, as_index, coverage_matrix
from .query import Read, SiteGraph, triple_key
from .render import Renderer
from .serialize import (
    json_text,
    jsonld_flat,
    jsonld_flat_and_prefixes,
    jsonld_tree,
    ntriples,
    prefix_scan,
    rdfxml,
    sorted_ntriples,
    sorted_turtle,
    trig,
    turtle,
    used_prefixes,
)
from .serverconf import htaccess, nginx_conf
from .urls import (
    LANGS,
    UrlPolicy,
    asset,
    catalogue_file,
    compressed,
    context_file,
    coverage_csv_file,
    coverage_page,
    datamodel_page,
    document,
    dump,
    home_page,
    htaccess_file,
    is_page_file,
    nginx_file,
    ontology_dump,
    other_lang,
    page,
    page_dir,
    page_file,
    page_folder,
    relative,
    reserved_segments,
    robots_file,
    sdg_links_csv_file,
    sdg_links_sssom_file,
    sdg_page,
    shapes_dump,
    site_folders,
    sitemap_file,
    source_document,
    static_page,
    void_files,
)
from .validate import run_validation
from .views import SitePageContext, SiteView, Views, embed_json
from .vocab import (
    DCT_LICENSE,
    DCT_MODIFIED,
    FOAF_DOCUMENT,
    FOAF_PRIMARY_TOPIC,
    OWL_DATATYPE_PROPERTY,
    OWL_OBJECT_PROPERTY,
    PROV_WAS_DERIVED_FROM,
    RDF_TYPE,
    VOID_IN_DATASET,
    XSD_DATE,
)
from .write import SiteWriter, read_marker, safe_relative

Progress = Callable[[str], None]

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class BuildSummary:
    """What a build did: counts and seconds per phase."""

    out_dir: Path
    entities: int = 0
    files: int = 0
    triples: int = 0
    bytes_written: int = 0
    phases: list[tuple[str, float]] = field(default_factory=list)
    unchanged: bool = False
    # Entities whose documents and pages were made (all of them, unless the build was incremental).
    rendered: int = 0
    # Files moved into place or removed by an incremental build.
    replaced: int = 0

    @property
    def seconds(self) -> float:
        """Total wall time."""
        return sum(seconds for _, seconds in self.phases)

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        verb = "up to date" if self.unchanged else "built"
        line = (
            f"{verb} {self.out_dir}: {self.entities} entities, {self.files} files, "
            f"{self.triples} triples in {self.seconds:.2f} s"
        )
        if not self.unchanged and self.rendered < self.entities:
            line += f" (updated: {self.rendered} entities made again, {self.replaced} files replaced or removed)"
        return line


@contextmanager
def phase(summary: BuildSummary, name: str, progress: Progress) -> Iterator[None]:
    """Time one phase and report it."""
    start = time.perf_counter()
    yield
    seconds = time.perf_counter() - start
    summary.phases.append((name, seconds))
    progress(f"{name}: {seconds:.2f} s")


# zlib's default level: within 2 % of the smallest output (level 9) on the dumps, in about two thirds of the time.
GZIP_LEVEL = 6


def gzip_bytes(content: bytes) -> bytes:
    """Gzip with no timestamp or file name, so the same input gives the same bytes."""
    return gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)


def latest_date(triples: list[ox.Triple]) -> str:
    """The latest xsd:date in the data: the site's 'last modified' (deterministic, unlike the clock)."""
    dates = [
        t.object.value
        for t in triples
        if isinstance(t.object, ox.Literal) and t.object.datatype == XSD_DATE and DATE.match(t.object.value)
    ]
    return max(dates) if dates else "1970-01-01"


@dataclass
class SitePlan:
    """The whole site in memory before anything is written: file contents and the entity list."""

    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, path: str, content: bytes) -> None:
        """Plan one file; two files on one path is a planning error."""
        if path in self.files:
            raise BuildError(f"two outputs want the same path: {path}")
        self.files[path] = content


def document_about(entity: ox.NamedNode, doc_iri: str, policy: UrlPolicy, config: Config) -> list[ox.Triple]:
    """What a document says about itself: its topic, its dataset and its licence."""
    doc = ox.NamedNode(doc_iri)
    return [
        ox.Triple(doc, RDF_TYPE, FOAF_DOCUMENT),
        ox.Triple(doc, FOAF_PRIMARY_TOPIC, entity),
        ox.Triple(doc, VOID_IN_DATASET, ox.NamedNode(policy.dataset)),
        ox.Triple(doc, DCT_LICENSE, ox.NamedNode(config.licence)),
    ]


# Characters an entity path may use (RFC 3986 unreserved, sub-delims and '/'): anything else would need
# percent-encoding in links and file names, and '?' or '#' would not be a path at all.
PATH_CHARACTERS = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/-]+")
DOCUMENT_SUFFIXES = tuple("." + extension for fmt in SITE_FILES for extension in fmt.extensions)


def check_paths(entities: list[ox.NamedNode], policy: UrlPolicy, reserved: set[str]) -> None:
    """Refuse entity paths that cannot be published or that would collide with other files of the site."""
    reserved_anywhere = reserved_segments()
    reserved_names = " or ".join(repr(name) for name in sorted(reserved_anywhere))
    for entity in entities:
        path = policy.path(entity.value)
        segments = path.split("/")
        problem = ""
        if not path or any(s in ("", ".", "..") for s in segments):
            problem = "its path is empty or has an empty, '.' or '..' segment"
        elif not PATH_CHARACTERS.fullmatch(path):
            problem = "its path has characters that need percent-encoding, a query string or a fragment"
        elif reserved_anywhere.intersection(segments):
            problem = f"its path uses a segment reserved for the site's own pages ({reserved_names})"
        elif any(segment.lower().endswith(DOCUMENT_SUFFIXES) for segment in segments):
            problem = "a segment of its path ends like a file name (.ttl, .html, …), which would collide with a file"
        elif segments[0] in reserved:
            problem = f"its path starts with {segments[0]!r}, a file or folder of the site itself"
        if problem:
            raise BuildError(f"{entity.value}: cannot publish this IRI: {problem}; rename it in the data")


def check_outside_base(graph: SiteGraph, policy: UrlPolicy) -> None:
    """Refuse plan data whose IRIs are not under the base IRI: the site could not publish them."""
    own = [t for t in graph.by_object if isinstance(t, ox.NamedNode) and t.value.startswith(policy.ontology_ns)]
    for cls in own:
        for subject in graph.subjects(RDF_TYPE, cls):
            if isinstance(subject, ox.NamedNode) and not policy.is_local(subject.value):
                raise BuildError(
                    f"{subject.value}: this {policy.short(cls.value)} is not under the base IRI {policy.base}, "
                    "so the site cannot publish it; give it an IRI under the base (a relative IRI in the data)"
                )


def _fingerprint(
    config: Config, folders: list[tuple[Path, str]], extra: object = None, first: dict[str, str] | None = None
) -> str:
    """A digest of the settings, planlod's version, the libraries' versions and the files in `folders`;
    `first` receives a digest of each file of the first folder, by its path in the project."""
    digest = hashlib.sha256()
    settings = {
        k: (
            Path(v).relative_to(config.project_dir).as_posix()
            if k.endswith("_dir") and Path(v).is_relative_to(config.project_dir)
            else v
        )
        for k, v in config.settings.items()
        if k not in ("project_dir", "out_dir")
    }
    libraries = {name: metadata.version(name) for name in ("rdflib", "pyshacl", "pyoxigraph", "jinja2")}
    digest.update(json.dumps([__version__, libraries, settings, extra], sort_keys=True, default=repr).encode("utf-8"))
    for number, (folder, pattern) in enumerate(folders):
        for path in sorted(p for p in folder.glob(pattern) if p.is_file()):
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
            digest.update(f"{number}:{path.relative_to(folder).as_posix()}:{len(content)}\n".encode())
            digest.update(content)
            if first is not None and number == 0:
                first[display_path(path, config.project_dir)] = hashlib.sha256(content).hexdigest()
    return digest.hexdigest()


def _code_folders(config: Config) -> list[tuple[Path, str]]:
    return [
        (config.ontology_dir, "**/*"),
        (config.shapes_dir, "*.*"),
        (config.site_dir, "**/*"),
        (Path(__file__).parent, "**/*.py"),
    ]


def input_fingerprint(config: Config, data_files: dict[str, str] | None = None) -> str:
    """A digest of everything a build reads: settings, data, ontology, shapes, site templates and assets, and
    planlod's own code. Two builds with the same fingerprint write the same bytes. `data_files` receives a
    digest of each data file."""
    return _fingerprint(config, [(config.data_dir, "**/*"), *_code_folders(config)], first=data_files)


def graph_parts(
    sources: Sources, data_files: dict[str, str], described: list[ox.Triple], data_count: int
) -> GraphParts:
    """The site graph in parts for the incremental build: the data files' triples, each keyed by the digest of
    the file (its blank node labels depend on its path only, see load.blank_prefixes), and the rest: the derived
    triples and what `described` holds after the data (it starts with site_data()'s `data_count` triples, see
    plan_catalogue)."""
    files = {s.path: (data_files.get(s.path, ""), s.triples) for s in sources.files if s.role is Role.DATA}
    derived = [t for t in described[:data_count] if t.predicate in DERIVED_PREDICATES]
    return GraphParts(files, described[data_count:] + derived)


def render_key(config: Config, site: SiteView, views: Views) -> str:
    """A digest of everything the pages and documents are made from except the data: when it is the same as the
    last build's, only the entities that read changed triples are made again. Besides settings and files, the
    site's frame and the property names and order the pages take from shapes (which data files may hold too)."""
    specs = sorted((cls, sorted((p, repr(spec)) for p, spec in props.items())) for cls, props in views.specs.items())
    return _fingerprint(config, _code_folders(config), [repr(site), repr(specs)])


def outside_digests(matrices: list[CoverageMatrix], schema_org: dict[str, str]) -> dict[str, str]:
    """Per entity, a digest of what its page shows that is not read from the site graph."""
    found = {m.plan: digest(repr(m).encode("utf-8")) for m in matrices}
    for entity, block in schema_org.items():
        found[entity] = digest((found.get(entity, "") + block).encode("utf-8"))
    return found


def build_site(config: Config, progress: Progress | None = None, force: bool = False) -> BuildSummary:
    """Build the site into config.out_dir. Violations raise NonConforming before anything is written.

    When nothing the build reads has changed since the build in config.out_dir, that output is kept as it is
    (it is what a new build would write). When only the data changed, only the entities whose documents or pages
    read a changed triple are made again, and only files that changed are replaced. `force` builds everything.
    """
    report = progress or (lambda _message: None)
    policy = UrlPolicy(config.base_iri)
    summary = BuildSummary(config.out_dir)

    with phase(summary, "check", report):
        data_files: dict[str, str] = {}
        fingerprint = input_fingerprint(config, data_files)
        previous = read_marker(config.out_dir)
    if not force and previous.get("fingerprint") == fingerprint:
        summary.entities = int(str(previous.get("entities", 0)))
        summary.triples = int(str(previous.get("triples", 0)))
        summary.files = int(str(previous.get("files", 0)))
        summary.unchanged = True
        report(f"nothing changed since the last build: {config.out_dir} is up to date")
        return summary

    with phase(summary, "load", report):
        sources = load_sources(config)
        renderer = Renderer(config.site_dir)
    with phase(summary, "validate", report):
        validation = run_validation(sources, policy)
        if not validation.conforms:
            shown = "\n".join(f.as_line() for f in validation.findings if f.severity == "Violation")
            raise NonConforming(
                f"the data do not conform ({validation.violations} violation(s)); nothing was written.\n{shown}"
            )
    with phase(summary, "dumps", report):
        plan = SitePlan()
        data = site_data(sources, policy)
        # One index of the data with the ontology and reference labels serves the exports and the catalogue.
        index = as_index(data + list(sources.triples(Role.ONTOLOGY, Role.REFERENCE)))
        matrices = coverage_matrix(index, policy)
        distributions = plan_dumps(plan, config, policy, sources, data, index, matrices)
    with phase(summary, "catalogue", report):
        described = plan_catalogue(plan, config, policy, sources, data, index, distributions)
    with phase(summary, "plan", report):
        graph = SiteGraph(described, policy)
        check_outside_base(graph, policy)
        check_paths(graph.entities, policy, reserved_first_segments(plan, config))
        summary.triples = len(data)
        summary.entities = len(graph.entities)
    views = Views(graph, config, policy, matrices)
    site = SiteView.from_config(config, graph)
    # What a page shows beyond its view, by entity: the site dataset's schema.org Dataset block.
    schema_org = {policy.dataset: embed_json(schema_org_dataset(config, policy, index, distributions))}
    with phase(summary, "changes", report):
        key = render_key(config, site, views)
        outside = outside_digests(matrices, schema_org)
        parts = graph_parts(sources, data_files, described, len(data))
        state = None if force else BuildState.load(config.out_dir)
        if state is not None and (state.key != key or state.fingerprint != previous.get("fingerprint")):
            state = None
        if state is None:
            state, changes = BuildState.first(key, fingerprint, parts)
            entities = graph.entities
            update = False
        else:
            changes = state.changes(parts)
            dirty = state.changed_entities(changes, graph.count_about, (e.value for e in graph.entities), outside)
            entities = [e for e in graph.entities if e.value in dirty]
            update = True
            report(f"{changes.count} triple(s) changed since the last build: {len(entities)} entities to make again")
    known = {path: digest for path, _, digest in state.own if digest}
    with SiteWriter(config.out_dir, update=update, known=known) as writer:
        # The dumps, catalogue and other site files go to disk first, and what only they needed is let go: the
        # render workers are forked from a smaller process, and no dump is held in memory while they run.
        with phase(summary, "write dumps", report):
            early_pages = [p for p in plan.files if is_page_file(p)]
            for path in sorted(plan.files):
                writer.write(path, plan.files[path])
            plan.files.clear()
            lastmod = latest_date(data)
            del sources, data, described, parts, index
            gc.collect()
        start = time.perf_counter()
        rendered = render_entities(writer.root, graph, entities, views, renderer, site, schema_org)
        wall = time.perf_counter() - start
        # Documents and pages are made together, entity by entity (in parallel on several cores): the wall time
        # is shared out in proportion to the time spent on each.
        for name in ("documents", "pages"):
            seconds = wall * rendered.cpu[name] / max(sum(rendered.cpu.values()), 1e-9)
            summary.phases.append((name, seconds))
            report(f"{name}: {seconds:.2f} s")
        with phase(summary, "site pages", report):
            plan_site_pages(plan, views, renderer, site)
        with phase(summary, "write", report):
            current = {e.value for e in graph.entities}
            removed = [path for entity, files in state.files.items() if entity not in current for path, _ in files]
            for entity, files in rendered.files.items():
                made = {path for path, _ in files}
                removed += [path for path, _ in state.files.get(entity, ()) if path not in made]
            state.files = {e: f for e, f in state.files.items() if e in current} | rendered.files
            # Entity files were written by the renderers; the writer accounts for them here.
            writer.record([item for entity in sorted(rendered.files) for item in rendered.files[entity]])
            entity_files = {path for files in state.files.values() for path, _ in files}
            pages = sorted(
                [p for p in entity_files if is_page_file(p)] + early_pages + [p for p in plan.files if is_page_file(p)]
            )
            plan.add(sitemap_file(), sitemap(pages, policy, lastmod))
            for path in sorted(plan.files):
                writer.write(path, plan.files[path])
            copy_assets(config, writer)
            own = sorted((p, n, writer.digests.get(p, "")) for p, n in writer.written.items() if p not in entity_files)
            removed += [path for path, _, _ in state.own if path not in writer.written]
            state.own = own
            summary.files = len(entity_files) + len(own) + 1
            state.add_readers(rendered.readers)
            state.key, state.fingerprint, state.outside = key, fingerprint, outside
            state.parts, state.rest = changes.files, changes.rest
            writer.write_hidden(STATE, state.dump())
            writer.commit(
                {
                    "written_by": "planlod build",
                    "fingerprint": fingerprint,
                    "entities": summary.entities,
                    "triples": summary.triples,
                    "files": summary.files,
                },
                removed,
            )
        summary.bytes_written = sum(writer.written.values())
        summary.rendered = len(entities)
        summary.replaced = writer.replaced
    return summary


# Entities per worker process below which the build renders in this process (forking costs more than it saves).
PARALLEL_THRESHOLD = 2000


@dataclass(frozen=True)
class EntityJob:
    """What every worker needs to render entities; workers are forked, so nothing here is pickled."""

    root: Path
    graph: SiteGraph
    entities: list[ox.NamedNode]
    views: Views
    renderer: Renderer
    site: SiteView
    schema_org: dict[str, str]
    workers: int


@dataclass
class Rendered:
    """What rendering entities made: per entity the files (path, size), who read what, CPU seconds per kind."""

    files: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    readers: dict[str, list[str]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=lambda: {"documents": 0.0, "pages": 0.0})

    def merge(self, other: Rendered) -> None:
        """Add another share's results."""
        self.files.update(other.files)
        for read, entities in other.readers.items():
            known = self.readers.get(read)
            if known is None:
                self.readers[read] = entities
            else:
                known.extend(entities)
        for name, seconds in other.cpu.items():
            self.cpu[name] += seconds


_JOB: EntityJob | None = None


def render_entities(
    root: Path,
    graph: SiteGraph,
    entities: list[ox.NamedNode],
    views: Views,
    renderer: Renderer,
    site: SiteView,
    schema_org: dict[str, str],
) -> Rendered:
    """Write the entities' documents and pages into `root`, on every core when there are many.

    Returns the files written per entity, which nodes each entity's outputs read, and the CPU seconds spent.
    """
    global _JOB  # noqa: PLW0603 - the forked workers read the job from the module, not from a pickle
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = max(1, min(cores, len(entities) // PARALLEL_THRESHOLD))
    _JOB = EntityJob(root, graph, entities, views, renderer, site, schema_org, workers)
    # Everything allocated so far (the site graph above all) is left out of garbage collection while rendering:
    # collections then never walk it, and forked workers leave the pages they share with this process unwritten.
    gc.freeze()
    try:
        if workers == 1:
            results = [_render_share(0)]
        else:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.map(_render_share, range(workers))
    finally:
        _JOB = None
        gc.unfreeze()
    rendered = Rendered()
    for result in results:
        rendered.merge(result)
    return rendered


# Entities are shared out to the workers in runs of this many neighbours (in IRI order): a run's triples lie close
# together in memory, so each worker touches (and copies) fewer of the memory pages it shares with the others.
SHARE_RUN = 64
COLLECT_EVERY = 4096


def _render_share(share: int) -> Rendered:
    """Render every `workers`-th run of SHARE_RUN entities, starting at run `share`; note what each one read."""
    job = _JOB
    assert job is not None
    rendered = Rendered()
    names: dict[Read, str] = {}
    root = str(job.root)
    # Folders made so far: an entity's five files share three folders, and its parent's were made before it.
    made: set[str] = set()
    files: list[tuple[str, int]] = []

    def emit(path: str, content: bytes) -> None:
        target = os.path.join(root, *safe_relative(path).parts)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)
        files.append((path, len(content)))

    entities = job.entities
    # Rendering makes few reference cycles: the collector runs every COLLECT_EVERY entities instead of whenever
    # enough objects were made (which cost about a tenth of the rendering time).
    collecting = gc.isenabled()
    gc.disable()
    for count, start in enumerate(range(share * SHARE_RUN, len(entities), job.workers * SHARE_RUN), 1):
        if count % (COLLECT_EVERY // SHARE_RUN) == 0:
            gc.collect()
        for entity in entities[start : start + SHARE_RUN]:
            files = []
            with job.graph.recording() as reads:
                render_entity(entity, job, emit, rendered.cpu)
            iri = entity.value  # one string shared by every list it is put in
            rendered.files[iri] = files
            for read in reads:
                name = names.get(read)
                if name is None:
                    name = names[read] = read_key(read)
                readers = rendered.readers.get(name)
                if readers is None:
                    rendered.readers[name] = [iri]
                else:
                    readers.append(iri)
    if collecting:
        gc.enable()
    return rendered


def merge_sorted(triples: list[ox.Triple], more: list[ox.Triple]) -> list[ox.Triple]:
    """`triples` (sorted by `triple_key`) with `more` added, still sorted: `more` is placed as one run where it
    fits between two of `triples`, as a document's statements about itself do (they share their subject)."""
    extra = sorted(more, key=triple_key)
    if not extra:
        return list(triples)
    first, last = triple_key(extra[0]), triple_key(extra[-1])
    at = bisect.bisect_left(triples, first, key=triple_key)
    if at < len(triples) and triple_key(triples[at]) < last:
        return sorted(triples + extra, key=triple_key)
    return triples[:at] + extra + triples[at:]


def render_entity(
    entity: ox.NamedNode, job: EntityJob, emit: Callable[[str, bytes], None], timings: dict[str, float]
) -> None:
    """One entity's Turtle, JSON-LD and N-Triples documents and its pages in both languages."""
    views, renderer, site = job.views, job.renderer, job.site
    policy, config = views.policy, views.config
    prefixes = policy.prefixes()
    start = time.perf_counter()
    path = policy.path(entity.value)
    described = job.graph.document(entity)
    # Each document is the entity's triples (sorted) with what the document says about itself, kept in order.
    documents = {
        f: merge_sorted(described, document_about(entity, policy.iri(document(path, f)), policy, config))
        for f in RDF_FORMATS
    }
    # The documents differ only in their own IRI (same namespace, same scheme): one prefix scan serves them all.
    scan = prefix_scan(documents[TURTLE], prefixes)
    emit(document(path, TURTLE), turtle(documents[TURTLE], prefixes, entity, presorted=True, scan=scan))
    emit(document(path, NTRIPLES), ntriples(documents[NTRIPLES], presorted=True))
    jsonld_text = json_text(jsonld_tree(entity, documents[JSONLD], prefixes, presorted=True, scan=scan))
    emit(document(path, JSONLD), jsonld_text.encode("utf-8"))
    middle = time.perf_counter()
    entities = views.entities
    kinds = entities.kind(entity)
    template = renderer.entity_template(kinds)
    values_template = renderer.template("values.html")
    schema_org = job.schema_org.get(entity.value, "")
    for lang in LANGS:
        here = page_dir(path, lang)
        view = entities.page(entity, lang, jsonld_text)
        extra = entities.extra(entity, kinds, lang, here)
        if schema_org:
            extra = replace(extra, schema_org=schema_org)
        emit(
            page_file(here),
            renderer.render(
                template, lang, here, page=view, site=site, extra=extra, other_lang_href=view.other_lang_href
            ),
        )
        for page_path, values in entities.value_pages(entity, lang):
            page_here = page_dir(page_path, lang)
            other = relative(page_here, page(page_path, other_lang(lang)))
            emit(
                page_file(page_here),
                renderer.render(values_template, lang, page_here, values, site=site, other_lang_href=other),
            )
    timings["documents"] += middle - start
    timings["pages"] += time.perf_counter() - middle


def plan_site_pages(plan: SitePlan, views: Views, renderer: Renderer, site: SiteView) -> None:
    """Home, SDG goal and target pages, coverage, data model and the static pages, in both languages."""
    # These pages walk every plan more than once: keep every node's values once read. What is there already (the
    # site graph) is left out of garbage collection meanwhile, so the caches' growth sets off no walks over it.
    views.g.cache_window = max(views.g.cache_window, len(views.g.by_subject))
    gc.freeze()
    try:
        _plan_site_pages(plan, views, renderer, site)
    finally:
        gc.unfreeze()


def _plan_site_pages(plan: SitePlan, views: Views, renderer: Renderer, site: SiteView) -> None:
    pages = views.site
    site_pages: list[tuple[str, str, Callable[[str, str], SitePageContext]]] = [
        (home_page(), "home.html", pages.home),
        (coverage_page(), "coverage.html", pages.coverage_page),
        (datamodel_page(), "datamodel.html", pages.datamodel),
    ]
    for concept in pages.sdg_pages():
        code = concept.value.rsplit("/", 1)[1]
        site_pages.append((sdg_page(code), "sdg.html", partial(pages.sdg, concept)))
    for stem in sorted(p.stem for p in (views.config.site_dir / "templates" / "pages").glob("*.html")):
        site_pages.append((static_page(stem), f"pages/{stem}.html", pages.static))
    for path, template_name, make in site_pages:
        template = renderer.template(template_name)
        for lang in LANGS:
            here = page_dir(path, lang)
            other = relative(here, page(path, other_lang(lang)))
            content = renderer.render(template, lang, here, make(lang, here), site=site, other_lang_href=other)
            plan.add(page_file(here), content)


def site_data(sources: Sources, policy: UrlPolicy) -> list[ox.Triple]:
    """The dataset: the data files' triples and the triples derived from them, sorted."""
    own = list(sources.triples(Role.DATA))
    with paused_gc():
        return sorted(set(own + derived_triples(own, vocabulary(policy))), key=_triple_text_key)


def _term_text_key(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """`query.term_key` as one string: the kind's digit, then the text."""
    if isinstance(term, ox.NamedNode):
        return "0" + term.value
    if isinstance(term, ox.BlankNode):
        return "1" + term.value
    return "2" + str(term)


def _triple_text_key(triple: ox.Triple) -> str:
    """A string that sorts as `query.triple_key` does: the terms' keys joined by NUL, which no IRI or blank node
    label holds and a literal's text escapes (so a key that is a prefix of another sorts first, as in a tuple).
    Strings are cheaper to make and compare than nested tuples, and the collector does not track them."""
    subject, predicate, obj = triple
    return _term_text_key(subject) + "\0" + _term_text_key(predicate) + "\0" + _term_text_key(obj)


def provenance_triples(policy: UrlPolicy, data: list[ox.Triple]) -> list[ox.Triple]:
    """The dump's provenance graph: what the dataset derives from, when it last changed, what made it."""
    dataset = ox.NamedNode(policy.dataset)
    derived_from = sorted(
        {t.object for t in data if t.predicate == PROV_WAS_DERIVED_FROM and isinstance(t.object, ox.NamedNode)},
        key=lambda n: n.value,
    )
    return [ox.Triple(dataset, PROV_WAS_DERIVED_FROM, s) for s in derived_from] + [
        ox.Triple(dataset, DCT_MODIFIED, ox.Literal(latest_date(data), datatype=XSD_DATE)),
    ]


def plan_dumps(
    plan: SitePlan,
    config: Config,
    policy: UrlPolicy,
    sources: Sources,
    data: list[ox.Triple],
    index: DataIndex,
    matrices: list[CoverageMatrix],
) -> list[Distribution]:
    """The dumps and the researchers' exports, each with its checksum for the catalogue.

    `data` is in `triple_key` order (`site_data`), the order every dump is written in, so each is written straight
    from it. The files are gzipped and hashed on two other threads (zlib and hashlib let go of the interpreter
    while they work) while the next file is being written.
    """
    with paused_gc():
        prefixes = policy.prefixes()
        ontology = list(sources.triples(Role.ONTOLOGY))
        provenance_graph = ox.NamedNode(policy.provenance_graph)
        provenance = sorted(provenance_triples(policy, data), key=triple_key)
        jsonld_dump, used = jsonld_flat_and_prefixes(data, prefixes, presorted=True)  # used: used_prefixes(data)
        in_provenance = set(used_prefixes(provenance, prefixes).values())
        used_trig = {prefix: ns for prefix, ns in prefixes if ns in in_provenance or ns in used.values()}
        turtle_dump = sorted_turtle(data, used)  # = turtle(data, prefixes), data being sorted
        # The TriG dump's default graph is this Turtle when the provenance graph needs no other prefix.
        default_turtle = turtle_dump if used_trig == used else None
        files: list[tuple[str, str, str, str, Callable[[], bytes], str, str]] = [
            (
                "turtle",
                dump(TURTLE),
                TURTLE.media_type,
                TURTLE.eu_file_type,
                lambda: turtle_dump,
                "Hele datasættet som Turtle",
                "The whole dataset as Turtle",
            ),
            (
                "ntriples",
                dump(NTRIPLES),
                NTRIPLES.media_type,
                NTRIPLES.eu_file_type,
                lambda: sorted_ntriples(data),
                "Hele datasættet som N-Triples",
                "The whole dataset as N-Triples",
            ),
            (
                "jsonld",
                dump(JSONLD),
                JSONLD.media_type,
                JSONLD.eu_file_type,
                lambda: jsonld_dump,
                "Hele datasættet som JSON-LD",
                "The whole dataset as JSON-LD",
            ),
            (
                "trig",
                dump(TRIG),
                TRIG.media_type,
                TRIG.eu_file_type,
                lambda: trig(
                    [(None, data), (provenance_graph, provenance)],
                    prefixes,
                    presorted=True,
                    used=used_trig,
                    default_turtle=default_turtle,
                ),
                "Hele datasættet som TriG med en proveniensgraf",
                "The whole dataset as TriG with a provenance graph",
            ),
            (
                "ontology",
                ontology_dump(),
                TURTLE.media_type,
                TURTLE.eu_file_type,
                lambda: turtle(ontology, prefixes),
                "Ontologien som Turtle",
                "The ontology as Turtle",
            ),
            (
                "shapes",
                shapes_dump(),
                TURTLE.media_type,
                TURTLE.eu_file_type,
                lambda: turtle(sources.triples(Role.SHAPES), prefixes),
                "SHACL-formreglerne som Turtle",
                "The SHACL shapes as Turtle",
            ),
            (
                "sdg-csv",
                sdg_links_csv_file(),
                CSV.media_type,
                CSV.eu_file_type,
                lambda: sdg_links_csv(index, policy),
                "Verdensmålskoblinger som CSV",
                "SDG links as CSV",
            ),
            (
                "sssom",
                sdg_links_sssom_file(),
                TSV.media_type,
                TSV.eu_file_type,
                lambda: sdg_links_sssom(index, policy, config),
                "Verdensmålskoblinger som SSSOM",
                "SDG links as SSSOM",
            ),
            (
                "coverage-csv",
                coverage_csv_file(),
                CSV.media_type,
                CSV.eu_file_type,
                lambda: coverage_csv(matrices),
                "Verdensmålsdækning som CSV",
                "SDG coverage as CSV",
            ),
        ]

        # The dumps of the dataset are also published gzipped.
        gzipped = {dump(fmt) for fmt in (TURTLE, NTRIPLES, JSONLD, TRIG)}

        def pack(content: bytes, gzipped: bool) -> tuple[str, bytes, str]:
            packed = gzip_bytes(content) if gzipped else b""
            return hashlib.sha256(content).hexdigest(), packed, hashlib.sha256(packed).hexdigest() if gzipped else ""

        distributions: list[Distribution] = []
        with ThreadPoolExecutor(max_workers=2) as packer:
            made = []
            for key, path, media_type, file_type, make, title_da, title_en in files:
                content = make()
                plan.add(path, content)
                packing = packer.submit(pack, content, path in gzipped)
                made.append((key, path, media_type, file_type, len(content), title_da, title_en, packing))
            for key, path, media_type, file_type, size, title_da, title_en, packing in made:
                digest, packed, packed_digest = packing.result()
                distributions.append(Distribution(key, path, media_type, file_type, digest, size, title_da, title_en))
                if packed_digest:
                    plan.add(compressed(path, GZIP), packed)
                    distributions.append(
                        Distribution(
                            f"{key}-gz",
                            compressed(path, GZIP),
                            GZIP.media_type,
                            file_type,
                            packed_digest,
                            len(packed),
                            title_da + " (gzip)",
                            title_en + " (gzip)",
                        )
                    )
        return distributions


def plan_catalogue(
    plan: SitePlan,
    config: Config,
    policy: UrlPolicy,
    sources: Sources,
    data: list[ox.Triple],
    index: DataIndex,
    distributions: list[Distribution],
) -> list[ox.Triple]:
    """Catalogue, VoID, context, server rules and robots.txt; returns every triple the site describes."""
    with paused_gc():
        prefixes = policy.prefixes()
        ontology = list(sources.triples(Role.ONTOLOGY))
        reference = list(sources.triples(Role.REFERENCE))
        catalogue = catalogue_triples(config, policy, index, distributions)
        # VoID counts the dataset alone: the index's first triples when it holds the data first (build_site's).
        own = index.first(len(data)) if index.triples[: len(data)] == data else DataIndex(data)
        void = void_triples(config, policy, own, distributions)
        plan.add(catalogue_file(TURTLE), turtle(catalogue, prefixes, ox.NamedNode(policy.catalogue)))
        plan.add(catalogue_file(RDFXML), rdfxml(catalogue, prefixes))
        plan.add(catalogue_file(JSONLD), jsonld_flat(catalogue, prefixes))
        void_document = turtle(void, prefixes, ox.NamedNode(policy.dataset))
        for path in void_files():
            plan.add(path, void_document)
        plan.add(context_file(), context_document(ontology, policy))
        plan.add(nginx_file(), nginx_conf(config, policy).encode("utf-8"))
        plan.add(htaccess_file(), htaccess(config, policy).encode("utf-8"))
        plan.add(robots_file(), f"User-agent: *\nAllow: /\nSitemap: {policy.sitemap}\n".encode())
        return data + ontology + reference + list(sources.triples(Role.SHAPES)) + catalogue + void


def reserved_first_segments(plan: SitePlan, config: Config) -> set[str]:
    """First path segments no entity may use: the site's own files and folders, and its static pages."""
    pages = {static_page(p.stem) for p in (config.site_dir / "templates" / "pages").glob("*.html")}
    return {path.split("/", 1)[0] for path in plan.files} | site_folders() | pages


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
    assets = config.site_dir / "assets"
    if assets.is_dir():
        for path in sorted(p for p in assets.rglob("*") if p.is_file()):
            writer.write(asset(path.relative_to(assets).as_posix()), path.read_bytes())
    sources = config.data_dir / "kilder"
    if sources.is_dir():
        for path in sorted(p for p in sources.rglob("*") if p.is_file()):
            writer.write(source_document(path.relative_to(sources).as_posix()), path.read_bytes())


def sitemap(pages: list[str], policy: UrlPolicy, lastmod: str) -> bytes:
    """Every HTML page (paths of index.html files, sorted) with its last modification date."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path in pages:
        loc = policy.iri(page_folder(path)).replace("&", "&amp;").replace("<", "&lt;")
        lines.append(f"  <url><loc>{loc}</loc><lastmod>{lastmod}</lastmod></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
