"""The MT-guided aligner: Gale–Church length + chrF-style similarity + anchors.

The source side is machine translated into the target language beforehand
(``src_mt``); each candidate bead is then scored by

* how well its two lengths fit (Gale–Church, with a robust Student-t tail),
* the cosine of hashed character n-gram and word-prefix tf-idf vectors of the MT of its
  source sentences and of its target sentences (Bleualign's idea with a
  chrF-like similarity, computed for every cell of the band at once),
* anchors both sides share: numbers, names, quotations, glossary concepts —
  evidence added to the score, never a hard constraint,
* how well its clause marks (``. ! ? ; :``, dashes) agree, in Gale–Church's form: a
  sentence boundary on one side is usually a boundary or a semicolon on the other,
* a prior per bead shape.

A banded DP (``dp.py``) finds the cheapest ladder; the band starts around the
diagonal and is widened where the path runs along its edge. Where both sides
carry paragraph marks, paragraphs are aligned first and sentences inside each
aligned paragraph group. Each bead's confidence is a logistic function of its
evidence, so thresholds stay outside the aligner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from workbench.align import WIDE_BEADS, Alignment, Bead
from workbench.align.dp import Band, BeadType, Path, banded_dp, widening_dp
from workbench.align.features import (
    SparseRows,
    anchor_sets,
    anchor_vectors,
    banded_dots,
    clause_marks,
    neighbour_dots,
    ngram_vectors,
    stack_rows,
)

VERSION = "1"


@dataclass(frozen=True)
class Weights:
    """Weights of the bead cost (lower cost = better bead). Tuned on the gold books."""

    length: float = 0.686      # Gale–Church / Student-t length cost
    length_var: float = 13.6   # variance of target chars per source char (Gale–Church s²)
    length_dof: float = 9.0    # Student-t degrees of freedom (heavier tail than a Gaussian)
    sim: float = 3.84          # (1 - cosine) of MT vs target, per (a+b)/2 sentences
    anchor: float = 1.95       # reward for the cosine of shared anchors
    anchor_miss: float = 0.0   # penalty when both sides have anchors and share none
    skip: float = 3.2          # cost of a 1-0 / 0-1 bead
    weak: float = 0.5          # penalty for the least covered sentence of a many-sentence bead
    marks: float = 0.3         # cost of clause-mark mismatch (. ! ? ; : dashes), Gale–Church style
    size_power: float = 1.0    # similarity cost grows with ((a+b)/2) ** size_power
    words: float = 2.0         # weight of word tokens (5-char prefixes) beside char n-grams
    dict_mix: float = 0.6      # weight of dictionary evidence stacked beside the MT n-grams
    sim_scale: float = 1.0     # a cosine of sim_scale already counts as full similarity
    weak_relative: bool = False  # weakest member judged against its side's own coverage
    prior: dict[str, float] = field(default_factory=lambda: {
        "1-1": 0.0, "1-2": 1.0, "2-1": 1.0, "2-2": 1.8, "1-3": 2.5, "3-1": 2.5,
        "1-4": 4.0, "4-1": 4.0, "2-3": 4.0, "3-2": 4.0,
        "2-4": 4.17, "4-2": 4.17, "1-5": 5.0, "5-1": 5.0,
    })


#: Weights when a bilingual dictionary is the only similarity evidence (no MT): the MT
#: weights, with the weakest member of a bead judged relative to its side's coverage
#: (dictionary vectors of the two languages have different scales), and priors for the
#: extra shapes taken from the MT shape of as many sentences (3-3 as 2-4; 3-4 and 2-5 a
#: step dearer than 1-5). Nothing here was searched on the German–French dev set: weights
#: searched there (or on the French–English books) did worse on the other corpus
#: (benchmarks/align_dict_weights.py; RESULTS-align.md).
DICT_WEIGHTS = Weights(
    weak_relative=True,
    prior={**Weights().prior, "3-3": 4.17, "3-4": 5.5, "4-3": 5.5, "2-5": 5.5, "5-2": 5.5},
)
#: Bead shapes searched when a dictionary is the only evidence: the wide shapes plus
#: 3-3, 3-4, 4-3, 2-5 and 5-2 (human alignments of loosely translated prose group
#: reordered sentences; the dictionary cosine is too weak to split them reliably).
DICT_BEADS = WIDE_BEADS + ((3, 3), (3, 4), (4, 3), (2, 5), (5, 2))


@dataclass(frozen=True)
class ConfidenceModel:
    """Logistic model of P(bead is right) from its evidence (coefficients fitted on gold)."""

    bias: float = -2.0
    sim: float = 9.0
    length: float = -0.6
    anchor: float = 1.0
    null: float = -1.0
    many: float = -0.3

    def __call__(self, sim: np.ndarray, length: np.ndarray, anchor: np.ndarray,
                 null: np.ndarray, many: np.ndarray) -> np.ndarray:
        z = (self.bias + self.sim * sim + self.length * length + self.anchor * anchor
             + self.null * null + self.many * many)
        return 1.0 / (1.0 + np.exp(-z))


#: Confidence model of dictionary-only alignment: the same logistic form refitted on
#: dictionary evidence (benchmarks/align_confidence.py: 3,323 beads of the French–English
#: gold books aligned with the fr–en dictionaries alone; on the German–French Text+Berg
#: dev set, which the fit never saw, ROC AUC 0.69 against the MT model's 0.47).
DICT_CONFIDENCE = ConfidenceModel(bias=2.87, sim=2.35, length=-1.92, anchor=-0.09,
                                  null=-3.34, many=-1.76)


@dataclass
class _Units:
    """Everything the scorer needs about one side's units (sentences or paragraphs)."""

    lengths: np.ndarray
    vec: SparseRows | None
    sq: np.ndarray | None
    near: np.ndarray | None
    anc: SparseRows
    anc_sq: np.ndarray
    anc_near: np.ndarray
    marks: np.ndarray | None = None  # clause marks per unit (. ! ? ; : dashes)



