"""Benchmark: the review app's pages on an archive-sized project (issue 17, item 4).

    python benchmarks/app_archive.py [--segments 200000] [--code TREE] [--pages review,qa,...]

Builds (once, in ``benchmarks/cache/app-archive-N``) a project of N reviewed,
machine-translated and aligned segments in documents of 20 (the bulk-SQL builder of
``project_memory.py --exports``: ~10,000 documents for 200,000 segments; the seeds
glossary copied in, as a real project has one), then, for each page, starts a process of
its own (importing ``--code``'s workbench) that drives the whole app with Streamlit's
AppTest: a first run (the Review page, cold imports), then the page measured: its first
render and one rerun (what each click on it costs), and the process's peak resident
memory (``VmHWM``: the page's work on top of the Review page's). Pages: ``review`` (one
document), ``qa`` (Review's QA view over every document), ``documents``, ``quality``,
``export``. The load average is printed, as the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: One page in a process of its own: prints ``first rerun peak_kib`` on its last line.
CHILD = r"""
import sys, time
from streamlit.testing.v1 import AppTest
root, main, page = sys.argv[1:4]
at = AppTest.from_file(main, default_timeout=1800)
at.session_state["project_root"] = root
at.run()  # the Review page: imports, connection, one document
assert not at.exception, at.exception
def go():
    if page == "review":
        at.run()
    elif page == "qa":
        at.sidebar.radio(key="view").set_value("QA").run()
    else:
        at.switch_page(f"views/{page}.py").run()
t0 = time.perf_counter(); go(); first = time.perf_counter() - t0
assert not at.exception, at.exception
t0 = time.perf_counter(); at.run(); rerun = time.perf_counter() - t0
assert not at.exception, at.exception
shown = {"review": len(at.text_area), "qa": len(at.dataframe), "documents": len(at.dataframe),
         "quality": len(at.metric), "export": len(at.dataframe)}[page]
hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]
print(f"{first:.3f} {rerun:.3f} {hwm} {shown}")
"""

PAGES = ("review", "qa", "documents", "quality", "export")


def project(n: int) -> Path:
    """The cached project of ``n`` segments (built once with bulk SQL)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from project_memory import build_project

    from workbench.store import Project

    root = ROOT / "benchmarks" / "cache" / f"app-archive-{n}"
    if (root / "done").exists():
        return root
    t0 = time.perf_counter()
    with Project(root) as p:
        build_project(p, n)
    seeds = ROOT / "glossaries" / "seeds.csv"
    (root / "glossaries").mkdir(exist_ok=True)
    (root / "glossaries" / "seeds.csv").write_bytes(seeds.read_bytes())
    (root / "done").write_text("")
    print(f"project of {n:,} segments built in {time.perf_counter() - t0:.0f} s", flush=True)
    return root


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--segments", type=int, default=200_000)
    ap.add_argument("--code", type=Path, default=ROOT,
                    help="the tree whose workbench (and app) the page processes run")
    ap.add_argument("--pages", default=",".join(PAGES))
    a = ap.parse_args()
    root = project(a.segments)
    code = a.code.resolve()
    print(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f"; code from {code}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; project: {a.segments:,} segments, SQLite")
    print("| page | first render (s) | rerun (s) | process peak RSS (MiB) | shown |")
    print("|---|---|---|---|---|")
    for page in a.pages.split(","):
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(root), str(code / "workbench/app/main.py"), page],
            capture_output=True, text=True, cwd=code,
            env={**os.environ, "PYTHONPATH": str(code)})
        if proc.returncode != 0:
            print(f"| {page} | failed: {proc.stderr.strip().splitlines()[-1:]} | | | |",
                  flush=True)
            continue
        first, rerun, kib, shown = proc.stdout.strip().splitlines()[-1].split()
        print(f"| {page} | {float(first):.2f} | {float(rerun):.2f} | {int(kib) / 1024:.0f} "
              f"| {shown} |", flush=True)
    print("load average at the end " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
