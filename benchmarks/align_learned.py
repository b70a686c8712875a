"""A learned bead cost for dictionary-only alignment ("score, then decide"), issue 18.

A NEGATIVE RESULT, kept as an experiment (the aligner's defaults are unchanged; see
``benchmarks/RESULTS-align.md``, "Learned bead cost").

The dictionary-only aligner scores each bead with hand-set weights (length, dictionary
cosine, anchors, clause marks, weakest member, a prior per shape). Its remaining errors
on the German–French Text+Berg dev set are bead structure: gold 2-2 and larger beads
predicted as smaller ones, untranslated lines absorbed into a neighbour. This script
learns the bead cost instead, from the six French–English gold books
(``../shared/data/align-gold``) aligned with the FreeDict fr–en dictionaries alone:

* features of a bead (:func:`bead_features`): the hand-set cost itself ("base"), the
  dictionary cosine, the length cost, clause marks, anchors, the relative weakest member,
  the shape, and for many-to-many beads how the bead's dictionary mass splits into two
  smaller beads (``cross``: the least share of the mass off the diagonal blocks over all
  cuts; ``split_gain``: best mean cosine of the two parts minus the bead's); of a null
  bead (:func:`null_features`): log length, best cosine in the band, anchors, marks;
* design A (default): a logistic regression on candidate beads that start or end on a
  corner of the gold ladder (label: in the gold ladder), DP cost ``−log p + offset``
  (``--cost nll``) or ``−logit p + offset`` (``--cost logit``);
* design B (``--residual --perceptron EPOCHS``): a linear cost started from the hand-set
  one (coefficient −1 on "base", every other 0; null cost the hand-set skip) and refined
  by an averaged structured perceptron on the DP's own decisions in a band around the
  gold path, with loss-augmented decoding (``--margin``: every non-gold bead made that
  much cheaper while training); ``--freeze`` keeps named coefficients (the shape terms,
  ``null``) at their start.

Every choice is made by leave-one-book-out on the six books (fit on five, align the sixth
with the learned cost, mean strict F1). ``--defr`` scores the German–French dev set with
the model fitted on all six books, plus which gold shapes each cost finds (run once per
final design; nothing is fitted or chosen on it). ``--skip-loo`` skips the books.

    python benchmarks/align_learned.py [--books DIR] [--cost nll|logit] [--offset X ...]
        [--null-offset X ...] [--residual --perceptron N --rate R --margin M
        --freeze NAMES] [--skip-loo] [--defr]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
DEFAULT_BOOKS = HERE.parent.parent / "shared" / "data" / "align-gold"
DEFAULT_DEFR = HERE.parent.parent / "shared" / "data" / "align-gold-defr"

from workbench.align.dp import Band, banded_dp, widening_dp  # noqa: E402
from workbench.align.mtguided import (  # noqa: E402
    DICT_BEADS,
    DICT_WEIGHTS,
    _cos,
    _length_diagonal,
    _merge_nulls,
    _prepare,
    _Raw,
    _Scorer,
)

PAIR_FEATURES = ("base", "sim", "unsim", "length", "marks", "anchor", "anchor_miss", "weak",
                 "extra", "diff", "is12", "is22", "manymany", "cross", "split_gain",
                 "sim_x_extra")
NULL_FEATURES = ("loglen", "best", "anchored", "marks")


# -- features ------------------------------------------------------------------------

def bead_features(sc: _Scorer, a: int, b: int, I: np.ndarray, J: np.ndarray) -> np.ndarray:
    """Features of bead (a, b) ending at cells (I, J): shape ``I.shape + (F,)``."""
    I, J = np.broadcast_arrays(I, J)
    ev = sc.evidence_at(a, b, I, J)
    sim = ev["sim"]
    units = (a + b) / 2.0
    multi = float(a > 1 or b > 1)
    cross = np.zeros(I.shape)
    gain = np.zeros(I.shape)
    if a >= 2 and b >= 2:
        pairs = sc._pairs(sc.M, a, b, I, J)
        total = sum(pairs.values())
        ic, jc = np.clip(I, 0, sc.n), np.clip(J, 0, sc.m)
        best_cross = np.full(I.shape, np.inf)
        best_gain = np.full(I.shape, -np.inf)
        for ps in range(1, a):          # source sentences in the first part
            for qt in range(1, b):      # target sentences in the first part
                first_s = range(a - ps, a)   # pair index p counts from the bead's end
                first_t = range(b - qt, b)
                second_s = range(0, a - ps)
                second_t = range(0, b - qt)
                n1 = sum(pairs[(p, q)] for p in first_s for q in first_t)
                n2 = sum(pairs[(p, q)] for p in second_s for q in second_t)
                x = total - n1 - n2
                share = np.where(np.abs(total) > 1e-12, x / np.where(np.abs(total) > 1e-12, total, 1.0), 0.0)
                best_cross = np.minimum(best_cross, share)
                c1 = _cos(n1, sc.ns[ps][np.clip(ic - (a - ps), 0, sc.n)] * sc.nt[qt][np.clip(jc - (b - qt), 0, sc.m)])
                c2 = _cos(n2, sc.ns[a - ps][ic] * sc.nt[b - qt][jc])
                best_gain = np.maximum(best_gain, (c1 + c2) / 2.0 - sim)
        cross, gain = np.clip(best_cross, -1.0, 1.0), best_gain
    w = sc.w
    base = (w.prior.get(f"{a}-{b}", 3.0) + w.length * ev["length"] + w.marks * ev["marks"]
            - w.anchor * ev["anchor"] + w.anchor_miss * (ev["both"] & (ev["anchor"] == 0))
            + w.sim * units ** w.size_power * (1.0 - sim) + w.weak * multi * (1.0 - ev["weak"]))
    cols = [base, sim, units * (1.0 - sim), ev["length"], ev["marks"], ev["anchor"],
            (ev["both"] & (ev["anchor"] == 0)).astype(float), multi * (1.0 - ev["weak"]),
            np.full(I.shape, a + b - 2.0), np.full(I.shape, abs(a - b) * 1.0),
            np.full(I.shape, float((a, b) in ((1, 2), (2, 1)))),
            np.full(I.shape, float((a, b) == (2, 2))),
            np.full(I.shape, float(min(a, b) >= 2)), cross, gain, sim * (a + b - 2.0)]
    return np.stack(cols, axis=-1)


def null_features(sc: _Scorer, side: int) -> np.ndarray:
    """Per-sentence features of a 1-0 (side 0) or 0-1 (side 1) bead: log length, its best
    dictionary cosine with any sentence of the other side in the band, anchors, marks."""
    n, m = sc.n, sc.m
    k = np.arange(sc.mwidth)[None, :]
    t = sc.moff[:, None] + k
    ok = t < m
    tc = np.clip(t, 0, max(m - 1, 0))
    s_sq = sc.s.sq[:, None]
    cos = np.where(ok, _cos(sc.M, s_sq * sc.t.sq[tc]), 0.0)
    if side == 0:
        best = cos.max(axis=1) if cos.size else np.zeros(n)
        u = sc.s
    else:
        best = np.zeros(m)
        np.maximum.at(best, tc[ok], cos[ok])
        u = sc.t
    marks = u.marks if u.marks is not None else np.zeros(len(u.lengths))
    return np.stack([np.log1p(u.lengths), best, (u.anc_sq > 0).astype(float), marks], axis=-1)


# -- the model -------------------------------------------------------------------------

class Logistic:
    """Standardised features → p; fitted by Newton's method with a small ridge."""

    def __init__(self, mean: np.ndarray, scale: np.ndarray, beta: np.ndarray) -> None:
        self.mean, self.scale, self.beta = mean, scale, beta

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, ridge: float = 1.0, steps: int = 60) -> Logistic:
        mean, scale = x.mean(0), x.std(0)
        scale = np.where(scale > 1e-9, scale, 1.0)
        z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
        beta = np.zeros(z.shape[1])
        for _ in range(steps):
            p = 1.0 / (1.0 + np.exp(-z @ beta))
            reg = ridge * np.r_[0.0, beta[1:]]
            grad = z.T @ (p - y) + reg
            hess = (z * (p * (1 - p))[:, None]).T @ z + ridge * np.diag(np.r_[0.0, np.ones(len(beta) - 1)]) + 1e-9 * np.eye(len(beta))
            step = np.linalg.solve(hess, grad)
            beta -= step
            if np.abs(step).max() < 1e-8:
                break
        return cls(mean, scale, beta)

    def logit(self, x: np.ndarray) -> np.ndarray:
        return self.beta[0] + ((x - self.mean) / self.scale) @ self.beta[1:]


