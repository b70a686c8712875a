"""Write reviewed targets back into a CAT tool's own XLIFF 1.2 file.

A foreign XLIFF 1.2 file (Trados SDLXLIFF, memoQ MQXLIFF, Okapi, Weblate…)
becomes documents of the project on import, and a copy of the file is kept in
the project folder (:func:`keep`, ``originals/<sha256>/<name>``; a file, not a
row: with a PostgreSQL database the folder still holds it, and ``workbench db
migrate`` leaves the folder as it is). The documents of a kept file are found
again as a re-import finds them (``source_path`` from the file name, content
hash of the units); when a file came back from the tool and was imported again,
the newest copy is the one written back. The
write-back reads that copy again with the importer's own reading of a unit
(:func:`workbench.io.xliff12.read_located`), so every segment meets the very
``<trans-unit>`` (and ``<mrk mtype="seg" mid>`` of a ``<seg-source>``) it came
from, and changes only what was reviewed:

* the target content of an edited segment, its inline codes rebuilt from their
  original markup (tool attributes such as Trados' ``sdl:cid`` included: the
  file is the tool's own format, kept as the tool wrote it, even where the
  strict XLIFF schema would refuse it; the workbench's own export strips them);
  a missing ``<target>`` is made from ``<seg-source>`` with the other
  sub-segments empty, or placed after ``<source>``;
* the status, where the tool keeps it: Trados' ``<sdl:seg conf>`` per
  sub-segment, memoQ's ``mq:status``, and otherwise (or where the file has them)
  the target ``state`` and ``approved`` of the unit (for a unit of several
  sub-segments, the least advanced of their statuses). A tool value that
  already means the review status is kept (``ApprovedSignOff`` stays).

Everything else (header, skeleton, groups, ids, tool namespaces and
attributes, comments, processing instructions, units nobody changed, the
file's encoding) is written back as read: the file goes back to its tool.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections import Counter
from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from workbench.io import inline
from workbench.io.base import Unit, atomic_output, xml_clean
from workbench.io.xliff12 import _FROM_STATE, _MQ_STATUS, _SDL_CONF, MQ, SDL, read_located, \
    state_for
from workbench.io.xmlsafe import safe_parse

#: The folder of the project that holds the kept originals.
ORIGINALS = "originals"

#: A tool value written for a review status where the tool's current value means another.
_SDL_FOR = {"approved": "ApprovedTranslation", "todo": "Translated",
            "rejected": "RejectedTranslation", "flagged": "Draft"}
_MQ_FOR = {"approved": "Reviewer1Confirmed", "todo": "Edited", "rejected": "Rejected",
           "flagged": "Edited"}
#: Statuses from the least to the most advanced (a unit of several sub-segments).
_PROGRESS = (None, "flagged", "rejected", "todo", "approved")


def keep(root: Path, path: Path) -> Path:
    """Copy the file at ``path`` into the project folder ``root`` (once per content;
    a copy kept before becomes the newest); returns where it is kept."""
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    folder = Path(root) / ORIGINALS / digest
    kept = folder / Path(path).name
    if kept.is_file():
        os.utime(kept)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_output(kept) as out, open(path, "rb") as src:
            shutil.copyfileobj(src, out)
    return kept


def kept(root: Path) -> list[Path]:
    """The originals kept in the project folder ``root``, the last imported last."""
    folder = Path(root) / ORIGINALS
    if not folder.is_dir():
        return []
    files = [f for d in folder.iterdir() if d.is_dir() for f in d.iterdir() if f.is_file()
             and not f.name.startswith(".")]
    return sorted(files, key=lambda f: (f.stat().st_mtime, str(f)))


@dataclass
class Piece:
    """One segment of the file: its ``<trans-unit>`` in the tree, the ``mid`` of its
    sub-segment (``None``: the whole unit) and the unit as the import read it."""

    tu: etree._Element
    mid: str | None
    unit: Unit


@dataclass(frozen=True)
class Edit:
    """What the project holds for a piece: the target text (placeholders indexing
    ``codes``) and the review status; ``changed`` when it differs from the file."""

    text: str
    codes: inline.Codes
    status: str | None
    changed: bool


def read_pieces(path: Path) -> tuple[etree._ElementTree, list[Piece]]:
    """The file's tree (comments kept) and its pieces, read as the import reads them."""
    tree = safe_parse(path, keep_comments=True)
    units = list(read_located(path))
    tus = list(tree.getroot().iter(_x(tree) + "trans-unit"))
    return tree, [Piece(tus[n], mid, unit) for n, mid, unit in units]


