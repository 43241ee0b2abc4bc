"""The `planlod sheet` commands: new, export, import, from-text.

Stage: cli (the sheet group's boundary). Imports the sheet steps, `publish.config`, `publish.load`,
`publish.urls`; imported only by `publish.cli`, which registers the group. Prints; raises typed errors that
`publish.cli.main` reports with their exit codes.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..config import load_config
from ..load import load_sources
from ..urls import UrlPolicy
from .export import dropdowns, export_rows, find_plan, load_project
from .layout import workbook_layout
from .workbook import WorkbookData, new_rows, write_workbook

LANG = click.option(
    "--lang",
    type=click.Choice(["da", "en"]),
    default="da",
    show_default=True,
    help="Language of the workbook's headers and of the messages.",
)
PROJECT = click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Project folder (default: the nearest folder with a pyproject.toml holding [tool.planlod]).",
)
BASE = click.option("--base-iri", default=None, help="IRI every minted IRI starts with.")
OUT = click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The workbook to write (.xlsx).",
)


def _project(project_dir: Path | None, base_iri: str | None):  # type: ignore[no-untyped-def]
    config = load_config(project_dir, {"base_iri": base_iri})
    policy = UrlPolicy(config.base_iri)
    sources = load_sources(config)
    return config, load_project(sources, policy, workbook_layout(sources, policy))


@click.group()
def sheet() -> None:
    """Keep a plan in a workbook (.xlsx): make one, fill it from the data or the plan's text, import it."""


@sheet.command("new")
@OUT
@LANG
@PROJECT
@BASE
def new(out: Path, lang: str, project_dir: Path | None, base_iri: str | None) -> None:
    """An empty workbook for a new plan, its columns made from the shapes."""
    _config, project = _project(project_dir, base_iri)
    workbook = WorkbookData(lang, "", new_rows(project.layout, lang))
    write_workbook(workbook, dropdowns(project, workbook, project.vocab(), None, lang), out)
    click.echo(f"planlod sheet: wrote {out}" if lang == "en" else f"planlod sheet: skrev {out}")


@sheet.command("export")
@click.argument("plan")
@OUT
@LANG
@PROJECT
@BASE
def export(plan: str, out: Path, lang: str, project_dir: Path | None, base_iri: str | None) -> None:
    """A plan (its IRI, path such as plan/ambitioner-og-retning-2020, or ID) into a filled-in workbook."""
    _config, project = _project(project_dir, base_iri)
    node = find_plan(project, plan)
    workbook, vocab = export_rows(project, node, lang)
    write_workbook(workbook, dropdowns(project, workbook, vocab, node, lang), out)
    counts = {k: len(v.rows) for k, v in workbook.sheets.items()}
    click.echo(
        f"planlod sheet: wrote {out}: {counts['areas']} focus areas, {counts['points']} focus points, "
        f"{counts['links']} SDG links, {counts['organisations']} organisations, {counts['other']} other facts"
    )


@sheet.command("import")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@LANG
@PROJECT
@BASE
def import_(workbook: Path, dry_run: bool, lang: str, project_dir: Path | None, base_iri: str | None) -> None:
    """Write the workbook's plan into data/ as Turtle, after checking every cell against the shapes.

    Exit status: 0 written (warnings listed); 1 errors in cells (nothing written); 2 not a planlod workbook.
    """
    from .importing import import_workbook  # noqa: PLC0415

    config = load_config(project_dir, {"base_iri": base_iri})
    result = import_workbook(config, workbook, dry_run, lang)
    da = lang == "da"
    for problem in result.warnings:
        click.echo(problem.line(lang))
    for change in result.changes:
        word = {"added": ("tilføjet", "added"), "changed": ("ændret", "changed"), "removed": ("fjernet", "removed")}
        label = f" «{change.label}»" if change.label else ""
        click.echo(f"{word[change.kind][0 if da else 1]}: {change.subject}{label}")
        for detail in change.details:
            click.echo(f"    {detail}")
    for path, status in result.files:
        word = {
            "added": ("ny fil", "new file"),
            "changed": ("ændret fil", "changed file"),
            "removed": ("fjernet fil", "removed file"),
        }
        click.echo(f"{word[status][0 if da else 1]}: {path}")
    summary = {kind: sum(1 for c in result.changes if c.kind == kind) for kind in ("added", "changed", "removed")}
    if da:
        done = "intet skrevet (--dry-run)" if dry_run else ("skrevet" if result.files else "intet at ændre")
        click.echo(
            f"planlod sheet import: {result.plan}: {summary['added']} tilføjet, {summary['changed']} ændret, "
            f"{summary['removed']} fjernet, {len(result.warnings)} advarsel(er); {done}"
        )
    else:
        done = "nothing written (--dry-run)" if dry_run else ("written" if result.files else "nothing to change")
        click.echo(
            f"planlod sheet import: {result.plan}: {summary['added']} added, {summary['changed']} changed, "
            f"{summary['removed']} removed, {len(result.warnings)} warning(s); {done}"
        )


@sheet.command("from-text")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@OUT
@LANG
@PROJECT
@BASE
def from_text(source: Path, out: Path, lang: str, project_dir: Path | None, base_iri: str | None) -> None:
    """Start a workbook from the plan's text (.txt) or Word document (.docx), laid out as data/kilder/."""
    from .fromtext import read_plan_text, text_rows  # noqa: PLC0415

    config, project = _project(project_dir, base_iri)
    parsed = read_plan_text(source, lang)
    workbook, vocab, notes = text_rows(project, config, parsed, source, lang)
    write_workbook(workbook, dropdowns(project, workbook, vocab, None, lang), out)
    for note in notes:
        click.echo(note.line(lang))
    counts = {k: len(v.rows) for k, v in workbook.sheets.items()}
    if lang == "da":
        click.echo(
            f"planlod sheet from-text: skrev {out}: {counts['areas']} fokusområder, {counts['points']} fokuspunkter; "
            f"{len(notes)} linje(r) kunne ikke placeres"
        )
    else:
        click.echo(
            f"planlod sheet from-text: wrote {out}: {counts['areas']} focus areas, {counts['points']} focus points; "
            f"{len(notes)} line(s) could not be placed"
        )
