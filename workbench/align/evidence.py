"""Which similarity evidence the aligner gets for a language pair: MT, a dictionary, both,
or neither (length and anchors only). A thin shell: it asks the engines and the installed
dictionaries what exists; the aligner itself stays pure.

* MT is used where an engine has a route for the pair (``--no-mt`` turns it off);
* a dictionary is used where one is installed for the pair (direct, reversed or through
  English): alone when there is no MT, beside the MT when there is (``--no-dict`` turns it
  off, ``--dict`` makes a missing one an error);
* :attr:`Evidence.line` says in one line what was used, and why something was not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.errors import WorkbenchError


@dataclass(frozen=True)
class Evidence:
    """The evidence chosen for one pair."""

    src: str
    tgt: str
    mt_engine: str | None          # engine that will translate, None: no MT
    lexicon: object | None         # workbench.align.dictionary.Lexicon, None: no dictionary
    notes: tuple[str, ...] = ()    # why an expected source is missing (one hint each)

    @property
    def line(self) -> str:
        """``evidence: MT (apertium) + dictionary de→fr (…)`` and any notes."""
        parts = []
        if self.mt_engine:
            parts.append(f"MT ({self.mt_engine})")
        if self.lexicon is not None:
            parts.append(self.lexicon.describe())
        what = " + ".join(parts) if parts else "length and anchors only"
        return "evidence: " + what + "".join(f"; {n}" for n in self.notes)

    @property
    def dict_label(self) -> str:
        """``dict de→fr`` (``dict de→en→fr`` through a pivot), or "" without a dictionary."""
        lex = self.lexicon
        if lex is None:
            return ""
        return f"dict {lex.src}→{lex.via + '→' if lex.via else ''}{lex.tgt}"

    @property
    def short(self) -> str:
        """A short label for stored provenance and per-pair reports."""
        parts = [p for p in (self.mt_engine, self.dict_label) if p]
        return " + ".join(parts) or "none"


def mt_route(src: str, tgt: str, engine: str = "auto") -> str | None:
    """The engine that would translate ``src→tgt``: ``None`` when ``engine`` is ``auto``
    and none can; a named engine that cannot raises its own error (the user asked for it)."""
    if src == tgt:
        return "identity"
    from workbench.engines import engine_for, get_engine

    try:
        return getattr(engine_for(get_engine(engine), src, tgt), "name", engine)
    except WorkbenchError:
        if engine != "auto":
            raise
        return None


def select_evidence(src: str, tgt: str, *, use_mt: bool = True, engine: str = "auto",
                    dictionary: bool | None = None, mt_given: str | None = None,
                    dicts: Sequence | None = None) -> Evidence:
    """Choose the evidence for ``src→tgt``.

    ``dictionary``: ``None`` (auto: use one if installed), ``True`` (required: a missing
    one raises :class:`~workbench.align.dictionary.MissingDictionaryError` with the Debian
    package to install), ``False`` (never). ``mt_given`` names a translation supplied
    by the caller (a file), which counts as MT.
    """
    from workbench.align.dictionary import MissingDictionaryError, load_lexicon

    notes: list[str] = []
    mt = mt_given
    if mt is None and use_mt:
        mt = mt_route(src, tgt, engine)
        if mt is None:
            notes.append(f"no MT for {src}→{tgt}")
    lexicon = None
    if dictionary is not False:
        try:
            lexicon = load_lexicon(src, tgt, dicts)
        except MissingDictionaryError as exc:
            if dictionary:
                raise
            if mt is None:
                notes.append(_hint(exc))
    return Evidence(src, tgt, mt, lexicon, tuple(notes))


def _hint(exc: Exception) -> str:
    msg = str(exc)
    i = msg.find("apt-get install")
    return ("no dictionary: " + msg[i:].split(";")[0]) if i >= 0 else msg
