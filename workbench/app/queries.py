"""Read models for the app pages: plain functions over a :class:`Project`.

No Streamlit here, so the pages stay thin and these can be tested and
benchmarked directly. Queries are written for one document at a time and
paginated in memory: a 1,000-segment document is a few milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from workbench.align import DEFAULT_REVIEW_THRESHOLD
from workbench.store import REVIEW_STATUSES, Project

#: Below this alignment confidence a segment is shown as "low confidence" (the threshold
#: under which the aligner flags beads for review).
LOW_CONFIDENCE = DEFAULT_REVIEW_THRESHOLD


def target_langs(project: Project) -> list[str]:
    """Target languages that have review rows, most used first."""
    return project.review_langs()


def document_progress(project: Project, target_lang: str | None) -> pl.DataFrame:
    """Current documents with segment counts and translation/review progress (0..1).

    ``translated`` counts translatable segments with a machine translation in
    ``target_lang``; ``reviewed`` those whose review status is no longer
    ``todo``; ``approved`` those approved.
    """
    frame = project.document_progress(target_lang or "")
    if frame.is_empty():
        return frame
    denom = pl.when(pl.col("translatable") > 0).then(pl.col("translatable")).otherwise(None)
    return frame.with_columns(
        (pl.col("translated") / denom).fill_null(0.0).alias("translated_share"),
        (pl.col("reviewed") / denom).fill_null(0.0).alias("reviewed_share"),
    )


def confidences(project: Project, document_id: int, target_lang: str) -> dict[int, float]:
    """Segment id -> confidence of the newest bead holding it (alignments of this target)."""
    return {seg: conf for (seg, _), conf in
            project.bead_confidences(document_id, [target_lang]).items()}


def document_pairs(project: Project, document_id: int, target_lang: str) -> pl.DataFrame:
    """The review units of one document (same columns as ``Project.pairs``, plus
    ``codes``: the inline codes of segments imported with tags, see
    :mod:`workbench.io.inline`), fast."""
    return project.document_pairs(document_id, target_lang)


@dataclass(frozen=True)
class ReviewFilter:
    """What the Review page shows: statuses (empty: all), low confidence only, text search,
    repetitions hidden or not."""

    statuses: tuple[str, ...] = ()
    low_only: bool = False
    threshold: float = LOW_CONFIDENCE
    search: str = ""
    flagged_ids: frozenset[int] = frozenset()  # e.g. glossary warnings; used when only_ids
    only_ids: bool = False
    hide_repetitions: bool = False  # the page resolves it into hidden_ids
    hidden_ids: frozenset[int] = frozenset()  # e.g. repetitions after their first occurrence


def filter_pairs(pairs: pl.DataFrame, flt: ReviewFilter) -> pl.DataFrame:
    """Rows of ``pairs`` that pass ``flt`` (document order kept)."""
    out = pairs
    if out.is_empty():
        return out
    if flt.statuses:
        out = out.filter(pl.col("status").is_in(list(flt.statuses)))
    if flt.low_only:
        out = out.filter(pl.col("confidence").is_not_null() & (pl.col("confidence") < flt.threshold))
    if flt.search.strip():
        needle = flt.search.strip().lower()
        out = out.filter(
            pl.col("source").str.to_lowercase().str.contains(needle, literal=True)
            | pl.col("target").str.to_lowercase().str.contains(needle, literal=True)
        )
    if flt.only_ids:
        out = out.filter(pl.col("segment_id").is_in(list(flt.flagged_ids)))
    if flt.hidden_ids:
        out = out.filter(~pl.col("segment_id").is_in(list(flt.hidden_ids)))
    return out


def page_of(frame: pl.DataFrame, page: int, size: int) -> tuple[pl.DataFrame, int]:
    """Rows of 1-based ``page`` (clamped) and the number of pages (at least 1)."""
    pages = max(1, -(-len(frame) // size))
    page = min(max(1, page), pages)
    return frame.slice((page - 1) * size, size), pages


def status_counts(pairs: pl.DataFrame) -> dict[str, int]:
    """Review status -> count, every status present (zero when none)."""
    counts = {s: 0 for s in REVIEW_STATUSES}
    if not pairs.is_empty():
        for status, n in pairs.group_by("status").len().iter_rows():
            counts[status] = n
    return counts


def post_edit_effort(mt: Sequence[str], final: Sequence[str]) -> tuple[float | None, float | None]:
    """(TER, chrF) of the machine translation against the final text (sacrebleu, corpus level).

    TER here is the human-targeted edit rate: how much of the MT a reviewer
    changed (0 = untouched). ``None`` when there is nothing to compare.
    """
    pairs = [(m, f) for m, f in zip(mt, final) if m is not None and f is not None and f.strip()]
    if not pairs:
        return None, None
    from sacrebleu.metrics import CHRF, TER

    hyps = [m for m, _ in pairs]
    refs = [[f for _, f in pairs]]
    return float(TER().corpus_score(hyps, refs).score), float(CHRF().corpus_score(hyps, refs).score)


#: Documents per page where a page computes something for each document it shows
#: (Quality's post-edit effort, Review's QA list): an archive's ten thousand are paged.
DOCUMENTS_PER_PAGE = 50

#: Rows of the Documents page's table at a time (an archive lists ten thousand).
DOCUMENTS_LISTED = 500

_QUALITY_SCHEMA = {"document_id": pl.Int64, "document": pl.Utf8, "units": pl.Int64,
                   "reviewed": pl.Int64, "edited": pl.Int64}


def review_summary(project: Project, target_lang: str) -> pl.DataFrame:
    """Per current document with review units: ``document_id, document, units, reviewed,
    edited``, counted by the store (one row per document, not per segment)."""
    frame = project.review_summary(target_lang)
    if frame.is_empty():
        return pl.DataFrame(schema=_QUALITY_SCHEMA)
    return frame.cast(_QUALITY_SCHEMA)


def quality(project: Project, target_lang: str, summary: pl.DataFrame | None = None,
            pairs: pl.DataFrame | None = None) -> pl.DataFrame:
    """Per current document: units, reviewed, edited, post-edit TER and chrF, mean confidence.

    The counts come from ``summary`` (:func:`review_summary`, read when not given); TER,
    chrF and the mean confidence are computed from ``pairs``, the review units of the
    documents of ``summary`` (read when not given): a page passes the rows of the
    documents it shows, so its work does not grow with the project."""
    if summary is None:
        summary = review_summary(project, target_lang)
    if summary.is_empty():
        return summary.with_columns(pl.lit(None, pl.Float64).alias(c)
                                    for c in ("ter", "chrf", "mean_confidence"))
    if pairs is None:
        pairs = project.pairs(target_lang, document_ids=summary["document_id"].to_list())
    scores = {}
    for (doc_id,), grp in pairs.group_by(["document_id"], maintain_order=True):
        done = grp.filter(pl.col("status") != "todo")
        conf = grp["confidence"].drop_nulls()
        scores[doc_id] = (*post_edit_effort(done["mt"].to_list(), done["target"].to_list()),
                          float(conf.mean()) if len(conf) else None)
    ids = summary["document_id"].to_list()
    return summary.with_columns(
        pl.Series(name, [scores.get(i, (None,) * 3)[k] for i in ids], dtype=pl.Float64)
        for k, name in enumerate(("ter", "chrf", "mean_confidence")))


def export_preview(project: Project, target_lang: str, *,
                   document_ids: Sequence[int] | None, statuses: Sequence[str] | None,
                   min_confidence: float | None, limit: int) -> tuple[int, pl.DataFrame]:
    """How many review units an export with these filters holds, and the first ``limit``
    of them (``Project.pairs`` columns), read without holding the others: the store
    counts; with ``min_confidence`` (units whose alignment confidence is known and at
    least that) the documents are read in turn until ``limit`` units are found."""
    total = project.count_pairs(target_lang, document_ids=document_ids, statuses=statuses,
                                min_confidence=min_confidence)
    if min_confidence is None:
        return total, project.pairs(target_lang, document_ids=document_ids,
                                    statuses=statuses, limit=limit)
    found, wanted = [], limit if total else 0
    for doc in sorted(document_ids or project.documents()["id"].to_list()):
        if wanted <= 0:
            break
        rows = project.pairs(target_lang, document_ids=[doc], statuses=statuses).filter(
            pl.col("confidence").is_not_null() & (pl.col("confidence") >= min_confidence))
        found.append(rows.head(wanted))
        wanted -= len(found[-1])
    frames = [f for f in found if not f.is_empty()]
    return total, (pl.concat(frames) if frames else project.pairs(target_lang, limit=0))


def term_accuracy_by_document(pairs: pl.DataFrame, glossary, lang: str
                              ) -> tuple[dict[int, float | None], float | None, int]:
    """Term accuracy of the final texts: per document id (None: no glossary term in its
    source), overall, and the number of source mentions counted."""
    from workbench.glossary.protect import term_accuracy

    per_doc: dict[int, float | None] = {}
    correct = mentions = 0
    if pairs.is_empty():
        return per_doc, None, 0
    for (doc_id,), grp in pairs.group_by(["document_id"], maintain_order=True):
        acc = term_accuracy(grp["source"].to_list(), grp["target"].to_list(), glossary,
                            grp["source_lang"][0], lang)
        per_doc[int(doc_id)] = acc.correct / acc.mentions if acc.mentions else None
        correct += acc.correct
        mentions += acc.mentions
    return per_doc, (correct / mentions if mentions else None), mentions


def source_langs(project: Project) -> list[str]:
    """Languages of the project's current documents, the most segments first."""
    return project.source_langs_by_size()


