"""Sentence features for alignment, computed in bulk with numpy.

* Hashed character n-gram vectors (tf-idf, signed feature hashing) so that the
  similarity of a bead's two sides is a cosine that can be assembled from
  sentence-level dot products: the vector of a concatenation is the sum of its
  sentences' vectors. This is the chrF-style, Bleualign-like evidence.
* Anchor sets: numbers, names written the same on both sides, quotation and
  question/exclamation marks, and concepts from an optional extractor.
* Banded dot products between all source/target sentence pairs near the
  alignment path, computed block by block with dense matrix products.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

_WS = re.compile(r"\s+")
_GOLD = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class SparseRows:
    """Row-sparse float32 matrix (CSR without scipy): one row per sentence."""

    indptr: np.ndarray  # int64, n+1
    indices: np.ndarray  # int32
    data: np.ndarray  # float32
    dim: int

    @classmethod
    def from_dicts(cls, rows: Iterable[dict[int, float]], dim: int) -> SparseRows:
        """One row per ``{column: value}`` dict, in order."""
        indptr = [0]
        cols: list[int] = []
        vals: list[float] = []
        for row in rows:
            cols.extend(row)
            vals.extend(row.values())
            indptr.append(len(cols))
        return cls(np.asarray(indptr, np.int64), np.asarray(cols, np.int32),
                   np.asarray(vals, np.float32), dim)

    @property
    def n(self) -> int:
        return len(self.indptr) - 1

    def dense(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start:stop`` as a dense (stop-start, dim) float32 array."""
        a, b = self.indptr[start], self.indptr[stop]
        rows = np.repeat(np.arange(stop - start), np.diff(self.indptr[start : stop + 1]))
        out = np.bincount(rows * self.dim + self.indices[a:b], weights=self.data[a:b],
                          minlength=(stop - start) * self.dim).astype(np.float32)
        return out.reshape(stop - start, self.dim)

    def row_sq_norms(self) -> np.ndarray:
        """Squared L2 norm of each row (float64)."""
        rows = np.repeat(np.arange(self.n), np.diff(self.indptr))
        return np.bincount(rows, weights=self.data.astype(np.float64) ** 2, minlength=self.n)


def normalise(text: str) -> str:
    """Lower case, NFKC, one space between words, padded with spaces (word edges count)."""
    return " " + _WS.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip() + " "


