"""Storing alignments in the project database (tables ``alignments`` and ``beads``).

A bead row keeps the *database ids* of its source segments (``src_ids``) and,
for a document-to-document alignment, of its target segments (``tgt_ids``),
both as JSON lists, plus the joined target text and the confidence. The
alignment row keeps the aligner's provenance as JSON. Re-aligning the same
pair replaces its beads in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from workbench.align import Alignment, Bead


def save_alignment(
    project: Any,
    *,
    document_id: int,
    target_lang: str,
    target_kind: str,
    target_ref: str,
    alignment: Alignment,
    src_segment_ids: Sequence[int],
    tgt_segment_ids: Sequence[int] | None,
    tgt_texts: Sequence[str],
) -> int:
    """Store (or replace) one alignment and its beads; returns the alignment id.

    Bead positions are mapped to segment ids through ``src_segment_ids`` and
    ``tgt_segment_ids`` (None: the target has no segments, e.g. MT text).
    """
    if target_kind not in ("mt", "document"):
        raise ValueError(f"target_kind must be 'mt' or 'document', not {target_kind!r}")
    prov = json.dumps(alignment.provenance, ensure_ascii=False, sort_keys=True, default=str)
    with project.transaction() as conn:
        conn.execute(
            """INSERT INTO alignments (document_id, target_lang, target_kind, target_ref, provenance)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (document_id, target_lang, target_kind, target_ref) DO UPDATE SET
                   provenance = excluded.provenance,
                   created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')""",
            (document_id, target_lang, target_kind, target_ref, prov),
        )
        aid = conn.execute(
            """SELECT id FROM alignments WHERE document_id = ? AND target_lang = ?
               AND target_kind = ? AND target_ref = ?""",
            (document_id, target_lang, target_kind, target_ref),
        ).fetchone()[0]
        conn.execute("DELETE FROM beads WHERE alignment_id = ?", (aid,))
        conn.executemany(
            """INSERT INTO beads (alignment_id, idx, src_ids, tgt_ids, tgt_text, confidence)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [
                (
                    aid, k,
                    json.dumps([int(src_segment_ids[i]) for i in b.src]),
                    json.dumps([int(tgt_segment_ids[j]) for j in b.tgt]
                               if tgt_segment_ids is not None else list(b.tgt)),
                    " ".join(tgt_texts[j] for j in b.tgt),
                    float(b.confidence),
                )
                for k, b in enumerate(alignment.beads)
            ],
        )
    return int(aid)


def load_beads(project: Any, alignment_id: int) -> list[tuple[list[int], list[int], str, float]]:
    """The stored beads of an alignment: ``(src segment ids, tgt ids, tgt text, confidence)``."""
    rows = project.conn.execute(
        "SELECT src_ids, tgt_ids, tgt_text, confidence FROM beads WHERE alignment_id = ? ORDER BY idx",
        (alignment_id,),
    ).fetchall()
    return [(json.loads(r[0]), json.loads(r[1]), r[2], float(r[3])) for r in rows]


def beads_from_positions(beads: Sequence[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Bead id pairs, e.g. for scoring a stored alignment."""
    return [(b.src, b.tgt) for b in beads]
