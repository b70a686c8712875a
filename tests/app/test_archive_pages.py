"""Pages on an archive (issue 17): each page reads what it shows, not the whole project.

The pages' reads are counted on the app's shared connection (rows fetched from the
database, whatever the query), so a page that loads every review unit of the project
fails here, however fast the machine."""

from __future__ import annotations

from pathlib import Path

import pytest
from projects import MAIN, SENTENCES, add_translated_document

from workbench.store import Project

SMALL, LARGE, LARGE_SIZE = 50, 5, 200  # documents of 1 unit, then documents of 200


class _Rows:
    """A cursor whose fetched rows are counted."""

    def __init__(self, cursor, counter: _Reads) -> None:
        self._cursor, self._counter = cursor, counter

    def _seen(self, rows):
        self._counter.rows += len(rows)
        return rows

    def fetchone(self):
        row = self._cursor.fetchone()
        self._counter.rows += row is not None
        return row

    def fetchall(self):
        return self._seen(self._cursor.fetchall())

    def fetchmany(self, *args):
        return self._seen(self._cursor.fetchmany(*args))

    def __iter__(self):
        for row in self._cursor:
            self._counter.rows += 1
            yield row

    def __getattr__(self, name):
        return getattr(self._cursor, name)


class _Reads:
    """The connection of the app's shared project, counting the rows it hands over."""

    def __init__(self, conn) -> None:
        self._conn, self.rows = conn, 0

    def execute(self, *args):
        return _Rows(self._conn.execute(*args), self)

    def stream(self, *args):  # PostgreSQL's server-side cursor (Database.stream)
        for row in self._conn.stream(*args):
            self.rows += 1
            yield row

    def __getattr__(self, name):
        return getattr(self._conn, name)


def _pairs(n: int, doc: int) -> list[tuple[str, str]]:
    return [(f"{s[:-1]} {doc}-{i}.", f"{t[:-1]} {doc}-{i}.")
            for i, (s, t) in zip(range(n), (SENTENCES[i % len(SENTENCES)] for i in range(n)))]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """55 documents into English: 50 of one unit, then 5 of 200 (1,000 units the first page
    of documents does not hold); a few reviewed, edited, aligned."""
    root = tmp_path / "archive"
    with Project(root) as p:
        for d in range(SMALL + LARGE):
            n = 1 if d < SMALL else LARGE_SIZE
            add_translated_document(p, f"Article {d}", _pairs(n, d),
                                    confidences=[0.2 + 0.7 * (i % 2) for i in range(n)])
        last = p.pairs("en", document_ids=[SMALL + LARGE])["segment_id"].to_list()
        p.save_review(last[0], "en", text="Something else entirely.", status="approved",
                      expected_version=1)
        p.save_review(last[1], "en", status="approved", expected_version=1)
    return root


def _start(root: Path, page: str):
    from streamlit.testing.v1 import AppTest

    from workbench.app.common import _shared

    at = AppTest.from_file(MAIN, default_timeout=60)
    at.session_state["project_root"] = str(root)
    at.run()
    assert not at.exception
    project = _shared(str(root)).project  # the app's one connection, now open
    reads = project.conn = _Reads(project.conn)
    reads.rows = 0
    if page == "qa":
        at.sidebar.radio(key="view").set_value("QA")
    else:
        at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception
    return at, reads


def test_export_preview_reads_its_rows_and_the_store_counts_the_rest(tmp_path):
    root = tmp_path / "three"
    with Project(root) as p:
        for d in range(3):
            add_translated_document(p, f"Article {d}", _pairs(30, d),
                                    confidences=[0.9 if i % 3 else 0.1 for i in range(30)])
    at, reads = _start(root, "export")
    at.multiselect(key="ex_status").set_value([]).run()  # any status: 90 units
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "90 segment(s) match; the first 20" in captions
    preview = at.dataframe[0].value
    assert len(preview) == 20 and preview["idx"].tolist() == list(range(20))
    assert reads.rows < 90  # the preview's rows and counts, not every unit
    at.multiselect(key="ex_docs").set_value([2, 3]).run()
    assert "60 segment(s) match" in " ".join(c.value for c in at.caption)
    at.checkbox(key="ex_use_conf").check().run()
    at.slider(key="ex_conf").set_value(0.5).run()
    assert "40 segment(s) match" in " ".join(c.value for c in at.caption)
    preview = at.dataframe[0].value
    assert len(preview) == 20 and min(preview["confidence"]) >= 0.5
    assert set(preview["document_id"]) == {2}  # document 2's 20 aligned units first


def test_quality_counts_every_document_and_scores_one_page_of_them(archive):
    at, reads = _start(archive, "quality")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Segments reviewed"] == f"2 / {SMALL + LARGE * LARGE_SIZE}"  # the project's
    assert metrics["Edited by reviewers"] == "1"
    assert metrics["Post-edit TER"] == "—"  # nothing reviewed in the first 50 documents
    table = at.dataframe[0].value
    assert table["document_id"].tolist() == list(range(1, SMALL + 1))
    assert reads.rows < LARGE * LARGE_SIZE  # the large documents' units were not read
    at.number_input(key="q_page").set_value(2).run()
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Post-edit TER"]) > 0  # the edited unit is on this page
    table = at.dataframe[0].value
    assert table["document_id"].tolist() == list(range(SMALL + 1, SMALL + LARGE + 1))
    assert table["units"].tolist() == [LARGE_SIZE] * LARGE
    assert table["edited"].tolist() == [0] * (LARGE - 1) + [1]


def test_review_qa_view_checks_a_page_of_documents(archive):
    at, reads = _start(archive, "qa")
    assert f"Checking documents 1–{SMALL} of {SMALL + LARGE}" in " ".join(
        c.value for c in at.caption)
    problems = at.dataframe[0].value
    assert problems["document"].str.startswith("Article ").all()
    assert {int(t.split()[1]) for t in problems["document"]} <= set(range(SMALL))
    assert reads.rows < LARGE * LARGE_SIZE
    at.number_input(key="qa_page").set_value(2).run()
    problems = at.dataframe[0].value
    assert {int(t.split()[1]) for t in problems["document"]} <= set(range(SMALL, SMALL + LARGE))
    assert "low confidence" in set(problems["kind"])


def test_documents_lists_a_page_of_documents_and_selects_on_it(archive, monkeypatch):
    from workbench.app import queries

    monkeypatch.setattr(queries, "DOCUMENTS_LISTED", 20)
    at, _ = _start(archive, "documents")
    assert len(at.dataframe[0].value) == 20
    total = SMALL + LARGE * LARGE_SIZE
    assert f"{SMALL + LARGE} documents, {total} segments" in " ".join(c.value for c in at.caption)
    at.number_input(key="doc_page").set_value(3).run()
    table = at.dataframe[0].value
    assert table["id"].tolist() == list(range(41, SMALL + LARGE + 1))  # the last 15
    at.session_state["doc_table_3"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert "selected: 42" in " ".join(c.value for c in at.caption)
