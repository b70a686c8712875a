"""pysbd on its own: the baseline the rule segmenter is measured against."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pysbd
from pysbd.languages import LANGUAGE_CODES

from workbench.errors import UnsupportedLanguageError


def pysbd_language(lang: str) -> str:
    """The pysbd code for ``lang`` or :class:`UnsupportedLanguageError`."""
    from workbench.segment import base_language

    code = base_language(lang)
    if code not in LANGUAGE_CODES:
        raise UnsupportedLanguageError(
            f"no sentence segmenter for language {lang!r}; "
            f"supported: {', '.join(sorted(LANGUAGE_CODES))}"
        )
    return code


@lru_cache(maxsize=None)
def _pysbd(code: str) -> pysbd.Segmenter:
    # clean=False: keep the text exactly as given, so sentences can be located in it.
    return pysbd.Segmenter(language=code, clean=False, char_span=False)


def pysbd_starts(text: str, lang: str) -> list[int]:
    """Offsets in ``text`` where pysbd starts a sentence after the first one.

    Each pysbd sentence is looked up in ``text`` from where the last one ended,
    so the offsets stay right whatever whitespace pysbd keeps or drops.
    """
    starts: list[int] = []
    cursor = 0
    for piece in _pysbd(pysbd_language(lang)).segment(text):
        piece = piece.strip()
        if not piece:
            continue
        at = text.find(piece, cursor)
        if at < 0:  # pysbd changed the text: skip this boundary rather than guess
            continue
        if at > 0 and text[:at].strip():
            starts.append(at)
        cursor = at + len(piece)
    return starts


def cut(text: str, starts: list[int]) -> list[str]:
    """``text`` cut at the ``starts`` offsets, pieces stripped, empty ones dropped."""
    bounds = [0, *sorted(set(starts)), len(text)]
    pieces = (text[a:b].strip() for a, b in zip(bounds, bounds[1:]))
    return [p for p in pieces if p]


@dataclass(frozen=True)
class PysbdSegmenter:
    """pysbd with no extra rules, for every language pysbd knows."""

    name: str = "pysbd"

    def split(self, text: str, lang: str) -> list[str]:
        """Sentences of one paragraph, as pysbd finds them."""
        return cut(text, pysbd_starts(text, lang))