def _side(lengths: np.ndarray, vec: SparseRows | None, anc: SparseRows, span: int,
          marks: np.ndarray | None = None) -> _Units:
    gap = max(1, span - 1)
    sq = vec.row_sq_norms() if vec is not None else None
    near = neighbour_dots(vec, gap) if vec is not None else None
    return _Units(lengths, vec, sq, near, anc, anc.row_sq_norms(), neighbour_dots(anc, gap), marks)


def _cos(num: np.ndarray, sq: np.ndarray) -> np.ndarray:
    """Cosine from a dot product and the product of squared norms, clipped to [0, 1]."""
    den = np.sqrt(sq)
    return np.clip(np.where(den > 0, num / np.maximum(den, 1e-12), 0.0), 0.0, 1.0)


def _contain(num: np.ndarray, sq: np.ndarray) -> np.ndarray:
    """How much of a sentence's vector the other side covers: ``x·y / |y|²`` in [0, 1]."""
    return np.clip(np.where(sq > 0, num / np.maximum(sq, 1e-12), 0.0), 0.0, 1.0)


def _group_norms(sq: np.ndarray, near: np.ndarray, k: int) -> np.ndarray:
    """``out[e]`` = squared norm of the sum of units ``e-k .. e-1`` (0 where e < k)."""
    n = len(sq)
    out = np.zeros(n + 1)
    if k == 0 or n < k:
        return out
    ends = np.arange(k, n + 1)
    total = np.zeros(len(ends))
    for p in range(k):
        total += sq[ends - 1 - p]
    for g in range(1, k):
        for p in range(k - g):
            total += 2.0 * near[g - 1, ends - k + p]
    out[k:] = total
    return out


