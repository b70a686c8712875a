"""Concept extractors from term lists: the glossary's evidence for alignment.

A concept extractor maps a sentence to the ids of the concepts it mentions
(``Callable[[str], set[str]]``). The glossary package can supply its own;
this module builds one from plain term pairs so the aligner can use a list
of names and terms without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from workbench.align import ConceptExtractor
from workbench.errors import InputError


def term_extractor(terms: Iterable[tuple[str, str]]) -> ConceptExtractor:
    """An extractor for ``(term, concept id)`` pairs: whole-word, case-insensitive matches.

    Give both languages' terms with the same concept id (``("Élysée", "elysee")``,
    ``("Elysee Palace", "elysee")``) so one extractor serves both sides.
    """
    by_term: dict[str, str] = {}
    for term, concept in terms:
        t = " ".join(term.split()).lower()
        if t:
            by_term[t] = concept
    if not by_term:
        return lambda text: set()
    alternatives = sorted(by_term, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in alternatives) + r")(?!\w)")

    def extract(text: str) -> set[str]:
        return {by_term[m.group(1)] for m in pattern.finditer(" ".join(text.split()).lower())}

    return extract


def read_term_list(path: Path | str) -> ConceptExtractor:
    """Read a term list: one ``term<TAB>term<TAB>...`` line per concept (all columns are
    names of the same concept, e.g. ``Élysée<TAB>Elysee Palace``); ``#`` starts a comment."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read term list {p}: {exc}") from exc
    pairs = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t") if c.strip()]
        concept = f"{p.stem}:{lineno}"
        pairs.extend((c, concept) for c in cols)
    return term_extractor(pairs)
