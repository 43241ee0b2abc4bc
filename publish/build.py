"""`planlod build`: gather the site (in memory, but for the dumps, which wait in a spool folder), then write it
through the guarded writer.

Stage: build. Imports `beside`, `catalog`, `collector`, `config`, `dumps`, `entities`, `errors`, `escaping`,
`incremental`, `load`, `plans`, `progress`, `query`, `render`, `sitefiles`, `sitepages`, `siteplan`, `urls`,
`validate`, `views` and `write`; nothing imports it but `cli`.
`build_site` reads as its steps:
1. check: every input readable, the output folder where it may be and leftovers of stopped builds removed; when
   nothing the build reads changed since the last build and the site is as that build left it, it is kept (files
   removed or changed by hand are made again);
2. load and validate: violations stop the build, nothing is written (validation runs beside the gathering, in a
   forked process on another core, and the build takes its verdict before it writes: `beside`);
3. gather: the dumps and exports (`dumps`, written piece by piece into a spool folder that the writer moves
   them from; in an update, the exports and the coverage made beside them, in a forked process), the catalogue
   and the site's own files (`sitefiles`), the site graph with its path checks (`siteplan`) and the views;
4. changes: what an incremental build makes again (`incremental`);
5. write: the planned files first, then every entity's documents and pages (`entities`, on every core for a large
   site), the site pages (`sitepages`), the sitemap, assets and the build's record, all into a new generation of
   the site that the output folder is switched to in one step when everything succeeded (`write`, `switch`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .beside import Beside
from .catalog import Distribution, SiteFacts, schema_org_dataset, site_facts
from .collector import give_back_freed_memory, let_go, paused_gc
from .config import Config
from .dumps import (
    DumpPart,
    Exports,
    dataset,
    dataset_parts,
    latest_date,
    make_exports,
    plan_dumps,
    store_parts,
    stored_parts,
)
from .entities import Rendered, render_entities, render_workers
from .errors import NonConforming
from .escaping import embed_json
from .incremental import (
    SDG_PAGES,
    STATE,
    BuildState,
    Changes,
    code_key,
    digest,
    graph_parts,
    input_fingerprint,
    is_page_reader,
    outside_digests,
    render_key,
)
from .load import Parsed, Role, Sources, load_sources, plan_inputs
from .plans import CoverageMatrix, DataIndex
from .progress import Progress, as_progress
from .query import SiteGraph
from .render import Renderer
from .sitefiles import copy_assets, plan_catalogue, sitemap
from .sitepages import SdgPage, SitePages, coverage_readers, plan_site_pages, sdg_pages, site_page_readers
from .siteplan import SitePlan, check_outside_base, check_paths, reserved_first_segments, site_segments
from .urls import DUMP_PARTS, VALIDATION_RECORD, UrlPolicy, is_page_file, sitemap_file
from .validate import ValidationMemory, run_validation
from .views import SiteView, Views
from .write import (
    FILES,
    SiteWriter,
    changed_files,
    check_out_dir,
    check_output_folder,
    files_record,
    read_files_record,
    read_marker,
    spooling,
    tidy,
)


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
    # What the built site lacks that a consumer expects, from the settings (the CLI prints each on stderr).
    warnings: list[str] = field(default_factory=list)

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


@dataclass
class Inputs:
    """What the build read (step 1 and 2): the input fingerprint, the last build's record, the parsed files."""

    fingerprint: str
    data_files: dict[str, str]
    previous: dict[str, object]
    sources: Sources | None = None
    # Files of the built site that are not as its build left them (removed, or changed by hand): made again.
    repair: set[str] = field(default_factory=set)
    # The look for them while it runs beside the build (after an edit, when the build goes on whatever it finds).
    looking: Beside[list[str]] | None = None
    # What validation learned, as the record kept beside the site for the next build; the key of what wrote it.
    validation: bytes | None = None
    key: str = ""


