"""Bead-shape priors estimated from each input itself by EM over the DP lattice, issue 18.

An experiment (the aligner's defaults are unchanged; see ``benchmarks/RESULTS-align.md``,
"Shape priors by EM").

The dictionary-only aligner's bead cost has a prior per shape (``DICT_WEIGHTS.prior``)
and a null cost (``skip``) set on the French–English books. Text+Berg has other base rates
(one gold 2-2 per 10 adjacent 1-1 pairs against one per 57 in the books; more
untranslated lines), and fitting the rates on its gold would be fitting the dev set. Here
they are estimated per document without gold:

* the lattice is the aligner's own: the band and the cost of every bead shape at every
  cell from ``mtguided._Scorer`` (the band the shipped decode ends with);
* the cost is read as a Gibbs energy, ``P(path) ∝ exp(−cost(path) / s)``; the forward–
  backward pass (:func:`forward_backward`, log-space over the banded lattice, the 0-1
  bead through a cumulative log-sum-exp as ``dp.banded_dp`` does with a prefix minimum)
  gives the expected count of every shape (``soft``); ``hard`` counts the shapes of the
  Viterbi path instead;
* M-step: ``p_t = (E[N_t] + α p̄_t) / (E[N] + α)``, and the prior becomes
  ``shipped_t − s · log(p_t / p̄_t)`` (1-0 and 0-1 too: their cost is the skip), where
  ``p̄`` is the shape distribution the shipped priors produce on the six books at the same
  ``s`` (pooled posterior; computed without gold, on the books only): the shipped priors
  are kept where the document looks like the books and moved by the log ratio where it
  does not; ``α`` (pseudo-beads) pulls toward them;
* a few iterations, then the aligner's decode (band widening included) with the new
  priors.

Knobs (``s``, ``α``, iterations, soft/hard) are chosen on the six French–English books
aligned with the fr–en dictionaries alone (mean strict F1 over all six: nothing is fitted
per book on gold, so there is no training set to hold out). ``--defr`` scores the
German–French dev set ONCE per design given on the command line. The defaults are the
books' best setting (s 0.5, α 1000, 3 iterations). ``--cross W`` adds the structure
feature to many-to-many beads; ``--oracle`` (and ``--mm-shift``) are diagnoses that READ
the dev gold (upper bounds, not designs).

    python benchmarks/align_em.py [--books DIR] [--mode soft|hard] [--scale S ...]
        [--alpha A ...] [--iters K ...] [--cross W] [--skip-books] [--defr
        [--oracle [--mm-shift X ...]]]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
DEFAULT_BOOKS = HERE.parent.parent / "shared" / "data" / "align-gold"
DEFAULT_DEFR = HERE.parent.parent / "shared" / "data" / "align-gold-defr"

from align_learned import PAIR_FEATURES, bead_features, load_books, scorer_for  # noqa: E402

from workbench.align.dp import Band, _shifted, banded_dp, widening_dp  # noqa: E402
from workbench.align.mtguided import DICT_BEADS, DICT_WEIGHTS, _length_diagonal, _merge_nulls, _Raw, _Scorer  # noqa: E402

PAIRS = [t for t in DICT_BEADS if t[0] and t[1]]
SHAPES = PAIRS + [(1, 0), (0, 1)]


def shipped_prior() -> dict[tuple[int, int], float]:
    """The shipped per-shape cost constants (the skip for the null shapes)."""
    out = {t: DICT_WEIGHTS.prior.get(f"{t[0]}-{t[1]}", 3.0) for t in PAIRS}
    out[(1, 0)] = out[(0, 1)] = DICT_WEIGHTS.skip
    return out


class Lattice:
    """One document's band and per-shape evidence costs (cost minus the shipped prior)."""

    def __init__(self, sc: _Scorer, band: Band, cross: float = 0.0) -> None:
        sc.set_band(band)
        self.sc, self.band = sc, band
        base = shipped_prior()
        self.evid = {t: sc.cost(t).astype(np.float64) - base[t] for t in PAIRS}
        if cross:   # reward many-to-many beads whose dictionary mass crosses every cut
            k = PAIR_FEATURES.index("cross")
            for a, b in PAIRS:
                if min(a, b) >= 2:
                    x = bead_features(sc, a, b, sc.I, sc.J)[..., k]
                    self.evid[(a, b)] = self.evid[(a, b)] - cross * x

    def costs(self, prior) -> tuple[dict, np.ndarray, np.ndarray]:
        pair = {t: self.evid[t] + prior[t] for t in PAIRS}
        return pair, np.full(self.sc.n, prior[(1, 0)]), np.full(self.sc.m, prior[(0, 1)])


