"""Strict / lax alignment scores, checked against vecalign's definitions by hand."""

from __future__ import annotations

import pytest

from workbench.evaluation.align import score_alignment, score_alignments

GOLD = [((0,), (0,)), ((1, 2), (1,)), ((), (2,)), ((3,), (3, 4))]


@pytest.mark.parametrize("pred, p_s, r_s, p_l, r_l", [
    # perfect
    (GOLD, 1.0, 1.0, 1.0, 1.0),
    # 1-2 split into 1-1 + 1-0: precision 3 hits of 5 (null 2-side bead scored), recall 2/3
    ([((0,), (0,)), ((1,), (1,)), ((2,), ()), ((), (2,)), ((3,), (3, 4))], 3 / 5, 2 / 3, 4 / 5, 1.0),
    # everything shifted: no strict hit; lax hits where the source overlaps and targets touch
    ([((0,), (0, 1)), ((1, 2), (2,)), ((3,), (3, 4))], 1 / 3, 1 / 3, 2 / 3, 2 / 3),
])
def test_scores(pred, p_s, r_s, p_l, r_l) -> None:
    s = score_alignment(GOLD, pred)
    assert s.precision_strict == pytest.approx(p_s)
    assert s.recall_strict == pytest.approx(r_s)
    assert s.precision_lax == pytest.approx(p_l)
    assert s.recall_lax == pytest.approx(r_l)
    assert s.f1_strict == pytest.approx(2 * p_s * r_s / (p_s + r_s))


def test_null_beads_never_earn_recall() -> None:
    s = score_alignment([((), (0,)), ((0,), (1,))], [((), (0,)), ((0,), (1,))])
    assert s.recall_strict == 1.0 and s.precision_strict == 1.0
    only_null = score_alignment([((), (0,))], [((), (0,))])
    assert only_null.precision_strict == 1.0 and only_null.recall_strict == 0.0


def test_empty_prediction_scores_zero() -> None:
    s = score_alignment(GOLD, [])
    assert (s.precision_strict, s.recall_strict, s.f1_strict) == (0.0, 0.0, 0.0)


def test_counts_are_pooled_over_documents() -> None:
    a = score_alignment(GOLD, GOLD)
    b = score_alignment([((0,), (0,))], [((0,), (1,))])
    pooled = score_alignments([GOLD, [((0,), (0,))]], [GOLD, [((0,), (1,))]])
    assert pooled.precision_strict == pytest.approx(4 / 5)
    assert a.f1_strict == 1.0 and b.f1_strict == 0.0
    with pytest.raises(ValueError):
        score_alignments([GOLD], [])
