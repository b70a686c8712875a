"""Review page through AppTest: edits and statuses land in SQLite, conflicts are caught."""

from __future__ import annotations

from pathlib import Path

from projects import XSS, build_project

from workbench.app.text import unescape
from workbench.store import Project


def _row(project_dir: Path, seg: int) -> dict:
    with Project(project_dir) as p:
        return p.pairs("en").filter(p.pairs("en")["segment_id"] == seg).row(0, named=True)


def _key(at, prefix: str, seg: int) -> str:
    return next(b.key for b in at.button if b.key == f"{prefix}_{seg}")


def test_loads_side_by_side_with_low_confidence_marked(app_at):
    at = app_at()
    assert not at.exception
    texts = [unescape(m.value) for m in at.markdown]
    assert "Le président Emmanuel Macron a reçu Vladimir Poutine à Versailles lundi." in texts
    assert "President Emmanuel Macron received Vladimir Putin at Versailles on Monday." in texts
    low = [m.value for m in at.markdown if "low confidence" in m.value]
    assert len(low) == 1 and low[0].startswith("**#4**")  # the only bead at 0.3
    assert ":red-background[" in low[0]
    assert len(at.text_area) == 7


def test_edit_then_approve_saves_text_status_and_history(app_at, project_dir):
    at = app_at()
    at.sidebar.text_input(key="reviewer").input("Ana Reviewer").run()
    at.text_area(key="rv_text_1_1").input("Macron received Putin at Versailles.").run()
    assert _row(project_dir, 1)["target"] == "Macron received Putin at Versailles."
    at.button(key="rv_ok_1").click().run()
    row = _row(project_dir, 1)
    assert (row["target"], row["status"], row["version"]) == (
        "Macron received Putin at Versailles.", "approved", 3)
    with Project(project_dir) as p:
        hist = p.history(1, "en")
        assert hist["author"].to_list() == ["Ana Reviewer", "Ana Reviewer"]  # not "app"
        assert hist["origin"].to_list() == ["reviewer", "reviewer"]
    # The editor now shows the saved version; nothing is saved twice.
    assert at.text_area(key="rv_text_1_3").value == "Macron received Putin at Versailles."
    at.run()
    assert _row(project_dir, 1)["version"] == 3


def test_undo_restores_the_previous_text_and_status(app_at, project_dir):
    at = app_at()
    mt = _row(project_dir, 2)["target"]
    at.text_area(key="rv_text_2_1").input("A worse text").run()
    at.button(key="rv_undo_2").click().run()
    row = _row(project_dir, 2)
    assert (row["target"], row["status"]) == (mt, "todo")


def test_undo_walks_back_through_text_and_status_versions(app_at, project_dir):
    """Edit (v2), approve (v3): undo gives v2's text as to do, undo again the MT; a third
    undo has nothing left (the old undo flipped approved <-> to do forever)."""
    at = app_at()
    mt = _row(project_dir, 2)["target"]
    at.text_area(key="rv_text_2_1").input("An edited text").run()
    at.button(key="rv_ok_2").click().run()
    assert (_row(project_dir, 2)["target"], _row(project_dir, 2)["status"]) == (
        "An edited text", "approved")
    at.button(key="rv_undo_2").click().run()
    row = _row(project_dir, 2)
    assert (row["target"], row["status"], row["version"]) == ("An edited text", "todo", 4)
    at.button(key="rv_undo_2").click().run()
    row = _row(project_dir, 2)
    assert (row["target"], row["status"], row["version"]) == (mt, "todo", 5)
    at.button(key="rv_undo_2").click().run()
    assert _row(project_dir, 2)["version"] == 5
    assert any("nothing (more) to undo" in unescape(i.value) for i in at.info)
    with Project(project_dir) as p:
        assert p.history(2, "en")["origin"].to_list() == ["reviewer", "reviewer", "undo", "undo"]


def test_filters_and_pagination(app_at):
    at = app_at()
    at.sidebar.toggle(key="low").set_value(True).run()
    assert [t.key for t in at.text_area] == ["rv_text_4_1"]
    at.sidebar.toggle(key="low").set_value(False)
    at.sidebar.selectbox(key="size").set_value(10).run()
    at.sidebar.multiselect(key="status").set_value(["approved"]).run()
    assert len(at.text_area) == 0 and any("No segment matches" in i.value for i in at.info)
    at.sidebar.multiselect(key="status").set_value([])
    at.sidebar.text_input(key="q").input("Kremlin").run()
    assert [t.key for t in at.text_area] == ["rv_text_4_1"]