class _Scorer:
    """Bead costs and evidence for every cell of a band."""

    def __init__(self, src: _Units, tgt: _Units, w: Weights, use_sim: bool, span: int) -> None:
        self.s, self.t, self.w, self.use_sim = src, tgt, w, use_sim and src.vec is not None
        n, m = len(src.lengths), len(tgt.lengths)
        self.n, self.m = n, m
        self.cs = np.concatenate(([0.0], np.cumsum(src.lengths)))
        self.ct = np.concatenate(([0.0], np.cumsum(tgt.lengths)))
        self.ks = np.concatenate(([0.0], np.cumsum(src.marks))) if src.marks is not None else None
        self.kt = np.concatenate(([0.0], np.cumsum(tgt.marks))) if tgt.marks is not None else None
        total_s, total_t = self.cs[-1], self.ct[-1]
        # Target chars per source char; clipped so that a side with extra material
        # (one text much longer) does not make every real pair look mismatched.
        ratio = (total_t / total_s) if total_s > 0 and total_t > 0 else 1.0
        self.ratio = float(np.clip(ratio, 0.67, 1.5))
        sizes = range(1, span + 1)
        self.span = span
        self.ns = {a: _group_norms(src.sq, src.near, a) for a in sizes} if self.use_sim else {}
        self.nt = {b: _group_norms(tgt.sq, tgt.near, b) for b in sizes} if self.use_sim else {}
        self.ans = {a: _group_norms(src.anc_sq, src.anc_near, a) for a in sizes}
        self.ant = {b: _group_norms(tgt.anc_sq, tgt.anc_near, b) for b in sizes}
        self.band: Band | None = None

    # -- band-level products ---------------------------------------------------
    def set_band(self, band: Band) -> None:
        self.band = band
        n, m = self.n, self.m
        span = self.span
        rows_end = np.minimum(np.arange(n) + span, n)
        self.moff = np.maximum(0, band.lo[1:] - span) if n else np.zeros(0, np.int64)
        end = np.minimum(m, band.hi[rows_end] - 1) if n else np.zeros(0, np.int64)
        self.mwidth = int(max(1, (end - self.moff).max() if n else 1))
        self.M = (banded_dots(self.s.vec, self.t.vec, self.moff, self.mwidth)
                  if self.use_sim else None)
        self.A = banded_dots(self.s.anc, self.t.anc, self.moff, self.mwidth)
        self.I = np.arange(n + 1)[:, None]
        self.J = band.lo[:, None] + np.arange(band.width)[None, :]

    def _pairs(self, mat: np.ndarray, a: int, b: int, I: np.ndarray, J: np.ndarray,
               ) -> dict[tuple[int, int], np.ndarray]:
        """Pair products ``(p, q)`` inside a bead (a, b) ending at each band cell:
        source unit ``i-1-p`` with target unit ``j-1-q`` (0 outside the grid)."""
        out = {}
        for p in range(a):
            s = I - 1 - p
            sok = (s >= 0) & (s < self.n)
            sc = np.clip(s, 0, max(self.n - 1, 0))
            for q in range(b):
                t = J - 1 - q
                k = t - self.moff[sc]
                ok = sok & (t >= 0) & (t < self.m) & (k >= 0) & (k < self.mwidth)
                out[(p, q)] = np.where(ok, mat[sc, np.clip(k, 0, self.mwidth - 1)], 0.0)
        return out

    def evidence(self, a: int, b: int, rows: slice = slice(None)) -> dict[str, np.ndarray]:
        """Similarity, length cost and anchor score of bead (a, b) at the band cells of ``rows``."""
        return self.evidence_at(a, b, self.I[rows], self.J[rows])

    def evidence_at(self, a: int, b: int, I: np.ndarray, J: np.ndarray) -> dict[str, np.ndarray]:
        """Evidence of bead (a, b) ending at cells ``(I, J)`` (broadcastable arrays)."""
        I, J = np.broadcast_arrays(I, J)
        ic = np.clip(I, 0, self.n)
        jc = np.clip(J, 0, self.m)
        ls = self.cs[ic] - self.cs[np.clip(ic - a, 0, self.n)]
        lt = self.ct[jc] - self.ct[np.clip(jc - b, 0, self.m)]
        w = self.w
        delta = (lt - self.ratio * ls) / np.sqrt(w.length_var * (self.ratio * ls + lt) / 2.0 + 1.0)
        length = (w.length_dof + 1) / 2 * np.log1p(delta * delta / w.length_dof)
        if self.ks is not None and self.kt is not None:
            ks = self.ks[ic] - self.ks[np.clip(ic - a, 0, self.n)]
            kt = self.kt[jc] - self.kt[np.clip(jc - b, 0, self.m)]
            marks = np.abs(kt - ks) / np.sqrt(ks + kt + 1.0)
        else:
            marks = np.zeros(J.shape)
        weak = np.zeros(J.shape)
        if self.use_sim:
            pairs = self._pairs(self.M, a, b, I, J)
            num = sum(pairs.values())
            ns_, nt_ = self.ns[a][ic], self.nt[b][jc]
            sim = _cos(num, ns_ * nt_)
            if w.sim_scale != 1.0:
                sim = np.minimum(sim / w.sim_scale, 1.0)
            if a > 1 or b > 1:
                # the weakest member: a sentence of the bead that the other side hardly covers
                weak = np.ones(J.shape)
                s1, t1 = self.s.sq, self.t.sq
                # relative: a member's coverage divided by its whole side's coverage, so
                # that the scale of the two vector spaces cancels out
                rs = _contain(num, ns_) if w.weak_relative else None
                rt = _contain(num, nt_) if w.weak_relative else None
                for p in range(a if a > 1 else 0):
                    part = sum(pairs[(p, q)] for q in range(b))
                    own = s1[np.clip(ic - 1 - p, 0, self.n - 1)]
                    weak = np.minimum(weak, _contain(part, own) if rs is None
                                      else _contain(part, own * rs))
                for q in range(b if b > 1 else 0):
                    part = sum(pairs[(p, q)] for p in range(a))
                    own = t1[np.clip(jc - 1 - q, 0, self.m - 1)]
                    weak = np.minimum(weak, _contain(part, own) if rt is None
                                      else _contain(part, own * rt))
            else:
                weak = sim
        else:
            sim = np.zeros(J.shape)
        anum = sum(self._pairs(self.A, a, b, I, J).values())
        asq_s, asq_t = self.ans[a][ic], self.ant[b][jc]
        aden = np.sqrt(asq_s * asq_t)
        anc = np.clip(np.where(aden > 0, anum / np.maximum(aden, 1e-12), 0.0), 0.0, 1.0)
        both = (asq_s > 0) & (asq_t > 0)
        return {"sim": sim, "length": length, "anchor": anc, "both": both, "weak": weak,
                "marks": marks}

    def cost(self, t: BeadType, chunk: int = 2048) -> np.ndarray:
        """Cost of bead ``t`` at every band cell (+inf where impossible), float32.
        Computed in row chunks so temporaries stay small on long documents."""
        out = np.empty(self.J.shape, dtype=np.float32)
        for r0 in range(0, self.n + 1, chunk):
            rows = slice(r0, min(self.n + 1, r0 + chunk))
            out[rows] = self._cost_rows(t, rows)
        return out

    def _cost_rows(self, t: BeadType, rows: slice) -> np.ndarray:
        a, b = t
        ev = self.evidence(a, b, rows)
        w = self.w
        I, J = self.I[rows], self.J[rows]
        units = (a + b) / 2.0
        c = (w.prior.get(f"{a}-{b}", 3.0) + w.length * ev["length"] + w.marks * ev["marks"]
             - w.anchor * ev["anchor"] + w.anchor_miss * (ev["both"] & (ev["anchor"] == 0)))
        valid = (J < self.band.hi[rows, None]) & (J <= self.m) & (J >= b) & (I >= a)
        if self.use_sim:
            c = c + w.sim * units ** w.size_power * (1.0 - ev["sim"])
            if a > 1 or b > 1:
                c = c + w.weak * (1.0 - ev["weak"])
        return np.where(valid, c, np.inf)


