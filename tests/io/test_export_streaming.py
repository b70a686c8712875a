"""Exports of an archive-size project run in bounded memory: the store hands the export its
rows a page of segments at a time (the next page read only once the writer has used the
rows before), on SQLite and on PostgreSQL alike, and the rows do not depend on the page
size. Counted in queries, not timed."""

from __future__ import annotations

import math

import pytest

from workbench.io.project import export_project
from workbench.store import Project, reports

#: The export's own query (every other query of an export is a per-document lookup).
EXPORT_QUERY = "ORDER BY s.document_id, s.idx, r.target_lang"


class CountingConnection:
    """``project.conn`` that records the SQL of every statement it runs."""

    def __init__(self, conn: object) -> None:
        self.conn = conn
        self.sql: list[str] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.conn, name)

    def execute(self, sql: str, params: object = ()) -> object:
        self.sql.append(sql)
        return self.conn.execute(sql, params)

    def pages(self) -> int:
        return sum(EXPORT_QUERY in sql for sql in self.sql)


@pytest.fixture
def counting(project: Project, monkeypatch: pytest.MonkeyPatch) -> CountingConnection:
    conn = CountingConnection(project.conn)
    monkeypatch.setattr(project, "conn", conn)
    return conn



@pytest.mark.parametrize("include_empty", [False, True])
def test_the_store_reads_export_rows_a_page_at_a_time(project, counting, monkeypatch,
                                                     include_empty):
    everything = list(project.export_rows(["en", "es"], ["fr"], None, include_empty))
    segments = len({r.segment_id for r in everything})
    assert segments > 6 and len(everything) > segments  # pages cut between a segment's rows
    counting.sql.clear()
    monkeypatch.setattr(reports, "EXPORT_PAGE", 3, raising=False)
    rows = project.export_rows(["en", "es"], ["fr"], None, include_empty)
    first = next(rows)
    assert counting.pages() == 1  # the first row comes with the first page only
    rest = list(rows)
    assert counting.pages() == segments // 3 + 1  # then one page per 3 segments
    assert [first, *rest] == everything  # same rows, same order, whatever the page size


def test_an_export_writes_units_before_the_store_reads_the_last_page(
        project, counting, tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "EXPORT_PAGE", 2, raising=False)
    at_first_unit: list[int] = []

    def on_unit() -> None:
        if not at_first_unit:
            at_first_unit.append(counting.pages())

    report = export_project(project, "tmx", tmp_path / "out.tmx", targets=["en", "es"],
                            on_unit=on_unit)
    assert report.units > 4
    assert at_first_unit == [1]  # the writer had its first unit after one page
    assert counting.pages() >= math.ceil(report.units / 2)  # and read the rest as it went
