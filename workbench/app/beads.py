"""Correcting a stored alignment from the Review page: merge and split beads (no Streamlit).

A bead pairs source segments (``src_ids``, database ids) with target
sentences (``tgt_ids``): segment ids of the translated document for a
``document`` alignment, positions in the document's machine translation for
an ``mt`` alignment. When the aligner got a boundary wrong the reviewer
merges two neighbouring beads, or splits one bead in two at a source and a
target position. Either way the ladder stays monotone and covers every
sentence exactly once; the beads the reviewer made get confidence 1.0 (a
person checked them) and the change is noted in the alignment's provenance
(``reviewer_edits``), with the beads it replaced, so it can be undone, latest
first (:func:`undo`).

Every change names the beads as the page showed them; if the alignment was
changed meanwhile (another tab, a re-alignment) :class:`ConflictError` is
raised and nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from workbench.errors import ConflictError, InputError, NotFoundError
from workbench.store import Project

#: Confidence of a bead made or checked by a reviewer.
REVIEWED = 1.0


@dataclass(frozen=True)
class BeadView:
    """One bead with its sentences, as the Review page shows it."""

    idx: int
    src_ids: tuple[int, ...]
    tgt_ids: tuple[int, ...]
    source: tuple[str, ...]
    target: tuple[str, ...]
    confidence: float

    @property
    def shape(self) -> str:
        """``2–1`` style: source sentences – target sentences."""
        return f"{len(self.src_ids)}–{len(self.tgt_ids)}"

    @property
    def ids(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return self.src_ids, self.tgt_ids


def alignments(project: Project, document_id: int, target_lang: str) -> list[dict]:
    """Stored alignments of a document into ``target_lang``, newest first:
    ``id, target_kind, target_ref, created_at, beads, label``."""
    rows = project.conn.execute(
        """SELECT a.id, a.target_kind, a.target_ref, a.created_at,
                  (SELECT COUNT(*) FROM beads b WHERE b.alignment_id = a.id) AS beads
           FROM alignments a WHERE a.document_id = ? AND a.target_lang = ? ORDER BY a.id DESC""",
        (document_id, target_lang),
    ).fetchall()
    out = []
    for r in rows:
        what = (f"machine translation ({r['target_ref']})" if r["target_kind"] == "mt"
                else f"document {r['target_ref']}")
        out.append({**dict(r), "label": f"#{r['id']} · {what} · {r['beads']} beads"})
    return out


def _target_texts(project: Project, alignment: dict) -> dict[int, str]:
    """Target id -> sentence text for the ids used by this alignment's beads."""
    if alignment["target_kind"] == "document":
        try:
            doc = int(alignment["target_ref"])
        except ValueError:
            return {}
        rows = project.conn.execute("SELECT id, text FROM segments WHERE document_id = ?", (doc,))
        return {int(i): t for i, t in rows}
    # mt: positions in the list of the document's translatable segments, in order.
    rows = project.conn.execute(
        """SELECT s.id, t.text FROM segments s
           LEFT JOIN translations t ON t.segment_id = s.id AND t.target_lang = ? AND t.engine = ?
           WHERE s.document_id = ? AND s.translatable = 1 ORDER BY s.idx""",
        (alignment["target_lang"], alignment["target_ref"], alignment["document_id"]),
    ).fetchall()
    return {pos: text for pos, (_, text) in enumerate(rows) if text is not None}


