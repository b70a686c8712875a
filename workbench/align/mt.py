"""Machine translation of the source side for the MT-guided aligner (a thin shell).

The aligner itself is pure: it takes the translated source sentences as a
list of strings. This module produces that list, through the workbench's
engines (``workbench.engines.get_engine``) when that API is available, else
through a private batch pipe into the offline Apertium chain
``fr→es→en`` so that alignment works on a bare install.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence

from workbench.errors import EngineError, UnsupportedLanguageError

#: Apertium modes chained for each pair the private fallback can do.
_APERTIUM_CHAINS: dict[tuple[str, str], tuple[str, ...]] = {
    ("fr", "en"): ("fr-es", "spa-eng"),
    ("fr", "es"): ("fr-es",),
    ("es", "en"): ("spa-eng",),
    ("en", "es"): ("eng-spa",),
    ("es", "fr"): ("es-fr",),
}
_SEP = "\n"
_BATCH = 2000


def translate_for_alignment(
    texts: Sequence[str], src: str, tgt: str, engine: str = "auto"
) -> tuple[list[str], dict[str, str]]:
    """Translate ``texts`` (``src``→``tgt``); returns the translations and their provenance.

    ``engine`` is ``auto`` (engines API if present, else Apertium) or an
    engine name known to ``workbench.engines``.
    """
    if not texts:
        return [], {"engine": "none"}
    if src == tgt:
        return list(texts), {"engine": "identity"}
    try:
        from workbench.engines import get_engine  # type: ignore[attr-defined]
    except ImportError:
        get_engine = None
    if get_engine is not None:
        eng = get_engine(engine)
        results = eng.translate(list(texts), src, tgt)
        first = results[0] if results else None
        prov = {
            "engine": getattr(first, "engine", getattr(eng, "name", engine)),
            "model": getattr(first, "model", ""),
            "model_version": getattr(first, "model_version", ""),
        }
        return [r.text for r in results], prov
    if engine not in ("auto", "apertium"):
        raise EngineError(f"engine {engine!r} is not available here; use --engine apertium or --no-mt")
    return apertium_translate(texts, src, tgt), {"engine": "apertium", "model": "->".join(_chain(src, tgt))}


def _chain(src: str, tgt: str) -> tuple[str, ...]:
    try:
        return _APERTIUM_CHAINS[(src, tgt)]
    except KeyError:
        pairs = ", ".join(f"{a}→{b}" for a, b in _APERTIUM_CHAINS)
        raise UnsupportedLanguageError(
            f"no offline translation for {src}→{tgt} (available: {pairs}); "
            "pass --no-mt to align on length and anchors only"
        ) from None


def apertium_translate(texts: Sequence[str], src: str, tgt: str) -> list[str]:
    """Translate one sentence per line through the Apertium chain, in batches.

    Unknown-word marks are dropped (``-u``); a batch whose line count comes
    back wrong is retried sentence by sentence.
    """
    exe = shutil.which("apertium")
    if exe is None:
        raise EngineError("apertium is not installed (apt-get install apertium apertium-fr-es "
                          "apertium-eng-spa), or pass --no-mt")
    chain = _chain(src, tgt)
    clean = [" ".join(t.split()) for t in texts]
    out: list[str] = []
    for start in range(0, len(clean), _BATCH):
        batch = clean[start : start + _BATCH]
        lines = _run_chain(exe, chain, _SEP.join(batch) + _SEP)
        if len(lines) != len(batch):
            lines = [" ".join(_run_chain(exe, chain, t + _SEP)) for t in batch]
        out.extend(lines)
    return out


def _run_chain(exe: str, chain: tuple[str, ...], text: str) -> list[str]:
    for mode in chain:
        try:
            proc = subprocess.run([exe, "-u", mode], input=text, capture_output=True,
                                  text=True, check=False, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EngineError(f"apertium {mode} failed: {exc}") from exc
        if proc.returncode != 0:
            raise EngineError(f"apertium {mode} failed: {proc.stderr.strip()[:300]}")
        text = proc.stdout
    lines = text.split(_SEP)
    if lines and lines[-1] == "":
        lines.pop()
    return [ln.strip() for ln in lines]
