"""Vecalign's and Bertalign's bead-structure handling with dictionary vectors (issue 18).

The aligners that score 0.90+ on the Text+Berg corpus differ from ``mtguided`` less in
their evidence than in how they turn similarity into bead costs. This script reproduces
their cost structures with the dictionary-projected sentence vectors the aligner already
builds (``workbench.align.dictionary.lexical_vectors``: source words mapped into the
target's stem space, tf-idf weighted) as the "embedding":

* **vecalign** (Thompson & Koehn 2019, ``vecalign/dp_utils.py``, ``dp_core.pyx``): every
  run of up to N−1 consecutive sentences ("overlap") gets a vector (here: the sum of its
  sentences' bag-of-words vectors, i.e. the vector of the concatenation);
  ``cost(x, y) = 2 (1 − cos(x, y)) / (n(x) + n(y)) · |x| · |y|`` with
  ``n(x) = 1 − mean cos(x, y_r)`` over the other side's overlaps (vecalign samples 100;
  here the exact mean); each 1-0 / 0-1 bead costs the ``del_percentile_frac`` (0.2)
  quantile of the 1-1 costs of random sentence pairs (here all pairs); bead shapes all
  ``(x, y)`` with ``x + y <= N`` (N = 8, the setting vecalign's README gives for this
  corpus); one null bead per sentence. The DP is exact (vecalign's coarse-to-fine
  search approximates this full DP for speed).
* **bertalign** (Liu & Zhu 2022, ``bertalign/corelib.py``): first pass, a 1-1 / 0-1 / 1-0
  DP that sums the similarity of 1-1 pairs where the target is among the source's top-3
  (window 250 around the diagonal); its 1-1 beads are anchors. Second pass, inside a
  window of 5 target sentences around the anchors, bead shapes with ``x + y <= 5``,
  score ``(cos − mean cos with the neighbouring sentences) · log2(1 + min/max length)``
  (lengths in UTF-8 bytes, the target's scaled by the document's ratio), nulls −0.1,
  maximised. Two readings of its code: the neighbour mean averages the neighbours that
  exist (the code averages only when both similarities are non-zero, which with sparse
  dictionary vectors would be most of the time an accident, not a document edge); the
  anchors are the first pass's 1-1 beads that earned a top-k similarity.
* **shipped**: the ``mtguided`` aligner with dictionary evidence, for comparison.

Parameters are the published defaults unless given with ``--param NAME=VALUE``; choose
them on the six French–English books (``--books``: fr–en dictionaries alone, nulls
merged as those golds write them), never on the German–French sets. ``--defr`` scores
the Text+Berg dev set (one evaluation per call: count them); ``--test DIR`` the test part
as vecalign's repository distributes it (``bleualign_data/test*.de``, ``.fr``, ``.defr``;
GPL-2, not shipped here). Results: ``benchmarks/RESULTS-align.md``.

    python benchmarks/align_structure.py --books --design bertalign --param max_align=8
    python benchmarks/align_structure.py --defr --design vecalign [--test DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
DEFAULT_DEFR = HERE.parent.parent / "shared" / "data" / "align-gold-defr"
DEFAULT_BOOKS = HERE.parent.parent / "shared" / "data" / "align-gold"

Beads = list[tuple[tuple[int, ...], tuple[int, ...]]]


def inv_norm(sq: np.ndarray) -> np.ndarray:
    """1 / √sq, 0 where sq is 0 (an empty vector has cosine 0 with everything)."""
    return np.where(sq > 0, 1.0 / np.sqrt(np.maximum(sq, 1e-300)), 0.0)


# -- vectors and overlap products ------------------------------------------------------

@dataclass
class Pair:
    """Sentence vectors of one document pair and the prefix sums that give any
    overlap's dot products and norms in O(1)."""

    n: int
    m: int
    PP: np.ndarray   # (n+1, m+1) 2-D prefix sums of s_i · t_j
    GS: np.ndarray   # (n+1, n+1) 2-D prefix sums of s_i · s_k
    GT: np.ndarray   # (m+1, m+1) same for the target
    ls: np.ndarray   # per-sentence UTF-8 byte lengths
    lt: np.ndarray
    texts: tuple = ()  # (src, tgt, lexicon): what the shipped aligner needs

    @classmethod
    def build(cls, src: Sequence[str], tgt: Sequence[str], lex) -> Pair:
        from workbench.align.dictionary import lexical_vectors

        vs, vt = lexical_vectors(src, tgt, lex)
        S = vs.dense(0, vs.n).astype(np.float64)
        T = vt.dense(0, vt.n).astype(np.float64)

        def prefix(M: np.ndarray) -> np.ndarray:
            out = np.zeros((M.shape[0] + 1, M.shape[1] + 1))
            out[1:, 1:] = M.cumsum(0).cumsum(1)
            return out

        blen = lambda xs: np.array([len(x.strip().encode("utf-8")) for x in xs], float)  # noqa: E731
        return cls(len(src), len(tgt), prefix(S @ T.T), prefix(S @ S.T), prefix(T @ T.T),
                   blen(src), blen(tgt), (list(src), list(tgt), lex))

    def dots(self, i: int, a: int, b: int) -> np.ndarray:
        """``V_s(a, i) · V_t(b, j)`` for every ``j`` in 0..m (overlaps ending at i / j)."""
        P = self.PP
        row = P[i] - P[i - a]
        out = np.zeros(self.m + 1)
        out[b:] = row[b:] - row[:-b]
        return out

    @staticmethod
    def _sq(G: np.ndarray, k: int) -> np.ndarray:
        """Squared norm of every overlap of ``k`` sentences, by its end (0..len)."""
        n = G.shape[0] - 1
        out = np.zeros(n + 1)
        e = np.arange(k, n + 1)
        out[k:] = G[e, e] - G[e - k, e] - G[e, e - k] + G[e - k, e - k]
        return np.maximum(out, 0.0)

    def marks(self, i: int, a: int, b: int) -> np.ndarray:
        """The aligner's clause-mark mismatch ``|k_t − k_s| / √(k_s + k_t + 1)`` of the bead
        of ``a`` source and ``b`` target sentences ending at ``(i, j)``, for every ``j``."""
        if not hasattr(self, "_kc"):
            from workbench.align.features import clause_marks

            self._kc = tuple(np.concatenate(([0.0], np.cumsum(clause_marks(x))))
                             for x in self.texts[:2])
        ks_, kt_ = self._kc
        k_s = ks_[i] - ks_[i - a]
        k_t = np.zeros(self.m + 1)
        k_t[b:] = kt_[b:] - kt_[:-b]
        return np.abs(k_t - k_s) / np.sqrt(k_s + k_t + 1.0)

    def sq_s(self, k: int) -> np.ndarray:
        return self._sq(self.GS, k)

    def sq_t(self, k: int) -> np.ndarray:
        return self._sq(self.GT, k)


