"""Quality dashboard: review progress and post-edit effort per document and overall.

Post-edit effort compares the machine translation with the final text of the
reviewed segments (sacrebleu TER: share of words edited, lower means less
work; chrF: character n-gram similarity, higher means closer). Term
accuracy uses the project glossary when there is one; the alignment
confidence distribution shows how much of the project needs a second look.
"""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from workbench.app import queries
from workbench.app.common import (db, load_glossary, open_or_stop, page_input,
                                  target_lang_select)
from workbench.app.team import reviewer_quality
from workbench.app.text import md_escape
from workbench.errors import WorkbenchError


def main() -> None:
    st.title("Quality")
    open_or_stop()
    with db() as project:
        langs = queries.target_langs(project)
    if not langs:
        st.info("No translations yet.")
        return
    lang = target_lang_select(langs, "q_lang")
    with db() as project:
        summary = queries.review_summary(project, lang)
    if summary.is_empty():
        st.info("No review units for this language.")
        return
    shown = summary
    if len(summary) > queries.DOCUMENTS_PER_PAGE:  # an archive: the effort of one page of documents
        size = queries.DOCUMENTS_PER_PAGE
        page = page_input(len(summary), size, "q_page", "Documents page")
        shown, _ = queries.page_of(summary, page, size)
        first = (page - 1) * size + 1
        st.caption(f"Post-edit effort, term accuracy and confidence of documents {first}–"
                   f"{first + len(shown) - 1} of {len(summary)}; the counts are the project's")
    with db() as project:
        pairs = project.pairs(lang, document_ids=shown["document_id"].to_list())
        per_doc = queries.quality(project, lang, summary=shown, pairs=pairs)
    done = pairs.filter(pl.col("status") != "todo")
    ter, chrf = queries.post_edit_effort(done["mt"].to_list(), done["target"].to_list())
    cols = st.columns(4)
    cols[0].metric("Segments reviewed", f"{int(summary['reviewed'].sum())} / "
                                        f"{int(summary['units'].sum())}")
    cols[1].metric("Edited by reviewers", int(summary["edited"].sum()))
    cols[2].metric("Post-edit TER", "—" if ter is None else f"{ter:.1f}",
                   help="sacrebleu TER of the MT against the final text, reviewed segments")
    cols[3].metric("chrF (MT vs final)", "—" if chrf is None else f"{chrf:.1f}")

    glossary, note = load_glossary()
    term_acc: dict[int, float | None] = {}
    if glossary is not None and not pairs.is_empty():
        try:
            term_acc, overall, mentions = queries.term_accuracy_by_document(pairs, glossary, lang)
        except (ImportError, WorkbenchError) as exc:
            st.caption(md_escape(f"Term accuracy not available: {exc}"))
        else:
            st.metric("Term accuracy (final text)", "—" if overall is None else f"{overall:.1%}",
                      help=f"{mentions} glossary mentions in the source; {note}")
    else:
        st.caption(md_escape(f"Term accuracy: {note}"))
    per_doc = per_doc.with_columns(pl.Series(
        "term_accuracy", [term_acc.get(i) for i in per_doc["document_id"].to_list()],
        dtype=pl.Float64))

    st.subheader("Per document")
    chart = per_doc.with_columns(
        pl.col("document").str.slice(0, 40).alias("doc"),
        (pl.col("reviewed") / pl.col("units")).alias("reviewed share"),
    )
    left, middle, right = st.columns(3)
    with left:
        _bars(chart, "reviewed share", "Reviewed share", ".0%", "", domain=(0, 1))
    with middle:
        _bars(chart, "ter", "Post-edit TER (lower: less editing)", ".0f",
              "No reviewed segment yet.")
    with right:
        _bars(chart, "term_accuracy", "Term accuracy of the final text", ".0%",
              "No glossary mention in these documents.", domain=(0, 1))
    st.dataframe(per_doc, hide_index=True, width="stretch", column_config={
        "ter": st.column_config.NumberColumn("TER", format="%.1f"),
        "chrf": st.column_config.NumberColumn("chrF", format="%.1f"),
        "mean_confidence": st.column_config.NumberColumn("Mean confidence", format="%.2f"),
        "term_accuracy": st.column_config.NumberColumn("Term accuracy", format="percent"),
    })

    st.subheader("Alignment confidence")
    conf = pairs.select("confidence").drop_nulls()
    if conf.is_empty():
        st.caption("No document is aligned yet.")
    else:
        hist = alt.Chart(conf.to_pandas()).mark_bar().encode(
            alt.X("confidence:Q", bin=alt.Bin(maxbins=20), title="bead confidence"),
            alt.Y("count():Q", title="segments"),
        )
        st.altair_chart(hist, width="stretch")
        low = int((conf["confidence"] < queries.LOW_CONFIDENCE).sum())
        st.caption(f"{low} of {len(conf)} aligned segments below {queries.LOW_CONFIDENCE}")

    with db() as project:
        people = reviewer_quality(project, lang)
    if not people.is_empty():
        st.subheader("Per reviewer")
        st.dataframe(people, hide_index=True, width="stretch", column_config={
            "per_hour": st.column_config.NumberColumn("Edits per hour", format="%.0f"),
            "ter": st.column_config.NumberColumn("TER of their final texts", format="%.1f"),
            "chrf": st.column_config.NumberColumn("chrF", format="%.1f"),
        })


def _bars(frame: pl.DataFrame, value: str, title: str, fmt: str, empty: str,
          domain: tuple[float, float] | None = None) -> None:
    """One horizontal bar per document, or a line saying why there is none."""
    st.caption(title)
    data = frame.select("doc", value).drop_nulls()
    if data.is_empty():
        st.caption(empty)
        return
    scale = alt.Scale(domain=list(domain)) if domain else alt.Undefined
    chart = alt.Chart(data.to_pandas()).mark_bar().encode(
        alt.X(f"{value}:Q", title=None, axis=alt.Axis(format=fmt), scale=scale),
        alt.Y("doc:N", title=None, sort=None),
        tooltip=["doc", alt.Tooltip(f"{value}:Q", format=fmt)],
    )
    st.altair_chart(chart, width="stretch")


main()
