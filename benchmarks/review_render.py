"""Benchmark: server-side render time of the Review page for a 1,000-segment document.

Builds a project through the Project API (1,000 translated, aligned segments),
then times AppTest runs of the whole app (navigation + Review page, 20
segments per page): the first run (cold: imports, connection) and warm reruns
(what each click costs), plus a page change, a save, the glossary-warnings
filter, the Beads view and a bead merge. Target: under 1 s.

    python benchmarks/review_render.py [--segments 1000] [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "app"))

from projects import build_project  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from streamlit.testing.v1 import AppTest

    seeds = ROOT / "glossaries" / "seeds.csv"
    with tempfile.TemporaryDirectory() as tmp:
        root = build_project(Path(tmp) / "bench", segments=args.segments)
        seeds = ROOT / "glossaries" / "seeds.csv"
        if seeds.is_file():  # highlight terms and check them, as a real project would
            (root / "glossaries").mkdir()
            (root / "glossaries" / "seeds.csv").write_bytes(seeds.read_bytes())
        at = AppTest.from_file(str(ROOT / "workbench" / "app" / "main.py"), default_timeout=60)
        at.session_state["project_root"] = str(root)
        t0 = time.perf_counter()
        at.run()
        cold = time.perf_counter() - t0
        assert not at.exception and len(at.text_area) == 20, at.exception
        warm = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        at.number_input(key="rv_page").set_value(50).run()
        page_change = time.perf_counter() - t0
        assert at.text_area[0].key.startswith("rv_text_981_")
        t0 = time.perf_counter()
        at.button(key="rv_ok_990").click().run()
        approve = time.perf_counter() - t0
        assert not at.exception
        t0 = time.perf_counter()
        at.sidebar.toggle(key="rv_gloss").set_value(True).run()
        gloss_filter = time.perf_counter() - t0
        assert not at.exception
        at.sidebar.toggle(key="rv_gloss").set_value(False)
        t0 = time.perf_counter()
        at.sidebar.radio(key="rv_view").set_value("Beads").run()
        beads_view = time.perf_counter() - t0
        assert not at.exception and at.button(key="rv_merge_0")
        t0 = time.perf_counter()
        at.button(key="rv_merge_0").click().run()
        merge = time.perf_counter() - t0
        assert not at.exception and any("merged" in i.value for i in at.info)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"document: {args.segments} segments, 20 per page, glossary "
          f"{'glossaries/seeds.csv' if seeds.is_file() else 'none'}")
    print(f"first render (cold):  {cold:.3f} s")
    print(f"rerun (warm), median of {args.runs}: {statistics.median(warm):.3f} s "
          f"(max {max(warm):.3f} s)")
    print(f"go to page 50:        {page_change:.3f} s")
    print(f"approve (save+rerun): {approve:.3f} s")
    print(f"glossary warnings filter over all segments: {gloss_filter:.3f} s")
    print(f"beads view (all {args.segments} beads loaded, one page shown): {beads_view:.3f} s")
    print(f"merge two beads (rewrite + rerun): {merge:.3f} s")
    worst = max(cold, max(warm), page_change, approve, gloss_filter, beads_view, merge)
    print(f"{'PASS' if worst < 1.0 else 'FAIL'}: worst {worst:.3f} s (target < 1 s)")


if __name__ == "__main__":
    main()
