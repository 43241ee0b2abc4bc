"""Fit the suggester's calibration (publish/suggest/knowledge/calibration.tsv) on the development halves.

    python bench/sdg_calibrate.py --lang en --benchmark [--heldout FILE.csv …]
    python bench/sdg_calibrate.py --lang da --heldout FILE.csv … [--precision 0.87]

For every (text, goal) pair of the development half (bench/sdg.py's split: ids whose SHA-256 starts with 0–7)
of the labelled sets given, the suggester's features of the goal (scoring.FEATURES: whether a query of the
goal matched, the lexical score and rank, the similarity to the goal's and its targets' titles) are computed
without calibration, and an L2-regularised logistic regression with one bias per goal is fitted to the labels
(Newton's method, numpy). Its probability is the goal's score. The decision threshold is 0.5 (`--precision`:
the lowest threshold whose precision on the development half reaches that value). The test halves are never
read. The language's lines of calibration.tsv are replaced; the other language's are kept.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sdg import GOALS, Item, benchmark_items, benchmark_path, heldout_items, select

from publish.config import load_config
from publish.load import load_sources
from publish.suggest.knowledge import CALIBRATION_FILE, KNOWLEDGE_DIR, Calibration, Sources, build_knowledge
from publish.suggest.scoring import FEATURES, Suggester

L2 = 1.0
PRECISION = {"da": 0.90, "en": None}  # the shipped thresholds: Danish for precision, English 0.5

HEADER = (
    "# Calibration of the SDG suggester: lang<TAB>name<TAB>value. For each language, the weights of a logistic\n"
    "# regression over the goal features of publish/suggest/scoring.py ('goal:N' is goal N's bias) and the\n"
    "# decision threshold. Fitted by bench/sdg_calibrate.py on the development halves named below.\n"
)


def feature_rows(suggester: Suggester, items: list[Item]) -> tuple[list[dict[str, float]], list[str], list[float]]:
    rows, goals, labels = [], [], []
    for item in items:
        analysis = suggester.analyse(item.text, item.lang, exclude_group=item.exclude)
        for goal in item.judged:
            rows.append(analysis.features[goal])
            goals.append(goal)
            labels.append(1.0 if goal in item.goals else 0.0)
    return rows, goals, labels


def design(rows: list[dict[str, float]], goals: list[str]) -> tuple[np.ndarray, list[str]]:
    names = ["intercept", *FEATURES, *(f"goal:{g}" for g in GOALS)]
    x = np.zeros((len(rows), len(names)))
    for i, (row, goal) in enumerate(zip(rows, goals, strict=True)):
        x[i, 0] = 1.0
        for j, name in enumerate(FEATURES, 1):
            x[i, j] = row[name]
        x[i, names.index(f"goal:{goal}")] = 1.0
    return x, names


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """L2-regularised logistic regression (the intercept unpenalised) by Newton's method."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def threshold_for(p: np.ndarray, y: np.ndarray, precision: float | None) -> float:
    if precision is None:
        return 0.5
    for t in np.arange(0.05, 0.96, 0.01):
        chosen = p >= t
        if chosen.sum() and y[chosen].mean() >= precision:
            return round(float(t), 2)
    return 0.95


@dataclass(frozen=True)
class Fitted:
    """A fitted calibration and what it was fitted on."""

    calibration: Calibration
    pairs: int
    positives: int
    precision: float
    recall: float


def fit_calibration(suggester: Suggester, items: list[Item], l2: float, precision: float | None) -> Fitted:
    """The calibration fitted on the items (already the development half), with its decision threshold."""
    rows, goals, labels = feature_rows(suggester, items)
    x, names = design(rows, goals)
    y = np.array(labels)
    w = fit(x, y, l2)
    p = 1.0 / (1.0 + np.exp(-(x @ w)))
    threshold = threshold_for(p, y, precision)
    chosen = p >= threshold
    weights = {n: round(float(v), 4) for n, v in zip(names, w, strict=True)}
    return Fitted(
        Calibration(weights, threshold),
        len(y),
        int(y.sum()),
        float(y[chosen].mean()) if chosen.sum() else 0.0,
        float(chosen[y == 1].mean()) if y.sum() else 0.0,
    )


def development_items(lang: str, heldout: list[Path], benchmark: bool) -> tuple[list[Item], list[str]]:
    """The development halves of the labelled sets, read as `lang`, and their names."""
    items: list[Item] = []
    named = []
    for path in heldout:
        found = select(heldout_items(path), "dev")
        items += [Item(i.key, i.text, lang, i.goals, i.targets, None) for i in found]
        named.append(f"{path.name} ({len(found)} texts)")
    if benchmark:
        path = benchmark_path()
        if path is None:
            sys.exit("pip install --no-deps sdgclassification-benchmark first")
        found = select(benchmark_items(path), "dev")
        items += found
        named.append(f"SDG Classification Benchmark ({len(found)} texts)")
    return items, named


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=("da", "en"), required=True)
    parser.add_argument("--heldout", type=Path, action="append", default=[])
    parser.add_argument("--benchmark", action="store_true")
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--precision", type=float, default=None)
    args = parser.parse_args()
    config = load_config(None)
    knowledge = build_knowledge(config, load_sources(config), Sources(calibration=False))
    items, named = development_items(args.lang, args.heldout, args.benchmark)
    fitted = fit_calibration(Suggester(knowledge), items, args.l2, args.precision)
    threshold = fitted.calibration.threshold
    print(
        f"{args.lang}: {len(items)} texts, {fitted.pairs} pairs, {fitted.positives} positive; threshold {threshold}; "
        f"dev precision {fitted.precision:.3f} recall {fitted.recall:.3f}"
    )
    path = KNOWLEDGE_DIR / CALIBRATION_FILE
    kept = []
    comments = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and not line.startswith(args.lang + "\t"):
                kept.append(line)
            elif line.startswith("# ") and not line.startswith(f"# {args.lang}:") and line + "\n" not in HEADER:
                comments.append(line)
    source_line = (
        f"# {args.lang}: fitted on the development halves of {', '.join(named)}; l2={args.l2}; "
        f"threshold: {'0.5' if args.precision is None else f'the lowest with precision >= {args.precision}'}"
    )
    weights = fitted.calibration.weights
    lines = [*kept, *(f"{args.lang}\t{n}\t{v:.4f}" for n, v in weights.items())]
    lines.append(f"{args.lang}\tthreshold\t{threshold}")
    lines.sort(key=lambda line: line.split("\t")[0])
    body = HEADER + "\n".join(sorted([*comments, source_line])) + "\n" + "\n".join(lines) + "\n"
    path.write_text(body, encoding="utf-8")
    print(f"{path}: written")


if __name__ == "__main__":
    main()
