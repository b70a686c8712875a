"""Glossary data: concepts with one preferred form per language and any number of variants.

A :class:`Glossary` is immutable once built and always valid: every way of
making one (CSV, TBX, :meth:`Glossary.from_terms`) runs :func:`validate`,
which collects *all* problems and raises one
:class:`GlossaryValidationError` naming the file and line of each.

Normalisation (:meth:`Glossary.apply`): in text of language ``L``, every form
(any language, preferred or variant) of a concept that has a row for ``L`` is
replaced by that concept's preferred ``L`` form; a match written entirely in
capitals is replaced in capitals (unless it matched through an acronym form
such as ``ONU``); everything else on the line is kept byte for byte.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from workbench.errors import GlossaryError
from workbench.glossary.matcher import Match, Matcher, all_caps
from workbench.glossary.normalise import key

PREFERRED = "preferred"
VARIANT = "variant"
STATUSES = (PREFERRED, VARIANT)
#: Concept ids double as TBX ``conceptEntry/@id``, so they must be XML names (no leading digit).
_CONCEPT_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_LANG = re.compile(r"[a-z]{2}")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]")
#: apply() repeats until the line no longer changes (a replacement can create a new
#: longer match next to it, and that one another: a chain); real glossaries need one
#: pass. The bound, with the cycle check in apply(), only stops glossaries whose
#: rewrites go round in circles.
MAX_PASSES = 100


@dataclass(frozen=True)
class Term:
    """One form of a concept in one language; ``line`` is where it was read (0: not from a file)."""

    concept: str
    lang: str
    text: str
    status: str = VARIANT
    note: str = ""
    line: int = field(default=0, compare=False)

    @property
    def preferred(self) -> bool:
        return self.status == PREFERRED


@dataclass(frozen=True)
class Concept:
    """A stable id and its forms, in file order."""

    id: str
    terms: tuple[Term, ...]

    def preferred(self, lang: str) -> Term | None:
        """The preferred form in ``lang``, or ``None`` when the concept has no row for it."""
        for t in self.terms:
            if t.lang == lang and t.preferred:
                return t
        return None

    def forms(self, lang: str | None = None) -> list[Term]:
        """All forms, or those of one language."""
        return [t for t in self.terms if lang is None or t.lang == lang]

    @property
    def langs(self) -> list[str]:
        return list(dict.fromkeys(t.lang for t in self.terms))


@dataclass(frozen=True)
class Problem:
    """One validation problem: where (line 0: not tied to a line) and what."""

    line: int
    message: str


class GlossaryValidationError(GlossaryError):
    """A glossary with one or more problems; ``problems`` lists them all."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        n = len(problems)
        head = f"{source}: {n} problem{'s' if n != 1 else ''} in the glossary (nothing was loaded):"
        lines = [f"  {source}:{p.line}: {p.message}" if p.line else f"  {source}: {p.message}"
                 for p in problems]
        super().__init__("\n".join([head, *lines]))


def check_term_fields(concept: str, lang: str, text: str, status: str) -> list[str]:
    """Problems with one row's fields (empty, malformed); the row-level half of validation."""
    out = []
    if not concept:
        out.append("empty concept id")
    elif not _CONCEPT_ID.fullmatch(concept):
        out.append(f"concept id {concept!r} must start with a letter and contain only letters, "
                   "digits, _ . - (e.g. shoigu-full)")
    if not lang:
        out.append("empty language code")
    elif not _LANG.fullmatch(lang):
        out.append(f"language {lang!r} is not an ISO 639-1 code (two lower-case letters, e.g. fr, en)")
    if not text:
        out.append("empty term")
    elif _CONTROL.search(text):
        out.append(f"term {text!r} contains a line break or control character")
    elif not key(text):
        out.append(f"term {text!r} has no letters or digits to match")
    if status not in STATUSES:
        out.append(f"status {status!r} must be 'preferred' or 'variant'")
    return out


def validate(terms: list[Term]) -> list[Problem]:
    """Glossary-level problems: preferred forms, duplicates, one form in two concepts."""
    problems: list[Problem] = []
    seen_rows: dict[tuple[str, str, str], Term] = {}
    preferred: dict[tuple[str, str], list[Term]] = {}
    langs_of: dict[str, dict[str, list[Term]]] = {}
    owner: dict[str, Term] = {}  # key -> first term with it
    for t in terms:
        row = (t.concept, t.lang, t.text)
        if row in seen_rows:
            problems.append(Problem(t.line, f"duplicate row: {t.concept},{t.lang},{t.text} "
                                            f"(already on line {seen_rows[row].line})"))
            continue
        seen_rows[row] = t
        langs_of.setdefault(t.concept, {}).setdefault(t.lang, []).append(t)
        if t.preferred:
            preferred.setdefault((t.concept, t.lang), []).append(t)
        k = key(t.text)
        first = owner.get(k)
        if first is None:
            owner[k] = t
        elif first.concept != t.concept:
            where = "for one language" if first.lang == t.lang else f"({first.lang} and {t.lang})"
            problems.append(Problem(t.line, (
                f"the form {t.text!r} of concept {t.concept!r} is also a form of concept "
                f"{first.concept!r} (line {first.line}: {first.text!r}) {where}; a form may "
                "belong to one concept only (matching ignores case, accents, hyphens and spaces)")))
    for concept, by_lang in langs_of.items():
        for lang, rows in by_lang.items():
            pref = preferred.get((concept, lang), [])
            if not pref:
                lines = ", ".join(str(r.line) for r in rows)
                problems.append(Problem(rows[0].line, (
                    f"concept {concept!r} has no preferred form in {lang!r} (rows on line {lines}); "
                    "mark exactly one as 'preferred'")))
            elif len(pref) > 1:
                lines = ", ".join(str(r.line) for r in pref)
                problems.append(Problem(pref[1].line, (
                    f"concept {concept!r} has {len(pref)} preferred forms in {lang!r} (lines {lines}); "
                    "keep one and make the others 'variant'")))
    return sorted(problems, key=lambda p: p.line)


