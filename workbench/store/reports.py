"""Reports for the CLI, the app and the exports: read-only queries across the tables
(review units with their machine translation and alignment confidence, progress counts,
the rows an export streams)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

import polars as pl

from workbench.store.alignments import Alignments
from workbench.store.codes import Codes
from workbench.store.db import marks

#: The newest machine translation of segment ``s`` into ``r.target_lang`` (by time, then id:
#: two engines writing in the same millisecond still give one answer), for a
#: ``LEFT JOIN translations t ON t.id = (...)``.
NEWEST_MT = """(SELECT t2.id FROM translations t2
                 WHERE t2.segment_id = s.id AND t2.target_lang = r.target_lang
                 ORDER BY t2.created_at DESC, t2.id DESC LIMIT 1)"""


class ExportRow(NamedTuple):
    """One segment × target language of an export (target fields None: no review)."""

    document_id: int
    title: str
    source_lang: str
    segment_id: int
    idx: int
    paragraph: int
    source: str
    target_lang: str | None
    text: str | None
    status: str | None
    version: int | None
    mt: str | None
    engine: str | None
    model: str | None
    model_version: str | None


class TargetProgress(NamedTuple):
    """Reviews of one document in one target language: how many, how many approved."""

    document_id: int
    target_lang: str
    translated: int
    approved: int


class Reports(Alignments, Codes):
    """Read-only queries that join documents, segments, translations, reviews and beads."""

    def _with_confidence(self, frame: pl.DataFrame, target_lang: str) -> pl.DataFrame:
        """``frame`` (rows with ``document_id`` and ``segment_id``) with the alignment
        ``confidence`` of each segment into ``target_lang`` (see :meth:`bead_confidences`)."""
        if frame.is_empty():
            return frame.with_columns(pl.lit(None, pl.Float64).alias("confidence"))
        conf: dict[tuple[int, str], float] = {}
        for doc in frame["document_id"].unique(maintain_order=True).to_list():
            conf.update(self.bead_confidences(doc, [target_lang]))
        return frame.with_columns(pl.Series(
            "confidence", [conf.get((i, target_lang)) for i in frame["segment_id"].to_list()],
            dtype=pl.Float64))

    @staticmethod
    def _units_where(target_lang: str, document_ids: Sequence[int] | None,
                     statuses: Sequence[str] | None) -> tuple[str, list[object]]:
        """The WHERE clause (and its parameters) of the review units of one target
        language, of current documents (of ``document_ids``, with ``statuses``, when given)."""
        where, params = ["r.target_lang = ?", "d.is_current = 1"], [target_lang]
        if document_ids:
            where.append(f"s.document_id IN ({marks(document_ids)})")
            params.extend(document_ids)
        if statuses:
            where.append(f"r.status IN ({marks(statuses)})")
            params.extend(statuses)
        return " AND ".join(where), params

    def pairs(
        self,
        target_lang: str,
        *,
        document_ids: Sequence[int] | None = None,
        statuses: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> pl.DataFrame:
        """The review units of one target language: source segment, machine
        translation, reviewed text, status, version and alignment confidence.

        One row per translatable segment that has a review row, in document
        order (the first ``limit`` only, when given). ``confidence`` is that of the newest
        stored bead holding the segment for this target (null when the document was not
        aligned). A whole archive does not fit in a frame: pages ask for their documents
        or a ``limit``, and count with :meth:`count_pairs` or :meth:`review_summary`.
        """
        where, params = self._units_where(target_lang, document_ids, statuses)
        return self._with_confidence(self.frame(
            f"""
            SELECT s.document_id, d.title AS document, d.lang AS source_lang,
                   r.target_lang, s.id AS segment_id, s.idx, p.idx AS paragraph,
                   s.text AS source, t.text AS mt, r.text AS target, r.status, r.version,
                   t.engine, t.model, t.model_version
            FROM reviews r
            JOIN segments s ON s.id = r.segment_id
            JOIN documents d ON d.id = s.document_id
            JOIN paragraphs p ON p.id = s.paragraph_id
            LEFT JOIN translations t ON t.id = {NEWEST_MT}
            WHERE {where}
            ORDER BY s.document_id, s.idx
            {'' if limit is None else f'LIMIT {int(limit)}'}
            """,
            params,
        ), target_lang)

    def count_pairs(self, target_lang: str, *, document_ids: Sequence[int] | None = None,
                    statuses: Sequence[str] | None = None,
                    min_confidence: float | None = None) -> int:
        """How many rows :meth:`pairs` gives for these filters, counted without reading
        them into this process; with ``min_confidence``, only units whose alignment
        confidence is known and at least that (the segments are streamed and each
        document's confidences read in turn: one document in memory at a time)."""
        where, params = self._units_where(target_lang, document_ids, statuses)
        if min_confidence is None:
            return self.conn.execute(
                f"""SELECT COUNT(*) FROM reviews r JOIN segments s ON s.id = r.segment_id
                    JOIN documents d ON d.id = s.document_id WHERE {where}""",
                params).fetchone()[0]
        count, doc, conf = 0, None, {}
        for document_id, segment_id in self.stream(
                f"""SELECT s.document_id, s.id FROM reviews r
                    JOIN segments s ON s.id = r.segment_id
                    JOIN documents d ON d.id = s.document_id
                    WHERE {where} ORDER BY s.document_id""", params):
            if document_id != doc:
                doc, conf = document_id, self.bead_confidences(document_id, [target_lang])
            value = conf.get((segment_id, target_lang))
            count += value is not None and value >= min_confidence
        return count

    def review_summary(self, target_lang: str) -> pl.DataFrame:
        """Per current document with review units into ``target_lang``, in document order:
        ``document_id, document`` (title), ``units``, ``reviewed`` (status no longer todo)
        and ``edited`` (final text differs from the newest machine translation). One
        aggregate query: a row per document, whatever the number of segments."""
        where, params = self._units_where(target_lang, None, None)
        return self.frame(
            f"""
            SELECT s.document_id, d.title AS document, COUNT(*) AS units,
                   SUM(CASE WHEN r.status != 'todo' THEN 1 ELSE 0 END) AS reviewed,
                   SUM(CASE WHEN t.text IS NOT NULL AND t.text != r.text
                       THEN 1 ELSE 0 END) AS edited
            FROM reviews r
            JOIN segments s ON s.id = r.segment_id
            JOIN documents d ON d.id = s.document_id
            LEFT JOIN translations t ON t.id = {NEWEST_MT}
            WHERE {where}
            GROUP BY s.document_id, d.title
            ORDER BY s.document_id
            """, params)

    def document_pairs(self, document_id: int, target_lang: str) -> pl.DataFrame:
        """The review units of one document, whether current or not (the columns of the
        Review page: ``document_id, segment_id, idx, paragraph, source, mt, target,
        status, version, engine, model, confidence, codes``; ``codes``: the JSON of the
        segment's inline codes, see :mod:`workbench.io.inline`)."""
        frame = self._with_confidence(self.frame(
            f"""
            SELECT s.document_id, s.id AS segment_id, s.idx, p.idx AS paragraph,
                   s.text AS source, t.text AS mt, r.text AS target, r.status, r.version,
                   t.engine, t.model
            FROM reviews r
            JOIN segments s ON s.id = r.segment_id
            JOIN paragraphs p ON p.id = s.paragraph_id
            LEFT JOIN translations t ON t.id = {NEWEST_MT}
            WHERE r.target_lang = ? AND s.document_id = ?
            ORDER BY s.idx
            """,
            (target_lang, document_id),
        ), target_lang)
        codes = self.document_codes(document_id)
        return frame.with_columns(pl.Series(
            "codes", [codes.get(i) for i in frame["segment_id"].to_list()], dtype=pl.String))

    def review_langs(self) -> list[str]:
        """Target languages that have review rows, most used first."""
        return [r[0] for r in self.conn.execute(
            "SELECT target_lang, COUNT(*) AS n FROM reviews GROUP BY target_lang "
            "ORDER BY n DESC, target_lang")]

    def document_progress(self, target_lang: str) -> pl.DataFrame:
        """Current documents (with the ``version`` and its ``author``) with counts of
        segments, translatable segments, and those ``translated`` (a machine translation
        into ``target_lang``), ``reviewed`` (status no longer todo) and ``approved``."""
        return self.frame(
            """
            SELECT d.id, d.title, d.lang, d.format, d.version, d.ingested_at, d.author,
                   COUNT(s.id) AS segments,
                   COALESCE(SUM(s.translatable), 0) AS translatable,
                   COALESCE(SUM(CASE WHEN s.translatable = 1 AND EXISTS (
                        SELECT 1 FROM translations t WHERE t.segment_id = s.id
                        AND t.target_lang = ?) THEN 1 ELSE 0 END), 0) AS translated,
                   COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM reviews r
                        WHERE r.segment_id = s.id AND r.target_lang = ?
                        AND r.status != 'todo') THEN 1 ELSE 0 END), 0) AS reviewed,
                   COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM reviews r
                        WHERE r.segment_id = s.id AND r.target_lang = ?
                        AND r.status = 'approved') THEN 1 ELSE 0 END), 0) AS approved
            FROM documents d LEFT JOIN segments s ON s.document_id = d.id
            WHERE d.is_current = 1
            GROUP BY d.id, d.title, d.lang, d.format, d.version, d.ingested_at, d.author
            ORDER BY d.id
            """,
            (target_lang, target_lang, target_lang),
        )

    def target_progress(self) -> list[TargetProgress]:
        """Per document and target language: reviews, and how many are approved
        (every document version; by target language)."""
        return [TargetProgress(*r) for r in self.conn.execute(
            """SELECT s.document_id, r.target_lang, COUNT(*) AS translated,
                      SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END) AS approved
               FROM reviews r JOIN segments s ON s.id = r.segment_id
               GROUP BY s.document_id, r.target_lang ORDER BY r.target_lang""")]

    def source_langs(self, document_ids: Sequence[int] | None = None) -> list[str]:
        """Languages of the current documents (of ``document_ids`` when given), sorted."""
        sql, params = "SELECT DISTINCT lang FROM documents WHERE is_current = 1", []
        if document_ids:
            sql += f" AND id IN ({marks(document_ids)})"
            params.extend(document_ids)
        return sorted(r[0] for r in self.conn.execute(sql, params))

    def source_langs_by_size(self) -> list[str]:
        """Languages of the project's current documents, the most segments first."""
        return [r[0] for r in self.conn.execute(
            """SELECT d.lang FROM documents d JOIN segments s ON s.document_id = d.id
               WHERE d.is_current = 1 GROUP BY d.lang ORDER BY COUNT(*) DESC, d.lang""")]

    def texts_in(self, lang: str) -> list[str]:
        """Every translatable text of the project in ``lang``: source segments of current
        documents and final translations."""
        return [r[0] for r in self.conn.execute(
            """SELECT s.text FROM segments s JOIN documents d ON d.id = s.document_id
               WHERE d.is_current = 1 AND d.lang = ? AND s.translatable = 1
               UNION ALL SELECT r.text FROM reviews r WHERE r.target_lang = ?""",
            (lang, lang))]

    def count_translatable(self, document_ids: Sequence[int] | None = None) -> int:
        """How many translatable segments the current documents (of ``document_ids`` when
        given) hold."""
        sql = """SELECT COUNT(*) FROM segments s JOIN documents d ON d.id = s.document_id
                 WHERE d.is_current = 1 AND s.translatable = 1"""
        params: list[object] = []
        if document_ids:
            sql += f" AND s.document_id IN ({marks(document_ids)})"
            params.extend(document_ids)
        return self.conn.execute(sql, params).fetchone()[0]

    def current_document_ids(self, document_ids: Sequence[int]) -> set[int]:
        """Those of ``document_ids`` that are current documents."""
        if not document_ids:
            return set()
        return {r[0] for r in self.conn.execute(
            f"SELECT id FROM documents WHERE is_current = 1 AND id IN ({marks(document_ids)})",
            list(document_ids))}

    def export_rows(self, target_langs: Sequence[str], source_langs: Sequence[str],
                    document_ids: Sequence[int] | None, include_empty: bool
                    ) -> Iterator[ExportRow]:
        """The segments of the current documents in ``source_langs`` with their reviews in
        ``target_langs`` and the newest machine translation of each, streamed in document
        order (rows of one segment together, by target language). ``include_empty`` adds
        translatable segments without a review (target fields None) and keeps reviewed
        untranslatable ones. Exporting needs the ``export`` permission
        (:class:`~workbench.errors.NotAllowedError`, raised here, before any row).

        One query, its rows handed over a batch at a time (:meth:`stream`): an archive's
        rows are never all in this process, on SQLite or PostgreSQL."""
        self.require("export")
        return self._export_rows(target_langs, source_langs, document_ids, include_empty)

    def _export_rows(self, target_langs: Sequence[str], source_langs: Sequence[str],
                     document_ids: Sequence[int] | None, include_empty: bool
                     ) -> Iterator[ExportRow]:
        params: list[object] = [*target_langs, *source_langs]
        where = ["d.is_current = 1", f"d.lang IN ({marks(source_langs)})"]
        if include_empty:
            where.append("(s.translatable = 1 OR r.segment_id IS NOT NULL)")
        if document_ids:
            where.append(f"s.document_id IN ({marks(document_ids)})")
            params.extend(document_ids)
        rows = self.stream(
            f"""
            SELECT s.document_id, d.title, d.lang, s.id, s.idx, p.idx, s.text,
                   r.target_lang, r.text, r.status, r.version,
                   t.text, t.engine, t.model, t.model_version
            FROM segments s
            JOIN documents d ON d.id = s.document_id
            JOIN paragraphs p ON p.id = s.paragraph_id
            {'LEFT' if include_empty else ''} JOIN reviews r
                 ON r.segment_id = s.id AND r.target_lang IN ({marks(target_langs)})
            LEFT JOIN translations t ON t.id = {NEWEST_MT}
            WHERE {' AND '.join(where)}
            ORDER BY s.document_id, s.idx, r.target_lang
            """, params)
        return (ExportRow(*r) for r in rows)