def cost_of(logit: np.ndarray, how: str, offset: float) -> np.ndarray:
    """DP cost from a logit: ``−log p + offset`` or ``−logit``."""
    if how == "logit":
        return -logit + offset
    return np.logaddexp(0.0, -logit) + offset   # −log sigmoid


# -- data ------------------------------------------------------------------------------

def scorer_for(src, tgt, lex) -> _Scorer:
    w = replace(DICT_WEIGHTS, sim=DICT_WEIGHTS.sim * lex.trust)
    span = max(max(t) for t in DICT_BEADS)
    su, tu = _prepare(src, tgt, None, None, None, 12, span, w.words, lex, w.dict_mix)
    return _Scorer(su, tu, w, True, span)


def gold_corners(gold) -> tuple[list[tuple[int, int, int, int]], set[tuple[int, int]]]:
    """Gold beads as (i0, i1, j0, j1) with null beads one sentence each, and the corners."""
    out = []
    i = j = 0
    for b in gold:
        if b.src and b.tgt:
            out.append((b.src[0], b.src[-1] + 1, b.tgt[0], b.tgt[-1] + 1))
            i, j = b.src[-1] + 1, b.tgt[-1] + 1
        elif b.src:
            for s in b.src:
                out.append((s, s + 1, j, j))
            i = b.src[-1] + 1
        else:
            for t in b.tgt:
                out.append((i, i, t, t + 1))
            j = b.tgt[-1] + 1
    corners = {(0, 0)} | {(i1, j1) for _, i1, _, j1 in out} | {(i0, j0) for i0, _, j0, _ in out}
    return out, corners


