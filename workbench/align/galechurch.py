"""Gale & Church (1993): sentence lengths only. A baseline and a fallback for
language pairs with no translation engine; shares the banded DP."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.align import Alignment
from workbench.align.mtguided import MTGuidedAligner, Weights

#: Classic Gale–Church bead shapes.
GC_BEADS = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))


class GaleChurchAligner:
    """Length-only aligner: the MT-guided machinery with similarity and anchors off."""

    name = "gale-church"

    def __init__(self, **options) -> None:
        weights = Weights(sim=0.0, anchor=0.0, anchor_miss=0.0, marks=0.0, length=1.0, skip=4.5,
                          prior={"1-1": 0.0, "1-2": 2.3, "2-1": 2.3, "2-2": 4.6})
        options.setdefault("bead_types", GC_BEADS)
        self._inner = MTGuidedAligner(weights=options.pop("weights", weights), **options)

    def align(self, src: Sequence[str], tgt: Sequence[str], *, src_mt: Sequence[str] | None = None,
              src_paragraphs: Sequence[int] | None = None,
              tgt_paragraphs: Sequence[int] | None = None) -> Alignment:
        """Align on lengths only (``src_mt`` is ignored)."""
        result = self._inner.align(src, tgt, src_mt=None, src_paragraphs=src_paragraphs,
                                   tgt_paragraphs=tgt_paragraphs)
        return Alignment(result.beads, {**result.provenance, "aligner": self.name})