def _neg_shift(row: np.ndarray, start: int, width: int) -> np.ndarray:
    """``dp._shifted`` with −inf outside ``row`` (log space)."""
    return -_shifted(-row, start, width)


def _lse(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.logaddexp(x, y)


def forward_backward(band: Band, pair: dict, skip_s: np.ndarray, skip_t: np.ndarray,
                     s: float) -> tuple[dict, float]:
    """Expected count of every shape under ``P(path) ∝ exp(−cost / s)`` and ``−s log Z``."""
    n, m = band.n, band.m
    lo, hi, width = band.lo, band.hi, band.width
    phi = {t: np.where(np.isfinite(c), -c / s, -np.inf) for t, c in pair.items()}
    ds, dt = -skip_s / s, -skip_t / s
    live_n = hi - lo
    F = np.full((n + 1, width), -np.inf)
    for i in range(n + 1):
        L = int(live_n[i])
        j = lo[i] + np.arange(width)
        base = np.full(width, -np.inf)
        if i == 0:
            base[0] = 0.0
        else:
            for (a, b), ph in phi.items():
                r = i - a
                if r < 0:
                    continue
                base = _lse(base, _neg_shift(F[r], int(lo[i] - b - lo[r]), width) + ph[i])
            base = _lse(base, _neg_shift(F[i - 1], int(lo[i] - lo[i - 1]), width) + ds[i - 1])
        base[L:] = -np.inf
        step = np.zeros(L)
        jj = j[1:L]
        step[1:] = np.where(jj >= 1, dt[np.clip(jj - 1, 0, m - 1)], -np.inf)
        G = np.cumsum(step)
        with np.errstate(invalid="ignore"):
            row = G + np.logaddexp.accumulate(base[:L] - G)
        row[~np.isfinite(row)] = -np.inf
        F[i, :L] = row
    logz = F[n, m - lo[n]]
    B = np.full((n + 1, width), -np.inf)
    counts = {t: 0.0 for t in SHAPES}
    for i in range(n, -1, -1):
        L = int(live_n[i])
        j = lo[i] + np.arange(width)
        base = np.full(width, -np.inf)
        if i == n:
            base[m - lo[n]] = 0.0
        for (a, b), ph in phi.items():
            r = i + a
            if r > n:
                continue
            off = int(lo[i] + b - lo[r])
            term = _neg_shift(B[r], off, width) + _neg_shift(ph[r], off, width)
            base = _lse(base, term)
            with np.errstate(invalid="ignore"):
                counts[(a, b)] += float(np.nansum(np.exp(F[i] + term - logz)))
        if i < n:
            term = _neg_shift(B[i + 1], int(lo[i] - lo[i + 1]), width) + ds[i]
            base = _lse(base, term)
            with np.errstate(invalid="ignore"):
                counts[(1, 0)] += float(np.nansum(np.exp(F[i] + term - logz)))
        base[L:] = -np.inf
        # 0-1 chain to the right: B[k] = lse(base[k], psi[k] + B[k+1]), psi[k] = dt[j_k]
        psi = np.where(j[:L] < m, dt[np.clip(j[:L], 0, m - 1)], -np.inf)
        H = np.concatenate(([0.0], np.cumsum(psi)))[:L]      # H[k] = sum_{l<k} psi[l]
        with np.errstate(invalid="ignore"):
            rev = np.logaddexp.accumulate((base[:L] + H)[::-1])[::-1]
            row = rev - H
        row[~np.isfinite(row)] = -np.inf
        B[i, :L] = row
        if L > 1:
            with np.errstate(invalid="ignore"):
                counts[(0, 1)] += float(np.nansum(np.exp(F[i, :L - 1] + psi[:L - 1] + row[1:] - logz)))
    if not np.isclose(B[0, 0], logz, rtol=1e-7, atol=1e-6):
        raise RuntimeError(f"forward {logz} and backward {B[0, 0]} disagree")
    return counts, float(-s * logz)


def viterbi_counts(band: Band, pair: dict, skip_s, skip_t) -> dict:
    """Shape counts of the best path (hard EM)."""
    path = banded_dp(band, SHAPES, lambda t: pair[t], skip_s, skip_t)
    c = Counter((i1 - i0, j1 - j0) for i0, i1, j0, j1 in path.beads)
    return {t: float(c.get(t, 0)) for t in SHAPES}


def decode(sc: _Scorer, prior, cross: float = 0.0, half_width=None,
           max_rounds: int = 6) -> tuple[list[_Raw], Band]:
    """``mtguided._align_units`` with ``prior`` in place of the shipped shape constants."""
    n, m = sc.n, sc.m
    hw = half_width or max(12, min(64, int(4 * np.sqrt(max(n, m)))))
    centre = _length_diagonal(sc.s.lengths, sc.t.lengths)
    band = Band.around(centre, centre, n, m, hw)
    def solve(band: Band):
        pair, ss, st = Lattice(sc, band, cross).costs(prior)
        return banded_dp(band, SHAPES, lambda t: pair[t], ss, st)

    path, band = widening_dp(band, hw, solve, max_rounds=max_rounds)
    raw = [_Raw(tuple(range(i0, i1)), tuple(range(j0, j1)), 0.0, 0.0, 0.0)
           for i0, i1, j0, j1 in path.beads]
    return raw, band


def expected(lat: Lattice, prior, mode: str, s: float) -> dict:
    """Shape counts under ``prior``: posterior expectations (soft) or the best path's (hard)."""
    pair, ss, st = lat.costs(prior)
    if mode == "hard":
        return viterbi_counts(lat.band, pair, ss, st)
    return forward_backward(lat.band, pair, ss, st, s)[0]


def em_prior(lat: Lattice, ref: dict, mode: str, s: float, alpha: float, iters: int) -> dict:
    """Per-document priors after ``iters`` EM steps from the shipped ones."""
    base = shipped_prior()
    prior = dict(base)
    for _ in range(iters):
        cnt = expected(lat, prior, mode, s)
        tot = sum(cnt.values())
        for t in SHAPES:
            p = (cnt[t] + alpha * ref[t]) / (tot + alpha)
            prior[t] = base[t] - s * np.log(max(p, 1e-12) / ref[t])
    return prior


def reference(lats: list[Lattice], mode: str, s: float) -> dict:
    """Pooled shape distribution of the books under the shipped priors (no gold)."""
    tot = Counter()
    for lat in lats:
        tot.update(expected(lat, shipped_prior(), mode, s))
    z = sum(tot.values())
    return {t: max(tot[t], 0.5) / z for t in SHAPES}   # 0.5: shapes never used keep a floor


def oracle_prior(gold, ref: dict, s: float) -> dict:
    """Priors from the gold ladder's own shape rates (nulls one per sentence): what a
    perfect rate estimate would give. A diagnosis that reads the gold, not a design."""
    c = Counter()
    for g in gold:
        a, b = len(g.src), len(g.tgt)
        if a and b:
            c[(a, b)] += 1
        else:
            c[(1, 0) if a else (0, 1)] += a + b
    tot = sum(c.values())
    base = shipped_prior()
    return {t: base[t] - s * np.log(max(c[t], 0.5) / tot / ref[t]) for t in SHAPES}


def shape_hits(gold, beads) -> str:
    """Gold beads found / gold beads (and beads predicted), by shape."""
    shape = lambda s_, t_: "≥2-2" if min(len(s_), len(t_)) >= 2 else f"{len(s_)}-{len(t_)}"  # noqa: E731
    got = {(tuple(a), tuple(b)) for a, b in beads}
    total, hit = Counter(), Counter()
    for g in gold:
        k = shape(g.src, g.tgt)
        total[k] += 1
        hit[k] += (tuple(g.src), tuple(g.tgt)) in got
    pred = Counter(shape(a, b) for a, b in beads)
    return "; ".join(f"{k} {hit[k]}/{total[k]} (pred {pred[k]})" for k in sorted(total))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--books", type=Path, default=Path(os.environ.get("ALIGN_GOLD", DEFAULT_BOOKS)))
    ap.add_argument("--gold", type=Path, default=Path(os.environ.get("ALIGN_GOLD_DEFR", DEFAULT_DEFR)))
    ap.add_argument("--mode", choices=("soft", "hard"), default="soft")
    ap.add_argument("--scale", type=float, nargs="+", default=[0.5], help="s: cost units per nat")
    ap.add_argument("--alpha", type=float, nargs="+", default=[1000.0], help="pseudo-beads toward the shipped priors")
    ap.add_argument("--iters", type=int, nargs="+", default=[3])
    ap.add_argument("--cross", type=float, default=0.0,
                    help="weight of the structure feature (cross, align_learned) on many-to-many beads")
    ap.add_argument("--defr", action="store_true", help="score the de–fr dev set once per design given")
    ap.add_argument("--skip-books", action="store_true")
    ap.add_argument("--oracle", action="store_true", help="with --defr: also the priors the dev "
                    "gold's own shape rates give (an upper bound for rate estimation; uses gold)")
    ap.add_argument("--mm-shift", type=float, nargs="*", default=[], help="with --defr --oracle: "
                    "also the shipped priors with many-to-many beads shifted by each value, i.e. a "
                    "grid searched ON THE DEV GOLD (an upper bound with --cross, not a design)")
    args = ap.parse_args()
    from workbench.align.dictionary import find_dictionaries, load_lexicon
    from workbench.evaluation.align import score_alignment

    lex = load_lexicon("fr", "en")
    books = load_books(args.books)
    t0 = time.perf_counter()
    scs = [scorer_for(src, tgt, lex) for _, src, tgt, _ in books]
    shipped = [decode(sc, shipped_prior(), args.cross) for sc in scs]
    lats = [Lattice(sc, band, args.cross) for sc, (_, band) in zip(scs, shipped)]
    f0 = [score_alignment(g, [(r.src, r.tgt) for r in _merge_nulls(raw)]).f1_strict
          for (_, _, _, g), (raw, _) in zip(books, shipped)]
    print(f"books prepared in {time.perf_counter() - t0:.1f}s; shipped priors, cross {args.cross:g}: mean strict F1 "
          f"{np.mean(f0):.4f} (" + " ".join(f"{f:.3f}" for f in f0) + ")", flush=True)
    designs = [(s, a, k) for s in args.scale for a in args.alpha for k in args.iters]
    # the rates the shipped priors give on the books without the structure term: with it,
    # EM moves the many-to-many priors back toward these rates (the threshold for cross)
    ref_lats = [Lattice(sc, band) for sc, (_, band) in zip(scs, shipped)] if args.cross else lats
    refs = {s: reference(ref_lats, args.mode, s) for s in args.scale}
    for s in args.scale:
        print(f"s={s:g} books' shape distribution (shipped priors): " + " ".join(
            f"{a}-{b} {refs[s][(a, b)]:.3f}" for a, b in SHAPES if refs[s][(a, b)] > 0.002), flush=True)
    if not args.skip_books:
        for s, a, k in designs:
            t0 = time.perf_counter()
            f1s, moved = [], []
            for (name, _, _, gold), sc, lat in zip(books, scs, lats):
                prior = em_prior(lat, refs[s], args.mode, s, a, k)
                raw, _ = decode(sc, prior, args.cross)
                f1s.append(score_alignment(gold, [(r.src, r.tgt) for r in _merge_nulls(raw)]).f1_strict)
                moved.append(prior)
            print(f"{args.mode} s={s:g} alpha={a:g} iters={k} cross={args.cross:g}: books mean strict F1 {np.mean(f1s):.4f} ("
                  + " ".join(f"{f:.3f}" for f in f1s) + f") [{time.perf_counter() - t0:.0f}s]; "
                  "2-2 prior per book " + " ".join(f"{p[(2, 2)]:.2f}" for p in moved)
                  + "; skip 0-1 " + " ".join(f"{p[(0, 1)]:.2f}" for p in moved), flush=True)
    if args.defr:
        from workbench.align.ladder import read_ladder

        src = (args.gold / "dev.de").read_text(encoding="utf-8").splitlines()
        tgt = (args.gold / "dev.fr").read_text(encoding="utf-8").splitlines()
        gold = read_ladder(args.gold / "dev.gold")
        dlex = load_lexicon("de", "fr", [d for d in find_dictionaries() if {d.src, d.tgt} == {"de", "fr"}])
        sc = scorer_for(src, tgt, dlex)
        raw0, band = decode(sc, shipped_prior(), args.cross)
        lat = Lattice(sc, band, args.cross)
        for label, prior in [(f"shipped priors, cross {args.cross:g}", shipped_prior())] + [
                (f"{args.mode} s={s:g} alpha={a:g} iters={k} cross={args.cross:g}", em_prior(lat, refs[s], args.mode, s, a, k))
                for s, a, k in designs] + [
                (f"ORACLE gold shape rates s={s:g} (uses gold; not a design)", oracle_prior(gold, refs[s], s))
                for s in (args.scale if args.oracle else [])] + [
                (f"DEV-FITTED grid: many-to-many priors {x:+g} (uses gold; not a design)",
                 {t: v + x * (min(t) >= 2) for t, v in shipped_prior().items()})
                for x in (args.mm_shift if args.oracle else [])]:
            raw = raw0 if label.startswith("shipped") else decode(sc, prior, args.cross)[0]
            per = score_alignment(gold, [(r.src, r.tgt) for r in raw])
            merged = score_alignment(gold, [(r.src, r.tgt) for r in _merge_nulls(raw)])
            print(f"de–fr dev, {label}: strict F1 {merged.f1_strict:.4f} lax {merged.f1_lax:.4f}; "
                  f"nulls per sentence strict {per.f1_strict:.4f}; priors 2-2 {prior[(2, 2)]:.2f} "
                  f"1-2 {prior[(1, 2)]:.2f} 0-1 {prior[(0, 1)]:.2f} 1-0 {prior[(1, 0)]:.2f}; found: "
                  + shape_hits(gold, [(r.src, r.tgt) for r in raw]), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
