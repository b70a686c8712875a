"""Database URLs, the PostgreSQL dialect layer, ``workbench db upgrade`` and
``workbench db migrate`` against a real PostgreSQL cluster."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.errors import InputError, NotFoundError, StoreError
from workbench.store import NewParagraph, NewSegment, Project
from workbench.store.backends import open_backend
from workbench.store.backends.postgresql import PgConnection, translate, upgrade
from workbench.store.schema import SCHEMA_VERSION


def wb(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DB"}
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True,
                          text=True, timeout=300, env=env, input=stdin)


def test_urls_choose_the_backend(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    assert open_backend(None, tmp_path).path == tmp_path / "workbench.sqlite"
    assert open_backend("sqlite:////srv/p.sqlite", tmp_path).path == Path("/srv/p.sqlite")
    assert open_backend("sqlite:///rel/p.sqlite", tmp_path).path == Path("rel/p.sqlite")
    assert open_backend("postgresql://ana@db:5433/news", tmp_path).name == "postgresql"
    monkeypatch.setenv("WORKBENCH_DB", "postgresql://ana:secret@db/news")
    backend = open_backend(None, tmp_path)
    assert backend.name == "postgresql" and "secret" not in backend.describe()
    with pytest.raises(InputError, match="unknown database URL"):
        open_backend("mysql://x/y", tmp_path)


def test_a_bad_url_is_one_line_exit_2(tmp_path):
    res = wb("status", "--project", str(tmp_path), "--db", "mysql://x/y")
    assert res.returncode == 2 and "unknown database URL" in res.stderr
    assert "Traceback" not in res.stderr


def test_an_unreachable_server_is_one_line_exit_1(tmp_path):
    res = wb("status", "--project", str(tmp_path), "--db",
             f"postgresql://nobody@/x?host={tmp_path}&port=1")
    assert res.returncode == 1 and "cannot connect to PostgreSQL" in res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("sql, expected, returning", [
    ("SELECT * FROM t WHERE a = ? AND b LIKE 'x?%'", "SELECT * FROM t WHERE a = %s AND b LIKE 'x?%%'",
     False),
    ("INSERT OR IGNORE INTO memory_units (key) VALUES (?)",
     "INSERT INTO memory_units (key) VALUES (%s) ON CONFLICT DO NOTHING RETURNING id", True),
    ("INSERT INTO reviews (segment_id) VALUES (?) ON CONFLICT DO UPDATE SET text = 'a'",
     "INSERT INTO reviews (segment_id) VALUES (%s) ON CONFLICT (segment_id, target_lang) "
     "DO UPDATE SET text = 'a'", False),
    ("INSERT INTO documents (title) VALUES (?);", "INSERT INTO documents (title) VALUES (%s) "
     "RETURNING id", True),
])
def test_sqlite_dialect_is_translated(sql, expected, returning):
    assert translate(sql) == (expected, returning)


def _doc(project: Project, text: str, content_hash: str) -> int:
    return project.add_document(
        source_path="a.txt", title="Kim", lang="fr", lang_confidence=0.9, fmt="text",
        encoding="utf-8", content_hash=content_hash,
        paragraphs=[NewParagraph(text, "text", [NewSegment(text, True),
                                                NewSegment("Fin.", True)])])


def _fill(project: Project) -> None:
    """Two versions of a document, MT, reviews with history, a bead, settings, memory."""
    from workbench.memory.project import sync_reviews

    _doc(project, "Kim voyage.", "h1")
    doc = _doc(project, "Kim voyage rarement.", "h2")
    segs = project.segments(doc)["id"].to_list()
    project.save_translations(engine="apertium", model="m", model_version="1", source_lang="fr",
                              target_lang="en", rows=[(s, "x", f"MT {s}", {"n": s})
                                                      for s in segs])
    project.save_review(segs[0], "en", text="Kim rarely travels.", status="approved",
                        author="ana")
    project.save_review(segs[1], "en", text="End.", status="flagged", author="ben")
    project.undo_last_edit(segs[1], "en", author="ben")
    with project.transaction() as conn:
        aid = conn.execute("INSERT INTO alignments (document_id, target_lang, target_kind, "
                           "target_ref) VALUES (?, 'en', 'mt', 'apertium')", (doc,)).lastrowid
        conn.execute("INSERT INTO beads (alignment_id, idx, src_ids, tgt_ids, confidence) "
                     "VALUES (?, 0, ?, '[0]', 0.25)", (aid, f"[{segs[0]}]"))
    project.set_setting("glossary_dir", "/srv/glossaires")
    sync_reviews(project)


def test_migrate_copies_everything_and_again_is_a_no_op(tmp_path, pg_url):
    folder = tmp_path / "proj"
    with Project(folder, db=f"sqlite:///{folder / 'workbench.sqlite'}") as p:
        _fill(p)
        expected = {
            "docs": p.documents(current_only=False).to_dicts(),
            "pairs": p.pairs("en").to_dicts(),
            "history": [p.history(s, "en").to_dicts() for s in p.segments()["id"]],
            "memory": p.conn.execute("SELECT COUNT(*) FROM memory_units").fetchone()[0],
        }
    first = wb("db", "migrate", "--from", str(folder), "--to", pg_url)
    assert first.returncode == 0, first.stderr
    assert "all match" in first.stdout and "DIFFERS" not in first.stdout
    assert "rows copied" in first.stdout and "secret" not in first.stdout
    with Project(folder, db=pg_url, create=False) as q:
        assert q.dialect == "postgresql"
        assert q.documents(current_only=False).to_dicts() == expected["docs"]
        assert q.pairs("en").to_dicts() == expected["pairs"]
        assert [q.history(s, "en").to_dicts() for s in q.segments()["id"]] == expected["history"]
        assert q.conn.execute("SELECT COUNT(*) FROM memory_units").fetchone()[0] \
            == expected["memory"] > 0
        assert q.setting("glossary_dir") == "/srv/glossaires"
        ids = set(q.documents(current_only=False)["id"])
    again = wb("db", "migrate", "--from", str(folder), "--to", pg_url)
    assert again.returncode == 0 and "nothing to copy" in again.stdout, again.stderr
    with Project(folder, db=pg_url) as q:  # ids continue after the copied ones
        assert _doc(q, "Nouveau.", "h3") not in ids


def test_migrate_refuses_a_database_of_another_project(tmp_path, pg_url):
    with Project(tmp_path / "other", db=pg_url) as other:
        _doc(other, "Autre chose.", "zz")
    with Project(tmp_path / "proj") as p:
        _fill(p)
    res = wb("db", "migrate", "--from", str(tmp_path / "proj"), "--to", pg_url)
    assert res.returncode == 1 and "already holds other data" in res.stderr
    assert "Traceback" not in res.stderr
    with Project(tmp_path / "other", db=pg_url) as other:  # left as it was
        assert len(other.documents(current_only=False)) == 1


def test_upgrade_creates_upgrades_and_refuses_newer(tmp_path, pg_url):
    res = wb("db", "upgrade", "--db", pg_url)
    assert res.returncode == 0 and f"schema version 0 → {SCHEMA_VERSION}" in res.stderr
    assert "up to date" in wb("db", "upgrade", "--db", pg_url).stderr
    with PgConnection(pg_url) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    res = wb("status", "--db", pg_url)
    assert res.returncode == 1 and "newer than this workbench" in res.stderr


def test_an_older_shared_schema_waits_for_db_upgrade(tmp_path, pg_cluster):
    url = pg_cluster.create_database()
    try:
        with PgConnection(url) as conn:
            upgrade(conn, SCHEMA_VERSION - 1)  # made by the previous workbench
        with pytest.raises(StoreError, match="workbench db upgrade"):
            Project(tmp_path, db=url)
        res = wb("db", "upgrade", "--db", url)
        assert f"{SCHEMA_VERSION - 1} → {SCHEMA_VERSION}" in res.stderr, res.stderr
        with Project(tmp_path, db=url) as p:
            assert p.schema_version == SCHEMA_VERSION
    finally:
        pg_cluster.drop_database(url)


def test_an_empty_database_is_no_project_without_create(tmp_path, pg_url):
    with pytest.raises(NotFoundError, match="no project"):
        Project(tmp_path, db=pg_url, create=False)


def test_a_database_of_another_program_is_left_alone(tmp_path, pg_url):
    with PgConnection(pg_url) as conn:
        conn.execute("CREATE TABLE customers (id integer)")
    with pytest.raises(StoreError, match="another program"):
        Project(tmp_path, db=pg_url)


def test_errors_come_out_as_the_dbapi_classes(tmp_path, pg_url):
    with Project(tmp_path, db=pg_url) as p, pytest.raises(sqlite3.IntegrityError):
        with p.transaction() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES ('a', NULL)")


def test_a_sqlite_url_names_the_file_and_the_folder_keeps_the_files(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    with Project(tmp_path / "a") as p:
        _doc(p, "Kim voyage.", "h1")
    url = f"sqlite:///{tmp_path / 'a' / 'workbench.sqlite'}"
    with Project(tmp_path / "files", db=url, create=False) as q:
        assert q.dialect == "sqlite" and len(q.documents()) == 1
        assert q.root == tmp_path / "files"
    assert not (tmp_path / "files" / "workbench.sqlite").exists()


def test_word_index_sizes_and_postings_on_postgresql(tmp_path, pg_url):
    """The PostgreSQL answers for main's memory batches: token counts and postings."""
    from workbench.store.backends import pg_memory
    from workbench.store.memory import NewMemoryUnit, add_units

    with Project(tmp_path, db=pg_url) as p:
        add_units(p, [NewMemoryUnit(key=k, source_hash=i, source_lang="fr", target_lang="en",
                                    source=s, target="x", origin="file")
                      for i, (k, s) in enumerate([("a", "Le chat et le chien."),
                                                  ("b", "Un chat."), ("c", "Rien ici")])])
        sizes, rows, tokens = pg_memory.word_index_sizes(p.conn)
        assert (rows, tokens) == (3, 5 + 2 + 2) and sizes[1:].tolist() == [5, 2, 2]
        post = pg_memory.word_postings(p.conn, ["le", "chat", "absent"])
        assert post["le"][0].tolist() == [1] and post["le"][1].tolist() == [2]
        assert post["chat"][0].tolist() == [1, 2] and post["chat"][1].tolist() == [1, 1]
        assert post["absent"][0].tolist() == []
