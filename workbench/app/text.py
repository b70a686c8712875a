"""Showing user text safely in Streamlit markdown (pure, no Streamlit import).

Segment text is data, never markup: every ASCII punctuation character is
backslash-escaped (CommonMark lets any of them be escaped), so ``<script>``,
``<img onerror=...>``, ``**bold**``, ``$math$``, ``:red[...]`` directives and
``&amp;`` entities all show literally. Highlights are added *around* escaped
text with Streamlit's ``:color-background[...]`` directive, never by letting
user text through.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

_PUNCT = frozenset(string.punctuation)


def md_escape(text: str) -> str:
    """``text`` as markdown that renders to exactly ``text`` (line breaks kept)."""
    out = []
    for ch in text:
        if ch in _PUNCT:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("  \n")
        elif ch == "\r":
            continue
        else:
            out.append(ch)
    escaped = "".join(out)
    # Leading spaces would make an indented code block; keep them visible but inert.
    escaped = escaped.replace("\n ", "\n\u00a0")
    return "\u00a0" + escaped[1:] if escaped.startswith(" ") else escaped


def highlight(text: str, spans: Iterable[tuple[int, int]], color: str = "blue") -> str:
    """Escaped ``text`` with the character ``spans`` (start, end) highlighted.

    Overlapping or out-of-range spans are clipped; the text between spans is
    escaped exactly as :func:`md_escape` does.
    """
    pieces, pos = [], 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        pieces.append(md_escape(text[pos:start]))
        inner = md_escape(text[start:end]).replace("  \n", " ")
        pieces.append(f":{color}-background[{inner}]")
        pos = end
    pieces.append(md_escape(text[pos:]))
    return "".join(pieces)


def unescape(markdown: str) -> str:
    """Inverse of :func:`md_escape` (highlight directives dropped); for tests and previews."""
    src = markdown.replace("  \n", "\n").replace("\n\u00a0", "\n ")
    src = " " + src[1:] if src.startswith("\u00a0") else src
    out, i = [], 0
    while i < len(src):
        ch = src[i]
        if ch == "\\" and i + 1 < len(src) and src[i + 1] in _PUNCT:
            out.append(src[i + 1])
            i += 2
            continue
        opener = _OPEN.match(src, i)
        if opener:
            i = opener.end()
            continue
        if ch != "]":
            out.append(ch)
        i += 1
    return "".join(out)


_OPEN = re.compile(r":[a-z]+-background\[")


def word_diff(old: str, new: str) -> str:
    """Escaped markdown of ``new`` against ``old`` word by word: removed words on red,
    added words on green, the rest as is."""
    import difflib

    a, b = re.split(r"(\s+)", old or ""), re.split(r"(\s+)", new or "")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(md_escape("".join(a[i1:i2])))
            continue
        gone, came = "".join(a[i1:i2]).strip(), "".join(b[j1:j2]).strip()
        if gone:
            out.append(f":red-background[{md_escape(gone)}]")
        if came:
            out.append((" " if gone else "") + f":green-background[{md_escape(came)}]")
        if op != "delete" and b[j2 - 1:j2] and not b[j2 - 1].strip():
            out.append(" ")
    return "".join(out)


def source_diff_markdown(source: str, pieces: Iterable[tuple[str, str]]) -> str:
    """Escaped markdown of a memory match's ``source`` with the ``pieces`` of
    :func:`workbench.memory.match.source_diff` shown: words the match has instead of (or
    besides) this segment's on orange, this segment's words it lacks struck through on
    red, the rest (spacing included) as in ``source``."""
    out, plain, pos = [], "", 0
    for op, piece in pieces:
        if op == "delete":
            out.append(md_escape(plain) + f" :red-background[~~{md_escape(piece)}~~] ")
            plain = ""
            continue
        at = source.find(piece, pos)
        at = pos if at < 0 else at  # not where expected: show the piece, never lose text
        plain += source[pos:at]
        pos = at + len(piece)
        if op == "equal":
            plain += piece
        else:
            out.append(md_escape(plain) + f":orange-background[{md_escape(piece)}]")
            plain = ""
    out.append(md_escape(plain + source[pos:]))
    return "".join(out)
