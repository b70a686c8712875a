"""Machine translation engines: one small protocol, one module per engine, a registry.

An engine says which language pairs it can translate (directly or through a
pivot language) and translates a *batch* of segments at a time. Every result
carries its provenance (engine, model, model version) so that stored
translations and the translation memory can be traced and invalidated.

Language codes are ISO 639-1 (``fr``, ``en``, ``es``) everywhere in the
workbench; engines map them to their own codes internally.

Heavy dependencies (ctranslate2, sentencepiece, argostranslate) are imported
lazily inside the engine modules, so importing this package is cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from workbench.errors import EngineError, UnsupportedLanguageError


@dataclass(frozen=True)
class Pair:
    """A language pair an engine can translate; ``via`` lists pivot languages (empty: direct)."""

    src: str
    tgt: str
    via: tuple[str, ...] = ()

    @property
    def direct(self) -> bool:
        return not self.via

    def __str__(self) -> str:
        return "→".join((self.src, *self.via, self.tgt))


@dataclass(frozen=True)
class Provenance:
    """Which engine and model produce translations for one pair."""

    engine: str
    model: str
    model_version: str


@dataclass(frozen=True)
class TranslationResult:
    """One translated segment with its provenance and per-segment notes.

    ``meta`` may hold ``low_confidence`` (a list of ``{"word", "reason"}``
    dicts for words the engine did not know), ``route`` (the language chain
    used) and engine-specific scores.
    """

    text: str
    engine: str
    model: str
    model_version: str
    meta: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Engine(Protocol):
    """A machine translation engine."""

    name: str

    def pairs(self) -> list[Pair]:
        """Every pair this engine can translate now (direct first, then pivoted)."""
        ...

    def describe(self, src: str, tgt: str) -> Provenance:
        """The provenance translations of ``src→tgt`` will carry (without translating)."""
        ...

    def translate(self, texts: list[str], src: str, tgt: str) -> list[TranslationResult]:
        """Translate a batch: one result per input text, in order."""
        ...


def _argos(**options: Any) -> Engine:
    from workbench.engines.argos import ArgosEngine

    return ArgosEngine(**options)


def _apertium(**options: Any) -> Engine:
    from workbench.engines.apertium import ApertiumEngine

    return ApertiumEngine(**options)


#: Concrete engines in order of preference for ``auto`` (best first).
ENGINES: dict[str, Callable[..., Engine]] = {"argos": _argos, "apertium": _apertium}
#: Names accepted on the command line.
ENGINE_CHOICES: tuple[str, ...] = ("auto", *ENGINES)


def find_pair(pairs: list[Pair], src: str, tgt: str) -> Pair | None:
    """The best (shortest) route for ``src→tgt`` among ``pairs``."""
    candidates = [p for p in pairs if p.src == src and p.tgt == tgt]
    return min(candidates, key=lambda p: len(p.via)) if candidates else None


def format_pairs(pairs: list[Pair]) -> str:
    """A short human list of pairs for error messages."""
    if not pairs:
        return "none"
    return ", ".join(sorted({str(p) for p in pairs}))


def unsupported(engine: str, src: str, tgt: str, pairs: list[Pair], hint: str = "") -> UnsupportedLanguageError:
    """The error raised when an engine (or, with ``engine=""``, no engine) cannot do ``src→tgt``."""
    who = f"{engine} cannot" if engine else "no installed engine can"
    msg = f"{who} translate {src}→{tgt}; available pairs: {format_pairs(pairs)}"
    return UnsupportedLanguageError(msg + (f". {hint}" if hint else ""))


class AutoEngine:
    """Picks, for each pair, the first engine of :data:`ENGINES` that can do it.

    Engines that are not available at all (Apertium not installed, no Argos
    model) are skipped; results keep the name of the engine that really ran.
    """

    name = "auto"

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._engines: dict[str, Engine] = {}
        self._errors: dict[str, str] = {}

    def _engine(self, name: str) -> Engine | None:
        if name not in self._engines and name not in self._errors:
            try:
                engine = ENGINES[name](**self._options)
                engine.pairs()  # fails early when the engine is not installed
                self._engines[name] = engine
            except EngineError as exc:
                self._errors[name] = str(exc)
        return self._engines.get(name)

    def pairs(self) -> list[Pair]:
        seen: dict[tuple[str, str], Pair] = {}
        for name in ENGINES:
            engine = self._engine(name)
            for pair in engine.pairs() if engine else []:
                best = seen.get((pair.src, pair.tgt))
                if best is None or len(pair.via) < len(best.via):
                    seen[(pair.src, pair.tgt)] = pair
        return list(seen.values())

    def resolve(self, src: str, tgt: str) -> Engine:
        """The engine that will translate ``src→tgt``."""
        for name in ENGINES:
            engine = self._engine(name)
            if engine is not None and find_pair(engine.pairs(), src, tgt):
                return engine
        notes = "; ".join(f"{n}: {e}" for n, e in self._errors.items())
        raise unsupported(
            "", src, tgt, self.pairs(),
            hint=(notes + ". " if notes else "")
            + "Install an Argos model (`workbench models install FROM TO` or `--file`) "
            "or Apertium language data (apt-get install apertium-fr-es apertium-eng-spa)",
        )

    def describe(self, src: str, tgt: str) -> Provenance:
        return self.resolve(src, tgt).describe(src, tgt)

    def translate(self, texts: list[str], src: str, tgt: str) -> list[TranslationResult]:
        return self.resolve(src, tgt).translate(texts, src, tgt)


def get_engine(name: str = "auto", **options: Any) -> Engine:
    """An engine by name (``auto``, ``argos``, ``apertium``).

    ``options`` go to the engine's constructor (``device=`` for Argos); engines
    that do not know an option ignore it.
    """
    if name == "auto":
        return AutoEngine(**options)
    try:
        factory = ENGINES[name]
    except KeyError:
        raise EngineError(
            f"unknown engine {name!r}; choose one of {', '.join(ENGINE_CHOICES)}"
        ) from None
    return factory(**options)


def engine_for(engine: Engine, src: str, tgt: str) -> Engine:
    """The concrete engine that translates ``src→tgt`` (resolves ``auto``), or raise
    :class:`UnsupportedLanguageError` listing the pairs that are available."""
    if isinstance(engine, AutoEngine):
        return engine.resolve(src, tgt)
    pairs = engine.pairs()
    if find_pair(pairs, src, tgt) is None:
        raise unsupported(engine.name, src, tgt, pairs)
    return engine
