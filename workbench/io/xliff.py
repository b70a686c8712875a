"""XLIFF 2.1 bilingual files for round trips through a CAT tool.

Export, translate or review elsewhere, import the edits back: units are
matched by id (``s<segment_id>``) and the review version each unit was
exported from travels with it, so an import can tell an edit made in the CAT
tool from one made in the project meanwhile (a conflict).

Layout (valid against the OASIS XLIFF 2 core schema; XLIFF 2.1 keeps the 2.0
core namespace and only changes ``version``)::

    <xliff xmlns="urn:oasis:names:tc:xliff:document:2.0"
           xmlns:mda="urn:oasis:names:tc:xliff:metadata:2.0"
           version="2.1" srcLang="fr" trgLang="en">
      <file id="d12" original="title" canResegment="no">   one per document
        <mda:metadata><mda:metaGroup category="document">…</mda:metaGroup></mda:metadata>
        <unit id="s42">
          <mda:metadata><mda:metaGroup category="workbench">
            <mda:meta type="version">3</mda:meta>  confidence, paragraph, idx,
                                                  engine, model, model-version, mt
          </mda:metaGroup></mda:metadata>
          <segment state="final" subState="workbench:approved">
            <source xml:space="preserve">…</source><target xml:space="preserve">…</target>
          </segment>
        </unit>

Review status ↔ XLIFF state: ``todo`` → ``translated`` (``initial`` when the
target is empty), ``approved`` → ``final``, ``rejected``/``flagged`` →
``reviewed``; ``subState="workbench:<status>"`` keeps the exact status. On
import a ``subState`` wins while the ``state`` still matches it; when a CAT
tool changed the state, the state decides: ``initial``/``translated`` → todo,
``reviewed``/``final`` → approved.

Characters XML 1.0 forbids are written as ``<cp hex="…"/>`` (the XLIFF 2 way)
and read back, so source and target lose nothing; metadata values (document
title, machine translation…) cannot hold markup, so such characters are
removed from them and counted, as are lone surrogates (not Unicode text). Output: ``--out x.xlf`` writes one file (one ``<file>``
per document, one target language); ``--out FOLDER`` writes one file per
document and target language, ``doc<id>.<src>-<tgt>.xlf``.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from lxml import etree

from workbench.errors import FormatError, InputError
from workbench.io.base import (Format, Target, Unit, WriteOptions, WriteStats, atomic_output)
from workbench.io.xmlsafe import clear, safe_iterparse

NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
VERSION = "2.1"
_X = "{%s}" % NS
_M = "{%s}" % MDA
_NSMAP = {None: NS, "mda": MDA}
SUFFIXES = (".xlf", ".xliff")
_PRESERVE = {f"{{{XML_NS}}}space": "preserve"}

_TO_STATE = {"todo": "translated", "approved": "final", "rejected": "reviewed",
             "flagged": "reviewed"}
_FROM_STATE = {"initial": "todo", "translated": "todo", "reviewed": "approved",
               "final": "approved"}
_UNIT_META = (("version", "version", int), ("confidence", "confidence", float),
              ("engine", "engine", str), ("model", "model", str),
              ("model-version", "model_version", str), ("mt", "mt", str))
_POS_META = (("paragraph", "paragraph"), ("idx", "idx"))
# XML 1.0 Char minus what <cp> can carry: lone surrogates are dropped.
_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def state_for(status: str | None, text: str) -> tuple[str, str | None]:
    """The XLIFF ``state`` and ``subState`` of a review status."""
    if status is None:
        return "initial", None
    state = _TO_STATE[status]
    if status == "todo" and not text:
        state = "initial"
    return state, f"workbench:{status}"


def status_for(state: str | None, sub_state: str | None) -> str:
    """The review status of an XLIFF ``state``/``subState`` pair (see module doc)."""
    state = state or "initial"
    if sub_state and sub_state.startswith("workbench:"):
        status = sub_state.split(":", 1)[1]
        if status in _TO_STATE and state in (_TO_STATE[status], "initial" if status == "todo" else ""):
            return status
    if state not in _FROM_STATE:
        raise FormatError(f"unknown XLIFF segment state {state!r}")
    return _FROM_STATE[state]


class _Text:
    """Fills an element with text, turning XML-illegal characters into ``<cp>``."""

    def __init__(self, stats: WriteStats) -> None:
        self.stats = stats
        self.unit_id = ""

    def _removed(self, n: int) -> None:
        if n:
            self.stats.removed_chars += n
            if len(self.stats.removed_in) < 20 and self.unit_id not in self.stats.removed_in:
                self.stats.removed_in.append(self.unit_id)

    def plain(self, value: object) -> str:
        """Text for an attribute or metadata value (no markup allowed): drop and count."""
        text = repr(value) if isinstance(value, float) else str(value)
        cleaned, n = _ILLEGAL.subn("", text)
        self._removed(n)
        return cleaned

    def fill(self, elem: etree._Element, text: str) -> None:
        text, n = _SURROGATE.subn("", text)
        self._removed(n)
        pieces = _ILLEGAL.split(text)
        bad = _ILLEGAL.findall(text)
        elem.text = pieces[0]
        for ch, tail in zip(bad, pieces[1:]):
            cp = etree.SubElement(elem, _X + "cp", hex=f"{ord(ch):04X}")
            cp.tail = tail
            self.stats.encoded_chars += 1


class _Output:
    """One XLIFF file being streamed: root open, ``<file>`` elements rotating."""

    def __init__(self, path: Path, src: str, tgt: str, text: _Text) -> None:
        self.stack = contextlib.ExitStack()
        handle = self.stack.enter_context(atomic_output(path))
        self.xf = self.stack.enter_context(etree.xmlfile(handle, encoding="UTF-8"))
        self.xf.write_declaration()
        self.stack.enter_context(self.xf.element(
            _X + "xliff", {"version": VERSION, "srcLang": text.plain(src),
                           "trgLang": text.plain(tgt)},
            nsmap=_NSMAP))
        self.xf.write("\n")
        self.text = text
        self.file_ctx: contextlib.AbstractContextManager | None = None
        self.doc_key: object = object()

    def start_document(self, unit: Unit) -> None:
        self.end_document()
        self.doc_key = (unit.document_id, unit.document)
        attrs = {"id": f"d{unit.document_id if unit.document_id is not None else 0}",
                 "canResegment": "no"}
        if unit.document:
            attrs["original"] = self.text.plain(unit.document)
        self.file_ctx = self.xf.element(_X + "file", attrs)
        self.file_ctx.__enter__()
        meta = etree.Element(_M + "metadata", nsmap=_NSMAP)
        group = etree.SubElement(meta, _M + "metaGroup", category="document")
        for name, value in (("document_id", unit.document_id), ("title", unit.document)):
            if value is not None:
                etree.SubElement(group, _M + "meta", type=name).text = self.text.plain(value)
        self.xf.write("\n", meta, pretty_print=True)

    def end_document(self) -> None:
        if self.file_ctx is not None:
            self.file_ctx.__exit__(None, None, None)
            self.xf.write("\n")
            self.file_ctx = None

    def write_unit(self, unit: Unit, target: Target, n: int) -> None:
        self.text.unit_id = unit.unit_id or f"u{n}"
        elem = etree.Element(_X + "unit", id=unit.unit_id or f"u{n}", nsmap=_NSMAP)
        meta = etree.SubElement(elem, _M + "metadata")
        group = etree.SubElement(meta, _M + "metaGroup", category="workbench")
        values = [(name, getattr(target, attr)) for name, attr, _ in _UNIT_META]
        values += [(name, getattr(unit, attr)) for name, attr in _POS_META]
        for name, value in values:
            if value is not None:
                etree.SubElement(group, _M + "meta", type=name).text = self.text.plain(value)
        if len(group) == 0:
            elem.remove(meta)
        state, sub = state_for(target.status, target.text)
        seg = etree.SubElement(elem, _X + "segment", state=state)
        if sub:
            seg.set("subState", sub)
        self.text.fill(etree.SubElement(seg, _X + "source", _PRESERVE), unit.source)
        if target.status is not None or target.text:
            self.text.fill(etree.SubElement(seg, _X + "target", _PRESERVE), target.text)
        self.xf.write(elem, pretty_print=True)

    def close(self, exc: BaseException | None = None) -> None:
        """Finish the file, or (``exc`` given) abandon it: the temporary file goes."""
        if exc is None:
            self.end_document()
            self.stack.close()
            return
        info = (type(exc), exc, exc.__traceback__)
        if self.file_ctx is not None:
            with contextlib.suppress(Exception):
                self.file_ctx.__exit__(*info)
        with contextlib.suppress(Exception):  # the temporary file is removed either way
            self.stack.__exit__(*info)


def write_xliff(units: Iterable[Unit], out: Path, options: WriteOptions) -> WriteStats:
    """Stream ``units`` to XLIFF 2.1: one file (``out`` ends in .xlf/.xliff, one
    target language) or a folder of per-document, per-language files."""
    out = Path(out)
    single = out.suffix.lower() in SUFFIXES
    if single and len(options.target_langs) != 1:
        raise InputError(
            "XLIFF is bilingual: export one target language per .xlf file, or give a "
            "folder as --out to get one file per document and language")
    if not single:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create folder {out}: {exc.strerror}") from exc
    stats = WriteStats()
    text = _Text(stats)
    outputs: dict[str, _Output] = {}
    current_doc: object = object()
    try:
        for n, unit in enumerate(units, 1):
            doc_key = (unit.document_id, unit.document)
            if doc_key != current_doc and not single:
                for o in outputs.values():
                    o.close()
                outputs.clear()
            current_doc = doc_key
            for target in unit.targets:
                o = outputs.get(target.lang)
                if o is None:
                    path = out if single else out / _file_name(unit, target.lang)
                    o = outputs[target.lang] = _Output(path, unit.source_lang, target.lang, text)
                    stats.files.append(path)
                if o.doc_key != doc_key:
                    o.start_document(unit)
                o.write_unit(unit, target, n)
                stats.cells += 1
            stats.tick(options)
    except BaseException as exc:
        for o in outputs.values():
            o.close(exc)
        raise
    for o in outputs.values():
        o.close()
    return stats


def _file_name(unit: Unit, lang: str) -> str:
    doc = unit.document_id if unit.document_id is not None else 0
    safe = lambda s: re.sub(r"[^A-Za-z0-9_.-]", "_", s)  # noqa: E731
    return f"doc{doc}.{safe(unit.source_lang)}-{safe(lang)}.xlf"


# -- reading -------------------------------------------------------------------


def read_xliff(path: Path, notes: Counter[str] | None = None) -> Iterator[Unit]:
    """Yield the units of an XLIFF 2.x file, one target (``trgLang``) each.

    Units without a ``<target>`` come back with empty text and no status
    (nothing to import). Inline codes other than ``<cp>``, ``<mrk>`` and
    ``<pc>`` are dropped and counted in ``notes``.
    """
    notes = Counter() if notes is None else notes
    src = tgt = None
    doc_id: int | None = None
    doc_title = ""
    for event, elem in safe_iterparse(path, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            if src is None:
                if tag != _X + "xliff":
                    raise FormatError(
                        f"{path}: not an XLIFF 2 file (root {tag!r}); XLIFF 1.2 files are read "
                        "by the xliff12 format")
                if not str(elem.get("version", "")).startswith("2."):
                    raise FormatError(f"{path}: XLIFF version {elem.get('version')!r} is not 2.x")
                src, tgt = elem.get("srcLang"), elem.get("trgLang")
                if not src or not tgt:
                    raise FormatError(f"{path}: <xliff> needs srcLang and trgLang")
            elif tag == _X + "file":
                doc_id, doc_title = _doc_id(elem.get("id")), elem.get("original", "")
            continue
        if tag == _M + "metadata" and elem.getparent() is not None \
                and elem.getparent().tag == _X + "file":
            meta = _meta(elem)
            doc_id = _int(meta.get("document_id"), path, "document_id") if "document_id" in meta else doc_id
            doc_title = meta.get("title", doc_title)
        elif tag == _X + "unit":
            yield _read_unit(elem, path, src, tgt, doc_id, doc_title, notes)
            clear(elem)


def _read_unit(unit: etree._Element, path: Path, src: str, tgt: str, doc_id: int | None,
               doc_title: str, notes: Counter[str]) -> Unit:
    uid = unit.get("id", "")
    where = f"{path} unit {uid!r}"
    meta: dict[str, str] = {}
    for m in unit.findall(_M + "metadata"):
        meta.update(_meta(m))
    sources, targets, states, subs, has_target = [], [], [], [], False
    for part in unit:
        if part.tag not in (_X + "segment", _X + "ignorable"):
            continue
        s = part.find(_X + "source")
        t = part.find(_X + "target")
        sources.append(_inline(s, notes))
        if t is not None:
            has_target = True
            targets.append(_inline(t, notes))
        else:
            targets.append("")
        if part.tag == _X + "segment":
            states.append(part.get("state", "initial"))
            subs.append(part.get("subState"))
    if len(states) > 1:
        notes["units with several segments joined"] += 1
    try:
        status = status_for(_least(states), subs[0] if len(set(subs)) == 1 else None) \
            if has_target else None
    except FormatError as exc:
        raise FormatError(f"{where}: {exc}") from None
    values = {attr: _typed(meta.get(name), kind, where, name) for name, attr, kind in _UNIT_META}
    target = Target(lang=tgt, text="".join(targets), status=status, **values)
    m = re.fullmatch(r"s(\d+)", uid)
    return Unit(
        source="".join(sources), source_lang=src, targets=(target,), document=doc_title,
        document_id=doc_id, segment_id=int(m.group(1)) if m else None,
        paragraph=_typed(meta.get("paragraph"), int, where, "paragraph"),
        idx=_typed(meta.get("idx"), int, where, "idx"),
    )


def _least(states: list[str]) -> str:
    order = ["initial", "translated", "reviewed", "final"]
    known = [s for s in states if s in order]
    if len(known) != len(states):
        bad = next(s for s in states if s not in order)
        raise FormatError(f"unknown XLIFF segment state {bad!r}")
    return min(known, key=order.index) if known else "initial"


def _inline(elem: etree._Element | None, notes: Counter[str]) -> str:
    if elem is None:
        return ""
    parts = [elem.text or ""]
    for child in elem:
        if child.tag == _X + "cp":
            try:
                parts.append(chr(int(child.get("hex", ""), 16)))
            except ValueError:
                raise FormatError(f"bad <cp hex={child.get('hex')!r}>") from None
        elif child.tag in (_X + "mrk", _X + "pc"):
            parts.append(_inline(child, notes))
        else:
            notes["inline codes (<ph>, <sc>, <ec>, <sm>, <em>) dropped"] += 1
        parts.append(child.tail or "")
    return "".join(parts)


def _meta(elem: etree._Element) -> dict[str, str]:
    return {m.get("type"): m.text or "" for m in elem.iter(_M + "meta")}


def _doc_id(file_id: str | None) -> int | None:
    m = re.fullmatch(r"d(\d+)", file_id or "")
    return int(m.group(1)) if m else None


def _int(value: str, path: Path, name: str) -> int:
    return _typed(value, int, str(path), name)


def _typed(value: str | None, kind: type, where: str, name: str):
    if value is None:
        return None
    if kind is str:
        return value
    try:
        return kind(value)
    except ValueError:
        raise FormatError(f"{where}: metadata {name!r} wants a number, got {value!r}") from None


FORMAT = Format(
    name="xliff", extensions=SUFFIXES,
    description="XLIFF 2.1 bilingual files for CAT tools (file or folder per document)",
    write=write_xliff, read=read_xliff,
)
