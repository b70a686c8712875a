"""The memory's word-index queries on PostgreSQL (SQLite's FTS5 ``memory_fts`` and
``memory_vocab`` have no PostgreSQL twin): the ``source_tsv`` column (``to_tsvector('simple',
source)``, GIN-indexed, migration 3 of ``pg_schema``) answers the same three questions.

Differences, by design small: PostgreSQL's parser also keeps hyphenated compounds whole
(``porte-parole`` → ``porte-parole``, ``porte``, ``parole``) and ranks candidates with
``ts_rank`` (term frequency) instead of FTS5's BM25, so fuzzy candidates past the limit
may differ; the matcher scores every candidate itself, so shown scores are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _lexeme(term: str) -> str:
    """``term`` as one quoted tsquery operand."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def term_frequencies(conn: Any, terms: Sequence[str], cap: int | None = None) -> dict[str, int]:
    """Units holding each term (at most ``cap`` counted); absent terms are left out."""
    out: dict[str, int] = {}
    for term in terms:
        query = "SELECT count(*) FROM (SELECT 1 FROM memory_units " \
                "WHERE source_tsv @@ to_tsquery('simple', ?)" + (" LIMIT ?)" if cap else ") u")
        if cap:
            query += " u"
        params = (_lexeme(term), cap) if cap else (_lexeme(term),)
        (n,) = conn.execute(query, params).fetchone()
        if n:
            out[term] = n
    return out


def fuzzy_candidate_rows(conn: Any, columns: str, src: str, tgt: str, terms: Sequence[str],
                         limit: int) -> list:
    """Rows (``columns`` of ``memory_units m``) of up to ``limit`` units matching any of
    ``terms``, best ``ts_rank`` first, of the pair ``src``→``tgt``."""
    query = " | ".join(_lexeme(t) for t in terms)
    return conn.execute(
        f"""SELECT {columns} FROM
              (SELECT id, ts_rank(source_tsv, q) AS r
                 FROM memory_units, to_tsquery('simple', ?) q
                WHERE source_tsv @@ q ORDER BY r DESC, id LIMIT ?) f
            JOIN memory_units m ON m.id = f.id
            WHERE m.source_lang = ? AND m.target_lang = ?
            ORDER BY f.r DESC, m.id""",
        (query, limit, src, tgt)).fetchall()


# -- ready for main's memory batches (``store.memory.word_index_sizes`` / ``word_postings``,
# which read FTS5's own tables): the same answers from ``source_tsv``. Not called on this
# branch; at merge, those two functions branch here on ``project.dialect``.


def word_index_sizes(conn: Any):
    """``(tokens per unit as an array indexed by unit id, rows, tokens in all)``: what BM25
    weighs a row with (a unit's token count is the sum of its lexemes' positions)."""
    import numpy as np

    rows = conn.execute(
        "SELECT m.id, (SELECT COALESCE(SUM(array_length(u.positions, 1)), 0) "
        "FROM unnest(m.source_tsv) u) FROM memory_units m ORDER BY m.id").fetchall()
    if not rows:
        return np.zeros(1, dtype=np.int64), 0, 0
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    out = np.zeros(int(ids.max()) + 1, dtype=np.int64)
    out[ids] = [r[1] for r in rows]
    return out, len(rows), int(out.sum())


def word_postings(conn: Any, terms):
    """For each term: the units holding it (ascending ids) and how many times."""
    import numpy as np

    out = {}
    for term in dict.fromkeys(terms):
        rows = conn.execute(
            "SELECT m.id, array_length(u.positions, 1) FROM memory_units m, "
            "unnest(m.source_tsv) u WHERE m.source_tsv @@ to_tsquery('simple', ?) "
            "AND u.lexeme = lower(?) ORDER BY m.id", (_lexeme(term), term)).fetchall()
        out[term] = (np.array([r[0] for r in rows], dtype=np.int64),
                     np.array([r[1] or 1 for r in rows], dtype=np.int64))
    return out
