"""Load test of a shared project: N reviewer processes × M saves each on one project,
aimed at a small pool of segments so that they collide on purpose (each reviewer reads
a segment's version, waits a moment as a person would, then saves with that version).

Checks, per backend: every save either lands or is reported as a conflict (no other
outcome), and no update is lost: each segment's final version is 1 + the saves that
landed on it, and its edit history holds exactly those versions, once each. Writes the
p50/p95 save latency (landed and refused saves alike).

    python benchmarks/team_load.py                       # SQLite and a throwaway PostgreSQL
    python benchmarks/team_load.py --backend postgresql --db postgresql://...
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from workbench.errors import ConflictError  # noqa: E402
from workbench.store import NewParagraph, NewSegment, Project  # noqa: E402


def _setup(root: Path, db: str | None, segments: int) -> list[int]:
    with Project(root, db=db) as p:
        texts = [f"Phrase numéro {i}." for i in range(segments)]
        doc = p.add_document(source_path="load.txt", title="load", lang="fr",
                             lang_confidence=1.0, fmt="text", encoding="utf-8",
                             content_hash="load",
                             paragraphs=[NewParagraph(" ".join(texts), "text",
                                                      [NewSegment(t, True) for t in texts])])
        ids = p.segments(doc)["id"].to_list()
        p.save_translations(engine="mt", model="m", model_version="1", source_lang="fr",
                            target_lang="en", rows=[(s, t, f"MT {t}", {})
                                                    for s, t in zip(ids, texts)])
    return ids


def _reviewer(args: tuple) -> dict:
    root, db, who, edits, ids, think_ms, barrier = args
    rng = random.Random(who)
    saved: list[tuple[int, int]] = []
    latencies, conflicts, errors = [], 0, []
    with Project(root, db=db, create=False) as p:
        barrier.wait()  # everyone starts together (spawning takes seconds)
        began = time.time()
        for n in range(edits):
            seg = rng.choice(ids)
            version = p.review(seg, "en").version
            time.sleep(rng.uniform(0, think_ms) / 1000)
            start = time.perf_counter()
            try:
                new = p.save_review(seg, "en", text=f"{who} edit {n}", expected_version=version,
                                    author=who)
                saved.append((seg, new))
            except ConflictError:
                conflicts += 1
            except Exception as exc:  # noqa: BLE001 - any other outcome is a failure
                errors.append(f"{type(exc).__name__}: {exc}")
            latencies.append(time.perf_counter() - start)
    return {"saved": saved, "conflicts": conflicts, "errors": errors, "latencies": latencies,
            "began": began, "ended": time.time()}


def run(backend: str, db: str | None, reviewers: int, edits: int, segments: int,
        think_ms: float) -> dict:
    root = Path(tempfile.mkdtemp(prefix=f"team-load-{backend}-"))
    ids = _setup(root, db, segments)
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(reviewers) as pool:
        barrier = manager.Barrier(reviewers)
        results = pool.map(_reviewer, [(root, db, f"r{i:02d}", edits, ids, think_ms, barrier)
                                       for i in range(reviewers)])
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    landed: dict[int, list[int]] = {}
    for r in results:
        for seg, version in r["saved"]:
            landed.setdefault(seg, []).append(version)
    lost = []
    with Project(root, db=db, create=False) as p:
        for seg in ids:
            versions = sorted(landed.get(seg, []))
            final = p.review(seg, "en").version
            history = sorted(p.history(seg, "en")["version"].to_list())
            if final != 1 + len(versions) or history != versions \
                    or versions != list(range(2, 2 + len(versions))):
                lost.append(seg)
    lat = sorted(x for r in results for x in r["latencies"])
    total = reviewers * edits
    conflicts = sum(r["conflicts"] for r in results)
    errors = [e for r in results for e in r["errors"]]
    return {
        "backend": backend, "reviewers": reviewers, "edits_each": edits, "segments": segments,
        "saves": total, "landed": sum(len(v) for v in landed.values()), "conflicts": conflicts,
        "other_errors": len(errors), "error_sample": errors[:3], "lost_updates": len(lost),
        "p50_ms": round(1000 * statistics.median(lat), 2),
        "p95_ms": round(1000 * lat[int(0.95 * (len(lat) - 1))], 2),
        "saves_per_s": round(total / wall, 1), "wall_s": round(wall, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--db", help="PostgreSQL URL of an empty database (default: a throwaway "
                                 "cluster started here)")
    ap.add_argument("--reviewers", type=int, default=20)
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--segments", type=int, default=40,
                    help="the shared pool (small: collisions)")
    ap.add_argument("--think-ms", type=float, default=5.0,
                    help="longest pause between reading a version and saving")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rows = []
    if args.backend in ("sqlite", "both"):
        rows.append(run("sqlite", None, args.reviewers, args.edits, args.segments, args.think_ms))
    if args.backend in ("postgresql", "both"):
        if args.db:
            rows.append(run("postgresql", args.db, args.reviewers, args.edits, args.segments,
                            args.think_ms))
        else:
            from fixtures.postgres import postgres_cluster

            with postgres_cluster() as cluster:
                rows.append(run("postgresql", cluster.create_database(), args.reviewers,
                                args.edits, args.segments, args.think_ms))
    print("| backend | reviewers × saves | landed | conflicts reported | other errors | "
          "lost updates | p50 save | p95 save | saves/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['backend']} | {r['reviewers']} × {r['edits_each']} | {r['landed']} | "
              f"{r['conflicts']} | {r['other_errors']} | {r['lost_updates']} | "
              f"{r['p50_ms']} ms | {r['p95_ms']} ms | {r['saves_per_s']} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    if any(r["lost_updates"] or r["other_errors"] or
           r["landed"] + r["conflicts"] != r["saves"] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
