"""Inline codes (tags) of bilingual files, kept through import, review and export.

CAT-tool formats mark formatting and other non-text inside a segment with
*inline codes*: XLIFF 1.2 ``<g>``, ``<x/>``, ``<bx/>``, ``<ex/>``, ``<ph>``,
``<bpt>``/``<ept>``, ``<it>``, ``<mrk>``; TMX ``<bpt>``/``<ept>``, ``<ph>``,
``<it>``, ``<ut>``. The workbench keeps them so that a file that goes through
it goes back to the CAT tool intact, and shows them to reviewers as protected
tags they can move but never edit as text.

Representation (one design for every format)
--------------------------------------------
**In the text** (segment source, review target, memory, MT input), each code
is one *placeholder* of two private-use characters, as Okapi's "coded text"
does: a marker saying what the code does (:data:`OPEN` U+E101 opens a span,
:data:`CLOSE` U+E102 closes one, :data:`ISOLATED` U+E103 stands alone) and an
index character ``U+E110 + i`` naming entry ``i`` of the segment's code list.
Placeholders never occur in real text, need no escaping, survive JSON, SQLite
and polars unchanged, and :func:`plain` removes them in one regex (for MT,
alignment, length and QA checks). Text without codes is unchanged, so every
existing project, format and engine is unaffected.

**Beside the text**, per segment, a :class:`Codes` list (stored by the project,
see ``workbench.store.inline_codes``) holds each code's original markup:

* ``Code.xml``: the XML of the code element as read, namespaces and all
  (``<x xmlns="urn:…:1.2" id="2" ctype="image"/>``, ``<bpt id="1">&lt;b&gt;</bpt>``).
  For a code that *wraps* text (XLIFF ``<g>``, ``<mrk>``; TMX ``<hi>`` is text,
  not a code), ``wraps`` is true and ``xml`` is the start element written empty
  (``<g xmlns="…" id="1" ctype="bold"/>``); the text in between stays
  translatable text in the segment, between an OPEN and a CLOSE placeholder.
  The CLOSE entry of a wrapping code has ``xml=""``.
* ``Code.role``: ``open``, ``close`` or ``isolated``, what the reviewer sees
  (``<bpt>`` opens, ``<ept>`` closes, ``<ph>`` stands alone);
* ``Code.n``: the tag number shown to the reviewer; an opening and its closing
  code share it.

Source and targets of a segment share one list: a target code whose markup
equals a source code's reuses its entry, so an unedited round trip writes the
very same elements back (equal under exclusive C14N; lxml may move namespace
declarations). The markup of a code never becomes text, so it cannot be
translated, edited or lost by MT.

**For reviewers** :func:`display` turns placeholders into readable tags
(``⟦1⟧bold⟦/1⟧``, ``⟦2/⟧``) and :func:`from_display` turns an edited text
back, refusing (one :class:`InlineCodeError` line) tags that the segment does
not have, or spans closed before they open. A format module reads codes with
:func:`read_inline` and writes them with :func:`write_inline`; both take the
element names that are codes, so TMX and XLIFF share them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from workbench.errors import FormatError

OPEN, CLOSE, ISOLATED = "\ue101", "\ue102", "\ue103"
_MARKERS = {"open": OPEN, "close": CLOSE, "isolated": ISOLATED}
_ROLES = {v: k for k, v in _MARKERS.items()}
_BASE = 0xE110
_MAX = 0xF8FF - _BASE  # indexes available per segment
#: One placeholder: marker + index character.
PLACEHOLDER = re.compile("([\ue101-\ue103])([\ue110-\uf8ff])")
_LABEL = re.compile(r"⟦(/?)(\d{1,5})(/?)⟧")


class InlineCodeError(FormatError):
    """An edited text whose tags do not fit the segment's codes."""


@dataclass(frozen=True, slots=True)
class Code:
    """One inline code: its original markup and how reviewers see it (see module doc)."""

    role: str  # "open" | "close" | "isolated"
    xml: str
    n: int
    wraps: bool = False

    def to_list(self) -> list[object]:
        return [self.role, self.xml, self.n, self.wraps]


