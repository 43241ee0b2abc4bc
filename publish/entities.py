"""Every entity's documents (Turtle, JSON-LD, N-Triples) and pages (Danish and English, and further pages of long
value lists), rendered on every core for a large site (this process renders a share itself beside a forked worker
process per further core), written through the guarded writer's sink into its temporary folder.

Stage: build. Imports `config`, `errors`, `formats`, `incremental`, `query`, `render`, `serialize`, `switch`, `urls`,
`views`, `vocab` and `write`.
"""

from __future__ import annotations

import bisect
import gc
import multiprocessing
import multiprocessing.queues
import os
import pickle
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pyoxigraph as ox

from .config import Config
from .errors import BuildError
from .formats import JSONLD, NTRIPLES, RDF_FORMATS, TURTLE
from .incremental import read_key
from .query import Read, SiteGraph, triple_key
from .render import Renderer
from .serialize import json_text, jsonld_tree, ntriples, prefix_scan, turtle
from .switch import tie_to_build
from .urls import LANGS, UrlPolicy, document, other_lang, page, page_dir, page_file, relative
from .views import SiteView, Views
from .vocab import DCT_LICENSE, FOAF_DOCUMENT, FOAF_PRIMARY_TOPIC, RDF_TYPE, VOID_IN_DATASET
from .write import SiteWriter, usable_cores


def document_about(entity: ox.NamedNode, doc_iri: str, policy: UrlPolicy, config: Config) -> list[ox.Triple]:
    """What a document says about itself: its topic, its dataset and its licence."""
    doc = ox.NamedNode(doc_iri)
    return [
        ox.Triple(doc, RDF_TYPE, FOAF_DOCUMENT),
        ox.Triple(doc, FOAF_PRIMARY_TOPIC, entity),
        ox.Triple(doc, VOID_IN_DATASET, ox.NamedNode(policy.dataset)),
        ox.Triple(doc, DCT_LICENSE, ox.NamedNode(config.licence)),
    ]


# Entities per worker process below which the build renders in this process: forking a worker and filling its
# caches again costs about 0.1 s of CPU, what rendering some 25 entities does, so a share of 100 or more pays
# (the repository's own data, 279 entities, render in two processes).
PARALLEL_THRESHOLD = 100


@dataclass(frozen=True)
class EntityJob:
    """What every worker needs to render entities; workers are forked, so nothing here is pickled."""

    writer: SiteWriter
    graph: SiteGraph
    entities: list[ox.NamedNode]
    views: Views
    renderer: Renderer
    site: SiteView
    schema_org: dict[str, str]
    workers: int
    # The build's process: a worker whose build was killed stops rather than write on into its folder.
    parent: int = field(default_factory=os.getpid)


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