def gold_band(corners: set[tuple[int, int]], n: int, m: int, half_width: int) -> Band:
    """A band reaching ``half_width`` columns around the gold path."""
    first, last = np.full(n + 1, m, np.int64), np.zeros(n + 1, np.int64)
    for ci, cj in corners:
        first[ci] = min(first[ci], cj)
        last[ci] = max(last[ci], cj)
    for r in range(1, n + 1):   # rows the path crosses inside a bead
        if last[r] < first[r]:
            first[r], last[r] = first[r - 1], last[r - 1]
    return Band.around(first, last, n, m, half_width)


def structure_cases(sc: _Scorer, gold) -> tuple[np.ndarray, np.ndarray]:
    """Diagnosis: features of gold 2-2 beads (label 1) and of two consecutive gold 1-1
    beads read as one 2-2 (label 0), the confusion left to resolve."""
    gbeads, corners = gold_corners(gold)
    sc.set_band(gold_band(corners, sc.n, sc.m, 8))
    pos = [(i1, j1) for i0, i1, j0, j1 in gbeads if (i1 - i0, j1 - j0) == (2, 2)]
    neg = [(b[1], b[3]) for a, b in zip(gbeads, gbeads[1:])
           if (a[1] - a[0], a[3] - a[2]) == (1, 1) == (b[1] - b[0], b[3] - b[2])]
    cells = np.array(pos + neg)
    return bead_features(sc, 2, 2, cells[:, 0], cells[:, 1]), np.r_[np.ones(len(pos)), np.zeros(len(neg))]


def structure_auc(x: np.ndarray, y: np.ndarray) -> str:
    """ROC AUC of the structure features (and the cosine) on :func:`structure_cases`."""
    from align_confidence import auc

    return (f"{int(y.sum())} gold 2-2 vs {int((1 - y).sum())} gold 1-1 + 1-1: ROC AUC " + ", ".join(
        f"{k} {auc(x[:, PAIR_FEATURES.index(k)] * sign, y):.3f}"
        for k, sign in (("cross", 1.0), ("split_gain", -1.0), ("sim", 1.0))))


