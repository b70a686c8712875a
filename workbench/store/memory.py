"""The translation memory's SQL (tables of schema 3, see ``schema.py``).

``memory_units`` holds one row per memory unit: language pair, source, target,
origin (``review``, ``file``, ``alignment``) with a reference, author, date
and, where known, the neighbouring source segments (for context matches).
``key`` (a hash of origin, pair, texts and context) is unique, so adding the
same unit twice adds nothing. Two indexes find candidates: ``source_hash``
(the words of the source, numbers as one placeable) for exact and
number-only differences, and the FTS5 table ``memory_fts`` (a word index kept
current by triggers, in the same transaction as the units) for fuzzy ones. Batches
read the word index's postings and row sizes directly (:func:`word_postings`,
:func:`word_index_sizes`) to rank as FTS5 does without a query per text.

Everything here is SQL over a :class:`~workbench.store.Project`; scoring is
in :mod:`workbench.memory.match`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from workbench.errors import ConflictError, NotFoundError
from workbench.memory.match import MemoryUnit
from workbench.store import Project, follow_untouched_review, seed_review

if TYPE_CHECKING:
    import numpy as np

_INSERT_CHUNK = 5_000
#: Page cache while adding units (KiB).
IMPORT_CACHE_KIB = 65_536
_UNIT_COLUMNS = ("id, source, target, source_lang, target_lang, origin, origin_ref, author, "
                 "created_at, context_before, context_after, segment_id")
#: Engine name of translations filled from the memory (``translations.engine``).
MEMORY_ENGINE = "tm"


@dataclass(frozen=True, slots=True)
class NewMemoryUnit:
    """A unit ready to be stored (``key`` and ``source_hash`` from :mod:`workbench.memory.match`)."""

    key: str
    source_hash: int
    source_lang: str
    target_lang: str
    source: str
    target: str
    origin: str
    origin_ref: str = ""
    author: str = ""
    context_before: str | None = None
    context_after: str | None = None
    segment_id: int | None = None
    created_at: str | None = None


def _row(u: NewMemoryUnit) -> tuple:
    return (u.key, u.source_lang, u.target_lang, u.source, u.target, u.source_hash,
            u.context_before, u.context_after, u.origin, u.origin_ref, u.segment_id, u.author,
            u.created_at)


_INSERT = """INSERT INTO memory_units (key, source_lang, target_lang, source, target,
                 source_hash, context_before, context_after, origin, origin_ref, segment_id,
                 author, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                     COALESCE(?, strftime('%Y-%m-%dT%H:%M:%fZ','now')))
             ON CONFLICT (key) DO NOTHING"""


def add_units(project: Project, units: Iterable[NewMemoryUnit]) -> tuple[int, int]:
    """Store ``units`` in one transaction; returns ``(added, already there)``.

    ``units`` may be a lazy reader: if it raises, nothing is stored."""
    added = seen = 0
    with project.transaction() as conn, _import_cache(conn):
        chunk: list[tuple] = []
        for unit in units:
            chunk.append(_row(unit))
            seen += 1
            if len(chunk) >= _INSERT_CHUNK:
                added += conn.executemany(_INSERT, chunk).rowcount  # ignored rows do not count
                chunk.clear()
        if chunk:
            added += conn.executemany(_INSERT, chunk).rowcount
    return added, seen - added


@contextmanager
def _import_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """A bigger page cache (IMPORT_CACHE_KIB, fixed: memory stays bounded) while
    units are added: the unique key and hash indexes take inserts at random places,
    which the default 2 MB cache keeps re-reading from the file."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")


def _unit(row: Sequence) -> MemoryUnit:
    return MemoryUnit(id=row[0], source=row[1], target=row[2], source_lang=row[3],
                      target_lang=row[4], origin=row[5], origin_ref=row[6], author=row[7],
                      created_at=row[8], context_before=row[9], context_after=row[10],
                      segment_id=row[11])