@dataclass
class Gathered:
    """The site in memory (step 3): its own files, the data and what is read from it, the site graph, the views.

    `release` lets go of what only the planned files needed, before the render workers are forked."""

    plan: SitePlan
    data: list[ox.Triple]
    index: DataIndex
    matrices: list[CoverageMatrix]
    distributions: list[Distribution]
    described: list[ox.Triple]
    graph: SiteGraph
    views: Views
    site: SiteView
    # What a page shows beyond its view, by entity: the site dataset's schema.org Dataset block.
    schema_org: dict[str, str]
    # The dataset's dumps in parts (`dumps.dataset_parts`), and the key of what wrote them.
    parts: dict[str, DumpPart] = field(default_factory=dict)
    parts_key: str = ""
    # The latest date in the data (`dumps.latest_date`): the dumps' provenance and the sitemap's last modified.
    modified: str = ""
    # Per data file the triples in standard terms it gives, and the alignment's key (`dumps.dataset`).
    aligned: tuple[dict[str, list[ox.Triple]], str] = ({}, "")
    # The triples derived from the data that no data file states (`dumps.SiteData.derived`).
    derived: list[ox.Triple] = field(default_factory=list)

    def release(self) -> tuple[object, ...]:
        """Drop the data, the index and the described triples (the graph and the views keep what pages need);
        returns them, for the caller to free or to let go of (`collector.let_go`)."""
        dropped = self.data, self.described, self.index, self.aligned, self.derived
        self.data, self.described, self.index, self.aligned, self.derived = [], [], DataIndex(()), ({}, ""), []
        return dropped


@dataclass
class BuildMemory:
    """What a build learned that the next build of the same project can use when it runs in the same process
    (`planlod build --watch`): the files as parsed, by their bytes, the last validation, and the dumps' parts."""

    parsed: Parsed = field(default_factory=dict)
    validation: ValidationMemory = field(default_factory=ValidationMemory)
    dumps: dict[str, DumpPart] = field(default_factory=dict)


@dataclass
class Work:
    """What this build makes (step 4): the entities to render, the build state to update, the changes."""

    state: BuildState
    changes: Changes
    entities: list[ox.NamedNode]
    update: bool
    key: str
    outside: dict[str, str]
    # The SDG goals' and targets' pages.
    sdg: list[SdgPage]
    # The SDG pages (by reader) an update leaves as they are, with their files.
    pages: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def build_site(
    config: Config,
    progress: Progress | Callable[[str], None] | None = None,
    force: bool = False,
    memory: BuildMemory | None = None,
) -> BuildSummary:
    """Build the site into config.out_dir. Violations raise NonConforming before anything is written.

    When nothing the build reads has changed since the build in config.out_dir, that output is kept as it is
    (it is what a new build would write). When only the data changed, only the entities whose documents or pages
    read a changed triple are made again, and only files that changed are replaced. `force` builds everything.
    A `memory` passed from build to build of the same project spares parsing unchanged files and checking again
    what an edit cannot have changed (the outcome is the same).
    """
    # The collector does not run by itself during a build: a build makes millions of long-lived containers (the
    # parsed data, its indexes, the site graph) and few reference cycles, so its collections walked the growing
    # heap again and again (13 s of a 69 s update at 1000 plans) for next to nothing. The stages that leave cycles
    # collect them (validation), and the writer collects before it forks.
    with paused_gc():
        return _build_site(config, progress, force, memory)


def _build_site(
    config: Config, progress: Progress | Callable[[str], None] | None, force: bool, memory: BuildMemory | None
) -> BuildSummary:
    report = as_progress(progress)
    policy = UrlPolicy(config.base_iri)
    summary = BuildSummary(config.out_dir, warnings=settings_warnings(config))
    # 1. Check: when nothing the build reads changed and the site is as the last build left it, that build's
    # output is what this one would write.
    with phase(summary, "check", report):
        inputs = check_inputs(config, report, look=not force, beside=memory is None)
    try:
        if inputs.repair == {NO_RECORD}:
            force = True
        if not force and not inputs.repair and inputs.previous.get("fingerprint") == inputs.fingerprint:
            if memory is not None and not memory.parsed:
                # The first build of a watch: the output is current, but the next build needs what it learns.
                with phase(summary, "learn", report):
                    sources = load_sources(config, parsed=memory.parsed)
                    restore_validation(config, memory.validation, code_key(config))
                    run_validation(sources, policy, reserved=site_segments(config), memory=memory.validation)
            return up_to_date(summary, inputs.previous, report)
        # The site's lock is taken now: an update that finds no spare generation (a full build leaves one) links
        # the current generation into a new one on another core (20-40 s at 1000 plans) while this one loads,
        # validates and gathers; a full build stops it (`SiteWriter.settle`).
        # (Only when there is a site: a first build that fails leaves nothing beside its output folder.)
        if not force and inputs.previous:
            with SiteWriter(config.out_dir, link=True) as writer:
                _build_in(config, policy, inputs, summary, report, force, memory, lambda: nullcontext(writer))
        else:
            _build_in(config, policy, inputs, summary, report, force, memory, lambda: SiteWriter(config.out_dir))
        return summary
    finally:
        if inputs.looking is not None:
            inputs.looking.stop()


