"""The workbench's Argos output equals argostranslate's own, for every real package layout.

Each layout of ``fixtures/argos_layouts.py`` is installed with the workbench and
translated twice: by :class:`ArgosEngine` (batched, straight through CTranslate2)
and by argostranslate 1.11's ``apply_packaged_translation`` with the same files
(stanza stubbed, one sentence per segment, as the workbench segments itself).

Documented differences (README, "Argos models"), applied to both sides by
:func:`documented`: argostranslate turns every ``_`` into a space (the workbench
keeps real underscores, ``mon_fichier.txt``), trims one leading space where the
workbench trims whitespace at both ends, and leaves a target prefix with an
underscore in the output (``deu Latn …``) where the workbench drops the prefix token.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from workbench.engines import argos
from workbench.engines.argos import ArgosEngine, install_from_file

SENTENCES = [
    "Selon la Maison Blanche, la Russie discute avec la Corée du Nord.",
    "Les troupes de Vladimir Poutine sont en mauvaise posture.",
    "M. Kirby l'a dit.",
    "Émoticône 🙂 et guillemets « français » : 13 septembre 2023.",
]


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from fixtures.argos_layouts import LAYOUTS, build_layout

    out = tmp_path_factory.mktemp("layouts")
    return {layout: build_layout(layout, out) for layout in LAYOUTS}


def argos_reference(package_path: Path, texts: list[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """argostranslate's own translation of each text, one sentence each."""
    import ctranslate2

    # Sentence splitters argostranslate imports but this comparison never calls (one
    # sentence per segment): stubs, so that neither stanza (torch) nor minisbd
    # (onnxruntime, 78 MB) is installed for one test.
    monkeypatch.setitem(sys.modules, "stanza", types.ModuleType("stanza"))
    minisbd = types.ModuleType("minisbd")
    minisbd.SBDetect = object
    minisbd.models = types.SimpleNamespace(cache_dir="", list_models=lambda: [])
    monkeypatch.setitem(sys.modules, "minisbd", minisbd)
    from argostranslate import package, settings
    from argostranslate.translate import apply_packaged_translation

    class OneSentence:
        def split_sentences(self, text: str) -> list[str]:
            return [text]

    pkg = package.Package(package_path)
    translator = ctranslate2.Translator(str(package_path / "model"), device="cpu",
                                       compute_type=settings.compute_type,
                                       inter_threads=settings.inter_threads,
                                       intra_threads=settings.intra_threads)
    return [apply_packaged_translation(pkg, t, translator, OneSentence(), 1)[0].value
            for t in texts]


def documented(text: str, prefix: str = "") -> str:
    """The documented differences, applied: ``_`` as space, ends trimmed, prefix dropped."""
    text = text.replace("_", " ").strip()
    mangled = prefix.replace("_", " ")
    return text[len(mangled):].strip() if prefix and text.startswith(mangled) else text


@pytest.mark.parametrize("layout", ["argos_train", "opus_mt", "bpe", "target_prefix", "legacy"])
def test_workbench_output_equals_argostranslate(layout: str, layouts: dict[str, Path],
                                                argos_home: Path, monkeypatch: pytest.MonkeyPatch):
    model = install_from_file(layouts[layout])
    engine = ArgosEngine(device="cpu", directory=argos_home)
    ours = [r.text for r in engine.translate(SENTENCES, "fr", "en")]
    theirs = argos_reference(model.path, SENTENCES, monkeypatch)
    assert any(t.strip() for t in ours), "the random model should say something"
    assert [documented(t) for t in ours] == [documented(t, model.target_prefix) for t in theirs]
    assert not any("▁" in t for t in ours), ours
    if layout == "target_prefix":
        assert not any(t.startswith(model.target_prefix) for t in ours)


def test_opus_mt_output_has_no_sentencepiece_marks(layouts: dict[str, Path], argos_home: Path):
    """The OPUS-MT layout's decoder emits pieces its packaged SentencePiece model lacks:
    they come back from ``decode_pieces`` with their "▁" (the fixture makes sure some do)."""
    import sentencepiece as spm

    model = install_from_file(layouts["opus_mt"])
    engine = ArgosEngine(device="cpu", directory=argos_home)
    translator = engine._translator(model)
    tok = engine._tokenizer(model)
    sp = spm.SentencePieceProcessor(model_file=str(model.path / "sentencepiece.model"))
    hyps = translator.translate_batch([tok.encode(s) for s in SENTENCES], beam_size=4)
    raw = [sp.decode_pieces(h.hypotheses[0]) for h in hyps]
    assert any("▁" in r for r in raw), "the fixture must expose unknown target pieces"
    for text in (r.text for r in engine.translate(SENTENCES, "fr", "en")):
        assert "▁" not in text


def test_underscores_are_kept_where_argostranslate_makes_spaces(tiny_argos: Path):
    """A documented choice: real underscores (file names, handles) survive decoding."""
    from argostranslate.tokenizer import SentencePieceTokenizer

    model = ArgosEngine(device="cpu").models()[("fr", "en")]
    ours = ArgosEngine(device="cpu")._tokenizer(model)
    theirs = SentencePieceTokenizer(model.path / "sentencepiece.model")
    pieces = ["▁mon", "_fichier", ".txt", "▁est▁là"]  # "_fichier", "▁est▁là" are not pieces
    assert ours.decode(pieces).strip() == "mon_fichier.txt est là"
    assert theirs.decode(pieces).strip() == "mon fichier.txt est là"


@pytest.mark.parametrize("layout", ["opus_mt", "legacy"])
def test_dot_slash_archives_install(layout: str, tmp_path: Path, argos_home: Path):
    """Archives whose members start with ``./`` (zip -r . from inside a folder) install."""
    from fixtures.argos_layouts import build_layout

    model = install_from_file(build_layout(layout, tmp_path, dot_slash=True))
    assert model.path.parent == argos_home and (model.path / "metadata.json").is_file()
    assert [m.name for m in argos.installed_models()[0]] == [model.name]
