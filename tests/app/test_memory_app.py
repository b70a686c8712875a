"""The translation memory in the app (issue 15), through AppTest: the matches beside the
focused segment, hiding repetitions, giving an approved text to its repetitions, and the
leverage report of the Memory page."""

from __future__ import annotations

from pathlib import Path

import pytest
from projects import MAIN, SENTENCES, add_translated_document, build_project

from workbench.app.text import unescape
from workbench.memory.match import word_count
from workbench.memory.project import pretranslate
from workbench.store import NewParagraph, NewSegment, Project

#: The first sentence of the seeds' style with another day: a fuzzy match of segment 1.
MONDAY, MONDAY_EN = SENTENCES[0]
TUESDAY = MONDAY.replace("lundi", "mardi")
APPROVED = "President Macron welcomed Vladimir Putin at Versailles on Monday."


@pytest.fixture
def two_docs(tmp_path: Path) -> tuple[Path, int, list[int]]:
    """Document 1 (the six sentences); document 2 opens with segment 1 on another day,
    then the six sentences, each twice (the second time a repetition)."""
    root = build_project(tmp_path / "proj")
    pairs = [(TUESDAY, MONDAY_EN.replace("Monday", "Tuesday"))] + list(SENTENCES) * 2
    with Project(root) as p:
        doc2 = add_translated_document(p, "Second", pairs)
        ids2 = p.segments(doc2)["id"].to_list()
    return root, doc2, ids2


def _start(root: Path, page: str | None = None, **params: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(MAIN, default_timeout=60)
    at.session_state["project_root"] = str(root)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"views/{page}.py")
        at.run()
    assert not at.exception, at.exception
    return at


def _panel(at) -> list[str]:
    """The memory matches shown (one markdown each: head, source, target)."""
    return [m.value for m in at.markdown if m.value[:6] in ("**1** ", "**2** ", "**3** ")]


def test_focused_segment_shows_the_memory_match_with_score_origin_author_and_difference(two_docs):
    root, doc2, ids2 = two_docs
    with Project(root) as p:
        p.save_review(1, "en", text=APPROVED, status="approved", expected_version=1,
                      author="Ana")
    at = _start(root, doc=str(doc2), seg=str(ids2[0]))
    [match] = _panel(at)
    head, source, target = match.split("  \n")
    assert head.startswith("**1** :orange-badge[") and "%" in head  # a fuzzy match, not 100%
    assert "review: Macron reçoit Poutine #1 · Ana · 20" in unescape(head)
    assert ":orange-background[lundi]" in source  # the word this segment does not have
    assert unescape(source) == MONDAY
    assert unescape(target) == "→ " + APPROVED
    at.button(key=f"rv_tm_use_{ids2[0]}_1").click().run()
    with Project(root) as p:
        row = p.review(ids2[0], "en")
    assert (row.text, row.status) == (APPROVED, "todo")  # inserted, not approved


def test_a_segment_without_match_shows_no_panel_and_its_own_review_is_not_proposed(two_docs):
    root, _, _ = two_docs
    with Project(root) as p:
        p.save_review(1, "en", text=APPROVED, status="approved", expected_version=1)
    at = _start(root, seg="1")  # document 1: segment 1 is the approved one itself
    assert _panel(at) == []
    assert not any("Memory" in str(c.value) for c in at.caption)  # no empty panel either


def test_a_draft_from_the_memory_is_marked_as_such_not_as_machine_translation(two_docs):
    root, _, _ = two_docs
    source, target = SENTENCES[1]
    with Project(root) as p:
        p.save_review(2, "en", text="Approved by Ana.", status="approved", expected_version=1)
        doc = p.add_document(source_path="/tmp/third.txt", title="Third", lang="fr",
                             lang_confidence=0.99, fmt="text", encoding="utf-8",
                             content_hash="third", paragraphs=[NewParagraph(
                                 source, "text", [NewSegment(source, True)])])
        [seg] = p.segments(doc)["id"].to_list()
        filled, _ = pretranslate(p, "fr", "en", [(seg, source)])
        assert filled == {seg}
    at = _start(root, doc=str(doc))
    assert ":violet-badge[TM 100\\%] Approved by Ana\\." in [m.value for m in at.markdown]
    hist = next(e for e in at.expander if e.label.startswith(f"History of #{seg}"))
    assert unescape(hist.markdown[-1].value) == "**v1** · memory (TM 100%)"