def _alignment(project: Project, alignment_id: int) -> dict:
    row = project.conn.execute("SELECT * FROM alignments WHERE id = ?", (alignment_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no alignment with id {alignment_id}")
    return dict(row)


def load(project: Project, alignment_id: int) -> list[BeadView]:
    """The beads of an alignment in order, with their source and target sentences."""
    alignment = _alignment(project, alignment_id)
    rows = project.conn.execute(
        "SELECT idx, src_ids, tgt_ids, tgt_text, confidence FROM beads WHERE alignment_id = ? "
        "ORDER BY idx", (alignment_id,)).fetchall()
    src_text = dict(project.conn.execute(
        "SELECT id, text FROM segments WHERE document_id = ?", (alignment["document_id"],)))
    tgt_text = _target_texts(project, alignment)
    out = []
    for idx, src_json, tgt_json, joined, conf in rows:
        src = tuple(int(i) for i in json.loads(src_json))
        tgt = tuple(int(i) for i in json.loads(tgt_json))
        target = tuple(tgt_text.get(j) for j in tgt)
        if any(t is None for t in target):  # not resolvable: keep the stored joined text
            target = (joined,) + ("",) * (len(tgt) - 1) if tgt else ()
        out.append(BeadView(int(idx), src, tgt, tuple(src_text.get(i, "") for i in src),
                            target, float(conf)))
    return out


Row = tuple[tuple[int, ...], tuple[int, ...], str, float]  # src ids, tgt ids, joined text, conf


def _row(bead: BeadView) -> Row:
    return bead.src_ids, bead.tgt_ids, " ".join(t for t in bead.target if t), bead.confidence


def _rewrite(project: Project, alignment_id: int, expected: dict[int, tuple], replace: tuple[int, int],
             new: list[Row], op: dict) -> None:
    """In one transaction: check the beads in ``expected`` (idx -> ``(src_ids, tgt_ids)``)
    are unchanged, replace beads ``replace[0]..replace[1]`` by ``new``, renumber, and note
    ``op`` in the provenance with what was replaced (``before``), so it can be undone."""
    with project.transaction() as conn:
        current = {int(i): (tuple(json.loads(s)), tuple(json.loads(t))) for i, s, t in conn.execute(
            "SELECT idx, src_ids, tgt_ids FROM beads WHERE alignment_id = ?", (alignment_id,))}
        for idx, ids in expected.items():
            if current.get(idx) != ids:
                raise ConflictError(
                    f"the alignment was changed elsewhere (bead {idx + 1} is no longer what this "
                    "page showed); nothing was changed; reload the beads and try again")
        first, last = replace
        before = [[json.loads(s), json.loads(t), text, conf] for s, t, text, conf in conn.execute(
            "SELECT src_ids, tgt_ids, tgt_text, confidence FROM beads WHERE alignment_id = ? "
            "AND idx BETWEEN ? AND ? ORDER BY idx", (alignment_id, first, last))]
        conn.execute("DELETE FROM beads WHERE alignment_id = ? AND idx BETWEEN ? AND ?",
                     (alignment_id, first, last))
        shift = len(new) - (last - first + 1)
        if shift:
            # Move the tail out of the way first (UNIQUE (alignment_id, idx)), then into place.
            conn.execute("UPDATE beads SET idx = -idx - 1 WHERE alignment_id = ? AND idx > ?",
                         (alignment_id, last))
            conn.execute("UPDATE beads SET idx = -idx - 1 + ? WHERE alignment_id = ? AND idx < 0",
                         (shift, alignment_id))
        conn.executemany(
            "INSERT INTO beads (alignment_id, idx, src_ids, tgt_ids, tgt_text, confidence) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(alignment_id, first + k, json.dumps(list(src)), json.dumps(list(tgt)), text, conf)
             for k, (src, tgt, text, conf) in enumerate(new)])
        prov = _provenance(conn, alignment_id)
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        edits = prov.setdefault("reviewer_edits", [])
        if op["op"] == "undo":
            edits[op["of"]]["undone"] = stamp
        else:
            op = {**op, "first": first, "before": before,
                  "after": [[list(src), list(tgt)] for src, tgt, _, _ in new]}
        edits.append({**op, "at": stamp})
        conn.execute("UPDATE alignments SET provenance = ? WHERE id = ?",
                     (json.dumps(prov, ensure_ascii=False, sort_keys=True), alignment_id))


def _provenance(conn, alignment_id: int) -> dict:
    """The alignment's provenance as a dict (a non-JSON or non-dict value is kept under
    ``original``)."""
    prov_json = conn.execute("SELECT provenance FROM alignments WHERE id = ?",
                             (alignment_id,)).fetchone()[0]
    try:
        prov = json.loads(prov_json or "{}")
    except ValueError:
        prov = {"original": prov_json}
    return prov if isinstance(prov, dict) else {"original": prov}


def merge(project: Project, alignment_id: int, first: BeadView, second: BeadView,
          author: str = "") -> BeadView:
    """Merge two neighbouring beads (as the page showed them) into one; returns it."""
    if second.idx != first.idx + 1:
        raise InputError(f"beads {first.idx + 1} and {second.idx + 1} are not neighbours")
    merged = BeadView(first.idx, first.src_ids + second.src_ids, first.tgt_ids + second.tgt_ids,
                      first.source + second.source, first.target + second.target, REVIEWED)
    _rewrite(project, alignment_id, {first.idx: first.ids, second.idx: second.ids},
             (first.idx, second.idx), [_row(merged)],
             {"op": "merge", "bead": first.idx, "author": author})
    return merged


def split(project: Project, alignment_id: int, bead: BeadView, src_at: int, tgt_at: int,
          author: str = "") -> tuple[BeadView, BeadView]:
    """Split ``bead``: the first part keeps ``src_at`` source and ``tgt_at`` target sentences."""
    n, m = len(bead.src_ids), len(bead.tgt_ids)
    if not (0 <= src_at <= n and 0 <= tgt_at <= m):
        raise InputError(f"a {bead.shape} bead cannot be split at {src_at} source and "
                         f"{tgt_at} target sentences")
    if (src_at, tgt_at) in ((0, 0), (n, m)):
        raise InputError("each part of a split must keep at least one sentence")
    one = BeadView(bead.idx, bead.src_ids[:src_at], bead.tgt_ids[:tgt_at],
                   bead.source[:src_at], bead.target[:tgt_at], REVIEWED)
    two = BeadView(bead.idx + 1, bead.src_ids[src_at:], bead.tgt_ids[tgt_at:],
                   bead.source[src_at:], bead.target[tgt_at:], REVIEWED)
    _rewrite(project, alignment_id, {bead.idx: bead.ids}, (bead.idx, bead.idx),
             [_row(one), _row(two)],
             {"op": "split", "bead": bead.idx, "split_at": [src_at, tgt_at], "author": author})
    return one, two


def last_change(project: Project, alignment_id: int) -> dict | None:
    """The reviewer's latest merge or split of this alignment that is not undone yet
    (its provenance record, with its position under ``pos``), or ``None``."""
    edits = _provenance(project.conn, _alignment(project, alignment_id)["id"]).get(
        "reviewer_edits", [])
    for pos in range(len(edits) - 1, -1, -1):
        edit = edits[pos]
        if edit.get("op") in ("merge", "split") and "undone" not in edit:
            return {**edit, "pos": pos}
    return None


def undo(project: Project, alignment_id: int, author: str = "") -> dict:
    """Undo the latest merge or split not undone yet: the beads it made go back to the ones it
    replaced, with their confidences. Repeated calls walk back through earlier changes.
    Returns the undone change; :class:`ConflictError` if its beads were changed since."""
    change = last_change(project, alignment_id)
    if change is None:
        raise InputError("there is no merge or split of this alignment to undo")
    if "before" not in change:
        raise InputError(f"the {change['op']} of {change['at']} was made by an older version "
                         "that did not record what it replaced; it cannot be undone")
    first, after = change["first"], change["after"]
    expected = {first + k: (tuple(src), tuple(tgt)) for k, (src, tgt) in enumerate(after)}
    _rewrite(project, alignment_id, expected, (first, first + len(after) - 1),
             [(tuple(src), tuple(tgt), text, conf) for src, tgt, text, conf in change["before"]],
             {"op": "undo", "of": change["pos"], "author": author})
    return change
