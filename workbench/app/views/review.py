"""Review: source, machine translation and the editable final text side by side.

Every change is saved to SQLite when the text area loses focus (or on
Ctrl+Enter) or a status button is pressed, with the version the page showed:
if another tab or person saved the segment since, nothing is overwritten;
the page shows both texts and the reviewer chooses. Undo restores the text
and status from before the last change of a segment.

The "Beads" view shows the stored alignment of the document (source
sentences beside the target sentences they were paired with) and lets the
reviewer merge two neighbouring beads or split one where the aligner got a
boundary wrong (:mod:`workbench.app.beads`, with the same kind of version
check: a change made elsewhere meanwhile is reported, not overwritten).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from workbench.app import beads, queries
from workbench.app.common import (AUTHOR, db, flash, load_glossary, open_or_stop, show_flashes,
                                  target_lang_select)
from workbench.app.text import highlight, md_escape
from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.store import Project

STATUS_LABEL = {"todo": "to do", "approved": "approved", "rejected": "rejected",
                "flagged": "flagged"}
STATUS_BADGE = {"todo": ":gray-badge[to do]", "approved": ":green-badge[:material/check: approved]",
                "rejected": ":red-badge[:material/close: rejected]",
                "flagged": ":orange-badge[:material/flag: flagged]"}
PAGE_SIZES = (10, 20, 50)

ss = st.session_state
ss.setdefault("rv_known", {})      # segment id -> (version, text, status) this session last saw
ss.setdefault("rv_conflicts", {})  # segment id -> {"mine": text, "status": ..., "theirs": ...}
ss.setdefault("rv_cursor", 0)


def _text_key(seg: int, version: int) -> str:
    return f"rv_text_{seg}_{version}"


def _save(seg: int, lang: str, *, text: str | None, status: str | None) -> bool:
    """Save text and/or status against the version this session last saw; True when saved."""
    version, old_text, old_status = ss.rv_known.get(seg, (None, None, None))
    if (text is None or text == old_text) and (status is None or status == old_status):
        return True  # nothing changed (e.g. the blur after an approve that saved the text)
    try:
        with db() as project:
            new_version = project.save_review(seg, lang, text=text, status=status,
                                              expected_version=version, author=AUTHOR)
    except ConflictError:
        with db() as project:
            row = project.review(seg, lang)
        ss.rv_conflicts[seg] = {
            "mine": text if text is not None else old_text, "status": status or old_status,
            "theirs": row["text"], "their_status": row["status"], "version": row["version"],
        }
        return False
    except WorkbenchError as exc:
        flash(str(exc), "error")
        return False
    ss.rv_known[seg] = (new_version, old_text if text is None else text,
                        old_status if status is None else status)
    ss.rv_conflicts.pop(seg, None)
    return True


def _on_text(seg: int, lang: str, key: str) -> None:
    _save(seg, lang, text=ss[key], status=None)


def _on_status(seg: int, lang: str, key: str, status: str, advance: bool = False) -> None:
    if _save(seg, lang, text=ss.get(key), status=status) and advance:
        ss.rv_cursor += 1


def _undo(seg: int, lang: str) -> None:
    version = ss.rv_known.get(seg, (None,))[0]
    try:
        with db() as project:
            current = project.review(seg, lang)
            if current is not None and version is not None and current["version"] != version:
                flash(f"segment {seg} was changed elsewhere since this page showed it; "
                      "look at the new text before undoing", "warning")
                return
            project.undo_last_edit(seg, lang, author=AUTHOR)
    except NotFoundError:
        flash("nothing to undo for this segment", "info")
    except WorkbenchError as exc:
        flash(str(exc), "error")
    else:
        flash(f"segment {seg}: last change undone", "info")


def _resolve(seg: int, lang: str, keep_mine: bool) -> None:
    conflict = ss.rv_conflicts.pop(seg)
    if not keep_mine:
        return
    try:
        with db() as project:
            project.save_review(seg, lang, text=conflict["mine"], status=conflict["status"],
                                expected_version=conflict["version"], author=AUTHOR)
    except ConflictError:
        flash(f"segment {seg} changed again meanwhile; compare once more", "warning")
    except WorkbenchError as exc:
        flash(str(exc), "error")


def _conflict_box(seg: int, lang: str) -> None:
    c = ss.rv_conflicts[seg]
    with st.container(border=True):
        st.warning(f"Segment {seg} was saved elsewhere (another tab or person) after this page "
                   "loaded it. Your change was **not** saved. Choose which text to keep.")
        left, right = st.columns(2)
        with left:
            st.caption(f"Saved elsewhere ({c['their_status']})")
            st.markdown(md_escape(c["theirs"]))
            st.button("Keep theirs", key=f"rv_theirs_{seg}", on_click=_resolve,
                      args=(seg, lang, False))
        with right:
            st.caption(f"Yours ({c['status']})")
            st.markdown(md_escape(c["mine"] or ""))
            st.button("Overwrite with mine", key=f"rv_mine_{seg}", on_click=_resolve,
                      args=(seg, lang, True), type="primary")


def _segment(row: dict, lang: str, glossary, threshold: float, *, focus: bool) -> None:
    seg, version = row["segment_id"], row["version"]
    ss.rv_known[seg] = (version, row["target"], row["status"])
    key = _text_key(seg, version)
    conf = row["confidence"]
    low = conf is not None and conf < threshold
    with st.container(border=True, key=f"rv_seg_{seg}"):
        badge = (f":red-background[:material/warning: low confidence {conf:.2f}]" if low
                 else f"confidence {conf:.2f}" if conf is not None else "not aligned")
        st.markdown(f"**#{row['idx'] + 1}** · {STATUS_BADGE[row['status']]} · {badge}"
                    f" · v{version}")
        src_spans = tgt_spans = mt_spans = ()
        issues = []
        if glossary is not None:
            src_spans = [(m.start, m.end) for m in glossary.find(row["source"], lang)]
            tgt_spans = [(m.start, m.end) for m in glossary.find(row["target"], lang)]
            mt_spans = [(m.start, m.end) for m in glossary.find(row["mt"] or "", lang)]
            from workbench.glossary.check import check_pair
            issues = check_pair(glossary, row["source"], row["target"], "", lang)
        c_src, c_mt, c_final = st.columns([1, 1, 1.2])
        with c_src:
            st.caption("Source")
            st.markdown(highlight(row["source"], src_spans))
        with c_mt:
            st.caption(md_escape(f"Machine translation ({row['engine'] or '—'})"))
            st.markdown(highlight(row["mt"], mt_spans) if row["mt"] else "—")
        with c_final:
            st.text_area("Final translation", value=row["target"], key=key,
                         on_change=_on_text, args=(seg, lang, key),
                         height=110 if focus else 90, label_visibility="collapsed")
            if tgt_spans:
                st.caption("Terms: " + highlight(row["target"], tgt_spans))
        for issue in issues:
            what = (f"missing “{issue.expected}”" if issue.kind == "missing"
                    else f"“{issue.found}” should be “{issue.expected}”")
            st.caption(":material/menu_book: " + md_escape(f"glossary: {issue.concept}: {what}"))
        if seg in ss.rv_conflicts:
            _conflict_box(seg, lang)
        buttons = st.container(horizontal=True)
        buttons.button("Approve & next" if focus else "Approve", key=f"rv_ok_{seg}",
                       icon=":material/check:", type="primary", on_click=_on_status,
                       args=(seg, lang, key, "approved", focus),
                       shortcut="Ctrl+Enter" if focus else None)
        buttons.button("Flag", key=f"rv_flag_{seg}", icon=":material/flag:", on_click=_on_status,
                       args=(seg, lang, key, "flagged", focus))
        buttons.button("Reject", key=f"rv_no_{seg}", icon=":material/close:", on_click=_on_status,
                       args=(seg, lang, key, "rejected", focus))
        buttons.button("To do", key=f"rv_todo_{seg}", on_click=_on_status,
                       args=(seg, lang, key, "todo", False))
        buttons.button("Undo", key=f"rv_undo_{seg}", icon=":material/undo:", on_click=_undo, args=(seg, lang),
                       help="Restore the text and status from before the last change")


def _bead_change(change: Callable[[Project], str]) -> None:
    """Run a merge, split or undo of beads and say how it went: a page gone stale is a
    warning, a refused change an error, a done one the message ``change`` returns."""
    try:
        with db() as project:
            message = change(project)
    except ConflictError as exc:
        flash(str(exc), "warning")
    except WorkbenchError as exc:
        flash(str(exc), "error")
    else:
        flash(message, "info")


def _merge(aid: int, first: beads.BeadView, second: beads.BeadView) -> None:
    def change(project: Project) -> str:
        beads.merge(project, aid, first, second, author=AUTHOR)
        return f"beads {first.idx + 1} and {second.idx + 1} merged"
    _bead_change(change)


def _split(aid: int, bead: beads.BeadView, src_key: str, tgt_key: str) -> None:
    def change(project: Project) -> str:
        one, two = beads.split(project, aid, bead, int(ss[src_key]), int(ss[tgt_key]),
                               author=AUTHOR)
        return f"bead {bead.idx + 1} split into {one.shape} and {two.shape}"
    _bead_change(change)


def _undo_beads(aid: int) -> None:
    def change(project: Project) -> str:
        undone = beads.undo(project, aid, author=AUTHOR)
        return f"{undone['op']} of bead {undone['first'] + 1} undone"
    _bead_change(change)


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
    st.button("Undo last merge or split", key="rv_bead_undo", icon=":material/undo:",
              disabled=change is None, on_click=_undo_beads, args=(aid,),
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


def _page_input(n: int, size: int, key: str) -> int:
    """A page number input for ``n`` items, kept in range when filters shrink the list."""
    page_count = max(1, -(-n // size))
    if ss.get(key, 1) > page_count:
        ss[key] = page_count
    return int(st.columns([1, 4])[0].number_input(f"Page (of {page_count})", 1, page_count,
                                                  key=key, step=1))


def _move(delta: int) -> None:
    ss.rv_cursor = max(0, ss.rv_cursor + delta)


def main() -> None:
    st.title("Review")
    open_or_stop()
    show_flashes()
    with db() as project:
        langs = queries.target_langs(project)
        docs = queries.document_progress(project, langs[0] if langs else None)
    if not langs or docs.is_empty():
        st.info("Nothing to review yet: ingest and translate documents on the Documents page.")
        return

    titles = {r["id"]: f"{r['id']} · {r['title']}" for r in docs.iter_rows(named=True)}
    with st.sidebar:
        doc_id = st.selectbox("Document", list(titles), format_func=titles.get, key="rv_doc")
        lang = target_lang_select(langs, "rv_lang")
        statuses = st.multiselect("Status", list(STATUS_LABEL), format_func=STATUS_LABEL.get,
                                  key="rv_status", placeholder="all statuses")
        low_only = st.toggle("Low confidence only", key="rv_low")
        threshold = st.slider("Low confidence below", 0.0, 1.0, queries.LOW_CONFIDENCE, 0.05,
                              key="rv_threshold")
        search = st.text_input("Search text", key="rv_search")
        glossary, glossary_msg = load_glossary()
        warn_only = st.toggle("Glossary warnings only", key="rv_gloss",
                              disabled=glossary is None, help=glossary_msg)
        focus = st.toggle("One segment at a time", key="rv_focus",
                          help="Ctrl+Enter approves and moves to the next segment")
        size = st.selectbox("Per page", PAGE_SIZES, index=1, key="rv_size")
        view = st.radio("View", ["Segments", "Beads"], key="rv_view", horizontal=True,
                        help="Beads: the stored alignment, to merge or split beads")

    if view == "Beads":
        _bead_view(doc_id, lang, glossary, threshold, low_only, size)
        return
    with db() as project:
        pairs = queries.document_pairs(project, doc_id, lang)
    flagged: frozenset[int] = frozenset()
    if warn_only and glossary is not None:
        from workbench.glossary.check import check_pair
        flagged = frozenset(r["segment_id"] for r in pairs.iter_rows(named=True)
                            if check_pair(glossary, r["source"], r["target"], "", lang))
    flt = queries.ReviewFilter(tuple(statuses), low_only, threshold, search, flagged, warn_only)
    shown = queries.filter_pairs(pairs, flt)

    counts = queries.status_counts(pairs)
    done = len(pairs) - counts["todo"]
    st.progress(done / len(pairs) if len(pairs) else 0.0,
                text=f"{done} of {len(pairs)} reviewed · " +
                ", ".join(f"{n} {s}" for s, n in counts.items() if n))
    if shown.is_empty():
        st.info("No segment matches the filters.")
        return

    if focus:
        ss.rv_cursor = min(ss.rv_cursor, len(shown) - 1)
        nav = st.container(horizontal=True)
        nav.button("Previous", icon=":material/arrow_upward:", on_click=_move, args=(-1,), key="rv_prev",
                   shortcut="Alt+Up")
        nav.button("Next", icon=":material/arrow_downward:", on_click=_move, args=(1,), key="rv_next",
                   shortcut="Alt+Down")
        nav.caption(f"Segment {ss.rv_cursor + 1} of {len(shown)} shown · "
                    "Ctrl+Enter: approve & next · Alt+↑/↓: move")
        _segment(shown.row(ss.rv_cursor, named=True), lang, glossary, threshold, focus=True)
        return

    page = _page_input(len(shown), size, "rv_page")
    rows, _ = queries.page_of(shown, page, size)
    st.caption(f"{len(shown)} segments match · showing "
               f"{(page - 1) * size + 1}–{(page - 1) * size + len(rows)}")
    for row in rows.iter_rows(named=True):
        _segment(row, lang, glossary, threshold, focus=False)


main()
