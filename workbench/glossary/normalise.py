"""Matching keys: the one normalisation every glossary comparison goes through.

A key is the text case-folded, with diacritics removed (``Choïgou`` ->
``choigou``), every apostrophe variant (``'`` ``’`` ``ʼ`` ...) written ``'``,
and every run of spaces and hyphens (``-`` ``‐`` ``‑``, no-break spaces, tabs)
written as one space. ``Kim Jong-un``, ``KIM JONG UN`` and ``Kim  Jong un``
all have the key ``kim jong un``.

Matching runs on the key of a whole line, so a match must be mapped back to
the original text: :func:`fold_line` returns the key together with, where the
key is not a character-for-character image of the line, the original offset
of each key character. Most lines take the fast path (``str.translate`` with a
cached per-character table and no offset list at all).
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = "'\u2019\u2018\u02bc\u02b9`\u00b4\uff07\u2032"
HYPHENS = "-\u2010\u2011\u2012\ufe63\uff0d"
#: Letters that do not decompose under NFKD but have an obvious base letter.
_SPECIAL = {
    "ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ŧ": "t", "ı": "i", "ð": "d",
    "þ": "th", "æ": "ae", "œ": "oe", "ĳ": "ij", "ŀ": "l",
}
#: Invisible characters that are dropped (soft hyphen, zero-width joiners, BOM inside text).
_DROP = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060"}


def fold_char(ch: str) -> str:
    """The key of one character: ``"É"`` -> ``"e"``, ``"’"`` -> ``"'"``, ``"‑"`` -> ``" "``.

    May be empty (combining marks, soft hyphen) or longer than one character
    (``"ß"`` -> ``"ss"``, ``"œ"`` -> ``"oe"``).
    """
    if ch in APOSTROPHES:
        return "'"
    if ch in HYPHENS or ch.isspace():
        return " "
    if ch in _DROP:
        return ""
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    if not base and decomposed:  # a lone combining mark
        return ""
    return "".join(_SPECIAL.get(c, c) for c in base)


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled on demand; remembers characters whose key is not one character."""

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()
        self._irregular_re: re.Pattern[str] | None = None

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = fold_char(ch)
        if len(folded) != 1:
            self.irregular.add(ch)
            self._irregular_re = None
        self[code] = folded
        return folded

    def irregular_re(self) -> re.Pattern[str] | None:
        if self.irregular and self._irregular_re is None:
            self._irregular_re = re.compile("[" + "".join(re.escape(c) for c in sorted(self.irregular)) + "]")
        return self._irregular_re


_TABLE = _FoldTable()
for _code in range(128):  # warm the table with ASCII
    _TABLE[_code]  # noqa: B018 - fills the cache through __missing__


def fold_line(line: str) -> tuple[str, list[int] | None]:
    """The key of ``line`` and, unless it maps one-to-one, the original index of each key character.

    ``None`` as the second item means key index ``i`` is line index ``i``.
    Runs of separators are collapsed to one space (offsets keep the first).
    """
    folded = line.translate(_TABLE)
    irregular = _TABLE.irregular_re()
    one_to_one = len(folded) == len(line) and (irregular is None or not irregular.search(line))
    if one_to_one and "  " not in folded.strip(" "):
        return folded, None
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(line):
        for c in _TABLE[ord(ch)]:
            if c == " " and chars and chars[-1] == " ":
                continue
            chars.append(c)
            offsets.append(i)
    return "".join(chars), offsets


def key(term: str) -> str:
    """The matching key of a glossary term (no leading/trailing separators)."""
    return fold_line(term)[0].strip(" ")


_KEY_WORD = re.compile(r"[^\W_]+")


def capital_words(term: str) -> frozenset[tuple[int, int]]:
    """Key ranges ``(start, end)`` of the words of ``term`` written as acronyms (``UN`` in
    ``UN Security Council``, ``ONU`` in ``l'ONU``): they must be in capitals in the text too."""
    norm, offsets = fold_line(term)
    lead = len(norm) - len(norm.lstrip(" "))
    k = norm.strip(" ")
    out = set()
    for m in _KEY_WORD.finditer(k):
        a, b = m.start() + lead, m.end() + lead
        if offsets is not None:
            a, b = offsets[a], offsets[b - 1] + 1
        if is_acronym(term[a:b]) and len([c for c in term[a:b] if c.isalpha()]) >= 2:
            out.add((m.start(), m.end()))
    return frozenset(out)


def is_acronym(term: str) -> bool:
    """A form written in capitals without spaces (``ONU``, ``RPDC``, ``AP``).

    Acronyms match only when written in capitals in the text, so that the
    English form ``UN`` does not match the French article ``un``.
    """
    letters = [c for c in term if c.isalpha()]
    return len(letters) >= 1 and " " not in term and all(c.isupper() for c in letters) and len(letters) <= 6