Codes = tuple[Code, ...]


def dumps(codes: Sequence[Code]) -> str:
    """The JSON the store keeps for a segment's codes."""
    return json.dumps([c.to_list() for c in codes], ensure_ascii=False)


def loads(data: str | None) -> Codes:
    """Codes from :func:`dumps` (``()`` for ``None`` or an empty list)."""
    if not data:
        return ()
    return tuple(Code(str(r), str(x), int(n), bool(w)) for r, x, n, w in json.loads(data))


def placeholder(role: str, index: int) -> str:
    """The two characters that stand for entry ``index`` of the code list."""
    if not 0 <= index <= _MAX:
        raise FormatError(f"too many inline codes in one segment (more than {_MAX})")
    return _MARKERS[role] + chr(_BASE + index)


def has_codes(text: str) -> bool:
    """Whether ``text`` holds any placeholder."""
    return PLACEHOLDER.search(text) is not None


def plain(text: str) -> str:
    """``text`` without its placeholders: what MT, alignment and QA should read."""
    return PLACEHOLDER.sub("", text)


def indexes(text: str) -> list[int]:
    """The code-list entries ``text`` refers to, in order."""
    return [ord(m.group(2)) - _BASE for m in PLACEHOLDER.finditer(text)]


def display(text: str, codes: Sequence[Code]) -> str:
    """Placeholders as readable tags: ``⟦n⟧`` opens, ``⟦/n⟧`` closes, ``⟦n/⟧`` stands alone."""
    def label(m: re.Match[str]) -> str:
        i = ord(m.group(2)) - _BASE
        code = codes[i] if i < len(codes) else Code(_ROLES[m.group(1)], "", i + 1)
        return {"open": f"⟦{code.n}⟧", "close": f"⟦/{code.n}⟧"}.get(code.role, f"⟦{code.n}/⟧")

    return PLACEHOLDER.sub(label, text)


def from_display(edited: str, codes: Sequence[Code]) -> str:
    """Undo :func:`display` on an edited text. A tag the segment does not have, or a
    wrapping span closed before it opens, raises :class:`InlineCodeError`."""
    by_label: dict[str, list[int]] = {}
    for i, c in enumerate(codes):
        key = {"open": f"{c.n}", "close": f"/{c.n}"}.get(c.role, f"{c.n}/")
        by_label.setdefault(key, []).append(i)
    used: dict[str, int] = {}

    def repl(m: re.Match[str]) -> str:
        key = f"{m.group(1)}{m.group(2)}{m.group(3)}"
        choices = by_label.get(key)
        if not choices:
            raise InlineCodeError(f"tag {m.group(0)} is not one of this segment's tags "
                                  f"({', '.join(display(placeholder(c.role, i), codes) for i, c in enumerate(codes)) or 'none'})")
        k = used.get(key, 0)
        used[key] = k + 1
        i = choices[min(k, len(choices) - 1)]
        return placeholder(codes[i].role, i)

    text = _LABEL.sub(repl, edited)
    check_nesting(text, codes)
    return text


def check_nesting(text: str, codes: Sequence[Code]) -> None:
    """Refuse text whose wrapping spans (``<g>``…) close before they open or overlap."""
    stack: list[int] = []
    for i in indexes(text):
        if i >= len(codes) or not codes[i].wraps:
            continue
        if codes[i].role == "open":
            stack.append(codes[i].n)
        elif not stack or stack.pop() != codes[i].n:
            raise InlineCodeError(f"tag ⟦/{codes[i].n}⟧ closes a span that is not open there; "
                                  "keep each ⟦n⟧…⟦/n⟧ pair in order")


def missing(text: str, source: str) -> list[int]:
    """Entries the source has and ``text`` lacks (a QA warning, not an error)."""
    have = set(indexes(text))
    return [i for i in indexes(source) if i not in have]


_XML_NS = "http://www.w3.org/XML/1998/namespace"