def units_by_hash(project: Project, src: str, tgt: str, hashes: Sequence[int],
                  most: int | None = None) -> tuple[dict[int, list[MemoryUnit]], set[int]]:
    """Units of the pair whose ``source_hash`` is one of ``hashes``, and the hashes left
    out because more than ``most`` units hold them (counted from the hash index alone;
    read those with :func:`family_units`)."""
    out: dict[int, list[MemoryUnit]] = {}
    crowded: set[int] = set()
    unique = list(dict.fromkeys(hashes))
    if most is not None:
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            crowded.update(h for h, n in project.conn.execute(
                f"""SELECT source_hash, COUNT(*) FROM memory_units
                    WHERE source_hash IN ({','.join('?' * len(chunk))})
                      AND source_lang = ? AND target_lang = ? GROUP BY source_hash""",
                (*chunk, src, tgt)) if n > most)
        unique = [h for h in unique if h not in crowded]
    for start in range(0, len(unique), 500):
        chunk = unique[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in project.conn.execute(
            f"""SELECT {_UNIT_COLUMNS}, source_hash FROM memory_units
                WHERE source_hash IN ({marks}) AND source_lang = ? AND target_lang = ?""",
            (*chunk, src, tgt),
        ):
            out.setdefault(row[12], []).append(_unit(row))
    return out, crowded


def family_units(project: Project, src: str, tgt: str, source_hash: int, source: str,
                 context_before: str | None, context_after: str | None,
                 segment_id: int | None, limit: int) -> list[MemoryUnit]:
    """At most ``limit`` units of the pair of one ``source_hash`` (a family of texts
    differing only by numbers, case or punctuation), those of ``segment_id`` left out:
    the ones of the same ``source`` first, then of the same contexts, then the newest."""
    own = "" if segment_id is None else "AND (segment_id IS NULL OR segment_id <> ?)"
    rows = project.conn.execute(
        f"""SELECT {_UNIT_COLUMNS} FROM memory_units
            WHERE source_hash = ? AND source_lang = ? AND target_lang = ? {own}
            ORDER BY CASE WHEN source IN (?, ?) THEN 0 ELSE 1 END,
                     CASE WHEN context_before = ? AND context_after = ? THEN 0 ELSE 1 END,
                     created_at DESC, id DESC
            LIMIT ?""",
        (source_hash, src, tgt, *(() if segment_id is None else (segment_id,)),
         source, source.strip(), context_before, context_after, limit))
    return [_unit(r) for r in rows]


def term_frequencies(project: Project, terms: Sequence[str]) -> dict[str, int]:
    """How many units (all pairs) hold each of ``terms`` (absent: none)."""
    if not terms:
        return {}
    if project.dialect == "postgresql":
        from workbench.store.backends import pg_memory

        return pg_memory.term_frequencies(project.conn, terms)
    out: dict[str, int] = {}
    for start in range(0, len(terms), 500):
        chunk = tuple(terms[start:start + 500])
        out.update(project.conn.execute(
            f"SELECT term, doc FROM memory_vocab WHERE term IN ({','.join('?' * len(chunk))})",
            chunk).fetchall())
    return out


def term_frequencies_capped(project: Project, terms: Sequence[str], cap: int) -> dict[str, int]:
    """``min(units holding the term, cap)`` for each of ``terms`` (absent: none): the
    word index read for at most ``cap`` postings per term, where
    :func:`term_frequencies` reads a common word's whole posting list (a cost that
    grows with the memory). Each term must be one token of the index (letters and
    digits only), so that the phrase query finds exactly the units holding it."""
    if project.dialect == "postgresql":
        from workbench.store.backends import pg_memory

        return pg_memory.term_frequencies(project.conn, terms, cap)
    out: dict[str, int] = {}
    for t in terms:
        (n,) = project.conn.execute(
            "SELECT count(*) FROM (SELECT rowid FROM memory_fts WHERE memory_fts MATCH ? LIMIT ?)",
            ('"' + t + '"', cap)).fetchone()
        if n:
            out[t] = n
    return out


def fuzzy_candidates(project: Project, src: str, tgt: str, terms: Sequence[str],
                     limit: int) -> list[MemoryUnit]:
    """Up to ``limit`` units of the pair sharing the most (BM25-weighted) of ``terms``."""
    if not terms:
        return []
    if project.dialect == "postgresql":
        from workbench.store.backends import pg_memory

        return [_unit(r) for r in pg_memory.fuzzy_candidate_rows(
            project.conn, _UNIT_COLUMNS.replace('id,', 'm.id,', 1), src, tgt, terms, limit)]
    match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
    rows = project.conn.execute(
        f"""SELECT {_UNIT_COLUMNS.replace('id,', 'm.id,', 1)} FROM
              (SELECT rowid AS rid, rank FROM memory_fts WHERE memory_fts MATCH ?
               ORDER BY rank LIMIT ?) f
            JOIN memory_units m ON m.id = f.rid
            WHERE m.source_lang = ? AND m.target_lang = ?
            ORDER BY f.rank""",
        (match, limit, src, tgt),
    )
    return [_unit(r) for r in rows]


def units_by_ids(project: Project, src: str, tgt: str, ids: Iterable[int]
                 ) -> dict[int, MemoryUnit]:
    """The units of the pair among ``ids``, by id."""
    return {r[0]: _unit(r) for r in _by_ids(project, _UNIT_COLUMNS, src, tgt, ids)}


def sources_by_ids(project: Project, src: str, tgt: str, ids: Iterable[int]) -> dict[int, str]:
    """The sources of the units of the pair among ``ids``, by id."""
    return dict(_by_ids(project, "id, source", src, tgt, ids))


def _by_ids(project: Project, columns: str, src: str, tgt: str, ids: Iterable[int]
            ) -> Iterator[tuple]:
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start:start + 500]
        yield from project.conn.execute(
            f"""SELECT {columns} FROM memory_units WHERE id IN ({','.join('?' * len(chunk))})
                AND source_lang = ? AND target_lang = ?""", (*chunk, src, tgt))


