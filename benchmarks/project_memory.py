"""Driver memory of ``workbench run ARCHIVE --executor ray`` on a generated archive.

    python benchmarks/project_memory.py --segments 200000

Makes (once, in ``benchmarks/cache/archive-N``) an archive of N French sentences in
articles of 20 sentences (seed words, each sentence made unique with a number), ingests
it into a fresh project in one process, then runs
``workbench run ARCHIVE -e apertium -g glossaries/seeds.csv --export none --no-serve
--executor ray --workers 2`` on it in another (ingest finds every file unchanged; the run
translates, aligns and normalises). Each process reports its own peak resident memory
(``VmHWM`` of the driver process only; Ray's workers and servers are other processes).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

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


def workbench(*args: str) -> tuple[float, int, str]:
    """Run the CLI in a child process: seconds, peak KiB, output."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"})
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"workbench {' '.join(args)} failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    lines = (proc.stdout + proc.stderr).splitlines()
    peak = int(next(ln.split()[1] for ln in lines if ln.startswith("PEAK_KIB")))
    return wall, peak, "\n".join(ln for ln in lines if not ln.startswith("PEAK_KIB"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--segments", type=int, default=200_000)
    ap.add_argument("--project", type=Path, default=None, help="default: benchmarks/cache/project-N")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
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
