"""The `planlod` command line: parses options, runs a stage, reports errors with exit codes.

Stage: cli, the boundary. Imports every stage; nothing imports it. The only module that prints or exits.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .config import Config, load_config
from .errors import EXIT_CANNOT_RUN, EXIT_NONCONFORMING, EXIT_OK, PlanlodError
from .load import load_sources
from .urls import UrlPolicy
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
    help="Language of the messages and labels.",
)
def validate(
    project_dir: Path | None, base_iri: str | None, output_format: str, strict: bool, lang: str
) -> None:
    """Check the data against the shapes.

    Exit status: 0 the data conform; 1 violations (or warnings with --strict); 2 the check could not run.
    """
    config = make_config(project_dir, base_iri=base_iri)
    sources = load_sources(config)
    report = run_validation(sources, UrlPolicy(config.base_iri), lang=lang)
    if output_format == "turtle":
        click.echo(report.graph.serialize(format="turtle"))
    else:
        for finding in report.findings:
            click.echo(finding.as_line())
        click.echo(report.summary())
    failed = not report.conforms or (strict and report.warnings > 0)
    sys.exit(EXIT_NONCONFORMING if failed else EXIT_OK)


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