def _build_in(
    config: Config,
    policy: UrlPolicy,
    inputs: Inputs,
    summary: BuildSummary,
    report: Progress,
    force: bool,
    memory: BuildMemory | None,
    site_writer: Callable[[], AbstractContextManager[SiteWriter]],
) -> None:
    """Steps 2 to 5; `site_writer` gives the writer of step 5 (entered already when the build holds the site's
    lock from its start)."""
    # 2. Load and validate: violations stop the build before anything is written.
    with phase(summary, "load", report):
        inputs.sources = load_sources(config, parsed=memory.parsed if memory is not None else None)
        renderer = Renderer(config.site_dir)
    # What the last validation learned: kept by a watching process, else recorded beside the site.
    parts_key = inputs.key = code_key(config)
    validation = memory.validation if memory is not None else ValidationMemory()
    # 3. Gather the whole site (the dumps into the spool folder): the dumps from the parts of the last build that
    # are still current (kept by a watching process, else stored beside the site), unless the build is forced.
    kept = {} if force else memory.dumps if memory is not None and memory.dumps else None
    if kept is None:
        kept = stored_parts(config.out_dir, parts_key)
    # The dumps wait in a spool folder beside the site's generations until the writer moves them in.
    with spooling(config.out_dir) as spool:
        parted = (inputs.data_files, parts_key, kept)
        # Validation (step 2) runs beside the gathering, in a forked process on another core: it reads the loaded
        # files only, and the build takes its verdict, with the record of what it learned, before it writes. A
        # watching process validates in its own process, where it keeps what validation learned: with that memory
        # an edit is checked in about a second, less than what forking a process that holds the parsed files costs
        # (every page either process writes to is copied; at 1000 plans the gathering took 3 s longer beside it,
        # and the two processes held 2.2 GB).
        restore = None if force else config  # the record is read where the validation runs
        # The exports are made in a forked process beside the dumps when this build updates a site built by the
        # same code and settings (its dumps' parts are kept) that recorded its validation: validation then checks
        # again what changed only, in a small process. Beside a whole validation a third process took a full build
        # at 1000 plans past 2 GB (2254 MiB of the processes' PSS, against 1988 MiB without it).
        beside = memory is None and bool(kept) and (config.out_dir / VALIDATION_RECORD).is_file()
        check = validating(inputs.sources, policy, site_segments(config), validation, parts_key, restore)
        with Beside(check, report, fork=memory is None) as checking:
            if not checking.forked:  # validated first, before the gathering grows the heap
                with phase(summary, "validate", report):
                    inputs.validation = checking.result()
            try:
                gathered = gather(config, policy, inputs.sources, summary, report, parted, spool, beside)
            except BaseException:
                # Gathering takes the data as valid: data that do not conform are reported as such, whatever else
                # went wrong with them.
                if checking.forked:
                    with phase(summary, "validate", report):
                        checking.result()
                raise
            if checking.forked:
                with phase(summary, "validate", report):
                    inputs.validation = checking.result()
        if memory is not None:
            memory.dumps = gathered.parts
        # 4. Changes: what to make again (everything, unless the last build's state says otherwise).
        with phase(summary, "changes", report):
            work = plan_work(config, inputs, gathered, force, report)
        # 5. Write, into a new generation of the site that the output folder is switched to at the end.
        known = {path: digest for path, _, digest in work.state.own if digest and path not in inputs.repair}
        with site_writer() as writer:
            writer.settle(work.update, known)
            write_site(config, policy, inputs, gathered, work, renderer, writer, summary, report)
            summary.bytes_written = sum(writer.written.values())
            summary.rendered = len(work.entities)
            summary.replaced = writer.replaced
        let_go(gathered, work, validation, kept)