def test_hide_repetitions_shows_each_source_once(two_docs):
    root, doc2, ids2 = two_docs
    at = _start(root, doc=str(doc2))
    assert len(at.text_area) == 13
    at.sidebar.toggle(key="reps").set_value(True).run()
    assert [t.key for t in at.text_area] == [f"rv_text_{s}_1" for s in ids2[:7]]
    at = _start(root, doc=str(doc2), reps="true")  # kept in the address
    assert at.sidebar.toggle(key="reps").value and len(at.text_area) == 7


def test_approving_offers_to_apply_the_text_to_its_repetitions_in_every_document(two_docs):
    root, doc2, ids2 = two_docs
    second = SENTENCES[1][0]
    reps = [s for s, (src, _) in zip(ids2[1:], list(SENTENCES) * 2) if src == second]
    with Project(root) as p:  # one repetition is reviewed already: it must stay as it is
        p.save_review(reps[1], "en", text="Flagged by someone", status="flagged",
                      expected_version=1)
    at = _start(root, seg="2")
    assert not [b for b in at.button if b.key == "rv_reps_apply_2"]  # nothing approved yet
    at.sidebar.text_input(key="reviewer").input("Bo").run()
    at.text_area(key="rv_text_2_1").input("The two leaders talked about Syria and Ukraine.")
    at.button(key="rv_ok_2").click().run()
    offer = at.button(key="rv_reps_apply_2")
    assert offer.label == "Apply to 1 repetition"
    said = [unescape(m.value) for m in at.markdown]
    assert "#2 approved: its source text is repeated in 1 segment not reviewed yet " \
           "(1 document)." in said, said
    offer.click().run()
    with Project(root) as p:
        done = p.review(reps[0], "en")
        assert (done.text, done.status) == (
            "The two leaders talked about Syria and Ukraine.", "approved")
        assert p.history(reps[0], "en")["author"].to_list() == ["Bo (repetition of #2)"]
        assert p.review(reps[1], "en").text == "Flagged by someone"
    assert any("given to 1 repetition," in unescape(s.value) for s in at.success)
    assert not [b for b in at.button if b.key == "rv_reps_apply_2"]  # nothing left to apply


def test_memory_page_leverage_report_per_document_and_total(two_docs):
    root, doc2, _ = two_docs
    with Project(root) as p:
        for seg, (_, target) in enumerate(SENTENCES, 1):
            p.save_review(seg, "en", text=target, status="approved", expected_version=1)
    at = _start(root, page="memory")
    assert any("Memory" == t.value for t in at.title)
    units = at.dataframe[0].value
    assert units["units"].sum() == 6 and set(units["origin"]) == {"review"}
    at.button(key="tm_analyse").click().run()
    table = at.dataframe[1].value
    assert list(table["document"]) == ["Macron reçoit Poutine", "Second", "total"]
    words = sum(word_count(s) for s, _ in SENTENCES)
    first, second, total = (table.iloc[i] for i in range(3))
    # Over both documents, document 2 repeats document 1 (its approved reviews do not
    # count for it) but for its first segment, a fuzzy match of document 1's first.
    assert (second["repetitions"], second["85-94%"], second["total"]) == (
        2 * words, word_count(TUESDAY), 2 * words + word_count(TUESDAY))
    assert first["context"] + first["100%"] == 0 and first["total"] == words
    assert total["total"] == first["total"] + second["total"]
    # Document 2 alone: the six sentences are context or 100% matches, then repetitions.
    at.multiselect(key="tm_docs").set_value([doc2]).run()
    at.button(key="tm_analyse").click().run()
    second = at.dataframe[1].value.iloc[0]
    assert (second["context"] + second["100%"], second["repetitions"]) == (words, words)
    at.radio(key="tm_unit").set_value("segments").run()
    second = at.dataframe[1].value.iloc[0]
    assert (second["context"] + second["100%"], second["repetitions"], second["85-94%"]) == (
        6, 6, 1)


def test_every_shortcut_is_in_the_readme_keyboard_table():
    """The page's list is SHORTCUTS itself; the README's table must not fall behind it."""
    from workbench.app.browser import SHORTCUTS

    readme = (Path(MAIN).parents[2] / "README.md").read_text(encoding="utf-8")
    assert [k for k, _ in SHORTCUTS if f"\n| {k} | " not in readme] == []
