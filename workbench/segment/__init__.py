"""Sentence and paragraph segmentation.

Two segmenters share one small protocol: ``pysbd`` (pysbd alone, the baseline)
and ``rules`` (pysbd plus French/English rules on top, the default). Both are
measured on the hand-checked gold in ``tests/data/seg-gold/`` with
``workbench eval seg``.

What ingest calls::

    split_paragraphs(text) -> list[str]
    split_sentences(paragraph, lang, segmenter="rules") -> list[str]

Segmenters never add, drop or change a non-space character: joining the
sentences of a paragraph gives the paragraph back up to whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from workbench.errors import UnsupportedLanguageError


class Segmenter(Protocol):
    """Splits ONE paragraph into sentences."""

    name: str

    def split(self, text: str, lang: str) -> list[str]:
        """Sentences of ``text`` (stripped, in order, none empty)."""
        ...


def _rules() -> Segmenter:
    from workbench.segment.rules import RuleSegmenter

    return RuleSegmenter()


def _pysbd() -> Segmenter:
    from workbench.segment.pysbd_plain import PysbdSegmenter

    return PysbdSegmenter()


#: name -> factory; the CLI offers these names as ``--segmenter`` choices.
SEGMENTERS: dict[str, Callable[[], Segmenter]] = {"rules": _rules, "pysbd": _pysbd}
DEFAULT_SEGMENTER = "rules"

_INSTANCES: dict[str, Segmenter] = {}


def get_segmenter(name: str = DEFAULT_SEGMENTER) -> Segmenter:
    """The segmenter called ``name`` (built once, then reused)."""
    if name not in SEGMENTERS:
        raise ValueError(f"unknown segmenter {name!r}; choose one of {', '.join(SEGMENTERS)}")
    if name not in _INSTANCES:
        _INSTANCES[name] = SEGMENTERS[name]()
    return _INSTANCES[name]


def base_language(lang: str) -> str:
    """``fr-FR``, ``FR`` or ``fr_CA`` -> ``fr``; raise for an empty code."""
    code = re.split(r"[-_]", lang.strip().lower(), maxsplit=1)[0]
    if not code:
        raise UnsupportedLanguageError("no language given for segmentation")
    return code


def split_sentences(paragraph: str, lang: str, segmenter: str = DEFAULT_SEGMENTER) -> list[str]:
    """Sentences of one paragraph; ``[]`` for blank text.

    Raises :class:`UnsupportedLanguageError` for a language no segmenter knows.
    """
    if not paragraph.strip():
        return []
    seg = get_segmenter(segmenter)
    return [s for chunk in _chunks(paragraph) for s in seg.split(chunk, lang)]


#: Paragraphs longer than twice this are cut into pieces of about this size before they are
#: segmented: pysbd's abbreviation pass is quadratic in the length of its input (100 KB
#: took 11 s, 400 KB 166 s), so pieces keep segmentation linear.
CHUNK = 1_000
# A sure sentence end: a lowercase word of 3+ letters, . ! ? or …, spaces, a capital
# or an opening quote (never "M. Kirby", "E.-U. Biden", "3. Mai").
_SURE_END = re.compile(r"(?<=[a-zà-öø-ÿ]{3}[.!?…]) +(?=[«\"“A-ZÀ-ÖØ-Þ])")


_ANY_END = re.compile(r"[.!?…]")


def _chunks(text: str, size: int = CHUNK, reach: int = 16) -> list[str]:
    """``text`` cut at sure sentence ends into pieces of at least ``size`` characters;
    only where no sure end comes within ``reach * size`` characters is it cut at a space
    (a forced boundary, in text that is hardly prose); short text is one piece."""
    if len(text) <= 2 * size:
        return [text]
    pieces, start = [], 0
    while len(text) - start > 2 * size:
        end = _SURE_END.search(text, start + size, start + reach * size)
        if end is None and not _ANY_END.search(text, start, start + reach * size):
            # no sentence end of any kind (pysbd is fast on such text): never cut it
            end = _SURE_END.search(text, start + reach * size)
            if end is None:
                break
        if end is not None:
            cut = end.start()
        else:
            cut = text.find(" ", start + reach * size)
            if cut == -1:
                break
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return [p for p in pieces if p.strip()]


_TERMINAL = tuple(".!?…:;»\"”")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of ``text``, stripped, none empty.

    The rule: a blank line always ends a paragraph, and so does a single line
    break, because scraped news (the seeds) puts one paragraph per line, often
    with no blank lines at all, and keeps headlines, bullets and debris on lines
    of their own. The one exception is a hard-wrapped line: a line that starts
    with a lowercase letter right after a line that does not end a sentence is
    joined to it with a space. Inner whitespace is kept as it is.
    """
    paragraphs: list[str] = []
    current: str | None = None
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append(current)
            current = None
            continue
        if current and line[0].islower() and not current.endswith(_TERMINAL):
            current = f"{current} {line}"
            continue
        if current:
            paragraphs.append(current)
        current = line
    if current:
        paragraphs.append(current)
    return paragraphs