def settings_warnings(config: Config) -> list[str]:
    """What the settings leave out that a consumer of the site expects. A contact is a deployment fact, so the
    build never makes one up: without `contact_email` the catalogue has no dcat:contactPoint."""
    warnings = []
    if not config.contact_email.strip():
        warnings.append(
            "no contact_email is configured, so the catalogue names no contact point (dcat:contactPoint, which "
            "DCAT-AP recommends and CKAN shows as the dataset's contact) and the pages name no contact; set "
            "contact_email (and contact_name) in [tool.planlod] or PLANLOD_CONTACT_EMAIL"
        )
    return warnings


def check_inputs(config: Config, report: Progress, look: bool = True, beside: bool = True) -> Inputs:
    """Step 1: every input file readable as one; the output folder where it may be, and what stopped builds left
    beside it removed; the fingerprint of everything the build reads, what the last build recorded, and (unless
    not `look`: a forced build makes every file) the site's files that are not as that build left them: after an
    edit, looked for beside the build's next steps (unless not `beside`: a watching process looks in the check
    itself, as it validates in its own process: forking a process that holds what it learned copies every page
    either process writes to while both run)."""
    plan_inputs(config)
    inputs = {"data": config.data_dir, "ontology": config.ontology_dir, "shapes": config.shapes_dir}
    check_out_dir(config.out_dir, {**inputs, "site": config.site_dir})
    check_output_folder(config.out_dir)
    left = tidy(config.out_dir)
    if left:
        report(f"removed what {len(left)} stopped build(s) left beside {config.out_dir}")
    data_files: dict[str, str] = {}
    fingerprint = input_fingerprint(config, data_files)
    previous = read_marker(config.out_dir)
    found = Inputs(fingerprint, data_files, previous)
    edited = previous.get("fingerprint") not in (None, fingerprint)
    if look and beside and edited and (config.out_dir / FILES).is_file():
        # After an edit the build goes on whatever the look finds (a few seconds at 1000 plans: a lookup of every
        # file), so it runs beside the loading, in one process; the build takes what it found when it plans its
        # changes.
        out_dir = config.out_dir
        found.looking = Beside(lambda _report: site_changed_by_hand(out_dir, alone=True), report)
    elif look and previous.get("fingerprint"):
        take_repair(found, site_changed_by_hand(config.out_dir), config.out_dir, report)
    return found


def take_repair(inputs: Inputs, changed: list[str], out_dir: Path, report: Progress) -> None:
    """What the look for files changed by hand found, said and kept as the files to make again."""
    if changed == [NO_RECORD]:
        report(f"{out_dir}: the build's record is missing; building the site whole again")
    elif changed:
        shown = ", ".join(changed[:3]) + (" …" if len(changed) > 3 else "")
        report(
            f"{len(changed)} file(s) of {out_dir} were removed or changed since the last build "
            f"({shown}): making them again"
        )
    inputs.repair = set(changed)


NO_RECORD = "(the build's record)"


def restore_validation(config: Config, validation: ValidationMemory, key: str) -> None:
    """A memory that has not validated yet takes up what the last build's validation recorded beside the site
    (when the same code and settings, `key`, wrote it); a record that cannot be used is left aside."""
    if validation.shapes_key is None:
        with suppress(OSError):
            validation.restore((config.out_dir / VALIDATION_RECORD).read_bytes(), key)


def site_changed_by_hand(out_dir: Path, alone: bool = False) -> list[str]:
    """The files of the built site that are not as its build left them (see `write.changed_files`; `alone`: in
    this process only), by the build's record of its files (or, for a site built before that record, its state);
    `[NO_RECORD]` when there is no record to check against."""
    folders = read_files_record(out_dir)
    if folders is not None:
        return changed_files(out_dir, folders, alone)
    state = BuildState.load(out_dir)
    if state is None:
        return [NO_RECORD]
    recorded = [(path, size) for files in state.files.values() for path, size in files]
    recorded += [(path, size) for path, size, _digest in state.own]
    return changed_files(out_dir, recorded, alone)