def test_pagination_of_a_long_document(tmp_path):
    from streamlit.testing.v1 import AppTest

    from projects import MAIN
    from projects import build_project

    root = build_project(tmp_path / "long", segments=45)
    at = AppTest.from_file(MAIN, default_timeout=30)
    at.session_state["project_root"] = str(root)
    at.run()
    assert len(at.text_area) == 20
    at.number_input(key="page").set_value(3).run()
    assert len(at.text_area) == 5 and at.text_area[0].key == "rv_text_41_1"


def test_the_address_opens_exactly_that_view(tmp_path):
    """doc, status, page and seg of the address pick the document, filter, page and the
    focused segment (its history panel is open beside it)."""
    from streamlit.testing.v1 import AppTest

    from projects import MAIN, SENTENCES, add_translated_document

    root = build_project(tmp_path / "p", segments=30)
    with Project(root) as p:
        doc2 = add_translated_document(p, "Second", SENTENCES * 5)
        first2 = int(p.segments(doc2)["id"][0])
        p.save_review(first2 + 1, "en", status="approved", expected_version=1)
    at = AppTest.from_file(MAIN, default_timeout=30)
    at.session_state["project_root"] = str(root)
    for key, value in {"doc": str(doc2), "status": "todo", "size": "10",
                       "seg": str(first2 + 14)}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox(key="rv_doc").value == doc2
    assert at.sidebar.multiselect(key="status").value == ["todo"]
    # 29 to do (one approved); seg first2+14 is the 14th of them: page 2 of 10 per page
    assert at.number_input(key="page").value == 2
    keys = [t.key for t in at.text_area]
    assert keys[0] == f"rv_text_{first2 + 11}_1" and len(keys) == 10
    assert [e.label for e in at.expander if e.label.startswith("History")] == [
        f"History of #{first2 + 14}: 1 version"]


def test_opening_focuses_the_first_segment_not_approved(app_at, project_dir):
    with Project(project_dir) as p:
        for seg in (1, 2):
            p.save_review(seg, "en", status="approved", expected_version=1)
    at = app_at()
    assert [e.label for e in at.expander if e.label.startswith("History")] == [
        "History of #3: 1 version"]


def test_status_click_from_a_stale_tab_never_offers_the_old_text(app_at, project_dir):
    """Tab A edits the text; tab B, still on version 1, clicks Approve: B's conflict box
    offers only the status, and choosing it keeps A's text (it used to revert it)."""
    tab_a, tab_b = app_at(), app_at()
    tab_a.text_area(key="rv_text_3_1").input("Text from tab A").run()
    tab_b.button(key="rv_ok_3").click().run()
    assert _row(project_dir, 3)["status"] == "todo"
    shown = [unescape(m.value) for m in tab_b.markdown]
    old = "According to AFP, the meeting lasted more than three hours."
    assert "Text from tab A" in shown and old not in shown[shown.index("Text from tab A"):]
    assert tab_b.button(key="rv_mine_3").label == "Mark it approved"
    tab_b.button(key="rv_mine_3").click().run()
    row = _row(project_dir, 3)
    assert (row["target"], row["status"], row["version"]) == ("Text from tab A", "approved", 3)


def test_history_panel_lists_versions_with_author_origin_and_diff(app_at, project_dir):
    at = app_at()
    at.sidebar.text_input(key="reviewer").input("Bo").run()
    at.text_area(key="rv_text_1_1").input(
        "President Macron received Vladimir Putin at Versailles on Monday.").run()
    hist = next(e for e in at.expander if e.label.startswith("History of #1"))
    assert hist.label == "History of #1: 2 versions"
    texts = [m.value for m in hist.markdown]
    assert texts[0].startswith("**v2** · Bo · reviewer · ")
    assert ":red-background[Emmanuel]" in texts[1]  # the removed word, in the diff
    assert texts[-1].startswith("**v1** · machine translation")