def overlap_lengths(lens: np.ndarray, k: int) -> np.ndarray:
    """Byte length of the concatenation of ``k`` sentences ending at each end (0..n)."""
    c = np.concatenate(([0.0], np.cumsum(lens)))
    out = np.zeros(len(lens) + 1)
    out[k:] = c[k:] - c[:-k] + (k - 1)   # joined with spaces
    return out


# -- a plain full DP with row-wise bead costs ---------------------------------------------

def full_dp(n: int, m: int, types: Sequence[tuple[int, int]],
            row_cost: Callable[[int, int, int], np.ndarray],
            skip_s: np.ndarray, skip_t: np.ndarray,
            allowed: Callable[[int], tuple[int, int]] | None = None) -> Beads:
    """Minimum-cost monotone ladder; ``row_cost(i, a, b)[j]`` is the cost of the bead of
    ``a`` source and ``b`` target sentences ending at ``(i, j)``; ``allowed(i)`` gives the
    columns ``[lo, hi]`` row ``i`` may use (default: all)."""
    D = np.full((n + 1, m + 1), np.inf)
    bp = np.full((n + 1, m + 1), -1, dtype=np.int16)
    pairs = [t for t in types if t[0] and t[1]]
    cols = np.arange(m + 1)
    Ct = np.concatenate(([0.0], np.cumsum(skip_t)))
    for i in range(n + 1):
        base = np.full(m + 1, np.inf)
        code = np.full(m + 1, -1, dtype=np.int16)
        if i == 0:
            base[0] = 0.0
        else:
            for c, (a, b) in enumerate(pairs):
                if a > i:
                    continue
                prev = np.full(m + 1, np.inf)
                prev[b:] = D[i - a, : m + 1 - b]
                cand = prev + row_cost(i, a, b)
                better = cand < base
                base[better] = cand[better]
                code[better] = c
            cand = D[i - 1] + skip_s[i - 1]
            better = cand < base
            base[better] = cand[better]
            code[better] = len(pairs)
        if allowed is not None:
            lo, hi = allowed(i)
            base[(cols < lo) | (cols > hi)] = np.inf
        # 0-1 beads: D[i, j] = min_k base[k] + Ct[j] - Ct[k]
        with np.errstate(invalid="ignore"):
            best = np.minimum.accumulate(base - Ct) + Ct
        left = best < base - 1e-12
        code[left] = len(pairs) + 1
        base = np.where(left, best, base)
        if allowed is not None:
            base[(cols < lo) | (cols > hi)] = np.inf
        D[i], bp[i] = base, code
    out: Beads = []
    i, j = n, m
    while i or j:
        c = int(bp[i, j])
        if c == len(pairs):
            out.append(((i - 1,), ()))
            i -= 1
        elif c == len(pairs) + 1:
            # a cell reached from the left continues from (i, j-1), which keeps its own code
            out.append(((), (j - 1,)))
            j -= 1
        elif c >= 0:
            a, b = pairs[c]
            out.append((tuple(range(i - a, i)), tuple(range(j - b, j))))
            i, j = i - a, j - b
        else:
            raise RuntimeError(f"no path at ({i}, {j})")
    out.reverse()
    return out


