"""The word index's ranking for many queries at once: pure functions over arrays.

A single lookup asks SQLite's FTS5 for the units sharing the most of the
query's rarest words (``ORDER BY rank``: FTS5's ``bm25()``), which costs a
B-tree lookup per matching row. A batch (the leverage report, pre-translation,
``tm lookup --in``) reads each word's postings once instead and ranks here with
the same formula, the same constants and the same statistics FTS5 uses
(``fts5_aux.c``: rows and tokens of the whole index, a word's rows, its
occurrences in a row and the row's tokens), so it finds the same candidates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: FTS5's bm25() constants (k1, b).
BM25_K1 = 1.2
BM25_B = 0.75
#: Scores this close (relative) to the last one taken count as ties and are kept too
#: (FTS5 adds the same numbers in another order, and orders ties as it likes).
TIE_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class IndexStats:
    """The word index as bm25() sees it: each unit's tokens (indexed by unit id), the
    number of rows and their average length."""

    sizes: np.ndarray
    rows: int
    avgdl: float

    @classmethod
    def of(cls, sizes: np.ndarray, rows: int, tokens: int) -> IndexStats:
        return cls(sizes, rows, float(tokens) / float(rows) if rows else 1.0)


def idf(rows: int, hits: int) -> float:
    """bm25()'s inverse document frequency of a word found in ``hits`` of ``rows`` rows."""
    value = math.log((rows - hits + 0.5) / (hits + 0.5))
    return value if value > 0.0 else 1e-6


def term_weights(units: np.ndarray, freq: np.ndarray, stats: IndexStats) -> np.ndarray:
    """What one word adds to the bm25 score of each unit holding it (``freq`` times)."""
    f = freq.astype(np.float64)
    d = stats.sizes[units].astype(np.float64)
    return idf(stats.rows, len(units)) * (
        (f * (BM25_K1 + 1.0)) / (f + BM25_K1 * (1 - BM25_B + BM25_B * d / stats.avgdl)))


def best_ranked(terms: Sequence[tuple[np.ndarray, np.ndarray]], limit: int) -> list[int]:
    """The ``limit`` units of best summed weight over ``terms`` (``(units, weights)`` per
    word, as :func:`term_weights` gives), best first, as ``ORDER BY rank LIMIT limit``
    ranks them; units tied with the last one taken are kept too."""
    terms = [t for t in terms if len(t[0])]
    if not terms or limit <= 0:
        return []
    if len(terms) == 1:
        units, score = terms[0]
    else:
        every = np.concatenate([u for u, _ in terms])
        weights = np.concatenate([w for _, w in terms])
        order = np.argsort(every, kind="stable")
        every, weights = every[order], weights[order]
        starts = np.flatnonzero(np.r_[True, every[1:] != every[:-1]])
        units, score = every[starts], np.add.reduceat(weights, starts)
    if len(units) > limit:
        last = -np.partition(-score, limit - 1)[limit - 1]
        keep = np.flatnonzero(score >= last - abs(last) * TIE_TOLERANCE)
        units, score = units[keep], score[keep]
    order = np.lexsort((units, -score))
    return units[order].tolist()