def test_glossary_problem_at_the_segment_and_one_click_fix(app_at, project_dir):
    with Project(project_dir) as p:
        p.save_review(6, "en", text="Mr Poutin is then expected to visit the Louvre museum.",
                      expected_version=1)
    (project_dir / "glossaries").mkdir()
    (project_dir / "glossaries" / "names.csv").write_text(GLOSSARY, encoding="utf-8")
    at = app_at()
    warn = [m.value for m in at.markdown if "glossary:" in unescape(m.value)]
    assert len(warn) == 1 and warn[0].startswith(":red-background[:material/error:")
    at.button(key="rv_fix_6").click().run()
    assert _row(project_dir, 6)["target"] == "Mr Putin is then expected to visit the Louvre museum."
    assert not [m.value for m in at.markdown if "glossary:" in unescape(m.value)]


def test_two_tabs_later_save_does_not_overwrite_and_user_chooses(app_at, project_dir):
    tab_a, tab_b = app_at(), app_at()
    tab_a.text_area(key="rv_text_3_1").input("Text from tab A").run()
    tab_b.text_area(key="rv_text_3_1").input("Text from tab B").run()  # B still saw version 1
    assert _row(project_dir, 3)["target"] == "Text from tab A"
    warning = " ".join(w.value for w in tab_b.warning)
    assert "saved elsewhere" in warning and "not** saved" in warning
    shown = [unescape(m.value) for m in tab_b.markdown]
    assert "Text from tab A" in shown and "Text from tab B" in shown
    tab_b.button(key="rv_mine_3").click().run()
    row = _row(project_dir, 3)
    assert (row["target"], row["version"]) == ("Text from tab B", 3)
    assert not tab_b.warning


def test_two_tabs_keep_theirs_writes_nothing(app_at, project_dir):
    tab_a, tab_b = app_at(), app_at()
    tab_a.button(key="rv_flag_5").click().run()
    tab_b.button(key="rv_ok_5").click().run()
    assert _row(project_dir, 5)["status"] == "flagged"
    tab_b.button(key="rv_theirs_5").click().run()
    row = _row(project_dir, 5)
    assert (row["status"], row["version"]) == ("flagged", 2)
    assert not tab_b.warning


def test_markup_in_segments_is_shown_literally(app_at):
    at = app_at()
    xss = [m.value for m in at.markdown if "onerror" in m.value]
    assert xss, "the hostile segment is on the page"
    for value in xss:
        assert "\\<img" in value and "\\<script\\>" in value  # escaped, not markup
        assert "<img" not in value.replace("\\<", "")
        assert unescape(value) == XSS
    assert at.text_area(key="rv_text_7_1").value == XSS


GLOSSARY = """concept,lang,term,status,note
putin,fr,Poutine,preferred,
putin,en,Putin,preferred,
putin,en,Poutin,variant,misspelling
"""


def test_glossary_terms_highlighted_and_warnings_filter(app_at, project_dir):
    with Project(project_dir) as p:
        p.save_review(6, "en", text="Mr Poutin is then expected to visit the Louvre museum.",
                      expected_version=1)
    (project_dir / "glossaries").mkdir()
    (project_dir / "glossaries" / "names.csv").write_text(GLOSSARY, encoding="utf-8")
    at = app_at()
    assert not at.exception
    src = next(m.value for m in at.markdown if m.value.startswith("Le président"))
    assert ":blue-background[Poutine]" in src  # the term, highlighted, in the source column
    warnings = [unescape(m.value) for m in at.markdown if "glossary:" in unescape(m.value)]
    assert warnings == [":material/error: glossary: putin: “Poutin” should be “Putin”"]
    at.sidebar.toggle(key="gloss").set_value(True).run()
    assert [t.key for t in at.text_area] == ["rv_text_6_2"]  # only the segment with a warning


def test_qa_view_lists_the_problems_of_every_document_with_links(app_at):
    at = app_at()
    at.sidebar.radio(key="view").set_value("QA").run()
    assert not at.exception
    assert "2 problems in 2 segments · 1 low confidence, 1 source = target" in [
        unescape(c.value) for c in at.caption]  # the 0.3 bead; the markup row copied as is
    table = at.dataframe[0].value
    assert all(str(link).startswith("review?doc=") and "&seg=" in str(link)
               for link in table["open"].to_list())
