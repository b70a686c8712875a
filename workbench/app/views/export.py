"""Export: choose the direction (target language), documents, statuses, minimum confidence
and format; preview the first units; write the file into the project's ``exports`` folder
and download it. One direction at a time: the documents offered are those translated into
the chosen language, and the report says how many units of other directions were left out.

With XLIFF 1.2, the targets can instead go back into the original files of documents
imported from a CAT tool (``export_originals``), into the folder ``exports/<name>``.

The output name is reduced to a plain file name, so whatever is typed the
file stays inside ``<project>/exports`` (no folders, no ``..``).
"""

from __future__ import annotations

import re

import streamlit as st

from workbench.app import queries
from workbench.app.common import db, open_or_stop, project_root, show_error, target_lang_select
from workbench.app.text import md_escape
from workbench.errors import WorkbenchError
from workbench.store import REVIEW_STATUSES
from workbench.store.directions import documents_into

STATUSES = list(REVIEW_STATUSES)
#: Units shown in the preview (the total is counted by the store).
PREVIEW_ROWS = 20


def safe_stem(name: str) -> str:
    """A file name stem with no path parts or odd characters (``export`` when nothing is left)."""
    stem = re.sub(r"[^\w\-]+", "_", name.replace("\\", "/").split("/")[-1]).strip("._")
    return stem[:100] or "export"


def main() -> None:
    st.title("Export")
    open_or_stop()
    try:
        from workbench.io import FORMATS
        from workbench.io.project import export_project
    except ImportError:
        st.warning("Export is not available in this build.")
        return
    with db() as project:
        langs = queries.target_langs(project)
        docs = project.documents()
    if not langs or docs.is_empty():
        st.info("Nothing to export yet: translate documents first.")
        return
    c1, c2 = st.columns(2)
    with c1:
        lang = target_lang_select(langs, "ex_lang")
        with db() as project:  # one direction at a time: the documents translated into lang
            into = set(documents_into(project, lang))
        titles = {i: t for i, t in zip(docs["id"].to_list(), docs["title"].to_list())
                  if i in into}
        if any(i not in titles for i in st.session_state.get("ex_docs", [])):
            st.session_state["ex_docs"] = [i for i in st.session_state["ex_docs"] if i in titles]
        doc_ids = st.multiselect("Documents", list(titles), key="ex_docs",
                                 format_func=lambda i: f"{i} · {titles[i]}",
                                 placeholder="all documents")
        statuses = st.multiselect("Statuses", STATUSES, default=["approved"], key="ex_status",
                                  placeholder="any status")
    with c2:
        use_conf = st.checkbox("Only aligned segments with confidence at least", key="ex_use_conf")
        min_conf = st.slider("Minimum confidence", 0.0, 1.0, 0.5, 0.05, key="ex_conf",
                             disabled=not use_conf, label_visibility="collapsed")
        fmt = st.selectbox("Format", list(FORMATS), key="ex_fmt",
                           format_func=lambda f: f"{f} — {FORMATS[f].description}")
        safe = st.checkbox("Spreadsheet-safe (neutralise cells starting with = + - @)",
                           key="ex_safe", disabled=fmt not in ("tsv", "csv"))
        original = st.checkbox(
            "Into the original files: the reviewed targets and statuses written back into "
            "the XLIFF 1.2 files the documents were imported from (Trados, memoQ, Okapi, "
            "Weblate), for the CAT tool to take back", key="ex_original",
            disabled=fmt != "xliff12") and fmt == "xliff12"
        stem = st.text_input("File name", value="export", key="ex_name")

    with db() as project:
        total, preview = queries.export_preview(
            project, lang, document_ids=doc_ids or None, statuses=statuses or None,
            min_confidence=min_conf if use_conf else None, limit=PREVIEW_ROWS)
    st.caption(f"{total} segment(s) match; the first {PREVIEW_ROWS}:")
    st.dataframe(preview.select("document_id", "idx", "source", "target", "status",
                                "confidence"), hide_index=True, width="stretch")

    exts = FORMATS[fmt].extensions
    out = project_root() / "exports" / f"{safe_stem(stem)}{exts[0] if exts else ''}"
    if original:  # a folder: each original under its own name
        out = project_root() / "exports" / safe_stem(stem)
        st.caption("Writes the original files into " + md_escape(str(out)) + " (statuses and "
                   "confidence filters do not apply)")
    else:
        st.caption("Writes " + md_escape(str(out) if exts else f"{out}.<lang> (one file per language)"))
    if st.button("Export", type="primary", key="ex_run", disabled=not total and not original):
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            with db() as project:
                if original:
                    from workbench.io.project import export_originals

                    out.mkdir(exist_ok=True)
                    report = export_originals(project, out, documents=doc_ids or None)
                else:
                    report = export_project(project, fmt, out, targets=[lang],
                                            statuses=statuses or None,
                                            min_confidence=min_conf if use_conf else None,
                                            documents=doc_ids or None, spreadsheet_safe=safe)
        except WorkbenchError as exc:
            show_error(exc)
            return
        st.session_state.ex_files = [str(p) for p in report.files]
        for line in report.lines():
            st.success(md_escape(line))
    from pathlib import Path

    for name in st.session_state.get("ex_files", []):
        path = Path(name)
        if path.is_file():  # read when clicked, not held on every rerun of the page
            st.download_button(f"Download {path.name}", path.read_bytes, file_name=path.name,
                               mime="application/octet-stream", key=f"ex_dl_{path.name}")


main()
