"""The project store: schema, transactions, review versions, history; the tests taking
``project`` or ``db_url`` run on SQLite and on PostgreSQL."""

import sqlite3

import pytest

from workbench.errors import ConflictError, NotFoundError, StoreError
from workbench.store import NewParagraph, NewSegment, Project
from workbench.store.schema import SCHEMA_VERSION


def _doc(project: Project, path="a.txt", content_hash="h1") -> int:
    return project.add_document(
        source_path=path, title="Kim et Poutine", lang="fr", lang_confidence=0.99, fmt="text",
        encoding="utf-8", content_hash=content_hash,
        paragraphs=[
            NewParagraph("banner", "debris", [NewSegment("banner", False, "page marker")]),
            NewParagraph("Kim voyage rarement. Il prend le train.", "text",
                         [NewSegment("Kim voyage rarement.", True),
                          NewSegment("Il prend le train.", True)]),
        ],
    )


@pytest.fixture
def project(tmp_path, db_url):
    with Project(tmp_path / "proj", db=db_url) as p:
        yield p


@pytest.mark.sqlite_only("the SQLite file's journal mode and PRAGMAs")
def test_pragmas_and_schema(tmp_path):
    project = Project(tmp_path / "proj")
    assert project.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert project.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert project.schema_version == SCHEMA_VERSION
    project.close()


def test_open_missing_project_without_create(tmp_path, db_url):
    with pytest.raises(NotFoundError, match="no project"):
        Project(tmp_path / "nope", create=False, db=db_url)


def test_newer_schema_refused(tmp_path, db_url):
    with Project(tmp_path / "p", db=db_url) as p:
        assert p.schema_version == SCHEMA_VERSION
        p.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this workbench"):
        Project(tmp_path / "p", db=db_url)


@pytest.mark.sqlite_only("upgrades an SQLite file made by a schema-1 workbench")
def test_version_1_project_is_upgraded_in_place_keeping_its_data(tmp_path):
    from workbench.store.schema import MIGRATIONS

    db = tmp_path / "old" / "workbench.sqlite"
    db.parent.mkdir()
    with sqlite3.connect(db) as conn:  # a project made by a workbench with schema 1
        conn.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    with Project(db.parent) as p:
        doc = _doc(p)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 1")
        conn.execute("DROP TABLE settings")
        for table in ("memory_vocab", "memory_fts", "memory_units"):  # schema 3
            conn.execute(f"DROP TABLE {table}")
        conn.execute("ALTER TABLE edits DROP COLUMN origin")  # schema 4
        conn.execute("DROP TABLE segment_codes")  # schema 5
        for table in ("glossary_versions", "assignments", "accounts"):  # schema 6
            conn.execute(f"DROP TABLE {table}")
        for table in ("documents", "translations", "alignments"):  # schema 8
            conn.execute(f"ALTER TABLE {table} DROP COLUMN author")
    with Project(db.parent) as p:
        assert p.schema_version == SCHEMA_VERSION == 8
        assert p.segments(doc)["text"].to_list()[1] == "Kim voyage rarement."
        assert p.setting("glossary_dir") is None


@pytest.mark.parametrize("values", [["/srv/glossaires"], ["/a", "/b/Choïgou ü"]])
def test_settings_keep_the_last_value(project, values):
    for value in values:
        project.set_setting("glossary_dir", value)
    assert project.setting("glossary_dir") == values[-1]
    assert project.conn.execute("SELECT COUNT(*) FROM settings").fetchone()[0] == 1


def test_documents_and_segments(project):
    doc = _doc(project)
    docs = project.documents()
    assert docs["segments"].to_list() == [3] and docs["translatable"].to_list() == [2]
    segs = project.segments(doc)
    assert segs["text"].to_list() == ["banner", "Kim voyage rarement.", "Il prend le train."]
    assert segs["paragraph"].to_list() == [0, 1, 1]
    assert segs["reason"].to_list() == ["page marker", None, None]


def test_new_version_keeps_old(project):
    first = _doc(project, content_hash="h1")
    second = _doc(project, content_hash="h2")
    assert project.documents()["id"].to_list() == [second]
    all_docs = project.documents(current_only=False)
    assert all_docs["version"].to_list() == [1, 2]
    assert len(project.segments(first)) == 3


