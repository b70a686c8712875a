"""Translation memory at scale: import of an N-unit TMX, top-3 lookup latency,
leverage analysis of 10,000 segments.

Synthetic French-like sentences (8-30 words drawn from a 30,000-word Zipf
vocabulary, with numbers) make an N-unit TMX written by the real writer; it is
imported with :func:`workbench.memory.project.import_memory` (one transaction,
FTS5 word index filled by triggers), timed, with the process's peak resident
memory. Lookups: queries are memory sources with 1 to 3 words changed (fuzzy
hits) and fresh sentences (misses), top 3 at ``--min 70`` as ``tm lookup``
does; p50/p95/max over the queries, timed twice: one ``lookup()`` call per query
(``lookup_*``: a new index each time, as a page showing one segment does) and
one index for all queries (``session_lookup_*``, as ``tm lookup --in FILE``).
Both report the process's wall clock. Leverage: a project of
10,000 segments (half near a memory unit, half new, some repeated) analysed with
:func:`workbench.memory.project.analyse` (wall clock and the process's CPU time).

    python benchmarks/memory_scale.py --n 1000000
    python benchmarks/memory_scale.py --n 100000 --queries 300
    python benchmarks/memory_scale.py --n 1000000 --dir /tmp/tm --reuse   # again, same data

With ``--reuse`` a ``--dir`` already holding the imported memory (and the analysis
project) is measured again without importing. Each phase records the load
average (1 minute) before and after it: on a shared machine the wall-clock
figures mean little without it.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def vocabulary(rng: random.Random, size: int = 30_000) -> list[str]:
    letters = "abcdefghijlmnoprstuvéè"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(2, 10))) for _ in range(size)]


def sentence(rng: random.Random, vocab: list[str], weights: list[float]) -> str:
    words = rng.choices(vocab, cum_weights=weights, k=rng.randint(8, 30))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), str(rng.randint(1, 2030)))
    return " ".join(words).capitalize() + "."


def perturb(rng: random.Random, text: str, vocab: list[str], edits: int) -> str:
    words = text[:-1].split()
    for _ in range(edits):
        words[rng.randrange(len(words))] = rng.choice(vocab)
    return " ".join(words) + "."


def units(n: int, seed: int) -> Iterator:
    from workbench.io import Target, Unit

    rng = random.Random(seed)
    vocab = vocabulary(rng)
    weights = list(itertools.accumulate(1 / (i + 1) for i in range(len(vocab))))
    for i in range(n):
        src = sentence(rng, vocab, weights)
        yield Unit(source=src, source_lang="fr", targets=(Target("en", f"EN{i} {src}"),))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--segments", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dir", type=Path, default=None, help="work folder (default: a temp dir)")
    ap.add_argument("--reuse", action="store_true",
                    help="measure the memory already imported in --dir (no import)")
    args = ap.parse_args()

    import workbench
    from workbench.io import WriteOptions, get_format
    from workbench.memory.project import MemoryIndex, analyse, import_memory, lookup
    from workbench.memory.match import Query
    from workbench.store import NewParagraph, NewSegment, Project
    from workbench.store import memory as store

    work = args.dir or Path(tempfile.mkdtemp(prefix="tm-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    tmx = work / f"memory-{args.n}.tmx"
    result: dict[str, object] = {
        "n": args.n, "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(), "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "code": str(Path(workbench.__file__).parent.parent)}

    def load(phase: str) -> None:
        result[f"load_{phase}"] = round(os.getloadavg()[0], 1)

    if not tmx.exists():
        t = time.perf_counter()
        get_format("tmx").write(units(args.n, args.seed), tmx, WriteOptions("fr", ("en",)))
        result["tmx_write_s"] = round(time.perf_counter() - t, 1)
    result["tmx_mb"] = round(tmx.stat().st_size / 1e6, 1)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    project = Project(work / "project")
    import sqlite3
    result["sqlite"] = sqlite3.sqlite_version
    reused = args.reuse and store.count_units(project) > 0
    if not reused:
        load("import_start")
        t = time.perf_counter()
        report = import_memory(project, tmx)
        result["import_s"] = round(time.perf_counter() - t, 1)
        load("import_end")
        result["import_added"] = report.added
        result["peak_rss_mb_before_import"] = round(rss_before)
        result["peak_rss_mb_after_import"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    result["units"] = store.count_units(project)
    result["db_mb"] = round(sum(f.stat().st_size for f in (work / "project").iterdir()) / 1e6)

    # queries: memory sources with 1-3 words changed, and unrelated sentences
    rng = random.Random(args.seed + 1)
    vocab = vocabulary(random.Random(args.seed))
    weights = list(itertools.accumulate(1 / (i + 1) for i in range(len(vocab))))
    sample = [u.source for u in store.iter_units(project) if rng.random() < 1.2 * (args.queries + args.segments) / args.n]
    rng.shuffle(sample)
    queries = [perturb(rng, s, vocab, rng.randint(1, 3)) for s in sample[: args.queries // 2]]
    queries += [sentence(rng, vocab, weights) for _ in range(args.queries - len(queries))]
    rng.shuffle(queries)
    lookup(project, queries[:5], "fr", "en")  # warm the page cache

    def timed(name: str, one) -> None:
        load(f"{name}_start")
        times, hits = [], 0
        for q in queries:
            t = time.perf_counter()
            found = one(q)
            times.append((time.perf_counter() - t) * 1000)
            hits += bool(found)
        load(f"{name}_end")
        times.sort()
        result[f"{name}_queries"] = len(queries)
        result[f"{name}_hits"] = hits
        result[f"{name}_p50_ms"] = round(statistics.median(times), 1)
        result[f"{name}_p95_ms"] = round(times[int(0.95 * (len(times) - 1))], 1)
        result[f"{name}_max_ms"] = round(times[-1], 1)

    # one lookup() per query, as `tm lookup "text"` or a page showing one segment:
    # a fresh index each time (reviews checked, word counts read again)
    timed("lookup", lambda q: lookup(project, [q], "fr", "en", min_score=70, limit=3)[0])
    # one index for the session, as `tm lookup --in FILE` or the review app
    index = MemoryIndex(project, "fr", "en")
    timed("session_lookup", lambda q: index.lookup([Query(q)], min_score=70, limit=3)[0])

    # leverage analysis of a 10,000-segment project
    n_seg = args.segments
    texts = [perturb(rng, s, vocab, rng.randint(0, 4)) for s in sample[: n_seg // 2]]
    texts += [sentence(rng, vocab, weights) for _ in range(n_seg - len(texts) - n_seg // 20)]
    texts += rng.sample(texts, n_seg // 20)  # repetitions
    rng.shuffle(texts)
    have_docs = project.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    for d in range(0, n_seg if not have_docs else 0, 500):
        chunk = texts[d:d + 500]
        project.add_document(source_path=f"doc{d}.txt", title=f"doc{d}", lang="fr",
                             lang_confidence=1.0, fmt="txt", encoding="utf-8",
                             content_hash=f"h{d}",
                             paragraphs=[NewParagraph(" ".join(chunk), "body",
                                                      [NewSegment(s, True) for s in chunk])])
    load("analyse_start")
    t, cpu = time.perf_counter(), time.process_time()
    rows = analyse(project, "en")
    result["analyse_s"] = round(time.perf_counter() - t, 1)
    result["analyse_cpu_s"] = round(time.process_time() - cpu, 1)
    load("analyse_end")
    result["analyse_segments"] = sum(rows[-1].segments.values())
    result["analyse_total_segments"] = rows[-1].segments
    project.close()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
