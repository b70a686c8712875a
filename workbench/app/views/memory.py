"""Memory: what the translation memory holds and how much of the project it covers.

The leverage report is the analysis CAT tools make before a job: per document
and in total, the words (or segments) whose best memory match falls in each band
(context, 100%, 95-99% ... 50-74%, no match) and the repetitions (a source text
already counted earlier). It is :func:`workbench.memory.project.analyse`, the same
as ``workbench tm analyse``; it runs when asked (a large project takes a while)
and stays on the page until the language or documents change.
"""

from __future__ import annotations

import streamlit as st

from workbench.app import queries
from workbench.app.common import db, long_work, open_or_stop, show_error, target_lang_select
from workbench.errors import WorkbenchError
from workbench.memory.project import analyse, memory_stats

ss = st.session_state
UNITS = {"words": "Words", "segments": "Segments"}


def _analyse(lang: str, doc_ids: tuple[int, ...]) -> None:
    try:
        with long_work() as project:  # a large project takes a while: not under the shared lock
            ss.tm_report = ((lang, doc_ids), analyse(project, lang, document_ids=doc_ids or None))
    except WorkbenchError as exc:
        ss.tm_report = ((lang, doc_ids), exc)


def _report(lang: str, doc_ids: tuple[int, ...]) -> None:
    st.subheader("Leverage")
    unit = st.radio("Count", list(UNITS), format_func=UNITS.get, key="tm_unit", horizontal=True)
    st.button("Analyse", key="tm_analyse", icon=":material/analytics:", type="primary",
              on_click=_analyse, args=(lang, doc_ids),
              help="Look up every segment's best memory match (workbench tm analyse)")
    key, result = ss.get("tm_report", (None, None))
    if key != (lang, doc_ids):
        st.caption("Analyse to see how many words the memory already covers.")
        return
    if isinstance(result, WorkbenchError):
        show_error(result)
        return
    table = queries.leverage_table(result, unit)
    st.dataframe(table, hide_index=True, width="stretch")
    total = result[-1]
    reused = sum(total.words[b] for b in ("context", "100%", "repetitions"))
    st.caption(f"{reused} of {total.total_words} words are context or 100% matches or "
               "repetitions; a repetition counts once, at its first occurrence, in its band.")


def main() -> None:
    st.title("Memory")
    open_or_stop()
    with db() as project:
        langs = queries.target_langs(project)
        docs = queries.document_progress(project, langs[0] if langs else None)
        units = memory_stats(project)
    st.subheader("Contents")
    if units.is_empty():
        st.caption("The memory is empty: approve segments on the Review page, or run "
                   "`workbench tm import FILE` or `workbench tm align`.")
    else:
        st.dataframe(units, hide_index=True, width="stretch")
    if not langs or docs.is_empty():
        st.info("No documents to analyse yet: ingest and translate on the Documents page.")
        return
    lang = target_lang_select(langs, "tm_lang")
    titles = {r["id"]: f"{r['id']} · {r['title']}" for r in docs.iter_rows(named=True)}
    chosen = st.multiselect("Documents", list(titles), format_func=titles.get, key="tm_docs",
                            placeholder="all documents")
    _report(lang, tuple(sorted(chosen)))


main()