def test_failed_transaction_leaves_nothing(project):
    with pytest.raises(sqlite3.IntegrityError):
        project.add_document(
            source_path="b.txt", title="t", lang="fr", lang_confidence=None, fmt="text",
            encoding="utf-8", content_hash="x",
            paragraphs=[NewParagraph("p", "text", [NewSegment("a", True)])] * 1
            + [NewParagraph("p", "text", [NewSegment(None, True)])],  # NOT NULL violation
        )
    assert project.documents().is_empty()
    assert project.conn.execute("SELECT COUNT(*) FROM paragraphs").fetchone()[0] == 0


def _translate(project, doc):
    segs = project.segments(doc).filter(translatable=1)
    rows = [(sid, text, f"EN {text}", {"unknown": []}) for sid, text in
            zip(segs["id"], segs["text"])]
    project.save_translations(engine="apertium", model="fr-es|spa-eng", model_version="3.8",
                              source_lang="fr", target_lang="en", rows=rows)
    return segs["id"].to_list()


def test_translations_memory_and_reviews(project):
    doc = _doc(project)
    ids = _translate(project, doc)
    tm = project.tm_lookup("apertium", "3.8", "fr", "en", ["Kim voyage rarement.", "Autre."])
    assert tm == {"Kim voyage rarement.": ("EN Kim voyage rarement.", {"unknown": []})}
    assert project.tm_lookup("apertium", "3.9", "fr", "en", ["Kim voyage rarement."]) == {}
    assert project.translations("en")["target"].to_list() == [
        "EN Kim voyage rarement.", "EN Il prend le train."]
    # Reviews are seeded from the MT ...
    assert project.review(ids[0], "en").text == "EN Kim voyage rarement."
    assert project.review(ids[0], "en").version == 1
    project.save_review(ids[0], "en", text="Kim rarely travels.", expected_version=1)
    # ... and a later MT run never overwrites the reviewer's text.
    _translate(project, doc)
    assert project.review(ids[0], "en").text == "Kim rarely travels."


def test_untouched_reviews_follow_a_new_machine_translation(project):
    doc = _doc(project)
    ids = _translate(project, doc)
    project.save_review(ids[1], "en", status="approved", expected_version=1)
    rows = [(sid, "x", f"NEW {sid}", {}) for sid in ids]
    project.save_translations(engine="apertium", model="m", model_version="3.9+glossary:g",
                              source_lang="fr", target_lang="en", rows=rows)
    assert project.review(ids[0], "en").text == f"NEW {ids[0]}"  # untouched: follows
    assert project.review(ids[0], "en").version == 2  # open editors see the change
    assert project.review(ids[1], "en").text == "EN Il prend le train."  # reviewed: kept