def write_back(path: Path, tree: etree._ElementTree, pieces: list[Piece],
               edits: Mapping[int, Edit], out: Path, notes: Counter[str]) -> int:
    """Write ``tree`` (read from ``path``) to ``out`` (atomically, in the file's
    encoding) with the changed ``edits`` (by piece index) applied; returns how many
    pieces were changed. Characters XML 1.0 cannot hold are left out, counted in
    ``notes``."""
    x = _x(tree)
    by_unit: dict[etree._Element, list[int]] = {}
    for i, p in enumerate(pieces):
        by_unit.setdefault(p.tu, []).append(i)
    changed = 0
    for tu, members in by_unit.items():
        if not any(edits[i].changed for i in members if i in edits):
            continue
        for i in members:
            edit = edits.get(i)
            if edit is not None and edit.changed:
                _fill(tu, pieces[i].mid, x, edit, notes)
                _tool_status(tu, pieces[i].mid, edit.status, _file_status(pieces[i]))
                changed += 1
        statuses = [edits[i].status if i in edits else _file_status(pieces[i]) for i in members]
        _unit_state(tu, x, min(statuses, key=_PROGRESS.index))
    encoding = tree.docinfo.encoding or "UTF-8"
    with open(path, "rb") as f:
        head = re.match(rb"\s*<\?xml[^>]*\?>\s*", f.read(4096))
    with atomic_output(out) as handle:
        if head:  # the declaration as the tool wrote it
            handle.write(head.group(0))
        tree.write(handle, encoding=encoding, xml_declaration=False)
        handle.write(b"\n")
    return changed


def _x(tree: etree._ElementTree) -> str:
    """The ``{namespace}`` prefix of the file's XLIFF elements (``""`` for XLIFF 1.0)."""
    ns = etree.QName(tree.getroot()).namespace
    return "{%s}" % ns if ns else ""


def _file_status(piece: Piece) -> str | None:
    return piece.unit.targets[0].status if piece.unit.targets else None


def _fill(tu: etree._Element, mid: str | None, x: str, edit: Edit, notes: Counter[str]) -> None:
    """Replace the target content of the piece with the edit's text and codes."""
    target = tu.find(x + "target")
    seg_source = tu.find(x + "seg-source")
    if target is None:
        after = seg_source if seg_source is not None else tu.find(x + "source")
        if mid is not None and seg_source is not None:
            target = deepcopy(seg_source)
            target.tag = x + "target"
            target.attrib.clear()
            for mrk in _seg_marks(target, x).values():
                _empty(mrk)
        else:
            target = etree.Element(x + "target")
        target.tail = after.tail
        after.addnext(target)
    into = target
    if mid is not None:
        into = _seg_marks(target, x).get(mid)
        if into is None:
            into = etree.SubElement(target, x + "mrk", mtype="seg", mid=mid)
    _empty(into)

    def add(parent: etree._Element, chunk: str, as_tail: bool) -> None:
        clean, removed = xml_clean(chunk)
        if removed:
            notes["characters not allowed in XML 1.0 left out of targets"] += removed
        inline.append_text(parent, clean, as_tail)

    inline.write_inline(into, edit.text, edit.codes, add)


def _seg_marks(elem: etree._Element, x: str) -> dict[str | None, etree._Element]:
    return {m.get("mid"): m for m in elem.iter(x + "mrk") if m.get("mtype") == "seg"}


def _empty(elem: etree._Element) -> None:
    elem.text = None
    del elem[:]


def _keep_or(current: str | None, table: Mapping[str, str | None], status: str | None,
             default: Mapping[str, str]) -> str | None:
    """The tool's ``current`` value where it already means ``status``, else the default."""
    if current is not None and table.get(current, "todo") == status:
        return current
    return default.get(status) if status is not None else None


def _tool_status(tu: etree._Element, mid: str | None, status: str | None,
                 before: str | None) -> None:
    """Trados' per-sub-segment ``conf`` and memoQ's ``mq:status`` for a review status."""
    if status == before:
        return
    for seg in tu.iter(f"{{{SDL}}}seg"):
        if mid is None or seg.get("id") == mid:
            value = _keep_or(seg.get("conf"), _SDL_CONF, status, _SDL_FOR)
            if value is not None:
                seg.set("conf", value)
    mq = f"{{{MQ}}}status"
    if tu.get(mq) is not None:
        value = _keep_or(tu.get(mq), _MQ_STATUS, status, _MQ_FOR)
        if value is not None:
            tu.set(mq, value)


def _unit_state(tu: etree._Element, x: str, status: str | None) -> None:
    """The target ``state`` and ``approved`` of the unit, where the file uses them or
    no tool attribute holds the status."""
    target = tu.find(x + "target")
    tool = tu.get(f"{{{MQ}}}status") is not None or next(tu.iter(f"{{{SDL}}}seg"), None) is not None
    if target is not None and (target.get("state") is not None or not tool):
        text = "".join(target.itertext())
        state = state_for(status, text) if status is not None else "needs-translation"
        if _FROM_STATE.get(target.get("state") or "", "todo") != (status or "untranslated") \
                or target.get("state") is None:
            target.set("state", state)
    if tu.get("approved") is not None or not tool:
        if status == "approved":
            tu.set("approved", "yes")
        elif tu.get("approved") is not None:
            del tu.attrib["approved"]

