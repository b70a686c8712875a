"""Boundary precision/recall/F1 and the gold file format."""

import pytest

from workbench.segment.metrics import (
    BoundaryScores,
    boundaries,
    evaluate,
    parse_gold,
    score,
    score_paragraph,
)


def test_boundaries_ignore_whitespace():
    assert boundaries(["Un deux.", "Trois."]) == {7}
    assert boundaries([" Un  deux. ", "Trois.", "Quatre."]) == {7, 13}
    assert boundaries(["Seule."]) == frozenset()


@pytest.mark.parametrize(("gold", "pred", "tp", "p", "r"), [
    (["A b.", "C d."], ["A b.", "C d."], 1, 1.0, 1.0),
    (["A b.", "C d."], ["A b. C d."], 0, 1.0, 0.0),          # nothing predicted
    (["A b. C d."], ["A b.", "C d."], 0, 0.0, 1.0),          # nothing to find
    (["A.", "B.", "C."], ["A.", "B. C."], 1, 1.0, 0.5),
    (["A. B.", "C."], ["A.", "B.", "C."], 1, 0.5, 1.0),
])
def test_score_paragraph(gold, pred, tp, p, r):
    s = score_paragraph(gold, pred)
    assert (s.true_positives, s.precision, s.recall) == (tp, p, r)


def test_f1_and_pooling():
    total = BoundaryScores(3, 4, 5) + BoundaryScores(1, 1, 1)
    assert (total.true_positives, total.predicted, total.gold) == (4, 5, 6)
    assert total.f1 == pytest.approx(2 * 0.8 * (4 / 6) / (0.8 + 4 / 6))
    assert BoundaryScores(0, 3, 3).f1 == 0.0


def test_errors_name_missed_and_extra_boundaries():
    s = score_paragraph(["Un.", "Deux. Trois."], ["Un. Deux.", "Trois."])
    assert [e.kind for e in s.errors] == ["missed", "extra"]
    assert s.errors[0].context == "Un. | Deux.Trois."


def test_mismatched_text_is_an_error():
    with pytest.raises(ValueError):
        score_paragraph(["Un."], ["Deux."])
    with pytest.raises(ValueError):
        score([["Un."]], [])


def test_parse_gold_and_evaluate():
    gold = parse_gold("Un.\nDeux.\n\n\nTrois.\n")
    assert gold == [["Un.", "Deux."], ["Trois."]]
    perfect = evaluate(gold, lambda text: text.replace(". ", ".|").split("|"))
    assert (perfect.precision, perfect.recall) == (1.0, 1.0)
    lazy = evaluate(gold, lambda text: [text], sources=["Un.Deux.", "Trois."])
    assert (lazy.true_positives, lazy.gold) == (0, 1)
    with pytest.raises(ValueError):
        evaluate(gold, lambda text: [text], sources=["Un. Deux."])
