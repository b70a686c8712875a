"""A lookup scores a bounded number of units however many share the query's source hash
(agency copy repeated daily with new dates and figures: texts differing only by numbers),
and the best of them, the same text and the same contexts, is still found."""

from __future__ import annotations

import pytest

from workbench.memory import project as mp
from workbench.memory.match import Query, Scorer, source_hash
from workbench.memory.project import lookup
from workbench.store import Project
from workbench.store import memory as store

TEXT = "Le CAC 40 a clôturé à {} points le {} mars, en hausse de {} %."
QUERY = TEXT.format(7512, 14, 2)
OLD = "2001-01-01T00:00:00.000Z"


@pytest.fixture
def scored(monkeypatch):
    """The units :meth:`Scorer.match` scores (the real method, counted; a lookup that
    goes on to the word index scores the source hash's units again, among its own)."""
    seen: list[int] = []
    match = Scorer.match

    def counted(self, query, unit):
        seen.append(unit.id)
        return match(self, query, unit)

    monkeypatch.setattr(Scorer, "match", counted)
    return seen


def _family(n: int) -> list:
    return [mp.new_unit("fr", "en", TEXT.format(7000 + i, 1 + i % 28, i % 9),
                        f"The CAC 40 closed at {7000 + i} points on March {1 + i % 28}, "
                        f"up {i % 9}%.", "file", origin_ref="agence")
            for i in range(n)]


def test_a_large_family_scores_a_bounded_number_and_finds_the_exact_text(tmp_path, scored):
    with Project(tmp_path / "p") as p:
        # the exact unit: the oldest and the first stored, so "newest" alone would miss it
        store.add_units(p, [mp.new_unit("fr", "en", QUERY, "EXACT", "file", created_at=OLD)])
        store.add_units(p, _family(5_000))
        found = lookup(p, [QUERY], "fr", "en", limit=3)[0]
    assert len(set(scored)) <= mp.MAX_CANDIDATES and len(scored) <= 2 * mp.MAX_CANDIDATES
    assert found[0].target == "EXACT" and found[0].score == 100 and found[0].kind == "exact"
    # the others are the number-substituted family, targets rewritten for the query
    assert [m.score for m in found[1:]] and all(95 <= m.score < 100 for m in found[1:])
    assert all("7512" in m.target for m in found[1:])


def test_the_context_match_is_not_crowded_out_by_the_same_text(tmp_path, scored):
    """More units of the query's very text than the bound, in other contexts: the one of
    its contexts (the oldest) still comes first."""
    with Project(tmp_path / "p") as p:
        store.add_units(p, [mp.new_unit("fr", "en", QUERY, "IN CONTEXT", "file",
                                        context_before="Avant.", context_after="Après.",
                                        created_at=OLD)])
        store.add_units(p, [mp.new_unit("fr", "en", QUERY, f"SAME TEXT {i}", "file",
                                        context_before=f"Avant {i}.", context_after="Après.")
                            for i in range(2 * mp.MAX_CANDIDATES)])
        store.add_units(p, _family(2_000))
        found = mp.MemoryIndex(p, "fr", "en").lookup(
            [Query(QUERY, "Avant.", "Après.")], limit=3)[0]
    assert len(set(scored)) <= mp.MAX_CANDIDATES and len(scored) <= 2 * mp.MAX_CANDIDATES
    assert found[0].target == "IN CONTEXT" and found[0].kind == "context"
    assert [m.kind for m in found[1:]] == ["exact", "exact"]


def test_a_family_read_in_order_of_preference_without_the_segments_own_units(tmp_path):
    with Project(tmp_path / "p") as p:
        store.add_units(p, [
            mp.new_unit("fr", "en", TEXT.format(1, 1, 1), "newest", "file",
                        created_at="2030-01-01T00:00:00.000Z"),
            mp.new_unit("fr", "en", QUERY, "own", "review", segment_id=9),
            mp.new_unit("fr", "en", QUERY, "same text", "file", created_at=OLD),
            mp.new_unit("fr", "en", QUERY, "same contexts", "file", context_before="a",
                        context_after="b", created_at=OLD),
            mp.new_unit("fr", "en", TEXT.format(2, 2, 2), "older", "file",
                        created_at="2020-01-01T00:00:00.000Z"),
        ])
        units, crowded = store.units_by_hash(p, "fr", "en", [source_hash(QUERY)], 4)
        assert units == {} and crowded == {source_hash(QUERY)}
        family = store.family_units(p, "fr", "en", source_hash(QUERY), QUERY, "a", "b", 9, 3)
        assert [u.target for u in family] == ["same contexts", "same text", "newest"]
        units, crowded = store.units_by_hash(p, "fr", "en", [source_hash(QUERY)], 5)
        assert len(units[source_hash(QUERY)]) == 5 and not crowded
