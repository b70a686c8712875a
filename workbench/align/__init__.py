"""Sentence alignment: pure functions over lists of sentences.

An *aligner* turns a source and a target document (one sentence per item)
into a ladder of *beads*: monotone groups of source and target sentence ids
(1-1, 1-2, 2-1, 1-0, 0-1, 2-2, 1-3, 3-1) that translate each other, each
with a confidence in [0, 1]. Aligners return scores only; what counts as
"low confidence" is decided separately (:func:`flag_low_confidence`).

Implementations live one per module and are found through :data:`ALIGNERS`
(``get_aligner(name)``); heavy work is imported lazily.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from workbench.errors import InputError

#: A concept extractor maps a sentence to the concept ids it mentions
#: (glossary entries, people, places); shared concepts are alignment evidence.
ConceptExtractor = Callable[[str], set[str]]

#: Bead shapes searched by default: (source sentences, target sentences).
DEFAULT_BEADS: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 2), (2, 1), (1, 0), (0, 1), (2, 2), (1, 3), (3, 1),
)
#: The default shapes plus 1-4, 4-1, 2-3 and 3-2, which literary and loose news
#: translations need (the MT-guided aligner searches these by default).
EXTENDED_BEADS: tuple[tuple[int, int], ...] = DEFAULT_BEADS + ((1, 4), (4, 1), (2, 3), (3, 2))
#: The extended shapes plus 2-4, 4-2, 1-5 and 5-1, for abridged or loosely
#: rendered literary translations (the MT-guided aligner searches these by default).
WIDE_BEADS: tuple[tuple[int, int], ...] = EXTENDED_BEADS + ((2, 4), (4, 2), (1, 5), (5, 1))

#: Confidence under which a bead is flagged for review by default.
DEFAULT_REVIEW_THRESHOLD = 0.5


@dataclass(frozen=True)
class Bead:
    """A group of source and target sentence ids (0-based) that translate each other."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    confidence: float

    @property
    def kind(self) -> str:
        """The bead's shape, e.g. ``"2-1"``."""
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def is_null(self) -> bool:
        """True for an insertion or deletion (one side empty)."""
        return not self.src or not self.tgt


@dataclass(frozen=True)
class Alignment:
    """The beads of one document pair and how they were produced (provenance)."""

    beads: tuple[Bead, ...]
    provenance: dict[str, Any] = field(default_factory=dict)

    def __iter__(self):  # iterate beads directly
        return iter(self.beads)

    def __len__(self) -> int:
        return len(self.beads)


@runtime_checkable
class Aligner(Protocol):
    """Aligns two documents given as lists of sentences."""

    name: str

    def align(
        self,
        src: Sequence[str],
        tgt: Sequence[str],
        *,
        src_mt: Sequence[str] | None = None,
        src_paragraphs: Sequence[int] | None = None,
        tgt_paragraphs: Sequence[int] | None = None,
    ) -> Alignment:
        """Align ``src`` with ``tgt``. ``src_mt`` is the machine translation of each
        source sentence into the target language (None: no MT evidence);
        ``*_paragraphs`` give each sentence's paragraph number (None: no marks)."""
        ...


def _mtguided(**options: Any) -> Aligner:
    from workbench.align.mtguided import MTGuidedAligner

    return MTGuidedAligner(**options)


def _galechurch(**options: Any) -> Aligner:
    from workbench.align.galechurch import GaleChurchAligner

    return GaleChurchAligner(**options)


#: Registered aligners, best first.
ALIGNERS: dict[str, Callable[..., Aligner]] = {"mtguided": _mtguided, "gale-church": _galechurch}


def get_aligner(name: str = "mtguided", **options: Any) -> Aligner:
    """An aligner by registry name, built with ``options``."""
    try:
        factory = ALIGNERS[name]
    except KeyError:
        raise InputError(
            f"unknown aligner {name!r}; choose one of {', '.join(ALIGNERS)}"
        ) from None
    return factory(**options)


def register_aligner(name: str, factory: Callable[..., Aligner]) -> None:
    """Add (or replace) an aligner in the registry."""
    ALIGNERS[name] = factory


def flag_low_confidence(beads: Sequence[Bead], threshold: float = DEFAULT_REVIEW_THRESHOLD) -> list[int]:
    """Indices of the beads whose confidence is below ``threshold`` (to review)."""
    return [i for i, b in enumerate(beads) if b.confidence < threshold]


def align(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_mt: Sequence[str] | None = None,
    src_paragraphs: Sequence[int] | None = None,
    tgt_paragraphs: Sequence[int] | None = None,
    aligner: str = "mtguided",
    **options: Any,
) -> Alignment:
    """Align two documents with a registered aligner (convenience wrapper)."""
    return get_aligner(aligner, **options).align(
        src, tgt, src_mt=src_mt, src_paragraphs=src_paragraphs, tgt_paragraphs=tgt_paragraphs
    )


__all__ = [
    "ALIGNERS", "Aligner", "Alignment", "Bead", "ConceptExtractor", "DEFAULT_BEADS",
    "DEFAULT_REVIEW_THRESHOLD", "EXTENDED_BEADS", "WIDE_BEADS", "align", "flag_low_confidence",
    "get_aligner", "register_aligner",
]