def word_index_sizes(project: Project) -> tuple[np.ndarray, int, int]:
    """What FTS5's ``bm25()`` weighs a row of ``memory_fts`` with, read in one pass: the
    tokens of each unit's source (an array indexed by unit id, 0 where none), the rows
    of the index and their tokens in all."""
    import numpy as np

    if project.dialect == "postgresql":
        from workbench.store.backends import pg_memory

        return pg_memory.word_index_sizes(project.conn)
    # a row's size is a varint: one byte under 128 tokens; longer ones are read apart
    ids, small = project.conn.execute(
        "SELECT group_concat(id), group_concat(CASE WHEN length(sz) = 1 THEN hex(sz) "
        "ELSE '00' END, '') FROM memory_fts_docsize").fetchone()
    if not ids:
        return np.zeros(1, dtype=np.int64), 0, 0
    rows = np.fromstring(ids, dtype=np.int64, sep=",")
    out = np.zeros(int(rows.max()) + 1, dtype=np.int64)
    out[rows] = np.frombuffer(bytes.fromhex(small), dtype=np.uint8)
    for rid, blob in project.conn.execute(
            "SELECT id, sz FROM memory_fts_docsize WHERE length(sz) > 1"):
        out[rid] = _varint(blob)
    return out, len(rows), int(out.sum())


def _varint(blob: bytes) -> int:
    """The first SQLite varint of ``blob`` (FTS5 stores a row's token count so)."""
    value = 0
    for i, byte in enumerate(blob[:9]):
        if i == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            break
    return value