def merge_nulls(beads: Beads) -> Beads:
    """Adjacent insertions (deletions) as one bead: the French–English books' convention."""
    out: Beads = []
    for s, t in beads:
        if out and not s and not out[-1][0] and t:
            out[-1] = ((), out[-1][1] + t)
        elif out and not t and not out[-1][1] and s:
            out[-1] = (out[-1][0] + s, ())
        else:
            out.append((s, t))
    return out


# -- vecalign -------------------------------------------------------------------------

def shapes_upto(total: int, with_nulls: bool = True) -> list[tuple[int, int]]:
    """All ``(x, y)`` with ``x, y >= 1`` and ``x + y <= total`` (vecalign / bertalign)."""
    out = [(x, y) for x in range(1, total) for y in range(1, total) if x + y <= total]
    return out + ([(0, 1), (1, 0)] if with_nulls else [])


def gc_length(ls: np.ndarray, lt: np.ndarray, ratio: float) -> np.ndarray:
    """The aligner's Gale–Church length cost (Student-t, ``Weights`` defaults)."""
    from workbench.align.mtguided import Weights

    w = Weights()
    delta = (lt - ratio * ls) / np.sqrt(w.length_var * (ratio * ls + lt) / 2.0 + 1.0)
    return (w.length_dof + 1) / 2 * np.log1p(delta * delta / w.length_dof)


