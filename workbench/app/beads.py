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

from dataclasses import dataclass
from datetime import datetime, timezone

from workbench.errors import InputError
from workbench.store import Project
from workbench.store.alignments import AlignmentInfo

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
    out = []
    for a in project.alignments_of(document_id, target_lang):
        what = (f"machine translation ({a.target_ref})" if a.target_kind == "mt"
                else f"document {a.target_ref}")
        out.append({"id": a.id, "target_kind": a.target_kind, "target_ref": a.target_ref,
                    "created_at": a.created_at, "beads": a.beads,
                    "label": f"#{a.id} · {what} · {a.beads} beads"})
    return out


def _target_texts(project: Project, alignment: AlignmentInfo) -> dict[int, str]:
    """Target id -> sentence text for the ids used by this alignment's beads."""
    if alignment.target_kind == "document":
        try:
            doc = int(alignment.target_ref)
        except ValueError:
            return {}
        return project.segment_texts(doc)
    # mt: positions in the list of the document's translatable segments, in order.
    texts = project.engine_texts(alignment.document_id, alignment.target_lang,
                                 alignment.target_ref)
    return {pos: text for pos, text in enumerate(texts) if text is not None}


def load(project: Project, alignment_id: int) -> list[BeadView]:
    """The beads of an alignment in order, with their source and target sentences."""
    alignment = project.alignment(alignment_id)
    src_text = project.segment_texts(alignment.document_id)
    tgt_text = _target_texts(project, alignment)
    out = []
    for idx, src, tgt, joined, conf in project.indexed_beads(alignment_id):
        target = tuple(tgt_text.get(j) for j in tgt)
        if any(t is None for t in target):  # not resolvable: keep the stored joined text
            target = (joined,) + ("",) * (len(tgt) - 1) if tgt else ()
        out.append(BeadView(idx, src, tgt, tuple(src_text.get(i, "") for i in src),
                            target, conf))
    return out


Row = tuple[tuple[int, ...], tuple[int, ...], str, float]  # src ids, tgt ids, joined text, conf


def _row(bead: BeadView) -> Row:
    return bead.src_ids, bead.tgt_ids, " ".join(t for t in bead.target if t), bead.confidence


def _rewrite(project: Project, alignment_id: int, expected: dict[int, tuple], replace: tuple[int, int],
             new: list[Row], op: dict) -> None:
    """In one transaction: check the beads in ``expected`` (idx -> ``(src_ids, tgt_ids)``)
    are unchanged, replace beads ``replace[0]..replace[1]`` by ``new``, renumber, and note
    ``op`` in the provenance with what was replaced (``before``), so it can be undone."""
    first, last = replace

    def note(prov: dict, before: list[list]) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        edits = prov.setdefault("reviewer_edits", [])
        if op["op"] == "undo":
            edits[op["of"]]["undone"] = stamp
            record = op
        else:
            record = {**op, "first": first, "before": before,
                      "after": [[list(src), list(tgt)] for src, tgt, _, _ in new]}
        edits.append({**record, "at": stamp})

    project.replace_beads(alignment_id, expected, first, last, new, note)


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
    edits = project.alignment_provenance(alignment_id).get("reviewer_edits", [])
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
