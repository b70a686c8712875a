"""The translation memory on the Review page in real headless Chromium (issue 15):
Ctrl+1/2/3 put a memory match into the editor, Ctrl+Enter approves it, Ctrl+Alt+R gives
the approved text to its repetitions, and the matches follow a click into another segment."""

from __future__ import annotations

import re

import pytest

from projects import SENTENCES, add_translated_document
from server import idle, serving
from test_browser_review import _focused

from workbench.store import Project

MOSCOW = ("Le ministre est arrivé le 13 septembre à Moscou.",
          "The minister arrived in Moscow on September 13.")
KYIV = ("Le ministre est arrivé le 13 septembre à Kiev.",
        "The minister arrived in Kyiv on September 13.")
QUERY = ("Le ministre est arrivé le 14 septembre à Moscou.",
         "The minister came to Moscow on 14 September.")  # the machine's draft


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Document 1: two approved sentences with a date, then the six sentences (to do);
    document 2: the six sentences again, then the Moscow sentence with another day."""
    tmp = tmp_path_factory.mktemp("memory")
    with Project(tmp / "proj") as p:
        doc1 = add_translated_document(p, "First", [MOSCOW, KYIV, *SENTENCES])
        doc2 = add_translated_document(p, "Second", [*SENTENCES, QUERY])
        ids1, ids2 = p.segments(doc1)["id"].to_list(), p.segments(doc2)["id"].to_list()
        for seg, (_, target) in zip(ids1, (MOSCOW, KYIV)):
            p.save_review(seg, "en", text=target, status="approved", expected_version=1,
                          author="Ana")
    with serving(tmp / "proj", tmp) as url:
        yield url, tmp / "proj", doc2, ids1, ids2


def _editor(page, seg: int):
    return page.locator(f".st-key-rv_seg_{seg} textarea")


def test_ctrl_digits_insert_the_matches_and_ctrl_enter_approves_the_best(served, context):
    from playwright.sync_api import expect

    url, root, doc2, _, ids2 = served
    seg = ids2[-1]
    page = context.new_page()
    page.goto(f"{url}/review?doc={doc2}&seg={seg}", wait_until="domcontentloaded")
    _focused(page, seg)
    panel = page.locator(f".st-key-rv_tm_{seg}")
    expect(panel).to_contain_text("99%", timeout=60_000)
    expect(panel).to_contain_text("review: First #1 · Ana")
    expect(panel.locator("span", has_text=re.compile(r"^13$")).first).to_be_visible()  # marked
    idle(page)
    page.keyboard.press("Control+2")  # the Kyiv unit: a date and a city differ
    expect(_editor(page, seg)).to_have_value("The minister arrived in Kyiv on September 14.")
    page.keyboard.press("Control+1")  # the best: the date replaced as a placeable
    expect(_editor(page, seg)).to_have_value("The minister arrived in Moscow on September 14.")
    _focused(page, seg)  # the cursor stays in the editor
    page.keyboard.press("Control+Enter")
    box = page.locator(f".st-key-rv_seg_{seg}")  # the last segment: the cursor stays
    expect(box).to_contain_text("last matching segment", timeout=60_000)
    expect(box).to_contain_text("approved")
    idle(page)
    with Project(root) as p:
        row = p.review(seg, "en")
    assert (row.text, row.status) == (
        "The minister arrived in Moscow on September 14.", "approved")


def test_after_ctrl_enter_the_offer_appears_and_ctrl_alt_r_fills_the_repetitions(served, context):
    from playwright.sync_api import expect

    url, root, _, ids1, ids2 = served
    seg = ids1[2]  # the first of the six sentences in document 1; repeated as ids2[0]
    page = context.new_page()
    page.goto(f"{url}/review?seg={seg}", wait_until="domcontentloaded")
    _focused(page, seg)
    idle(page)
    page.keyboard.press("Control+a")
    page.keyboard.type("President Macron welcomed Vladimir Putin to Versailles on Monday.")
    page.keyboard.press("Control+Enter")
    _focused(page, seg + 1)
    offer = page.locator(f".st-key-rv_reps_{seg + 1}")
    expect(offer).to_contain_text("repeated in 1 segment not reviewed yet", timeout=60_000)
    idle(page)
    page.keyboard.press("Control+Alt+r")
    expect(page.locator(f".st-key-rv_seg_{seg}")).to_contain_text("given to 1 repetition",
                                                                   timeout=60_000)
    with Project(root) as p:
        row = p.review(ids2[0], "en")
    assert (row.text, row.status) == (
        "President Macron welcomed Vladimir Putin to Versailles on Monday.", "approved")


def test_matches_follow_the_segment_the_reviewer_clicks_into(served, context):
    from playwright.sync_api import expect

    url, root, doc2, _, ids2 = served
    first, seg = ids2[0], ids2[-1]
    page = context.new_page()
    page.goto(f"{url}/review?doc={doc2}&seg={first}", wait_until="domcontentloaded")
    _focused(page, first)  # the server put the cursor on the first segment
    idle(page)
    assert page.locator(f".st-key-rv_tm_{seg}").count() == 0
    _editor(page, seg).click()  # the mouse, not the keyboard script, moves the cursor
    panel = page.locator(f".st-key-rv_tm_{seg}")
    expect(panel).to_contain_text("99%", timeout=60_000)
    expect(panel).to_contain_text("review: First #1 · Ana")
    _focused(page, seg)  # the cursor stayed where the reviewer put it
    expect(page.locator(f".st-key-rv_hist_{seg}")).to_have_count(1)  # its panels moved too
    expect(page.locator(f".st-key-rv_hist_{first}")).to_have_count(0)
    assert f"seg={seg}" in page.url
    idle(page)
    page.keyboard.press("Control+1")
    expect(_editor(page, seg)).to_have_value("The minister arrived in Moscow on September 14.")
    # and back: a click into the first segment takes the panels there
    _editor(page, first).click()
    expect(page.locator(f".st-key-rv_hist_{first}")).to_have_count(1, timeout=60_000)
    expect(panel).to_have_count(0)
