"""pysbd plus French/English rules: the default sentence segmenter.

pysbd proposes sentence starts; rules then add the starts it misses and veto
the ones it gets wrong. Everything works on offsets into the paragraph, so no
character is ever lost or changed.

Added starts:
  * a missing space after a full stop: ``conjoints.Si l'organisation``;
  * after a closing quote or parenthesis that follows the final punctuation:
    ``« Non. » Puis``, ``(il le faut.) Elle``, ``…guerre." Il``;
  * before an opening quote after final punctuation: ``Kirby. "Il utilise``;
  * between sentences inside a quotation, which pysbd never splits:
    ``« Nous avons … davantage. Des contacts sont pris … »``;
  * after an ellipsis ``…`` before a capital;
  * before a trailing photo credit: ``… en Ukraine Image : Libkos/AP``.

Vetoed starts:
  * inside a word or number (``E.-U.``, ``3.5``) unless it is a missing space;
  * before a lowercase word or a closing/continuing mark (``, » ) ;``);
  * after a title or abbreviation (``M.``, ``Mme``, ``MM.``, ``Dr.``, ``Mr.``),
    an initial (``J. R. R. Tolkien``, ``J.-C.``) or a month before a number;
  * after a dateline agency before its dash (``WASHINGTON (AP) —``).

Finally a piece with no letter or digit (a stray ``.`` as in ``Choïgu. .``, a
lone ``»``) is glued to the sentence before it.

Only French and English get the rules; other languages pysbd knows get pysbd
alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.segment.pysbd_plain import PysbdSegmenter, cut, pysbd_starts

RULE_LANGUAGES = frozenset({"fr", "en"})

_LOWER = "a-zà-öø-ÿœæ"
_UPPER = "A-ZÀ-ÖØ-ÞŒÆ"

#: Titles and abbreviations that do not end a sentence (case matters).
_ABBREVIATIONS = {
    "fr": frozenset(
        # no everyday words here: "le cap." or "le col." may well end a sentence
        "M MM Mme Mmes Mlle Mlles Mgr Me Dr Pr St Ste Sts Stes Cie cf Cf éd Gén Col Cdt "
        "Lt Sgt Adj av apr bd boul vs".split()
    ),
    "en": frozenset(
        "Mr Mrs Ms Messrs Dr Prof Rev Hon St Mt Ft Gen Col Lt Sgt Capt Cmdr Adm Maj Gov "
        "Sen Rep Pres Supt Insp vs cf e.g i.e".split()
    ),
}
#: Abbreviations that do not end a sentence when a number follows (``janv. 2023``, ``p. 12``).
_BEFORE_NUMBER = {
    "fr": frozenset(
        "janv févr fév avr juil sept oct nov déc n no p pp vol art chap fig t éd".split()
    ),
    "en": frozenset(
        "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec No no Nos p pp Vol vol Art art "
        "Fig fig Ch ch".split()
    ),
}

_CLOSERS = "»”)]’"
_FINAL = re.compile(r"[.!?…]+")
_GLUED = re.compile(rf"(?<=[{_LOWER}]{{2}}[.!?])(?=[{_UPPER}][{_LOWER}])")
_URLISH = re.compile(r"://|@|www\.|\.(?:com|org|net|fr|html?)\b", re.IGNORECASE)
_ELLIPSIS = re.compile(rf"(?:…|\.\.\.)\s+(?=[{_UPPER}«\"“—–])")
_QUOTATION = re.compile(r'«[^«»]*(?:»|$)|“[^“”]*(?:”|$)|"[^"]*(?:"|$)')
_INNER_FINAL = re.compile(rf"[.!?…]+\s+(?=[{_UPPER}])")
_CREDIT = re.compile(
    r"(?<=\S)\s+(?=(?:\((?:[Pp]hotos?|[Ii]mages?|[Cc]rédits?|[Cc]redits?)\b[^()]{1,80}\)"
    r"|(?:Photos?|Images?|Crédits?|Credits?)\s?:\s?[^.!?:]{1,80})\s*$)"
)
_INITIAL = re.compile(rf"(?:^|[\s(«\"“'’-])[{_UPPER}]\.$")
_DATELINE = re.compile(r"\(\s*[A-Z][A-Za-z]{1,10}(?:\s*/\s*[A-Z][A-Za-z]*)*\s*\)$")
_NO_START = tuple(",;:%" + _CLOSERS)


def _odd_quotes_before(text: str, i: int) -> bool:
    """True when an odd number of straight quotes precede ``i``: a ``"`` at ``i`` closes."""
    return text.count('"', 0, i) % 2 == 1