def up_to_date(summary: BuildSummary, previous: dict[str, object], report: Progress) -> BuildSummary:
    """The summary of a build that kept the output as it is."""
    summary.entities = int(str(previous.get("entities", 0)))
    summary.triples = int(str(previous.get("triples", 0)))
    summary.files = int(str(previous.get("files", 0)))
    summary.unchanged = True
    report(f"nothing changed since the last build: {summary.out_dir} is up to date")
    return summary


def validate(
    sources: Sources, policy: UrlPolicy, reserved: set[str], report: Progress, memory: ValidationMemory | None = None
) -> None:
    """Step 2: NonConforming, listing the violations, unless the data conform to the shapes and to the rules the
    build needs (`reserved`: the first path segments of the site's own folders and pages)."""
    validation = run_validation(sources, policy, reserved=reserved, progress=report, memory=memory)
    if not validation.conforms:
        shown = "\n".join(f.as_line() for f in validation.findings if f.severity == "Violation")
        raise NonConforming(
            f"the data do not conform ({validation.violations} violation(s)); nothing was written.\n{shown}"
        )


def validating(
    sources: Sources | None,
    policy: UrlPolicy,
    reserved: set[str],
    memory: ValidationMemory,
    key: str,
    restore: Config | None = None,
) -> Callable[[Progress], bytes]:
    """Step 2 as work to run beside the gathering (`beside.Beside`): `validate` with `memory`, which then gives
    the record of what it learned (`ValidationMemory.record`, written by `key`). `restore`: the memory first takes
    up what the last build of this configuration recorded (`restore_validation`), where the validation runs."""
    assert sources is not None

    def check(report: Progress) -> bytes:
        if restore is not None:
            restore_validation(restore, memory, key)
        validate(sources, policy, reserved, report, memory)
        return memory.record(key)

    return check


def gather(
    config: Config,
    policy: UrlPolicy,
    sources: Sources,
    summary: BuildSummary,
    report: Progress,
    parted: tuple[dict[str, str], str, dict[str, DumpPart]],
    spool: Path | None = None,
    fork: bool = True,
) -> Gathered:
    """Step 3: the dumps and exports, the catalogue and the site's own files, the site graph and its checks.
    `parted`: the data files' digests, the key of what writes the dumps' parts, and parts known already; `spool`:
    where the dumps wait until they are written (else in memory); `fork`: the exports are made in a forked
    process beside the dumps (in an update by the same code: see `_build_in`)."""
    data_files, parts_key, known = parted
    with phase(summary, "dumps", report):
        plan = SitePlan(spool=spool)
        made = dataset(sources, policy)
        data = made.triples
        modified = latest_date(data)
        # One index of the data with the ontology and reference labels serves the exports and the catalogue.
        index = DataIndex(data + list(sources.triples(Role.ONTOLOGY, Role.REFERENCE)), distinct=len(data))
        # The exports and the coverage are read from the index in a forked process on another core while this one
        # makes the dumps' parts, begins the dumps and reads the plans' facts, once for the catalogue and the
        # schema.org block (where no process is forked, the exports are made here, when they are asked for).
        with Beside(lambda _report: make_exports(config, policy, index), report, fork=fork) as exporting:
            parts = dataset_parts(sources, data_files, made, policy.prefixes(), parts_key, known)
            read: list[SiteFacts] = []

            def exported() -> Exports:
                if not read:  # the first export to be written: the dataset's dumps are begun
                    read.append(site_facts(config, policy, index))
                return exporting.result()

            made_from = (data, modified)
            distributions = plan_dumps(plan, config, policy, sources, made_from, exported, parts, report)
            matrices, facts = exported().matrices, read[0]
    with phase(summary, "catalogue", report):
        described = plan_catalogue(plan, config, policy, sources, data, index, distributions, facts)
    with phase(summary, "plan", report):
        # The data first, as the catalogue returns them: known to hold no duplicates.
        distinct = len(data) if described[: len(data)] == data else 0
        graph = SiteGraph(described, policy, distinct=distinct)
        check_outside_base(graph, policy)
        check_paths(graph.entities, policy, reserved_first_segments(plan, config))
        summary.triples = len(data)
        summary.entities = len(graph.entities)
    views = Views(graph, config, policy, matrices)
    site = SiteView.from_config(config, graph)
    schema_org = {policy.dataset: embed_json(schema_org_dataset(config, policy, facts, distributions))}
    return Gathered(
        plan,
        data,
        index,
        matrices,
        distributions,
        described,
        graph,
        views,
        site,
        schema_org,
        parts,
        parts_key,
        modified,
        (made.aligned, made.alignment_key),
        made.derived,
    )


