"""End to end in real headless Chromium: serve, edit, approve, reload, see it persisted."""

from __future__ import annotations

import socket
import urllib.parse
from pathlib import Path

import pytest

from projects import build_project
from server import idle, serving

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


GLOSSARY = """concept,lang,term,status,note
putin,fr,Vladimir Poutine,preferred,
putin,en,Vladimir Putin,preferred,
macron,fr,Emmanuel Macron,preferred,
macron,en,Emmanuel Macron,preferred,
afp,fr,AFP,preferred,
afp,en,AFP,preferred,
"""


def _outside_address() -> str | None:
    """This machine's non-loopback address, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 9))
            addr = s.getsockname()[0]
        except OSError:
            return None
    return None if addr.startswith("127.") or addr == "0.0.0.0" else addr


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``workbench serve`` on a free port against a fresh project; yields (url, project dir)."""
    from projects import XSS

    tmp_path = tmp_path_factory.mktemp("served")
    root = build_project(tmp_path / "proj", extra=[(XSS, XSS)])
    (root / "glossaries").mkdir()
    (root / "glossaries" / "names.csv").write_text(GLOSSARY, encoding="utf-8")
    with serving(root, tmp_path) as url:
        outside = _outside_address()
        if outside:  # bound to 127.0.0.1 only: the other address refuses the connection
            port = int(url.rsplit(":", 1)[1])
            with pytest.raises(OSError):
                socket.create_connection((outside, port), timeout=2).close()
        yield url, root


def test_review_edit_approve_reload_persists(served, context):
    from playwright.sync_api import expect

    from projects import XSS

    from workbench.store import Project

    url, root = served
    dialogs: list[str] = []
    page = context.new_page()
    page.set_viewport_size({"width": 1500, "height": 1100})
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="domcontentloaded")
    first = page.locator(".st-key-rv_seg_1")
    box = first.locator("textarea")
    expect(box).to_have_value(
        "President Emmanuel Macron received Vladimir Putin at Versailles on Monday.",
        timeout=60_000)

    # Hostile text is shown as text and runs nothing.
    shown = page.locator(".st-key-rv_seg_7 p").get_by_text(XSS, exact=True)
    expect(shown).to_have_count(2)  # source and machine translation, as plain text
    assert shown.first.inner_text() == XSS
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("script", has_text="alert").count() == 0
    # Glossary terms are highlighted (a styled span around the escaped text).
    expect(first.locator("span", has_text="Vladimir Poutine").first).to_be_visible()

    box.fill("President Macron welcomed Vladimir Putin to Versailles on Monday.")
    box.press("Tab")  # the text area saves when it loses focus
    expect(first.locator(".st-key-rv_text_1_2")).to_be_visible(timeout=20_000)
    first.locator(".st-key-rv_ok_1 button").first.click()
    expect(first.locator(".stMarkdownBadge", has_text="approved")).to_be_visible(timeout=20_000)

    page.reload(wait_until="domcontentloaded")
    first = page.locator(".st-key-rv_seg_1")
    expect(first.locator("textarea")).to_have_value(
        "President Macron welcomed Vladimir Putin to Versailles on Monday.", timeout=60_000)
    expect(first.locator(".stMarkdownBadge", has_text="approved")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=False)

    # The Beads view shows the same hostile text literally too.
    page.get_by_text("Beads", exact=True).click()
    bead = page.locator(".st-key-rv_bead_6")
    expect(bead.get_by_text(XSS, exact=True)).to_have_count(2, timeout=20_000)
    assert page.locator('img[src="x"]').count() == 0

    # Keyboard, in the list view: Ctrl+Enter approves the focused segment and moves on.
    page.get_by_text("Segments", exact=True).click()
    page.locator(".st-key-rv_seg_2 textarea").click()
    idle(page)  # once the app is idle: a key pressed during a rerun can be lost
    page.keyboard.press("Control+Enter")
    expect(page.locator(".st-key-rv_seg_2 .stMarkdownBadge", has_text="approved")).to_be_visible(
        timeout=20_000)
    assert dialogs == [], f"a dialog fired: {dialogs}"
    with Project(root) as p:
        row = p.review(1, "en")
        assert (row.text, row.status) == (
            "President Macron welcomed Vladimir Putin to Versailles on Monday.", "approved")
        assert p.review(2, "en").status == "approved"  # by the keyboard


