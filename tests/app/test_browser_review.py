"""The keyboard-driven Review page in real headless Chromium (issue 14): focus, shortcuts,
the address as the state, drafts across reloads, undo, messages at the segment, offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from projects import SENTENCES, add_translated_document, build_project
from server import idle, serving
from test_browser import GLOSSARY

from workbench.store import Project

ACTIVE_SEG = ("() => { const b = document.activeElement && document.activeElement.closest("
              "'[class*=st-key-rv_seg_]'); return b ? Number(b.className.match("
              "/st-key-rv_seg_(\\d+)/)[1]) : null; }")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``workbench serve`` on a project of two documents (30 and 12 segments)."""
    tmp = tmp_path_factory.mktemp("review")
    root = build_project(tmp / "proj", segments=30)
    with Project(root) as p:
        doc2 = add_translated_document(p, "Second", SENTENCES * 2)
    (root / "glossaries").mkdir()
    (root / "glossaries" / "names.csv").write_text(
        GLOSSARY + "putin,en,Poutin,variant,\n", encoding="utf-8")
    with serving(root, tmp) as url:
        yield url, root, doc2


def _focused(page, seg: int) -> None:
    page.wait_for_function(f"() => ({ACTIVE_SEG})() === {seg}", timeout=60_000)


def _expect_shown(page, key: str, text: str) -> None:
    """Wait until a sidebar select shows ``text`` (its text or its input's value): the
    sidebar can be drawn after the segments."""
    page.wait_for_function(
        """([key, text]) => {
             const e = document.querySelector('.st-key-' + key);
             return !!e && (e.innerText + ' ' + [...e.querySelectorAll('input')]
                            .map(i => i.value).join(' ')).includes(text);
           }""", arg=[key, text], timeout=30_000)


def _reset(root: Path, segs) -> None:
    """Back to the machine translation, to do (tests share the served project)."""
    with Project(root) as p:
        for seg in segs:
            row = p.review(seg, "en")
            mt = p.conn.execute("SELECT text FROM translations WHERE segment_id = ?",
                                (seg,)).fetchone()[0]
            if (row.text, row.status) != (mt, "todo"):
                p.save_review(seg, "en", text=mt, status="todo",
                              expected_version=row.version, author="test reset")


def test_three_ctrl_enter_with_status_to_do_approve_three_consecutive(served, context):
    """Bug 1: approve-and-next skipped every other segment under a status filter; and the
    cursor starts in the first editor to review without a click."""
    url, root, _ = served
    _reset(root, range(1, 31))
    with Project(root) as p:
        p.save_review(1, "en", status="approved", expected_version=p.review(1, "en").version)
    page = context.new_page()
    page.goto(f"{url}/review?status=todo", wait_until="domcontentloaded")
    _focused(page, 2)  # the first that matches and is not approved
    for expected_next in (3, 4, 5):
        idle(page)
        page.keyboard.press("Control+Enter")
        _focused(page, expected_next)
    idle(page)
    with Project(root) as p:
        assert [p.review(s, "en").status for s in range(1, 7)] == [
            "approved", "approved", "approved", "approved", "todo", "todo"]
    expect(page).to_have_url(re.compile(r"[?&]seg=5\b"), timeout=30_000)  # written by the page
    expect(page).to_have_url(re.compile(r"[?&]status=todo\b"))


def test_ctrl_enter_crosses_pages_and_alt_keys_move_without_approving(served, context):
    url, root, _ = served
    _reset(root, range(1, 31))
    page = context.new_page()
    page.goto(f"{url}/review?size=10&seg=10", wait_until="domcontentloaded")
    _focused(page, 10)
    idle(page)
    page.keyboard.type(" edited")
    page.keyboard.press("Control+Enter")
    _focused(page, 11)  # on page 2 now
    expect(page).to_have_url(re.compile(r"[?&]page=2\b"), timeout=30_000)
    idle(page)
    page.keyboard.press("Alt+ArrowDown")
    _focused(page, 12)
    idle(page)
    page.keyboard.press("Alt+ArrowUp")
    _focused(page, 11)
    idle(page)
    page.keyboard.press("Control+Shift+Enter")
    _focused(page, 11)
    idle(page)
    with Project(root) as p:
        assert p.review(10, "en").text.endswith(" edited")
        assert p.review(10, "en").status == "approved"
        assert p.review(11, "en").status == "flagged"
        assert p.review(12, "en").status == "todo"