def _quote_starts(text: str) -> list[int]:
    """Starts after final punctuation followed by closing marks, or before an opening quote."""
    starts = []
    for m in _FINAL.finditer(text):
        if m.start() and text[m.start() - 1] in "[(":
            continue  # an elision mark, [...] or (…), ends nothing
        j, closed = m.end(), False
        while j < len(text):
            k = j + 1 if text[j] in " \u00a0\u202f" else j  # French spacing: « Non. »
            if k < len(text) and (text[k] in _CLOSERS
                                  or (text[k] == '"' and _odd_quotes_before(text, k))):
                j, closed = k + 1, True
            else:
                break
        ws_end = j
        while ws_end < len(text) and text[ws_end].isspace():
            ws_end += 1
        if ws_end == j or ws_end == len(text):
            continue  # no space after, or end of the paragraph
        opening = text[ws_end] in "«“" or (text[ws_end] == '"'
                                            and not _odd_quotes_before(text, ws_end))
        if closed or opening:
            starts.append(ws_end)
    return starts


def _inner_quote_starts(text: str) -> list[int]:
    """Starts of the second and later sentences inside each quotation."""
    return [q.start() + m.end()
            for q in _QUOTATION.finditer(text)
            for m in _INNER_FINAL.finditer(q.group())]


def extra_starts(text: str) -> list[int]:
    """Sentence starts the rules add to pysbd's."""
    starts = [m.start() for m in _GLUED.finditer(text)]
    starts += _quote_starts(text)
    starts += _inner_quote_starts(text)
    starts += [m.end() for m in _ELLIPSIS.finditer(text)]
    starts += [m.end() for m in _CREDIT.finditer(text)]
    return starts


def _is_glued(text: str, i: int) -> bool:
    """A missing space after a full stop at ``i`` (``conjoints.Si``), not a URL or e-mail."""
    if not _GLUED.match(text, i):
        return False
    left = text.rfind(" ", 0, i) + 1
    right = text.find(" ", i)
    return not _URLISH.search(text[left: right if right >= 0 else len(text)])


def keeps_start(text: str, i: int, lang: str) -> bool:
    """Whether a sentence may start at offset ``i`` of ``text`` (``lang``: fr or en)."""
    left, right = text[:i].rstrip(), text[i:]
    if not left or not right:
        return False
    if not text[i - 1].isspace() and not _is_glued(text, i):
        return False  # inside a token: E.-U., 3.5, U.S.A.
    if right[0].islower() or right.startswith(_NO_START):
        return False
    word = re.search(r"(\w+(?:\.\w+)*)\.$", left)
    if word:
        if word.group(1) in _ABBREVIATIONS[lang]:
            return False
        if word.group(1) in _BEFORE_NUMBER[lang] and right[0].isdigit():
            return False
    if _INITIAL.search(left):
        return False  # J. R. R. Tolkien, J.-C.
    if _DATELINE.search(left) and right[0] in "—–-":
        return False  # WASHINGTON (AP) — ...
    return True


def _drop_empty_pieces(text: str, starts: list[int]) -> list[int]:
    """Remove starts that would leave a piece with no letter or digit (glued backwards)."""
    ends = [*starts[1:], len(text)]
    kept = [s for s, e in zip(starts, ends) if any(ch.isalnum() for ch in text[s:e])]
    if kept and not any(ch.isalnum() for ch in text[: kept[0]]):
        kept.pop(0)  # a leading piece of symbols only joins the next sentence
    return kept


@dataclass(frozen=True)
class RuleSegmenter:
    """pysbd with French/English rules on top; pysbd alone for other languages."""

    name: str = "rules"

    def split(self, text: str, lang: str) -> list[str]:
        """Sentences of one paragraph."""
        from workbench.segment import base_language

        code = base_language(lang)
        if code not in RULE_LANGUAGES:
            return PysbdSegmenter().split(text, lang)
        candidates = sorted(set(pysbd_starts(text, code)) | set(extra_starts(text)))
        starts = [i for i in candidates if keeps_start(text, i, code)]
        return cut(text, _drop_empty_pieces(text, starts))
