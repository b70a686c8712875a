"""Apertium engine: mode parsing, pivot routes, mark stripping, and real runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from workbench.engines.apertium import (
    ApertiumEngine, join_batch, parse_modes, routes, split_batch, strip_marks, to_iso1,
)
from workbench.errors import EngineError, UnsupportedLanguageError
from workbench.translate import translate_lines

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="apertium not installed (.ci/run installs it)")

LISTING = "  eco-es-fr\n  eco-fr-es\n  eng-spa\n  es-fr\n  fr-es\n  spa-eng\n  spa-eng_US\n"


@pytest.mark.parametrize(("code", "iso1"), [
    ("fr", "fr"), ("spa", "es"), ("eng", "en"), ("fra", "fr"), ("cat", "ca"),
    ("eng_US", None), ("eco", None), ("x1", None),
])
def test_to_iso1(code, iso1):
    assert to_iso1(code) == iso1


def test_parse_modes_keeps_plain_pairs_and_maps_codes():
    assert parse_modes(LISTING) == {
        ("en", "es"): "eng-spa", ("es", "fr"): "es-fr", ("fr", "es"): "fr-es",
        ("es", "en"): "spa-eng",
    }


@pytest.mark.parametrize(("src", "tgt", "chain"), [
    ("fr", "es", ["fr", "es"]),
    ("fr", "en", ["fr", "es", "en"]),
    ("en", "fr", ["en", "es", "fr"]),
    ("es", "en", ["es", "en"]),
])
def test_routes_build_pivot_chains(src, tgt, chain):
    assert routes(parse_modes(LISTING))[(src, tgt)] == chain


def test_routes_respect_hop_limit():
    direct = {("a1", "b1"): "", ("b1", "c1"): "", ("c1", "d1"): "", ("d1", "e1"): ""}
    found = routes(direct, max_hops=2)
    assert ("a1", "c1") in found and ("a1", "d1") not in found


@pytest.mark.parametrize(("output", "source", "clean", "words"), [
    ("North Korea said that *Macron *zzblorf.", "", "North Korea said that Macron zzblorf.",
     [("Macron", "unknown"), ("zzblorf", "unknown")]),
    ("El #vendré y @hablar", "", "El vendré y hablar",
     [("vendré", "not generated"), ("hablar", "untranslated")]),
    ("Follow #*MeToo and @AFP", "Siga #MeToo y @AFP", "Follow #MeToo and @AFP",
     [("MeToo", "unknown")]),
    ("write to a@b.fr", "", "write to a@b.fr", []),
    ("**Poutine", "", "Poutine", [("Poutine", "unknown")]),
    ("Größe *Ærø-øen", "", "Größe Ærø-øen", [("Ærø-øen", "unknown")]),
])
def test_strip_marks(output, source, clean, words):
    text, found = strip_marks(output, source)
    assert text == clean
    assert [(w["word"], w["reason"]) for w in found] == words


def test_join_and_split_batch_round_trip():
    texts = ["Une phrase.", "Deux\nlignes\r\nici.", "Trois"]
    joined = join_batch(texts)
    assert split_batch(joined, 3) == ["Une phrase.", "Deux lignes ici.", "Trois"]
    assert split_batch(joined, 4) is None


@needs_apertium
@pytest.mark.parametrize(("french", "english"), [
    ("la Maison Blanche", "White House"),
    ("la Corée du Nord", "North Korea"),
    ("Selon la Maison Blanche, la Russie discute avec la Corée du Nord.", "North Korea"),
])
def test_real_french_to_english(french, english):
    [result] = ApertiumEngine().translate([french], "fr", "en")
    assert english in result.text
    assert result.engine == "apertium"
    assert result.model == "apertium:fr-es|spa-eng"
    assert "fr-es=" in result.model_version and "spa-eng=" in result.model_version
    assert result.meta["route"] == ["fr", "es", "en"]


@needs_apertium
def test_line_count_and_order_preserved_with_empty_lines():
    lines = []
    for n in range(120):
        lines.append(f"Le président a parlé {n} fois avec la Maison Blanche." if n % 3 else "")
    lines += ["   ", "Fin."]
    results = translate_lines(lines, "fr", "en", "apertium", batch_size=50)
    assert len(results) == len(lines)
    for n, (line, res) in enumerate(zip(lines, results)):
        if not line.strip():
            assert res.text == ""
        elif n < 120:
            assert f" {n} " in f" {res.text} ", (line, res.text)
            assert "White House" in res.text


@needs_apertium
def test_one_apertium_process_per_hop_per_batch(monkeypatch):
    from workbench.engines import apertium

    engine = ApertiumEngine()
    engine.describe("fr", "en")  # mode listing and versions are cached before counting
    real, runs = subprocess.run, []

    def counting(args, *a, **kw):
        if "-f" in args:
            runs.append(args[-1])
        return real(args, *a, **kw)

    monkeypatch.setattr(apertium.subprocess, "run", counting)
    results = engine.translate([f"Phrase numéro {n}." for n in range(40)], "fr", "en")
    assert len(results) == 40 and runs == ["fr-es", "spa-eng"]


@needs_apertium
def test_long_lived_pipelines_translate_as_one_process_per_batch_and_stop_on_close():
    """Two batches through one null-flush pipeline per mode (started once: same
    processes for both batches) give exactly the one-process-per-batch output,
    marks, pivots, blank and odd lines included; close() leaves no process."""
    from fixtures.archive_lines import short_lines

    batches = [short_lines(300), ["Macron a rencontré zzblorf à Paris.", "", "  ",
                                  "Le #hashtag et @handle restent [1] {x} <b> \\ fin.",
                                  "Deux phrases. Une autre !"]]
    once, kept = ApertiumEngine(), ApertiumEngine(long_lived=True)
    first = kept.translate(batches[0], "fr", "en")
    pids = {mode: p._proc.pid for mode, p in kept._pipelines.items()}
    second = kept.translate(batches[1], "fr", "en")
    assert first + second == once.translate(batches[0], "fr", "en") + once.translate(batches[1], "fr", "en")
    assert sorted(pids) == ["fr-es", "spa-eng"]
    assert {mode: p._proc.pid for mode, p in kept._pipelines.items()} == pids  # not restarted
    assert kept.cpu_seconds() > 0
    procs = [p._proc for p in kept._pipelines.values()]
    kept.close()
    assert all(p.poll() is not None for p in procs)
    ps = subprocess.run(["ps", "-o", "pid=", "-s", ",".join(str(p) for p in pids.values())],
                        capture_output=True, text=True)
    assert ps.stdout.strip() == ""  # every program of both sessions has stopped


@needs_apertium
def test_a_dead_long_lived_pipeline_is_replaced_by_a_new_one():
    engine = ApertiumEngine(long_lived=True)
    engine.translate(["Bonjour."], "fr", "es")
    pipe = engine._pipelines["fr-es"]
    os.killpg(pipe._proc.pid, 9)
    pipe._proc.wait()
    [res] = engine.translate(["Il pleut."], "fr", "es")  # a new pipeline replaces the dead one
    assert res.text == ApertiumEngine().translate(["Il pleut."], "fr", "es")[0].text
    assert engine._pipelines["fr-es"] is not pipe
    engine.close()


@needs_apertium
def test_unknown_words_are_unmarked_and_recorded():
    [res] = ApertiumEngine().translate(["Macron a rencontré zzblorf à Paris."], "fr", "en")
    assert not any(mark in res.text for mark in "*#@")
    assert "zzblorf" in res.text
    assert {"word": "zzblorf", "reason": "unknown"} in res.meta["low_confidence"]


@needs_apertium
def test_unknown_pair_lists_available_pairs():
    with pytest.raises(UnsupportedLanguageError) as exc:
        ApertiumEngine().translate(["Bonjour"], "fr", "ja")
    assert "fr→ja" in str(exc.value) and "fr→es" in str(exc.value) and "fr→es→en" in str(exc.value)


def test_missing_apertium_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineError, match="Apertium is not installed.*apt-get install apertium"):
        ApertiumEngine().pairs()


def test_missing_apertium_through_the_cli(tmp_path):
    src = tmp_path / "in.fr"
    src.write_text("la Maison Blanche\n", encoding="utf-8")
    env = {**os.environ, "PATH": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", "from workbench.cli import main; main()", "translate",
         "--from", "fr", "--to", "en", "--engine", "apertium", "--in", str(src)],
        capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1
    assert "Apertium is not installed" in proc.stderr
    assert "Traceback" not in proc.stderr