def word_postings(project: Project, terms: Iterable[str]
                  ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each of ``terms`` (tokens of ``memory_fts``): the units whose source holds it
    (ascending ids) and how many times, read from the word index's doclist (absent
    terms: empty arrays)."""
    import numpy as np

    if project.dialect == "postgresql":
        from workbench.store.backends import pg_memory

        return pg_memory.word_postings(project.conn, terms)
    conn = project.conn
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.memory_instances "
                 "USING fts5vocab(main, memory_fts, instance)")
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for term in dict.fromkeys(terms):
        (docs,) = conn.execute("SELECT group_concat(doc) FROM temp.memory_instances "
                               "WHERE term = ?", (term,)).fetchone()
        each = np.fromstring(docs or "", dtype=np.int64, sep=",")  # a row per occurrence
        new = np.flatnonzero(each[1:] != each[:-1]) + 1             # ascending: runs
        if len(new) >= len(each) - 1:
            out[term] = each, np.ones(len(each), dtype=np.int64)
        else:
            starts = np.concatenate(([0], new))
            out[term] = each[starts], np.diff(np.append(starts, len(each)))
    return out


def count_units(project: Project) -> int:
    return project.conn.execute("SELECT COUNT(*) FROM memory_units").fetchone()[0]


def stats(project: Project) -> pl.DataFrame:
    """Units per language pair and origin, with the newest date."""
    return project.frame(
        """SELECT source_lang, target_lang, origin, origin_ref, COUNT(*) AS units,
                  MAX(created_at) AS newest
           FROM memory_units GROUP BY source_lang, target_lang, origin, origin_ref
           ORDER BY source_lang, target_lang, origin, origin_ref""")


def iter_units(project: Project, src: str | None = None, tgt: str | None = None
               ) -> Iterator[MemoryUnit]:
    """Every unit (of one pair when given), oldest first, streamed."""
    where, params = [], []
    if src:
        where.append("source_lang = ?")
        params.append(src)
    if tgt:
        where.append("target_lang = ?")
        params.append(tgt)
    sql = f"SELECT {_UNIT_COLUMNS} FROM memory_units"
    if where:
        sql += " WHERE " + " AND ".join(where)
    cur = project.conn.execute(sql + " ORDER BY id", params)
    while rows := cur.fetchmany(2000):
        yield from (_unit(r) for r in rows)


def segment_contexts(project: Project, document_ids: Sequence[int] | None = None) -> pl.DataFrame:
    """Translatable segments of the current documents in document order, with their
    language and the previous and next translatable segment of the same document
    (``''`` at the ends): the context a segment is stored and matched with."""
    where, params = "", ()
    if document_ids:
        where = f"AND s.document_id IN ({','.join('?' * len(document_ids))})"
        params = tuple(document_ids)
    return project.frame(
        f"""SELECT s.id AS segment_id, s.document_id, s.idx, d.title AS document,
                   d.lang AS source_lang, s.text,
                   COALESCE(LAG(s.text) OVER w, '') AS context_before,
                   COALESCE(LEAD(s.text) OVER w, '') AS context_after
            FROM segments s JOIN documents d ON d.id = s.document_id
            WHERE d.is_current = 1 AND s.translatable = 1 AND TRIM(s.text) != '' {where}
            WINDOW w AS (PARTITION BY s.document_id ORDER BY s.idx)
            ORDER BY s.document_id, s.idx""",
        params,
    )


# -- units from the project's reviews --------------------------------------------


def reviews_signature(project: Project) -> str:
    """Changes whenever a review or the set of current documents changes."""
    row = project.conn.execute(
        """SELECT COUNT(*), COALESCE(MAX(updated_at), ''), TOTAL(version),
                  (SELECT COALESCE(SUM(id), 0) FROM documents WHERE is_current = 1)
           FROM reviews""").fetchone()
    return ":".join(str(v) for v in row)


def approved_reviews(project: Project) -> pl.DataFrame:
    """Approved final texts of current documents, with context, author and date."""
    return project.frame(
        """WITH ctx AS (
               SELECT s.id, s.text, d.lang, d.title, d.is_current,
                      COALESCE(LAG(s.text) OVER w, '') AS before,
                      COALESCE(LEAD(s.text) OVER w, '') AS after
               FROM segments s JOIN documents d ON d.id = s.document_id
               WHERE s.translatable = 1 AND TRIM(s.text) != ''
               WINDOW w AS (PARTITION BY s.document_id ORDER BY s.idx))
           SELECT c.id AS segment_id, c.lang AS source_lang, r.target_lang, c.text AS source,
                  r.text AS target, c.before AS context_before, c.after AS context_after,
                  c.title AS document, r.updated_at,
                  COALESCE((SELECT e.author FROM edits e WHERE e.segment_id = r.segment_id
                              AND e.target_lang = r.target_lang ORDER BY e.id DESC LIMIT 1),
                           '') AS author
           FROM reviews r JOIN ctx c ON c.id = r.segment_id
           WHERE r.status = 'approved' AND c.is_current = 1 AND TRIM(r.text) != ''""")


def review_unit_keys(project: Project) -> set[str]:
    return {r[0] for r in project.conn.execute(
        "SELECT key FROM memory_units WHERE origin = 'review'")}


def replace_review_units(project: Project, keep: set[str], new: Sequence[NewMemoryUnit],
                         signature: str) -> tuple[int, int]:
    """Remove review units not in ``keep``, add ``new`` and record ``signature``, in
    one transaction; returns ``(added, removed)``."""
    with project.transaction() as conn:
        stale = [k for (k,) in conn.execute("SELECT key FROM memory_units WHERE origin = 'review'")
                 if k not in keep]
        conn.executemany("DELETE FROM memory_units WHERE key = ?", [(k,) for k in stale])
        added = conn.executemany(_INSERT, [_row(u) for u in new]).rowcount if new else 0
        project.set_setting("memory_reviews", signature)  # joins this transaction
    return added, len(stale)


# -- units from alignments with human translations -------------------------------


def aligned_beads(project: Project, min_confidence: float) -> pl.DataFrame:
    """Beads of alignments with a human translation (``workbench align`` in project
    mode) at or above ``min_confidence``: source text (its segments joined), target
    text, languages, confidence and the two documents."""
    return project.frame(
        """SELECT b.id AS bead_id, a.id AS alignment_id, d.lang AS source_lang,
                  a.target_lang, d.title AS document, a.target_ref, b.confidence,
                  (SELECT GROUP_CONCAT(text, ' ') FROM (
                       SELECT s.text FROM json_each(b.src_ids) j JOIN segments s ON s.id = j.value
                       ORDER BY s.idx) AS bead_source) AS source,
                  b.tgt_text AS target, a.created_at
           FROM beads b JOIN alignments a ON a.id = b.alignment_id
           JOIN documents d ON d.id = a.document_id
           WHERE a.target_kind = 'document' AND b.confidence >= ?
             AND json_array_length(b.src_ids) > 0 AND TRIM(b.tgt_text) != ''
           ORDER BY a.id, b.idx""",
        (min_confidence,),
    )


# -- pre-translation ---------------------------------------------------------------


def filled_segments(project: Project, target_lang: str) -> set[int]:
    """Segments whose ``target_lang`` translation came from the memory."""
    return {r[0] for r in project.conn.execute(
        "SELECT segment_id FROM translations WHERE target_lang = ? AND engine = ?",
        (target_lang, MEMORY_ENGINE))}


def save_fills(project: Project, target_lang: str,
               rows: Sequence[tuple[int, str, str, dict]]) -> None:
    """Store ``(segment_id, target, model, meta)`` memory fills as translations of
    engine ``tm`` (model: the match label, e.g. ``TM 100%``), in one transaction.

    The review text follows them as it follows machine translation: a new review
    row is seeded, and an untouched ``todo`` review (no edits, still an earlier
    translation) is updated; reviewers' text never moves. The project's actor is their
    ``author``."""
    with project.transaction() as conn:
        for seg_id, target, model, meta in rows:
            meta_json = json.dumps(meta, ensure_ascii=False, sort_keys=True)
            follow_untouched_review(conn, seg_id, target_lang, target)
            conn.execute(
                """INSERT INTO translations (segment_id, target_lang, engine, model,
                       model_version, text, meta, author) VALUES (?, ?, ?, ?, '', ?, ?, ?)
                   ON CONFLICT (segment_id, target_lang, engine) DO UPDATE SET
                       model = excluded.model, text = excluded.text, meta = excluded.meta,
                       author = excluded.author,
                       created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')""",
                (seg_id, target_lang, MEMORY_ENGINE, model, target, meta_json, project.author),
            )
            seed_review(conn, seg_id, target_lang, target)