def plan_work(config: Config, inputs: Inputs, gathered: Gathered, force: bool, report: Progress) -> Work:
    """Step 4: every entity for a full build; for an incremental one, those that read a changed triple."""
    assert inputs.sources is not None
    if inputs.looking is not None:
        take_repair(inputs, inputs.looking.result(), config.out_dir, report)
        inputs.looking = None
        force = force or inputs.repair == {NO_RECORD}
    graph = gathered.graph
    key = render_key(config, gathered.site, gathered.views)
    outside = outside_digests(gathered.matrices, gathered.schema_org)
    sdg = sdg_pages(gathered.views)
    outside[SDG_PAGES] = digest("\n".join(file for page in sdg for file in page.files).encode("utf-8"))
    shown = digest(repr(gathered.matrices).encode("utf-8"))
    outside.update(dict.fromkeys(coverage_readers(), shown))
    parts = graph_parts(
        inputs.sources,
        inputs.data_files,
        gathered.described,
        len(gathered.data),
        gathered.aligned,
        gathered.derived,
    )
    state = None if force else BuildState.load(config.out_dir)
    if state is not None and (state.key != key or state.fingerprint != inputs.previous.get("fingerprint")):
        state = None
    if state is None:
        state, changes = BuildState.first(key, inputs.fingerprint, parts)
        return Work(state, changes, graph.entities, False, key, outside, sdg)
    changes = state.changes(parts)
    dirty = state.changed_entities(changes, graph.count_about, (e.value for e in graph.entities), outside)
    # Entities whose files were removed or changed by hand are made again too.
    dirty |= {entity for entity, files in state.files.items() if any(path in inputs.repair for path, _ in files)}
    entities = [e for e in graph.entities if e.value in dirty]
    # The site pages that read no changed triple (and show the same coverage) stay as they are, unless the set of
    # SDG pages changed.
    same_pages = state.outside.get(SDG_PAGES) == outside[SDG_PAGES]
    readers = [reader for reader in state.files if is_page_reader(reader)]
    pages = {
        r: state.files[r] for r in readers if same_pages and r not in dirty and state.outside.get(r) == outside.get(r)
    }
    others = set(site_page_readers())
    sdg_readers = [r for r in readers if r not in others]
    report(
        f"{changes.count} triple(s) changed since the last build: {len(entities)} entities to make again, "
        f"{sum(1 for r in sdg_readers if r not in pages)} of {len(sdg_readers)} SDG pages, "
        f"{sum(1 for r in others if r not in pages)} of {len(others)} other site pages"
    )
    return Work(state, changes, entities, True, key, outside, sdg, pages)


