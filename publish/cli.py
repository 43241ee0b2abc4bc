"""The `planlod` command line: parses options, runs a stage, reports errors with exit codes.

Stage: cli, the boundary. Imports `build`, `builtsite`, `collector`, `config`, `errors`, `formats`, `incremental`,
`load`, `progress`, `push`, `serve`, `sheet`, `siteplan`, `sparqlpool`, `stores`, `suggest`, `urls` and `validate`
(`serve`, `sparqlpool`, `push`, `stores`, `sheet` and `suggest` only when their command runs); nothing imports it.
The only module that prints or exits.
Long work shows its progress on standard error (`progress.Display`): a bar with count, rate and time left on a
terminal, a plain line every few seconds otherwise (a log, CI).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from . import __version__
from .build import BuildMemory, BuildSummary, build_site
from .builtsite import read_site, site_base
from .collector import keep_until_exit, kept
from .config import Config, load_config
from .errors import EXIT_CANNOT_RUN, EXIT_NONCONFORMING, EXIT_OK, NonConforming, PlanlodError
from .formats import NTRIPLES
from .incremental import changed_inputs, input_snapshot
from .load import load_sources
from .progress import Display, Progress
from .siteplan import site_segments
from .urls import SPARQL_PATH, UrlPolicy, dump, sdg_kos_dump
from .validate import run_validation

F = TypeVar("F", bound=Callable[..., Any])


def echo(message: str = "", err: bool = False) -> None:
    """A line on standard output (`err`: error), for a reader that may stop reading: once it has closed its end
    (`planlod build | head -1`), the stream is pointed at the null device, so that what follows is dropped and the
    command goes on to its end and its own exit status instead of stopping half-way."""
    try:
        click.echo(message, err=err)
    except BrokenPipeError:
        stream = sys.stderr if err else sys.stdout
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())
        finally:
            os.close(null)


def project_options(func: F) -> F:
    """The options every command shares: the project folder and the base IRI."""
    func = click.option(
        "--base-iri",
        default=None,
        help="IRI every minted IRI starts with (overrides PLANLOD_BASE_IRI and [tool.planlod] base_iri).",
    )(func)
    func = click.option(
        "--project",
        "project_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Project folder (default: the nearest folder with a pyproject.toml holding [tool.planlod]).",
    )(func)
    return func


def out_dir_option(what: str) -> Callable[[F], F]:
    """--out: a site's folder, relative to the current folder; `what` begins its help."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help=f"{what} (overrides PLANLOD_OUT_DIR and [tool.planlod] out_dir; default _site).",
    )


def lang_option(choices: tuple[str, ...], default: str, what: str) -> Callable[[F], F]:
    """--lang: one of `choices` (shown with its default); `what` is its help."""
    return click.option("--lang", type=click.Choice(choices), default=default, show_default=True, help=what)


def make_config(project_dir: Path | None, **overrides: object) -> Config:
    """The run's configuration from flags, environment and pyproject.toml."""
    return load_config(project_dir, overrides)


@click.group()
@click.version_option(__version__, prog_name="planlod")
def cli() -> None:
    """Publish a municipal political plan as linked open data."""


@cli.command()
@project_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "turtle"]),
    default="text",
    show_default=True,
    help="text: one line per result; turtle: the SHACL validation report graph.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@lang_option(("en", "da"), "en", "Language of the messages (entities are named by their Danish label, the original).")
def validate(project_dir: Path | None, base_iri: str | None, output_format: str, strict: bool, lang: str) -> None:
    """Check the data against the shapes.

    Exit status: 0 the data conform; 1 violations (or warnings with --strict); 2 the check could not run.
    """
    config = make_config(project_dir, base_iri=base_iri)
    sources = load_sources(config)
    report = run_validation(sources, UrlPolicy(config.base_iri), lang=lang, reserved=site_segments(config))
    if output_format == "turtle":
        with warnings.catch_warnings():
            # rdflib warns about every ill-typed literal it writes ("weird numerical"); the report names them.
            warnings.simplefilter("ignore")
            echo(report.graph.serialize(format="turtle"))
    else:
        for finding in report.findings:
            echo(finding.as_line())
        echo(report.summary())
    failed = not report.conforms or (strict and report.warnings > 0)
    sys.exit(EXIT_NONCONFORMING if failed else EXIT_OK)


