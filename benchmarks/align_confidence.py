"""Fit the confidence model of dictionary-only alignment, and check it on held-out text.

Each bead's confidence is a logistic function of its evidence (similarity, length cost,
anchors, null, many-sentence; :class:`workbench.align.mtguided.ConfidenceModel`). The
MT model's coefficients were fitted on MT similarities; dictionary cosines have another
scale. This fits the same model on the beads of the six French–English gold books
aligned with the fr–en dictionaries alone (label: the bead is in the gold ladder) and
scores it on the German–French Text+Berg dev set, which the fit never sees: ROC AUC
(does the confidence rank right beads above wrong ones), Brier score and the share of
wrong beads among those under the review threshold, for the MT model and the fitted one.

    python benchmarks/align_confidence.py [--books DIR] [--gold DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_GOLD = HERE.parent.parent / "shared" / "data" / "align-gold-defr"
DEFAULT_BOOKS = HERE.parent.parent / "shared" / "data" / "align-gold"
FEATURES = ("sim", "length", "anchor", "null", "many")


def bead_evidence(src, tgt, lex, merge_nulls: bool = True):
    """``(bead ids, feature matrix)`` of the dictionary-only alignment of one document."""
    from workbench.align.mtguided import DICT_BEADS, DICT_WEIGHTS, _align_units, _merge_nulls, _prepare

    w = replace(DICT_WEIGHTS, sim=DICT_WEIGHTS.sim * lex.trust)
    span = max(max(t) for t in DICT_BEADS)
    su, tu = _prepare(src, tgt, None, None, None, 12, span, w.words, lex, w.dict_mix)
    raw = _align_units(su, tu, w, True, DICT_BEADS, None)
    if merge_nulls:
        raw = _merge_nulls(raw)
    ids = [(r.src, r.tgt) for r in raw]
    x = np.array([[r.sim, r.length, r.anchor, float(not r.src or not r.tgt),
                   float(max(len(r.src), len(r.tgt)) > 1)] for r in raw])
    return ids, x


def fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float = 1e-3, steps: int = 50) -> np.ndarray:
    """Bias and coefficients of a logistic regression (Newton's method, a little ridge)."""
    a = np.hstack([np.ones((len(x), 1)), x])
    beta = np.zeros(a.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-a @ beta))
        grad = a.T @ (p - y) + ridge * beta
        hess = (a * (p * (1 - p))[:, None]).T @ a + ridge * np.eye(a.shape[1])
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def auc(score: np.ndarray, y: np.ndarray) -> float:
    """ROC AUC by ranks (ties averaged)."""
    order = np.argsort(score, kind="stable")
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    for v in np.unique(score):
        same = score == v
        ranks[same] = ranks[same].mean()
    pos = y == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)) if n1 and n0 else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--books", type=Path, default=Path(os.environ.get("ALIGN_GOLD", DEFAULT_BOOKS)))
    ap.add_argument("--gold", type=Path, default=Path(os.environ.get("ALIGN_GOLD_DEFR", DEFAULT_GOLD)))
    args = ap.parse_args()
    sys.path.insert(0, str(HERE.parent))
    from workbench.align import DEFAULT_REVIEW_THRESHOLD
    from workbench.align.dictionary import find_dictionaries, load_lexicon
    from workbench.align.ladder import read_ladder
    from workbench.align.mtguided import DICT_CONFIDENCE, ConfidenceModel

    def labelled(src, tgt, gold_path, lex, merge):
        ids, x = bead_evidence(src, tgt, lex, merge)
        gold = {(tuple(b.src), tuple(b.tgt)) for b in read_ladder(gold_path)}
        return x, np.array([float(b in gold) for b in ids])

    lex_fe = load_lexicon("fr", "en")
    xs, ys = [], []
    for fr in sorted(args.books.glob("*.fr")):
        x, y = labelled(fr.read_text(encoding="utf-8").splitlines(),
                        fr.with_suffix(".en").read_text(encoding="utf-8").splitlines(),
                        fr.with_suffix(".gold"), lex_fe, True)
        xs.append(x)
        ys.append(y)
    x_train, y_train = np.vstack(xs), np.concatenate(ys)
    beta = fit_logistic(x_train, y_train)
    print(f"fitted on {len(y_train)} beads of the books ({y_train.mean():.1%} right): "
          + ", ".join(f"{k} {v:+.2f}" for k, v in zip(("bias",) + FEATURES, beta)))
    lex = load_lexicon("de", "fr", [d for d in find_dictionaries() if {d.src, d.tgt} == {"de", "fr"}])
    x_test, y_test = labelled((args.gold / "dev.de").read_text(encoding="utf-8").splitlines(),
                              (args.gold / "dev.fr").read_text(encoding="utf-8").splitlines(),
                              args.gold / "dev.gold", lex, False)
    models = {"MT model (ConfidenceModel())": ConfidenceModel(),
              "fitted now": ConfidenceModel(*beta),
              "shipped DICT_CONFIDENCE": DICT_CONFIDENCE}
    print(f"Text+Berg (held out): {len(y_test)} beads, {y_test.mean():.1%} right")
    print("| model | ROC AUC | Brier | mean confidence | wrong beads flagged (< "
          f"{DEFAULT_REVIEW_THRESHOLD}) | right beads flagged |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, m in models.items():
        for tag, x, y in (("books", x_train, y_train), ("Text+Berg", x_test, y_test)):
            p = m(*x.T)
            flag = p < DEFAULT_REVIEW_THRESHOLD
            print(f"| {name}, {tag} | {auc(p, y):.3f} | {np.mean((p - y) ** 2):.3f} | {p.mean():.2f} | "
                  f"{flag[y == 0].mean():.0%} | {flag[y == 1].mean():.0%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