def vecalign(P: Pair, max_size: int = 8, del_frac: float = 0.2, length: float = 0.0,
             skip_scale: float = 1.0, gamma: float = 1.0, marks: float = 0.0) -> Beads:
    """Vecalign's cost structure over dictionary vectors (see the module docstring).
    ``length`` > 0 adds the aligner's Gale–Church length cost (vecalign has none);
    ``gamma`` > 1 sharpens the normalised distance (``d ** gamma``): dictionary cosines of
    true pairs sit much closer to those of random pairs than LASER's do; ``marks`` > 0
    adds the aligner's clause-mark mismatch times ``marks``."""
    n, m = P.n, P.m
    K = max_size - 1
    sq_s = {k: P.sq_s(k) for k in range(1, K + 1)}
    sq_t = {k: P.sq_t(k) for k in range(1, K + 1)}
    ns = {k: inv_norm(v) for k, v in sq_s.items()}
    nt = {k: inv_norm(v) for k, v in sq_t.items()}
    # mean cosine of every overlap with the other side's overlaps (all sizes 1..K, equal
    # weight per size as vecalign's sampling gives): via sentence-level centroid dots
    S_dot = np.diff(P.PP, axis=0)          # (n, m+1): prefix sums over j of s_i · t_j
    T_dot = np.diff(P.PP, axis=1).T        # (m, n+1): prefix sums over i of s_i · t_j
    rs = np.zeros(n)                       # s_i · (target centroid)
    rt = np.zeros(m)
    for k in range(1, K + 1):
        if m >= k:
            w = nt[k][k:] / ((m - k + 1) * K)          # per target overlap ending at e
            # s_i · V_t(k, e) = S_dot[i, e] - S_dot[i, e-k]
            rs += (S_dot[:, k:] - S_dot[:, :-k]) @ w
        if n >= k:
            w = ns[k][k:] / ((n - k + 1) * K)
            rt += (T_dot[:, k:] - T_dot[:, :-k]) @ w
    cs_ = np.concatenate(([0.0], np.cumsum(rs)))
    ct_ = np.concatenate(([0.0], np.cumsum(rt)))
    norm_s = {k: np.where(np.arange(n + 1) >= k,
                          1.0 - (cs_ - np.concatenate((np.zeros(k), cs_[:-k]))) * ns[k], 1.0)
              for k in range(1, K + 1)}
    norm_t = {k: np.where(np.arange(m + 1) >= k,
                          1.0 - (ct_ - np.concatenate((np.zeros(k), ct_[:-k]))) * nt[k], 1.0)
              for k in range(1, K + 1)}
    ratio = float(P.lt.sum() / max(P.ls.sum(), 1.0))
    cl_s = np.concatenate(([0.0], np.cumsum(P.ls)))
    cl_t = np.concatenate(([0.0], np.cumsum(P.lt)))

    def row_cost(i: int, a: int, b: int) -> np.ndarray:
        cos = P.dots(i, a, b) * ns[a][i] * nt[b]
        c = (2.0 * np.maximum(1.0 - cos, 0.0) / (1e-6 + norm_s[a][i] + norm_t[b])) ** gamma * a * b
        if length:
            ls = cl_s[i] - cl_s[i - a]
            lt = np.zeros(m + 1)
            lt[b:] = cl_t[b:] - cl_t[:-b]
            c = c + length * gc_length(np.full(m + 1, ls), lt, ratio)
        if marks:
            c = c + marks * P.marks(i, a, b)
        c[:b] = np.inf
        return c

    # deletion penalty: the del_frac quantile of the 1-1 costs of random pairs (all pairs)
    cos11 = np.diff(np.diff(P.PP, axis=0), axis=1) * ns[1][1:, None] * nt[1][None, 1:]
    c11 = (2.0 * np.maximum(1.0 - cos11, 0.0) / (1e-6 + norm_s[1][1:, None] + norm_t[1][None, 1:])) ** gamma
    if length:
        c11 = c11 + length * gc_length(P.ls[:, None], P.lt[None, :], ratio)
    pen = float(np.quantile(c11, del_frac)) * skip_scale
    return full_dp(n, m, shapes_upto(max_size), row_cost, np.full(n, pen), np.full(m, pen))


# -- bertalign ---------------------------------------------------------------------------

