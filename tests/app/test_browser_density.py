"""Density of the default Review view on the seeds project (issue 14, item 2): at 1440×900
at least 8 segments (source, MT, editable final text) are wholly visible without scrolling,
each editor shows all of its text, and the row's number, status and confidence are not
hidden behind its buttons."""

from __future__ import annotations

from pathlib import Path

import pytest

from server import idle, serving

#: Segment rows wholly inside the viewport, and whether the page is scrolled.
VISIBLE = """() => ({
  rows: [...document.querySelectorAll('[class*="st-key-rv_seg_"]')].map(e => e.getBoundingClientRect())
          .filter(r => r.top >= 0 && r.bottom <= window.innerHeight).length,
  scrolled: document.querySelector('[data-testid="stMain"]').scrollTop + window.scrollY,
  cut: [...document.querySelectorAll('[class*="st-key-rv_seg_"] textarea')]
          .filter(t => t.scrollHeight > t.clientHeight + 1).length,
  hidden: [...document.querySelectorAll('[class*="st-key-rv_seg_"] [data-testid="stColumn"]:last-child')]
          .filter(c => { const m = c.querySelector('[data-testid="stMarkdownContainer"]');
                         const b = c.querySelector('button');
                         return m && b && m.getBoundingClientRect().bottom > b.getBoundingClientRect().top + 1; }).length,
})"""


@pytest.fixture(scope="module")
def seeds_project(tmp_path_factory) -> Path:
    from fixtures.seeds_project import build_seeds_project, have_apertium

    if not have_apertium():
        pytest.skip("no apertium")
    return build_seeds_project(tmp_path_factory.mktemp("seeds") / "proj")


def test_eight_seed_segments_fit_at_1440x900(seeds_project: Path, tmp_path: Path,
                                             browser) -> None:
    with serving(seeds_project, tmp_path) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{url}/review", wait_until="domcontentloaded")
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.tagName === 'TEXTAREA'",
            timeout=120_000)  # the cursor is in the first editor
        idle(page, settle=500)
        seen = page.evaluate(VISIBLE)
        assert seen["scrolled"] == 0, seen  # putting the cursor in did not scroll the page
        assert seen["rows"] >= 8, seen
        assert seen["cut"] == 0, seen  # every editor shows all of its text
        assert seen["hidden"] == 0, seen  # number, status and confidence above the buttons