def _length_diagonal(ls: np.ndarray, lt: np.ndarray) -> np.ndarray:
    """Band centre: for each source prefix, the target prefix of the same share of
    the text (follows merges and splits better than the index diagonal)."""
    cs = np.concatenate(([0.0], np.cumsum(ls + 1.0)))
    ct = np.concatenate(([0.0], np.cumsum(lt + 1.0)))
    cs /= cs[-1]
    ct /= ct[-1]
    return np.searchsorted(ct, cs, side="left").astype(np.int64)


def _prepare(src: Sequence[str], tgt: Sequence[str], src_mt: Sequence[str] | None,
             concepts: Callable[[str], set[str]] | None,
             tgt_concepts: Callable[[str], set[str]] | None,
             dim_bits: int, span: int, words: float = 0.0, lexicon: Any = None,
             dict_mix: float = 1.0) -> tuple[_Units, _Units]:
    """Lengths, similarity vectors (n-grams of the MT of source vs target, and/or
    dictionary translations of source words vs target words) and anchors of both sides."""
    ls = np.fromiter((len(" ".join(x.split())) for x in src), dtype=np.float64, count=len(src))
    lt = np.fromiter((len(" ".join(x.split())) for x in tgt), dtype=np.float64, count=len(tgt))
    vs = vt = None
    if src_mt is not None:
        vs, vt = ngram_vectors([src_mt, tgt], dim_bits=dim_bits, word_weight=words)
    if lexicon is not None:
        from workbench.align.dictionary import lexical_vectors

        ds, dt = lexical_vectors(src, tgt, lexicon, dim_bits=dim_bits)
        if vs is None:
            vs, vt = ds, dt
        else:
            vs, vt = stack_rows(vs, ds, dict_mix), stack_rows(vt, dt, dict_mix)
    as_, at = anchor_sets(src, tgt, concepts, tgt_concepts)
    avs, avt = anchor_vectors([as_, at])
    return (_side(ls, vs, avs, span, clause_marks(src)),
            _side(lt, vt, avt, span, clause_marks(tgt)))


