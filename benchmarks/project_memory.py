"""Driver memory of ``workbench run ARCHIVE --executor ray`` on a generated archive.

    python benchmarks/project_memory.py --segments 200000

    python benchmarks/project_memory.py --exports --segments 200000 [--backend postgresql]

Makes (once, in ``benchmarks/cache/archive-N``) an archive of N French sentences in
articles of 20 sentences (seed words, each sentence made unique with a number), ingests
it into a fresh project in one process, then runs
``workbench run ARCHIVE -e apertium -g glossaries/seeds.csv --export none --no-serve
--executor ray --workers 2`` on it in another (ingest finds every file unchanged; the run
translates, aligns and normalises). Each process reports its own peak resident memory
(``VmHWM`` of the driver process only; Ray's workers and servers are other processes).

``--exports`` measures the exports ``run`` ends with (``--export tmx,parquet``, its
default) on such a project instead: a project of N reviewed, machine-translated and
aligned segments in documents of 20 is written with bulk SQL (the point is the export,
not the pipeline; on ``--backend postgresql`` into a throwaway cluster, stopped at the
end), then each format is exported by ``workbench export`` in a process of its own
(the same ``export_project`` call as ``run``'s), whose peak is reported with a digest of
the file (TMX without its ``creationdate``) so that two versions of the code can be
compared (``--code``: the tree whose ``workbench`` the child processes import).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.store import Project

ROOT = Path(__file__).resolve().parents[1]
PER_ARTICLE = 20

#: Runs the CLI in this process and prints its peak resident memory at exit.
CHILD = """
import atexit, sys
def peak():
    hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))
    print('PEAK_KIB', hwm.split()[1], file=sys.stderr)
atexit.register(peak)
from workbench.cli import main
sys.argv = ['workbench', *sys.argv[1:]]
main()
"""


def make_archive(n: int) -> Path:
    folder = ROOT / "benchmarks" / "cache" / f"archive-{n}"
    if (folder / "done").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    words = " ".join(p.read_text(encoding="utf-8")
                     for p in sorted((ROOT / "seeds").glob("*.txt"))).replace(".", " ").split()
    words = [w for w in words if w.isalpha()]  # plain words: no debris, no sentence ends
    i = 0
    for a in range(-(-n // PER_ARTICLE)):
        sentences = []
        for s in range(PER_ARTICLE):
            k = 4 + (a + s) % 6
            text = " ".join(words[i:i + k])
            i = (i + k) % (len(words) - 12)
            sentences.append(f"{text[0].upper()}{text[1:]} {a * PER_ARTICLE + s}.")
        body = "\n\n".join(" ".join(sentences[j:j + 5]) for j in range(0, PER_ARTICLE, 5))
        (folder / f"{a:06d}.txt").write_text(f"Article {a}\n\n{body}\n", encoding="utf-8")
    (folder / "done").write_text("")
    return folder


def workbench(*args: str, code: Path = ROOT, env: dict[str, str] | None = None
              ) -> tuple[float, int, str]:
    """Run the CLI in a child process (importing ``code``'s workbench): seconds, peak KiB,
    output."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {}), "PYTHONPATH": str(code),
                               "COLUMNS": "120"},
                          cwd=code)  # `python -c` puts the folder it runs in first on the path
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"workbench {' '.join(args)} failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    lines = (proc.stdout + proc.stderr).splitlines()
    peak = int(next(ln.split()[1] for ln in lines if ln.startswith("PEAK_KIB")))
    return wall, peak, "\n".join(ln for ln in lines if not ln.startswith("PEAK_KIB"))