def write_site(
    config: Config,
    policy: UrlPolicy,
    inputs: Inputs,
    gathered: Gathered,
    work: Work,
    renderer: Renderer,
    writer: SiteWriter,
    summary: BuildSummary,
    report: Progress,
) -> None:
    """Step 5: the planned files, the entities, the site pages, the sitemap and assets, the record; commit."""
    plan = gathered.plan
    # The dumps, catalogue and other site files go to disk first, and what only they needed is let go: the render
    # workers are forked from a smaller process (the heap collected and the freed memory given back to the system
    # first, when there are workers to fork), and no dump is held in memory while they run.
    with phase(summary, "write dumps", report):
        early_pages = [p for p in plan.files if is_page_file(p)]
        for path in sorted(plan.files):
            writer.write(path, plan.files[path])
        plan.files.clear()
        if inputs.validation is not None:
            writer.write_hidden(VALIDATION_RECORD, inputs.validation)
            inputs.validation = None
        lastmod = gathered.modified
        dropped = (inputs.sources, gathered.release())
        inputs.sources = None
        if render_workers(len(work.entities)) > 1:
            # Freed now, and the memory given back, before the workers are forked. The workers share the graph's
            # lists as they are at the fork: sorted once here, not in each of them.
            del dropped
            gathered.graph.sort_all()
            give_back_freed_memory()
        else:
            let_go(dropped)  # kept until a one-command process ends, else freed here
            del dropped
    start = time.perf_counter()
    with report.count("rendering", len(work.entities), "entities") as done:
        rendered = render_entities(
            writer, gathered.graph, work.entities, gathered.views, renderer, gathered.site, gathered.schema_org, done
        )
    wall = time.perf_counter() - start
    if not work.update:
        # The entities' files are written: a full build links them into the next update's spare generation on
        # another core while it writes the rest.
        writer.prepare_spare()
    # Documents and pages are made together, entity by entity (in parallel on several cores): the wall time is
    # shared out in proportion to the time spent on each.
    for name in ("documents", "pages"):
        seconds = wall * rendered.cpu[name] / max(sum(rendered.cpu.values()), 1e-9)
        summary.phases.append((name, seconds))
        report(f"{name}: {seconds:.2f} s")
    with phase(summary, "site pages", report):
        search = work.state.search, work.entities
        pages = plan_site_pages(plan, gathered.views, renderer, gathered.site, work.pages, work.sdg, search)
    with phase(summary, "write", report):
        finish(config, policy, inputs, gathered, work, (rendered, pages), early_pages, lastmod, writer, summary)


def finish(
    config: Config,
    policy: UrlPolicy,
    inputs: Inputs,
    gathered: Gathered,
    work: Work,
    made: tuple[Rendered, SitePages],
    early_pages: list[str],
    lastmod: str,
    writer: SiteWriter,
    summary: BuildSummary,
) -> None:
    """The rest of step 5: account for the entities' files, write the site pages, sitemap and assets, update the
    build state (what each entity and SDG page wrote and read), remove what the build no longer makes, and
    commit."""
    plan, state = gathered.plan, work.state
    rendered, site_pages = made
    pages = work.pages | site_pages.files
    current = {e.value for e in gathered.graph.entities} | pages.keys()
    removed = [path for entity, files in state.files.items() if entity not in current for path, _ in files]
    for entity, files in rendered.files.items():
        written = {path for path, _ in files}
        removed += [path for path, _ in state.files.get(entity, ()) if path not in written]
    state.files = {e: f for e, f in state.files.items() if e in current} | rendered.files | pages
    state.search = site_pages.search
    # Entity files were written by the render workers; the writer accounts for them here.
    writer.record([item for entity in sorted(rendered.files) for item in rendered.files[entity]])
    entity_files = {path for files in state.files.values() for path, _ in files}
    listed = sorted(
        {p for p in entity_files if is_page_file(p)} | set(early_pages) | {p for p in plan.files if is_page_file(p)}
    )
    plan.add(sitemap_file(), sitemap(listed, policy, lastmod))
    for path in sorted(plan.files):
        writer.write(path, plan.files[path])
    # Written: let their contents go before the build state is marshalled (the search index alone is tens of MB).
    plan.files.clear()
    copy_assets(config, writer)
    own = sorted((p, n, writer.digests.get(p, "")) for p, n in writer.written.items() if p not in entity_files)
    removed += [path for path, _, _ in state.own if path not in writer.written]
    state.own = own
    summary.files = len(entity_files) + len(own) + 1
    state.add_readers(rendered.readers)
    state.add_readers(site_pages.readers)
    state.key, state.fingerprint, state.outside = work.key, inputs.fingerprint, work.outside
    state.parts, state.rest = work.changes.files, work.changes.rest
    writer.write_hidden(STATE, state.dump())
    writer.write_hidden(DUMP_PARTS, store_parts(gathered.parts_key, gathered.parts))
    recorded = [(path, size) for files in state.files.values() for path, size in files]
    writer.write_hidden(FILES, files_record(recorded + [(path, size) for path, size, _digest in state.own]))
    marker: dict[str, object] = {
        "written_by": "planlod build",
        "fingerprint": inputs.fingerprint,
        "entities": summary.entities,
        "triples": summary.triples,
        "files": summary.files,
    }
    writer.commit(marker, removed)
