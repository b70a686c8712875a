"""Storing alignments in the project database (a thin layer over the store's
``store_alignment`` and ``load_beads``).

A bead row keeps the *database ids* of its source segments (``src_ids``) and,
for a document-to-document alignment, of its target segments (``tgt_ids``),
both as JSON lists, plus the joined target text and the confidence. The
alignment row keeps the aligner's provenance as JSON. Re-aligning the same
pair replaces its beads in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.align import Alignment, Bead
from workbench.store import Project
from workbench.store.alignments import StoredBead


def save_alignment(
    project: Project,
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
    return project.store_alignment(
        document_id=document_id, target_lang=target_lang, target_kind=target_kind,
        target_ref=target_ref, provenance=alignment.provenance,
        beads=[([src_segment_ids[i] for i in b.src],
                [tgt_segment_ids[j] for j in b.tgt] if tgt_segment_ids is not None
                else list(b.tgt),
                " ".join(tgt_texts[j] for j in b.tgt), b.confidence)
               for b in alignment.beads])


def load_beads(project: Project, alignment_id: int) -> list[StoredBead]:
    """The stored beads of an alignment: ``(src segment ids, tgt ids, tgt text, confidence)``."""
    return project.load_beads(alignment_id)


def beads_from_positions(beads: Sequence[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Bead id pairs, e.g. for scoring a stored alignment."""
    return [(b.src, b.tgt) for b in beads]
