"""Engine registry and ``auto`` selection."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.engines import ENGINE_CHOICES, AutoEngine, Engine, Pair, engine_for, get_engine
from workbench.errors import EngineError, UnsupportedLanguageError

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="no apertium")


def test_choices_and_protocol():
    assert ENGINE_CHOICES == ("auto", "argos", "apertium")
    for name in ENGINE_CHOICES:
        assert isinstance(get_engine(name, device="cpu"), Engine)


def test_unknown_engine():
    with pytest.raises(EngineError, match="unknown engine 'deepl'; choose one of auto, argos, apertium"):
        get_engine("deepl")


def test_pair_str():
    assert str(Pair("fr", "en", ("es",))) == "fr→es→en"
    assert Pair("fr", "es").direct and not Pair("fr", "en", ("es",)).direct


@needs_apertium
def test_auto_prefers_argos_then_falls_back_to_apertium(tiny_argos: Path):
    auto = get_engine("auto", device="cpu")
    assert isinstance(auto, AutoEngine)
    assert engine_for(auto, "fr", "en").name == "argos"
    assert engine_for(auto, "fr", "es").name == "apertium"
    assert {str(p) for p in auto.pairs()} >= {"fr→en", "fr→es", "en→es"}


@needs_apertium
def test_auto_uses_apertium_without_argos_models(argos_home: Path):
    assert engine_for(get_engine("auto"), "fr", "en").name == "apertium"


def test_auto_with_nothing_installed(argos_home: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UnsupportedLanguageError) as exc:
        engine_for(get_engine("auto"), "fr", "en")
    msg = str(exc.value)
    assert msg.startswith("no installed engine can translate fr→en; available pairs: none")
    assert "Apertium is not installed" in msg and "models install" in msg


def test_concrete_engine_unknown_pair(argos_home: Path):
    with pytest.raises(UnsupportedLanguageError, match="argos cannot translate fr→en"):
        engine_for(get_engine("argos"), "fr", "en")
