"""The leverage analysis's lookups, segment by segment: a batch (one bm25 ranking for all
segments, :mod:`workbench.memory.rank`) against one FTS5 query per segment, on the
project ``benchmarks/memory_scale.py --dir D`` left in ``D/project``; CPU and wall time
of each, and the segments whose best match differs.

    python benchmarks/memory_batch_check.py --dir /tmp/tm
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, required=True, help="memory_scale.py's work folder")
    ap.add_argument("--to", default="en")
    args = ap.parse_args()

    from workbench.memory import project as mp
    from workbench.memory.match import ANALYSIS_MIN_SCORE, Query, normalise
    from workbench.store import Project
    from workbench.store import memory as store

    with Project(args.dir / "project") as p:
        seen, queries = set(), []
        for r in store.segment_contexts(p).iter_rows(named=True):
            if normalise(r["text"]) not in seen:
                seen.add(normalise(r["text"]))
                queries.append(Query(r["text"], r["context_before"], r["context_after"],
                                     r["segment_id"]))
        best = {}
        for name, batch_from in (("batch", mp.BATCH_QUERIES), ("single", 10**9)):
            mp.BATCH_QUERIES = batch_from
            load = os.getloadavg()[0]
            t, cpu = time.perf_counter(), time.process_time()
            found = mp.MemoryIndex(p, "fr", args.to).lookup(queries, min_score=ANALYSIS_MIN_SCORE,
                                                            limit=1)
            print(f"{name}: {time.perf_counter() - t:.1f} s wall, "
                  f"{time.process_time() - cpu:.1f} s CPU, load {load:.1f} → "
                  f"{os.getloadavg()[0]:.1f}", flush=True)
            best[name] = [(f[0].score, f[0].kind, f[0].unit.id) if f else None for f in found]
    differ = [(q.segment_id, a, b) for q, a, b in zip(queries, best["batch"], best["single"])
              if a != b]
    worse = [d for d in differ if d[2] is not None and (d[1] is None or d[1][0] < d[2][0])]
    print(f"{len(queries)} segments; {len(differ)} differ; {len(worse)} worse in the batch")
    for seg, a, b in differ:
        print(f"segment {seg}: batch {a}, single {b}")


if __name__ == "__main__":
    main()