def test_two_tabs_same_segment_conflict_is_shown_and_resolved(served, context):
    from playwright.sync_api import expect

    from workbench.store import Project

    url, root = served
    tab_a, tab_b = context.new_page(), context.new_page()
    boxes = []
    for tab in (tab_a, tab_b):
        tab.set_viewport_size({"width": 1400, "height": 1000})
        tab.goto(url, wait_until="domcontentloaded")
        box = tab.locator(".st-key-rv_seg_3 textarea")
        expect(box).to_have_value("According to AFP, the meeting lasted more than three "
                                  "hours.", timeout=60_000)
        boxes.append(box)
    boxes[0].fill("Tab A: the meeting lasted over three hours, AFP said.")
    boxes[0].press("Tab")
    expect(tab_a.locator(".st-key-rv_text_3_2")).to_be_visible(timeout=20_000)
    boxes[1].fill("Tab B: according to AFP, the talks lasted three hours.")
    boxes[1].press("Tab")  # B still holds version 1
    seg_b = tab_b.locator(".st-key-rv_seg_3")
    expect(seg_b.get_by_text("was saved elsewhere")).to_be_visible(timeout=20_000)
    expect(seg_b.locator("p").get_by_text(
        "Tab A: the meeting lasted over three hours, AFP said.", exact=True)).to_be_visible()
    with Project(root) as p:  # nothing was overwritten
        assert p.review(3, "en").text.startswith("Tab A:")
    seg_b.get_by_role("button", name="Overwrite with mine").click()
    expect(seg_b.get_by_text("was saved elsewhere")).to_have_count(0, timeout=20_000)
    with Project(root) as p:
        row = p.review(3, "en")
        assert (row.text, row.version) == (
            "Tab B: according to AFP, the talks lasted three hours.", 3)


def test_every_page_has_an_address_and_the_root_opens_review(served, browser):
    from playwright.sync_api import expect

    url, _ = served
    page = browser.new_page()
    for path, title in [("/", "Review"), ("/review", "Review"), ("/documents", "Documents"),
                        ("/glossary", "Glossary"), ("/export", "Export"),
                        ("/quality", "Quality"), ("/memory", "Memory")]:
        page.goto(url + path)
        expect(page.locator("h1").first).to_have_text(title, timeout=30_000)
        # the path; the Review page also writes its state (?seg=…) into the query
        assert urllib.parse.urlsplit(page.url).path == ("/review" if path == "/" else path)
        assert page.get_by_text("Page not found").count() == 0


def test_export_download_is_the_written_file(served, browser):
    """The Export page's download (read from the file only when clicked, never held on
    every rerun) hands the browser the very bytes the export wrote."""
    from playwright.sync_api import expect

    from workbench.store import Project

    url, root = served
    with Project(root) as p:  # something approved to export, whatever ran before
        p.save_review(3, "en", status="approved", expected_version=p.review(3, "en").version)
    page = browser.new_page(accept_downloads=True)
    page.goto(url + "/export")
    expect(page.locator("h1").first).to_have_text("Export", timeout=30_000)
    page.locator(".st-key-ex_run button").click()
    button = page.get_by_role("button", name="Download export.tmx")
    expect(button).to_be_visible(timeout=30_000)
    with page.expect_download(timeout=30_000) as download:
        button.click()
    got = Path(download.value.path()).read_bytes()
    written = (root / "exports" / "export.tmx").read_bytes()
    assert got == written and b"<tu " in written
