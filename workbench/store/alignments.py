"""Alignments and their beads (tables ``alignments`` and ``beads``).

A bead row keeps the *database ids* of its source segments (``src_ids``) and,
for a document-to-document alignment, of its target segments (``tgt_ids``;
positions in the machine translation for an ``mt`` alignment), both as JSON
lists, plus the joined target text and the confidence. The alignment row keeps
the aligner's provenance as JSON. Re-storing the same pair replaces its beads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from workbench.errors import ConflictError, NotFoundError
from workbench.store.db import Database, marks

#: What an alignment's target is: the document's machine translation, or another document.
TARGET_KINDS = ("mt", "document")


class StoredBead(NamedTuple):
    """A bead as stored: source segment ids, target ids, joined target text, confidence."""

    src_ids: list[int]
    tgt_ids: list[int]
    tgt_text: str
    confidence: float


class IndexedBead(NamedTuple):
    """A stored bead with its position in the alignment."""

    idx: int
    src_ids: tuple[int, ...]
    tgt_ids: tuple[int, ...]
    tgt_text: str
    confidence: float


@dataclass(frozen=True)
class AlignmentInfo:
    """One stored alignment (a row of ``alignments``) and how many beads it has."""

    id: int
    document_id: int
    target_lang: str
    target_kind: str
    target_ref: str
    created_at: str
    beads: int = 0
    author: str = ""


def _json_dict(text: str | None) -> dict:
    """A provenance JSON as a dict (a non-JSON or non-dict value is kept under ``original``)."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {"original": text}
    return value if isinstance(value, dict) else {"original": value}


_INFO = """SELECT a.id, a.document_id, a.target_lang, a.target_kind, a.target_ref, a.created_at,
                  (SELECT COUNT(*) FROM beads b WHERE b.alignment_id = a.id) AS beads,
                  a.author
           FROM alignments a"""