def test_reload_keeps_document_filters_page_focus_and_unsaved_text(served, context):
    url, root, doc2 = served
    _reset(root, range(1, 31))
    with Project(root) as p:
        first2 = int(p.segments(doc2)["id"][0])
    page = context.new_page()
    page.goto(f"{url}/review?doc={doc2}&status=todo&size=10&low=false", wait_until="domcontentloaded")
    _focused(page, first2)
    idle(page)
    for _ in range(3):
        page.keyboard.press("Alt+ArrowDown")
        page.wait_for_timeout(150)
        idle(page)
    _focused(page, first2 + 3)
    page.keyboard.type(" (not saved yet)")
    page.wait_for_function(  # the page has kept the draft in the browser
        "() => Object.keys(localStorage).some(k => k.startsWith('wb-draft:') && "
        "localStorage.getItem(k).includes('(not saved yet)'))", timeout=30_000)
    page.reload(wait_until="domcontentloaded")
    _focused(page, first2 + 3)
    _expect_shown(page, "rv_doc", "Second")
    _expect_shown(page, "status", "todo")
    box = page.locator(f".st-key-rv_seg_{first2 + 3} textarea")
    expect(box).to_have_value(re.compile(r" \(not saved yet\)$"), timeout=30_000)  # it came back
    with Project(root) as p:  # and it was never saved behind the reviewer's back
        assert not p.review(first2 + 3, "en").text.endswith("(not saved yet)")