def build_project(project: Project, n: int) -> None:
    """``n`` reviewed, machine-translated, aligned segments in documents of
    :data:`PER_ARTICLE`, written with bulk SQL (statuses, versions and confidences vary)."""
    statuses = ("approved", "todo", "flagged", "rejected")
    with project.transaction() as conn:
        for d in range(0, n, PER_ARTICLE):
            doc = conn.execute(
                "INSERT INTO documents (source_path, title, lang, format, encoding, "
                "content_hash, version) VALUES (?, ?, 'fr', 'text', 'utf-8', ?, 1)",
                (f"{d:07d}.txt", f"Article {d // PER_ARTICLE}", f"h{d}")).lastrowid
            para = conn.execute("INSERT INTO paragraphs (document_id, idx, text, kind) "
                                "VALUES (?, 0, '', 'text')", (doc,)).lastrowid
            rows = []
            for i in range(d, min(d + PER_ARTICLE, n)):
                sid = conn.execute(
                    "INSERT INTO segments (document_id, paragraph_id, idx, text, translatable) "
                    "VALUES (?, ?, ?, ?, 1)",
                    (doc, para, i - d, f"Le président a parlé à Vladivostok {i}.")).lastrowid
                rows.append((sid, i, f"The president spoke in Vladivostok {i}."))
            conn.executemany(
                "INSERT INTO translations (segment_id, target_lang, engine, model, "
                "model_version, text) VALUES (?, 'en', 'apertium', 'fr-en', '1.0', ?)",
                [(sid, text) for sid, _, text in rows])
            conn.executemany(
                "INSERT INTO reviews (segment_id, target_lang, text, status, version) "
                "VALUES (?, 'en', ?, ?, ?)",
                [(sid, text, statuses[i % 4], 1 + i % 3) for sid, i, text in rows])
            align = conn.execute(
                "INSERT INTO alignments (document_id, target_lang, target_kind, target_ref) "
                "VALUES (?, 'en', 'mt', 'apertium')", (doc,)).lastrowid
            conn.executemany(
                "INSERT INTO beads (alignment_id, idx, src_ids, tgt_ids, tgt_text, confidence) "
                "VALUES (?, ?, ?, '[]', ?, ?)",
                [(align, i - d, f"[{sid}]", text, (i % 1000) / 1000) for sid, i, text in rows])


def digest(path: Path) -> str:
    """SHA-256 of an export (a TMX without its ``creationdate``, which is the clock's)."""
    import hashlib
    import re

    data = path.read_bytes()
    if path.suffix == ".tmx":
        data = re.sub(rb' creationdate="[0-9TZ]+"', b"", data, count=1)
    return hashlib.sha256(data).hexdigest()[:16]


def exports(n: int, backend: str, code: Path) -> None:
    """Build a project of ``n`` segments and time ``run``'s default exports of it."""
    import contextlib
    import tempfile

    from workbench.store import Project

    print(f"load average {os.getloadavg()[0]:.1f} at start; code from {code}", flush=True)
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="exports-")))
        root, env = tmp / "project", {}
        if backend == "postgresql":
            sys.path.insert(0, str(ROOT / "tests"))
            from fixtures.postgres import postgres_cluster  # the tests' throwaway cluster

            cluster = stack.enter_context(postgres_cluster())
            env["WORKBENCH_DB"] = cluster.create_database()
        t0 = time.perf_counter()
        with Project(root, db=env.get("WORKBENCH_DB")) as project:
            build_project(project, n)
        print(f"project of {n:,} segments on {backend} built in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
        for fmt, name in (("tmx", "corpus.tmx"), ("parquet", "corpus.parquet")):
            out = tmp / name
            wall, peak, said = workbench("export", "-f", fmt, "-o", str(out), "--to", "en",
                                         "--project", str(root), code=code, env=env)
            units = next((ln.split()[0] for ln in said.splitlines() if "units (" in ln), "?")
            print(f"export {fmt}: {units} units, {wall:.0f} s, driver peak {peak / 1024:.0f} "
                  f"MiB, {out.stat().st_size / 2**20:.1f} MiB file, sha256 {digest(out)}",
                  flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--segments", type=int, default=200_000)
    ap.add_argument("--project", type=Path, default=None, help="default: benchmarks/cache/project-N")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--exports", action="store_true",
                    help="measure run's default exports (tmx, parquet) instead")
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite",
                    help="with --exports: the project's database")
    ap.add_argument("--code", type=Path, default=ROOT,
                    help="with --exports: the tree whose workbench the exports run")
    a = ap.parse_args()
    if a.exports:
        exports(a.segments, a.backend, a.code.resolve())
        return
    archive = make_archive(a.segments)
    project = a.project or ROOT / "benchmarks" / "cache" / f"project-{a.segments}"
    if project.exists():
        import shutil

        shutil.rmtree(project)
    print(f"load average {os.getloadavg()[0]:.1f} at start", flush=True)
    wall, peak, _ = workbench("ingest", str(archive), "--project", str(project))
    print(f"ingest: {wall:.0f} s, driver peak {peak / 1024:.0f} MiB", flush=True)
    wall, peak, out = workbench("run", str(archive), "--project", str(project), "-e", "apertium",
                                "-g", str(ROOT / "glossaries" / "seeds.csv"), "--export", "none",
                                "--no-serve", "--executor", "ray", "--workers", str(a.workers))
    print("\n".join(ln for ln in out.splitlines() if not ln.strip().startswith("ingest ")))
    print(f"run --executor ray: {wall:.0f} s, driver peak {peak / 1024:.0f} MiB; "
          f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
