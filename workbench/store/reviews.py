"""Reviews (final text and status per segment and target language) and their edit history
(tables ``reviews`` and ``edits``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import polars as pl

from workbench.errors import ConflictError, NotFoundError
from workbench.store.db import Database, Record, marks

#: The statuses of a review (the ``reviews.status`` CHECK of the schema); CLI, app and
#: file formats read them from here.
REVIEW_STATUSES = ("todo", "approved", "rejected", "flagged")
#: Where an edit came from (``edits.origin``); '' in rows written before schema 3.
EDIT_ORIGINS = ("reviewer", "normaliser", "import", "undo", "")


def follow_untouched_review(conn: sqlite3.Connection, segment_id: int, target_lang: str,
                            text: str) -> None:
    """A review nobody touched (still an earlier translation, status todo, no edits)
    follows a new translation, e.g. a rerun with a glossary; reviewers' text never moves."""
    conn.execute(
        """UPDATE reviews SET text = ?, version = version + 1,
               updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
           WHERE segment_id = ? AND target_lang = ? AND status = 'todo' AND text != ?
             AND text IN (SELECT text FROM translations WHERE segment_id = ? AND target_lang = ?)
             AND NOT EXISTS (SELECT 1 FROM edits WHERE segment_id = ? AND target_lang = ?)""",
        (text, segment_id, target_lang, text, segment_id, target_lang, segment_id, target_lang),
    )


def seed_review(conn: sqlite3.Connection, segment_id: int, target_lang: str, text: str) -> None:
    """A segment's first translation seeds its review text."""
    conn.execute("INSERT INTO reviews (segment_id, target_lang, text) VALUES (?, ?, ?) "
                 "ON CONFLICT DO NOTHING", (segment_id, target_lang, text))


class ReviewText(NamedTuple):
    """A review's text, version and status."""

    segment_id: int
    text: str
    version: int
    status: str


@dataclass(frozen=True)
class Review(Record):
    """A stored review: the columns of the table ``reviews``."""

    segment_id: int
    target_lang: str
    text: str
    status: str
    version: int
    updated_at: str


@dataclass(frozen=True)
class UndoableEdit(Record):
    """One edit of a review's history, as undo reads it (columns of the table ``edits``)."""

    id: int
    old_text: str | None
    old_status: str | None
    new_text: str
    new_status: str
    version: int
    origin: str


