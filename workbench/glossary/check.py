"""Consistency check: per segment, glossary concepts in the source that the target lacks
or writes in a non-preferred form.

Both sides are searched with the matcher for the target language (concepts
that have a preferred target form; forms of any language), so a source name
copied untranslated into the target counts as "non-preferred", not "missing".
A concept is *missing* when the target has no form of it at all; it is
*non-preferred* when at least one of its target mentions is not the preferred
form as written (or that form in capitals).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workbench.errors import GlossaryError
from workbench.glossary.model import Glossary

MISSING = "missing"
NON_PREFERRED = "non-preferred"


@dataclass(frozen=True)
class Issue:
    """One finding: segment ``index`` (0-based), ``concept``, ``kind`` and the evidence."""

    index: int
    concept: str
    kind: str  # MISSING or NON_PREFERRED
    source: str  # the source mention(s), "; "-separated
    expected: str  # the preferred target form
    found: str = ""  # the non-preferred target form(s), "; "-separated

    @property
    def message(self) -> str:
        """One line for people: ``concept: missing “X”`` or ``concept: “Y” should be “X”``."""
        what = (f"missing “{self.expected}”" if self.kind == MISSING
                else f"“{self.found}” should be “{self.expected}”")
        return f"{self.concept}: {what}"

    def tsv(self, base: int = 1) -> str:
        """``line<TAB>concept<TAB>kind<TAB>expected<TAB>found<TAB>source`` (1-based line)."""
        return "\t".join((str(self.index + base), self.concept, self.kind, self.expected, self.found,
                          self.source))


def check_pair(glossary: Glossary, source: str, target: str, src: str, tgt: str, index: int = 0) -> list[Issue]:
    """Issues for one source/target segment pair."""
    del src  # source mentions of any language's forms count
    in_source: dict[str, list[str]] = {}
    for m in glossary.find(source, tgt):
        in_source.setdefault(m.concept, []).append(m.text)
    if not in_source:
        return []
    preferred: dict[str, int] = {}
    other: dict[str, list[str]] = {}
    for m in glossary.find(target, tgt):
        if glossary.is_preferred(m, tgt):
            preferred[m.concept] = preferred.get(m.concept, 0) + 1
        else:
            other.setdefault(m.concept, []).append(m.text)
    issues = []
    for concept, mentions in in_source.items():
        pref = glossary.concepts[concept].preferred(tgt)
        expected = pref.text if pref else ""
        src_text = "; ".join(dict.fromkeys(mentions))
        if concept in other:
            issues.append(Issue(index, concept, NON_PREFERRED, src_text, expected,
                                "; ".join(dict.fromkeys(other[concept]))))
        elif concept not in preferred:
            issues.append(Issue(index, concept, MISSING, src_text, expected))
    return issues


def check(glossary: Glossary, pairs: Iterable[tuple[str, str]], src: str, tgt: str) -> list[Issue]:
    """Issues for every ``(source, target)`` pair, in order."""
    out: list[Issue] = []
    for i, (source, target) in enumerate(pairs):
        out.extend(check_pair(glossary, source, target, src, tgt, i))
    return out


def check_lines(glossary: Glossary, sources: list[str], targets: list[str], src: str, tgt: str) -> list[Issue]:
    """Line-aligned files; refuses files of different lengths (the lines would not correspond)."""
    if len(sources) != len(targets):
        raise GlossaryError(f"the source has {len(sources)} lines but the target has {len(targets)}; "
                            "the files must be line-aligned (one segment per line)")
    return check(glossary, zip(sources, targets), src, tgt)
