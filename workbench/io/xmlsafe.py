"""Reading XML that may be hostile: no external entities, no entity expansion.

Every XML import (TMX, XLIFF, TBX) goes through :func:`safe_iterparse`. The lxml parser runs
with ``resolve_entities=False``, ``load_dtd=False``, ``no_network=True`` and
``huge_tree=False``, so it never opens a file or URL named by the document
(a ``<!DOCTYPE tmx SYSTEM "tmx14.dtd">`` line is fine and ignored). On top of
that, a document whose internal DTD subset declares any entity is refused
outright (XXE, billion laughs): with entity resolution off, such references
would otherwise vanish silently from the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from workbench.errors import FormatError


def safe_iterparse(path: Path, events: tuple[str, ...] = ("end",), *, keep_comments: bool = False
                   ) -> Iterator[tuple[str, etree._Element]]:
    """Stream ``(event, element)`` pairs of an XML file, refusing entity declarations.
    Comments and processing instructions are dropped unless ``keep_comments`` (a file
    written back as it came needs them).

    Raises :class:`FormatError` for malformed XML or a DOCTYPE that declares
    entities, before any element is handed out.
    """
    path = Path(path)
    if not path.is_file():
        raise FormatError(f"{path}: not a file")
    parser = etree.iterparse(
        str(path), events=("start", "end"), resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=False, remove_comments=not keep_comments, remove_pis=not keep_comments,
    )
    checked = False
    try:
        for event, elem in parser:
            if not checked:
                _refuse_entities(elem, path)
                checked = True
            if event in events:
                yield event, elem
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"{path}: not well-formed XML ({exc}); is it really this format?") from None


def safe_parse(path: Path, *, keep_comments: bool = False) -> etree._ElementTree:
    """The whole tree of a small XML file, read through :func:`safe_iterparse`."""
    root = None
    for _, elem in safe_iterparse(path, events=("start",), keep_comments=keep_comments):
        if root is None:
            root = elem
    if root is None:
        raise FormatError(f"{path}: no XML element in the file")
    return root.getroottree()


def _refuse_entities(root: etree._Element, path: Path) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is None:
        return
    names = [e.name for e in dtd.iterentities()]
    if names:
        raise FormatError(
            f"{path}: refused: the DOCTYPE declares entities ({', '.join(names[:5])}); "
            "entity declarations can read local files or expand without bound "
            "(XXE, billion laughs). Remove the internal DTD subset and try again."
        )


def clear(elem: etree._Element) -> None:
    """Free a processed element and its earlier siblings (bounded memory)."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]
