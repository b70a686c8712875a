"""Sentence-boundary precision, recall and F1 against a gold segmentation (pure).

A boundary is the offset, in the paragraph with all whitespace removed, where a
sentence after the first one starts. Counting without whitespace makes the
score well defined whatever spacing a segmenter keeps. Paragraph ends are given
to the segmenter, so only boundaries inside paragraphs count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field


def _squeeze(text: str) -> str:
    return "".join(text.split())


def boundaries(sentences: Sequence[str]) -> frozenset[int]:
    """Offsets (without whitespace) where the second and later sentences start."""
    offsets, total = set(), 0
    for sentence in sentences[:-1]:
        total += len(_squeeze(sentence))
        offsets.add(total)
    return frozenset(offsets)


@dataclass(frozen=True)
class BoundaryError:
    """One boundary the segmenter got wrong, with a little text around it."""

    kind: str  # "missed" (in gold only) or "extra" (predicted only)
    paragraph: int
    context: str


@dataclass(frozen=True)
class BoundaryScores:
    """Counts of boundaries; scores derive from them. Add scores to pool them."""

    true_positives: int = 0
    predicted: int = 0
    gold: int = 0
    errors: tuple[BoundaryError, ...] = field(default=(), compare=False)

    @property
    def precision(self) -> float:
        """Share of predicted boundaries that are in the gold (1.0 when none predicted)."""
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of gold boundaries that were predicted (1.0 when the gold has none)."""
        return self.true_positives / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: BoundaryScores) -> BoundaryScores:
        return BoundaryScores(self.true_positives + other.true_positives,
                              self.predicted + other.predicted, self.gold + other.gold,
                              self.errors + other.errors)


def score_paragraph(gold: Sequence[str], predicted: Sequence[str], *,
                    index: int = 0) -> BoundaryScores:
    """Boundary counts of one paragraph; both sides must hold the same text."""
    text = _squeeze("".join(gold))
    if _squeeze("".join(predicted)) != text:
        raise ValueError(f"paragraph {index}: predicted sentences do not cover the gold text")
    g, p = boundaries(gold), boundaries(predicted)

    def around(offset: int) -> str:
        return f"{text[max(0, offset - 30):offset]} | {text[offset:offset + 30]}"

    errors = tuple(BoundaryError("missed", index, around(o)) for o in sorted(g - p)) + tuple(
        BoundaryError("extra", index, around(o)) for o in sorted(p - g))
    return BoundaryScores(len(g & p), len(p), len(g), errors)


def score(gold: Iterable[Sequence[str]], predicted: Iterable[Sequence[str]]) -> BoundaryScores:
    """Pooled (micro-averaged) boundary counts over paired paragraphs."""
    total = BoundaryScores()
    for index, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        total += score_paragraph(g, p, index=index)
    return total


def evaluate(gold: Sequence[Sequence[str]], split: Callable[[str], list[str]],
             sources: Sequence[str] | None = None) -> BoundaryScores:
    """Segment each paragraph with ``split`` and score it against ``gold``.

    Without ``sources`` each gold paragraph's sentences are re-joined with
    spaces; with ``sources`` (the original paragraphs, same text up to
    whitespace) those are segmented instead, which keeps cases such as a
    missing space after a full stop that re-joining would hide.
    """
    texts = sources if sources is not None else [" ".join(p) for p in gold]
    if len(texts) != len(gold):
        raise ValueError(f"{len(texts)} source paragraphs but {len(gold)} gold paragraphs")
    return score(gold, [split(text) for text in texts])


def parse_gold(text: str) -> list[list[str]]:
    """Gold file -> paragraphs of sentences: one sentence a line, blank line between paragraphs."""
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]
