"""Documents, their paragraphs and segments: adding (a new version per re-ingest) and reading."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import polars as pl

from workbench.errors import NotFoundError
from workbench.store.db import Database, Record


@dataclass(frozen=True)
class NewSegment:
    """A sentence (or a piece of page debris) ready to be stored."""

    text: str
    translatable: bool
    reason: str | None = None
    idx: int | None = None  # position in the document; None: after the previous segment


@dataclass(frozen=True)
class NewParagraph:
    """A paragraph with its segments, in document order."""

    text: str
    kind: str
    segments: Sequence[NewSegment]
    idx: int | None = None  # position in the document; None: after the previous paragraph


@dataclass(frozen=True)
class Document(Record):
    """A stored document (one version): the columns of the table ``documents``."""

    id: int
    source_path: str
    title: str
    lang: str
    lang_confidence: float | None
    format: str
    encoding: str
    content_hash: str
    version: int
    is_current: int
    ingested_at: str
    author: str


class SegmentRef(NamedTuple):
    """A stored segment: its document and text."""

    document_id: int
    text: str


class Documents(Database):
    """Queries of the tables ``documents``, ``paragraphs`` and ``segments``."""

    def documents(self, *, current_only: bool = True) -> pl.DataFrame:
        """Documents with their segment counts and the ``author`` of each version, oldest
        first."""
        where = "WHERE d.is_current = 1" if current_only else ""
        return self.frame(
            f"""
            SELECT d.id, d.title, d.lang, d.source_path, d.version, d.format, d.encoding,
                   d.content_hash, d.ingested_at, d.author,
                   (SELECT COUNT(*) FROM paragraphs p WHERE p.document_id = d.id) AS paragraphs,
                   (SELECT COUNT(*) FROM segments s WHERE s.document_id = d.id) AS segments,
                   (SELECT COUNT(*) FROM segments s
                     WHERE s.document_id = d.id AND s.translatable = 1) AS translatable
            FROM documents d {where}
            ORDER BY d.id
            """
        )

    def segments(self, document_id: int | None = None) -> pl.DataFrame:
        """Segments in document order, with their paragraph index."""
        where, params = ("WHERE s.document_id = ?", (document_id,)) if document_id else ("", ())
        return self.frame(
            f"""
            SELECT s.id, s.document_id, p.idx AS paragraph, s.idx, s.text,
                   s.translatable, s.reason
            FROM segments s JOIN paragraphs p ON p.id = s.paragraph_id
            {where}
            ORDER BY s.document_id, s.idx
            """,
            params,
        )

    def translatable_segments_after(self, lang: str, after: int, limit: int
                                    ) -> list[tuple[int, int, str]]:
        """``(id, document_id, text)`` of up to ``limit`` translatable segments of the
        current ``lang`` documents with an id over ``after``, by id: one page of a pass
        over an archive that never holds all its segments (keyset pagination)."""
        return [tuple(r) for r in self.conn.execute(
            """SELECT s.id, s.document_id, s.text FROM segments s
               JOIN documents d ON d.id = s.document_id
               WHERE d.is_current = 1 AND d.lang = ? AND s.translatable = 1 AND s.id > ?
               ORDER BY s.id LIMIT ?""", (lang, after, limit))]

    def document(self, document_id: int) -> Document:
        """Document ``document_id`` (any version); :class:`NotFoundError` when there is none."""
        doc = self.find_document(document_id)
        if doc is None:
            raise NotFoundError(f"no document with id {document_id}")
        return doc

    def find_document(self, document_id: int) -> Document | None:
        """Document ``document_id`` (any version), or None."""
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?",
                                (document_id,)).fetchone()
        return None if row is None else Document._from_row(row)

    def find_current(self, source_path: str, content_hash: str) -> int | None:
        """The id of the current document at ``source_path`` with that content, or None."""
        row = self.conn.execute(
            """SELECT id FROM documents WHERE source_path = ? AND content_hash = ?
               AND is_current = 1""", (source_path, content_hash)).fetchone()
        return None if row is None else int(row[0])


    def source_paths(self) -> set[str]:
        """The ``source_path`` of every document, of every version."""
        return {r[0] for r in self.conn.execute("SELECT DISTINCT source_path FROM documents")}

    def find_by_hash(self, content_hash: str) -> Document | None:
        """The newest document with that content, or None."""
        row = self.conn.execute(
            "SELECT * FROM documents WHERE content_hash = ? ORDER BY version DESC LIMIT 1",
            (content_hash,),
        ).fetchone()
        return None if row is None else Document._from_row(row)

    def add_document(
        self,
        *,
        source_path: str,
        title: str,
        lang: str,
        lang_confidence: float | None,
        fmt: str,
        encoding: str,
        content_hash: str,
        paragraphs: Sequence[NewParagraph],
    ) -> int:
        """Store a document (a new version if the path is known) in one transaction; its
        author is the project's actor."""
        with self.transaction() as conn:
            return self._insert_document(conn, self.author, source_path, title, lang, lang_confidence, fmt,
                                         encoding, content_hash, paragraphs)

    def add_document_once(
        self,
        *,
        source_path: str,
        title: str,
        lang: str,
        lang_confidence: float | None,
        fmt: str,
        encoding: str,
        content_hash: str,
        paragraphs: Sequence[NewParagraph],
    ) -> tuple[int, int, Document | None]:
        """Like :meth:`add_document`, unless a document with ``content_hash`` exists: then
        nothing is written. The check and the insert are one transaction, so two
        processes ingesting the same text at once store it once.

        Returns ``(document id, version, the existing document or None)``."""
        with self.transaction() as conn:
            known = self.find_by_hash(content_hash)  # inside the transaction: no race
            if known is not None:
                return int(known.id), int(known.version), known
            doc_id = self._insert_document(conn, self.author, source_path, title, lang, lang_confidence, fmt,
                                           encoding, content_hash, paragraphs)
            version = conn.execute("SELECT version FROM documents WHERE id = ?",
                                   (doc_id,)).fetchone()[0]
            return doc_id, int(version), None

    @staticmethod
    def _insert_document(conn: sqlite3.Connection, author: str, source_path: str, title: str,
                         lang: str,
                         lang_confidence: float | None, fmt: str, encoding: str,
                         content_hash: str, paragraphs: Sequence[NewParagraph]) -> int:
        prev = conn.execute(
            "SELECT MAX(version) FROM documents WHERE source_path = ?", (source_path,)
        ).fetchone()[0]
        version = (prev or 0) + 1
        conn.execute(
            "UPDATE documents SET is_current = 0 WHERE source_path = ?", (source_path,)
        )
        doc_id = conn.execute(
            """INSERT INTO documents (source_path, title, lang, lang_confidence, format,
                   encoding, content_hash, version, is_current, author)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)""",
            (source_path, title, lang, lang_confidence, fmt, encoding, content_hash, version,
             author),
        ).lastrowid
        seg_idx = 0
        for p_idx, para in enumerate(paragraphs):
            p_idx = p_idx if para.idx is None else para.idx
            para_id = conn.execute(
                "INSERT INTO paragraphs (document_id, idx, text, kind) VALUES (?, ?, ?, ?)",
                (doc_id, p_idx, para.text, para.kind),
            ).lastrowid
            for seg in para.segments:
                seg_idx = seg_idx if seg.idx is None else seg.idx
                conn.execute(
                    """INSERT INTO segments (document_id, paragraph_id, idx, text,
                           translatable, reason) VALUES (?, ?, ?, ?, ?, ?)""",
                    (doc_id, para_id, seg_idx, seg.text, int(seg.translatable), seg.reason),
                )
                seg_idx += 1
        return int(doc_id)


    def segment_texts(self, document_id: int) -> dict[int, str]:
        """Segment id -> text, for every segment of a document."""
        return {int(i): t for i, t in self.conn.execute(
            "SELECT id, text FROM segments WHERE document_id = ?", (document_id,))}

    def segment_ids(self, document_id: int) -> list[int]:
        """The segment ids of a document, in document order."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM segments WHERE document_id = ? ORDER BY idx", (document_id,))]

    def segment(self, segment_id: int) -> SegmentRef | None:
        """Which document a segment belongs to and its text, or None when there is none."""
        row = self.conn.execute("SELECT document_id, text FROM segments WHERE id = ?",
                                (segment_id,)).fetchone()
        return None if row is None else SegmentRef(int(row[0]), row[1])