@cli.command()
@project_options
@out_dir_option("Output folder")
@click.option("--force", is_flag=True, help="Build even when nothing changed since the last build.")
@click.option(
    "--watch",
    is_flag=True,
    help="After building, keep watching the data, ontology, shapes and site folders and build again after each "
    "change, with a line saying what changed (Ctrl-C stops).",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.05),
    default=0.5,
    show_default=True,
    help="With --watch: seconds between looks at the inputs.",
)
def build(
    project_dir: Path | None, base_iri: str | None, out_dir: Path | None, force: bool, watch: bool, interval: float
) -> None:
    """Validate the data and write the linked-data site.

    Exit status: 0 built; 1 the data do not conform (nothing written); 2 the build could not run.
    The previous output stays as it was unless the build succeeds. With --watch, a build that fails says why and
    the watch goes on.
    """
    config = make_config(project_dir, base_iri=base_iri, out_dir=os.path.abspath(out_dir) if out_dir else None)
    if watch:
        watch_and_build(config, force, interval)
        return
    summary = build_site(config, progress=_progress(), force=force)
    for warning in summary.warnings:
        echo(f"planlod: warning: {warning}", err=True)
    echo(summary.line())


def built_site_config(project_dir: Path | None, base_iri: str | None, out_dir: Path | None) -> tuple[Config, str]:
    """The settings of a command that reads a built site, and the base IRI the site was built for (from its VoID
    description): a `--base-iri` that names another is refused; settings that name another are noted on stderr."""
    config = make_config(project_dir, out_dir=os.path.abspath(out_dir) if out_dir else None)
    # A malformed --base-iri is reported as such; a well-formed one is compared as the settings normalise it.
    given = make_config(project_dir, base_iri=base_iri).base_iri if base_iri is not None else None
    base = site_base(read_site(config.out_dir), given)
    if given is None and config.base_iri != base:
        echo(
            f"planlod: {config.out_dir} was built for {base}; the settings' base_iri {config.base_iri} is not used",
            err=True,
        )
    return config, base


def _display(final: bool = False) -> Display:
    """Counts on standard error: a bar on a terminal (tqdm: count, rate, time left), plain periodic lines otherwise."""
    return Display(sys.stderr, lambda line: echo(line, err=True), final)


def _progress() -> Progress:
    return _display().progress(echo)


def watch_and_build(config: Config, force: bool, interval: float) -> None:
    """Build, then build again whenever an input changes; one line per build says what changed and what it did."""
    progress = _display().progress()
    keep_until_exit(False)  # this process builds again and again: it frees what each build lets go of
    memory = BuildMemory()  # what each build learned, for the next
    seen = input_snapshot(config)
    _watched_build(config, progress, force, [], memory)
    echo(f"planlod: watching {config.project_dir} for changes (Ctrl-C stops)")
    try:
        while True:
            time.sleep(interval)
            now = input_snapshot(config)
            if now == seen:
                continue
            # Editors and imports write in several steps: build once the files have stopped changing.
            while True:
                time.sleep(min(interval, 0.25))
                settled = input_snapshot(config)
                if settled == now:
                    break
                now = settled
            changed, seen = changed_inputs(seen, now), now
            _watched_build(config, progress, False, changed, memory)
    except KeyboardInterrupt:
        echo("planlod: stopped watching")


def _watched_build(config: Config, progress: Progress, force: bool, changed: list[str], memory: BuildMemory) -> None:
    what = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    stamp = time.strftime("%H:%M:%S")
    prefix = f"{stamp} {what}: " if changed else f"{stamp} "
    try:
        summary: BuildSummary = build_site(config, progress=progress, force=force, memory=memory)
    except NonConforming as exc:
        echo(f"{prefix}not built, the data do not conform; the site is as it was:\n{exc.format_message()}")
        return
    except PlanlodError as exc:
        echo(f"{prefix}not built: {exc.format_message()}; the site is as it was")
        return
    echo(prefix + summary.line())


