"""Reports for the CLI, the app and the exports: read-only queries across the tables
(review units with their machine translation and alignment confidence, progress counts)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from workbench.store.db import Database


class Reports(Database):
    """Read-only queries that join documents, segments, translations, reviews and beads."""

    def pairs(
        self,
        target_lang: str,
        *,
        document_ids: Sequence[int] | None = None,
        statuses: Sequence[str] | None = None,
    ) -> pl.DataFrame:
        """The review units of one target language: source segment, machine
        translation, reviewed text, status, version and alignment confidence.

        One row per translatable segment that has a review row, in document
        order. ``confidence`` is that of the newest stored bead holding the
        segment for this target (null when the document was not aligned).
        """
        where, params = ["r.target_lang = ?", "d.is_current = 1"], [target_lang]
        if document_ids:
            where.append(f"s.document_id IN ({','.join('?' * len(document_ids))})")
            params.extend(document_ids)
        if statuses:
            where.append(f"r.status IN ({','.join('?' * len(statuses))})")
            params.extend(statuses)
        return self.frame(
            f"""
            SELECT s.document_id, d.title AS document, d.lang AS source_lang,
                   r.target_lang, s.id AS segment_id, s.idx, p.idx AS paragraph,
                   s.text AS source, t.text AS mt, r.text AS target, r.status, r.version,
                   t.engine, t.model, t.model_version,
                   (SELECT b.confidence FROM beads b JOIN alignments a ON a.id = b.alignment_id,
                           json_each(b.src_ids) j
                     WHERE a.document_id = s.document_id AND a.target_lang = r.target_lang
                       AND j.value = s.id
                     ORDER BY a.id DESC LIMIT 1) AS confidence
            FROM reviews r
            JOIN segments s ON s.id = r.segment_id
            JOIN documents d ON d.id = s.document_id
            JOIN paragraphs p ON p.id = s.paragraph_id
            LEFT JOIN translations t ON t.id = (
                SELECT t2.id FROM translations t2
                 WHERE t2.segment_id = s.id AND t2.target_lang = r.target_lang
                 ORDER BY t2.created_at DESC LIMIT 1)
            WHERE {' AND '.join(where)}
            ORDER BY s.document_id, s.idx
            """,
            params,
        )