def test_review_versions_conflict_history_and_undo(project):
    doc = _doc(project)
    seg = _translate(project, doc)[0]
    v1 = project.save_review(seg, "en", text="Kim rarely travels.", expected_version=1)
    v2 = project.save_review(seg, "en", status="approved", expected_version=v1)
    assert (v1, v2) == (2, 3)
    # Another tab still holds version 1: its save is refused, not applied.
    with pytest.raises(ConflictError, match="changed elsewhere"):
        project.save_review(seg, "en", text="Kim seldom travels.", expected_version=v1)
    assert project.review(seg, "en").text == "Kim rarely travels."
    hist = project.history(seg, "en")
    assert hist["new_text"].to_list() == ["Kim rarely travels.", "Kim rarely travels."]
    assert hist["new_status"].to_list() == ["todo", "approved"]
    project.undo_last_edit(seg, "en")
    row = project.review(seg, "en")
    assert (row.text, row.status, row.version) == ("Kim rarely travels.", "todo", 4)
    # Undo again walks one more version back (it used to undo the undo, forever).
    project.undo_last_edit(seg, "en", author="Ana")
    row = project.review(seg, "en")
    assert (row.text, row.status, row.version) == ("EN Kim voyage rarement.", "todo", 5)
    with pytest.raises(NotFoundError):
        project.undo_last_edit(seg, "en")
    hist = project.history(seg, "en")
    assert hist["origin"].to_list() == ["reviewer", "reviewer", "undo", "undo"]
    assert hist["author"].to_list()[-1] == "Ana"
    project.save_review(seg, "en", text="x", expected_version=5)  # saved elsewhere: v6
    with pytest.raises(ConflictError):  # the page showed v5: the other change is not undone
        project.undo_last_edit(seg, "en", expected_version=5)
    assert project.review(seg, "en").text == "x"
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        project.conn.execute("UPDATE edits SET new_text = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        project.conn.execute("DELETE FROM edits")


def test_review_validation(project):
    with pytest.raises(NotFoundError):
        project.save_review(9999, "en", text="x")
    doc = _doc(project)
    seg = _translate(project, doc)[0]
    with pytest.raises(ValueError, match="unknown review status"):
        project.save_review(seg, "en", status="done")


def test_two_connections_see_each_other(tmp_path, db_url):
    with Project(tmp_path / "p", db=db_url) as a, Project(tmp_path / "p", db=db_url) as b:
        doc = _doc(a)
        assert b.documents()["id"].to_list() == [doc]


def test_pairs_joins_mt_review_and_bead_confidence(project):
    doc = _doc(project)
    ids = _translate(project, doc)
    project.save_review(ids[1], "en", text="He takes the train.", status="approved",
                        expected_version=1)
    with project.transaction() as conn:
        aid = conn.execute("INSERT INTO alignments (document_id, target_lang, target_kind, "
                           "target_ref) VALUES (?, 'en', 'mt', 'apertium')", (doc,)).lastrowid
        conn.execute("INSERT INTO beads (alignment_id, idx, src_ids, tgt_ids, confidence) "
                     "VALUES (?, 0, ?, '[0]', 0.42)", (aid, f"[{ids[0]}]"))
    pairs = project.pairs("en")
    assert pairs["source"].to_list() == ["Kim voyage rarement.", "Il prend le train."]
    assert pairs["mt"].to_list() == ["EN Kim voyage rarement.", "EN Il prend le train."]
    assert pairs["target"].to_list() == ["EN Kim voyage rarement.", "He takes the train."]
    assert pairs["confidence"].to_list() == [0.42, None]
    approved = project.pairs("en", statuses=["approved"])
    assert approved["segment_id"].to_list() == [ids[1]]
    assert project.pairs("de").is_empty()


def _pages(read, size):
    """Every row of a keyset-paged read (``read(after, limit)``), page by page."""
    pages, after = [], 0
    while rows := read(after, size):
        pages.append(rows)
        after = rows[-1][0]
    return pages


def test_keyset_pages_cover_the_project_once_and_a_late_text_column_is_typed(project):
    """Pages by id give every translatable segment, review and final text once, in id
    order; and a column null in the first hundred rows (a debris reason after 150 plain
    segments) is read as text, not refused."""
    texts = [f"Phrase {i}." for i in range(150)]
    doc = project.add_document(
        source_path="a.txt", title="t", lang="fr", lang_confidence=0.99, fmt="text",
        encoding="utf-8", content_hash="h",
        paragraphs=[NewParagraph(" ".join(texts), "text", [NewSegment(t, True) for t in texts]),
                    NewParagraph("•", "debris", [NewSegment("•", False, "bullet glyph")])])
    assert project.segments(doc)["reason"].to_list()[-1] == "bullet glyph"
    pages = _pages(lambda after, n: project.translatable_segments_after("fr", after, n), 40)
    assert [len(p) for p in pages] == [40, 40, 40, 30]
    assert [r[2] for p in pages for r in p] == texts
    ids = [r[0] for p in pages for r in p]
    assert ids == sorted(ids) and project.translatable_segments_after("en", 0, 40) == []
    project.save_translations(engine="e", model="m", model_version="1", source_lang="fr",
                              target_lang="en", rows=[(i, t, t.upper(), {}) for i, t in
                                                      zip(ids, texts)])
    assert project.translated_segment_ids("en", "e", "1", between=(ids[10], ids[19])) \
        == set(ids[10:20])
    reviews = _pages(lambda after, n: project.review_texts_after("en", after, n), 64)
    assert [r for p in reviews for r in p] == project.review_texts("en")
    finals = _pages(lambda after, n: project.final_texts_after("en", after, n), 64)
    assert [r for p in finals for r in p] == [(i, t, t.upper()) for i, t in zip(ids, texts)]