# --out of the commands that read a built site
BUILT_SITE_OUT = out_dir_option("The built site's folder")


@cli.command()
@project_options
@BUILT_SITE_OUT
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free port).")
@click.option(
    "--query-timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds a SPARQL query may run before it is stopped and answered 503.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Most rows (SELECT) or triples (CONSTRUCT, DESCRIBE) in a SPARQL result; a capped result says so.",
)
@click.option(
    "--sparql-workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Processes running SPARQL queries, each with the whole dataset in memory.",
)
@click.option(
    "--query-memory",
    type=click.IntRange(min=16),
    default=512,
    show_default=True,
    help="Megabytes a SPARQL worker may grow by while running a query; past it the query is stopped (503).",
)
@click.option(
    "--queue",
    "queue_size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="SPARQL queries that may wait for a worker; past it the busiest client's newest is answered 503.",
)
def serve(
    project_dir: Path | None,
    base_iri: str | None,
    out_dir: Path | None,
    host: str,
    port: int,
    query_timeout: float,
    max_rows: int,
    sparql_workers: int,
    query_memory: int,
    queue_size: int,
) -> None:
    """Serve the built site: pages, documents by content negotiation, and SPARQL at /sparql.

    For local use and small deployments; see README, "Serving and deployment". Exit status 2 when it
    cannot start (no built site, the port is taken).
    """
    # Imported here so that the other commands do not load the web stack.
    from .serve import EndpointSettings, bind, check_site, create_app, server  # noqa: PLC0415
    from .sparqlpool import QueryPool  # noqa: PLC0415

    config, base = built_site_config(project_dir, base_iri, out_dir)
    check_site(config.out_dir)
    sock = bind(host, port)
    pool = QueryPool(config.out_dir / dump(NTRIPLES), base, sparql_workers, query_timeout, query_memory)
    try:
        pool.start()
        settings = EndpointSettings(base, query_timeout, max_rows, config.sparql_endpoint, queue_size)
        shown_host = f"[{host}]" if ":" in host else host
        root = f"http://{shown_host}:{sock.getsockname()[1]}/"
        echo(
            f"planlod: serving {config.out_dir}, built for {base}, at {root} (SPARQL: {root}{SPARQL_PATH}); "
            "Ctrl-C stops"
        )
        if not base.startswith(root):
            echo(f"planlod: the site's IRIs start with {base}; their paths are served under {root}")
        try:
            server(create_app(config.out_dir, pool, settings)).run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C after its graceful shutdown
            echo("planlod: stopped")
    finally:
        pool.close()
        sock.close()


