"""Protected terms in machine translation, and term accuracy.

Before translation, every mention of a glossary concept in the source that
has a preferred form in the target language is replaced:

* ``mode="placeholder"`` (default): by an opaque token ``XTERM0X``,
  ``XTERM1X``, ... Rule-based Apertium passes unknown tokens through
  untouched (it only marks them ``*XTERM0X``, which its engine wrapper
  strips), whereas the real target form does not survive it (``Kim Jong Un``
  comes back as ``Kim Jong Uno``, ``Choïgou`` is copied as is). After
  translation each token is replaced by the preferred target form.
* ``mode="inline"``: by the preferred target form itself. Neural engines
  (Argos/CTranslate2) copy names they see in the source far more reliably
  than they copy made-up tokens; use this where placeholders get mangled.

``mode="auto"`` picks one of the two for the engine that really runs
(:func:`default_mode`): ``translate_project`` / ``translate_lines`` call
:meth:`TermProtector.for_engine` once the engine of each pair is known.
Used directly, without ``for_engine``, ``auto`` behaves as ``placeholder``.

Protection changes what the engine sees, and a rule-based engine translates
the sentence around a token less well (``la Russie`` → ``the Russia``: the
article it drops before a country name stays before a token). So
:meth:`TermProtector.translate` protects only what needs it: it translates
the batch as is, normalises it, and retranslates only the segments whose
preferred target forms are missing, protecting only the concepts that went
wrong; a segment still wrong after that is retranslated with every mention
protected (three engine calls at most, on shrinking subsets).

After restoring, the output is normalised with :meth:`Glossary.apply` in the
target language, which also fixes any source form the engine copied. Tokens
are matched leniently on the way back (``xterm0x``, ``XTERM 0 X``, Apertium's
``*``/``@``/``#`` marks); a token the engine dropped cannot be recovered and
shows up in :func:`term_accuracy` and the consistency check, never silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from workbench.errors import GlossaryError
from workbench.glossary.model import Glossary

T = TypeVar("T")
Mode = Literal["placeholder", "inline", "auto"]
MODES: tuple[str, ...] = ("placeholder", "inline", "auto")
_TOKEN = "XTERM{}X"
_TOKEN_RE = re.compile(r"(?<![^\W_])[*@#]{0,3}X[ \t]?TERM[ \t]?(\d{1,4})[ \t]?X(?![^\W_])", re.IGNORECASE)


#: Punctuation that glues a placeholder to the next word ("armes.XTERM2X", "XTERM0X.Suivant"):
#: a space is put in between, or the rule-based engine mangles the token.
_GLUE = ".!?;:,"
_GLUED_AFTER = re.compile(r"[.!?;:,](?=[^\W\d_])")


def default_mode(engine: str) -> Literal["placeholder", "inline"]:
    """The protection mode that suits an engine: placeholders for Apertium (it copies unknown
    tokens but mangles known words inside names), inline target forms for neural engines."""
    return "placeholder" if engine.startswith("apertium") else "inline"


def is_placeholder(word: str) -> bool:
    """Whether ``word`` is one of our tokens (e.g. to drop it from an engine's unknown-word list)."""
    return bool(_TOKEN_RE.fullmatch(word.strip()))


@dataclass(frozen=True)
class Placeholder:
    """One protected mention: ``token`` stands for ``target`` (the preferred target form)."""

    token: str
    concept: str
    source: str  # the mention as written in the source
    target: str


@dataclass
class Protected:
    """The state :meth:`TermProtector.restore` needs for one batch."""

    tgt: str = ""
    placeholders: list[list[Placeholder]] = field(default_factory=list)


class TermProtector:
    """Protect and restore glossary terms for one language pair.

    Satisfies :class:`workbench.translate.TermProtection` (``version``,
    ``protect(texts, src, tgt)``, ``restore(texts, state)``), so it can be
    passed as ``glossary=`` to ``translate_project`` / ``translate_lines``.
    """

    def __init__(self, glossary: Glossary, src: str | None = None, tgt: str | None = None,
                 mode: Mode = "placeholder") -> None:
        if mode not in MODES:
            raise GlossaryError(f"unknown protection mode {mode!r}; use one of {', '.join(MODES)}")
        self.glossary = glossary
        self.src = src
        self.tgt = tgt
        self.mode = mode

    @property
    def version(self) -> str:
        """Glossary content hash (short) plus the mode: part of the translation-memory key."""
        return f"{self.glossary.version}:{self.mode}:minimal"

    def for_engine(self, engine: str) -> TermProtector:
        """The protector to use with ``engine``: ``mode="auto"`` becomes that engine's
        :func:`default_mode`; any other mode is kept (returns ``self``)."""
        if self.mode != "auto":
            return self
        return TermProtector(self.glossary, self.src, self.tgt, default_mode(engine))

    # -- one segment -----------------------------------------------------------

    def protect_text(self, text: str, src: str, tgt: str,
                     only: AbstractSet[str] | None = None) -> tuple[str, list[Placeholder]]:
        """``text`` with mentions replaced (of the concepts in ``only``, if given), and
        what each replacement stands for."""
        del src  # mentions of any language's form count; kept for symmetry and future use
        matches = [m for m in self.glossary.find(text, tgt) if only is None or m.concept in only]
        if not matches:
            return text, []
        parts: list[str] = []
        placeholders: list[Placeholder] = []
        pos = 0
        for i, m in enumerate(matches):
            target = self.glossary.target_form(m, tgt)
            token = target if self.mode == "inline" else _TOKEN.format(i)
            placeholders.append(Placeholder(token, m.concept, m.text, target))
            glued = self.mode != "inline" and m.start > pos and text[m.start - 1] in _GLUE
            parts.append(text[pos:m.start])
            if glued:
                parts.append(" ")  # "armes.XTERM2X" is one unknown word to Apertium, and mangled
            parts.append(token)
            pos = m.end
            if self.mode != "inline" and _GLUED_AFTER.match(text, pos):
                parts.append(text[pos] + " ")  # "XTERM0X.Suivant": likewise
                pos += 1
        parts.append(text[pos:])
        return "".join(parts), placeholders

    def restore_text(self, text: str, placeholders: Sequence[Placeholder], tgt: str) -> str:
        """Tokens back to target forms, then target-language normalisation."""
        if self.mode != "inline" and placeholders:
            by_index = {str(i): p.target for i, p in enumerate(placeholders)}

            def repl(m: re.Match[str]) -> str:
                return by_index.get(str(int(m.group(1))), m.group(0))

            text = _TOKEN_RE.sub(repl, text)
        return self.glossary.apply(text, tgt)

    # -- batches (the translate.TermProtection protocol) -----------------------

    def protect(self, texts: list[str], src: str, tgt: str,
                only: Sequence[AbstractSet[str]] | None = None) -> tuple[list[str], Any]:
        out: list[str] = []
        state = Protected(tgt)
        for i, text in enumerate(texts):
            protected, ph = self.protect_text(text, src, tgt, None if only is None else only[i])
            out.append(protected)
            state.placeholders.append(ph)
        return out, state

    def restore(self, texts: list[str], state: Any) -> list[str]:
        tgt = state.tgt or self.tgt
        if tgt is None:
            raise GlossaryError("restore() needs the target language of the protected batch")
        return [self.restore_text(t, ph, tgt) for t, ph in zip(texts, state.placeholders)]

    def translate(self, call: Callable[[list[str]], list[T]], text_of: Callable[[T], str],
                  texts: list[str], src: str, tgt: str) -> list[tuple[str, T]]:
        """Translate ``texts`` with ``call``, protecting only what the engine gets wrong
        (see the module doc). Returns each final text with the engine result it came
        from (for its metadata)."""
        out = [(self.glossary.apply(text_of(r), tgt), r) for r in call(texts)]
        for protect_all in (False, True):  # the concepts that went wrong, then every mention
            wrong = self._missing(texts, [t for t, _ in out], tgt)
            redo = [i for i, concepts in enumerate(wrong) if concepts]
            if not redo:
                break
            only = None if protect_all else [wrong[i] for i in redo]
            protected, state = self.protect([texts[i] for i in redo], src, tgt, only)
            raw = call(protected)
            for i, text, r in zip(redo, self.restore([text_of(r) for r in raw], state), raw):
                out[i] = (text, r)
        return out

    def _missing(self, sources: list[str], translations: list[str], tgt: str) -> list[set[str]]:
        """Per segment: concepts whose preferred ``tgt`` form is missing from the translation."""
        wrong: list[set[str]] = [set() for _ in sources]
        for miss in term_accuracy(sources, translations, self.glossary, self.src or "", tgt).misses:
            wrong[miss.index].add(miss.concept)
        return wrong


def protect(glossary: Glossary, text: str, src_lang: str, tgt_lang: str,
            mode: Mode = "placeholder") -> tuple[str, list[Placeholder]]:
    """Protect one segment: ``(protected_text, placeholders)``."""
    return TermProtector(glossary, src_lang, tgt_lang, mode).protect_text(text, src_lang, tgt_lang)


def restore(glossary: Glossary, text: str, placeholders: Sequence[Placeholder], tgt_lang: str,
            mode: Mode = "placeholder") -> str:
    """Undo :func:`protect` on a translated segment and normalise it to ``tgt_lang``."""
    return TermProtector(glossary, None, tgt_lang, mode).restore_text(text, placeholders, tgt_lang)


# -- term accuracy --------------------------------------------------------------


@dataclass(frozen=True)
class TermMiss:
    """A source mention whose preferred target form is not (often enough) in the translation."""

    index: int  # segment index
    concept: str
    expected: str
    source_mentions: int
    target_hits: int


@dataclass
class TermAccuracy:
    """Share of source concept mentions whose preferred target form is in the translation."""

    mentions: int = 0
    correct: int = 0
    misses: list[TermMiss] = field(default_factory=list)
    glossary: str = ""  # glossary hash (provenance)

    @property
    def accuracy(self) -> float:
        """``correct / mentions``; 1.0 when there are no mentions (nothing to get wrong)."""
        return self.correct / self.mentions if self.mentions else 1.0

    def __float__(self) -> float:
        return self.accuracy

    def line(self, tgt: str) -> str:
        """The one-line report the CLI and ``workbench run`` print."""
        if not self.mentions:
            return (f"term accuracy →{tgt}: none measured (no concept in the sources has a "
                    f"form in {tgt})")
        line = f"term accuracy →{tgt}: {self.correct}/{self.mentions} = {self.accuracy:.1%}"
        if self.misses:
            line += " (missing: " + ", ".join(sorted({m.expected for m in self.misses})[:8]) + ")"
        return line


def term_accuracy(sources: Sequence[str], translations: Sequence[str], glossary: Glossary,
                  src: str, tgt: str) -> TermAccuracy:
    """Per segment and concept: ``k`` source mentions count as correct up to the number of
    times the preferred target form (as written, or in capitals) occurs in the translation.

    Mentions are concepts with a preferred ``tgt`` form, found in the source
    with the glossary's matcher (any language's forms); target occurrences are
    found the same way, so a preferred form inside a longer form of another
    concept does not count.
    """
    del src
    if len(sources) != len(translations):
        raise GlossaryError(f"term accuracy: {len(sources)} sources but {len(translations)} translations")
    report = TermAccuracy(glossary=glossary.hash)
    for i, (source, translation) in enumerate(zip(sources, translations)):
        wanted: dict[str, int] = {}
        for m in glossary.find(source, tgt):
            wanted[m.concept] = wanted.get(m.concept, 0) + 1
        if not wanted:
            continue
        hits: dict[str, int] = {}
        for m in glossary.find(translation, tgt):
            if glossary.is_preferred(m, tgt):
                hits[m.concept] = hits.get(m.concept, 0) + 1
        for concept, n in wanted.items():
            got = min(n, hits.get(concept, 0))
            report.mentions += n
            report.correct += got
            if got < n:
                pref = glossary.concepts[concept].preferred(tgt)
                report.misses.append(TermMiss(i, concept, pref.text if pref else "", n, hits.get(concept, 0)))
    return report
