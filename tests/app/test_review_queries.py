"""The pure parts of the Review page: where the cursor goes, and the project-wide QA list."""

from __future__ import annotations

import polars as pl

from workbench.app import queries


def _pairs(statuses: list[str]) -> pl.DataFrame:
    n = len(statuses)
    return pl.DataFrame({"segment_id": [10 + i for i in range(n)], "idx": list(range(n)),
                         "status": statuses, "source": ["s"] * n, "target": ["t"] * n,
                         "confidence": [0.9] * n})


def test_next_under_a_status_filter_is_the_one_right_after_the_approved():
    before = _pairs(["todo"] * 6)
    after = before.with_columns(pl.when(pl.col("segment_id") == 13).then(pl.lit("approved"))
                                .otherwise(pl.col("status")).alias("status"))
    shown = queries.filter_pairs(after, queries.ReviewFilter(statuses=("todo",)))
    assert queries.neighbour(after, shown, 13, +1) == 14  # not 15 (the old cursor + 1)
    assert queries.neighbour(after, shown, 13, -1) == 12
    assert queries.neighbour(after, shown, 15, +1) is None


def test_first_to_review_and_page_holding():
    pairs = _pairs(["approved", "approved", "todo", "flagged"])
    assert queries.first_to_review(pairs) == 12
    assert queries.page_holding(pairs, 13, 2) == 2 and queries.page_holding(pairs, 99, 2) is None


def test_qa_issues_names_each_kind():
    pairs = pl.DataFrame({
        "document_id": [1, 1, 1, 2, 2], "document": ["a", "a", "a", "b", "b"],
        "segment_id": [1, 2, 3, 4, 5], "idx": [0, 1, 2, 0, 1], "source_lang": ["fr"] * 5,
        "source": ["Il a 3 ans.", "Bonjour.", "Le 12 mai.", "Paris.", "Texte."],
        "mt": ["He is 3.", "Hello.", "On 12 May.", None, "Text."],
        "target": ["He is 3 years old.", "Bonjour.", "On 13 May.", "Paris.", " "],
        "confidence": [0.9, 0.2, 0.9, None, 0.9]})
    found = queries.qa_issues(pairs, None, "en")
    assert sorted(found.select("segment_id", "kind").rows()) == [
        (2, "low confidence"), (2, "source = target"), (3, "numbers differ"),
        (4, "untranslated"), (5, "empty target")]
