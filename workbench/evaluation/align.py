"""Alignment scores as vecalign defines them (pure).

Strict and lax precision, recall and F1 after Thompson & Koehn's ``score.py``
(itself after Sennrich & Volk 2011):

* precision counts the predicted beads (insertions and deletions included)
  that match a gold bead exactly (strict), or that share a source sentence
  whose gold partners include one of the bead's target sentences (lax);
* recall is the same count with the roles swapped and null beads removed
  from both sides, so predicted insertions/deletions never earn recall;
* counts are pooled over documents before dividing; 0/0 reads as 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

BeadIds = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class AlignScores:
    """Strict and lax precision / recall / F1, with the beads counted."""

    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float
    n_gold: int
    n_pred: int


def _as_ids(beads: Iterable) -> list[BeadIds]:
    """Accept :class:`~workbench.align.Bead` objects or ``(src, tgt)`` pairs."""
    out = []
    for b in beads:
        if hasattr(b, "src") and hasattr(b, "tgt"):
            out.append((tuple(b.src), tuple(b.tgt)))
        else:
            s, t = b[0], b[1]
            out.append((tuple(s), tuple(t)))
    return out


def _match_counts(gold: Sequence[BeadIds], test: Sequence[BeadIds]) -> tuple[int, int, int, int]:
    """(strict hits, strict misses, lax hits, lax misses) of ``test`` beads against ``gold``."""
    test_set = {b for b in test if b[0] or b[1]}
    gold_set = {b for b in gold if b[0] or b[1]}
    partners: dict[int, set[int]] = defaultdict(set)
    for gs, gt in gold_set:
        for s in gs:
            partners[s].update(gt)
    hit_s = miss_s = hit_l = miss_l = 0
    for ts, tt in test_set:
        if (ts, tt) in gold_set:
            hit_s += 1
            hit_l += 1
            continue
        miss_s += 1
        linked = set().union(*(partners[s] for s in ts)) if ts else set()
        if linked.intersection(tt):
            hit_l += 1
        else:
            miss_l += 1
    return hit_s, miss_s, hit_l, miss_l


def _ratio(a: int, b: int) -> float:
    return a / (a + b) if a + b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_alignments(gold_docs: Sequence[Iterable], pred_docs: Sequence[Iterable]) -> AlignScores:
    """Pooled scores over several documents (one gold and one predicted ladder each)."""
    if len(gold_docs) != len(pred_docs):
        raise ValueError(f"{len(gold_docs)} gold ladders but {len(pred_docs)} predicted ones")
    p = [0, 0, 0, 0]
    r = [0, 0, 0, 0]
    n_gold = n_pred = 0
    for gold_raw, pred_raw in zip(gold_docs, pred_docs):
        gold, pred = _as_ids(gold_raw), _as_ids(pred_raw)
        n_gold += len(gold)
        n_pred += len(pred)
        for k, v in enumerate(_match_counts(gold, pred)):
            p[k] += v
        gold_nn = [b for b in gold if b[0] and b[1]]
        pred_nn = [b for b in pred if b[0] and b[1]]
        for k, v in enumerate(_match_counts(pred_nn, gold_nn)):
            r[k] += v
    ps, pl = _ratio(p[0], p[1]), _ratio(p[2], p[3])
    rs, rl = _ratio(r[0], r[1]), _ratio(r[2], r[3])
    return AlignScores(ps, rs, _f1(ps, rs), pl, rl, _f1(pl, rl), n_gold, n_pred)


def score_alignment(gold: Iterable, pred: Iterable) -> AlignScores:
    """Scores of one predicted ladder against its gold ladder."""
    return score_alignments([gold], [pred])