@cli.command()
@project_options
@BUILT_SITE_OUT
@click.option(
    "--store",
    type=click.Choice(["gsp", "oxigraph", "virtuoso"]),
    default="gsp",
    show_default=True,
    help="How to load: gsp, a Graph Store Protocol PUT (any store); oxigraph or virtuoso, that store's bulk loader.",
)
@click.option(
    "--endpoint",
    default=None,
    help="gsp: the store's Graph Store Protocol endpoint, e.g. http://localhost:8890/sparql-graph-crud-auth "
    "(Virtuoso); oxigraph: the running server's root URL, e.g. http://localhost:7878.",
)
@click.option(
    "--location",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="oxigraph: a store folder to load offline (then `oxigraph serve-read-only --location` it).",
)
@click.option(
    "--sql", default=None, help="virtuoso: the server's SQL port as host:port (default: localhost:1111), for isql."
)
@click.option(
    "--load-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="virtuoso: a folder the server may read (in its DirsAllowed); the dump is copied there for ld_dir.",
)
@click.option(
    "--server-dir", default=None, help="virtuoso: --load-dir as the server sees it, if other (a container, a mount)."
)
@click.option("--isql", default="isql-vt", show_default=True, help="virtuoso: the isql command to run.")
@click.option(
    "--graph", default=None, help="The named graph to replace (default: the IRI of the N-Triples dump, as serve uses)."
)
@click.option("--user", default=None, help="User name, if the endpoint asks for one (Digest or Basic).")
@click.option("--password", default=None, envvar="PLANLOD_PUSH_PASSWORD", help="Password (or PLANLOD_PUSH_PASSWORD).")
@click.option(
    "--sparql",
    default=None,
    help="The store's SPARQL endpoint for the count check (default: derived for Virtuoso, Fuseki and GraphDB; "
    "else the graph is read back).",
)
@click.option(
    "--format",
    "dump_format",
    type=click.Choice(["nt", "ttl"]),
    default="nt",
    show_default=True,
    help="Send the N-Triples or the Turtle dump.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=300.0,
    show_default=True,
    help="Seconds each exchange with the store may take in all, however slowly it answers.",
)
def push(
    project_dir: Path | None,
    base_iri: str | None,
    out_dir: Path | None,
    store: str,
    endpoint: str | None,
    location: Path | None,
    sql: str | None,
    load_dir: Path | None,
    server_dir: str | None,
    isql: str,
    graph: str | None,
    user: str | None,
    password: str | None,
    sparql: str | None,
    dump_format: str,
    timeout: float,
) -> None:
    """Replace a named graph in a triplestore with the built dataset, then check its triple count.

    --store gsp (the default) PUTs the dump to any SPARQL Graph Store; --store oxigraph and --store virtuoso use
    that store's bulk loader (see docs/deployment.md). Exit status: 0 the store holds the dataset; 2 the push
    failed or the counts differ.
    """
    from .push import PushError, push_dataset  # noqa: PLC0415
    from .stores import GraphDump, dataset_dumps, load_into_store  # noqa: PLC0415

    config, base = built_site_config(project_dir, base_iri, out_dir)
    graph = UrlPolicy(base).dataset_graph if graph is None else graph
    if store != "gsp":
        loaded = load_into_store(
            store,
            config.out_dir,
            (*dataset_dumps(graph), GraphDump(UrlPolicy(base).sdg_kos, sdg_kos_dump(), "the UN SDG KOS")),
            endpoint=endpoint,
            location=location,
            sql=sql,
            user=user,
            password=password,
            load_dir=load_dir,
            server_dir=server_dir,
            isql=isql,
            timeout=timeout,
        )
        echo(loaded.line())
        return
    if endpoint is None:
        raise PushError("--endpoint is needed: the store's Graph Store Protocol endpoint")
    result = push_dataset(
        config.out_dir,
        endpoint,
        graph,
        kos_graph=UrlPolicy(base).sdg_kos,
        user=user,
        password=password,
        sparql=sparql,
        dump_format=dump_format,
        timeout=timeout,
    )
    echo(result.line())


# ---------------------------------------------------------------- planlod sheet: the staff's workbooks

SHEET_LANG = lang_option(("da", "en"), "da", "Language of the workbook's headers and of the messages.")
SHEET_OUT = click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The workbook to write (.xlsx).",
)


@cli.group()
def sheet() -> None:
    """Keep a plan in a workbook (.xlsx): make one, fill it from the data or the plan's text, import it."""


@sheet.command("new")
@SHEET_OUT
@SHEET_LANG
@project_options
def sheet_new(out: Path, lang: str, project_dir: Path | None, base_iri: str | None) -> None:
    """An empty workbook for a new plan, its columns made from the shapes."""
    from .sheet.export import new_workbook, open_project  # noqa: PLC0415

    new_workbook(open_project(make_config(project_dir, base_iri=base_iri)), out, lang)
    echo(f"planlod sheet: wrote {out}" if lang == "en" else f"planlod sheet: skrev {out}")


