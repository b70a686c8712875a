"""The SQL of segments' inline codes (table ``segment_codes``, schema 5).

One row per segment that has inline codes: their original markup as the JSON
of :func:`workbench.io.inline.dumps`. The store keeps the JSON as it is; what
it means is :mod:`workbench.io.inline`'s business.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def save_codes(conn: sqlite3.Connection, rows: Iterable[tuple[int, str]]) -> None:
    """Set the codes of segments (``(segment_id, json)`` pairs), inside the caller's
    transaction; a row replaces the segment's earlier codes."""
    conn.executemany(
        """INSERT INTO segment_codes (segment_id, codes) VALUES (?, ?)
           ON CONFLICT (segment_id) DO UPDATE SET codes = excluded.codes""", rows)


def segment_codes(conn: sqlite3.Connection, segment_id: int) -> str | None:
    """The codes JSON of one segment (``None`` when it has none)."""
    row = conn.execute("SELECT codes FROM segment_codes WHERE segment_id = ?",
                       (segment_id,)).fetchone()
    return None if row is None else row[0]


def document_codes(conn: sqlite3.Connection, document_id: int) -> dict[int, str]:
    """The codes JSON of every segment of a document that has some, by segment id."""
    return dict(conn.execute(
        """SELECT c.segment_id, c.codes FROM segment_codes c
           JOIN segments s ON s.id = c.segment_id WHERE s.document_id = ?""", (document_id,)))