def _hash_ngrams(texts: Sequence[str], orders: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """All character n-grams of ``texts`` as (sentence id, 64-bit hash) arrays."""
    joined = "".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate(([0], np.cumsum(lens)))
    sent_of = np.repeat(np.arange(len(texts), dtype=np.int64), lens)
    ids, hashes = [], []
    total = len(codes)
    for n in orders:
        if total < n:
            continue
        h = np.zeros(total - n + 1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for k in range(n):
                h = h * np.uint64(1_000_003) + codes[k : total - n + 1 + k]
            h = (h + np.uint64(n)) * _GOLD
            h ^= h >> np.uint64(29)
        pos = np.arange(total - n + 1)
        ok = pos + n <= starts[sent_of[: total - n + 1] + 1]
        ids.append(sent_of[: total - n + 1][ok])
        hashes.append(h[ok])
    if not ids:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    return np.concatenate(ids), np.concatenate(hashes)


_WORD = re.compile(r"\w+")


def _hash_words(texts: Sequence[str], vocab: dict[str, int], prefix: int,
                ) -> tuple[np.ndarray, np.ndarray]:
    """Word tokens of normalised ``texts``, cut to their first ``prefix`` characters
    (a crude stemmer: *married* and *marriage* share *marri*), as (sentence id, hash)."""
    ids: list[int] = []
    toks: list[int] = []
    for k, t in enumerate(texts):
        for w in _WORD.findall(t):
            toks.append(vocab.setdefault(w[:prefix], len(vocab)))
            ids.append(k)
    h = np.asarray(toks, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = (h + np.uint64(0x5851F42D4C957F2D)) * _GOLD
        h ^= h >> np.uint64(31)
        h *= _GOLD
    return np.asarray(ids, dtype=np.int64), h


def ngram_vectors(
    sides: Sequence[Sequence[str]],
    *,
    orders: Sequence[int] = (3, 4),
    dim_bits: int = 12,
    word_weight: float = 0.0,
    word_prefix: int = 5,
) -> list[SparseRows]:
    """Hashed tf-idf character n-gram vectors for each side, with one shared idf.

    Signed hashing keeps collision noise zero-mean; ``dim_bits`` sets the
    vector size (2**dim_bits) used for the dense block products. With
    ``word_weight > 0`` word tokens (cut to ``word_prefix`` characters) are
    added, weighted by ``word_weight``: lexical evidence that character
    n-grams spread thin.
    """
    dim = 1 << dim_bits
    shift = np.uint64(64 - dim_bits)
    per_side = []
    n_docs = 0
    df = np.zeros(dim, dtype=np.float64)
    vocab: dict[str, int] = {}
    for texts in sides:
        norm = [normalise(t) for t in texts]
        sid, h = _hash_ngrams(norm, orders)
        wt = np.ones(len(h))
        if word_weight > 0:
            wid, wh = _hash_words(norm, vocab, word_prefix)
            sid, h = np.concatenate((sid, wid)), np.concatenate((h, wh))
            wt = np.concatenate((wt, np.full(len(wh), word_weight)))
        feat = (h >> shift).astype(np.int64)
        sign = np.where((h & np.uint64(1)) == 1, 1.0, -1.0) * wt
        key = sid * dim + feat
        uniq, inv = np.unique(key, return_inverse=True)
        vals = np.bincount(inv, weights=sign, minlength=len(uniq))
        rows = uniq // dim
        cols = (uniq % dim).astype(np.int32)
        df += np.bincount(cols, minlength=dim)
        n_docs += len(texts)
        per_side.append((len(texts), rows, cols, vals))
    idf = np.log((n_docs + 1.0) / (df + 1.0)) + 1.0
    out = []
    for n, rows, cols, vals in per_side:
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        data = (vals * idf[cols]).astype(np.float32)
        out.append(SparseRows(indptr, cols, data, dim))
    return out


def stack_rows(a: SparseRows, b: SparseRows, b_weight: float = 1.0) -> SparseRows:
    """Rows of ``a`` and ``b`` side by side (``b`` scaled by ``b_weight``): the cosine of
    stacked vectors mixes both kinds of evidence by their norms and the weight."""
    if a.n != b.n:
        raise ValueError(f"cannot stack {a.n} rows with {b.n}")
    la, lb = np.diff(a.indptr), np.diff(b.indptr)
    rows = np.concatenate((np.repeat(np.arange(a.n), la), np.repeat(np.arange(b.n), lb)))
    cols = np.concatenate((a.indices, b.indices + a.dim)).astype(np.int32)
    vals = np.concatenate((a.data, b.data * np.float32(b_weight))).astype(np.float32)
    order = np.argsort(rows, kind="stable")
    indptr = np.zeros(a.n + 1, dtype=np.int64)
    np.cumsum(la + lb, out=indptr[1:])
    return SparseRows(indptr, cols[order], vals[order], a.dim + b.dim)


_CLAUSE = re.compile(r"[.!?;:…]+|--|—")


def clause_marks(texts: Sequence[str]) -> np.ndarray:
    """Number of clause marks (``. ! ? ; :``, ellipses and dashes) in each text: a
    sentence split on one side is often a semicolon or a dash on the other."""
    return np.fromiter((len(_CLAUSE.findall(t)) for t in texts), dtype=np.float64, count=len(texts))


# -- anchors ------------------------------------------------------------------

_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_CAP = re.compile(r"\b[A-ZÀ-ÖØ-Þ][\w'’-]{2,}")
_QUOTED = re.compile(r"[«“\"]\s*([^«»“”\"]{3,80}?)\s*[»”\"]")
_QUOTE_MARK = re.compile(r"[«»“”\"„]|^\s*[—–-]\s")


def _num_key(tok: str) -> str:
    return "#" + tok.replace(",", "").replace(".", "").lstrip("0")


def anchor_sets(
    src: Sequence[str],
    tgt: Sequence[str],
    concepts: Callable[[str], set[str]] | None = None,
    tgt_concepts: Callable[[str], set[str]] | None = None,
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Weighted anchors per sentence on each side.

    Numbers and names count only when the other document has them too (a
    name written the same way in both languages is evidence, a capitalised
    common word is not). Quotation, ``?`` and ``!`` are weak evidence.
    Concepts come from ``concepts`` (source) / ``tgt_concepts`` (target,
    default: the same extractor).
    """
    tgt_concepts = tgt_concepts or concepts

    def raw(texts: Sequence[str], conc: Callable[[str], set[str]] | None) -> list[dict[str, float]]:
        out = []
        for t in texts:
            a: dict[str, float] = {}
            for m in _NUM.finditer(t):
                a[_num_key(m.group())] = 3.0
            for m in _CAP.finditer(t):
                a["@" + m.group().lower()] = 2.0
            for m in _QUOTED.finditer(t):
                a['"' + m.group(1).lower()] = 2.0
            if _QUOTE_MARK.search(t):
                a["Q"] = 0.5
            if "?" in t:
                a["?"] = 0.7
            if "!" in t:
                a["!"] = 0.7
            if conc is not None:
                for c in conc(t):
                    a["C:" + str(c)] = 3.0
            out.append(a)
        return out

    s, t = raw(src, concepts), raw(tgt, tgt_concepts)
    shared = {k for d in s for k in d} & {k for d in t for k in d}
    s = [{k: v for k, v in d.items() if k in shared} for d in s]
    t = [{k: v for k, v in d.items() if k in shared} for d in t]
    return s, t


def anchor_vectors(sides: Sequence[Sequence[dict[str, float]]], dim_bits: int = 10) -> list[SparseRows]:
    """Hash weighted anchor sets into sparse rows (unsigned, exact up to collisions)."""
    dim = 1 << dim_bits

    def row(d: dict[str, float]) -> dict[int, float]:
        out: dict[int, float] = {}
        for k, w in d.items():
            c = _stable_hash(k) & (dim - 1)
            out[c] = out.get(c, 0.0) + w
        return out

    return [SparseRows.from_dicts(map(row, side), dim) for side in sides]


def _stable_hash(key: str) -> int:
    h = 1469598103934665603
    for b in key.encode("utf-8"):
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h >> 7


# -- banded products ------------------------------------------------------------

def banded_dots(s: SparseRows, t: SparseRows, off: np.ndarray, width: int, block: int = 256) -> np.ndarray:
    """``out[i, k] = s_i · t_{off[i]+k}`` for ``k < width`` (0 outside the target range).

    ``off`` must be non-decreasing. Work is O(n · (block + width) · dim) with
    dense BLAS products, memory O(n · width).
    """
    n, m = s.n, t.n
    out = np.zeros((n, width), dtype=np.float32)
    if n == 0 or m == 0 or width == 0:
        return out
    for a in range(0, n, block):
        b = min(n, a + block)
        lo = int(off[a])
        hi = int(min(m, off[b - 1] + width))
        if hi <= lo:
            continue
        prod = s.dense(a, b) @ t.dense(lo, hi).T  # (b-a, hi-lo)
        rel = off[a:b, None] - lo + np.arange(width)[None, :]
        valid = (rel >= 0) & (rel < hi - lo)
        out[a:b] = np.where(valid, np.take_along_axis(prod, np.clip(rel, 0, hi - lo - 1), 1), 0.0)
    return out


def neighbour_dots(s: SparseRows, max_gap: int = 2, block: int = 1024) -> np.ndarray:
    """``out[g-1, i] = s_i · s_{i+g}`` for gaps ``g = 1..max_gap`` (0 past the end)."""
    n = s.n
    out = np.zeros((max_gap, n), dtype=np.float64)
    for a in range(0, n, block):
        b = min(n, a + block)
        dense = s.dense(a, min(n, b + max_gap))
        for g in range(1, max_gap + 1):
            k = min(b, n - g) - a
            if k > 0:
                out[g - 1, a : a + k] = np.einsum("ij,ij->i", dense[:k], dense[g : g + k])
    return out
