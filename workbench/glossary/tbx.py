"""TBX (ISO 30042) import and export, with the same meaning as the CSV format.

Export writes TBX 2019 (``urn:iso:std:iso:30042:ed-2``, DCA style, TBX-Basic
dialect): one ``conceptEntry`` per concept (``id`` = concept id), one
``langSec`` per language, one ``termSec`` per form with
``termNote type="administrativeStatus"`` = ``preferredTerm-admn-sts`` or
``admittedTerm-admn-sts``, and the CSV note as ``note``.

Import reads that and the older TBX 2008 / TBX-Basic layout (``martif``,
``termEntry``, ``langSet``, ``tig``/``ntig``), with or without namespace:

* ``preferredTerm-admn-sts`` (also ``normativeAuthorization`` = ``preferredTerm``)
  -> preferred; any other status -> variant. A language section with a single
  term and no status -> preferred (the only form is the one to use); several
  terms without a preferred one -> the usual "no preferred form" error.
* ``xml:lang`` region subtags are dropped (``fr-FR`` -> ``fr``); each such
  mapping, and each generated concept id (``tbx-3`` for an entry without id),
  is reported as a notice, never done silently.
* Hostile files are refused before any term is read: the parser never loads
  a DTD, never touches the network and never expands entities, and a DOCTYPE
  that declares any entity (XXE, billion laughs) is refused outright.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from workbench.errors import FormatError
from workbench.io.xmlsafe import safe_parse
from workbench.glossary.csvio import atomic_write_text
from workbench.glossary.model import PREFERRED, VARIANT, Glossary, Term

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_BYTES = 64 * 1024 * 1024
_PREFERRED_VALUES = {"preferredterm-admn-sts", "preferredterm", "preferred"}
_STATUS_TYPES = {"administrativestatus", "normativeauthorization"}


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _parse(path: Path) -> etree._ElementTree:
    """Parse without DTD, network or entity expansion; refuse entity declarations."""
    source = str(path)
    if not path.is_file():
        raise FormatError(f"{source}: no such TBX file")
    if path.stat().st_size > MAX_BYTES:
        raise FormatError(f"{source}: larger than {MAX_BYTES // 2**20} MiB; refused")
    tree = safe_parse(path)
    for node in tree.getroot().iter():
        if isinstance(node, etree._Entity):
            raise FormatError(f"{source}:{node.sourceline}: refused: undeclared entity reference "
                              f"&{node.name}; in the document")
    return tree


def _children(elem: etree._Element, *names: str) -> list[etree._Element]:
    return [c for c in elem if _local(c.tag) in names]


def _text(elem: etree._Element) -> str:
    return "".join(elem.itertext()).strip()


def read_tbx(path: Path | str) -> tuple[Glossary, list[str]]:
    """A validated glossary from a TBX file, and the notices about what was mapped."""
    path = Path(path)
    source = str(path)
    root = _parse(path).getroot()
    if _local(root.tag) not in ("tbx", "martif"):
        raise FormatError(f"{source}: the root element is <{_local(root.tag)}>, not <tbx> or <martif>; "
                          "not a TBX file")
    notices: list[str] = []
    terms: list[Term] = []
    entries = [e for e in root.iter() if _local(e.tag) in ("conceptEntry", "termEntry")]
    if not entries:
        raise FormatError(f"{source}: no conceptEntry/termEntry elements; nothing to import")
    mapped: dict[str, str] = {}
    for n, entry in enumerate(entries, 1):
        cid = (entry.get("id") or entry.get("{http://www.w3.org/XML/1998/namespace}id") or "").strip()
        if not cid:
            cid = f"tbx-{n}"
            notices.append(f"line {entry.sourceline}: entry without id named {cid!r}")
        for sec in _children(entry, "langSec", "langSet"):
            raw_lang = (sec.get(XML_LANG) or "").strip()
            lang = raw_lang.split("-")[0].split("_")[0].lower()
            if lang != raw_lang and raw_lang:
                mapped[raw_lang] = lang
            forms = []
            for ts in _children(sec, "termSec", "tig", "ntig"):
                holder = (_children(ts, "termGrp") or [ts])[0]
                term_el = _children(holder, "term")
                text = _text(term_el[0]) if term_el else ""
                status = None
                for note in [*_children(holder, "termNote"), *_children(ts, "termNote")]:
                    if (note.get("type") or "").lower() in _STATUS_TYPES:
                        status = PREFERRED if _text(note).lower() in _PREFERRED_VALUES else VARIANT
                notes = [_text(x) for x in _children(ts, "note") if _text(x)]
                forms.append([text, status, "; ".join(notes), ts.sourceline or 0])
            if len(forms) == 1 and forms[0][1] is None:
                forms[0][1] = PREFERRED
            for text, status, note, line in forms:
                terms.append(Term(cid, lang, text, status or VARIANT, note, line))
    notices.extend(f"xml:lang {k!r} read as {v!r}" for k, v in mapped.items())
    return Glossary.from_terms(terms, source), notices


def load_tbx(path: Path | str) -> Glossary:
    """:func:`read_tbx` without the notices."""
    return read_tbx(path)[0]


def to_tbx(glossary: Glossary, title: str = "") -> bytes:
    """The glossary as a TBX 2019 (TBX-Basic, DCA) document."""
    nsmap = {None: TBX_NS}
    root = etree.Element(f"{{{TBX_NS}}}tbx", nsmap=nsmap, style="dca", type="TBX-Basic")
    root.set(XML_LANG, glossary.languages[0] if glossary.languages else "en")
    header = etree.SubElement(root, f"{{{TBX_NS}}}tbxHeader")
    file_desc = etree.SubElement(header, f"{{{TBX_NS}}}fileDesc")
    title_stmt = etree.SubElement(file_desc, f"{{{TBX_NS}}}titleStmt")
    etree.SubElement(title_stmt, f"{{{TBX_NS}}}title").text = title or Path(glossary.source).stem or "glossary"
    source_desc = etree.SubElement(file_desc, f"{{{TBX_NS}}}sourceDesc")
    etree.SubElement(source_desc, f"{{{TBX_NS}}}p").text = (
        f"Exported by workbench from {glossary.source}; glossary sha256 {glossary.hash}")
    body = etree.SubElement(etree.SubElement(root, f"{{{TBX_NS}}}text"), f"{{{TBX_NS}}}body")
    try:
        _entries(body, glossary)
    except ValueError as exc:  # a note with a control character cannot be XML
        raise FormatError(f"{glossary.source}: cannot be written as TBX: {exc}") from None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _entries(body: etree._Element, glossary: Glossary) -> None:
    for concept in glossary.concepts.values():
        entry = etree.SubElement(body, f"{{{TBX_NS}}}conceptEntry", id=concept.id)
        for lang in concept.langs:
            sec = etree.SubElement(entry, f"{{{TBX_NS}}}langSec")
            sec.set(XML_LANG, lang)
            for t in concept.forms(lang):
                ts = etree.SubElement(sec, f"{{{TBX_NS}}}termSec")
                etree.SubElement(ts, f"{{{TBX_NS}}}term").text = t.text
                status = etree.SubElement(ts, f"{{{TBX_NS}}}termNote", type="administrativeStatus")
                status.text = "preferredTerm-admn-sts" if t.preferred else "admittedTerm-admn-sts"
                if t.note:
                    etree.SubElement(ts, f"{{{TBX_NS}}}note").text = t.note


def save_tbx(glossary: Glossary, path: Path | str, title: str = "") -> Path:
    """Write :func:`to_tbx` atomically (no half-written file under ``path``)."""
    return atomic_write_text(Path(path), to_tbx(glossary, title).decode("utf-8"))
