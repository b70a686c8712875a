"""Export scale benchmark: N generated beads to TMX and to Parquet.

Units are generated on the fly (French source, English and Spanish-free
single target, full metadata) and streamed into the real writers
(:func:`workbench.io.tmx.write_tmx`, :func:`workbench.io.parquet.write_parquet`),
so the numbers measure the writers, not a database. Each run happens in a
fresh subprocess so that its peak resident memory (``ru_maxrss``) is its own;
``baseline`` is the resident memory after imports, before writing.

    python benchmarks/export_scale.py                 # 100,000 and 1,000,000 beads
    python benchmarks/export_scale.py --n 1000000 --formats tmx
    python benchmarks/export_scale.py --project-db 200000   # end to end from SQLite
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

WORDS_FR = ("le président a déclaré que la réunion à Vladivostok était « historique » "
            "et que les deux pays coopéreraient étroitement dans le domaine économique").split()
WORDS_EN = ("the president said that the meeting in Vladivostok was \"historic\" "
            "and that both countries would cooperate closely on the economy").split()


def units(n: int) -> Iterator:
    """``n`` synthetic units, 200 per document, with varied lengths and metadata."""
    from workbench.io import Target, Unit
    statuses = ("approved", "todo", "flagged", "rejected")
    for i in range(n):
        k = 8 + i % 17
        src = " ".join(WORDS_FR[(i + j) % len(WORDS_FR)] for j in range(k)).capitalize() + f" & <{i}>."
        tgt = " ".join(WORDS_EN[(i + j) % len(WORDS_EN)] for j in range(k)).capitalize() + f" & <{i}>."
        yield Unit(
            source=src, source_lang="fr", document=f"Article {i // 200}", document_id=i // 200,
            segment_id=i + 1, paragraph=(i % 200) // 5, idx=i % 200,
            targets=(Target(lang="en", text=tgt, status=statuses[i % 4], version=1 + i % 3,
                            confidence=(i % 1000) / 1000, mt=tgt, engine="argos",
                            model="translate-fr_en", model_version="1.9"),))


def run_one(fmt: str, n: int) -> dict:
    """Write ``n`` units in ``fmt`` in this process; returns time and memory."""
    from workbench.io import FORMATS, WriteOptions
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        out = Path(tmp) / f"bench.{fmt}"
        start = time.perf_counter()
        stats = FORMATS[fmt].write(units(n), out, WriteOptions(source_lang="fr", target_langs=("en",)))
        seconds = time.perf_counter() - start
        size = out.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"format": fmt, "beads": stats.units, "seconds": round(seconds, 1),
            "beads_per_s": round(stats.units / seconds), "file_mb": round(size / 2**20, 1),
            "baseline_rss_mb": round(baseline / 1024), "peak_rss_mb": round(peak / 1024)}


def build_project(root: Path, n: int) -> float:
    """A project with ``n`` reviewed, machine-translated, aligned segments
    (bulk SQL: the point is the export, not the ingest). Returns seconds."""
    import json as _json

    from workbench.store import Project
    start = time.perf_counter()
    with Project(root) as project, project.transaction() as conn:
        per_doc = 200
        generated = units(n)
        for d in range(0, n, per_doc):
            doc = conn.execute(
                "INSERT INTO documents (source_path, title, lang, format, encoding, content_hash, "
                "version) VALUES (?, ?, 'fr', 'text', 'utf-8', ?, 1)",
                (f"a{d}.txt", f"Article {d // per_doc}", f"h{d}")).lastrowid
            rows = [next(generated) for _ in range(min(per_doc, n - d))]
            para = conn.execute("INSERT INTO paragraphs (document_id, idx, text, kind) "
                                "VALUES (?, 0, '', 'text')", (doc,)).lastrowid
            seg_ids = []
            for i, u in enumerate(rows):
                seg_ids.append(conn.execute(
                    "INSERT INTO segments (document_id, paragraph_id, idx, text, translatable) "
                    "VALUES (?, ?, ?, ?, 1)", (doc, para, i, u.source)).lastrowid)
            conn.executemany(
                "INSERT INTO translations (segment_id, target_lang, engine, model, model_version, "
                "text) VALUES (?, 'en', 'argos', 'translate-fr_en', '1.9', ?)",
                [(sid, u.targets[0].mt) for sid, u in zip(seg_ids, rows)])
            conn.executemany(
                "INSERT INTO reviews (segment_id, target_lang, text, status, version) "
                "VALUES (?, 'en', ?, ?, ?)",
                [(sid, u.targets[0].text, u.targets[0].status, u.targets[0].version)
                 for sid, u in zip(seg_ids, rows)])
            align = conn.execute("INSERT INTO alignments (document_id, target_lang, target_kind, "
                                 "target_ref) VALUES (?, 'en', 'mt', 'argos')", (doc,)).lastrowid
            conn.executemany(
                "INSERT INTO beads (alignment_id, idx, src_ids, tgt_ids, confidence) "
                "VALUES (?, ?, ?, '[]', ?)",
                [(align, i, _json.dumps([sid]), u.targets[0].confidence)
                 for i, (sid, u) in enumerate(zip(seg_ids, rows))])
    return time.perf_counter() - start


def run_project(fmt: str, root: Path) -> dict:
    """``export_project`` of the project at ``root`` to ``fmt`` in this process."""
    from workbench.io.project import export_project
    from workbench.store import Project
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp, \
            Project(root, create=False) as project:
        out = Path(tmp) / f"bench.{fmt}"
        start = time.perf_counter()
        report = export_project(project, fmt, out, targets=["en"])
        seconds = time.perf_counter() - start
        size = out.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"format": f"{fmt} (from SQLite)", "beads": report.units, "seconds": round(seconds, 1),
            "beads_per_s": round(report.units / seconds), "file_mb": round(size / 2**20, 1),
            "baseline_rss_mb": round(baseline / 1024), "peak_rss_mb": round(peak / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="beads (repeatable)")
    parser.add_argument("--formats", default="tmx,parquet")
    parser.add_argument("--project-db", type=int, metavar="N",
                        help="instead: build a SQLite project of N segments and time "
                             "export_project from it")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child mode: FORMAT
    parser.add_argument("--root", help=argparse.SUPPRESS)  # child mode: project folder
    args = parser.parse_args()
    if args.one:
        result = run_project(args.one, Path(args.root)) if args.root else run_one(args.one, args.n[0])
        print(json.dumps(result))
        return
    if args.project_db:
        _project_mode(args.project_db, args.formats.split(","))
        return
    sizes = args.n or [100_000, 1_000_000]
    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
          f"{time.strftime('%Y-%m-%d')}")
    print("| format | beads | seconds | beads/s | file MB | RSS after imports MB | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for fmt in args.formats.split(","):
        for n in sizes:
            child = subprocess.run([sys.executable, __file__, "--one", fmt, "--n", str(n)],
                                   capture_output=True, text=True, check=True)
            r = json.loads(child.stdout)
            print(f"| {r['format']} | {r['beads']:,} | {r['seconds']} | {r['beads_per_s']:,} | "
                  f"{r['file_mb']} | {r['baseline_rss_mb']} | {r['peak_rss_mb']} |", flush=True)



def _project_mode(n: int, formats: list[str]) -> None:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        root = Path(tmp) / "project"
        built = build_project(root, n)
        db_mb = (root / "workbench.sqlite").stat().st_size / 2**20
        print(f"# project of {n:,} segments built in {built:.0f} s ({db_mb:.0f} MB SQLite) · "
              f"{os.cpu_count()} cores · {time.strftime('%Y-%m-%d')}")
        print("| format | beads | seconds | beads/s | file MB | RSS after imports MB | peak RSS MB |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for fmt in formats:
            child = subprocess.run([sys.executable, __file__, "--one", fmt, "--root", str(root)],
                                   capture_output=True, text=True, check=True)
            r = json.loads(child.stdout)
            print(f"| {r['format']} | {r['beads']:,} | {r['seconds']} | {r['beads_per_s']:,} | "
                  f"{r['file_mb']} | {r['baseline_rss_mb']} | {r['peak_rss_mb']} |", flush=True)


if __name__ == "__main__":
    main()
