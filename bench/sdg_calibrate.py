"""Fit the suggester's calibration (publish/suggest/knowledge/calibration.tsv) on the development halves.

    python bench/sdg_calibrate.py --lang en --benchmark [--heldout FILE.csv …]
    python bench/sdg_calibrate.py --lang da --heldout FILE.csv … [--precision 0.87]

For every (text, goal) pair of the development half (bench/sdg.py's split: ids whose SHA-256 starts with 0–7)
of the labelled sets given, the suggester's features of the goal (scoring.FEATURES: whether a query of the
goal matched, the lexical score and rank, the similarity to the goal's and its targets' titles) are computed
without calibration, and an L2-regularised logistic regression with one bias per goal is fitted to the labels
(Newton's method, numpy). Its probability is the goal's score. The strength of the regularisation is chosen
on the development half too: the one of L2_GRID with the lowest log-loss in 5-fold cross-validation (folds by
text, from the SHA-256 of its id), unless `--l2` names one. The decision threshold is 0.5 (`--precision`: the
lowest threshold whose precision reaches that value on the development half, each text scored by the model
fitted on the other folds, since a model scores the texts it was fitted on too well). The test halves are
never read.
The language's lines of calibration.tsv are replaced; the other language's are kept.
"""

from __future__ import annotations

import argparse
import hashlib
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

L2_GRID = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
FOLDS = 5
PRECISION = {"da": 0.90, "en": None}  # the shipped thresholds: Danish for precision, English 0.5

HEADER = (
    "# Calibration of the SDG suggester: lang<TAB>name<TAB>value. For each language, the weights of a logistic\n"
    "# regression over the goal features of publish/suggest/scoring.py ('goal:N' is goal N's bias) and the\n"
    "# decision threshold. Fitted by bench/sdg_calibrate.py on the development halves named below.\n"
)


def feature_rows(
    suggester: Suggester, items: list[Item]
) -> tuple[list[dict[str, float]], list[str], list[float], list[int]]:
    """Per (text, judged goal): the goal's features, the goal, the label and the text's cross-validation fold."""
    rows, goals, labels, folds = [], [], [], []
    for item in items:
        analysis = suggester.analyse(item.text, item.lang, exclude_group=item.exclude)
        fold = int(hashlib.sha256(item.key.encode("utf-8")).hexdigest()[-1], 16) % FOLDS
        for goal in item.judged:
            rows.append(analysis.features[goal])
            goals.append(goal)
            labels.append(1.0 if goal in item.goals else 0.0)
            folds.append(fold)
    return rows, goals, labels, folds


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


def out_of_fold(x: np.ndarray, y: np.ndarray, folds: np.ndarray, l2: float) -> np.ndarray:
    """Each pair's probability from the model fitted on the other folds (never on the pair's own text)."""
    p = np.zeros(len(y))
    for fold in range(FOLDS):
        train, held = folds != fold, folds == fold
        p[held] = 1.0 / (1.0 + np.exp(-(x[held] @ fit(x[train], y[train], l2))))
    return np.clip(p, 1e-12, 1 - 1e-12)


def cross_validated_l2(x: np.ndarray, y: np.ndarray, folds: np.ndarray) -> tuple[float, dict[float, float]]:
    """The L2 strength of L2_GRID with the lowest log-loss over held-out folds of the development half."""
    losses = {}
    for l2 in L2_GRID:
        p = out_of_fold(x, y, folds, l2)
        losses[l2] = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return min(losses, key=lambda l2: (losses[l2], l2)), losses


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
    l2: float
    losses: dict[float, float]  # the cross-validated log-loss of each strength tried (empty when given)
    pairs: int
    positives: int
    precision: float
    recall: float


def fit_calibration(suggester: Suggester, items: list[Item], l2: float | None, precision: float | None) -> Fitted:
    """The calibration fitted on the items (already the development half), with its decision threshold; `l2`
    None: chosen by cross-validation on the items."""
    rows, goals, labels, folds = feature_rows(suggester, items)
    x, names = design(rows, goals)
    y = np.array(labels)
    losses: dict[float, float] = {}
    if l2 is None:
        l2, losses = cross_validated_l2(x, y, np.array(folds))
    w = fit(x, y, l2)
    # The threshold for a precision is chosen on out-of-fold probabilities: on the texts it was fitted on, a
    # model looks more precise than it is on new ones.
    p = out_of_fold(x, y, np.array(folds), l2)
    threshold = threshold_for(p, y, precision)
    chosen = p >= threshold
    weights = {n: round(float(v), 4) for n, v in zip(names, w, strict=True)}
    return Fitted(
        Calibration(weights, threshold),
        l2,
        losses,
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
    parser.add_argument("--l2", type=float, default=None, help="the L2 strength (default: chosen by cross-validation)")
    parser.add_argument("--precision", type=float, default=None)
    args = parser.parse_args()
    config = load_config(None)
    knowledge = build_knowledge(config, load_sources(config), Sources(calibration=False))
    items, named = development_items(args.lang, args.heldout, args.benchmark)
    fitted = fit_calibration(Suggester(knowledge), items, args.l2, args.precision)
    threshold = fitted.calibration.threshold
    for l2, loss in fitted.losses.items():
        print(f"{args.lang}: l2={l2}: cross-validated log-loss {loss:.4f}")
    print(
        f"{args.lang}: {len(items)} texts, {fitted.pairs} pairs, {fitted.positives} positive; threshold {threshold}; "
        f"dev precision {fitted.precision:.3f} recall {fitted.recall:.3f} (out of fold)"
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
        f"# {args.lang}: fitted on the development halves of {', '.join(named)}; l2={fitted.l2}"
        f"{' (5-fold cross-validation)' if fitted.losses else ''}; "
        + (
            "threshold: 0.5"
            if args.precision is None
            else f"threshold: the lowest with out-of-fold precision >= {args.precision}"
        )
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