@sheet.command("export")
@click.argument("plan")
@SHEET_OUT
@SHEET_LANG
@project_options
def sheet_export(plan: str, out: Path, lang: str, project_dir: Path | None, base_iri: str | None) -> None:
    """A plan (its IRI, path such as plan/ambitioner-og-retning-2020, or ID) into a filled-in workbook."""
    from .sheet.export import open_project, plan_workbook  # noqa: PLC0415

    counts = plan_workbook(open_project(make_config(project_dir, base_iri=base_iri)), plan, out, lang)
    echo(
        f"planlod sheet: wrote {out}: {counts['areas']} focus areas, {counts['points']} focus points, "
        f"{counts['links']} SDG links, {counts['organisations']} organisations, {counts['other']} other facts"
    )


@sheet.command("import")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@SHEET_LANG
@project_options
def sheet_import(workbook: Path, dry_run: bool, lang: str, project_dir: Path | None, base_iri: str | None) -> None:
    """Write the workbook's plan into data/ as Turtle, after checking every cell against the shapes.

    Exit status: 0 written (warnings listed); 1 errors in cells (nothing written); 2 not a planlod workbook.
    """
    from .sheet.importing import import_workbook  # noqa: PLC0415

    result = import_workbook(make_config(project_dir, base_iri=base_iri), workbook, dry_run, lang)
    da = lang == "da"
    for problem in result.warnings:
        echo(problem.line(lang))
    changed = {"added": ("tilføjet", "added"), "changed": ("ændret", "changed"), "removed": ("fjernet", "removed")}
    for change in result.changes:
        label = f" «{change.label}»" if change.label else ""
        echo(f"{changed[change.kind][0 if da else 1]}: {change.subject}{label}")
        for detail in change.details:
            echo(f"    {detail}")
    files = {
        "added": ("ny fil", "new file"),
        "changed": ("ændret fil", "changed file"),
        "removed": ("fjernet fil", "removed file"),
    }
    for path, status in result.files:
        echo(f"{files[status][0 if da else 1]}: {path}")
    summary = {kind: sum(1 for c in result.changes if c.kind == kind) for kind in ("added", "changed", "removed")}
    if da:
        done = "intet skrevet (--dry-run)" if dry_run else ("skrevet" if result.files else "intet at ændre")
        echo(
            f"planlod sheet import: {result.plan}: {summary['added']} tilføjet, {summary['changed']} ændret, "
            f"{summary['removed']} fjernet, {len(result.warnings)} advarsel(er); {done}"
        )
    else:
        done = "nothing written (--dry-run)" if dry_run else ("written" if result.files else "nothing to change")
        echo(
            f"planlod sheet import: {result.plan}: {summary['added']} added, {summary['changed']} changed, "
            f"{summary['removed']} removed, {len(result.warnings)} warning(s); {done}"
        )


@sheet.command("from-text")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@SHEET_OUT
@SHEET_LANG
@project_options
def sheet_from_text(source: Path, out: Path, lang: str, project_dir: Path | None, base_iri: str | None) -> None:
    """Start a workbook from the plan's text (.txt) or Word document (.docx), laid out as data/kilder/."""
    from .sheet.export import open_project  # noqa: PLC0415
    from .sheet.fromtext import text_workbook  # noqa: PLC0415

    config = make_config(project_dir, base_iri=base_iri)
    counts, notes = text_workbook(open_project(config), config, source, out, lang)
    for note in notes:
        echo(note.line(lang))
    if lang == "da":
        echo(
            f"planlod sheet from-text: skrev {out}: {counts['areas']} fokusområder, {counts['points']} fokuspunkter; "
            f"{len(notes)} linje(r) kunne ikke placeres"
        )
    else:
        echo(
            f"planlod sheet from-text: wrote {out}: {counts['areas']} focus areas, {counts['points']} focus points; "
            f"{len(notes)} line(s) could not be placed"
        )


