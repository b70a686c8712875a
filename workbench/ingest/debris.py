"""Scraped-page debris: recognise it, keep it, mark it non-translatable.

Scraped articles carry banners, breadcrumbs, date stamps, photo credits, page
codes and bullet glyphs. They are never deleted (the reviewer sees every
character of the source); they become segments with ``translatable=False``
and a ``reason`` saying why, so a reviewer can overrule the rule.

``classify`` scores one whole piece of text; ``split_debris`` cuts the debris
that sits *inside* a paragraph (a leading bullet, a trailing photo credit) into
pieces of its own. Both are pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS_EN = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
              r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_MONTHS_FR = (r"janv(?:ier)?|févr(?:ier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|août|"
              r"sept(?:embre)?|oct(?:obre)?|nov(?:embre)?|déc(?:embre)?")
_DATE = re.compile(
    rf"(?:(?:{_MONTHS_EN})\.?\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:er)?\s+(?:{_MONTHS_EN}|{_MONTHS_FR})\.?\s+\d{{4}}"
    r"|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4})",
    re.IGNORECASE,
)
_PAGE_MARKER = re.compile(r"^(?:[a-z][a-z0-9_]*|[a-z]{2}-\d+)$")
_NAV_WORDS = frozenset(
    "accueil actualités nouvelles maison menu partager publicité abonnez-vous "
    "home news share advertisement menu subscribe".split()
)
_BREADCRUMB_SEP = re.compile(r"\s(?:/|>|»|›|\|)\s")
_CREDIT = re.compile(
    r"^\(?\s*(?:photos?|images?|crédits?|credits?|illustration|©)\b\s*:?\s*[^()]{1,80}\)?$"
    r"|^©.{1,80}$",
    re.IGNORECASE,
)
_AGENCY = re.compile(r"^\(\s*(?:AFP|AP|Reuters|EFE|DPA|ANSA|Belga|ATS|Xinhua)"
                     r"(?:\s*[/,]\s*[A-Z]{2,10})*\s*\)$")
_TRAILING_CREDIT = re.compile(
    r"(?<=\S)\s+(\((?:photo|image|crédit|credit)s?\b[^()]{1,80}\)"
    r"|(?:Image|Photo|Crédit|Credit)s?\s?:\s?[^.!?]{1,80})\s*$",
    re.IGNORECASE,
)
_PHOTO_PAREN = re.compile(r"^\(\s*(?:photo|image)s?\b[^()]*\)$", re.IGNORECASE)
_GLUED_AGENCY = re.compile(r"(?<=[a-zà-ÿ])(AFP|AP|EFE|Reuters|DPA)$")
_BULLET = re.compile(r"^\s*([•·▪◦‣●○■□►▶➢✓✔])\s+")


@dataclass(frozen=True)
class Piece:
    """Part of a paragraph; ``reason`` is set when it is debris."""

    text: str
    reason: str | None = None

    @property
    def translatable(self) -> bool:
        return self.reason is None


def classify(text: str) -> str | None:
    """Why ``text`` (a whole line, paragraph or sentence) is debris, or None."""
    t = text.strip()
    if not t:
        return "empty"
    if not any(ch.isalnum() for ch in t):
        return "symbols only"
    if _PAGE_MARKER.match(t):
        return "page marker"
    if t.lower() in _NAV_WORDS:
        return "navigation label"
    if len(_BREADCRUMB_SEP.findall(t)) >= 2 and not t.endswith((".", "?", "!")):
        return "breadcrumb"
    if _DATE.search(t) and not re.sub(r"[\W\d]+", "", _DATE.sub("", t)):
        return "date line"
    if _AGENCY.match(t):
        return "agency credit"
    if (_CREDIT.match(t) and "/" in t) or _PHOTO_PAREN.match(t):
        return "photo credit"
    return None


def split_debris(paragraph: str) -> list[Piece]:
    """Cut a paragraph into pieces, debris apart; no character is lost or added."""
    reason = classify(paragraph)
    if reason:
        return [Piece(paragraph.strip(), reason)]
    pieces: list[Piece] = []
    rest = paragraph.strip()
    bullet = _BULLET.match(rest)
    if bullet:
        pieces.append(Piece(bullet.group(1), "bullet glyph"))
        rest = rest[bullet.end():]
    tail: Piece | None = None
    credit = _TRAILING_CREDIT.search(rest)
    glued = None if credit else _GLUED_AGENCY.search(rest)
    if credit or glued:  # "... à Washington. (Photo AP/Evan Vucci)", "... Sergueï ChoïguAP"
        match = credit or glued
        tail = Piece(match.group(1).strip(), "photo credit")
        rest = rest[: match.start()].rstrip()
    if rest:
        pieces.append(Piece(rest, classify(rest)))
    if tail:
        pieces.append(tail)
    return pieces