def texts_in(project: Project, lang: str) -> list[str]:
    """Every translatable text of the project in ``lang``: source segments and final translations."""
    return project.texts_in(lang)


# -- moving through the Review page (pure) -----------------------------------------

def first_to_review(shown: pl.DataFrame) -> int | None:
    """The segment the cursor starts in: the first shown one not approved (else the first)."""
    if shown.is_empty():
        return None
    todo = shown.filter(pl.col("status") != "approved")
    return int((todo if not todo.is_empty() else shown)["segment_id"][0])


def neighbour(pairs: pl.DataFrame, shown: pl.DataFrame, seg: int, delta: int) -> int | None:
    """The shown segment after (``delta`` > 0) or before ``seg`` in document order, found by
    position in the document, so a segment that just left the filtered list (approved
    under "to do") is not counted and none is skipped. ``None`` at either end."""
    where = pairs.filter(pl.col("segment_id") == seg)
    if where.is_empty() or shown.is_empty():
        return None
    idx = int(where["idx"][0])
    side = shown.filter(pl.col("idx") > idx) if delta > 0 else shown.filter(pl.col("idx") < idx)
    if side.is_empty():
        return None
    return int(side["segment_id"][0] if delta > 0 else side["segment_id"][-1])


def page_holding(shown: pl.DataFrame, seg: int, size: int) -> int | None:
    """The 1-based page of ``shown`` that holds ``seg`` (``None`` when not shown)."""
    ids = shown["segment_id"].to_list() if not shown.is_empty() else []
    return ids.index(seg) // size + 1 if seg in ids else None


