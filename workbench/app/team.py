"""Per-reviewer figures for the Quality page: throughput (edits, segments, approvals per
hour of activity) and post-edit distance (TER of the MT against the final texts each
reviewer last touched)."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from workbench.app.queries import post_edit_effort
from workbench.store import Project
from workbench.store.accounts import documents_edited_by, edit_activity, latest_authors


def _hours(first: str, last: str) -> float:
    def parse(stamp: str) -> datetime:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))

    try:
        return max((parse(last) - parse(first)).total_seconds() / 3600, 1 / 60)
    except (TypeError, ValueError):
        return 1 / 60


def reviewer_quality(project: Project, target_lang: str) -> pl.DataFrame:
    """One row per reviewer: ``reviewer``, ``edits``, ``segments``, ``approvals``,
    ``per_hour`` (edits per hour between their first and last edit, at least a minute),
    ``ter`` and ``chrf`` of the MT against the final texts whose newest edit is theirs."""
    activity = edit_activity(project, target_lang)
    schema = {"reviewer": pl.Utf8, "edits": pl.Int64, "segments": pl.Int64,
              "approvals": pl.Int64, "per_hour": pl.Float64, "ter": pl.Float64,
              "chrf": pl.Float64}
    if activity.is_empty():
        return pl.DataFrame(schema=schema)
    authors = [a for a in activity["author"].to_list() if a is not None]
    docs = documents_edited_by(project, target_lang, authors)  # not the whole archive
    # [-1] when none: no row (no ids would mean every document)
    pairs = project.pairs(target_lang, document_ids=docs or [-1]).select(
        "segment_id", "mt", "target")
    final = latest_authors(project, target_lang).join(pairs, on="segment_id", how="inner")
    rows = []
    for r in activity.iter_rows(named=True):
        mine = final.filter(pl.col("author") == r["author"])
        ter, chrf = post_edit_effort(mine["mt"].to_list(), mine["target"].to_list())
        rows.append({"reviewer": r["author"] or "(no name)", "edits": r["edits"],
                     "segments": r["segments"], "approvals": r["approvals"],
                     "per_hour": r["edits"] / _hours(r["first"], r["last"]),
                     "ter": ter, "chrf": chrf})
    return pl.DataFrame(rows, schema=schema)
