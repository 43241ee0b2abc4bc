"""The `planlod suggest` command's work, below the command line: which mode, with which inputs.

Stage: suggest (entry). Imports `config`, `errors`, `load`, `model`, `progress`, `urls`, `suggest.knowledge`,
`suggest.records`, `suggest.scoring` and `suggest.tabular`. It returns report lines for the
command line to print (it prints nothing itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from ..config import Config
from ..errors import InputError
from ..load import Sources, load_sources
from ..model import vocabulary
from ..progress import Progress
from ..urls import UrlPolicy
from .knowledge import build_knowledge
from .records import PlanData, decide, find_plan, plan_elements, suggest_for_plan
from .scoring import Settings, Suggester
from .tabular import read_texts, write_suggestions

T = TypeVar("T")


def counted(progress: Progress, label: str, total: int) -> Callable[[Iterable[T]], Iterator[T]]:
    """A wrapper that shows on `progress` how far iterating `total` texts has come."""

    def wrapped(items: Iterable[T]) -> Iterator[T]:
        return progress.each(items, label, total, "text")

    return wrapped


def project_data(config: Config) -> Sources | None:
    """The project's data (for its curated examples), or None outside a planlod project."""
    if not config.data_dir.is_dir():
        return None
    try:
        return load_sources(config)
    except InputError:
        return None


def run_csv(
    config: Config,
    input_path: Path,
    out: Path,
    columns: tuple[str, str],
    lang: str | None,
    settings: Settings,
    progress: Progress,
) -> str:
    """Suggest for every text of a CSV file (`columns`: text column, id column); the summary line."""
    rows = read_texts(input_path, *columns)
    suggester = Suggester(build_knowledge(config, project_data(config)), settings)
    written = write_suggestions(suggester, rows, out, lang, counted(progress, "planlod suggest", len(rows)))
    return f"planlod suggest: {len(rows)} texts, {written} rows written to {out}"


def run_plans(config: Config, plans: list[str], settings: Settings, progress: Progress, today: str | None) -> list[str]:
    """Propose links for each plan; one summary line per plan."""
    loaded = load_sources(config)
    policy = UrlPolicy(config.base_iri)
    vocab = vocabulary(policy)
    data = PlanData.of(loaded, vocab)  # read once for all the plans of the run
    totals = [len(plan_elements(vocab, find_plan(policy, plan, data), data)) for plan in plans]  # names checked first
    suggester = Suggester(build_knowledge(config, loaded), settings)
    date = today or dt.date.today().isoformat()
    lines = []
    for plan, total in zip(plans, totals, strict=True):
        wrap = counted(progress, f"planlod suggest {plan}", total)
        result = suggest_for_plan(config, loaded, suggester, plan, date, wrap, data)
        try:
            shown = str(result.path.relative_to(config.project_dir))
        except ValueError:
            shown = str(result.path)
        kinds = ", ".join(f"{n} for {KINDS[k]}" for k, n in sorted(result.by_kind.items())) or "none new"
        written = f"added to {shown}" if result.proposed else f"{shown} unchanged"
        lines.append(
            f"planlod suggest: {plan}: {result.elements} headline goals and focus points, "
            f"{result.proposed} new proposals ({kinds}); {result.kept} records kept; {written}"
        )
    return lines


KINDS = {"goal": "headline goals", "initiative": "focus points"}


def run_decisions(config: Config, links: list[str], accept: bool, today: str | None) -> list[str]:
    """Accept or reject links; one line per link."""
    verb = "accepted" if accept else "rejected"
    if not links:
        raise InputError(f"name at least one link to {'accept' if accept else 'reject'} (its IRI or its path)")
    loaded = load_sources(config)
    date = today or dt.date.today().isoformat()
    lines = []
    for decision in decide(config, loaded, links, accept, date):
        state = verb if decision.changed else f"already {verb} by this curator, unchanged"
        lines.append(f"planlod suggest: {decision.link}: {state} ({decision.path})")
    return lines
