"""Banded dynamic programme over beads (pure numpy).

Cell ``(i, j)`` is the best cost of aligning the first ``i`` source and first
``j`` target sentences. Row ``i`` only holds the columns ``lo[i] <= j < hi[i]``
(the band), so time and memory grow with ``n * width`` instead of ``n * m``.
Rows are filled one at a time with vector operations; the target-insertion
bead (0-1) stays vectorised through a prefix-minimum.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

BeadType = tuple[int, int]


@dataclass
class Band:
    """Per-row column window ``[lo[i], hi[i])`` of the DP (rows 0..n, columns 0..m)."""

    lo: np.ndarray
    hi: np.ndarray
    n: int
    m: int

    @property
    def width(self) -> int:
        return int((self.hi - self.lo).max()) if len(self.lo) else 0

    @classmethod
    def diagonal(cls, n: int, m: int, half_width: int) -> Band:
        """A band of ``±half_width`` columns around the straight diagonal."""
        centre = np.rint(np.arange(n + 1) * (m / max(n, 1))).astype(np.int64)
        return cls(centre - half_width, centre + half_width + 1, n, m).fixed()

    @classmethod
    def around(cls, first: np.ndarray, last: np.ndarray, n: int, m: int, half_width: int) -> Band:
        """A band reaching ``half_width`` columns beyond the columns a path visits in each row."""
        return cls(first - half_width, last + half_width + 1, n, m).fixed()

    def fixed(self) -> Band:
        """Clip to the grid, make both edges non-decreasing and consecutive rows overlap."""
        lo = np.clip(self.lo, 0, self.m).astype(np.int64)
        hi = np.clip(self.hi, 1, self.m + 1).astype(np.int64)
        lo[0] = 0
        hi[-1] = self.m + 1
        lo = np.minimum.accumulate(lo[::-1])[::-1].copy()
        hi = np.maximum.accumulate(hi)
        # row i must reach back to row i-1 (1-0 beads) : lo[i] <= hi[i-1] - 1
        lo[1:] = np.minimum(lo[1:], hi[:-1] - 1)
        lo = np.minimum.accumulate(lo[::-1])[::-1].copy()
        hi = np.maximum(hi, lo + 1)
        return Band(lo, hi, self.n, self.m)


@dataclass(frozen=True)
class Path:
    """The best ladder found: beads as ``(i0, i1, j0, j1)`` half-open ranges, plus costs."""

    beads: list[tuple[int, int, int, int]]
    bead_costs: np.ndarray
    total: float


def _shifted(row: np.ndarray, start: int, width: int) -> np.ndarray:
    """``row[start : start + width]`` with +inf where the slice leaves ``row``."""
    out = np.full(width, np.inf)
    k0 = max(0, -start)
    k1 = min(width, len(row) - start)
    if k1 > k0:
        out[k0:k1] = row[start + k0 : start + k1]
    return out


def banded_dp(
    band: Band,
    bead_types: Sequence[BeadType],
    pair_cost: Callable[[BeadType], np.ndarray],
    skip_src: np.ndarray,
    skip_tgt: np.ndarray,
) -> Path:
    """Best monotone ladder inside ``band``.

    ``pair_cost((a, b))`` returns an ``(n+1, width)`` array: the cost of the
    bead of ``a`` source and ``b`` target sentences ending at cell
    ``(i, lo[i] + k)`` (+inf where impossible). Null beads cost
    ``skip_src[i-1]`` (1-0) and ``skip_tgt[j-1]`` (0-1).
    """
    n, m = band.n, band.m
    lo, hi = band.lo, band.hi
    width = band.width
    types = [tuple(t) for t in bead_types]
    pairs = [t for t in types if t[0] >= 1 and t[1] >= 1]
    costs = {t: pair_cost(t) for t in pairs}
    has_del = (1, 0) in types
    has_ins = (0, 1) in types
    code = {t: c for c, t in enumerate(types)}
    ins_code = code.get((0, 1), -1)

    D = np.full((n + 1, width), np.inf)
    bp = np.full((n + 1, width), -1, dtype=np.int8)
    cols = np.arange(width)
    skip_tgt_pad = np.concatenate(([np.inf], skip_tgt.astype(np.float64)))  # index j -> cost of tgt j-1

    for i in range(n + 1):
        j = lo[i] + cols
        live = j < hi[i]
        base = np.full(width, np.inf)
        bcode = np.full(width, -1, dtype=np.int8)
        if i == 0:
            base[0] = 0.0
        else:
            for t in pairs:
                a, b = t
                r = i - a
                if r < 0:
                    continue
                cand = _shifted(D[r], int(lo[i] - b - lo[r]), width) + costs[t][i]
                better = cand < base
                base = np.where(better, cand, base)
                bcode[better] = code[t]
            if has_del:
                cand = _shifted(D[i - 1], int(lo[i] - lo[i - 1]), width) + float(skip_src[i - 1])
                better = cand < base
                base = np.where(better, cand, base)
                bcode[better] = code[(1, 0)]
        base[~live] = np.inf
        if has_ins:
            step = skip_tgt_pad[np.minimum(j, m)]
            step[0] = 0.0
            step[~live] = np.inf
            with np.errstate(invalid="ignore"):
                C = np.cumsum(step)
                best = np.minimum.accumulate(base - C) + C
            best[~np.isfinite(best)] = np.inf
            from_left = best < base - 1e-9 * (1.0 + np.abs(np.where(np.isfinite(base), base, 0)))
            bcode = np.where(from_left, ins_code, bcode).astype(np.int8)
            base = np.where(from_left, best, base)
        D[i] = base
        bp[i] = bcode

    k = m - lo[n]
    if not (0 <= k < width) or not np.isfinite(D[n, k]):
        raise RuntimeError("no path through the band (band does not reach the end cell)")
    beads: list[tuple[int, int, int, int]] = []
    bead_costs: list[float] = []
    i, jj = n, m
    while i > 0 or jj > 0:
        c = int(bp[i, jj - lo[i]])
        if c < 0:
            raise RuntimeError(f"broken back-pointer at cell ({i}, {jj})")
        a, b = types[c]
        pi, pj = i - a, jj - b
        bead_costs.append(float(D[i, jj - lo[i]] - D[pi, pj - lo[pi]]))
        beads.append((pi, i, pj, jj))
        i, jj = pi, pj
    beads.reverse()
    bead_costs.reverse()
    return Path(beads, np.asarray(bead_costs), float(D[n, m - lo[n]]))


def widening_dp(band: Band, half_width: int, solve: Callable[[Band], Path], *,
                max_rounds: int = 6, margin: int = 3,
                max_cells: int | None = None) -> tuple[Path, Band]:
    """``solve`` (a DP over ``band``), then again around the path found, with the band
    widened where the path ran along its edge, until the path stays inside, ``max_rounds``
    pass, or the band would exceed ``max_cells``. Returns the last path and its band."""
    n, m = band.n, band.m
    for rnd in range(max_rounds):
        path, solved = solve(band), band
        low, high = hugging_rows(path, band, margin)
        if len(low) == 0 and len(high) == 0:
            break
        if max_cells is not None and band.width * (n + 1) > max_cells:
            break  # widening further would cost more memory than allowed; keep this path
        amount = min(half_width * 2 ** (rnd + 1), max(n, m))
        first, last = path_span(path, n)
        band = widen(Band.around(first, last, n, m, half_width), low, high, amount)
    return path, solved


def hugging_rows(path: Path, band: Band, margin: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows where the path runs within ``margin`` of the band's lower / upper edge
    (edges that are the grid's own borders do not count)."""
    low, high = [], []
    for i0, i1, j0, j1 in path.beads:
        for i, jj in ((i0, j0), (i1, j1)):
            if band.lo[i] > 0 and jj - band.lo[i] < margin:
                low.append(i)
            if band.hi[i] <= band.m and band.hi[i] - 1 - jj < margin:
                high.append(i)
    return np.unique(np.asarray(low, np.int64)), np.unique(np.asarray(high, np.int64))


def widen(band: Band, low_rows: np.ndarray, high_rows: np.ndarray, amount: int) -> Band:
    """Widen the band by ``amount`` columns (and ±``amount`` rows) where the path hugs it."""
    lo, hi = band.lo.copy(), band.hi.copy()
    n = band.n
    for rows, edge, sign in ((low_rows, lo, -1), (high_rows, hi, 1)):
        mask = np.zeros(n + 1, dtype=bool)
        for r in rows:
            mask[max(0, r - amount) : min(n + 1, r + amount + 1)] = True
        edge[mask] += sign * amount
    return Band(lo, hi, band.n, band.m).fixed()


def path_span(path: Path, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first and last column the path visits in each row 0..n."""
    first = np.full(n + 1, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(n + 1, -1, dtype=np.int64)
    for i0, i1, j0, j1 in path.beads:
        for i, jj in ((i0, j0), (i1, j1)):
            first[i] = min(first[i], jj)
            last[i] = max(last[i], jj)
    return first, last
