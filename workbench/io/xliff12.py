"""XLIFF 1.2: the bilingual format CAT tools exchange (Trados, memoQ, Okapi, Weblate…).

Export (valid against the OASIS XLIFF 1.2 *strict* schema)::

    <xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
      <file original="title" source-language="fr" target-language="en"
            datatype="plaintext" tool-id="workbench" xml:space="preserve">
        <header><tool tool-id="workbench" tool-name="workbench" tool-version="…"/></header>
        <body>
          <group id="d12" resname="title">                 one per document
            <trans-unit id="s42" approved="yes">           one per segment
              <source>…</source>
              <target state="final">…</target>
              <context-group name="workbench:s42" purpose="information">
                <context context-type="x-status">approved</context>  x-version,
                     x-paragraph, x-idx, x-confidence, x-engine, x-model, x-model-version
              </context-group>
              <alt-trans origin="mt:argos" alttranstype="proposal"><target>…</target></alt-trans>
              <alt-trans origin="memory:review" match-quality="87%" alttranstype="proposal">
                <target>…</target></alt-trans>                   memory matches, best first
              <note from="workbench">alignment confidence 0.83</note>
              <note from="glossary">glossary: putin: missing “Putin”</note>
            </trans-unit>

One ``<file>`` per document and target language (XLIFF 1.2 names the target
language per ``<file>``, so one file holds several). Review status → state:
``todo`` → ``translated`` (``needs-translation`` when empty), ``approved`` →
``final`` and ``approved="yes"``, ``rejected``/``flagged`` →
``needs-review-translation``; the ``x-status`` context keeps the exact status
and wins on import while the state is still the one written for it. Inline
codes are written back from the segment's code list (:mod:`workbench.io.inline`).
Attributes of other namespaces on a code (Trados' ``sdl:cid`` on a ``<mrk>``)
are left out (:func:`workbench.io.inline.strict`), so the file stays valid
against the strict schema; the write-back into the tool's own file keeps them
(:mod:`workbench.io.xliff12_original`). XML 1.0 cannot hold control characters
(XLIFF 1.2 has no ``<cp>``): they are removed and counted.

Import reads any XLIFF 1.2 (and 1.0/1.1 without namespace): ``<group>``
nesting, several ``<file>`` elements, ``<seg-source>`` whose ``<mrk
mtype="seg">`` sub-segments become one segment each (Trados, Okapi), tool
namespaces (``sdl:``, ``mq:``) ignored, except for status; inline codes kept as
placeholders and markup. Status, first that applies: the workbench's
``x-status`` (see above); Trados' ``sdl:conf`` (``Draft``/``Translated`` →
todo, ``ApprovedTranslation``/``ApprovedSignOff`` → approved, ``Rejected*``
→ rejected, ``NotTranslated`` → untranslated); memoQ's ``mq:status``
(``NotStarted`` → untranslated, ``Reviewer1Confirmed``/``Reviewer2Confirmed`` →
approved, ``Rejected`` → rejected, others → todo); the target ``state``
(``new``/``needs-translation`` → untranslated, ``translated``/``needs-review-*``/
``needs-adaptation``/``needs-l10n`` → todo, ``final``/``signed-off`` →
approved; an unknown ``x-`` state → todo, counted); ``approved="yes"`` →
approved. Untranslated targets are not imported (counted). Unit ids
(``s<segment id>``) and groups (``d<document id>``) are trusted only in files
whose ``<file tool-id="workbench">``.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from lxml import etree

from workbench import __version__
from workbench.errors import FormatError
from workbench.io import inline
from workbench.io.base import (Format, Target, Unit, WriteOptions, WriteStats, XmlCleaner,
                               atomic_output, number)
from workbench.io.xmlsafe import clear, safe_iterparse

NS = "urn:oasis:names:tc:xliff:document:1.2"
_NAMESPACES = (NS, "urn:oasis:names:tc:xliff:document:1.1", "")
SDL = "http://sdl.com/FileTypes/SdlXliff/1.0"
MQ = "MQXliff"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
TOOL = "workbench"
SUFFIXES = (".xliff", ".xlf", ".sdlxliff", ".mqxliff")
_X = "{%s}" % NS

_CONTEXTS = (("x-status", "status", str), ("x-version", "version", int),
             ("x-confidence", "confidence", float), ("x-engine", "engine", str),
             ("x-model", "model", str), ("x-model-version", "model_version", str))
_POSITIONS = (("x-paragraph", "paragraph"), ("x-idx", "idx"))

_TO_STATE = {"todo": "translated", "approved": "final", "rejected": "needs-review-translation",
             "flagged": "needs-review-translation"}
_UNTRANSLATED = "untranslated"
_FROM_STATE = {"new": _UNTRANSLATED, "needs-translation": _UNTRANSLATED,
               "translated": "todo", "needs-review-translation": "todo",
               "needs-review-adaptation": "todo", "needs-review-l10n": "todo",
               "needs-adaptation": "todo", "needs-l10n": "todo",
               "final": "approved", "signed-off": "approved"}
_SDL_CONF = {"Unspecified": _UNTRANSLATED, "NotTranslated": _UNTRANSLATED, "Draft": "todo",
             "Translated": "todo", "RejectedTranslation": "rejected",
             "RejectedSignOff": "rejected", "ApprovedTranslation": "approved",
             "ApprovedSignOff": "approved"}
_MQ_STATUS = {"NotStarted": _UNTRANSLATED, "Reviewer1Confirmed": "approved",
              "Reviewer2Confirmed": "approved", "Rejected": "rejected"}

#: XLIFF 1.2 inline elements: around text (``g``, ``mrk``), opening, closing; the
#: rest (``x``, ``ph``, ``it``) and anything unknown stand alone.
READER = dict(wrapping=frozenset({"g", "mrk"}), opening=frozenset({"bpt", "bx"}),
              closing=frozenset({"ept", "ex"}))


def state_for(status: str | None, text: str) -> str | None:
    """The XLIFF 1.2 ``state`` of a review status (``None``: no target written)."""
    if status is None:
        return None if not text else "translated"
    if status == "todo" and not text:
        return "needs-translation"
    return _TO_STATE[status]


# -- writing -------------------------------------------------------------------


class _Writer:
    """Builds ``<file>`` elements, cleaning text XML 1.0 cannot hold (counted)."""

    def __init__(self, stats: WriteStats) -> None:
        self.clean = XmlCleaner(stats)

    def fill(self, elem: etree._Element, text: str, codes: inline.Codes) -> None:
        def add(parent: etree._Element, chunk: str, as_tail: bool) -> None:
            inline.append_text(parent, self.clean(chunk), as_tail)

        inline.write_inline(elem, text, tuple(replace(c, xml=inline.strict(c.xml))
                                              for c in codes), add)

    def file(self, units: list[Unit], lang: str) -> etree._Element:
        head = units[0]
        f = etree.Element(_X + "file", {
            "original": self.clean(head.document or f"document {head.document_id}"),
            "source-language": self.clean(head.source_lang), "target-language": self.clean(lang),
            "datatype": "plaintext", "tool-id": TOOL, XML_SPACE: "preserve"}, nsmap={None: NS})
        header = etree.SubElement(f, _X + "header")
        etree.SubElement(header, _X + "tool", {"tool-id": TOOL, "tool-name": "workbench",
                                               "tool-version": __version__})
        body = etree.SubElement(f, _X + "body")
        group = etree.SubElement(body, _X + "group", id=f"d{head.document_id or 0}")
        if head.document:
            group.set("resname", self.clean(head.document))
        for n, unit in enumerate(units, 1):
            for t in unit.targets:
                if t.lang == lang:
                    self.unit(group, unit, t, n)
        return f

    def unit(self, parent: etree._Element, unit: Unit, t: Target, n: int) -> None:
        self.clean.unit_id = uid = unit.unit_id or f"u{n}"
        tu = etree.SubElement(parent, _X + "trans-unit", id=uid)
        if t.status == "approved":
            tu.set("approved", "yes")
        self.fill(etree.SubElement(tu, _X + "source"), unit.source, unit.codes)
        state = state_for(t.status, t.text)
        if state is not None:
            self.fill(etree.SubElement(tu, _X + "target", state=state), t.text, unit.codes)
        values = [(name, getattr(t, attr)) for name, attr, _ in _CONTEXTS]
        values += [(name, getattr(unit, attr)) for name, attr in _POSITIONS]
        values = [(name, v) for name, v in values if v is not None]
        if values:
            group = etree.SubElement(tu, _X + "context-group", name=f"{TOOL}:{uid}",
                                     purpose="information")
            for name, value in values:
                etree.SubElement(group, _X + "context", {"context-type": name}).text = \
                    self.clean(value)
        if t.mt:
            alt = etree.SubElement(tu, _X + "alt-trans", origin=self.clean(
                f"mt:{t.engine or 'unknown'}" + (f" {t.model}" if t.model else "")),
                alttranstype="proposal")
            self.fill(etree.SubElement(alt, _X + "target"), t.mt, unit.codes)
        for alt in t.alternatives:
            attrs = {"origin": self.clean(alt.origin), "alttranstype": "proposal"}
            if alt.score is not None:
                attrs["match-quality"] = f"{alt.score}%"
            elem = etree.SubElement(tu, _X + "alt-trans", attrs)
            self.fill(etree.SubElement(elem, _X + "target"), alt.text, unit.codes)
        if t.confidence is not None:
            etree.SubElement(tu, _X + "note", {"from": TOOL}).text = \
                f"alignment confidence {t.confidence:.2f}"
        for note in t.notes:
            etree.SubElement(tu, _X + "note", {"from": "glossary"}).text = self.clean(note)


def write_xliff12(units: Iterable[Unit], out: Path, options: WriteOptions) -> WriteStats:
    """Stream ``units`` to one XLIFF 1.2 file at ``out`` (atomically): one ``<file>``
    per document and target language (a document's units are held in memory)."""
    out = Path(out)
    stats = WriteStats(files=[out])
    writer = _Writer(stats)
    with atomic_output(out) as handle, etree.xmlfile(handle, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(_X + "xliff", version="1.2", nsmap={None: NS}):
            xf.write("\n")
            for _, doc in itertools.groupby(units, key=lambda u: (u.document_id, u.document)):
                doc_units = list(doc)
                for lang in options.target_langs:
                    if any(t.lang == lang for u in doc_units for t in u.targets):
                        xf.write(writer.file(doc_units, lang), pretty_print=True)
                for u in doc_units:
                    stats.cells += len(u.targets)
                    stats.tick(options)
    return stats


# -- reading -------------------------------------------------------------------


def is_xliff12(path: Path) -> bool:
    """Whether the file's root is ``<xliff>`` with a 1.x version (else XLIFF 2 or not XLIFF)."""
    for _, elem in safe_iterparse(path, events=("start",)):
        return etree.QName(elem).localname == "xliff" and _version_1(elem)
    return False


def _version_1(root: etree._Element) -> bool:
    """``version="1.x"``, or no version in an XLIFF 1.1/1.2 namespace (old Weblate files)."""
    version = root.get("version")
    return str(version).startswith("1.") if version else \
        etree.QName(root).namespace in _NAMESPACES[:2]


def read_xliff12(path: Path, notes: Counter[str] | None = None) -> Iterator[Unit]:
    """Yield the units of an XLIFF 1.x file (see the module doc): one per trans-unit,
    or per ``<mrk mtype="seg">`` sub-segment where the unit has a ``<seg-source>``."""
    return (unit for _, _, unit in read_located(path, notes))


def read_located(path: Path, notes: Counter[str] | None = None
                 ) -> Iterator[tuple[int, str | None, Unit]]:
    """The units of :func:`read_xliff12`, each with where it is: the position of its
    ``<trans-unit>`` among the file's trans-units and the ``mid`` of its sub-segment
    (``None``: the whole unit), for writing back into the file
    (:mod:`workbench.io.xliff12_original`)."""
    notes = Counter() if notes is None else notes
    ordinal = -1
    root_seen = False
    ns = NS
    file_attrs: dict[str, str] = {}
    groups: list[str | None] = []
    for event, elem in safe_iterparse(path, events=("start", "end")):
        q = etree.QName(elem)
        if event == "start":
            if not root_seen:
                root_seen = True
                if q.localname != "xliff" or q.namespace not in (*_NAMESPACES, None):
                    raise FormatError(f"{path}: not an XLIFF file (root {elem.tag!r})")
                if not _version_1(elem):
                    raise FormatError(f"{path}: XLIFF version {elem.get('version')!r} is not 1.x")
                ns = q.namespace or ""
            elif q.namespace == (ns or None) and q.localname == "file":
                file_attrs = dict(elem.attrib)
                for need in ("source-language", "target-language"):
                    if not file_attrs.get(need):
                        raise FormatError(f"{path}: <file original={elem.get('original')!r}> "
                                          f"has no {need}; the workbench needs both languages")
            elif q.namespace == (ns or None) and q.localname == "group":
                groups.append(elem.get("id"))
            continue
        if q.namespace != (ns or None):
            continue
        if q.localname == "group":
            groups.pop()
        elif q.localname == "trans-unit":
            ordinal += 1
            yield from ((ordinal, mid, unit)
                        for mid, unit in _units(elem, path, ns, file_attrs, groups, notes))
            clear(elem)


def _units(tu: etree._Element, path: Path, ns: str, file_attrs: dict[str, str],
           groups: list[str | None], notes: Counter[str]) -> Iterator[tuple[str | None, Unit]]:
    """The units of one ``<trans-unit>``, each with the ``mid`` of its sub-segment."""
    x = "{%s}" % ns if ns else ""
    uid = tu.get("id", "")
    where = f"{path} trans-unit {uid!r}"
    if tu.get("translate") == "no":
        notes["units marked translate=\"no\" skipped"] += 1
        return
    ours = file_attrs.get("tool-id") == TOOL
    src, tgt = file_attrs["source-language"], file_attrs["target-language"]
    context = _contexts(tu, x) if ours else {}
    doc_id = next((int(m.group(1)) for g in reversed(groups)
                   if ours and g and (m := re.fullmatch(r"d(\d+)", g))), None)
    m = re.fullmatch(r"s(\d+)", uid) if ours else None
    source = tu.find(x + "source")
    if source is None:
        raise FormatError(f"{where}: no <source>")
    target = tu.find(x + "target")
    seg_source = tu.find(x + "seg-source")
    pieces: list[tuple[str | None, etree._Element, etree._Element | None]] = []
    if seg_source is not None:
        marks = [e for e in seg_source.iter(x + "mrk") if e.get("mtype") == "seg"]
        t_marks = {e.get("mid"): e for e in target.iter(x + "mrk") if e.get("mtype") == "seg"} \
            if target is not None else {}
        for mrk in marks:
            pieces.append((mrk.get("mid"), mrk, t_marks.get(mrk.get("mid"))))
    if not pieces:
        pieces = [(None, source, target)]
    sdl_conf = {s.get("id"): s.get("conf") for s in tu.iter(f"{{{SDL}}}seg")}
    for mid, s_elem, t_elem in pieces:
        reader = inline.CodeReader(**READER)
        text = reader.read(s_elem)
        if not inline.plain(text).strip():
            notes["empty source segments skipped"] += 1
            continue
        t_text = reader.read(t_elem)
        status = _status(tu, target, sdl_conf.get(mid) if mid is not None else
                         next(iter(sdl_conf.values()), None), context, notes, where)
        if status == _UNTRANSLATED:
            if t_text:
                notes["targets in an untranslated state (new, needs-translation, NotStarted…) "
                      "not imported"] += 1
            status, t_text = None, ""
        elif t_elem is None or (not t_text and status is None):
            status, t_text = None, ""
        target_obj = Target(
            lang=tgt, text=t_text, status=status,
            version=number(context.get("x-version"), int, where),
            confidence=number(context.get("x-confidence"), float, where),
            mt=_mt(tu, x, reader) if ours else None, engine=context.get("x-engine"),
            model=context.get("x-model"), model_version=context.get("x-model-version"))
        yield mid, Unit(
            source=text, source_lang=src, targets=(target_obj,),
            document=file_attrs.get("original", ""), document_id=doc_id,
            segment_id=int(m.group(1)) if m and len(pieces) == 1 else None,
            paragraph=number(context.get("x-paragraph"), int, where),
            idx=number(context.get("x-idx"), int, where), codes=tuple(reader.codes or ()))


def _status(tu: etree._Element, target: etree._Element | None, sdl_conf: str | None,
            context: dict[str, str], notes: Counter[str], where: str) -> str | None:
    state = target.get("state") if target is not None else None
    ours = context.get("x-status")
    if ours is not None:
        if ours not in _TO_STATE:
            raise FormatError(f"{where}: unknown x-status {ours!r}")
        if state == state_for(ours, "x") or (ours == "todo" and state == "needs-translation"):
            return ours
    if sdl_conf is not None:
        if sdl_conf in _SDL_CONF:
            return _SDL_CONF[sdl_conf]
        notes[f"unknown Trados confirmation level {sdl_conf!r} read as todo"] += 1
        return "todo"
    mq = tu.get(f"{{{MQ}}}status")
    if mq is not None:
        return _MQ_STATUS.get(mq, "todo")
    if state is not None:
        if state in _FROM_STATE:
            status = _FROM_STATE[state]
            if status == "todo" and tu.get("approved") == "yes" and state == "translated":
                return "approved"
            return status
        notes[f"unknown state {state!r} read as todo"] += 1
        return "todo"
    if tu.get("approved") == "yes":
        return "approved"
    return None


def _contexts(tu: etree._Element, x: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for group in tu.findall(x + "context-group"):
        if (group.get("name") or "").startswith(TOOL + ":"):
            for c in group.findall(x + "context"):
                out[c.get("context-type", "")] = c.text or ""
    return out


def _mt(tu: etree._Element, x: str, reader: inline.CodeReader) -> str | None:
    for alt in tu.findall(x + "alt-trans"):
        if (alt.get("origin") or "").startswith("mt:"):
            return reader.read(alt.find(x + "target"))
    return None


FORMAT = Format(
    name="xliff12", extensions=SUFFIXES,
    description="XLIFF 1.2 for CAT tools (Trados, memoQ, Okapi, Weblate): one <file> per "
                "document and language, inline codes kept",
    write=write_xliff12, read=read_xliff12, detect=is_xliff12, suggestions=True,
)
