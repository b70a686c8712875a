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
