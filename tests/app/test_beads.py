"""Merging and splitting beads: the module (ladder kept whole, conflicts caught) and the
Review page's "Beads" view through AppTest (the result is in the database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from projects import XSS

from workbench.app import beads
from workbench.app.text import unescape
from workbench.errors import ConflictError, InputError
from workbench.store import Project


def _ladder(project_dir: Path) -> list[tuple[list[int], list[int], float]]:
    with Project(project_dir) as p:
        rows = p.conn.execute("SELECT src_ids, tgt_ids, confidence FROM beads ORDER BY idx")
        return [(json.loads(s), json.loads(t), c) for s, t, c in rows]


def _covers_once(ladder) -> bool:
    src = [i for s, _, _ in ladder for i in s]
    tgt = [j for _, t, _ in ladder for j in t]
    return src == sorted(set(src)) and tgt == sorted(set(tgt))


def test_merge_then_split_round_trip_keeps_the_ladder_whole(project_dir):
    with Project(project_dir) as p:
        aid = beads.alignments(p, 1, "en")[0]["id"]
        before = beads.load(p, aid)
        assert [b.shape for b in before] == ["1–1"] * 7
        assert before[1].target == ("The two leaders discussed the war in Syria and the "
                                    "Ukrainian crisis.",)
        merged = beads.merge(p, aid, before[1], before[2], author="test")
        after = beads.load(p, aid)
        assert [b.shape for b in after] == ["1–1", "2–2"] + ["1–1"] * 4
        assert after[1] == merged and after[1].confidence == beads.REVIEWED
        assert after[2].src_ids == before[3].src_ids  # the tail moved up by one
        one, two = beads.split(p, aid, after[1], 1, 0, author="test")
        assert (one.shape, two.shape) == ("1–0", "1–2")
        prov = json.loads(p.conn.execute("SELECT provenance FROM alignments").fetchone()[0])
        assert [e["op"] for e in prov["reviewer_edits"]] == ["merge", "split"]
    ladder = _ladder(project_dir)
    assert len(ladder) == 7 and _covers_once(ladder)
    assert [len(s) for s, _, _ in ladder] == [1, 1, 1, 1, 1, 1, 1]
    assert [len(t) for _, t, _ in ladder] == [1, 0, 2, 1, 1, 1, 1]


def test_stale_page_is_a_conflict_and_bad_splits_are_refused(project_dir):
    with Project(project_dir) as p:
        aid = beads.alignments(p, 1, "en")[0]["id"]
        seen = beads.load(p, aid)  # what a second tab shows
        beads.merge(p, aid, seen[0], seen[1])
        with pytest.raises(ConflictError):
            beads.merge(p, aid, seen[1], seen[2])  # bead 2 is not what that tab showed
        with pytest.raises(ConflictError):
            beads.split(p, aid, seen[0], 1, 0)
        fresh = beads.load(p, aid)
        with pytest.raises(InputError):
            beads.split(p, aid, fresh[0], 0, 0)
        with pytest.raises(InputError):
            beads.split(p, aid, fresh[0], 3, 0)
        with pytest.raises(InputError):
            beads.merge(p, aid, fresh[0], fresh[2])
    assert len(_ladder(project_dir)) == 6 and _covers_once(_ladder(project_dir))


def test_undo_walks_back_merges_and_splits_with_their_confidences(project_dir):
    original = _ladder(project_dir)
    with Project(project_dir) as p:
        aid = beads.alignments(p, 1, "en")[0]["id"]
        assert beads.last_change(p, aid) is None
        with pytest.raises(InputError, match="no merge or split"):
            beads.undo(p, aid)
        b = beads.load(p, aid)
        beads.merge(p, aid, b[3], b[4])  # bead 4 has confidence 0.30
        merged = _ladder(project_dir)
        one, _ = beads.split(p, aid, beads.load(p, aid)[0], 1, 0)
        assert beads.last_change(p, aid)["op"] == "split"
        assert beads.undo(p, aid, author="test")["op"] == "split"
        assert _ladder(project_dir) == merged
        assert beads.undo(p, aid)["op"] == "merge"
        assert _ladder(project_dir) == original  # confidences too, not 1.0
        assert [b.target for b in beads.load(p, aid)] == [x.target for x in b]
        assert beads.last_change(p, aid) is None
        edits = json.loads(p.conn.execute("SELECT provenance FROM alignments").fetchone()[0])[
            "reviewer_edits"]
        assert [(e["op"], "undone" in e) for e in edits] == [
            ("merge", True), ("split", True), ("undo", False), ("undo", False)]


def test_undo_after_a_change_elsewhere_is_a_conflict(project_dir):
    with Project(project_dir) as p:
        aid = beads.alignments(p, 1, "en")[0]["id"]
        b = beads.load(p, aid)
        beads.merge(p, aid, b[0], b[1])
        ladder = _ladder(project_dir)
        # Another process rewrites the merged bead behind this one's back (a re-alignment).
        with p.transaction() as conn:
            conn.execute("UPDATE beads SET src_ids = '[0]' WHERE alignment_id = ? AND idx = 0",
                         (aid,))
        with pytest.raises(ConflictError):
            beads.undo(p, aid)
        assert [s for s, _, _ in _ladder(project_dir)][1:] == [s for s, _, _ in ladder][1:]
        assert beads.last_change(p, aid)["op"] == "merge"  # still there to undo


def test_review_beads_view_merges_and_splits(app_at, project_dir):
    at = app_at()
    at.sidebar.radio(key="view").set_value("Beads").run()
    assert not at.exception
    shown = [unescape(m.value) for m in at.markdown]
    assert "Selon l'AFP, la rencontre a duré plus de trois heures." in shown
    assert "According to AFP, the meeting lasted more than three hours." in shown
    assert any("low confidence 0.30" in m.value for m in at.markdown)  # bead 4 stands out
    hostile = [m.value for m in at.markdown if "onerror" in m.value]
    assert len(hostile) == 2 and all(unescape(v) == XSS and "\\<img" in v for v in hostile)
    at.button(key="rv_merge_2").click().run()
    assert not at.exception
    assert [len(s) for s, _, _ in _ladder(project_dir)][:4] == [1, 1, 2, 1]
    assert any("beads 3 and 4 merged" in i.value for i in at.info)
    # Split the merged 2–2 bead back: the first part keeps one source and one target sentence.
    src = next(n for n in at.number_input if n.key.startswith("rv_split_src_2_"))
    tgt = next(n for n in at.number_input if n.key.startswith("rv_split_tgt_2_"))
    src.set_value(1)
    tgt.set_value(1)
    at.button(key="rv_split_2").click().run()
    assert not at.exception
    ladder = _ladder(project_dir)
    assert [(len(s), len(t)) for s, t, _ in ladder] == [(1, 1)] * 7 and _covers_once(ladder)
    assert [c for _, _, c in ladder][2:4] == [1.0, 1.0]  # checked by a person now
    # Undo twice: the split, then the merge; the ladder is as the aligner left it.
    at.button(key="rv_bead_undo").click().run()
    assert any("split of bead 3 undone" in i.value for i in at.info)
    assert [len(s) for s, _, _ in _ladder(project_dir)][:4] == [1, 1, 2, 1]
    at.button(key="rv_bead_undo").click().run()
    assert [c for _, _, c in _ladder(project_dir)][3] == pytest.approx(0.30)
    assert at.button(key="rv_bead_undo").disabled


def test_two_tabs_merging_the_same_beads(app_at, project_dir):
    tab_a, tab_b = app_at(), app_at()
    for tab in (tab_a, tab_b):
        tab.sidebar.radio(key="view").set_value("Beads").run()
    tab_a.button(key="rv_merge_0").click().run()
    tab_b.button(key="rv_merge_0").click().run()  # B still shows the old beads 1 and 2
    assert any("changed elsewhere" in w.value for w in tab_b.warning)
    assert [len(s) for s, _, _ in _ladder(project_dir)] == [2, 1, 1, 1, 1, 1]
