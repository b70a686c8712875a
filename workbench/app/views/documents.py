"""Documents: what is in the project, how far it is, and getting more in.

Lists current documents with language, segment count and translation and
review progress bars; uploads or server-side paths are ingested with the
same code as ``workbench ingest``; selected documents can be translated or
aligned with a progress indicator.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

from workbench.app import queries
from workbench.app.common import (db, load_glossary, long_work, open_or_stop, page_input,
                                  reviewer, show_error, target_lang_select)
from workbench.app.login import assign_section, visible, with_assignees
from workbench.app.text import md_escape
from workbench.engines import ENGINE_CHOICES
from workbench.errors import WorkbenchError

ss = st.session_state


def _show_results(results) -> None:
    rows = [{"file": r.path.name, "status": r.status, "segments": r.segments,
             "message": r.message} for r in results]
    st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch")
    added = sum(r.status in ("added", "new-version") for r in results)
    refused = sum(r.status == "refused" for r in results)
    (st.warning if refused else st.success)(f"{added} added, {refused} refused, "
                                            f"{len(results) - added - refused} other")


def _ingest_section(docs: pl.DataFrame) -> None:
    from workbench.ingest import ingest_paths
    from workbench.ingest.uploads import ingest_uploads

    with st.expander("Add documents", expanded=False):
        uploads = st.file_uploader("Upload articles (.txt, .md, .html)", accept_multiple_files=True,
                                   key="doc_upload")
        lang = st.text_input("Language (empty: detect)", key="doc_lang", max_chars=2)
        choices = [None, *docs["id"].to_list()] if not docs.is_empty() else [None]
        titles = dict(zip(docs["id"].to_list(), docs["title"].to_list())) if choices[1:] else {}
        version_of = st.selectbox(
            "Ingest as", choices, key="doc_version_of",
            format_func=lambda d: "new documents" if d is None
            else f"a new version of #{d} {titles.get(d, '')[:50]}",
            help="Uploads are new documents, even when their file names match others; pick a "
                 "document to replace it with one uploaded file (its reviews stay with the old "
                 "version)")
        if st.button("Ingest uploads", disabled=not uploads, key="doc_ingest_up"):
            with long_work() as project:
                try:
                    results = ingest_uploads(project, [(up.name, up.getvalue()) for up in uploads],
                                             lang=lang or None, as_version_of=version_of)
                except WorkbenchError as exc:
                    show_error(exc)
                else:
                    _show_results(results)
        path = st.text_input("…or a file or folder on this machine", key="doc_path")
        if st.button("Ingest path", disabled=not path.strip(), key="doc_ingest_path"):
            with long_work() as project:
                _show_results(ingest_paths(project, [Path(path.strip()).expanduser()],
                                           lang=lang or None))


def _translate(doc_ids: list[int], target: str, engine: str) -> None:
    from workbench.glossary.protect import TermProtector
    from workbench.translate import translate_project

    glossary, _ = load_glossary()
    protector = TermProtector(glossary, mode="auto") if glossary is not None else None
    bar = st.progress(0.0, text="starting…")

    def progress(done: int, total: int, tgt: str) -> None:
        bar.progress(done / total if total else 1.0, text=f"{tgt}: {done} of {total} segments")

    with long_work() as project:
        try:
            report = translate_project(project, [target], engine, glossary=protector,
                                       document_ids=doc_ids, progress=progress)
        except WorkbenchError as exc:
            show_error(exc)
            return
    bar.progress(1.0, text="done")
    for note in report.skipped:
        st.info(md_escape(note))
    for c in report.pairs:
        st.success(md_escape(f"{c.src}→{c.tgt}: {c.translated} translated ({c.engine}), "
                             f"{c.from_memory} from memory, {c.up_to_date} already translated"))


def _normalise(doc_ids: list[int], target: str, include_approved: bool) -> None:
    from workbench.glossary.project import UNREVIEWED, normalise_project

    glossary, note = load_glossary()
    if glossary is None:
        st.warning(md_escape(f"No glossary to normalise with ({note})."))
        return
    statuses = (*UNREVIEWED, "approved") if include_approved else UNREVIEWED
    try:
        with st.spinner("normalising…"), long_work() as project:
            done = normalise_project(project, glossary, target, statuses=statuses,
                                     document_ids=doc_ids, author=reviewer())
    except WorkbenchError as exc:  # e.g. a document given to another reviewer meanwhile
        show_error(exc)
        return
    st.success(f"{done.changed} of {done.checked} final translations normalised"
               + (f"; {done.conflicts} edited meanwhile, left alone" if done.conflicts else ""))


def _align(doc_ids: list[int], src: str, tgt: str) -> None:
    try:
        from workbench.align.project import align_project, pair_documents
    except ImportError:
        st.warning("Alignment is not available in this build.")
        return
    with long_work() as project:
        pairs = [p for p in pair_documents(project.documents().to_dicts(), src, tgt)
                 if p[0] in doc_ids]
        if not pairs:
            st.warning(md_escape(f"No {tgt} counterpart found for the selected {src} documents "
                                 "(translations are paired by file name, e.g. a.fr.txt / "
                                 "a.en.txt)."))
            return
        bar = st.progress(0.0, text="aligning…")
        done = []

        def on_pair(result) -> None:
            done.append(result)
            bar.progress(len(done) / len(pairs), text=f"{len(done)} of {len(pairs)} pairs")

        try:
            align_project(project, src_lang=src, tgt_lang=tgt, pairs=pairs, on_pair=on_pair)
        except WorkbenchError as exc:
            show_error(exc)
            return
    st.success(f"aligned {len(pairs)} document pair(s)")


def main() -> None:
    st.title("Documents")
    open_or_stop()
    with db() as project:
        langs = queries.target_langs(project)
    target = target_lang_select(langs or ["en"], "doc_target",
                                "Progress for target language")
    with db() as project:
        docs = visible(queries.document_progress(project, target))
    docs = with_assignees(docs)
    _ingest_section(docs)
    if docs.is_empty():
        st.info("No documents yet: upload articles above or run `workbench ingest`.")
        return
    shown, table_key = docs, "doc_table"
    if len(docs) > queries.DOCUMENTS_LISTED:  # an archive: the table a page at a time
        size = queries.DOCUMENTS_LISTED
        page = page_input(len(docs), size, "doc_page", "Documents page")
        shown, _ = queries.page_of(docs, page, size)
        table_key = f"doc_table_{page}"  # a selection belongs to its page
    table = shown.select("id", "title", "lang", "segments", "translatable",
                        "translated_share", "reviewed_share", "approved", "version",
                        "author", "ingested_at",
                        *(["assigned"] if "assigned" in docs.columns else []))
    event = st.dataframe(
        table, hide_index=True, width="stretch", key=table_key,
        on_select="rerun", selection_mode="multi-row",
        column_config={
            "id": st.column_config.NumberColumn("id", width="small"),
            "title": st.column_config.TextColumn("Title", width="large"),
            "translated_share": st.column_config.ProgressColumn(
                f"Translated ({target})", min_value=0.0, max_value=1.0, format="percent"),
            "reviewed_share": st.column_config.ProgressColumn(
                "Reviewed", min_value=0.0, max_value=1.0, format="percent"),
            "version": st.column_config.NumberColumn("Version", width="small"),
            "author": st.column_config.TextColumn(
                "Version by", help="Who ingested this version: the account, or the OS user "
                                   "for command-line work"),
            "ingested_at": st.column_config.TextColumn("Ingested"),
        },
    )
    rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
    ids = shown["id"].to_list()
    selected = [ids[i] for i in rows] or []
    st.caption(f"{len(docs)} documents, {int(docs['segments'].sum())} segments · "
               + (f"selected: {', '.join(map(str, selected))}" if selected
                  else "select rows to act on them"))
    st.subheader("Run on the selection")
    c1, c2, c3 = st.columns(3)
    with c1:
        to = st.text_input("Translate into", value=target, key="doc_to", max_chars=2)
        engine = st.selectbox("Engine", list(ENGINE_CHOICES), key="doc_engine")
        if st.button("Translate", disabled=not selected, key="doc_translate",
                     help="Machine-translates the selected documents' segments that have no "
                          "translation into this language yet"):
            _translate(selected, to.strip().lower(), engine)
    with c2:
        src = docs.filter(pl.col("id").is_in(selected))["lang"].to_list()[:1] or ["fr"]
        tgt = st.text_input("Align with the translation in", value=target, key="doc_align_to",
                            max_chars=2)
        if st.button("Align", disabled=not selected, key="doc_align"):
            _align(selected, src[0], tgt.strip().lower())
    with c3:
        approved = st.checkbox("Include approved translations", key="doc_norm_approved")
        if st.button("Normalise names", disabled=not selected, key="doc_normalise",
                     help="Apply the project glossary to the final translations "
                          f"({target}) of the selected documents"):
            _normalise(selected, target, approved)
    assign_section(docs, selected)
    if selected:
        # The document travels in the address: the Review page's picker is bound to it.
        st.page_link("views/review.py", label="Review the first selected document",
                     icon=":material/edit_note:", query_params={"doc": str(selected[0])})


main()