class Reviews(Database):
    """Queries of the tables ``reviews`` and ``edits``."""

    def review_texts(self, target_lang: str,
                     document_ids: Sequence[int] | None = None) -> list[ReviewText]:
        """The reviews into ``target_lang`` (of the segments of ``document_ids`` when not
        None), by segment id."""
        sql = """SELECT r.segment_id, r.text, r.version, r.status FROM reviews r
                 JOIN segments s ON s.id = r.segment_id WHERE r.target_lang = ?"""
        params: list[object] = [target_lang]
        if document_ids is not None:
            if not document_ids:
                return []
            sql += f" AND s.document_id IN ({marks(document_ids)})"
            params += list(document_ids)
        return [ReviewText(*r) for r in self.conn.execute(sql + " ORDER BY r.segment_id", params)]

    def review_texts_after(self, target_lang: str, after: int, limit: int) -> list[ReviewText]:
        """Up to ``limit`` of :meth:`review_texts` (all documents) with a segment id over
        ``after``: one page of a pass that never holds them all (keyset pagination)."""
        return [ReviewText(*r) for r in self.conn.execute(
            """SELECT r.segment_id, r.text, r.version, r.status FROM reviews r
               JOIN segments s ON s.id = r.segment_id
               WHERE r.target_lang = ? AND r.segment_id > ? ORDER BY r.segment_id LIMIT ?""",
            (target_lang, after, limit))]

    def final_texts_after(self, target_lang: str, after: int, limit: int
                          ) -> list[tuple[int, str, str]]:
        """``(segment_id, source, final text)`` of the current documents' reviews into
        ``target_lang`` (the rows of :meth:`pairs`), up to ``limit`` with a segment id over
        ``after``, by segment id (keyset pagination)."""
        return [tuple(r) for r in self.conn.execute(
            """SELECT r.segment_id, s.text, r.text FROM reviews r
               JOIN segments s ON s.id = r.segment_id
               JOIN documents d ON d.id = s.document_id
               WHERE r.target_lang = ? AND d.is_current = 1 AND r.segment_id > ?
               ORDER BY r.segment_id LIMIT ?""", (target_lang, after, limit))]

    def review(self, segment_id: int, target_lang: str) -> Review | None:
        """The review of a segment into ``target_lang``, or None."""
        row = self.conn.execute(
            "SELECT * FROM reviews WHERE segment_id = ? AND target_lang = ?",
            (segment_id, target_lang),
        ).fetchone()
        return None if row is None else Review._from_row(row)

    def save_review(
        self,
        segment_id: int,
        target_lang: str,
        *,
        text: str | None = None,
        status: str | None = None,
        expected_version: int | None = None,
        author: str | None = None,
        origin: str = "reviewer",
    ) -> int:
        """Change the final text and/or status of a segment; returns the new version.

        ``expected_version`` is the version the editor started from. If the row
        moved on since, :class:`ConflictError` is raised and nothing is written,
        so a later save never silently overwrites an earlier one. Each save is
        one row of the edit history with its ``author`` (default: the project's actor)
        and ``origin``. An account may save only what its role allows
        (:class:`~workbench.errors.NotAllowedError`; a reviewer: the documents assigned
        to them).
        """
        if status is not None and status not in REVIEW_STATUSES:
            raise ValueError(f"unknown review status {status!r}; use one of {REVIEW_STATUSES}")
        if origin not in EDIT_ORIGINS:
            raise ValueError(f"unknown edit origin {origin!r}; use one of {EDIT_ORIGINS}")
        if author is None:
            author = self.author
        with self.transaction() as conn:
            if self.actor.role is not None:
                doc = conn.execute("SELECT document_id FROM segments WHERE id = ?",
                                   (segment_id,)).fetchone()
                self.require("review", () if doc is None else (doc[0],))
            row = conn.execute(
                "SELECT text, status, version FROM reviews WHERE segment_id = ? AND target_lang = ?",
                (segment_id, target_lang),
            ).fetchone()
            if row is None:
                if conn.execute("SELECT 1 FROM segments WHERE id = ?", (segment_id,)).fetchone() is None:
                    raise NotFoundError(f"no segment with id {segment_id}")
                old_text, old_status, version = None, None, 0
            else:
                old_text, old_status, version = row["text"], row["status"], row["version"]
            if expected_version is not None and expected_version != version:
                raise ConflictError(
                    f"segment {segment_id} ({target_lang}) was changed elsewhere "
                    f"(version {version}, you edited version {expected_version})"
                )
            new_text = old_text if text is None else text
            if new_text is None:
                new_text = ""
            new_status = status or old_status or "todo"
            new_version = version + 1
            conn.execute(
                """INSERT INTO reviews (segment_id, target_lang, text, status, version)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT DO UPDATE SET text = excluded.text, status = excluded.status,
                       version = excluded.version,
                       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')""",
                (segment_id, target_lang, new_text, new_status, new_version),
            )
            conn.execute(
                """INSERT INTO edits (segment_id, target_lang, old_text, new_text, old_status,
                       new_status, version, author, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (segment_id, target_lang, old_text, new_text, old_status, new_status,
                 new_version, author, origin),
            )
        return new_version

    def history(self, segment_id: int, target_lang: str) -> pl.DataFrame:
        """The edits of a segment, oldest first; ``origin`` is filled in for rows written
        without one (``import:FILE`` authors are imports, the rest reviewers)."""
        return self.frame(
            """SELECT id, segment_id, target_lang, old_text, new_text, old_status, new_status,
                      version, author, at,
                      CASE WHEN origin != '' THEN origin
                           WHEN author LIKE 'import:%' THEN 'import'
                           ELSE 'reviewer' END AS origin
               FROM edits WHERE segment_id = ? AND target_lang = ? ORDER BY id""",
            (segment_id, target_lang),
        )

    def undoable_edit(self, segment_id: int, target_lang: str) -> UndoableEdit | None:
        """The edit the next undo reverts: edits form a stack, each undo pops one, so
        undo after undo walks back through the versions (it never redoes)."""
        stack: list[UndoableEdit] = []
        for row in self.conn.execute(
            """SELECT id, old_text, old_status, new_text, new_status, version, origin
               FROM edits WHERE segment_id = ? AND target_lang = ? ORDER BY id""",
            (segment_id, target_lang),
        ):
            edit = UndoableEdit._from_row(row)
            if edit.origin == "undo":
                if stack:
                    stack.pop()
            else:
                stack.append(edit)
        while stack and stack[-1].old_text is None:  # created the review: nothing before
            stack.pop()
        return stack[-1] if stack else None

    def undo_last_edit(self, segment_id: int, target_lang: str, author: str | None = None,
                       expected_version: int | None = None) -> int:
        """Restore the text and status from before the newest edit not undone yet
        (recorded as a new edit of origin ``undo``); repeated, it walks back one version at
        a time. With ``expected_version``, a segment changed meanwhile raises
        :class:`ConflictError` instead of undoing the other change."""
        last = self.undoable_edit(segment_id, target_lang)
        if last is None:
            raise NotFoundError(f"segment {segment_id} ({target_lang}) has no edit to undo")
        if expected_version is None:
            expected_version = self.review(segment_id, target_lang).version
        return self.save_review(
            segment_id, target_lang, text=last.old_text, status=last.old_status,
            expected_version=expected_version, author=author, origin="undo",
        )

    def edit_at_version(self, segment_id: int, target_lang: str,
                        version: int) -> tuple[str, str] | None:
        """``(text, status)`` the edit that made ``version`` of a review left, or None."""
        row = self.conn.execute(
            """SELECT new_text, new_status FROM edits WHERE segment_id = ? AND target_lang = ?
               AND version = ? ORDER BY id DESC LIMIT 1""",
            (segment_id, target_lang, version)).fetchone()
        return None if row is None else (row[0], row[1])
