"""Argos engine on a tiny real .argosmodel: safe install, batched translation, pivots."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from workbench.engines import argos
from workbench.engines.argos import ArgosEngine, install_from_file, install_from_index, installed_models
from workbench.errors import EngineError, ModelError, UnsupportedLanguageError

FRENCH = [
    "Selon la Maison Blanche, la Russie discute avec la Corée du Nord.",
    "",
    "Les troupes de Vladimir Poutine sont en mauvaise posture.",
    "   ",
    "Émoticône 🙂 et guillemets « français ».",
]


def test_install_from_file_lists_the_model(tiny_argos: Path):
    models, broken = installed_models()
    assert broken == []
    [model] = models
    assert (model.from_code, model.to_code, model.package_version) == ("fr", "en", "0.1")
    assert model.path.parent == tiny_argos
    assert model.model_version.startswith("0.1-")
    assert not list(tiny_argos.glob(".install-*")), "staging folder left behind"
    assert not list(tiny_argos.parent.glob(f".{tiny_argos.name}.install-*")), "staging folder left behind"


def test_reinstall_replaces_the_package(tiny_argos: Path, tiny_argosmodel: Path):
    before = installed_models()[0][0].model_version
    install_from_file(tiny_argosmodel)
    models, _ = installed_models()
    assert len(models) == 1 and models[0].model_version == before


def test_translate_batch_keeps_count_blanks_and_provenance(tiny_argos: Path):
    engine = ArgosEngine(device="cpu", max_decoding_length=32)
    results = engine.translate(FRENCH, "fr", "en")
    assert len(results) == len(FRENCH)
    for text, res in zip(FRENCH, results):
        assert (res.engine, res.model) == ("argos", "translate-fr_en-0_1")
        assert res.model_version == engine.describe("fr", "en").model_version
        assert (res.text == "") == (not text.strip())
        assert res.meta["route"] == ["fr", "en"]
    assert isinstance(results[0].meta["score"], float)


def test_one_translate_batch_call_per_batch_and_models_cached(tiny_argos: Path, monkeypatch):
    engine = ArgosEngine(device="cpu", max_decoding_length=16, max_batch_size=2)
    engine.translate(["Bonjour."], "fr", "en")  # load once
    assert len(argos._translators) == 1
    key, translator = next(iter(argos._translators.items()))
    calls: list[int] = []

    class Spy:
        def translate_batch(self, batch, **kw):
            calls.append(len(batch))
            return translator.translate_batch(batch, **kw)

    monkeypatch.setitem(argos._translators, key, Spy())
    live = [t for t in FRENCH if t.strip()]
    ArgosEngine(device="cpu", max_decoding_length=16, max_batch_size=2).translate(FRENCH, "fr", "en")
    assert calls == [len(live)], "whole batch must go to CTranslate2 in one call"
    calls.clear()
    engine.translate_unbatched(FRENCH, "fr", "en")
    assert calls == [1] * len(live)
    assert len(argos._translators) == 1, "a second engine must reuse the loaded model"


def test_pivot_through_english(tiny_argos: Path, tmp_path: Path):
    from fixtures.tiny_argos import build_argosmodel

    install_from_file(build_argosmodel(tmp_path / "en_es.argosmodel", from_code="en", to_code="es",
                                       seed=1))
    engine = ArgosEngine(device="cpu", max_decoding_length=16)
    pairs = {str(p) for p in engine.pairs()}
    assert pairs == {"fr→en", "en→es", "fr→en→es"}
    [res] = engine.translate(["la Maison Blanche"], "fr", "es")
    assert res.meta["route"] == ["fr", "en", "es"]
    assert res.model == "translate-fr_en-0_1+translate-en_es-0_1"
    assert res.model_version.count("+") == 1


def test_missing_model_names_the_fix(argos_home: Path):
    with pytest.raises(UnsupportedLanguageError, match=r"fr→de.*available pairs: none.*models install"):
        ArgosEngine(device="cpu").translate(["Bonjour"], "fr", "de")


def test_unknown_pair_lists_installed_pairs(tiny_argos: Path):
    with pytest.raises(UnsupportedLanguageError, match="available pairs: fr→en"):
        ArgosEngine(device="cpu").describe("de", "en")


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink"])
def test_hostile_archives_are_refused_before_writing(kind, argos_home: Path, tmp_path: Path):
    from fixtures.tiny_argos import hostile_archive

    archive = hostile_archive(tmp_path / f"{kind}.argosmodel", kind)
    with pytest.raises(ModelError, match="refused"):
        install_from_file(archive)
    assert list(argos_home.iterdir()) == []
    assert not (argos_home.parent / "escaped.txt").exists()
    assert not Path("/tmp/workbench-escaped.txt").exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"not a zip at all", "not an Argos model"),
    (None, "no translate-fr_en/metadata.json"),
    ("two-tops", "exactly one package folder"),
])
def test_malformed_archives(content, message, argos_home: Path, tmp_path: Path):
    path = tmp_path / "bad.argosmodel"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("translate-fr_en/model/model.bin", b"x")
            if content == "two-tops":
                zf.writestr("other/metadata.json", "{}")
    with pytest.raises(ModelError, match=message):
        install_from_file(path)
    assert list(argos_home.iterdir()) == []


def test_package_without_model_is_rejected_and_nothing_installed(argos_home: Path, tmp_path: Path):
    path = tmp_path / "nomodel.argosmodel"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("translate-fr_en-9/metadata.json", '{"from_code": "fr", "to_code": "en"}')
    with pytest.raises(ModelError, match="no CTranslate2 model"):
        install_from_file(path)
    assert [p for p in argos_home.iterdir() if not p.name.startswith(".")] == []


def test_index_install_offline_is_a_clear_error(argos_home: Path):
    with pytest.raises(ModelError, match=r"cannot reach the Argos package index.*offline.*--file"):
        install_from_index("fr", "en")


def test_unknown_device_and_missing_cuda():
    with pytest.raises(EngineError, match="unknown device"):
        ArgosEngine(device="tpu")
    import ctranslate2

    if ctranslate2.get_cuda_device_count() == 0:
        with pytest.raises(EngineError, match="no CUDA device"):
            argos.resolve_device("cuda")
        assert argos.resolve_device("auto") == "cpu"
    else:
        assert argos.resolve_device("auto") == "cuda"