# -- project-wide QA (pure over ``Project.pairs``) ---------------------------------

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")


def _numbers(text: str) -> list[str]:
    return sorted(re.sub(r"[.,\u00a0\u202f ]", "", n) for n in _NUMBER.findall(text or ""))


def qa_issues(pairs: pl.DataFrame, glossary, lang: str, threshold: float = LOW_CONFIDENCE
              ) -> pl.DataFrame:
    """Every problem of the review units of ``pairs`` (all documents): glossary problems,
    low alignment confidence, empty or untranslated target, numbers that differ between
    source and target, target identical to the source. One row per problem:
    ``document_id, document, segment_id, idx, kind, detail``."""
    rows = []
    for r in pairs.iter_rows(named=True):
        found: list[tuple[str, str]] = []
        target, source = r["target"] or "", r["source"] or ""
        if not target.strip():
            found.append(("empty target", "no final text"))
        elif r["mt"] is None:
            found.append(("untranslated", "no machine translation"))
        elif target.strip() == source.strip() and any(c.isalpha() for c in source):
            found.append(("source = target", "the final text is the source text"))
        if r["confidence"] is not None and r["confidence"] < threshold:
            found.append(("low confidence", f"alignment confidence {r['confidence']:.2f}"))
        if target.strip() and _numbers(source) != _numbers(target):
            found.append(("numbers differ", f"source {' '.join(_numbers(source)) or '—'} · "
                                            f"target {' '.join(_numbers(target)) or '—'}"))
        if glossary is not None and target.strip():
            from workbench.glossary.check import check_pair

            for issue in check_pair(glossary, source, target, r.get("source_lang") or "", lang):
                found.append(("glossary", glossary_message(issue)))
        rows += [(r["document_id"], r.get("document") or "", r["segment_id"], r["idx"], k, d)
                 for k, d in found]
    return pl.DataFrame(rows, schema={"document_id": pl.Int64, "document": pl.String,
                                      "segment_id": pl.Int64, "idx": pl.Int64,
                                      "kind": pl.String, "detail": pl.String}, orient="row")


def glossary_message(issue) -> str:
    """One line for a glossary :class:`~workbench.glossary.check.Issue`."""
    return issue.message


def glossary_fixes(issues) -> list[tuple[str, str]]:
    """(wrong form, preferred form) pairs that fix the non-preferred forms of ``issues``."""
    return [(found, i.expected) for i in issues if i.kind != "missing"
            for found in i.found.split("; ") if found and found != i.expected]


# -- the memory's leverage report (pure over ``workbench.memory.project.analyse``) -----

def leverage_table(rows: Sequence, unit: str = "words") -> pl.DataFrame:
    """The leverage report as a table: one row per document then the total, a column per
    band (context, 100%, 95-99% ... no match, repetitions) counting ``unit`` (``words``
    or ``segments``), and the total."""
    from workbench.memory.project import BAND_NAMES

    return pl.DataFrame(
        [{"document": r.document, **{b: getattr(r, unit)[b] for b in BAND_NAMES},
          "total": sum(getattr(r, unit).values())} for r in rows],
        schema={"document": pl.String, **{b: pl.Int64 for b in BAND_NAMES}, "total": pl.Int64})
