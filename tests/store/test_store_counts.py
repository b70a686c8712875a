"""The store counts what the app's pages show on an archive (issue 17): its aggregates
equal the frame-based computations they replace (``Project.pairs`` grouped in polars)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from workbench.store import NewParagraph, NewSegment, Project
from workbench.store.accounts import documents_edited_by

STATUSES = ["approved", "todo", "flagged", "rejected"]


def _summary_from_frame(pairs: pl.DataFrame) -> list[dict]:
    """What the Quality page computed from every unit before: per document."""
    rows = []
    for (doc, title), grp in pairs.group_by(["document_id", "document"], maintain_order=True):
        rows.append({"document_id": doc, "document": title, "units": len(grp),
                     "reviewed": len(grp.filter(pl.col("status") != "todo")),
                     "edited": len(grp.filter(pl.col("mt").is_not_null()
                                              & (pl.col("mt") != pl.col("target"))))})
    return rows


def _check(project: Project, lang: str) -> None:
    pairs = project.pairs(lang)
    assert len(pairs) > 0
    summary = project.review_summary(lang)
    assert [{k: (int(v) if k not in ("document",) else v) for k, v in r.items()}
            for r in summary.to_dicts()] == _summary_from_frame(pairs)
    docs = pairs["document_id"].unique().sort().to_list()
    for document_ids in (None, docs[:1], docs[1:]):
        for statuses in (None, ["approved"], ["todo", "flagged"]):
            expected = project.pairs(lang, document_ids=document_ids, statuses=statuses)
            assert project.count_pairs(lang, document_ids=document_ids,
                                       statuses=statuses) == len(expected)
            for floor in (0.0, 0.5, 0.95):
                kept = expected.filter(pl.col("confidence").is_not_null()
                                       & (pl.col("confidence") >= floor))
                assert project.count_pairs(lang, document_ids=document_ids, statuses=statuses,
                                           min_confidence=floor) == len(kept)
            assert project.pairs(lang, document_ids=document_ids, statuses=statuses,
                                 limit=3).to_dicts() == expected.head(3).to_dicts()


def test_counts_equal_the_frame_computations(tmp_path: Path):
    """Three documents (one not aligned, one an old version), every status, edited and
    untouched texts, a unit without machine translation."""
    with Project(tmp_path / "p") as project:
        for d in range(3):
            texts = [f"Phrase {d}-{i}." for i in range(7)]
            doc = project.add_document(
                source_path=f"{d}.txt", title=f"Doc {d}", lang="fr", lang_confidence=0.9,
                fmt="text", encoding="utf-8", content_hash=f"h{d}",
                paragraphs=[NewParagraph(" ".join(texts), "text",
                                         [NewSegment(t, True) for t in texts])])
            segs = project.segments(doc)["id"].to_list()
            project.save_translations(engine="apertium", model="m", model_version="1",
                                      source_lang="fr", target_lang="en",
                                      rows=[(s, t, f"Sentence {s}.", {})
                                            for s, t in zip(segs[:-1], texts)])
            for k, s in enumerate(segs[:-1]):
                project.save_review(s, "en", status=STATUSES[k % 4], author="ana",
                                    text=f"Edited {s}." if k % 3 == 0 else None)
            if d:  # document 0 is not aligned
                with project.transaction() as conn:
                    aid = conn.execute(
                        "INSERT INTO alignments (document_id, target_lang, target_kind, "
                        "target_ref) VALUES (?, 'en', 'mt', 'apertium')", (doc,)).lastrowid
                    for k, s in enumerate(segs):
                        conn.execute("INSERT INTO beads (alignment_id, idx, src_ids, tgt_ids, "
                                     "confidence) VALUES (?, ?, ?, '[]', ?)",
                                     (aid, k, json.dumps([s]), k / 7))
        _check(project, "en")
        assert project.review_summary("de").is_empty() and project.count_pairs("de") == 0
        assert documents_edited_by(project, "en", ["ana"]) == [1, 2, 3]
        assert documents_edited_by(project, "en", ["ben"]) == []


@pytest.fixture(scope="module")
def seeds_project(tmp_path_factory) -> Path:
    from fixtures.seeds_project import build_seeds_project, have_apertium

    if not have_apertium():
        pytest.skip("Apertium fr-en is not installed")
    return build_seeds_project(tmp_path_factory.mktemp("seeds") / "proj")


def test_counts_equal_the_frame_computations_on_the_seeds(seeds_project: Path):
    with Project(seeds_project, create=False) as project:
        _check(project, "en")