# -- repetitions -------------------------------------------------------------------


def repetition_targets(project: Project, segment_id: int, target_lang: str) -> pl.DataFrame:
    """Other translatable segments of current documents with exactly the same source
    text and source language as ``segment_id``, whose ``target_lang`` review is not
    reviewed yet (status ``todo`` or no review row), with their review version."""
    row = project.conn.execute(
        "SELECT s.text, d.lang FROM segments s JOIN documents d ON d.id = s.document_id "
        "WHERE s.id = ?", (segment_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no segment with id {segment_id}")
    return project.frame(
        """SELECT s.id AS segment_id, s.document_id, d.title AS document, r.version, r.status
           FROM segments s JOIN documents d ON d.id = s.document_id
           LEFT JOIN reviews r ON r.segment_id = s.id AND r.target_lang = ?
           WHERE s.text = ? AND d.lang = ? AND s.id != ? AND s.translatable = 1
             AND d.is_current = 1 AND COALESCE(r.status, 'todo') = 'todo'
           ORDER BY s.document_id, s.idx""",
        (target_lang, row[0], row[1], segment_id),
    )


def apply_text(project: Project, target_lang: str, text: str, status: str, author: str,
               targets: Sequence[tuple[int, int | None]]) -> list[int]:
    """Give each ``(segment_id, expected review version or None)`` of ``targets`` the
    final ``text`` and ``status`` in one transaction, with edit history; a segment
    whose review moved on since (another version, or no longer ``todo``) is skipped.
    Returns the segments changed."""
    changed: list[int] = []
    with project.transaction():
        for seg_id, expected in targets:
            row = project.review(seg_id, target_lang)
            version = 0 if row is None else row.version
            if (expected or 0) != version or (row is not None and row.status != "todo"):
                continue
            project.save_review(seg_id, target_lang, text=text, status=status,
                                expected_version=version, author=author)
            changed.append(seg_id)
    return changed


def review_state(project: Project, segment_id: int, target_lang: str) -> tuple[str, str]:
    """``(text, status)`` of a review; :class:`ConflictError` when there is none."""
    row = project.review(segment_id, target_lang)
    if row is None:
        raise ConflictError(f"segment {segment_id} has no {target_lang} review to apply")
    return row.text, row.status