def render_workers(count: int) -> int:
    """How many processes render `count` entities: one per usable core when there are many, else this one."""
    return max(1, min(usable_cores(), count // PARALLEL_THRESHOLD))


def render_entities(
    writer: SiteWriter,
    graph: SiteGraph,
    entities: list[ox.NamedNode],
    views: Views,
    renderer: Renderer,
    site: SiteView,
    schema_org: dict[str, str],
    done: Callable[[int], None] | None = None,
) -> Rendered:
    """Write the entities' documents and pages through the writer, on every core when there are many.

    Returns the files written per entity (for the writer to `record`), which nodes each entity's outputs read, and
    the CPU seconds spent. `done(n)` is told as every n entities are made.
    """
    global _JOB  # noqa: PLW0603 - the forked workers read the job from the module, not from a pickle
    workers = render_workers(len(entities))
    _JOB = EntityJob(writer, graph, entities, views, renderer, site, schema_org, workers)
    count = done or (lambda _n: None)
    # Everything allocated so far (the site graph above all) is left out of garbage collection while rendering:
    # collections then never walk it, and forked workers leave the pages they share with this process unwritten.
    gc.freeze()
    try:
        if workers == 1:
            results = [_render_share(0, len(entities), count)]
        else:
            results = _in_workers(workers, len(entities), count)
    finally:
        _JOB = None
        gc.unfreeze()
    rendered = Rendered()
    for result in results:
        rendered.merge(result)
    return rendered


def _in_workers(workers: int, total: int, count: Callable[[int], None]) -> list[Rendered]:
    """Render on `workers` cores: this process renders the first share while forked worker processes render the
    others, each a contiguous share of the entities (in IRI order, so each reads mostly its own part of the site
    graph and copies fewer of the memory pages it shares with this process). One process fewer is forked than
    cores are used: the site graph's pages a worker touches are copied into it, and this process would only wait.
    The workers report every run of entities they finish, and the results come back in share order."""
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    bounds = [(share * total // workers, (share + 1) * total // workers) for share in range(workers)]
    processes = {
        share: context.Process(target=_worker, args=(share, start, end, messages), daemon=True)
        for share, (start, end) in enumerate(bounds)
        if share > 0
    }
    for process in processes.values():
        process.start()
    results: dict[int, Rendered] = {}

    def receive(timeout: float | None) -> None:
        """Take the workers' messages: those waiting (timeout None), or the next one within `timeout` seconds."""
        while True:
            try:
                kind, share, payload = messages.get_nowait() if timeout is None else messages.get(timeout=timeout)
            except queue.Empty:
                if timeout is None:
                    return
                stopped = [p for n, p in processes.items() if n not in results and p.exitcode not in (None, 0)]
                if stopped:
                    raise BuildError(
                        f"a render worker stopped (exit code {stopped[0].exitcode}); nothing was put in place"
                    ) from None
                return
            if kind == "count":
                count(payload)
            elif kind == "done":
                results[share] = payload
            else:
                raise payload
            if timeout is not None:
                return

    def own(done: int) -> None:
        count(done)
        receive(None)

    try:
        start, end = bounds[0]
        results[0] = _render_share(start, end, own)
        while len(results) < workers:
            receive(0.5)
    finally:
        for process in processes.values():
            if process.is_alive():
                process.terminate()
            process.join()
        messages.close()
    return [results[share] for share in range(workers)]


def _worker(share: int, start: int, end: int, messages: multiprocessing.queues.Queue[tuple[str, int, Any]]) -> None:
    """A forked render worker: render entities[start:end], report progress and the result (or the error). It ends
    with the build's process: a worker left behind by a killed build would hold the site's lock, waiting for ever
    to hand its result to a build that is gone."""
    assert _JOB is not None
    tie_to_build(_JOB.parent)
    try:
        messages.put(("done", share, _render_share(start, end, lambda n: messages.put(("count", share, n)))))
    except BaseException as exc:  # handed to the parent, which raises it
        try:
            pickle.dumps(exc)
        except Exception:
            exc = BuildError(f"rendering failed: {exc!r}")
        messages.put(("error", share, exc))


# Entities are rendered in runs of this many neighbours (in IRI order); progress is reported after each run.
SHARE_RUN = 64


COLLECT_EVERY = 4096
# The names of reads made lately (most reads of an entity are its neighbours', read again by the next entities):
# kept up to this many, as the reads themselves hold terms, and a worker's share reads some 200,000 at 1000 plans.
READ_NAMES_KEPT = 16384


def _render_share(start: int, end: int, count: Callable[[int], None]) -> Rendered:
    """Render entities[start:end] in runs of SHARE_RUN; note what each one read."""
    job = _JOB
    assert job is not None
    rendered = Rendered()
    names: dict[Read, str] = {}
    sink = job.writer.sink()

    entities = job.entities
    forked = os.getpid() != job.parent  # a worker (the build's process renders the first share itself)
    # Rendering makes few reference cycles: the collector runs every COLLECT_EVERY entities instead of whenever
    # enough objects were made (which cost about a tenth of the rendering time). What outlives a collection (the
    # files written and the reads recorded so far) is frozen with the rest, so each collection walks only what
    # the last COLLECT_EVERY entities made (walking the growing results took 1.7 s a collection at 1000 plans).
    collecting = gc.isenabled()
    gc.disable()
    for number, first in enumerate(range(start, end, SHARE_RUN), 1):
        if number % (COLLECT_EVERY // SHARE_RUN) == 0:
            gc.collect()
            gc.freeze()
        run = entities[first : min(first + SHARE_RUN, end)]
        for entity in run:
            if forked and os.getppid() != job.parent:
                os._exit(1)  # the build was killed; the next build removes what it left
            with job.graph.recording() as reads:
                render_entity(entity, job, sink.write, rendered.cpu)
            iri = entity.value  # one string shared by every list it is put in
            rendered.files[iri] = sink.take()
            if len(names) > READ_NAMES_KEPT:
                names.clear()
            for read in reads:
                name = names.get(read)
                if name is None:
                    name = names[read] = read_key(read)
                readers = rendered.readers.get(name)
                if readers is None:
                    rendered.readers[name] = [iri]
                else:
                    readers.append(iri)
        count(len(run))
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