def test_documents_page_link_opens_that_document_and_the_sidebar_agrees(served, context):
    """Bug 2: the page showed doc 3 while the sidebar said doc 1 and switched back."""

    url, root, doc2 = served
    page = context.new_page()
    page.goto(f"{url}/review", wait_until="domcontentloaded")
    expect(page.locator(".st-key-rv_seg_1")).to_be_visible(timeout=60_000)
    page.goto(f"{url}/documents", wait_until="domcontentloaded")
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
    page.goto(f"{url}/review?doc={doc2}", wait_until="domcontentloaded")
    with Project(root) as p:
        first2 = int(p.segments(doc2)["id"][0])
    expect(page.locator(f".st-key-rv_seg_{first2}")).to_be_visible(timeout=30_000)
    _expect_shown(page, "rv_doc", "Second")
    idle(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("Low confidence only").click()
    idle(page)
    _expect_shown(page, "rv_doc", "Second")  # touching it kept doc 2
    assert page.locator(".st-key-rv_seg_1").count() == 0


def test_undo_by_keyboard_walks_back_three_versions_with_message_at_the_segment(served, context):

    url, root, _ = served
    _reset(root, range(1, 31))
    with Project(root) as p:
        mt = p.review(20, "en").text
        v = p.review(20, "en").version
        v = p.save_review(20, "en", text="one", expected_version=v)
        v = p.save_review(20, "en", text="two", expected_version=v)
        p.save_review(20, "en", status="approved", expected_version=v)
    page = context.new_page()
    page.goto(f"{url}/review?seg=20", wait_until="domcontentloaded")
    _focused(page, 20)
    seen = []
    for _ in range(4):
        idle(page)
        page.keyboard.press("Control+Alt+Z")
        idle(page)
        _focused(page, 20)
        with Project(root) as p:
            row = p.review(20, "en")
            seen.append((row.text, row.status))
    assert seen[:3] == [("two", "todo"), ("one", "todo"), (mt, "todo")]
    assert seen[3] == seen[2]  # further back than the MT: nothing, said at the segment
    expect(page.locator(".st-key-rv_seg_20").get_by_text("nothing (more) to undo")).to_be_visible()


def test_status_click_from_a_stale_tab_offers_only_the_status(served, context):
    """Bug 6: tab B, still showing version 1, approves after tab A saved a new text. B's
    conflict box offered B's old text as "Yours", and "Overwrite with mine" reverted A's
    edit; now it offers the status only, and choosing it keeps A's text."""
    url, root, _ = served
    _reset(root, [5])
    with Project(root) as p:
        old, version = p.review(5, "en").text, p.review(5, "en").version
    tab_a, tab_b = context.new_page(), context.new_page()
    for tab in (tab_a, tab_b):
        tab.goto(f"{url}/review?seg=5", wait_until="domcontentloaded")
        _focused(tab, 5)
        idle(tab)
    box_a = tab_a.locator(".st-key-rv_seg_5 textarea")
    box_a.fill("Tab A: the meeting lasted over three hours.")
    box_a.press("Tab")  # saved on leaving the editor
    expect(tab_a.locator(f".st-key-rv_text_5_{version + 1}")).to_be_visible(timeout=30_000)
    tab_a.wait_for_function(  # A's draft is forgotten once saved (B must not pick it up)
        "() => !Object.keys(localStorage).some(k => k.startsWith('wb-draft:') && "
        "localStorage.getItem(k).includes('Tab A:'))", timeout=30_000)
    seg_b = tab_b.locator(".st-key-rv_seg_5")
    mt_shown = seg_b.locator("p").get_by_text(old, exact=True)
    expect(mt_shown).to_have_count(1)  # the machine translation column
    seg_b.locator(".st-key-rv_ok_5").get_by_role("button").click()  # B's Approve
    expect(seg_b.get_by_text("was saved elsewhere")).to_be_visible(timeout=30_000)
    expect(seg_b.get_by_text("Yours: a status change only")).to_be_visible()
    expect(seg_b.locator("p").get_by_text("Tab A: the meeting lasted over three hours.",
                                          exact=True)).to_be_visible()
    expect(mt_shown).to_have_count(1)  # B's old text is not offered as "Yours"
    expect(seg_b.get_by_role("button", name="Overwrite with mine")).to_have_count(0)
    with Project(root) as p:  # nothing saved by the stale click
        assert (p.review(5, "en").text, p.review(5, "en").status) == (
            "Tab A: the meeting lasted over three hours.", "todo")
    seg_b.get_by_role("button", name="Mark it approved").click()
    expect(seg_b.get_by_text("was saved elsewhere")).to_have_count(0, timeout=30_000)
    idle(tab_b)
    with Project(root) as p:
        row = p.review(5, "en")
        assert (row.text, row.status, row.version) == (
            "Tab A: the meeting lasted over three hours.", "approved", version + 2)


def test_the_reviewers_name_is_asked_once_and_kept_by_the_browser(served, context):
    """Item 6: the name typed once in the sidebar is recorded with every change, and after a
    reload (a new session) the browser gives it back: it is not asked again."""
    url, root, _ = served
    _reset(root, [7, 8, 9])
    page = context.new_page()
    page.goto(f"{url}/review?seg=7", wait_until="domcontentloaded")
    _focused(page, 7)
    idle(page)
    name = page.locator('[data-testid="stSidebar"]').get_by_role("textbox", name="Your name")
    name.fill("Ana Reviewer")
    name.press("Enter")
    idle(page)
    page.locator(".st-key-rv_seg_7 textarea").click()
    page.keyboard.press("Control+Enter")
    _focused(page, 8)
    page.reload(wait_until="domcontentloaded")
    _focused(page, 8)
    expect(name).to_have_value("Ana Reviewer", timeout=30_000)  # not typed again
    idle(page)
    page.keyboard.press("Control+Enter")
    _focused(page, 9)
    idle(page)
    with Project(root) as p:
        assert [(p.review(s, "en").status, p.history(s, "en")["author"][-1])
                for s in (7, 8)] == [("approved", "Ana Reviewer")] * 2


def test_glossary_fix_by_keyboard_and_mt_copy(served, context):
    url, root, _ = served
    _reset(root, range(1, 31))
    with Project(root) as p:
        mt = p.review(1, "en").text
        p.save_review(1, "en", text="President Macron received Poutin. (0)",
                      expected_version=p.review(1, "en").version)
    page = context.new_page()
    page.goto(f"{url}/review?seg=1", wait_until="domcontentloaded")
    _focused(page, 1)
    seg = page.locator(".st-key-rv_seg_1")
    expect(seg.get_by_text("should be")).to_have_count(1)  # the warning, at the segment
    idle(page)
    page.keyboard.press("Control+Shift+G")
    expect(seg.locator("textarea")).to_have_value("President Macron received Vladimir Putin. (0)")
    page.keyboard.press("Control+Shift+M")
    expect(seg.locator("textarea")).to_have_value(mt)
    page.keyboard.press("Control+Enter")
    _focused(page, 2)
    with Project(root) as p:
        assert (p.review(1, "en").text, p.review(1, "en").status) == (mt, "approved")


def test_shortcut_list_opens_with_f1(served, context):

    url, root, _ = served
    _reset(root, range(1, 31))
    page = context.new_page()
    page.goto(f"{url}/review", wait_until="domcontentloaded")
    _focused(page, 1)
    idle(page)
    page.keyboard.press("F1")
    expect(page.get_by_text("copy the machine translation into the editor")).to_be_visible(
        timeout=10_000)


def test_no_request_leaves_the_machine_and_eight_segments_fit(served, context):
    """Bug 7: fonts and favicon came from other hosts; density: 8 rows at 1440x900."""
    from urllib.parse import urlparse

    url, _, _ = served
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).netloc)
            if urlparse(r.url).scheme in ("http", "https", "ws", "wss") else None)
    for path in ("/review", "/documents", "/glossary", "/export", "/quality", "/memory",
                 "/review?view=QA"):
        page.goto(url + path, wait_until="domcontentloaded")
        page.locator("h1, h3").first.wait_for(timeout=60_000)
        idle(page)
    assert hosts == {urlparse(url).netloc}, hosts
    page.goto(url + "/review?seg=1", wait_until="domcontentloaded")
    _focused(page, 1)
    idle(page)
    visible = page.evaluate("""() => [...document.querySelectorAll('[class*=st-key-rv_seg_]')]
        .filter(e => { const r = e.getBoundingClientRect();
                       return r.top >= 0 && r.bottom <= window.innerHeight; }).length""")
    assert visible >= 7, visible
