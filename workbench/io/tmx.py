"""TMX 1.4b: translation memories for CAT tools (OmegaT, Trados, memoQ).

Layout written (valid against the TMX 1.4b DTD, ``tests/data/schemas/tmx14.dtd``)::

    <tmx version="1.4">
      <header creationtool="workbench" creationtoolversion="…" segtype="sentence"
              o-tmf="workbench" adminlang="en" srclang="fr" datatype="plaintext"
              creationdate="YYYYMMDDThhmmssZ"/>
      <body>
        <tu tuid="s42" srclang="fr">
          <prop type="x-document">title</prop>  x-document-id, x-segment-id,
                                                 x-paragraph, x-idx
          <tuv xml:lang="fr"><seg>source</seg></tuv>
          <tuv xml:lang="en">
            <prop type="x-status">approved</prop>  x-version, x-confidence,
                                                    x-engine, x-model, x-model-version, x-mt
            <seg>reviewed text</seg>
          </tuv>
          … one <tuv> per target language (multilingual TMX)
        </tu>

Per-target metadata sits on the target ``<tuv>`` because each language has
its own review status and alignment. Inline codes read from a file
(``<bpt>``/``<ept>``, ``<ph>``, ``<it>``, ``<ut>``, ``<hi>``) are written back as they
were read (:mod:`workbench.io.inline`). Writing streams through
``lxml.etree.xmlfile`` (one ``<tu>`` in memory at a time); escaping is
lxml's. Characters XML 1.0 forbids are removed and counted.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from lxml import etree

from workbench import __version__
from workbench.errors import FormatError
from workbench.io import inline
from workbench.io.base import (STATUSES, Format, Target, Unit, WriteOptions, WriteStats,
                               XmlCleaner, atomic_output, number)
from workbench.io.xmlsafe import clear, safe_iterparse

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
_UNIT_PROPS = (("x-document", "document"), ("x-document-id", "document_id"),
               ("x-segment-id", "segment_id"), ("x-paragraph", "paragraph"), ("x-idx", "idx"))
_TARGET_PROPS = (("x-status", "status"), ("x-version", "version"),
                 ("x-confidence", "confidence"), ("x-engine", "engine"), ("x-model", "model"),
                 ("x-model-version", "model_version"), ("x-mt", "mt"))


_Cleaner = XmlCleaner


def write_tmx(units: Iterable[Unit], out: Path, options: WriteOptions) -> WriteStats:
    """Stream ``units`` to a TMX 1.4b file at ``out`` (atomically)."""
    stats = WriteStats(files=[Path(out)])
    clean = _Cleaner(stats)
    header = {
        "creationtool": "workbench", "creationtoolversion": __version__,
        "segtype": "sentence", "o-tmf": "workbench", "adminlang": "en",
        "srclang": clean(options.source_lang), "datatype": "plaintext",
        "creationdate": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
    }
    with atomic_output(Path(out)) as handle, etree.xmlfile(handle, encoding="UTF-8") as xf:
        xf.write_declaration()
        xf.write_doctype(DOCTYPE)
        with xf.element("tmx", version="1.4"):
            xf.write("\n")
            head = etree.Element("header", header)
            xf.write(head, pretty_print=True)
            with xf.element("body"):
                xf.write("\n")
                for n, unit in enumerate(units):
                    clean.unit_id = unit.unit_id or f"#{n + 1}"
                    xf.write(_layout(_tu(unit, clean, n)))
                    stats.cells += len(unit.targets)
                    stats.tick(options)
            xf.write("\n")
    return stats


def _tu(unit: Unit, clean: _Cleaner, n: int) -> etree._Element:
    tu = etree.Element("tu", tuid=clean(unit.unit_id or f"u{n + 1}"),
                       srclang=clean(unit.source_lang))
    for prop_type, attr in _UNIT_PROPS:
        value = getattr(unit, attr)
        if value is not None and value != "":
            etree.SubElement(tu, "prop", type=prop_type).text = clean(value)
    _tuv(tu, unit.source_lang, unit.source, (), clean, unit.codes)
    for target in unit.targets:
        props = [(p, getattr(target, a)) for p, a in _TARGET_PROPS]
        _tuv(tu, target.lang, target.text, props, clean, unit.codes)
    return tu


def _tuv(tu: etree._Element, lang: str, text: str, props: Iterable[tuple[str, object]],
         clean: _Cleaner, codes: inline.Codes = ()) -> None:
    tuv = etree.SubElement(tu, "tuv", {XML_LANG: clean(lang)})
    for prop_type, value in props:
        if value is not None:
            etree.SubElement(tuv, "prop", type=prop_type).text = clean(value)
    seg = etree.SubElement(tuv, "seg")
    if codes and inline.has_codes(text):  # the file's own elements, as they were read
        inline.write_inline(seg, text, codes,
                            lambda parent, chunk, tail: inline.append_text(parent, clean(chunk),
                                                                           tail))
    else:
        seg.text = clean(text)


def _layout(tu: etree._Element) -> etree._Element:
    """Indent ``<tu>`` and its ``<tuv>``s by hand, never inside a ``<seg>``: lxml's
    pretty printer would indent a segment made of inline codes only, changing its text."""
    for elem, depth in [(tu, 0)] + [(c, 1) for c in tu if c.tag == "tuv"]:
        inner, outer = "\n" + "  " * (depth + 1), "\n" + "  " * depth
        elem.text = inner
        for child in elem:
            child.tail = inner
        elem[-1].tail = outer
    tu.tail = "\n"
    return tu


# -- reading -------------------------------------------------------------------


def read_tmx(path: Path, notes: Counter[str] | None = None) -> Iterator[Unit]:
    """Yield the units of a TMX file (any TMX 1.4, not only the workbench's).

    The source ``<tuv>`` is the one in the ``srclang`` of the ``<tu>`` or of the
    header; the others are targets. ``x-`` props written by :func:`write_tmx`
    come back as metadata. Inline codes (``<bpt>``, ``<ept>``, ``<ph>``, ``<it>``,
    ``<ut>``, and ``<hi>`` around text) become placeholders in the texts and
    ``Unit.codes`` (:mod:`workbench.io.inline`), so that :func:`write_tmx` writes
    the very same elements back.
    """
    for unit, _ in read_tmx_elements(path, notes):
        yield unit


def read_tmx_elements(path: Path, notes: Counter[str] | None = None
                      ) -> Iterator[tuple[Unit, etree._Element]]:
    """:func:`read_tmx`, each unit with its ``<tu>`` element, valid until the next unit
    (for readers of attributes the unit does not keep, such as authors and dates)."""
    notes = Counter() if notes is None else notes
    header_src: str | None = None
    declared = _Declared()
    count = 0
    root_seen = False
    for event, elem in safe_iterparse(path, events=("start", "end")):
        if event == "start":
            if not root_seen and elem.tag != "tmx":
                raise FormatError(f"{path}: not a TMX file (root element {elem.tag!r}, not 'tmx')")
            root_seen = True
            continue
        if elem.tag == "header":
            header_src = elem.get("srclang")
            declared = _Declared(header_src, elem.sourceline)
            clear(elem)
        elif elem.tag == "tu":
            count += 1
            declared.see(elem)
            unit = _read_tu(elem, header_src, path, count, notes)
            if unit is not None:
                yield unit, elem
            clear(elem)
        elif elem.tag == "tmx":
            if header_src is None:
                raise FormatError(f"{path}: not a TMX file (no <header> with srclang)")
            declared.check(path)


class _Declared:
    """Whether the header's ``srclang`` agrees with the units: a file whose declared
    source language has no text in any unit that has text (``srclang="fr"`` while every
    French side is empty or missing) contradicts itself and is refused, by line. Units
    of any other direction are fine: a ``<tu srclang>`` of its own decides for it."""

    def __init__(self, lang: str | None = None, line: int | None = None) -> None:
        self.lang = None if lang in (None, "", "*all*") else lang.lower().split("-")[0]
        self.declared = lang
        self.line = line
        self.with_text = 0
        self.in_lang = 0
        self.langs: Counter[str] = Counter()

    def see(self, tu: etree._Element) -> None:
        if self.lang is None or tu.get("srclang"):
            return
        texts = {(c.get(XML_LANG) or c.get("lang") or "").lower().split("-")[0]:
                 _words(c.find("seg")) for c in tu if c.tag == "tuv"}
        if any(texts.values()):
            self.with_text += 1
            self.in_lang += bool(texts.get(self.lang))
            self.langs.update(lang for lang, text in texts.items() if text)

    def check(self, path: Path) -> None:
        if self.lang is None or not self.with_text or self.in_lang:
            return
        found = ", ".join(f"{lang} ({n})" for lang, n in self.langs.most_common())
        raise FormatError(
            f"{path} line {self.line}: the header declares srclang=\"{self.declared}\", but none "
            f"of the {self.with_text} units has text in {self.lang} (units with text per "
            f"language: {found}); the file contradicts its own units: correct srclang "
            "and import again; nothing was imported")


def _words(seg: etree._Element | None) -> str:
    """The text of a ``<seg>`` without its inline codes' markup (``<hi>`` holds text)."""
    if seg is None:
        return ""
    parts = [seg.text or ""]
    for child in seg:
        if child.tag == "hi":
            parts.append(_words(child))
        parts.append(child.tail or "")
    return "".join(parts).strip()


def _read_tu(tu: etree._Element, header_src: str | None, path: Path, n: int,
             notes: Counter[str]) -> Unit | None:
    where = f"{path} <tu> #{n}" + (f" (tuid {tu.get('tuid')})" if tu.get("tuid") else "")
    props = _props(tu)
    tuvs = [(c.get(XML_LANG) or c.get("lang"), c) for c in tu if c.tag == "tuv"]
    if any(lang is None for lang, _ in tuvs):
        raise FormatError(f"{where}: a <tuv> has no xml:lang")
    src_lang = tu.get("srclang") or header_src
    src_i = _find_source(tuvs, src_lang)
    if src_i is None:
        if len(tuvs) < 2:
            notes["<tu> with fewer than two languages skipped"] += 1
            return None
        src_i = 0
    codes = _code_reader()
    source = _seg_text(tuvs[src_i][1], where, codes)  # its codes first: numbered as it shows
    targets = []
    for i, (lang, tuv) in enumerate(tuvs):
        if i == src_i:
            continue
        tprops = _props(tuv)
        status = tprops.get("x-status")
        if status is not None and status not in STATUSES:
            raise FormatError(f"{where}: unknown x-status {status!r}; use one of {', '.join(STATUSES)}")
        targets.append(Target(
            lang=lang, text=_seg_text(tuv, where, codes), status=status,
            version=_num(tprops.get("x-version"), int, where),
            confidence=_num(tprops.get("x-confidence"), float, where),
            mt=tprops.get("x-mt"), engine=tprops.get("x-engine"), model=tprops.get("x-model"),
            model_version=tprops.get("x-model-version"),
        ))
    if not targets:
        notes["<tu> with fewer than two languages skipped"] += 1
        return None
    src_lang_found = tuvs[src_i][0]
    if src_lang and src_lang != "*all*" and src_lang_found.lower() == src_lang.lower():
        src_lang_found = src_lang  # one spelling per file ("fr-FR" vs "FR-FR")
    return Unit(
        source=source, source_lang=src_lang_found, codes=tuple(codes.codes),
        targets=tuple(targets), document=props.get("x-document", ""),
        document_id=_num(props.get("x-document-id"), int, where),
        segment_id=_num(props.get("x-segment-id"), int, where),
        paragraph=_num(props.get("x-paragraph"), int, where),
        idx=_num(props.get("x-idx"), int, where),
    )


def _find_source(tuvs: list[tuple[str, etree._Element]], src_lang: str | None) -> int | None:
    if not src_lang or src_lang == "*all*":
        return None
    wanted = src_lang.lower()
    for i, (lang, _) in enumerate(tuvs):
        if lang.lower() == wanted:
            return i
    for i, (lang, _) in enumerate(tuvs):  # "fr" header, "fr-FR" tuv (or the reverse)
        if lang.lower().split("-")[0] == wanted.split("-")[0]:
            return i
    return None


def _props(elem: etree._Element) -> dict[str, str]:
    return {p.get("type"): p.text or "" for p in elem if p.tag == "prop"}


def _seg_text(tuv: etree._Element, where: str, codes: inline.CodeReader) -> str:
    seg = tuv.find("seg")
    if seg is None:
        raise FormatError(f"{where}: <tuv xml:lang={tuv.get(XML_LANG)!r}> has no <seg>")
    return codes.read(seg)


def _code_reader() -> inline.CodeReader:
    """Reads the inline codes of one ``<tu>`` (its ``<tuv>``s share one code list):
    ``<bpt>`` opens, ``<ept>`` closes, ``<ph>``, ``<it>``, ``<ut>`` stand alone, and
    ``<hi>`` wraps translatable text."""
    return inline.CodeReader(wrapping=frozenset({"hi"}), opening=frozenset({"bpt"}),
                             closing=frozenset({"ept"}))


_num = number


FORMAT = Format(
    name="tmx", extensions=(".tmx",),
    description="TMX 1.4b translation memory (multilingual when several targets)",
    write=write_tmx, read=read_tmx,
)
