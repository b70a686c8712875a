"""Machine translations and the engines' translation memory (``translations``,
``translation_memory``)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import polars as pl

from workbench.store.db import Database
from workbench.store.reviews import follow_untouched_review, seed_review


class Translations(Database):
    """Queries of the tables ``translations`` and ``translation_memory``."""

    def tm_lookup(
        self, engine: str, model_version: str, source_lang: str, target_lang: str,
        texts: Sequence[str],
    ) -> dict[str, tuple[str, dict]]:
        """Translation-memory hits for ``texts`` (source text -> (target, meta))."""
        hits: dict[str, tuple[str, dict]] = {}
        unique = list(dict.fromkeys(texts))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"""SELECT source_text, target_text, meta FROM translation_memory
                    WHERE engine = ? AND model_version = ? AND source_lang = ?
                      AND target_lang = ? AND source_text IN ({marks})""",
                (engine, model_version, source_lang, target_lang, *chunk),
            ):
                hits[row[0]] = (row[1], json.loads(row[2]))
        return hits

    def save_translations(
        self,
        *,
        engine: str,
        model: str,
        model_version: str,
        source_lang: str,
        target_lang: str,
        rows: Sequence[tuple[int, str, str, dict]],
    ) -> None:
        """Store ``(segment_id, source_text, target_text, meta)`` rows and their TM entries.

        One transaction per call: callers translate in batches and save each
        batch, so a killed run keeps every finished batch and resumes after it. The
        project's actor is recorded as the ``author`` of each translation.
        """
        with self.transaction() as conn:
            for seg_id, source, target, meta in rows:
                meta_json = json.dumps(meta, ensure_ascii=False, sort_keys=True)
                follow_untouched_review(conn, seg_id, target_lang, target)
                conn.execute(
                    """INSERT INTO translation_memory (engine, model_version, source_lang,
                           target_lang, source_text, target_text, meta)
                       VALUES (?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT DO UPDATE SET target_text = excluded.target_text,
                                                 meta = excluded.meta""",
                    (engine, model_version, source_lang, target_lang, source, target, meta_json),
                )
                conn.execute(
                    """INSERT INTO translations (segment_id, target_lang, engine, model,
                           model_version, text, meta, author)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (segment_id, target_lang, engine) DO UPDATE SET
                           model = excluded.model, model_version = excluded.model_version,
                           text = excluded.text, meta = excluded.meta,
                           author = excluded.author,
                           created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')""",
                    (seg_id, target_lang, engine, model, model_version, target, meta_json,
                     self.author),
                )
                seed_review(conn, seg_id, target_lang, target)

    def translations(self, target_lang: str, document_id: int | None = None) -> pl.DataFrame:
        """Machine translations for one target language, in document order."""
        where = "AND s.document_id = ?" if document_id else ""
        params: tuple = (target_lang, document_id) if document_id else (target_lang,)
        return self.frame(
            f"""
            SELECT s.document_id, s.id AS segment_id, s.idx, s.text AS source, t.text AS target,
                   t.engine, t.model, t.model_version, t.meta, t.author
            FROM translations t JOIN segments s ON s.id = t.segment_id
            WHERE t.target_lang = ? {where}
            ORDER BY s.document_id, s.idx, t.engine
            """,
            params,
        )

    def engine_texts(self, document_id: int, target_lang: str, engine: str) -> list[str | None]:
        """The translation by ``engine`` of each translatable segment of a document, in
        order (None where it has none): the target side of an ``mt`` alignment."""
        return [r[0] for r in self.conn.execute(
            """SELECT t.text FROM segments s
               LEFT JOIN translations t ON t.segment_id = s.id AND t.target_lang = ?
                    AND t.engine = ?
               WHERE s.document_id = ? AND s.translatable = 1 ORDER BY s.idx""",
            (target_lang, engine, document_id))]

    def translated_segment_ids(self, target_lang: str, engine: str, model_version: str,
                               *, between: tuple[int, int] | None = None) -> set[int]:
        """Segments that already have a translation by this engine and model version
        (with an id in ``between``'s closed range when given: one page's worth)."""
        sql = ("SELECT segment_id FROM translations WHERE target_lang = ? AND engine = ? "
               "AND model_version = ?")
        params: tuple = (target_lang, engine, model_version)
        if between is not None:
            sql += " AND segment_id BETWEEN ? AND ?"
            params += between
        return {r[0] for r in self.conn.execute(sql, params)}

    def has_translation(self, segment_id: int, target_lang: str, text: str) -> bool:
        """Whether some engine translated the segment into ``text``."""
        return self.conn.execute(
            "SELECT 1 FROM translations WHERE segment_id = ? AND target_lang = ? AND text = ?",
            (segment_id, target_lang, text)).fetchone() is not None

    def add_translation(self, segment_id: int, target_lang: str, *, engine: str, model: str,
                        model_version: str, text: str, meta: dict) -> None:
        """Store one machine translation as it is (e.g. read from an imported file): no
        translation-memory entry, no review seeded."""
        with self.transaction() as conn:
            conn.execute(
                """INSERT INTO translations (segment_id, target_lang, engine, model,
                       model_version, text, meta, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (segment_id, target_lang, engine, model, model_version, text,
                 json.dumps(meta, ensure_ascii=False, sort_keys=True), self.author))
