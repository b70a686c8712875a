"""Find glossary forms in a line: one Aho–Corasick automaton over matching keys.

The automaton runs over the key of the whole line (see
:mod:`workbench.glossary.normalise`), so matching is case-, diacritic-,
apostrophe- and hyphen/space-insensitive. A candidate is kept only when it is
a whole word (no letter or digit right before or after it, where the form
itself starts or ends with one), a form's acronym words (``ONU``, ``AP``, the
``UN`` of ``UN Security Council``) must be written in capitals, and among overlapping candidates the longest wins
(ties: the leftmost). Offsets are mapped back to the original line, so a
caller can replace exactly the matched characters and nothing else.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from workbench.glossary.normalise import capital_words, fold_line, is_acronym, key


@dataclass(frozen=True)
class Match:
    """One mention of a concept in a line: ``line[start:end] == text``."""

    start: int
    end: int
    concept: str
    text: str
    acronym: bool  # matched through an acronym form: the capitals rule does not apply


@dataclass(frozen=True)
class _Entry:
    length: int
    concept: str
    acronym: bool
    caps: frozenset[tuple[int, int]]  # key ranges (relative) that must be in capitals in the text
    left: bool  # the key starts with a letter/digit: needs a boundary on the left
    right: bool


class Matcher:
    """A compiled set of forms ``(text, concept id)``; build once, call :meth:`find` per line."""

    def __init__(self, forms: Iterable[tuple[str, str]]) -> None:
        by_key: dict[str, tuple[str, bool, frozenset[tuple[int, int]]]] = {}
        for text, concept in forms:
            k = key(text)
            if not k:
                continue
            acr, caps = is_acronym(text), capital_words(text)
            old = by_key.get(k)
            if old is not None:
                if old[0] != concept:
                    raise ValueError(f"form {text!r} has the same key as a form of {old[0]!r}")
                # forms sharing a key: capitals are required only where every form has them
                acr, caps = acr and old[1], caps & old[2]
            by_key[k] = (concept, acr, caps)
        self.size = len(by_key)
        self._automaton: ahocorasick.Automaton | None = None
        if by_key:
            automaton = ahocorasick.Automaton()
            for k, (concept, acr, caps) in by_key.items():
                automaton.add_word(k, _Entry(len(k), concept, acr, caps, k[0].isalnum(), k[-1].isalnum()))
            automaton.make_automaton()
            self._automaton = automaton

    def find(self, line: str) -> list[Match]:
        """Non-overlapping whole-word matches in ``line``, in order of position."""
        if self._automaton is None or not line:
            return []
        norm, offsets = fold_line(line)
        n = len(norm)
        cands: list[tuple[int, int, _Entry]] = []
        for last, entry in self._automaton.iter(norm):
            start = last - entry.length + 1
            if entry.left and start > 0 and norm[start - 1].isalnum():
                continue
            if entry.right and last + 1 < n and norm[last + 1].isalnum():
                continue
            if entry.caps and not _caps_ok(line, offsets, start, entry.caps):
                continue  # "un" is not the acronym "UN", "un Security Council" not "UN Security Council"
            cands.append((start, last + 1, entry))
        if not cands:
            return []
        if len(cands) > 1:
            cands = _longest_first(cands)
        out: list[Match] = []
        for start, end, entry in cands:
            s, e = _span(line, offsets, start, end)
            out.append(Match(s, e, entry.concept, line[s:e], entry.acronym))
        return out


def _caps_ok(line: str, offsets: list[int] | None, start: int, caps: frozenset[tuple[int, int]]) -> bool:
    """Whether every acronym word of the form is written in capitals in the matched text."""
    for a, b in caps:
        s, e = _span(line, offsets, start + a, start + b)
        if not _all_caps(line[s:e]):
            return False
    return True


def _span(line: str, offsets: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """Key offsets ``[start, end)`` as offsets into the original line."""
    if offsets is None:
        return start, end
    s, e = offsets[start], offsets[end - 1] + 1
    while e < len(line) and unicodedata.combining(line[e]):
        e += 1  # a decomposed accent belongs to the last letter
    return s, e


def _longest_first(cands: list[tuple[int, int, _Entry]]) -> list[tuple[int, int, _Entry]]:
    """Keep the longest of overlapping candidates (ties: leftmost); return them by position."""
    chosen: list[tuple[int, int, _Entry]] = []
    for cand in sorted(cands, key=lambda c: (c[0] - c[1], c[0])):
        s, e, _ = cand
        if all(e <= cs or s >= ce for cs, ce, _ in chosen):
            chosen.append(cand)
    chosen.sort(key=lambda c: c[0])
    return chosen


def _all_caps(text: str) -> bool:
    """Every letter is a capital and there is at least one letter."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def all_caps(text: str) -> bool:
    """A match "written entirely in capitals": at least two letters, all capitals."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)