class Alignments(Database):
    """Queries of the tables ``alignments`` and ``beads``."""

    def store_alignment(self, *, document_id: int, target_lang: str, target_kind: str,
                        target_ref: str, provenance: dict,
                        beads: Sequence[tuple[Sequence[int], Sequence[int], str, float]]) -> int:
        """Store (or replace) one alignment and its ``(src ids, tgt ids, tgt text,
        confidence)`` beads in one transaction, by the project's actor (its ``author``);
        returns the alignment id."""
        if target_kind not in TARGET_KINDS:
            raise ValueError(f"target_kind must be 'mt' or 'document', not {target_kind!r}")
        prov = json.dumps(provenance, ensure_ascii=False, sort_keys=True, default=str)
        with self.transaction() as conn:
            conn.execute(
                """INSERT INTO alignments (document_id, target_lang, target_kind, target_ref,
                       provenance, author) VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (document_id, target_lang, target_kind, target_ref) DO UPDATE SET
                       provenance = excluded.provenance, author = excluded.author,
                       created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')""",
                (document_id, target_lang, target_kind, target_ref, prov, self.author),
            )
            aid = conn.execute(
                """SELECT id FROM alignments WHERE document_id = ? AND target_lang = ?
                   AND target_kind = ? AND target_ref = ?""",
                (document_id, target_lang, target_kind, target_ref),
            ).fetchone()[0]
            conn.execute("DELETE FROM beads WHERE alignment_id = ?", (aid,))
            self._insert_beads(aid, 0, beads)
        return int(aid)

    def _insert_beads(self, alignment_id: int, first: int,
                      beads: Sequence[tuple[Sequence[int], Sequence[int], str, float]]) -> None:
        self.conn.executemany(
            """INSERT INTO beads (alignment_id, idx, src_ids, tgt_ids, tgt_text, confidence)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [(alignment_id, first + k, json.dumps([int(i) for i in src]),
              json.dumps([int(j) for j in tgt]), text, float(conf))
             for k, (src, tgt, text, conf) in enumerate(beads)])

    def load_beads(self, alignment_id: int) -> list[StoredBead]:
        """The stored beads of an alignment, in order."""
        return [StoredBead(json.loads(r[0]), json.loads(r[1]), r[2], float(r[3]))
                for r in self.conn.execute(
                    "SELECT src_ids, tgt_ids, tgt_text, confidence FROM beads "
                    "WHERE alignment_id = ? ORDER BY idx", (alignment_id,))]

    def indexed_beads(self, alignment_id: int, first: int | None = None,
                      last: int | None = None) -> list[IndexedBead]:
        """The beads of an alignment (those at ``first``..``last`` when given), in order."""
        sql, params = ("SELECT idx, src_ids, tgt_ids, tgt_text, confidence FROM beads "
                       "WHERE alignment_id = ?", [alignment_id])
        if first is not None and last is not None:
            sql += " AND idx BETWEEN ? AND ?"
            params += [first, last]
        return [IndexedBead(int(i), tuple(int(x) for x in json.loads(s)),
                            tuple(int(x) for x in json.loads(t)), text, float(conf))
                for i, s, t, text, conf in self.conn.execute(sql + " ORDER BY idx", params)]

    def bead_confidences(self, document_id: int,
                         target_langs: Sequence[str]) -> dict[tuple[int, str], float]:
        """Alignment confidence per ``(segment id, target language)`` of one document: that
        of the newest bead holding the segment (later alignments, then later beads, win).

        One query per document: callers join it in memory, which keeps reports of large
        projects linear."""
        if not target_langs:
            return {}
        out: dict[tuple[int, str], float] = {}
        for lang, src_ids, conf in self.conn.execute(
                f"""SELECT a.target_lang, b.src_ids, b.confidence
                    FROM alignments a JOIN beads b ON b.alignment_id = a.id
                    WHERE a.document_id = ? AND a.target_lang IN ({marks(target_langs)})
                    ORDER BY a.id, b.idx""", (document_id, *target_langs)):
            for sid in json.loads(src_ids):
                out[(int(sid), lang)] = float(conf)
        return out

    def alignments_of(self, document_id: int, target_lang: str) -> list[AlignmentInfo]:
        """Stored alignments of a document into ``target_lang``, newest first."""
        return [AlignmentInfo(*r) for r in self.conn.execute(
            _INFO + " WHERE a.document_id = ? AND a.target_lang = ? ORDER BY a.id DESC",
            (document_id, target_lang))]

    def alignment(self, alignment_id: int) -> AlignmentInfo:
        """One stored alignment; :class:`NotFoundError` when there is none."""
        row = self.conn.execute(_INFO + " WHERE a.id = ?", (alignment_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no alignment with id {alignment_id}")
        return AlignmentInfo(*row)

    def alignment_provenance(self, alignment_id: int) -> dict:
        """The alignment's provenance as a dict (a non-JSON or non-dict value is kept under
        ``original``)."""
        row = self.conn.execute("SELECT provenance FROM alignments WHERE id = ?",
                                (alignment_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no alignment with id {alignment_id}")
        return _json_dict(row[0])

    def replace_beads(self, alignment_id: int, expected: dict[int, tuple],
                      first: int, last: int,
                      new: Sequence[tuple[Sequence[int], Sequence[int], str, float]],
                      note: Callable[[dict, list[list]], None]) -> None:
        """In one transaction: check the beads in ``expected`` (idx -> ``(src_ids,
        tgt_ids)``) are unchanged (else :class:`ConflictError`, nothing written), replace
        beads ``first``..``last`` by ``new``, renumber the rest, and let ``note`` record
        the change in the provenance dict, given the replaced beads as
        ``[src_ids, tgt_ids, tgt_text, confidence]`` lists. An account may change the
        beads of the documents it may review only."""
        with self.transaction() as conn:
            if self.actor.role is not None:
                self.require("review", (self.alignment(alignment_id).document_id,))
            current = {b.idx: (b.src_ids, b.tgt_ids) for b in self.indexed_beads(alignment_id)}
            for idx, ids in expected.items():
                if current.get(idx) != ids:
                    raise ConflictError(
                        f"the alignment was changed elsewhere (bead {idx + 1} is no longer what "
                        "this page showed); nothing was changed; reload the beads and try again")
            before = [[list(b.src_ids), list(b.tgt_ids), b.tgt_text, b.confidence]
                      for b in self.indexed_beads(alignment_id, first, last)]
            conn.execute("DELETE FROM beads WHERE alignment_id = ? AND idx BETWEEN ? AND ?",
                         (alignment_id, first, last))
            shift = len(new) - (last - first + 1)
            if shift:
                # Move the tail out of the way first (UNIQUE (alignment_id, idx)), then into place.
                conn.execute("UPDATE beads SET idx = -idx - 1 WHERE alignment_id = ? AND idx > ?",
                             (alignment_id, last))
                conn.execute("UPDATE beads SET idx = -idx - 1 + ? WHERE alignment_id = ? "
                             "AND idx < 0", (shift, alignment_id))
            self._insert_beads(alignment_id, first, new)
            prov = self.alignment_provenance(alignment_id)
            note(prov, before)
            conn.execute("UPDATE alignments SET provenance = ? WHERE id = ?",
                         (json.dumps(prov, ensure_ascii=False, sort_keys=True), alignment_id))