@lru_cache(maxsize=4096)
def strict(xml: str) -> str:
    """A code's markup without the attributes of other namespaces than its element's
    (Trados' ``sdl:cid`` on an XLIFF ``<mrk>``): what a strict schema accepts. The
    workbench's own exports write codes so; a write-back into the tool's file keeps them."""
    if not xml:
        return xml
    elem = etree.fromstring(xml)
    changed = False
    for e in elem.iter():
        own = etree.QName(e).namespace if isinstance(e.tag, str) else None
        for name in list(e.attrib):
            ns = etree.QName(name).namespace
            if ns not in (None, own, _XML_NS):
                del e.attrib[name]
                changed = True
    if not changed:
        return xml
    etree.cleanup_namespaces(elem)
    return etree.tostring(elem, encoding="unicode")


def _same(a: Code, b: Code) -> bool:
    """Whether two codes are one (their markup equal, or equal once made :func:`strict`)."""
    return (a.role, a.wraps) == (b.role, b.wraps) and (a.xml == b.xml
                                                       or strict(a.xml) == strict(b.xml))


def remap(texts: Sequence[str], codes: Sequence[Code], into: Sequence[Code]
          ) -> tuple[list[str], Codes]:
    """``texts`` written against ``codes`` rewritten against ``into`` (a segment's stored
    list), and that list with the codes it lacked appended: an imported file may
    number codes differently from the project, or bring tags of its own."""
    if tuple(codes) == tuple(into):
        return list(texts), tuple(into)
    out = list(into)
    numbers: dict[int, int] = {}
    where: dict[int, int] = {}
    for i, c in enumerate(codes):
        if c.wraps and c.role == "close":
            n = numbers.get(c.n, c.n)
            j = next((k for k, d in enumerate(out) if d.wraps and d.role == "close" and d.n == n), None)
            code = Code(c.role, c.xml, n, True)
        else:
            j = next((k for k, d in enumerate(out)
                      if (d.role, d.xml, d.wraps) == (c.role, c.xml, c.wraps)), None)
            if j is None:  # the same code, written strict by an export (or by a tool)
                j = next((k for k, d in enumerate(out) if _same(c, d)), None)
            n = out[j].n if j is not None else numbers.get(
                c.n, max((d.n for d in out), default=0) + 1)
            numbers[c.n] = n
            code = Code(c.role, c.xml, n, c.wraps)
        if j is None:
            out.append(code)
            j = len(out) - 1
        where[i] = j

    def repl(m: re.Match[str]) -> str:
        i = ord(m.group(2)) - _BASE
        return placeholder(_ROLES[m.group(1)], where.get(i, i))

    return [PLACEHOLDER.sub(repl, t) for t in texts], tuple(out)


# -- reading and writing XML ---------------------------------------------------


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _markup(elem: etree._Element, *, empty: bool) -> str:
    """The element's XML without its tail (and, ``empty``, without its content),
    keeping only the namespace declarations it uses."""
    if empty:
        copy = etree.Element(elem.tag, dict(elem.attrib), nsmap=elem.nsmap)
    else:
        copy = deepcopy(elem)
        copy.tail = None
    etree.cleanup_namespaces(copy)
    return etree.tostring(copy, encoding="unicode")