def bertalign(P: Pair, max_align: int = 5, top_k: int = 3, win: int = 5, skip: float = -0.1,
              margin: bool = True, len_penalty: bool = True, marks: float = 0.0) -> Beads:
    """Bertalign's two passes over dictionary vectors (see the module docstring).
    ``marks`` > 0 subtracts the aligner's clause-mark mismatch (``|k_t − k_s| /
    √(k_s + k_t + 1)``, k = clause marks of each side of the bead) times ``marks``."""
    n, m = P.n, P.m
    K = max_align - 1
    ns = {k: inv_norm(P.sq_s(k)) for k in range(1, K + 1)}
    nt = {k: inv_norm(P.sq_t(k)) for k in range(1, K + 1)}
    cos11 = np.diff(np.diff(P.PP, axis=0), axis=1) * ns[1][1:, None] * nt[1][None, 1:]
    # first pass: 1-1 steps score the cosine where the target is in the source's top k
    top = np.argsort(-cos11, axis=1, kind="stable")[:, :top_k]
    gain = np.zeros((n, m))
    np.put_along_axis(gain, top, np.take_along_axis(cos11, top, 1), 1)
    w1 = max(250, int(max(n, m) * 0.06))
    centre = (np.arange(n + 1) * (m / n)).astype(int)
    lo1, hi1 = np.maximum(0, centre - w1), np.minimum(m, centre + w1)

    def first_cost(i: int, a: int, b: int) -> np.ndarray:
        c = np.full(m + 1, np.inf)
        c[1:] = -gain[i - 1]
        return c

    first = full_dp(n, m, [(1, 1), (0, 1), (1, 0)], first_cost, np.zeros(n), np.zeros(m),
                    lambda i: (lo1[i], hi1[i]))
    anchors = [(s[0] + 1, t[0] + 1) for s, t in first if len(s) == 1 and len(t) == 1
               and gain[s[0], t[0]] > 0]
    # second-pass search path (bertalign's find_second_search_path)
    if not anchors or anchors[-1] != (n, m):
        if anchors and (anchors[-1][0] == n or anchors[-1][1] == m):
            anchors.pop()
        anchors.append((n, m))
    lo2 = np.zeros(n + 1, int)
    hi2 = np.zeros(n + 1, int)
    ps, pt = 0, 0
    for s, t in anchors:
        lo2[ps + 1 : s + 1] = max(0, pt - win)
        hi2[ps + 1 : s + 1] = min(m, t + win)
        ps, pt = s, t
    lo2[0], hi2[0] = lo2[1], hi2[1]
    ratio = float(P.ls.sum() / max(P.lt.sum(), 1.0))
    Ls = {k: overlap_lengths(P.ls, k) for k in range(1, K + 1)}
    Lt = {k: overlap_lengths(P.lt, k) for k in range(1, K + 1)}
    # cosine of a source overlap with each single target sentence, and vice versa
    col1 = np.diff(P.PP, axis=1)       # (n+1, m): prefix over i of s_i · t_j

    def row_cost(i: int, a: int, b: int) -> np.ndarray:
        cos = P.dots(i, a, b) * ns[a][i] * nt[b]
        score = cos
        if margin:
            # target neighbours of the bead: sentence j (after it) and j-b-1 (before it)
            srow = (col1[i] - col1[i - a]) * ns[a][i] * nt[1][1:]      # vs target sentence q
            right = np.zeros(m + 1)
            right[:m] = srow                                       # j < m: sentence j exists
            has_r = np.arange(m + 1) < m
            left = np.zeros(m + 1)
            left[b + 1 :] = srow[: m - b]                          # sentence j-b-1 exists
            has_l = np.arange(m + 1) > b
            tn = (left + right) / np.maximum(has_l.astype(float) + has_r, 1.0)
            # source neighbours of the target overlap: sentences i (after) and i-a-1
            r_after = _src_neighbour(P, i, b, ns, nt)
            r_before = _src_neighbour(P, i - a - 1, b, ns, nt)
            cnt = (r_after is not None) + (r_before is not None)
            sn = ((r_after if r_after is not None else 0.0)
                  + (r_before if r_before is not None else 0.0)) / max(cnt, 1)
            score = cos - (tn + sn) / 2.0
        if len_penalty:
            lt = Lt[b] * ratio
            ls = Ls[a][i]
            lo_, hi_ = np.minimum(ls, lt), np.maximum(ls, lt)
            score = score * np.log2(1.0 + np.where(hi_ > 0, lo_ / np.maximum(hi_, 1e-9), 0.0))
        if marks:
            score = score - marks * P.marks(i, a, b)
        c = -score
        c[:b] = np.inf
        return c

    return full_dp(n, m, shapes_upto(max_align), row_cost, np.full(n, -skip),
                   np.full(m, -skip), lambda i: (lo2[i], hi2[i]))


def _src_neighbour(P: Pair, r: int, b: int, ns: dict, nt: dict) -> np.ndarray | None:
    """Cosine of source sentence ``r`` (0-based) with each target overlap of ``b``
    sentences ending at j (0..m); None when ``r`` is outside the document."""
    if r < 0 or r >= P.n:
        return None
    row = P.PP[r + 1] - P.PP[r]
    out = np.zeros(P.m + 1)
    out[b:] = (row[b:] - row[:-b]) * ns[1][r + 1] * nt[b][b:]
    return out


# -- data and scoring ---------------------------------------------------------------------

def load_books(root: Path):
    from workbench.align.dictionary import load_lexicon
    from workbench.align.ladder import read_ladder

    lex = load_lexicon("fr", "en")
    out = []
    for fr in sorted(root.glob("*.fr")):
        s = fr.read_text(encoding="utf-8").splitlines()
        t = fr.with_suffix(".en").read_text(encoding="utf-8").splitlines()
        out.append((fr.stem, Pair.build(s, t, lex), read_ladder(fr.with_suffix(".gold"))))
    return out


def load_defr(root: Path):
    from workbench.align.dictionary import find_dictionaries, load_lexicon
    from workbench.align.ladder import read_ladder

    direct = [d for d in find_dictionaries() if {d.src, d.tgt} == {"de", "fr"}]
    lex = load_lexicon("de", "fr", direct)
    s = (root / "dev.de").read_text(encoding="utf-8").splitlines()
    t = (root / "dev.fr").read_text(encoding="utf-8").splitlines()
    return Pair.build(s, t, lex), read_ladder(root / "dev.gold")


