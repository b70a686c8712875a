"""Review: source, machine translation and the editable final text side by side, by keyboard.

The address is the state: the sidebar's document, language and filters, the page
number and the focused segment (``seg``) live in the URL (``/review?doc=3&status=todo
&page=2&seg=41``), so a reload or a shared link opens the same view and the sidebar
can never disagree with the page. The cursor starts in the editor of the first
segment that matches the filters and is not approved; the shortcuts
(:data:`workbench.app.browser.SHORTCUTS`) save, approve, flag, undo and move without
the mouse, across pages. Every change is saved to SQLite at once with its version,
author (the name in the sidebar) and origin: if another tab or person saved the
segment since, nothing is overwritten and the segment shows both sides. Undo walks
back one version at a time. Messages about a segment or bead appear at it.

Each segment row, the header and the keyboard script are keyed fragments: a save,
approval, undo or move on the page draws again only the rows it concerns (the segment
changed, the one the cursor leaves and the one it enters), the progress and the script
(:func:`_refresh`), not the twenty rows; a move to another page draws the whole page.

The focused segment gets the panels of :func:`_focused_panels`: up to three
translation-memory matches (percentage, origin, author and date, the differences
between the match's source and this one highlighted; Ctrl+1/2/3 or a click insert
one), the offer to give an approved text to the segment's repetitions (other
documents included), and its history with diffs; a panel about the current segment
belongs there. "Hide repetitions" shows each source text of the document once. The "Beads" view corrects
the stored alignment (:mod:`workbench.app.beads`); the "QA" view lists the problems
of every document with links that open the segment. Segments imported with inline codes
(XLIFF 1.2 tags, :mod:`workbench.io.inline`) show them as tags ``⟦1⟧…⟦/1⟧``: a reviewer
moves them with the words but cannot edit them as text (a tag the segment does not have,
or a span closed before it opens, is refused with a message), and tags of the source
missing from the translation are pointed out.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable
from urllib.parse import urlencode

import polars as pl
import streamlit as st
from streamlit.errors import StreamlitAPIException

from workbench.app import beads, queries
from workbench.app.browser import SHORTCUTS, last_action, review_keys
from workbench.app.common import (db, load_glossary, open_or_stop, page_input, project_root,
                                  reviewer, show_flashes, target_lang_select)
from workbench.app.login import visible
from workbench.app.text import highlight, md_escape, source_diff_markdown, word_diff
from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.io import inline
from workbench.memory.match import source_diff
from workbench.memory.project import (apply_to_repetitions, matches_for_segment,
                                      pending_repetitions, repetitions)
from workbench.store import Project
from workbench.store.memory import MEMORY_ENGINE

STATUS_LABEL = {"todo": "to do", "approved": "approved", "rejected": "rejected",
                "flagged": "flagged"}
STATUS_BADGE = {"todo": ":gray-badge[to do]", "approved": ":green-badge[:material/check: approved]",
                "rejected": ":red-badge[:material/close: rejected]",
                "flagged": ":orange-badge[:material/flag: flagged]"}
ORIGIN_LABEL = {"reviewer": "reviewer", "normaliser": "normaliser", "import": "import",
                "undo": "undo", "mt": "machine translation"}
PAGE_SIZES = (10, 20, 50)
VIEWS = ("Segments", "Beads", "QA")
MESSAGE = {"success": st.success, "error": st.error, "warning": st.warning, "info": st.info}

#: Compact layout: a one-line header, tight segment rows, editors that grow with their
#: text; columns stack on narrow screens (Streamlit's own breakpoint).
CSS = """<style>
.block-container {padding: 2.1rem 1.5rem 2rem 1.5rem !important;}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {gap: 0.4rem;}
[class*="st-key-rv_seg_"] [data-testid="stElementContainer"] {flex-shrink: 0;}
[class*="st-key-rv_seg_"] {padding: 0.35rem 0.6rem !important; gap: 0.25rem !important;}
[class*="st-key-rv_seg_"] [data-testid="stMarkdownContainer"] p {font-size: 0.86rem;
  line-height: 1.35; margin-bottom: 0;}
[class*="st-key-rv_seg_"] textarea {font-size: 0.86rem; line-height: 1.35;
  padding: 0.3rem 0.5rem; min-height: 2.4rem; field-sizing: content;}