class Glossary:
    """A validated glossary. Build with :func:`~workbench.glossary.load_csv`,
    :func:`~workbench.glossary.tbx.load_tbx` or :meth:`from_terms`."""

    def __init__(self, concepts: Iterable[Concept], source: str = "") -> None:
        self.concepts: dict[str, Concept] = {c.id: c for c in concepts}
        self.source = source
        self._matchers: dict[object, Matcher] = {}

    @classmethod
    def from_terms(cls, terms: Iterable[Term], source: str = "<terms>") -> Glossary:
        """Validate ``terms`` and group them into concepts (file order kept)."""
        terms = list(terms)
        problems: list[Problem] = []
        clean: list[Term] = []
        for t in terms:
            msgs = check_term_fields(t.concept, t.lang, t.text, t.status)
            problems.extend(Problem(t.line, msg) for msg in msgs)
            if not msgs:
                clean.append(t)
        problems = sorted(problems + validate(clean), key=lambda p: p.line)
        if problems:
            raise GlossaryValidationError(source, problems)
        grouped: dict[str, list[Term]] = {}
        for t in terms:
            grouped.setdefault(t.concept, []).append(t)
        return cls((Concept(cid, tuple(ts)) for cid, ts in grouped.items()), source)

    # -- identity ------------------------------------------------------------

    def terms(self) -> list[Term]:
        return [t for c in self.concepts.values() for t in c.terms]

    @cached_property
    def hash(self) -> str:
        """SHA-256 of the content that changes behaviour (concept, language, status, term),
        independent of row order and notes: stored with translations as provenance."""
        rows = sorted(f"{t.concept}\t{t.lang}\t{t.status}\t{t.text}" for t in self.terms())
        return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()

    @property
    def version(self) -> str:
        """Short form of :attr:`hash` (12 hex digits) for model-version strings."""
        return self.hash[:12]

    @property
    def languages(self) -> list[str]:
        return sorted({t.lang for t in self.terms()})

    def __len__(self) -> int:
        return len(self.concepts)

    def __repr__(self) -> str:
        return f"Glossary({self.source!r}, {len(self)} concepts, {self.version})"

    # -- matching ------------------------------------------------------------

    def matcher(self, lang: str) -> Matcher:
        """Matcher over every form of the concepts that have a row for ``lang``."""
        m = self._matchers.get(lang)
        if m is None:
            m = Matcher((t.text, c.id) for c in self.concepts.values()
                        if c.preferred(lang) is not None for t in c.terms)
            self._matchers[lang] = m
        return m

    def find(self, line: str, lang: str) -> list[Match]:
        """Mentions (any form, any language) of concepts that have a preferred ``lang`` form."""
        return self.matcher(lang).find(line)

    def target_form(self, match: Match, lang: str) -> str:
        """What ``match`` becomes in ``lang``: the preferred form, in capitals when the match is."""
        concept = self.concepts[match.concept]
        pref = concept.preferred(lang)
        if pref is None:
            return match.text
        if not match.acronym and all_caps(match.text):
            return pref.text.upper()
        return pref.text

    def is_preferred(self, match: Match, lang: str) -> bool:
        """Whether the matched text is the preferred ``lang`` form as written (or in capitals)."""
        pref = self.concepts[match.concept].preferred(lang)
        return pref is not None and match.text in (pref.text, pref.text.upper())

    def apply(self, line: str, lang: str) -> str:
        """Normalise one line of ``lang`` text (see the module docstring); idempotent."""
        matcher = self.matcher(lang)
        seen = {line}
        for _ in range(MAX_PASSES):
            matches = matcher.find(line)
            if not matches:
                return line
            parts: list[str] = []
            pos = 0
            changed = False
            for m in matches:
                rep = self.target_form(m, lang)
                if rep != m.text:
                    parts.append(line[pos:m.start])
                    parts.append(rep)
                    pos = m.end
                    changed = True
            if not changed:
                return line
            parts.append(line[pos:])
            line = "".join(parts)
            if line in seen:  # the rewrites go round in a cycle: there is no fixed point
                return line
            seen.add(line)
        return line

    # -- editing -------------------------------------------------------------

    def with_variants(self, additions: Iterable[tuple[str, str, str]], note: str = "") -> Glossary:
        """A new glossary with ``(concept, lang, term)`` added as variants (validated).

        Adding a form for a language the concept has no row for is refused:
        it would have no preferred form.
        """
        terms = self.terms()
        for concept, lang, text in additions:
            if concept not in self.concepts:
                raise GlossaryError(f"cannot add {text!r}: no concept {concept!r} in {self.source}")
            terms.append(Term(concept, lang, text, VARIANT, note))
        order = {cid: i for i, cid in enumerate(self.concepts)}
        terms.sort(key=lambda t: order[t.concept])  # stable: new variants follow their concept
        return Glossary.from_terms(terms, self.source)
