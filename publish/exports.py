"""Exports for researchers: the SDG links as tidy CSV and as SSSOM, and the SDG coverage of each plan.

Stage: exports (called by `build`). Imports `config`, `escaping`, `model`, `namespaces`, `plans` (the read model:
link rows, coverage matrices), `urls` and `vocab`. Output is bytes, UTF-8, sorted and independent of the clock: the same
data give the same bytes.

- `sdg_links_csv`: one row per SDG link record (any status: count only `plo:Accepted` rows), with the suggester's
  confidence where it computed one; RFC 4180 (comma, CRLF, quotes where needed).
- Every CSV/TSV cell goes through the escaping policy's `spreadsheet_row`: a text a spreadsheet would run as a
  formula (starting with `=`, `+`, `-`, `@`) gets a leading apostrophe.
- `sdg_links_sssom`: SSSOM/TSV (https://mapping-commons.github.io/sssom/) with its YAML metadata block: accepted
  links as `skos:relatedMatch` (never exactMatch: a focus point is not the same thing as an SDG target),
  rejected links with `predicate_modifier: Not`, proposed and withdrawn links left out (they are not
  assertions); `mapping_justification` tells manual curation from the suggester's lexical and semantic matching,
  which comes with its `confidence` and the curator who decided it (`reviewer_id`).
- `coverage_csv`: the coverage matrices of `plans.coverage_matrix` (per plan, focus areas × the 17 goals) as one
  table.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from .config import Config
from .escaping import spreadsheet_row
from .model import vocabulary
from .namespaces import SKOS
from .plans import GOAL_NUMBERS, CoverageMatrix, DataIndex, LinkRow, all_plans, as_index, link_rows
from .urls import UrlPolicy, sdg_links_sssom_file
from .vocab import (
    SDG_NS,
    PlanVocabulary,
)

SEMAPV = "https://w3id.org/semapv/vocab/"
SITE_PREFIX = "planlod"

CSV_COLUMNS = (
    "link",
    "plan",
    "area",
    "area_label_da",
    "area_label_en",
    "item",
    "item_kind",
    "item_position",
    "text_da",
    "text_en",
    "sdg_goal",
    "sdg_goal_notation",
    "sdg_target",
    "sdg_target_notation",
    "method",
    "status",
    "rationale_da",
    "rationale_en",
    "confidence",
)


# ---------------------------------------------------------------- SDG concepts


# ---------------------------------------------------------------- link rows


def _short(policy: UrlPolicy, iri: str) -> str:
    return policy.short(iri) if iri else ""


def sdg_links_csv(data: Iterable[ox.Triple] | DataIndex, policy: UrlPolicy) -> bytes:
    """The SDG links as a tidy CSV table: one row per link record, columns CSV_COLUMNS, UTF-8, CRLF."""
    index = as_index(data)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for r in link_rows(index, vocabulary(policy)):
        c = r.concept
        writer.writerow(
            spreadsheet_row(
                (
                    r.link,
                    r.plan,
                    r.area,
                    r.area_label_da,
                    r.area_label_en,
                    r.item,
                    r.item_kind,
                    r.item_position,
                    r.text_da,
                    r.text_en,
                    c.goal,
                    c.goal_notation,
                    "" if c.is_goal else c.iri,
                    "" if c.is_goal else c.notation,
                    _short(policy, r.method),
                    _short(policy, r.status),
                    r.rationale_da,
                    r.rationale_en,
                    r.confidence,
                )
            )
        )
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------- SSSOM


def curie_map(policy: UrlPolicy) -> dict[str, str]:
    """The SSSOM prefixes: the site (its base IRI), the ontology, the SDGs and the mapping vocabularies."""
    return {
        SITE_PREFIX: policy.base,
        "plo": policy.ontology_ns,
        "sdg": SDG_NS,
        "semapv": SEMAPV,
        "skos": str(SKOS),
    }


def to_curie(iri: str, prefixes: dict[str, str]) -> str:
    """The CURIE of an IRI under the longest matching namespace; the IRI itself when none matches."""
    best = max(((p, ns) for p, ns in prefixes.items() if iri.startswith(ns)), key=lambda x: len(x[1]), default=None)
    return f"{best[0]}:{iri[len(best[1]) :]}" if best else iri


def mapping_justification(row: LinkRow, vocab: PlanVocabulary) -> str:
    """The SEMAPV justification: manual curation where a person chose the link (curated, or stated in the plan);
    composite matching where `planlod suggest` found it, by lexical matching (search queries, term lists) combined
    with semantic similarity (sentence embeddings), then a curator decided (the row's `reviewer_id`, with the
    suggester's `confidence`); unspecified for any other method."""
    if row.method in (vocab.Curated.value, vocab.StatedInPlan.value):
        return "semapv:ManualMappingCuration"
    if row.method == vocab.Suggested.value:
        return "semapv:CompositeMatching"
    return "semapv:UnspecifiedMatching"


def reviewers(row: LinkRow) -> tuple[str, ...]:
    """Who decided the link, where not the one who established it: the curator of a suggestion."""
    return tuple(agent for agent in row.decided_by if agent not in row.authors)


def _cell(value: str) -> str:
    return " ".join(value.split())


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def sssom_header(policy: UrlPolicy, config: Config, index: DataIndex, authors: Sequence[str]) -> str:
    """The SSSOM metadata block, one '# ' line each (YAML; every value a double-quoted string)."""
    prefixes = curie_map(policy)
    plans = all_plans(index, vocabulary(policy))
    names = ", ".join(dict.fromkeys(p.municipality.label_en for p in plans))
    lines = ["curie_map:"]
    lines += [f"  {prefix}: {_yaml(ns)}" for prefix, ns in sorted(prefixes.items())]
    lines += [
        f"mapping_set_id: {_yaml(policy.iri(sdg_links_sssom_file()))}",
        f"mapping_set_title: {_yaml('SDG links of political plans: ' + names)}",
        "mapping_set_description: "
        + _yaml(
            "Links from the plans' focus areas, headline goals and focus points to the UN Sustainable Development "
            "Goals and targets (UN SDG KOS), each with the rationale of the person who made it. skos:relatedMatch: "
            "the plan element contributes to the goal or target; it is not the same thing."
        ),
        f"license: {_yaml(config.licence)}",
        f"mapping_provider: {_yaml(policy.dataset)}",
        'object_type: "skos concept"',
    ]
    if authors:
        lines.append("creator_id:")
        lines += [f"  - {_yaml(to_curie(a, prefixes))}" for a in authors]
    return "".join(f"# {line}\n" for line in lines)


def sdg_links_sssom(data: Iterable[ox.Triple] | DataIndex, policy: UrlPolicy, config: Config) -> bytes:
    """The accepted (and rejected, negated) SDG links as SSSOM/TSV with its metadata block."""
    index = as_index(data)
    vocab = vocabulary(policy)
    prefixes = curie_map(policy)
    rows = [r for r in link_rows(index, vocab) if r.accepted or r.rejected]
    columns = ["subject_id", "subject_label", "predicate_id"]
    columns += ["predicate_modifier"] if any(r.rejected for r in rows) else []
    columns += ["object_id", "object_label", "mapping_justification", "author_id"]
    columns += ["reviewer_id"] if any(reviewers(r) for r in rows) else []
    columns += ["mapping_date"]
    columns += ["confidence"] if any(r.confidence for r in rows) else []
    columns += ["curation_rule", "comment"]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for r in rows:
        values = {
            "subject_id": to_curie(r.item, prefixes),
            "subject_label": r.text_da or r.text_en,
            "predicate_id": "skos:relatedMatch",
            "predicate_modifier": "Not" if r.rejected else "",
            "object_id": to_curie(r.concept.iri, prefixes),
            "object_label": r.concept.label_en,
            "mapping_justification": mapping_justification(r, vocab),
            "author_id": "|".join(to_curie(a, prefixes) for a in r.authors),
            "reviewer_id": "|".join(to_curie(a, prefixes) for a in reviewers(r)),
            "mapping_date": r.created,
            "confidence": r.confidence,
            "curation_rule": to_curie(r.method, prefixes) if r.method else "",
            "comment": r.rationale_en or r.rationale_da,
        }
        writer.writerow(spreadsheet_row(_cell(values[c]) for c in columns))
    authors = sorted({a for r in rows for a in r.authors})
    return (sssom_header(policy, config, index, authors) + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- coverage


def coverage_csv(matrices: Sequence[CoverageMatrix]) -> bytes:
    """The coverage matrices as one CSV table: a row per plan and area, a column per goal, and the total."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    numbers = [g.number for g in matrices[0].goals] if matrices else list(GOAL_NUMBERS)
    writer.writerow(
        ["plan", "area", "area_position", "area_label_da", "area_label_en", *(f"sdg_{n}" for n in numbers), "total"]
    )
    for matrix in matrices:
        for area, row in zip(matrix.areas, matrix.counts, strict=True):
            writer.writerow(
                spreadsheet_row([matrix.plan, area.iri, area.position, area.label_da, area.label_en, *row, sum(row)])
            )
    return buffer.getvalue().encode("utf-8")
