"""One query per question: the store's answers agree wherever they are asked (the Review
page, the Quality page, the exports), and its writes compose into one transaction."""

from pathlib import Path

import pytest

from workbench.io.project import export_project, import_file
from workbench.store import NewParagraph, NewSegment, Project


def _doc(project: Project, path: str = "a.txt") -> tuple[int, list[int]]:
    doc = project.add_document(
        source_path=path, title="Kim", lang="fr", lang_confidence=0.99, fmt="text",
        encoding="utf-8", content_hash=path,
        paragraphs=[NewParagraph("Kim voyage. Il prend le train.", "text",
                                 [NewSegment("Kim voyage.", True),
                                  NewSegment("Il prend le train.", True)])])
    return doc, project.segment_ids(doc)


@pytest.fixture
def project(tmp_path):
    with Project(tmp_path / "proj") as p:
        yield p


def _mt(project: Project, ids: list[int], engine: str, prefix: str) -> None:
    project.save_translations(engine=engine, model=engine, model_version="1", source_lang="fr",
                              target_lang="en",
                              rows=[(i, "x", f"{prefix} {i}", {}) for i in ids])


def _tmx_mt(path: Path) -> list[str]:
    from lxml import etree

    return [p.text for p in etree.parse(str(path)).iter("prop") if p.get("type") == "x-mt"]


def test_newest_machine_translation_is_one_answer_even_in_the_same_millisecond(project, tmp_path):
    doc, ids = _doc(project)
    _mt(project, ids, "apertium", "A")
    _mt(project, ids, "argos", "B")
    # Both engines wrote in the same millisecond: the later row (higher id) is the newest.
    project.conn.execute("UPDATE translations SET created_at = '2026-01-01T00:00:00.000Z'")
    expected = [f"B {i}" for i in ids]
    assert project.pairs("en")["mt"].to_list() == expected
    assert project.document_pairs(doc, "en")["mt"].to_list() == expected
    export_project(project, "tmx", tmp_path / "out.tmx", targets=["en"])
    assert _tmx_mt(tmp_path / "out.tmx") == expected


def test_bead_confidence_is_that_of_the_newest_alignment_everywhere(project, tmp_path):
    doc, ids = _doc(project)
    _mt(project, ids, "apertium", "A")
    project.store_alignment(document_id=doc, target_lang="en", target_kind="mt",
                            target_ref="apertium", provenance={},
                            beads=[([ids[0]], [0], "A", 0.9), ([ids[1]], [1], "B", 0.8)])
    project.store_alignment(document_id=doc, target_lang="en", target_kind="document",
                            target_ref="7", provenance={}, beads=[([ids[0]], [], "", 0.3)])
    expected = [0.3, 0.8]  # the second alignment holds segment 1 only
    assert project.pairs("en")["confidence"].to_list() == expected
    assert project.document_pairs(doc, "en")["confidence"].to_list() == expected
    assert project.bead_confidences(doc, ["en"]) == {(ids[0], "en"): 0.3, (ids[1], "en"): 0.8}
    report = export_project(project, "tsv", tmp_path / "out.tsv", targets=["en"],
                            min_confidence=0.5)
    assert report.units == 1 and report.skipped_filtered == 1


def test_store_writes_join_an_open_transaction(project):
    doc, ids = _doc(project)
    with pytest.raises(RuntimeError):
        with project.transaction():
            _doc(project, "b.txt")
            project.save_review(ids[0], "en", text="Kim travels.", status="approved")
            project.set_setting("glossary_dir", "/g")
            raise RuntimeError("the caller fails after the store's writes")
    assert project.documents()["id"].to_list() == [doc]
    assert project.review(ids[0], "en") is None and project.setting("glossary_dir") is None
    with project.transaction():
        _doc(project, "b.txt")
        version = project.save_review(ids[0], "en", text="Kim travels.", status="approved")
    assert version == 1 and len(project.documents()) == 2
    project.save_review(ids[0], "en", text="Kim travels!", expected_version=1)  # new transaction


def test_new_paragraphs_and_segments_may_carry_their_positions(project):
    doc = project.add_document(
        source_path="x", title="t", lang="fr", lang_confidence=None, fmt="text",
        encoding="utf-8", content_hash="x",
        paragraphs=[NewParagraph("a b", "text", [NewSegment("a", True, idx=3),
                                                 NewSegment("b", True, idx=7)], idx=2),
                    NewParagraph("c", "text", [NewSegment("c", True)], idx=5)])
    segs = project.segments(doc)
    assert segs["paragraph"].to_list() == [2, 2, 5]
    assert segs["idx"].to_list() == [3, 7, 8]


def test_an_import_is_recorded_as_an_import_whoever_the_author(project, tmp_path):
    _doc_id, ids = _doc(project)
    _mt(project, ids, "apertium", "A")
    out = tmp_path / "out.tsv"
    export_project(project, "tsv", out, targets=["en"])
    out.write_text(out.read_text(encoding="utf-8").replace(f"A {ids[0]}", "Kim travels."),
                   encoding="utf-8")
    report = import_file(project, out, author="alice")
    assert report.updated == 1 and not report.conflicts
    hist = project.history(ids[0], "en")
    assert hist["author"].to_list() == ["alice"] and hist["origin"].to_list() == ["import"]
    assert project.review(ids[0], "en").text == "Kim travels."
