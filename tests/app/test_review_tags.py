"""Review page through AppTest: inline codes of an imported XLIFF 1.2 file are shown as
tags that can be moved but not edited as text, and what is saved exports as the tool's
own elements again."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.app.text import unescape
from workbench.io import inline
from workbench.io.project import export_project, import_file
from workbench.store import Project

DATA = Path(__file__).resolve().parents[1] / "data" / "xliff12"


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    with Project(root) as p:
        import_file(p, DATA / "okapi-rainbow.xlf")
    return root


def _target(project_dir: Path, seg: int) -> tuple[str, str]:
    with Project(project_dir) as p:
        row = p.review(seg, "en")
        return row.text, row.status


def test_tags_are_shown_moved_and_protected(app_at, project_dir, tmp_path):
    at = app_at()
    assert not at.exception
    assert any(":gray-badge[⟦1⟧]" in m.value and "longuement" in m.value for m in at.markdown)
    area = at.text_area(key="rv_text_2_1")
    assert area.value == "The president spoke ⟦1⟧at length⟦/1⟧ about ⟦2⟧cooperation⟦/2⟧."
    before = _target(project_dir, 2)

    area.input("The president spoke ⟦1⟧at length⟦/1⟧ about ⟦7/⟧cooperation.").run()
    assert _target(project_dir, 2) == before  # a tag the segment does not have: refused
    assert any("not saved" in unescape(e.value) and "⟦7/⟧" in unescape(e.value)
               for e in at.error)

    at.text_area(key="rv_text_2_1").input(
        "⟦2⟧Cooperation⟦/2⟧ was discussed ⟦1⟧at length⟦/1⟧ by the president.").run()
    text, _ = _target(project_dir, 2)
    assert inline.plain(text) == "Cooperation was discussed at length by the president."
    assert not any("tags missing" in m.value for m in at.markdown)

    out = tmp_path / "out.xliff"
    with Project(project_dir) as p:
        export_project(p, "xliff12", out, targets=["en"])
    xml = out.read_text(encoding="utf-8")
    assert ('"><g id="2" ctype="bold">Cooperation</g> was discussed '
            '<g id="1">at length</g> by the president.</target>') in xml


def test_a_tag_dropped_from_the_translation_is_pointed_out(app_at, project_dir):
    at = app_at()
    at.text_area(key="rv_text_3_1").input("According to the agency, it lasted two hours.").run()
    assert not at.exception
    assert any("tags missing from the translation" in m.value for m in at.markdown)


def test_ctrl_enter_saves_the_tags_as_codes_in_chromium(project_dir, tmp_path, browser):
    """The keyboard's save goes through the codes too: Ctrl+Enter on a tagged segment
    approves it with its inline codes, never the ⟦1⟧ tags as text."""
    from playwright.sync_api import expect

    from server import idle, serving

    with serving(project_dir, tmp_path) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{url}/review?seg=2", wait_until="domcontentloaded")
        box = page.locator(".st-key-rv_seg_2 textarea")
        expect(box).to_be_focused(timeout=60_000)
        idle(page, settle=0)
        box.fill("⟦2⟧Cooperation⟦/2⟧ was discussed ⟦1⟧at length⟦/1⟧ by the president.")
        page.keyboard.press("Control+Enter")
        expect(page.locator(".st-key-rv_seg_3 textarea")).to_be_focused(timeout=30_000)
    text, status = _target(project_dir, 2)
    assert status == "approved" and "⟦" not in text
    assert inline.plain(text) == "Cooperation was discussed at length by the president."