def training_rows(sc: _Scorer, gold, shapes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(pair features, labels, null features, labels) of one book's candidate beads."""
    n, m = sc.n, sc.m
    gbeads, corners = gold_corners(gold)
    gold_set = {(i0, i1, j0, j1) for i0, i1, j0, j1 in gbeads}
    # a band around the gold path, wide enough for the neighbours
    sc.set_band(gold_band(corners, n, m, 8))
    xs, ys = [], []
    cs = np.array(sorted(corners))
    for a, b in shapes:
        if a == 0 or b == 0:
            continue
        ends = np.vstack([cs, cs + np.array([a, b])])          # beads ending on / starting at a corner
        ends = np.unique(ends, axis=0)
        ok = (ends[:, 0] >= a) & (ends[:, 1] >= b) & (ends[:, 0] <= n) & (ends[:, 1] <= m)
        ends = ends[ok]
        if not len(ends):
            continue
        x = bead_features(sc, a, b, ends[:, 0], ends[:, 1])
        y = np.array([(i - a, i, j - b, j) in gold_set for i, j in ends], dtype=float)
        xs.append(x)
        ys.append(y)
    ns, nt = null_features(sc, 0), null_features(sc, 1)
    null_s = {i0 for i0, i1, j0, j1 in gbeads if j0 == j1}
    null_t = {j0 for i0, i1, j0, j1 in gbeads if i0 == i1}
    xn = np.vstack([np.hstack([ns, np.zeros((n, 1))]), np.hstack([nt, np.ones((m, 1))])])
    yn = np.r_[[float(i in null_s) for i in range(n)], [float(j in null_t) for j in range(m)]]
    return np.vstack(xs), np.concatenate(ys), xn, yn


# -- alignment with the learned cost ------------------------------------------------------

class Learned:
    """The fitted pair and null models with the cost form."""

    def __init__(self, pair: Logistic, null: Logistic, how: str, offset: float, null_offset: float):
        self.pair, self.null, self.how, self.offset, self.null_offset = pair, null, how, offset, null_offset


def align_learned(sc: _Scorer, model: Learned, shapes, half_width=None, max_rounds: int = 6) -> list[_Raw]:
    """The banded DP of ``_align_units`` with the learned cost."""
    n, m = sc.n, sc.m
    hw = half_width or max(12, min(64, int(4 * np.sqrt(max(n, m)))))
    centre = _length_diagonal(sc.s.lengths, sc.t.lengths)
    band = Band.around(centre, centre, n, m, hw)

    def cost(t):
        a, b = t
        out = np.empty(sc.J.shape, dtype=np.float32)
        for r0 in range(0, n + 1, 2048):
            rows = slice(r0, min(n + 1, r0 + 2048))
            I, J = sc.I[rows], sc.J[rows]
            x = bead_features(sc, a, b, I, J)
            c = cost_of(model.pair.logit(x), model.how, model.offset)
            valid = (J < sc.band.hi[rows, None]) & (J <= m) & (J >= b) & (I >= a)
            out[rows] = np.where(valid, c, np.inf)
        return out

    def solve(band: Band):
        sc.set_band(band)
        skip = []
        for side in (0, 1):
            f = null_features(sc, side)
            f = np.hstack([f, np.full((len(f), 1), float(side))])
            skip.append(cost_of(model.null.logit(f), model.how, model.null_offset))
        return banded_dp(band, shapes, cost, skip[0], skip[1])

    path, _ = widening_dp(band, hw, solve, max_rounds=max_rounds)
    return [_Raw(tuple(range(i0, i1)), tuple(range(j0, j1)), 0.0, 0.0, 0.0)
            for i0, i1, j0, j1 in path.beads]


# -- structured perceptron (the DP's own decisions) ------------------------------------------

class Precomputed:
    """One book's standardisable features for every cell of a band around its gold path."""

    def __init__(self, sc: _Scorer, gold, shapes, half_width: int = 10) -> None:
        n, m = sc.n, sc.m
        gbeads, corners = gold_corners(gold)
        self.band = gold_band(corners, n, m, half_width)
        sc.set_band(self.band)
        self.shapes = [t for t in shapes if t[0] and t[1]]
        self.X = {t: bead_features(sc, t[0], t[1], sc.I, sc.J) for t in self.shapes}
        self.valid = {t: (sc.J < self.band.hi[:, None]) & (sc.J <= m) & (sc.J >= t[1]) & (sc.I >= t[0])
                      for t in self.shapes}
        self.N = [np.hstack([null_features(sc, side), np.full((k, 1), float(side))])
                  for side, k in ((0, n), (1, m))]
        self.is_gold = {t: np.zeros(sc.J.shape, bool) for t in self.shapes}
        self.gold_phi_beads = []
        self.gold_nulls = ([], [])
        for i0, i1, j0, j1 in gbeads:
            t = (i1 - i0, j1 - j0)
            if t in self.is_gold:
                k = j1 - self.band.lo[i1]
                if 0 <= k < sc.J.shape[1]:
                    self.is_gold[t][i1, k] = True
                    self.gold_phi_beads.append((t, i1, k))
            elif t == (1, 0):
                self.gold_nulls[0].append(i0)
            elif t == (0, 1):
                self.gold_nulls[1].append(j0)
        self.gold = gold

    def phi(self, model: Learned, beads) -> tuple[np.ndarray, np.ndarray]:
        """Summed standardised features (with bias) of pair beads and of null beads."""
        fp = np.zeros(len(model.pair.beta))
        fn = np.zeros(len(model.null.beta))
        for i0, i1, j0, j1 in beads:
            t = (i1 - i0, j1 - j0)
            if t in self.X:
                x = self.X[t][i1, j1 - self.band.lo[i1]]
                fp += np.r_[1.0, (x - model.pair.mean) / model.pair.scale]
            elif t == (1, 0):
                fn += np.r_[1.0, (self.N[0][i0] - model.null.mean) / model.null.scale]
            elif t == (0, 1):
                fn += np.r_[1.0, (self.N[1][j0] - model.null.mean) / model.null.scale]
        return fp, fn

    def decode(self, model: Learned, margin: float = 0.0):
        """Best path in the gold band under the linear cost ``−logit`` (minus ``margin`` on
        every bead that is not gold: loss-augmented decoding)."""
        costs = {}
        for t in self.shapes:
            c = -model.pair.logit(self.X[t]) - margin * (~self.is_gold[t])
            costs[t] = np.where(self.valid[t], c, np.inf)
        skips = []
        for side in (0, 1):
            c = -model.null.logit(self.N[side])
            gold = np.zeros(len(c), bool)
            gold[self.gold_nulls[side]] = True
            skips.append(c - margin * (~gold))
        return banded_dp(self.band, self.shapes + [(1, 0), (0, 1)], lambda t: costs[t], skips[0], skips[1]).beads


def gold_path(gold) -> list[tuple[int, int, int, int]]:
    return gold_corners(gold)[0]


def residual_start(model: Learned, skip: float) -> Learned:
    """The hand-set cost as the starting point: pair logit = −base, null logit = −skip
    (every other coefficient 0; the base column is left unstandardised)."""
    pm, ps = model.pair.mean.copy(), model.pair.scale.copy()
    pm[0], ps[0] = 0.0, 1.0
    bp = np.zeros_like(model.pair.beta)
    bp[1] = -1.0
    bn = np.zeros_like(model.null.beta)
    bn[0] = -skip
    return Learned(Logistic(pm, ps, bp), Logistic(model.null.mean, model.null.scale, bn), "logit", 0.0, 0.0)


def perceptron(model: Learned, pre: list[Precomputed], epochs: int, rate: float,
               margin: float, freeze: frozenset[str] = frozenset()) -> Learned:
    """Averaged structured perceptron from ``model``'s logits (the cost is ``−logit``):
    after each book, ``β += rate · (Φ(gold) − Φ(predicted))`` for both models."""
    if epochs == 0:
        return model
    bp, bn = model.pair.beta.copy(), model.null.beta.copy()
    mp = np.array([k not in freeze for k in ("bias",) + PAIR_FEATURES], float)
    mn = np.full(len(bn), float("null" not in freeze))
    sp, sn = np.zeros_like(bp), np.zeros_like(bn)
    steps = 0
    for _ in range(epochs):
        for p in pre:
            cur = Learned(Logistic(model.pair.mean, model.pair.scale, bp),
                          Logistic(model.null.mean, model.null.scale, bn), "logit", 0.0, 0.0)
            pred = p.decode(cur, margin)
            gp, gn = p.phi(cur, gold_path(p.gold))
            qp, qn = p.phi(cur, pred)
            bp = bp + rate * mp * (gp - qp)
            bn = bn + rate * mn * (gn - qn)
            sp += bp
            sn += bn
            steps += 1
    return Learned(Logistic(model.pair.mean, model.pair.scale, sp / steps),
                   Logistic(model.null.mean, model.null.scale, sn / steps), "logit", 0.0, 0.0)


# -- driver -------------------------------------------------------------------------------

def load_books(d: Path):
    from workbench.align.ladder import read_ladder

    out = []
    for fr in sorted(d.glob("*.fr")):
        out.append((fr.stem, fr.read_text(encoding="utf-8").splitlines(),
                    fr.with_suffix(".en").read_text(encoding="utf-8").splitlines(),
                    read_ladder(fr.with_suffix(".gold"))))
    return out


def fit(data, pick, ridge: float, how: str, offset: float, null_offset: float) -> Learned:
    xp = np.vstack([data[k][0] for k in pick])
    yp = np.concatenate([data[k][1] for k in pick])
    xn = np.vstack([data[k][2] for k in pick])
    yn = np.concatenate([data[k][3] for k in pick])
    return Learned(Logistic.fit(xp, yp, ridge), Logistic.fit(xn, yn, ridge), how, offset, null_offset)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--books", type=Path, default=Path(os.environ.get("ALIGN_GOLD", DEFAULT_BOOKS)))
    ap.add_argument("--gold", type=Path, default=Path(os.environ.get("ALIGN_GOLD_DEFR", DEFAULT_DEFR)))
    ap.add_argument("--cost", choices=("nll", "logit"), default="nll")
    ap.add_argument("--offset", type=float, nargs="+", default=[0.0])
    ap.add_argument("--null-offset", type=float, nargs="+", default=[0.0])
    ap.add_argument("--ridge", type=float, default=1.0)
    ap.add_argument("--perceptron", type=int, default=0, metavar="EPOCHS",
                    help="refine the logistic start with an averaged structured perceptron")
    ap.add_argument("--rate", type=float, default=0.05)
    ap.add_argument("--residual", action="store_true",
                    help="start the perceptron from the hand-set cost instead of the logistic fit")
    ap.add_argument("--margin", type=float, default=0.0)
    ap.add_argument("--freeze", default="", help="comma-separated pair coefficients the perceptron "
                    "leaves at their start (bias, base, extra, ...; 'null' = the whole null model)")
    ap.add_argument("--auc", action="store_true", help="diagnosis: how well the structure "
                    "features tell gold 2-2 beads from two gold 1-1 beads, per corpus")
    ap.add_argument("--skip-loo", action="store_true", help="no leave-one-book-out run")
    ap.add_argument("--defr", action="store_true",
                    help="score the de–fr dev set once with the model fitted on all six books")
    args = ap.parse_args()
    from workbench.align.dictionary import find_dictionaries, load_lexicon
    from workbench.evaluation.align import score_alignment

    lex = load_lexicon("fr", "en")
    books = load_books(args.books)
    shapes = DICT_BEADS
    data, scorers = [], []
    t0 = time.perf_counter()
    for name, src, tgt, gold in books:
        sc = scorer_for(src, tgt, lex)
        data.append(training_rows(sc, gold, shapes))
        scorers.append(sc)
    print(f"features for {len(books)} books in {time.perf_counter() - t0:.1f}s; "
          f"pair candidates {sum(len(d[1]) for d in data)} ({sum(d[1].sum() for d in data):.0f} gold), "
          f"null candidates {sum(len(d[3]) for d in data)} ({sum(d[3].sum() for d in data):.0f} gold)",
          flush=True)
    if args.auc:
        cases = [structure_cases(scorer_for(src, tgt, lex), gold) for _, src, tgt, gold in books]
        print("books (pooled):", structure_auc(np.vstack([c[0] for c in cases]),
                                               np.concatenate([c[1] for c in cases])))
    pre = []
    if args.perceptron or args.residual:
        t0 = time.perf_counter()
        pre = [Precomputed(scorer_for(src, tgt, lex), gold, shapes) for _, src, tgt, gold in books]
        print(f"band features for the perceptron in {time.perf_counter() - t0:.1f}s", flush=True)

    def trained(pick, off, noff) -> Learned:
        model = fit(data, pick, args.ridge, args.cost, off, noff)
        if args.perceptron or args.residual:
            start = fit(data, pick, args.ridge, "logit", 0.0, 0.0)
            if args.residual:
                start = residual_start(start, DICT_WEIGHTS.skip)
            model = perceptron(start, [pre[k] for k in pick],
                               args.perceptron, args.rate, args.margin,
                               frozenset(filter(None, args.freeze.split(","))))
        return model

    full = trained(range(len(books)), 0.0, 0.0)
    print("pair model (standardised):", " ".join(f"{k}={v:+.2f}" for k, v in zip(("bias",) + PAIR_FEATURES, full.pair.beta)))
    print("null model (standardised):", " ".join(f"{k}={v:+.2f}" for k, v in zip(("bias",) + NULL_FEATURES + ("tgt",), full.null.beta)))
    for off in ([] if args.skip_loo else args.offset):
        for noff in args.null_offset:
            f1s = []
            for k, (name, src, tgt, gold) in enumerate(books):
                model = trained([x for x in range(len(books)) if x != k], off, noff)
                raw = _merge_nulls(align_learned(scorer_for(src, tgt, lex), model, shapes))
                f1s.append(score_alignment(gold, [(r.src, r.tgt) for r in raw]).f1_strict)
            what = (f"residual={args.residual} perceptron={args.perceptron} rate={args.rate:g} "
                    f"margin={args.margin:g} freeze={args.freeze or '-'}"
                    if args.perceptron or args.residual
                    else f"logistic cost={args.cost} offset={off:g} null_offset={noff:g}")
            print(f"LOO {what}: mean strict F1 "
                  f"{np.mean(f1s):.4f}  (" + " ".join(f"{b[0][:8]} {f:.3f}" for b, f in zip(books, f1s)) + ")",
                  flush=True)
    if args.defr:
        from workbench.align.ladder import read_ladder

        src = (args.gold / "dev.de").read_text(encoding="utf-8").splitlines()
        tgt = (args.gold / "dev.fr").read_text(encoding="utf-8").splitlines()
        gold = read_ladder(args.gold / "dev.gold")
        direct = [d for d in find_dictionaries() if {d.src, d.tgt} == {"de", "fr"}]
        dlex = load_lexicon("de", "fr", direct)
        model = trained(range(len(books)), args.offset[0], args.null_offset[0])
        raw = align_learned(scorer_for(src, tgt, dlex), model, shapes)
        per = score_alignment(gold, [(r.src, r.tgt) for r in raw])
        if args.auc:
            print("de–fr dev:", structure_auc(*structure_cases(scorer_for(src, tgt, dlex), gold)))
        merged = score_alignment(gold, [(r.src, r.tgt) for r in _merge_nulls(raw)])
        print(f"de–fr dev (ONE evaluation): strict F1 {merged.f1_strict:.4f} lax {merged.f1_lax:.4f}; "
              f"nulls per sentence strict {per.f1_strict:.4f}")
        from collections import Counter

        from workbench.align import get_aligner

        base = get_aligner("mtguided", lexicon=dlex, merge_nulls=False).align(src, tgt).beads
        got_l = {(r.src, r.tgt) for r in raw}
        got_b = {(tuple(b.src), tuple(b.tgt)) for b in base}
        shape = lambda b: "≥2-2" if min(len(b.src), len(b.tgt)) >= 2 else f"{len(b.src)}-{len(b.tgt)}"  # noqa: E731
        total, hit_l, hit_b = Counter(), Counter(), Counter()
        for g in gold:
            k, ids = shape(g), (tuple(g.src), tuple(g.tgt))
            total[k] += 1
            hit_l[k] += ids in got_l
            hit_b[k] += ids in got_b
        print("gold beads found (hand-set cost / learned), by gold shape: " + "; ".join(
            f"{k} {hit_b[k]}/{hit_l[k]} of {total[k]}" for k in sorted(total)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