[class*="st-key-rv_seg_"] [data-testid="stHorizontalBlock"] {gap: 0.6rem;}
[class*="st-key-rv_seg_"] button {min-height: 1.5rem; padding: 0 0.2rem;}
[class*="st-key-rv_seg_"] [data-testid="stColumn"]:last-child [data-testid="stHorizontalBlock"],
[class*="st-key-rv_seg_"] [data-testid="stColumn"]:last-child .stHorizontalBlock {gap: 0.15rem; flex-wrap: nowrap;}
[class*="st-key-rv_seg_"] [data-testid="stVerticalBlock"] {gap: 0.2rem;}
[class*="st-key-rv_seg_"] .stMarkdown {margin-bottom: 0 !important;}
[class*="st-key-rv_seg_"] [data-testid="stMarkdownContainer"] {margin-bottom: 0 !important;}
[class*="st-key-rv_seg_"] [data-testid="stColumn"]:last-child p {font-size: 0.75rem; line-height: 1.25;}
header[data-testid="stHeader"] {height: 2rem; min-height: 2rem;}
[class*="st-key-rv_seg_"]:focus-within {box-shadow: 0 0 0 2px rgba(28, 131, 225, 0.6);}
.wb-draft textarea {background: #fff8e1;}
[class*="st-key-rv_hist_"] summary {padding-top: 0.2rem; padding-bottom: 0.2rem;}
.st-key-rv_header h1 {font-size: 1.6rem; padding: 0; margin: 0;}
</style>"""

ss = st.session_state
ss.setdefault("rv_known", {})      # segment id -> (version, text, status) this session last saw
ss.setdefault("rv_codes", {})      # segment id -> its inline codes (workbench.io.inline)
ss.setdefault("rv_conflicts", {})  # segment id -> {"mine": text or None, "status": ..., ...}
ss.setdefault("rv_msgs", {})       # segment id -> (kind, message), shown at the segment
ss.setdefault("rv_bead_msgs", {})  # bead index -> (kind, message), shown at the bead
ss.setdefault("rv_moves", 0)       # bumped when the server moves the cursor
# ss.rv_rep_offer: (segment id, language) just approved whose repetitions can take its text


def _text_key(seg: int, version: int) -> str:
    return f"rv_text_{seg}_{version}"


def _say(seg: int, message: str, kind: str = "info") -> None:
    """A message shown at segment ``seg`` on the next run."""
    ss.rv_msgs[seg] = (kind, message)


# -- saving -------------------------------------------------------------------------

def _save(seg: int, lang: str, *, text: str | None, status: str | None) -> bool:
    """Save text and/or status against the version this session last saw; True when saved."""
    version, old_text, old_status = ss.rv_known.get(seg, (None, None, None))
    if text == old_text:
        text = None  # a status change only: on a conflict, never offer the old text as mine
    if text is None and (status is None or status == old_status):
        return True  # nothing changed (e.g. the blur after an approve that saved the text)
    try:
        with db() as project:
            new_version = project.save_review(seg, lang, text=text, status=status,
                                              expected_version=version, author=reviewer())
    except ConflictError:
        with db() as project:
            row = project.review(seg, lang)
        ss.rv_conflicts[seg] = {
            "mine": text, "status": status, "theirs": row.text,
            "their_status": row.status, "version": row.version,
        }
        return False
    except WorkbenchError as exc:
        _say(seg, str(exc), "error")
        return False
    ss.rv_known[seg] = (new_version, old_text if text is None else text,
                        old_status if status is None else status)
    ss.rv_conflicts.pop(seg, None)
    return True


def _stored(seg: int, shown: str | None) -> str | None:
    """The text to save for what the text area shows: its tags (``⟦1⟧``…) back into the
    segment's inline codes. Unknown or misordered tags raise :class:`InlineCodeError`."""
    codes = ss.rv_codes.get(seg)
    return shown if shown is None or not codes else inline.from_display(shown, codes)


#: An inline-code tag of :func:`workbench.io.inline.display` once markdown-escaped.
TAG = re.compile(r"⟦(?:\\?/)?\d+(?:\\?/)?⟧")


def _tags(markdown: str) -> str:
    """Inline-code tags (``⟦1⟧``) of escaped text shown as badges, apart from the words."""
    return TAG.sub(lambda m: f":gray-badge[{m.group(0)}]", markdown)


def _on_text(seg: int, lang: str, key: str) -> None:
    try:
        _save(seg, lang, text=_stored(seg, ss[key]), status=None)
    except inline.InlineCodeError as exc:
        _say(seg, f"not saved: {exc}", "error")
    _refresh(seg)


def _on_status(seg: int, lang: str, key: str, status: str) -> None:
    ss.pop("rv_rep_offer", None)
    try:
        text = _stored(seg, ss.get(key))
    except inline.InlineCodeError as exc:
        _say(seg, f"not saved: {exc}", "error")
        return _refresh(seg)
    if _save(seg, lang, text=text, status=status) and status == "approved":
        ss.rv_rep_offer = (seg, lang)
    _refresh(seg)


def _pending_repetitions(seg: int, lang: str) -> pl.DataFrame:
    with db() as project:
        return pending_repetitions(project, seg, lang)


def _apply_repetitions(seg: int, lang: str) -> None:
    """Give the approved text of ``seg`` to its repetitions not reviewed yet (other rows
    of the page among them: the whole page is drawn again)."""
    ss.pop("rv_rep_offer", None)
    _full()
    try:
        with db() as project:
            if project.review(seg, lang).status != "approved":
                _say(seg, "approve this segment first: only an approved text goes to its "
                          "repetitions", "warning")
                return
            changed = apply_to_repetitions(project, seg, lang,
                                           author=f"{reviewer()} (repetition of #{seg})")
    except WorkbenchError as exc:
        _say(seg, str(exc), "error")
        return
    _say(seg, f"text of #{seg} given to {len(changed)} repetition{'s' * (len(changed) != 1)}, "
              "approved", "success")


def _undo(seg: int, lang: str) -> None:
    """Undo the newest change of ``seg`` not undone yet (again: one more version back)."""
    version = ss.rv_known.get(seg, (None,))[0]
    try:
        with db() as project:
            project.undo_last_edit(seg, lang, author=reviewer(), expected_version=version)
            row = project.review(seg, lang)
    except ConflictError:
        _say(seg, "changed elsewhere since this page showed it; look at the new text "
                  "before undoing", "warning")
    except NotFoundError:
        _say(seg, "nothing (more) to undo for this segment")
    except WorkbenchError as exc:
        _say(seg, str(exc), "error")
    else:
        _say(seg, f"last change undone: text and status ({STATUS_LABEL[row.status]}) "
                  f"as before it, saved as v{row.version}")


def _fix_terms(seg: int, lang: str, fixes: list[tuple[str, str]]) -> None:
    """Replace the wrong glossary forms of ``seg``'s saved text with the preferred ones."""
    text = ss.rv_known.get(seg, (None, "", None))[1] or ""
    for wrong, right in fixes:
        text = text.replace(wrong, right)
    if _save(seg, lang, text=text, status=None):
        _say(seg, "glossary forms replaced", "success")
    _refresh(seg)


def _resolve(seg: int, lang: str, keep_mine: bool) -> None:
    conflict = ss.rv_conflicts.pop(seg)
    try:
        if keep_mine:
            with db() as project:
                project.save_review(seg, lang, text=conflict["mine"], status=conflict["status"],
                                    expected_version=conflict["version"], author=reviewer())
    except ConflictError:
        _say(seg, "changed again meanwhile; compare once more", "warning")
    except WorkbenchError as exc:
        _say(seg, str(exc), "error")
    _refresh(seg)


def _conflict_box(seg: int, lang: str) -> None:
    c = ss.rv_conflicts[seg]
    with st.container(border=True):
        st.warning(f"Segment {seg} was saved elsewhere (another tab or person) after this page "
                   "loaded it. Your change was **not** saved. Choose what to keep.")
        left, right = st.columns(2)
        with left:
            st.caption(f"Saved elsewhere ({STATUS_LABEL[c['their_status']]})")
            st.markdown(md_escape(c["theirs"]))
            st.button("Keep theirs", key=f"rv_theirs_{seg}", on_click=_resolve,
                      args=(seg, lang, False))
        with right:
            if c["mine"] is None:  # a status click: their text stays whatever is chosen
                st.caption("Yours: a status change only")
                st.markdown(md_escape(f"mark their text {STATUS_LABEL[c['status']]}"))
                label = f"Mark it {STATUS_LABEL[c['status']]}"
            else:
                st.caption("Yours" + (f" ({STATUS_LABEL[c['status']]})" if c["status"] else ""))
                st.markdown(md_escape(c["mine"]))
                label = "Overwrite with mine"
            st.button(label, key=f"rv_mine_{seg}", on_click=_resolve,
                      args=(seg, lang, True), type="primary")


# -- the keyboard ---------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _View:
    """What the rows, the header and the keyboard of the Segments view show: the
    document's review units, those the filters keep, and how to draw them."""

    pairs: pl.DataFrame
    shown: pl.DataFrame
    lang: str
    glossary: object
    threshold: float
    size: int


def _load_view() -> _View:
    """Read the document as the sidebar's document, language and filters say (kept in
    ``ss.rv_view`` for the rows and fragments drawn after it)."""
    glossary = load_glossary()[0]
    threshold = float(ss.get("below", queries.LOW_CONFIDENCE))
    flt = queries.ReviewFilter(tuple(ss.get("status") or ()), bool(ss.get("low")), threshold,
                               ss.get("q") or "", hide_repetitions=bool(ss.get("reps")))
    pairs, shown = _shown(int(ss["rv_doc"]), ss["lang"], flt, glossary, bool(ss.get("gloss")))
    ss.rv_view = _View(pairs, shown, ss["lang"], glossary, threshold, int(ss.get("size", 20)))
    return ss.rv_view


def _shown(doc_id: int, lang: str, flt: queries.ReviewFilter, glossary, warn_only: bool
           ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(all review units of the document, those the filters show); hidden repetitions
    are those after the first occurrence of their source text in this document."""
    with db() as project:
        pairs = queries.document_pairs(project, doc_id, lang)
        if flt.hide_repetitions:
            flt = dataclasses.replace(flt, hidden_ids=frozenset(repetitions(project, [doc_id])))
    if warn_only and glossary is not None:
        from workbench.glossary.check import check_pair

        flagged = frozenset(r["segment_id"] for r in pairs.iter_rows(named=True)
                            if check_pair(glossary, r["source"], r["target"], "", lang))
        flt = dataclasses.replace(flt, flagged_ids=flagged, only_ids=True)
    return pairs, queries.filter_pairs(pairs, flt)


def _go(seg: int | None, shown: pl.DataFrame, size: int) -> None:
    """Put the cursor on ``seg`` (its page, the address, the editor)."""
    if seg is None:
        return
    ss.rv_seg = seg  # the keyboard script writes it into the address (seg=) when it focuses
    page = queries.page_holding(shown, seg, size)
    if page is not None:
        ss["page"] = page


def _refresh(*segs: int | None, reload: bool = True) -> None:
    """End a callback that changed segments of this page: read the document again
    (unless ``reload`` is off: the caller just did) and draw again only the rows of
    ``segs`` and of the focused segment, the header and the keyboard script, not the
    whole page (a row that left the filtered list disappears). Raises to end the
    callback; returns only when the page must be drawn whole (:func:`_full`)."""
    if reload:
        _load_view()
    on_page = ss.get("rv_page_segs", ())
    rows = [f"rv_row_{s}" for s in dict.fromkeys((*segs, ss.get("rv_seg"))) if s in on_page]
    try:
        st.rerun([*rows, "rv_head", "rv_count", "rv_kb"])
    except StreamlitAPIException:  # not drawn yet (a run cut short by a newer one)
        _full()


def _full() -> None:
    """Ask for the whole page to be drawn again after this callback (another page of
    segments, repetitions changed elsewhere on it): the fragment the callback's widget
    belongs to reruns first and hands over to a full run (:func:`_full_if_asked`)."""
    ss.rv_full = True


def _full_if_asked() -> None:
    if ss.pop("rv_full", False):
        st.rerun()


def _on_undo(seg: int, lang: str) -> None:
    _undo(seg, lang)
    _refresh(seg)


def _on_key() -> None:
    """A shortcut from the keyboard script: save (and approve or flag) with the text as
    typed, undo, or move; then put the cursor where it belongs."""
    act = last_action()
    if not act or act.get("id") == ss.get("rv_last_action"):
        return
    ss.rv_last_action = act["id"]
    seg, op, text = int(act["seg"]), act.get("op"), act.get("text")
    lang, before = ss["lang"], ss.get("rv_seg")
    if op == "focus":  # the reviewer clicked into (or tabbed to) another segment's editor:
        ss.rv_seg = seg  # its panels follow; the cursor is there already (no move)
        return _refresh(seg, before, reload=False)
    offer = ss.pop("rv_rep_offer", None)
    ss.rv_moves += 1  # the cursor is put back (or moved) in any case
    if op == "reps":
        _apply_repetitions(offer[0] if offer and offer[1] == lang else seg, lang)
        return
    if op == "undo":
        _undo(seg, lang)
        return _refresh(seg, before)
    status = {"approve": "approved", "flag": "flagged"}.get(op)
    try:
        text = _stored(seg, text)  # the tags as shown (⟦1⟧) back into the inline codes
    except inline.InlineCodeError as exc:
        _say(seg, f"not saved: {exc}", "error")
        return _refresh(seg, before)
    if not _save(seg, lang, text=text, status=status):
        return _refresh(seg, before)
    if op == "approve":
        ss.rv_rep_offer = (seg, lang)
    view = _load_view()
    delta = {"approve": 1, "next": 1, "prev": -1}.get(op, 0)
    target = queries.neighbour(view.pairs, view.shown, seg, delta) if delta else seg
    if delta and target is None:
        _say(seg, "last matching segment" if delta > 0 else "first matching segment")
        target = seg if queries.page_holding(view.shown, seg, view.size) else None
    if target in ss.get("rv_page_segs", ()):
        ss.rv_seg = target  # on this page: only the rows concerned are drawn again
        return _refresh(seg, before, reload=False)
    _go(target, view.shown, view.size)
    _full()


def _on_page() -> None:
    """A new page: the cursor goes to its first segment to review."""
    ss.rv_seg = None
    ss.rv_page_picked = True
    ss.rv_moves += 1


def _on_doc() -> None:
    """Another document: its first page, the cursor on its first segment to review."""
    st.query_params["doc"] = str(ss.rv_doc)
    ss.rv_seg = None
    ss["page"] = 1
    ss.rv_moves += 1


# -- one segment ------------------------------------------------------------------------

def _segment(row: dict, lang: str, glossary, threshold: float, *, focused: bool) -> dict:
    """Render one segment row; returns what the keyboard script needs to know about it."""
    seg, version = row["segment_id"], row["version"]
    ss.rv_known[seg] = (version, row["target"], row["status"])
    codes = ss.rv_codes[seg] = inline.loads(row.get("codes"))
    lost = inline.missing(row["target"] or "", row["source"]) if codes else []
    if codes:  # tags as ⟦1⟧…⟦/1⟧: shown, moved, never edited as text (see _stored)
        row = {**row, **{k: inline.display(row[k], codes) if row[k] else row[k]
                         for k in ("source", "mt", "target")}}
    key = _text_key(seg, version)
    conf = row["confidence"]
    low = conf is not None and conf < threshold
    src_spans = mt_spans = ()
    issues: list = []
    if glossary is not None:
        from workbench.glossary.check import check_pair

        src_spans = [(m.start, m.end) for m in glossary.find(row["source"], lang)]
        mt_spans = [(m.start, m.end) for m in glossary.find(row["mt"] or "", lang)]
        issues = check_pair(glossary, row["source"], row["target"], "", lang)
    fixes = queries.glossary_fixes(issues)
    with st.container(border=True, key=f"rv_seg_{seg}"):
        c_src, c_mt, c_final, c_act = st.columns([1, 1, 1.2, 0.6])
        with c_src:
            st.markdown(_tags(highlight(row["source"], src_spans)))
        with c_mt:  # a draft from the memory (pre-translation) says so, with its match
            st.markdown((f":violet-badge[{md_escape(row['model'])}] " if _from_memory(row) else "")
                        + (highlight(row["mt"], mt_spans) if row["mt"] else "—"))
        with c_final:
            st.text_area("Final translation", value=row["target"], key=key,
                         on_change=_on_text, args=(seg, lang, key), height="content",
                         label_visibility="collapsed")
            if lost:
                st.markdown(":orange-background[:material/sell: tags missing from the "
                            "translation: " + " ".join(inline.display(
                                inline.placeholder(codes[i].role, i), codes) for i in lost) + "]")
            for issue in issues:  # at the segment, in colour, wrong forms named as wrong
                st.markdown(":red-background[:material/error: "
                            + md_escape(f"glossary: {queries.glossary_message(issue)}") + "]")
            if fixes:
                st.button("Use preferred forms", key=f"rv_fix_{seg}", icon=":material/spellcheck:",
                          on_click=_fix_terms, args=(seg, lang, fixes),
                          help="Replace " + ", ".join(f"“{w}” with “{r}”" for w, r in fixes)
                               + " (Ctrl+Shift+G)")
        with c_act:
            conf_md = (f":red-background[:material/warning: low confidence {conf:.2f}]" if low
                       else f":gray[{conf:.2f}]" if conf is not None else ":gray[not aligned]")
            st.markdown(f"**#{row['idx'] + 1}** {STATUS_BADGE[row['status']]} {conf_md}")
            acts = st.container(horizontal=True, gap="small")
            acts.button("", key=f"rv_ok_{seg}", icon=":material/check:", type="primary",
                         on_click=_on_status, args=(seg, lang, key, "approved"),
                         help="Approve (Ctrl+Enter: approve and go to the next)")
            acts.button("", key=f"rv_flag_{seg}", icon=":material/flag:", on_click=_on_status,
                         args=(seg, lang, key, "flagged"), help="Flag (Ctrl+Shift+Enter)")
            acts.button("", key=f"rv_no_{seg}", icon=":material/close:", on_click=_on_status,
                         args=(seg, lang, key, "rejected"), help="Reject")
            acts.button("", key=f"rv_todo_{seg}", icon=":material/replay:", on_click=_on_status,
                         args=(seg, lang, key, "todo"), help="Back to to do")
            acts.button("", key=f"rv_undo_{seg}", icon=":material/undo:", on_click=_on_undo,
                         args=(seg, lang), help="Undo the last change; again: one more "
                                                "version back (Ctrl+Alt+Z)")
        if seg in ss.rv_msgs:
            kind, message = ss.rv_msgs.pop(seg)
            MESSAGE[kind](md_escape(message))
        if seg in ss.rv_conflicts:
            _conflict_box(seg, lang)
        keys = _focused_panels(row, lang, glossary) if focused else {}
    return {"v": version, "text": row["target"], "mt": row["mt"] or "", "fixes": fixes, **keys}


def _focused_panels(row: dict, lang: str, glossary) -> dict:
    """Panels about the focused segment: memory matches, the repetitions offer, history.
    Returns what the keyboard script needs besides (``tm``: the matches' targets)."""
    targets = _memory_panel(row, lang, glossary)
    _repetitions_panel(row, lang)
    _history_panel(row["segment_id"], lang,
                   f"memory ({row['model']})" if _from_memory(row) else "machine translation")
    return {"tm": targets}


def _from_memory(row: dict) -> bool:
    """Whether the segment's draft was filled from the translation memory, not MT."""
    return row["engine"] == MEMORY_ENGINE


def _use_match(seg: int, lang: str, text: str) -> None:
    """A match clicked: its target becomes the segment's text (saved, status kept)."""
    if _save(seg, lang, text=text, status=None):
        _say(seg, "memory match inserted", "success")
    _refresh(seg)


def _memory_panel(row: dict, lang: str, glossary) -> list[str]:
    """Up to three memory matches of the segment, best first; returns their targets."""
    seg = row["segment_id"]
    try:
        with db() as project:
            found = matches_for_segment(project, seg, lang, glossary=glossary)
    except WorkbenchError as exc:
        st.caption(md_escape(f"Memory not available: {exc}"))
        return []
    if not found:  # nothing to show: the row keeps its height (8 rows at 1440×900)
        return []
    with st.container(border=True, key=f"rv_tm_{seg}"):
        for i, m in enumerate(found, 1):
            u = m.unit
            origin = f"{u.origin}: {u.origin_ref}" if u.origin_ref else u.origin
            head = " · ".join(x for x in (origin, u.author, u.created_at[:10]) if x)
            badge = "green" if m.score >= 100 else "orange" if m.score >= 85 else "gray"
            text_col, use_col = st.columns([1, 0.12], vertical_alignment="center")
            text_col.markdown(f"**{i}** :{badge}-badge[{md_escape(m.label[3:])}] "
                              f":gray[{md_escape(head)}]  \n"
                              + source_diff_markdown(m.source, source_diff(row["source"], m.source))
                              + "  \n→ " + md_escape(m.target))
            use_col.button("", key=f"rv_tm_use_{seg}_{i}", icon=":material/input:",
                           on_click=_use_match, args=(seg, lang, m.target),
                           help=f"Use this match (Ctrl+{i})")
    return [m.target for m in found]


def _repetitions_panel(row: dict, lang: str) -> None:
    """After an approval (or at an approved segment): give its text to the repetitions
    of its source that are not reviewed yet, in any document."""
    offer = ss.get("rv_rep_offer")
    seg = offer[0] if offer and offer[1] == lang else (
        row["segment_id"] if row["status"] == "approved" else None)
    if seg is None:
        return
    pending = _pending_repetitions(seg, lang)
    if pending.is_empty():
        return
    docs = pending["document_id"].n_unique()
    with st.container(border=True, key=f"rv_reps_{row['segment_id']}"):
        c_say, c_do = st.columns([1, 0.4], vertical_alignment="center")
        n = len(pending)
        c_say.markdown(md_escape(f"#{seg} approved: its source text is repeated in {n} "
                                 f"segment{'s' * (n > 1)} not reviewed yet ({docs} "
                                 f"document{'s' * (docs > 1)})."))
        c_do.button(f"Apply to {n} repetition{'s' * (n > 1)}", key=f"rv_reps_apply_{seg}",
                    icon=":material/content_copy:", on_click=_apply_repetitions,
                    args=(seg, lang), help="Give them this approved text (Ctrl+Alt+R)")


def _history_panel(seg: int, lang: str, first_origin: str) -> None:
    with db() as project:
        hist = project.history(seg, lang)
    n = len(hist) + 1
    with st.expander(f"History of #{seg}: {n} version{'s' * (n > 1)}", key=f"rv_hist_{seg}",
                     icon=":material/history:"):
        rows = list(hist.iter_rows(named=True))
        for r in reversed(rows):
            status = (f"{STATUS_LABEL.get(r['old_status'] or '', '—')} → "
                      f"{STATUS_LABEL[r['new_status']]}" if r["old_status"] != r["new_status"]
                      else STATUS_LABEL[r["new_status"]])
            st.markdown(f"**v{r['version']}** · " + md_escape(
                f"{r['author'] or 'unknown'} · {ORIGIN_LABEL.get(r['origin'], r['origin'])} · "
                f"{r['at'][:19].replace('T', ' ')} · {status}"))
            st.markdown(word_diff(r["old_text"] or "", r["new_text"]) if r["old_text"] != r["new_text"]
                        else ":gray[text unchanged]")
        first = rows[0]["old_text"] if rows else None
        st.markdown("**v1** · " + md_escape(first_origin + (f": {first}" if first else "")))


# -- beads ------------------------------------------------------------------------------

def _bead_change(at: int, change: Callable[[Project], str]) -> None:
    """Run a merge, split or undo of beads and say how it went at bead ``at``: a page gone
    stale is a warning, a refused change an error, a done one the message ``change`` returns."""
    try:
        with db() as project:
            message = change(project)
    except ConflictError as exc:
        ss.rv_bead_msgs[at] = ("warning", str(exc))
    except WorkbenchError as exc:
        ss.rv_bead_msgs[at] = ("error", str(exc))
    else:
        ss.rv_bead_msgs[at] = ("info", message)


def _merge(aid: int, first: beads.BeadView, second: beads.BeadView) -> None:
    def change(project: Project) -> str:
        beads.merge(project, aid, first, second, author=reviewer())
        return f"beads {first.idx + 1} and {second.idx + 1} merged"
    _bead_change(first.idx, change)


def _split(aid: int, bead: beads.BeadView, src_key: str, tgt_key: str) -> None:
    def change(project: Project) -> str:
        one, two = beads.split(project, aid, bead, int(ss[src_key]), int(ss[tgt_key]),
                               author=reviewer())
        return f"bead {bead.idx + 1} split into {one.shape} and {two.shape}"
    _bead_change(bead.idx, change)


def _undo_beads(aid: int, at: int) -> None:
    def change(project: Project) -> str:
        undone = beads.undo(project, aid, author=reviewer())
        return f"{undone['op']} of bead {undone['first'] + 1} undone"
    _bead_change(at, change)


def _sentences(texts: tuple[str, ...], glossary, lang: str, empty: str) -> None:
    if not texts:
        st.caption(empty)
    for text in texts:
        spans = [(m.start, m.end) for m in glossary.find(text, lang)] if glossary is not None else ()
        st.markdown(highlight(text, spans))


def _bead(bead: beads.BeadView, following: beads.BeadView | None, aid: int, lang: str,
          glossary, threshold: float, target_label: str) -> None:
    low = bead.confidence < threshold
    with st.container(border=True, key=f"rv_bead_{bead.idx}"):
        badge = (f":red-background[:material/warning: low confidence {bead.confidence:.2f}]"
                 if low else f"confidence {bead.confidence:.2f}")
        st.markdown(f"**Bead {bead.idx + 1}** · {bead.shape} · {badge}")
        c_src, c_tgt = st.columns(2)
        with c_src:
            st.caption("Source")
            _sentences(bead.source, glossary, lang, "no source sentence")
        with c_tgt:
            st.caption(target_label)
            _sentences(bead.target, glossary, lang, "no target sentence")
        buttons = st.container(horizontal=True)
        buttons.button("Merge with next", key=f"rv_merge_{bead.idx}", icon=":material/merge:",
                       disabled=following is None, on_click=_merge, args=(aid, bead, following),
                       help="Join this bead and the next one into one bead")
        n, m = len(bead.src_ids), len(bead.tgt_ids)
        if n + m > 1:
            sig = abs(hash(bead.ids)) % 10**8  # new widgets when the bead changes
            src_key, tgt_key = f"rv_split_src_{bead.idx}_{sig}", f"rv_split_tgt_{bead.idx}_{sig}"
            with buttons.popover("Split", icon=":material/call_split:"):
                st.number_input("Source sentences in the first part", 0, n, max(1, n // 2) if n else 0,
                                key=src_key)
                st.number_input("Target sentences in the first part", 0, m, m // 2, key=tgt_key)
                st.button("Split here", key=f"rv_split_{bead.idx}", on_click=_split,
                          args=(aid, bead, src_key, tgt_key), type="primary")
        if bead.idx in ss.rv_bead_msgs:
            kind, message = ss.rv_bead_msgs.pop(bead.idx)
            MESSAGE[kind](md_escape(message))


def _bead_view(doc_id: int, lang: str, glossary, threshold: float, low_only: bool,
               size: int) -> None:
    with db() as project:
        found = beads.alignments(project, doc_id, lang)
    if not found:
        st.info("This document has no stored alignment into this language yet: align it on "
                "the Documents page.")
        return
    labels = {a["id"]: a["label"] for a in found}
    aid = found[0]["id"]
    if len(found) > 1:
        aid = st.selectbox("Alignment", list(labels), format_func=labels.get, key="rv_alignment")
    chosen = next(a for a in found if a["id"] == aid)
    target_label = ("Machine translation" if chosen["target_kind"] == "mt"
                    else f"Translation (document {chosen['target_ref']})")
    with db() as project:
        all_beads = beads.load(project, aid)
        change = beads.last_change(project, aid)
    at = change.get("first", 0) if change else 0
    st.button("Undo last merge or split", key="rv_bead_undo", icon=":material/undo:",
              disabled=change is None, on_click=_undo_beads, args=(aid, at),
              help=(f"Undo the {change['op']} of bead {change['first'] + 1} ({change['at']})"
                    if change and "first" in change else "Nothing to undo"))
    shown = [b for b in all_beads if not low_only or b.confidence < threshold]
    n_low = sum(b.confidence < threshold for b in all_beads)
    if not shown:
        st.info("No bead matches the filters.")
        return
    start = (_page_input(len(shown), size, "rv_bpage") - 1) * size
    st.caption(f"{len(all_beads)} beads, {n_low} below confidence {threshold:.2f} · "
               f"showing {start + 1}–{min(start + size, len(shown))} of {len(shown)}")
    for bead in shown[start:start + size]:
        following = all_beads[bead.idx + 1] if bead.idx + 1 < len(all_beads) else None
        _bead(bead, following, aid, lang, glossary, threshold, target_label)


# -- QA of the whole project -------------------------------------------------------------

def _qa_view(lang: str, glossary, threshold: float, doc_ids: list[int]) -> None:
    """Problems of every document (a page of documents at a time: an archive holds
    thousands), each with a link that opens the segment."""
    size, where = queries.DOCUMENTS_PER_PAGE, "any document"
    if len(doc_ids) > size:
        page = _page_input(len(doc_ids), size, "qa_page")
        first, n = (page - 1) * size, len(doc_ids)
        doc_ids = doc_ids[first:first + size]
        where = f"documents {first + 1}–{first + len(doc_ids)} of {n}"
        st.caption(f"Checking {where} (pages of {size} documents)")
    with db() as project:
        pairs = project.pairs(lang, document_ids=doc_ids)
    problems = queries.qa_issues(pairs, glossary, lang, threshold)
    if problems.is_empty():
        st.success(f"No problem found in {where}.")
        return
    counts = problems.group_by("kind").len().sort("kind")
    total, segs = len(problems), problems["segment_id"].n_unique()
    st.caption(f"{total} problem{'s' * (total > 1)} in {segs} segment{'s' * (segs > 1)} · "
               + ", ".join(f"{n} {k}" for k, n in counts.iter_rows()))
    kinds = st.multiselect("Kinds", counts["kind"].to_list(), key="qa_kinds",
                           placeholder="all kinds")
    if kinds:
        problems = problems.filter(pl.col("kind").is_in(kinds))
    links = [f"review?{urlencode({'doc': d, 'lang': lang, 'seg': s})}"
             for d, s in zip(problems["document_id"], problems["segment_id"])]
    st.dataframe(problems.with_columns(pl.Series("open", links), (pl.col("idx") + 1).alias("#"))
                 .select("open", "document", "#", "kind", "detail"),
                 hide_index=True, width="stretch",
                 column_config={"open": st.column_config.LinkColumn("open", display_text="open")})


# -- the page -------------------------------------------------------------------------

def _page_input(n: int, size: int, key: str, on_change=None) -> int:
    """The Review page's compact page number input (:func:`page_input`)."""
    return page_input(n, size, key, on_change=on_change, width=130, label_visibility="collapsed",
                      bind="query-params" if key == "page" else None)


def _focus(shown: pl.DataFrame, size: int) -> int | None:
    """The focused segment: the one the keyboard moved to, or on opening the address's
    ``seg``, if shown; else the first to review (of the page chosen, if one was)."""
    if "rv_seg" not in ss:  # a new session: the address says where it was
        try:
            ss.rv_seg = int(st.query_params.get("seg", ""))
        except ValueError:
            ss.rv_seg = None
    seg = ss.rv_seg
    if seg is not None and queries.page_holding(shown, seg, size) is not None:
        ss["page"] = queries.page_holding(shown, seg, size)
        return seg
    on_page = ss.pop("rv_page_picked", False) or (seg is None and "page" in st.query_params)
    rows, _ = queries.page_of(shown, int(ss.get("page") or 1), size)
    chosen = queries.first_to_review(rows if on_page else shown)
    if chosen is not None:
        if seg is not None:
            ss.rv_moves += 1  # the cursor was on a segment no longer shown
        ss.rv_seg = chosen
        ss["page"] = queries.page_holding(shown, chosen, size)
    return chosen


def _doc_from_address(ids: list[int]) -> None:
    """The document picker follows ``doc=ID`` of the address (bound by hand: a bound
    selectbox would write the title into the address, not the id)."""
    try:
        wanted = int(st.query_params.get("doc", ""))
    except ValueError:
        wanted = None
    if wanted in ids and ss.get("rv_doc") != wanted:
        if "rv_doc" in ss:
            ss.rv_seg = None
            ss["page"] = 1
        ss["rv_doc"] = wanted
    elif wanted not in ids and ss.get("rv_doc") in ids:
        st.query_params["doc"] = str(ss["rv_doc"])


def _documents_into(lang: str) -> dict[int, str]:
    """Id -> label of the documents with review units into ``lang`` (one direction: an
    English document of an imported memory is listed under French, not English); the
    picker follows the address and never holds a document of another direction."""
    from workbench.store.directions import documents_into

    with db() as project:
        into = documents_into(project, lang)
        docs = project.documents()
    docs = visible(docs)  # a reviewer sees the documents assigned to them
    into = set(into)
    titles = {r["id"]: f"{r['id']} · {r['title']}" for r in docs.iter_rows(named=True)
              if r["id"] in into}
    _doc_from_address(list(titles))
    if titles and ss.get("rv_doc") not in titles:
        if "rv_doc" in ss:
            ss.rv_seg = None
            ss["page"] = 1
        ss["rv_doc"] = next(iter(titles))
    return titles


def _shortcut_help() -> None:
    with st.popover("Shortcuts", key="rv_shortcuts", icon=":material/keyboard:",
                    help="F1 or ?"):
        st.markdown("| keys | what they do |\n|---|---|\n" + "\n".join(
            f"| {md_escape(k)} | {md_escape(v)} |" for k, v in SHORTCUTS))


def main() -> None:
    st.html(CSS)
    ss.pop("rv_full", None)  # this run draws the whole page
    open_or_stop()
    with db() as project:
        langs = queries.target_langs(project)
    if not langs:
        st.title("Review")
        st.info("Nothing to review yet: ingest and translate documents on the Documents page.")
        return

    with st.sidebar:  # every control is kept in the address: reload lands here again
        lang = target_lang_select(langs, "lang", bind=True)
        titles = _documents_into(lang)
        if not titles:
            st.info("No current document has a translation into this language.")
            return
        doc_id = st.selectbox("Document", list(titles), format_func=titles.get, key="rv_doc",
                              on_change=_on_doc)
        st.multiselect("Status", list(STATUS_LABEL), key="status", placeholder="all statuses", bind="query-params")
        low_only = st.toggle("Low confidence only", key="low", bind="query-params")
        threshold = st.slider("Low confidence below", 0.0, 1.0, queries.LOW_CONFIDENCE, 0.05,
                              key="below", bind="query-params")
        st.text_input("Search text", key="q", bind="query-params")
        st.toggle("Hide repetitions", key="reps", bind="query-params",
                  help="Show each source text of the document once (its first occurrence)")
        glossary, glossary_msg = load_glossary()
        st.toggle("Glossary warnings only", key="gloss", bind="query-params",
                  disabled=glossary is None, help=glossary_msg)
        size = st.selectbox("Per page", PAGE_SIZES, index=1, key="size", bind="query-params")
        mode = st.radio("View", VIEWS, key="view", horizontal=True, bind="query-params",
                        help="Beads: the stored alignment, to merge or split beads; "
                             "QA: the problems of every document")

    if mode == "QA":
        st.subheader("QA: every document")
        _qa_view(lang, glossary, threshold, list(titles))
        return
    if mode == "Beads":
        st.subheader("Beads: " + md_escape(titles[doc_id]))
        _bead_view(doc_id, lang, glossary, threshold, low_only, size)
        return
    view = _load_view()
    st.fragment(_head, key="rv_head")()
    show_flashes()
    if view.shown.is_empty():
        st.info("No segment matches the filters.")
        return

    _focus(view.shown, size)
    with st.container(horizontal=True, vertical_alignment="center", key="rv_pager"):
        page = _page_input(len(view.shown), size, "page", on_change=_on_page)
        rows, _ = queries.page_of(view.shown, page, size)
        ss.rv_page_segs = rows["segment_id"].to_list()
        ss.rv_info = {}
        st.fragment(_count, key="rv_count")()
        _shortcut_help()
    for seg in ss.rv_page_segs:  # each row a fragment: a change draws again only its own
        st.fragment(_row, key=f"rv_row_{seg}")(seg)
    st.fragment(_keys, key="rv_kb")()


def _head() -> None:
    """Title and progress of the document (a fragment, drawn again after each change)."""
    _full_if_asked()
    view = ss.rv_view
    counts = queries.status_counts(view.pairs)
    done = len(view.pairs) - counts["todo"]
    with st.container(horizontal=True, key="rv_header", vertical_alignment="center"):
        st.title("Review", width="content")
        st.progress(done / len(view.pairs) if len(view.pairs) else 0.0,
                    text=f"{done} of {len(view.pairs)} reviewed · " +
                    ", ".join(f"{n} {STATUS_LABEL[s]}" for s, n in counts.items() if n))


def _count() -> None:
    """Where this page is in the filtered list (a fragment: rows that left it are not
    counted)."""
    _full_if_asked()
    view = ss.rv_view
    position = {s: i for i, s in enumerate(view.shown["segment_id"].to_list(), 1)}
    here = [position[s] for s in ss.rv_page_segs if s in position]
    where = f"showing {here[0]}–{here[-1]} of {len(position)}" if here else "none left here"
    st.caption(f"of {-(-len(position) // view.size)} pages · {where} · "
               "Ctrl+Enter: approve and next · Alt+↑/↓: move")


def _row(seg: int) -> None:
    """Segment ``seg`` of the page as the document reads now (a fragment); nothing when it
    has left the filtered list (e.g. approved while the filter is "to do")."""
    _full_if_asked()
    view = ss.rv_view
    found = view.shown.filter(pl.col("segment_id") == seg)
    if found.is_empty():
        ss.rv_info.pop(seg, None)
        return
    ss.rv_info[seg] = _segment(found.row(0, named=True), view.lang, view.glossary,
                               view.threshold, focused=seg == ss.get("rv_seg"))


def _keys() -> None:
    """The keyboard script with what it needs of the rows drawn (a fragment, drawn after
    them each time, so versions and the focus are the new ones)."""
    _full_if_asked()
    segs = {s: ss.rv_info[s] for s in ss.rv_page_segs if s in ss.rv_info}
    focus = ss.get("rv_seg")
    review_keys({"focus": focus if focus in segs else None, "n": ss.rv_moves,
                 "lang": ss.rv_view.lang, "segs": segs,
                 "project": hashlib.sha1(str(project_root()).encode()).hexdigest()[:10]},
                _on_key)

main()