@dataclass
class CodeReader:
    """Turns the inline content of elements into placeholder text, filling one code
    list shared by the source and the targets of a segment.

    ``wrapping``: local names of codes around translatable text (``g``, ``mrk``);
    ``isolated``/``opening``/``closing``: local names of standalone codes, by what
    they look like to a reviewer. Other elements inside the text are kept as
    isolated codes too (nothing is dropped); ``skip`` names elements to descend
    into as plain text containers (none by default).
    """

    wrapping: frozenset[str]
    opening: frozenset[str]
    closing: frozenset[str]
    skip: frozenset[str] = frozenset()
    codes: list[Code] | None = None

    def __post_init__(self) -> None:
        self.codes = [] if self.codes is None else self.codes
        self._used: set[int] = set()

    def read(self, elem: etree._Element | None) -> str:
        """The text of ``elem`` with its inline codes as placeholders."""
        self._used = set()
        self._pairs: dict[str, int] = {}
        return "" if elem is None else self._content(elem)

    def _content(self, elem: etree._Element) -> str:
        parts = [elem.text or ""]
        for child in elem:
            name = _local(child.tag)
            if name in self.skip:
                parts.append(self._content(child))
            elif name in self.wrapping:
                i = self._add("open", _markup(child, empty=True), None, wraps=True)
                n = self.codes[ord(i[1]) - _BASE].n
                parts.append(i)
                parts.append(self._content(child))
                parts.append(self._add("close", "", n, wraps=True))
            else:
                role = "open" if name in self.opening else "close" if name in self.closing \
                    else "isolated"
                parts.append(self._add(role, _markup(child, empty=False), _pair_key(child, role)))
            parts.append(child.tail or "")
        return "".join(parts)

    def _add(self, role: str, xml: str, pair: object, *, wraps: bool = False) -> str:
        """The placeholder of a code, reusing an equal entry this text has not used yet."""
        codes = self.codes
        for i, c in enumerate(codes):
            if i in self._used or c.role != role or c.wraps != wraps:
                continue
            if (role == "close" and wraps and c.n == pair) or (c.xml == xml and not (role == "close" and wraps)):
                self._used.add(i)
                return placeholder(role, i)
        if role == "close" and wraps:
            n = pair
        elif isinstance(pair, tuple) and pair in self._pairs:
            n = self._pairs[pair]  # an <ept rid="1"> shows the number of its <bpt id="1">
        else:
            n = max((c.n for c in codes), default=0) + 1
            if isinstance(pair, tuple):
                self._pairs[pair] = n
        codes.append(Code(role, xml, int(n), wraps))  # type: ignore[arg-type]
        self._used.add(len(codes) - 1)
        return placeholder(role, len(codes) - 1)


def _pair_key(elem: etree._Element, role: str) -> tuple[str, str] | None:
    """``<bpt id="1">`` and ``<ept id="1">`` (XLIFF: ``rid`` when present) show one number."""
    if role == "isolated":
        return None
    key = elem.get("rid") or elem.get("i") or elem.get("id")
    return ("pair", key) if key else None


def write_inline(elem: etree._Element, text: str, codes: Sequence[Code],
                 on_text: Callable[[etree._Element, str, bool], None] | None = None) -> int:
    """Fill ``elem`` with ``text``, its placeholders rebuilt into the original elements.

    ``on_text(parent, chunk, as_tail)`` adds a run of text (default: plain
    ``text``/``tail``), so a format can escape what its XML cannot hold.
    Placeholders whose entry is missing, closings without their opening are
    dropped, and openings left open are closed at the end; the count of such
    repairs is returned (0 for any text :func:`from_display` accepted).
    """
    add = on_text or append_text
    stack = [elem]
    last: etree._Element | None = None  # the element whose tail the next text goes to
    repaired = 0
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        chunk = text[pos:m.start()]
        pos = m.end()
        if chunk:
            add(last if last is not None else stack[-1], chunk, last is not None)
        i = ord(m.group(2)) - _BASE
        code = codes[i] if i < len(codes) else None
        if code is None:
            repaired += 1
            continue
        if code.wraps and code.role == "close":
            if len(stack) == 1:
                repaired += 1
                continue
            last = stack.pop()
            continue
        child = etree.fromstring(code.xml)
        stack[-1].append(child)
        if code.wraps:
            stack.append(child)
            last = None
        else:
            last = child
    chunk = text[pos:]
    if chunk:
        add(last if last is not None else stack[-1], chunk, last is not None)
    return repaired + len(stack) - 1


def append_text(parent: etree._Element, chunk: str, as_tail: bool) -> None:
    """Add ``chunk`` to ``parent``'s text, or (``as_tail``) to its tail."""
    if as_tail:
        parent.tail = (parent.tail or "") + chunk
    else:
        parent.text = (parent.text or "") + chunk


__all__ = ["CLOSE", "Code", "CodeReader", "Codes", "ISOLATED", "InlineCodeError", "OPEN",
           "PLACEHOLDER", "append_text", "check_nesting", "display", "dumps", "from_display", "has_codes",
           "indexes", "loads", "missing", "placeholder", "plain", "remap", "strict", "write_inline"]
