"""Benchmark: server-side render time of the Review page for a 1,000-segment document.

Builds a project through the Project API (1,000 translated, aligned segments),
then times AppTest runs of the whole app (navigation + Review page, 20
segments per page): the first run (cold: imports, connection) and warm reruns
(what each click costs), plus a page change, a save, the glossary-warnings
filter, the Beads view and a bead merge. Target (issue 14): under 0.5 s.

Then, unless ``--no-browser``, the same project is served (``workbench serve``)
and driven in headless Chromium at 1440×900: with the cursor in a segment's
editor, Ctrl+Enter is pressed ``--presses`` times; each time is measured in the
page, from the keydown to the moment the next segment's editor has the focus
(a full round trip: the save, the approval and the server's rerun), and the messages
the server sent for it are counted (how much of the page was drawn again). Target:
median under 300 ms. The load average is printed, as the machine may be shared.

    python benchmarks/review_render.py [--segments 1000] [--runs 10] [--presses 30] [--no-browser]
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

#: In the page: time every Ctrl+Enter from its keydown to the focus entering another
#: segment's editor (window.__wbTimes, milliseconds).
_TIMER_JS = """() => {
  window.__wbTimes = []; window.__wbDown = null;
  window.addEventListener('keydown', (e) => {  // window: before the app's own handler
    if (e.ctrlKey && e.key === 'Enter') window.__wbDown = performance.now(); }, true);
  window.addEventListener('focusin', (e) => {
    if (window.__wbDown !== null && e.target.tagName === 'TEXTAREA') {
      window.__wbTimes.push(performance.now() - window.__wbDown); window.__wbDown = null; } });
}"""


#: Before the page loads: count the messages (and bytes) the server sends over the
#: WebSocket, to see how much of the page each Ctrl+Enter draws again.
_COUNT_JS = """
window.__wbMsgs = {n: 0, bytes: 0};
const _WS = window.WebSocket;
window.WebSocket = function (...args) {
  const ws = new _WS(...args);
  ws.addEventListener('message', (e) => {
    window.__wbMsgs.n += 1;
    window.__wbMsgs.bytes += e.data.byteLength || e.data.size || e.data.length || 0; });
  return ws; };
window.WebSocket.prototype = _WS.prototype;
"""


def browser_approve_and_next(root: Path, presses: int) -> tuple[list[float], list[tuple[int, int]]]:
    """Milliseconds per Ctrl+Enter (approve and move to the next editor) in Chromium, and
    the (messages, bytes) the server sent for each."""
    from playwright.sync_api import expect

    from server import chromium, serving
    from test_browser_review import ACTIVE_SEG

    with tempfile.TemporaryDirectory() as home, serving(root, Path(home)) as url, \
            chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.add_init_script(_COUNT_JS)
        page.goto(f"{url}/review?seg=1", wait_until="domcontentloaded")
        page.wait_for_function(f"() => ({ACTIVE_SEG})() === 1", timeout=120_000)
        page.evaluate(_TIMER_JS)
        running = page.locator('[data-testid="stStatusWidgetRunningIcon"]')
        sent = []
        for i in range(presses):
            expect(running).to_have_count(0, timeout=30_000)
            page.wait_for_timeout(200)  # the app idle, as a reviewer reading the next one
            sent.append(page.evaluate("() => [window.__wbMsgs.n, window.__wbMsgs.bytes]"))
            page.keyboard.press("Control+Enter")
            page.wait_for_function(f"() => window.__wbTimes.length === {i + 1}",
                                   timeout=30_000)
            page.wait_for_function(f"() => ({ACTIVE_SEG})() === {i + 2}", timeout=30_000)
        expect(running).to_have_count(0, timeout=30_000)
        page.wait_for_timeout(200)
        sent.append(page.evaluate("() => [window.__wbMsgs.n, window.__wbMsgs.bytes]"))
        per_press = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(sent, sent[1:])]
        return page.evaluate("() => window.__wbTimes"), per_press


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--no-browser", action="store_true", help="server-side times only")
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
        fresh = AppTest.from_file(str(ROOT / "workbench" / "app" / "main.py"), default_timeout=60)
        fresh.session_state["project_root"] = str(root)
        t0 = time.perf_counter()
        fresh.run()  # a new browser session on a running server: modules already imported
        new_session = time.perf_counter() - t0
        assert not fresh.exception and len(fresh.text_area) == 20
        warm = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        at.number_input(key="page").set_value(50).run()
        page_change = time.perf_counter() - t0
        assert at.text_area[0].key.startswith("rv_text_981_")
        t0 = time.perf_counter()
        at.button(key="rv_ok_990").click().run()
        approve = time.perf_counter() - t0  # only the row, header and keyboard are drawn again
        assert not at.exception
        at.run()  # the whole page again (AppTest keeps only the elements of the last run)
        t0 = time.perf_counter()
        at.sidebar.toggle(key="gloss").set_value(True).run()
        gloss_filter = time.perf_counter() - t0
        assert not at.exception
        at.sidebar.toggle(key="gloss").set_value(False)
        t0 = time.perf_counter()
        at.sidebar.radio(key="view").set_value("Beads").run()
        beads_view = time.perf_counter() - t0
        assert not at.exception and at.button(key="rv_merge_0")
        t0 = time.perf_counter()
        at.button(key="rv_merge_0").click().run()
        merge = time.perf_counter() - t0
        assert not at.exception and any("merged" in i.value for i in at.info)
        keys, sent = ([], []) if args.no_browser else browser_approve_and_next(root, args.presses)
        if keys:
            from workbench.store import Project

            with Project(root, create=False) as p:  # every press approved its segment
                approved = [p.review(i, "en").status for i in range(1, args.presses + 1)]
            assert approved == ["approved"] * args.presses, approved
    print(f"date: {time.strftime('%Y-%m-%d %H:%M')}, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"document: {args.segments} segments, 20 per page, glossary "
          f"{'glossaries/seeds.csv' if seeds.is_file() else 'none'}")
    print(f"first render (cold: imports, connection, glossary): {cold:.3f} s")
    print(f"first render of a new session (server running): {new_session:.3f} s")
    print(f"rerun (warm), median of {args.runs}: {statistics.median(warm):.3f} s "
          f"(max {max(warm):.3f} s)")
    print(f"go to page 50:        {page_change:.3f} s")
    print(f"approve (save+rerun): {approve:.3f} s")
    print(f"glossary warnings filter over all segments: {gloss_filter:.3f} s")
    print(f"beads view (all {args.segments} beads loaded, one page shown): {beads_view:.3f} s")
    print(f"merge two beads (rewrite + rerun): {merge:.3f} s")
    worst = max(new_session, max(warm), page_change, approve, gloss_filter, beads_view, merge)
    print(f"{'PASS' if worst < 0.5 else 'FAIL'}: worst on a running server {worst:.3f} s "
          f"(target < 0.5 s; the process's very first run {cold:.3f} s)")
    if keys:
        q = statistics.quantiles(keys, n=10)
        med = statistics.median(keys)
        print(f"Chromium 1440x900, Ctrl+Enter approve-and-next over {len(keys)} presses: median "
              f"{med:.0f} ms, p10 {q[0]:.0f} ms, p90 {q[-1]:.0f} ms, max {max(keys):.0f} ms")
        print(f"server to browser per press, median: {statistics.median(n for n, _ in sent):.0f} "
              f"messages, {statistics.median(b for _, b in sent) / 1024:.1f} KiB")
        print(f"{'PASS' if med < 300 else 'FAIL'}: median {med:.0f} ms (target < 300 ms)")


if __name__ == "__main__":
    main()