@dataclass(frozen=True)
class _Raw:
    """One bead of a unit-level alignment with its evidence."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    sim: float
    length: float
    anchor: float


def _align_units(src: _Units, tgt: _Units, w: Weights, use_sim: bool,
                 bead_types: Sequence[BeadType], half_width: int | None,
                 max_rounds: int = 6, max_cells: int = 8_000_000) -> list[_Raw]:
    """Banded DP over units, widening the band where the path hugs it."""
    n, m = len(src.lengths), len(tgt.lengths)
    if n == 0 or m == 0:
        return ([_Raw((i,), (), 0.0, 0.0, 0.0) for i in range(n)]
                + [_Raw((), (j,), 0.0, 0.0, 0.0) for j in range(m)])
    hw = half_width or max(12, min(64, int(4 * np.sqrt(max(n, m)))))
    hw = max(hw, 3)
    centre = _length_diagonal(src.lengths, tgt.lengths)
    band = Band.around(centre, centre, n, m, hw)
    span = max(max(t) for t in bead_types)
    scorer = _Scorer(src, tgt, w, use_sim, span)

    def solve(band: Band) -> Path:
        scorer.set_band(band)
        return banded_dp(band, bead_types, scorer.cost, np.full(n, w.skip), np.full(m, w.skip))

    path, _ = widening_dp(band, hw, solve, max_rounds=max_rounds, max_cells=max_cells)
    # evidence for the beads on the path, one vectorised call per bead shape
    ev_of: dict[int, tuple[float, float, float]] = {}
    by_type: dict[BeadType, list[int]] = {}
    for k, (i0, i1, j0, j1) in enumerate(path.beads):
        if i1 > i0 and j1 > j0:
            by_type.setdefault((i1 - i0, j1 - j0), []).append(k)
    for (a, b), ks in by_type.items():
        ii = np.array([path.beads[k][1] for k in ks])
        jj = np.array([path.beads[k][3] for k in ks])
        ev = scorer.evidence_at(a, b, ii, jj)
        for x, k in enumerate(ks):
            ev_of[k] = (float(ev["sim"][x]), float(ev["length"][x]), float(ev["anchor"][x]))
    return [_Raw(tuple(range(i0, i1)), tuple(range(j0, j1)), *ev_of.get(k, (0.0, 0.0, 0.0)))
            for k, (i0, i1, j0, j1) in enumerate(path.beads)]


class MTGuidedAligner:
    """Aligner combining length, MT similarity and anchors (see module docstring)."""

    name = "mtguided"

    def __init__(
        self,
        *,
        weights: Weights | None = None,
        confidence: ConfidenceModel | None = None,
        concepts: Callable[[str], set[str]] | None = None,
        tgt_concepts: Callable[[str], set[str]] | None = None,
        bead_types: Sequence[BeadType] | None = None,
        half_width: int | None = None,
        use_paragraphs: bool = True,
        dim_bits: int = 12,
        merge_nulls: bool = True,
        lexicon: Any = None,
        dict_weights: Weights | None = None,
        dict_confidence: ConfidenceModel | None = None,
    ) -> None:
        self.weights = weights or Weights()
        # a bilingual dictionary (workbench.align.dictionary.Lexicon): similarity evidence
        # beside the MT, or instead of it; its own weights when it is the only evidence
        self.lexicon = lexicon
        self.dict_weights = dict_weights or (weights if weights is not None else DICT_WEIGHTS)
        self.confidence = confidence or ConfidenceModel()
        self.dict_confidence = dict_confidence or DICT_CONFIDENCE
        self.concepts = concepts
        self.tgt_concepts = tgt_concepts
        self.bead_types = tuple(tuple(t) for t in (bead_types or WIDE_BEADS))
        self.dict_bead_types = tuple(tuple(t) for t in (bead_types or DICT_BEADS))
        self.span = max(max(t) for t in self.bead_types + self.dict_bead_types)
        self.half_width = half_width
        self.use_paragraphs = use_paragraphs
        self.dim_bits = dim_bits
        self.merge_nulls = merge_nulls

    def align(
        self,
        src: Sequence[str],
        tgt: Sequence[str],
        *,
        src_mt: Sequence[str] | None = None,
        src_paragraphs: Sequence[int] | None = None,
        tgt_paragraphs: Sequence[int] | None = None,
    ) -> Alignment:
        """Align two sentence lists; see :class:`workbench.align.Aligner`."""
        src, tgt = list(src), list(tgt)
        if src_mt is not None:
            src_mt = list(src_mt)
            if len(src_mt) != len(src):
                from workbench.errors import InputError

                raise InputError(f"{len(src_mt)} machine translations for {len(src)} source "
                                 "sentences; give one translation per source sentence")
        lexicon = self.lexicon
        use_sim = src_mt is not None or lexicon is not None
        w = self.weights if src_mt is not None or lexicon is None else self.dict_weights
        shapes = self.bead_types
        if lexicon is not None and src_mt is None:
            w = replace(w, sim=w.sim * lexicon.trust)
            shapes = self.dict_bead_types
        paragraphs = (self.use_paragraphs and src_paragraphs is not None
                      and tgt_paragraphs is not None and len(set(src_paragraphs)) > 1
                      and len(set(tgt_paragraphs)) > 1)
        if paragraphs:
            raw = self._by_paragraph(src, tgt, src_mt, list(src_paragraphs), list(tgt_paragraphs),
                                     w, lexicon, shapes)
        else:
            s_units, t_units = _prepare(src, tgt, src_mt, self.concepts, self.tgt_concepts,
                                        self.dim_bits, self.span, w.words, lexicon, w.dict_mix)
            raw = _align_units(s_units, t_units, w, use_sim, shapes, self.half_width)
        if self.merge_nulls:
            raw = _merge_nulls(raw)
        beads = self._beads(raw, use_sim, lexicon is not None and src_mt is None)
        prov: dict[str, Any] = {
            "aligner": self.name, "version": VERSION, "mt": src_mt is not None,
            "dictionary": lexicon.describe() if lexicon is not None else None,
            "paragraphs_first": paragraphs, "concepts": self.concepts is not None,
            "bead_types": [f"{a}-{b}" for a, b in shapes],
            "weights": asdict(w),
        }
        return Alignment(tuple(beads), prov)

    def _beads(self, raw: list[_Raw], use_sim: bool, dict_only: bool = False) -> list[Bead]:
        if not raw:
            return []
        sim = np.array([r.sim for r in raw])
        length = np.array([r.length for r in raw])
        anchor = np.array([r.anchor for r in raw])
        null = np.array([float(not r.src or not r.tgt) for r in raw])
        many = np.array([float(max(len(r.src), len(r.tgt)) > 1) for r in raw])
        model = self.dict_confidence if dict_only else self.confidence
        if not use_sim:
            model = replace(model, sim=0.0, bias=model.bias + 2.5)
        conf = model(sim, length, anchor, null, many)
        # With one side empty there is nothing to choose: null beads are certain.
        if all(not r.src for r in raw) or all(not r.tgt for r in raw):
            conf = np.ones(len(raw))
        return [Bead(r.src, r.tgt, float(round(c, 4))) for r, c in zip(raw, conf)]

    def _by_paragraph(self, src: list[str], tgt: list[str], src_mt: list[str] | None,
                      sp: list[int], tp: list[int], w: Weights, lexicon: Any,
                      shapes: Sequence[BeadType]) -> list[_Raw]:
        """Align paragraphs, then sentences inside each aligned paragraph group."""
        s_groups = _groups(sp)
        t_groups = _groups(tp)
        join = lambda texts, groups: [" ".join(texts[i] for i in g) for g in groups]  # noqa: E731
        ps, pt = join(src, s_groups), join(tgt, t_groups)
        pmt = join(src_mt, s_groups) if src_mt is not None else None
        use_sim = src_mt is not None or lexicon is not None
        pu_s, pu_t = _prepare(ps, pt, pmt, self.concepts, self.tgt_concepts, self.dim_bits,
                              self.span, w.words, lexicon, w.dict_mix)
        para_w = replace(w, skip=w.skip * 1.5)
        para_beads = _align_units(pu_s, pu_t, para_w, use_sim, shapes,
                                  self.half_width)
        out: list[_Raw] = []
        for pb in para_beads:
            s_ids = [i for p in pb.src for i in s_groups[p]]
            t_ids = [j for p in pb.tgt for j in t_groups[p]]
            sub_s = [src[i] for i in s_ids]
            sub_t = [tgt[j] for j in t_ids]
            sub_mt = [src_mt[i] for i in s_ids] if src_mt is not None else None
            su, tu = _prepare(sub_s, sub_t, sub_mt, self.concepts, self.tgt_concepts,
                              self.dim_bits, self.span, w.words, lexicon, w.dict_mix)
            for r in _align_units(su, tu, w, use_sim, shapes,
                                  self.half_width):
                out.append(_Raw(tuple(s_ids[i] for i in r.src), tuple(t_ids[j] for j in r.tgt),
                                r.sim, r.length, r.anchor))
        return out


def _merge_nulls(raw: list[_Raw]) -> list[_Raw]:
    """Merge runs of adjacent insertions (or deletions) into one null bead, the
    convention of gold ladders (``[]:[16,17,18]``: one untranslated passage)."""
    out: list[_Raw] = []
    for r in raw:
        prev = out[-1] if out else None
        if prev is not None and not r.src and not prev.src and r.tgt:
            out[-1] = replace(prev, tgt=prev.tgt + r.tgt)
        elif prev is not None and not r.tgt and not prev.tgt and r.src:
            out[-1] = replace(prev, src=prev.src + r.src)
        else:
            out.append(r)
    return out


def _groups(paragraph_of: list[int]) -> list[list[int]]:
    """Consecutive runs of equal paragraph numbers, as lists of sentence ids."""
    groups: list[list[int]] = []
    prev = object()
    for i, p in enumerate(paragraph_of):
        if p != prev:
            groups.append([])
            prev = p
        groups[-1].append(i)
    return groups
