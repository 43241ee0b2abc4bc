"""The `planlod` command line: parses options, runs a stage, reports errors with exit codes.

Stage: cli, the boundary. Imports `build`, `config`, `errors`, `formats`, `load`, `push`, `serve`, `siteplan`,
`sparqlpool`, `stores`, `urls` and `validate` (`serve`, `sparqlpool`, `push` and `stores` only when their command
runs); nothing imports it. The only module that prints or exits.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .build import build_site
from .config import Config, load_config
from .errors import EXIT_CANNOT_RUN, EXIT_NONCONFORMING, EXIT_OK, PlanlodError
from .formats import NTRIPLES
from .load import load_sources
from .siteplan import site_segments
from .urls import SPARQL_PATH, UrlPolicy, dump
from .validate import run_validation

F = TypeVar("F", bound=Callable[..., Any])


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
@click.option(
    "--lang",
    type=click.Choice(["en", "da"]),
    default="en",
    show_default=True,
    help="Language of the messages (entities are named by their Danish label, the original).",
)
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
            click.echo(report.graph.serialize(format="turtle"))
    else:
        for finding in report.findings:
            click.echo(finding.as_line())
        click.echo(report.summary())
    failed = not report.conforms or (strict and report.warnings > 0)
    sys.exit(EXIT_NONCONFORMING if failed else EXIT_OK)


@cli.command()
@project_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (overrides PLANLOD_OUT_DIR and [tool.planlod] out_dir; default _site).",
)
@click.option("--force", is_flag=True, help="Build even when nothing changed since the last build.")
def build(project_dir: Path | None, base_iri: str | None, out_dir: Path | None, force: bool) -> None:
    """Validate the data and write the linked-data site.

    Exit status: 0 built; 1 the data do not conform (nothing written); 2 the build could not run.
    The previous output stays as it was unless the build succeeds.
    """
    config = make_config(project_dir, base_iri=base_iri, out_dir=os.path.abspath(out_dir) if out_dir else None)
    summary = build_site(config, progress=click.echo, force=force)
    click.echo(summary.line())


def _out_option(func: F) -> F:
    """--out: the built site's folder, relative to the current folder."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The built site's folder (overrides PLANLOD_OUT_DIR and [tool.planlod] out_dir; default _site).",
    )(func)


@cli.command()
@project_options
@_out_option
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

    config = make_config(project_dir, base_iri=base_iri, out_dir=os.path.abspath(out_dir) if out_dir else None)
    check_site(config.out_dir)
    sock = bind(host, port)
    pool = QueryPool(config.out_dir / dump(NTRIPLES), config.base_iri, sparql_workers, query_timeout, query_memory)
    try:
        pool.start()
        settings = EndpointSettings(config.base_iri, query_timeout, max_rows, config.sparql_endpoint, queue_size)
        shown_host = f"[{host}]" if ":" in host else host
        root = f"http://{shown_host}:{sock.getsockname()[1]}/"
        click.echo(f"planlod: serving {config.out_dir} at {root} (SPARQL: {root}{SPARQL_PATH}); Ctrl-C stops")
        if not config.base_iri.startswith(root):
            click.echo(f"planlod: the site's IRIs start with {config.base_iri}; their paths are served under {root}")
        try:
            server(create_app(config.out_dir, pool, settings)).run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C after its graceful shutdown
            click.echo("planlod: stopped")
    finally:
        pool.close()
        sock.close()


@cli.command()
@project_options
@_out_option
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
    from .stores import dataset_dumps, load_into_store  # noqa: PLC0415

    config = make_config(project_dir, base_iri=base_iri, out_dir=os.path.abspath(out_dir) if out_dir else None)
    graph = UrlPolicy(config.base_iri).dataset_graph if graph is None else graph
    if store != "gsp":
        loaded = load_into_store(
            store,
            config.out_dir,
            dataset_dumps(graph),
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
        click.echo(loaded.line())
        return
    if endpoint is None:
        raise PushError("--endpoint is needed: the store's Graph Store Protocol endpoint")
    result = push_dataset(
        config.out_dir,
        endpoint,
        graph,
        user=user,
        password=password,
        sparql=sparql,
        dump_format=dump_format,
        timeout=timeout,
    )
    click.echo(result.line())


def main() -> None:
    """Entry point: run the CLI; report library errors and unexpected failures without a traceback."""
    try:
        cli.main(standalone_mode=False)
    except PlanlodError as exc:
        click.echo(f"planlod: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("planlod: aborted", err=True)
        sys.exit(EXIT_CANNOT_RUN)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_CANNOT_RUN)
    except SystemExit:
        raise
    except Exception as exc:  # the boundary: never show a traceback to the user
        if os.environ.get("PLANLOD_DEBUG"):
            raise
        click.echo(
            f"planlod: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in planlod; run again with PLANLOD_DEBUG=1 to see where it happened.",
            err=True,
        )
        sys.exit(EXIT_CANNOT_RUN)