@cli.command()
@project_options
@click.argument("args", nargs=-1)
@click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV mode: the UTF-8 CSV file of texts to suggest for.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV mode: the CSV file to write (columns id, sdg, score, accepted).",
)
@click.option("--text-column", default="text", show_default=True, help="CSV mode: the column with the texts.")
@click.option("--id-column", default="id", show_default=True, help="CSV mode: the column with the ids.")
@lang_option(("auto", "da", "en"), "auto", "Language of the texts (auto: detected for each text).")
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Score from which a goal is accepted (default: the language's calibrated threshold).",
)
@click.option("--curator", default=None, help="accept/reject: the curator's name (overrides PLANLOD_CURATOR).")
def suggest(
    project_dir: Path | None,
    base_iri: str | None,
    args: tuple[str, ...],
    input_path: Path | None,
    out_path: Path | None,
    text_column: str,
    id_column: str,
    lang: str,
    threshold: float | None,
    curator: str | None,
) -> None:
    """Suggest links to the UN SDG goals and targets, and record curators' decisions.

    \b
    planlod suggest PLAN…                 proposals for a plan's headline goals and focus points,
                                          added to {plan}-sdg-forslag.ttl beside the plan's data file
    planlod suggest --input IN.csv --out OUT.csv [--text-column text] [--id-column id]
    planlod suggest accept LINK…          accept proposed links (as the configured curator)
    planlod suggest reject LINK…          reject proposed links; they are never proposed again

    Proposals follow the linking policy (docs/sdg-linking.md). Exit status: 0 done; 1 the shapes refuse a
    decision (nothing is written); 2 could not run (bad input file, unknown plan or link, no curator configured).
    """
    from dataclasses import replace  # noqa: PLC0415

    from .errors import InputError  # noqa: PLC0415
    from .suggest.command import run_csv, run_decisions, run_plans  # noqa: PLC0415
    from .suggest.scoring import Settings  # noqa: PLC0415

    config = make_config(project_dir, base_iri=base_iri, curator=curator)
    settings = Settings() if threshold is None else replace(Settings(), threshold=threshold)
    chosen = None if lang == "auto" else lang
    display = _display(final=True).progress()
    if input_path is not None or out_path is not None:
        if input_path is None or out_path is None:
            raise InputError("the CSV mode needs both --input IN.csv and --out OUT.csv")
        if args:
            raise InputError(f"--input takes no plan or link arguments (got {' '.join(args)})")
        echo(run_csv(config, input_path, out_path, (text_column, id_column), chosen, settings, display))
    elif args and args[0] in ("accept", "reject"):
        for line in run_decisions(config, list(args[1:]), args[0] == "accept", None):
            echo(line)
    elif args:
        for line in run_plans(config, list(args), settings, display, None):
            echo(line)
    else:
        raise InputError("name a plan (planlod suggest PLAN), or give --input and --out, or accept|reject LINK…")


def end(code: int) -> NoReturn:
    """End the process with exit status `code`: when it kept what a build let go of (`collector.keep_until_exit`),
    at once, with standard output and error flushed (`os._exit`: nothing is freed object by object and no exit
    handler runs; everything the command wrote is committed and closed by then); otherwise as `sys.exit` does."""
    if not kept():
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started without it (`planlod build >&-`)
            continue
        with contextlib.suppress(OSError, ValueError):  # a closed or broken stream: nothing more can reach it
            stream.flush()
    os._exit(code)


def main(ending: bool = True) -> None:
    """Entry point: run the CLI; report library errors and unexpected failures without a traceback. `ending`: the
    process ends with the command (the console script), so what a build lets go of is left for the system to take
    back (`end`); False where the process goes on (tests run commands in their own)."""
    keep_until_exit(ending)
    try:
        cli.main(standalone_mode=False)
        end(EXIT_OK)
    except PlanlodError as exc:
        echo(f"planlod: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        echo("planlod: aborted", err=True)
        sys.exit(EXIT_CANNOT_RUN)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_CANNOT_RUN)
    except SystemExit:
        raise
    except Exception as exc:  # the boundary: never show a traceback to the user
        if os.environ.get("PLANLOD_DEBUG"):
            raise
        echo(
            f"planlod: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in planlod; run again with PLANLOD_DEBUG=1 to see where it happened.",
            err=True,
        )
        sys.exit(EXIT_CANNOT_RUN)