def load_test(root: Path):
    """The Text+Berg test part as vecalign distributes it (``bleualign_data/test*.de``,
    ``.fr``, ``.defr``; GPL-2; not shipped here): one pair per document."""
    from workbench.align.dictionary import find_dictionaries, load_lexicon
    from workbench.align.ladder import read_ladder

    direct = [d for d in find_dictionaries() if {d.src, d.tgt} == {"de", "fr"}]
    lex = load_lexicon("de", "fr", direct)
    out = []
    for de in sorted(root.glob("test*.de")):
        s = de.read_text(encoding="utf-8").splitlines()
        t = de.with_suffix(".fr").read_text(encoding="utf-8").splitlines()
        out.append((Pair.build(s, t, lex), read_ladder(de.with_suffix(".defr"))))
    return out


def f1(gold, beads: Beads) -> tuple[float, float]:
    from workbench.evaluation.align import score_alignment

    sc = score_alignment(gold, beads)
    return sc.f1_strict, sc.f1_lax


def shipped(P: Pair, **kw) -> Beads:
    """The shipped ``mtguided`` aligner with dictionary evidence (``DICT_WEIGHTS``), one
    null bead per sentence (merged afterwards where a gold merges them)."""
    from workbench.align import get_aligner

    src, tgt, lex = P.texts
    res = get_aligner("mtguided", lexicon=lex, merge_nulls=False, **kw).align(src, tgt)
    return [(b.src, b.tgt) for b in res.beads]


DESIGNS: dict[str, Callable[..., Beads]] = {
    "shipped": shipped,
    "vecalign": lambda P, **kw: vecalign(P, **kw),
    "bertalign": lambda P, **kw: bertalign(P, **kw),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--books", action="store_true", help="score the six fr–en books")
    ap.add_argument("--defr", action="store_true", help="score the Text+Berg dev set")
    ap.add_argument("--design", default="vecalign", choices=sorted(DESIGNS))
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="a design parameter (repeatable)")
    ap.add_argument("--books-dir", type=Path, default=Path(os.environ.get("ALIGN_GOLD", DEFAULT_BOOKS)))
    ap.add_argument("--defr-dir", type=Path, default=Path(os.environ.get("ALIGN_GOLD_DEFR", DEFAULT_DEFR)))
    ap.add_argument("--test", type=Path, default=None, metavar="DIR",
                    help="also score the Text+Berg test part (vecalign's bleualign_data)")
    args = ap.parse_args()
    try:
        kw = {k: float(v) if "." in v else int(v) for k, v in (p.split("=", 1) for p in args.param)}
    except ValueError:
        ap.error(f"--param takes NAME=NUMBER, got {args.param}")
    base = DESIGNS[args.design]

    def fn(P: Pair, **kw) -> Beads:
        try:
            return base(P, **kw)
        except TypeError as exc:   # an unknown parameter name
            ap.error(f"{args.design}: {exc}")
    for flag, folder, pattern in (("--books", args.books_dir, "*.fr"), ("--defr", args.defr_dir, "dev.de"),
                                  ("--test", args.test, "test*.de")):
        wanted = args.test is not None if flag == "--test" else getattr(args, flag[2:])
        if wanted and not any(Path(folder).glob(pattern)):
            print(f"{flag}: no {pattern} in {folder}", file=sys.stderr)
            return 1
    if args.books:
        rows = []
        for name, P, gold in load_books(args.books_dir):
            beads = merge_nulls(fn(P, **kw))
            s, lx = f1(gold, beads)
            rows.append(s)
            print(f"{name:<32} strict {s:.3f} lax {lx:.3f}")
        print(f"{'mean':<32} strict {np.mean(rows):.4f}")
    if args.defr:
        P, gold = load_defr(args.defr_dir)
        beads = fn(P, **kw)
        s, lx = f1(gold, beads)
        s2, _ = f1(gold, merge_nulls(beads))
        print(f"Text+Berg dev {args.design} {kw}: strict {s:.4f} (nulls merged {s2:.4f}) lax {lx:.3f}")
    if args.test:
        from workbench.evaluation.align import score_alignments

        docs = load_test(args.test)
        preds = [fn(P, **kw) for P, _ in docs]
        golds = [g for _, g in docs]
        sc = score_alignments(golds, preds)
        merged = score_alignments(golds, [merge_nulls(p) for p in preds]).f1_strict
        print(f"Text+Berg test ({len(docs)} documents) {args.design} {kw}: strict "
              f"{sc.f1_strict:.4f} (nulls merged {merged:.4f}) lax {sc.f1_lax:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
