"""Read models for the app pages: plain functions over a :class:`Project`.

No Streamlit here, so the pages stay thin and these can be tested and
benchmarked directly. Queries are written for one document at a time and
paginated in memory: a 1,000-segment document is a few milliseconds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from workbench.store import Project
from workbench.store.codes import document_codes

#: Below this alignment confidence a segment is shown as "low confidence".
LOW_CONFIDENCE = 0.5


def target_langs(project: Project) -> list[str]:
    """Target languages that have review rows, most used first."""
    rows = project.conn.execute(
        "SELECT target_lang, COUNT(*) AS n FROM reviews GROUP BY target_lang ORDER BY n DESC, target_lang"
    ).fetchall()
    return [r[0] for r in rows]


def document_progress(project: Project, target_lang: str | None) -> pl.DataFrame:
    """Current documents with segment counts and translation/review progress (0..1).

    ``translated`` counts translatable segments with a machine translation in
    ``target_lang``; ``reviewed`` those whose review status is no longer
    ``todo``; ``approved`` those approved.
    """
    lang = target_lang or ""
    frame = project.frame(
        """
        SELECT d.id, d.title, d.lang, d.format, d.version, d.ingested_at,
               COUNT(s.id) AS segments,
               COALESCE(SUM(s.translatable), 0) AS translatable,
               COALESCE(SUM(s.translatable AND EXISTS (SELECT 1 FROM translations t
                        WHERE t.segment_id = s.id AND t.target_lang = ?)), 0) AS translated,
               COALESCE(SUM(EXISTS (SELECT 1 FROM reviews r WHERE r.segment_id = s.id
                        AND r.target_lang = ? AND r.status != 'todo')), 0) AS reviewed,
               COALESCE(SUM(EXISTS (SELECT 1 FROM reviews r WHERE r.segment_id = s.id
                        AND r.target_lang = ? AND r.status = 'approved')), 0) AS approved
        FROM documents d LEFT JOIN segments s ON s.document_id = d.id
        WHERE d.is_current = 1
        GROUP BY d.id ORDER BY d.id
        """,
        (lang, lang, lang),
    )
    if frame.is_empty():
        return frame
    denom = pl.when(pl.col("translatable") > 0).then(pl.col("translatable")).otherwise(None)
    return frame.with_columns(
        (pl.col("translated") / denom).fill_null(0.0).alias("translated_share"),
        (pl.col("reviewed") / denom).fill_null(0.0).alias("reviewed_share"),
    )


def confidences(project: Project, document_id: int, target_lang: str) -> dict[int, float]:
    """Segment id -> confidence of the newest bead holding it (alignments of this target)."""
    out: dict[int, float] = {}
    rows = project.conn.execute(
        """SELECT b.src_ids, b.confidence FROM beads b JOIN alignments a ON a.id = b.alignment_id
           WHERE a.document_id = ? AND a.target_lang = ? ORDER BY a.id, b.idx""",
        (document_id, target_lang),
    )
    for src_ids, conf in rows:
        for sid in json.loads(src_ids):
            out[int(sid)] = float(conf)
    return out


def document_pairs(project: Project, document_id: int, target_lang: str) -> pl.DataFrame:
    """The review units of one document (same columns as ``Project.pairs``, plus
    ``codes``: the inline codes of segments imported with tags, see
    :mod:`workbench.io.inline`), fast.

    ``Project.pairs`` finds confidences with a correlated subquery per segment;
    for one document it is cheaper to read the beads once and join in memory.
    """
    frame = project.frame(
        """
        SELECT s.document_id, s.id AS segment_id, s.idx, p.idx AS paragraph,
               s.text AS source, t.text AS mt, r.text AS target, r.status, r.version,
               t.engine, t.model
        FROM reviews r
        JOIN segments s ON s.id = r.segment_id
        JOIN paragraphs p ON p.id = s.paragraph_id
        LEFT JOIN translations t ON t.id = (
            SELECT t2.id FROM translations t2
             WHERE t2.segment_id = s.id AND t2.target_lang = r.target_lang
             ORDER BY t2.created_at DESC, t2.id DESC LIMIT 1)
        WHERE r.target_lang = ? AND s.document_id = ?
        ORDER BY s.idx
        """,
        (target_lang, document_id),
    )
    conf = confidences(project, document_id, target_lang)
    codes = document_codes(project.conn, document_id)
    ids = frame["segment_id"].to_list() if not frame.is_empty() else []
    return frame.with_columns(
        pl.Series("confidence", [conf.get(i) for i in ids], dtype=pl.Float64),
        pl.Series("codes", [codes.get(i) for i in ids], dtype=pl.String),
    ) if not frame.is_empty() else frame.with_columns(pl.lit(None, pl.Float64).alias("confidence"),
                                                      pl.lit(None, pl.String).alias("codes"))


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
    counts = {s: 0 for s in ("todo", "approved", "rejected", "flagged")}
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


def quality(project: Project, target_lang: str) -> pl.DataFrame:
    """Per current document: units, reviewed, edited, post-edit TER and chrF, mean confidence."""
    pairs = project.pairs(target_lang)
    rows = []
    if pairs.is_empty():
        return pl.DataFrame(schema={"document_id": pl.Int64, "document": pl.Utf8, "units": pl.Int64,
                                    "reviewed": pl.Int64, "edited": pl.Int64, "ter": pl.Float64,
                                    "chrf": pl.Float64, "mean_confidence": pl.Float64})
    for (doc_id, title), grp in pairs.group_by(["document_id", "document"], maintain_order=True):
        done = grp.filter(pl.col("status") != "todo")
        edited = grp.filter(pl.col("mt").is_not_null() & (pl.col("mt") != pl.col("target")))
        ter, chrf = post_edit_effort(done["mt"].to_list(), done["target"].to_list())
        conf = grp["confidence"].drop_nulls()
        rows.append({
            "document_id": doc_id, "document": title, "units": len(grp), "reviewed": len(done),
            "edited": len(edited), "ter": ter, "chrf": chrf,
            "mean_confidence": float(conf.mean()) if len(conf) else None,
        })
    return pl.DataFrame(rows, schema_overrides={"ter": pl.Float64, "chrf": pl.Float64,
                                                "mean_confidence": pl.Float64})


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
    rows = project.conn.execute(
        """SELECT d.lang FROM documents d JOIN segments s ON s.document_id = d.id
           WHERE d.is_current = 1 GROUP BY d.lang ORDER BY COUNT(*) DESC, d.lang""")
    return [r[0] for r in rows]


def texts_in(project: Project, lang: str) -> list[str]:
    """Every translatable text of the project in ``lang``: source segments and final translations."""
    rows = project.conn.execute(
        """SELECT s.text FROM segments s JOIN documents d ON d.id = s.document_id
           WHERE d.is_current = 1 AND d.lang = ? AND s.translatable = 1
           UNION ALL SELECT r.text FROM reviews r WHERE r.target_lang = ?""",
        (lang, lang),
    )
    return [r[0] for r in rows]


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
