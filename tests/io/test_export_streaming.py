"""Exports of an archive-size project run in bounded memory: the store hands the export its
rows a batch at a time as the writer uses them, on SQLite (the statement is stepped as
rows are fetched) and on PostgreSQL (a server-side cursor: an ordinary query would send
the whole result to the client at once). Counted in rows and cursors, not timed."""

from __future__ import annotations

import pytest
from io_fixtures import ARTICLE, add_article

from workbench.io.project import export_project
from workbench.store import Project, db

#: The export's own query (the other queries of an export are per-document lookups).
EXPORT_QUERY = "ORDER BY s.document_id, s.idx, r.target_lang"
BATCH = 3


class CountingCursor:
    """An SQLite cursor that counts the rows it hands over."""

    def __init__(self, cursor: object, counter: CountingConnection) -> None:
        self.cursor, self.counter = cursor, counter

    def fetchmany(self, size: int = 1) -> list:
        return self.counter.count(self.cursor.fetchmany(size))

    def fetchall(self) -> list:
        return self.counter.count(self.cursor.fetchall())

    def __iter__(self):
        for row in self.cursor:
            self.counter.count([row])
            yield row


class CountingConnection:
    """``project.conn`` whose export query counts the rows the database handed over."""

    def __init__(self, conn: object) -> None:
        self.conn = conn
        self.handed_over = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.conn, name)

    def execute(self, sql: str, params: object = ()) -> object:
        cursor = self.conn.execute(sql, params)
        return CountingCursor(cursor, self) if EXPORT_QUERY in sql else cursor

    def count(self, rows: list) -> list:
        self.handed_over += len(rows)
        return rows


@pytest.fixture
def archive(tmp_path, db_url, monkeypatch):
    """Two articles reviewed into en and es, on each backend, read :data:`BATCH` rows at
    a time."""
    with Project(tmp_path / "proj", db=db_url) as p:
        add_article(p)
        add_article(p, title="Sommet", path="sommet.txt", long=False, rows=ARTICLE[:4])
        monkeypatch.setattr(db, "STREAM_ROWS", BATCH, raising=False)
        if p.dialect == "sqlite":
            monkeypatch.setattr(p, "conn", CountingConnection(p.conn))
        yield p


def held_by_the_database(project: Project) -> bool:
    """Whether the rest of the export's rows are still the database's, not this process's:
    on SQLite at most one batch was handed over, on PostgreSQL a cursor is open."""
    if project.dialect == "sqlite":
        return project.conn.handed_over <= BATCH
    return open_cursors(project) == 1


def open_cursors(project: Project) -> int:
    return project.conn.execute("SELECT COUNT(*) FROM pg_cursors").fetchone()[0]


@pytest.mark.parametrize("include_empty", [False, True])
def test_export_rows_come_a_batch_at_a_time(archive, include_empty):
    rows = archive.export_rows(["en", "es"], ["fr"], None, include_empty)
    first = next(rows)
    assert held_by_the_database(archive)
    rest = list(rows)
    assert len(rest) + 1 > 4 * BATCH
    assert first.segment_id == rest[0].segment_id  # a segment's en and es rows together
    if archive.dialect == "postgresql":
        assert open_cursors(archive) == 0  # closed once read
        stopped = archive.export_rows(["en", "es"], ["fr"], None, include_empty)
        next(stopped)
        stopped.close()  # a reader that stops early (an error in the writer) closes it too
        assert open_cursors(archive) == 0


def test_an_export_writes_units_while_the_database_holds_the_rest(archive, tmp_path):
    held: list[bool] = []

    def on_unit() -> None:
        if not held:
            held.append(held_by_the_database(archive))

    report = export_project(archive, "tmx", tmp_path / "out.tmx", targets=["en", "es"],
                            on_unit=on_unit)
    assert report.units > 2 * BATCH
    assert held == [True]  # the first unit went to the writer after one batch
    if archive.dialect == "postgresql":
        assert open_cursors(archive) == 0
