"""Project and file translation: translation memory, resume after a crash, CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.engines import Pair, Provenance, TranslationResult
from workbench.errors import EmptyInputError, UnsupportedLanguageError
from workbench.store import NewParagraph, NewSegment, Project
from workbench.translate import translate_lines, translate_project

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="no apertium")

SENTENCES = [
    "Selon la Maison Blanche, la Russie discute avec la Corée du Nord.",
    "Les négociations «progressent activement».",
    "Kim Jong-un a rencontré Vladimir Poutine à Vladivostok.",
    "Les États-Unis ont réagi mercredi.",
    "Les négociations «progressent activement».",  # repeated: translated once
    "Pyongyang dément.",
]


class FakeEngine:
    """Upper-cases text; records every batch; can crash after N batches."""

    name = "fake"

    def __init__(self, version: str = "1", crash_after: int | None = None) -> None:
        self.version = version
        self.batches: list[list[str]] = []
        self.crash_after = crash_after

    def pairs(self) -> list[Pair]:
        return [Pair("fr", "en"), Pair("fr", "es")]

    def describe(self, src: str, tgt: str) -> Provenance:
        return Provenance("fake", f"fake-{src}{tgt}", self.version)

    def translate(self, texts: list[str], src: str, tgt: str) -> list[TranslationResult]:
        if self.crash_after is not None and len(self.batches) >= self.crash_after:
            raise KeyboardInterrupt("simulated kill")
        self.batches.append(list(texts))
        return [TranslationResult(f"[{tgt}] {t.upper()}", "fake", f"fake-{src}{tgt}",
                                  self.version, {"n": len(t)}) for t in texts]


def make_project(root: Path, sentences: list[str] = SENTENCES, path: str = "a.txt") -> Project:
    project = Project(root)
    add_doc(project, sentences, path)
    return project


def add_doc(project: Project, sentences: list[str], path: str = "a.txt") -> int:
    segs = [NewSegment(s, True) for s in sentences] + [NewSegment("Publicité", False, "debris")]
    return project.add_document(
        source_path=path, title=path, lang="fr", lang_confidence=0.99, fmt="txt",
        encoding="utf-8", content_hash=str(hash(tuple(sentences))),
        paragraphs=[NewParagraph(" ".join(sentences), "body", segs)],
    )


def test_translates_every_translatable_segment_with_provenance(tmp_path):
    engine = FakeEngine()
    with make_project(tmp_path / "p") as project:
        report = translate_project(project, ["en", "es"], engine, batch_size=2)
        for tgt in ("en", "es"):
            rows = project.translations(tgt)
            assert len(rows) == len(SENTENCES)
            assert set(rows["engine"]) == {"fake"} and set(rows["model_version"]) == {"1"}
            assert all(t == f"[{tgt}] {s.upper()}" for s, t in zip(rows["source"], rows["target"]))
            assert "PUBLICITÉ" not in " ".join(rows["target"])
    # duplicates are translated once per target
    assert sum(len(b) for b in engine.batches) == 2 * len(set(SENTENCES))
    assert [p.translated for p in report.pairs] == [len(SENTENCES)] * 2


def test_rerun_translates_nothing_and_new_text_only(tmp_path):
    with make_project(tmp_path / "p") as project:
        translate_project(project, ["en"], FakeEngine())
        again = FakeEngine()
        report = translate_project(project, ["en"], again)
        assert again.batches == [] and report.pairs[0].up_to_date == len(SENTENCES)
        # a new version of the document with one changed sentence
        changed = [*SENTENCES[:-1], "Pyongyang dément fermement."]
        add_doc(project, changed)
        third = FakeEngine()
        report = translate_project(project, ["en"], third)
        assert third.batches == [["Pyongyang dément fermement."]]
        assert report.pairs[0].from_memory == len(SENTENCES) - 1
        # a new model version invalidates the memory
        fourth = FakeEngine(version="2")
        translate_project(project, ["en"], fourth)
        assert sum(len(b) for b in fourth.batches) == len(set(changed))


def test_killed_run_resumes_where_it_stopped(tmp_path):
    with make_project(tmp_path / "p") as project:
        with pytest.raises(KeyboardInterrupt):
            translate_project(project, ["en"], FakeEngine(crash_after=2), batch_size=2)
        saved = project.translations("en")
        assert len(saved) == 5  # two batches of 2 unique texts (one repeated) survived
        rerun = FakeEngine()
        translate_project(project, ["en"], rerun, batch_size=2)
        assert rerun.batches == [["Pyongyang dément."]]
        rows = project.translations("en")
        assert len(rows) == len(SENTENCES) and rows["segment_id"].n_unique() == len(SENTENCES)


def test_unsupported_pair_fails_before_saving_anything(tmp_path):
    with make_project(tmp_path / "p") as project:
        with pytest.raises(UnsupportedLanguageError, match="fake cannot translate fr→ja"):
            translate_project(project, ["en", "ja"], FakeEngine())
        assert len(project.translations("en")) == 0


def test_target_equal_to_source_is_skipped(tmp_path):
    with make_project(tmp_path / "p") as project:
        report = translate_project(project, ["fr", "en"], FakeEngine())
        assert report.skipped and [p.tgt for p in report.pairs] == ["en"]


def test_empty_project_and_no_targets(tmp_path):
    with Project(tmp_path / "p") as project:
        with pytest.raises(EmptyInputError, match="no documents"):
            translate_project(project, ["en"], FakeEngine())
        add_doc(project, [])
        with pytest.raises(EmptyInputError, match="no translatable segments"):
            translate_project(project, ["en"], FakeEngine())
        with pytest.raises(EmptyInputError, match="no target language"):
            translate_project(project, [" "], FakeEngine())


class Protect:
    """A minimal glossary hook: hides 'Maison Blanche' from the engine."""

    version = "g1"

    def protect(self, texts, src, tgt):
        return [t.replace("Maison Blanche", "TERM0") for t in texts], None

    def restore(self, texts, state):
        return [t.replace("TERM0", "White House") for t in texts]


def test_glossary_hook_wraps_the_engine_and_keys_the_memory(tmp_path):
    engine = FakeEngine()
    with make_project(tmp_path / "p", SENTENCES[:1]) as project:
        translate_project(project, ["en"], engine, glossary=Protect())
        rows = project.translations("en")
        assert engine.batches == [["Selon la TERM0, la Russie discute avec la Corée du Nord."]]
        assert "White House" in rows["target"][0]
        assert rows["model_version"][0] == "1+glossary:g1"


@pytest.mark.parametrize(("lines", "expected"), [
    (["Bonjour", "", "Au revoir"], ["[en] BONJOUR", "", "[en] AU REVOIR"]),
    (["", "", "Un", "  "], ["", "", "[en] UN", ""]),
])
def test_translate_lines_keeps_line_count(lines, expected):
    assert [r.text for r in translate_lines(lines, "fr", "en", FakeEngine(), batch_size=1)] == expected


@pytest.mark.parametrize("lines", [[], [""], ["  ", "\t"]])
def test_translate_lines_empty_input(lines):
    with pytest.raises(EmptyInputError, match="nothing to translate"):
        translate_lines(lines, "fr", "en", FakeEngine())


def wb(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from workbench.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=300, env=env)


@needs_apertium
def test_cli_translate_seeds_project_with_apertium(tmp_path, argos_home):
    project = tmp_path / "proj"
    ingest = wb("ingest", str(SEEDS), "--project", str(project))
    assert ingest.returncode == 0, ingest.stderr
    env = dict(os.environ)
    proc = wb("translate", "--to", "en", "--project", str(project), env=env)
    assert proc.returncode == 0, proc.stderr
    assert "apertium" in proc.stderr
    with Project(project, create=False) as p:
        segs = p.segments()
        wanted = set(segs.filter(segs["translatable"] == 1)["id"])
        rows = p.translations("en")
        assert set(rows["segment_id"]) == wanted
        english = " ".join(rows["target"])
    assert "White House" in english and "North Korea" in english
    again = wb("translate", "--to", "en", "--project", str(project), env=env)
    assert again.returncode == 0 and "0 translated" in again.stderr

    # the consistency check on the project's segments finds what Apertium got wrong
    glossary = Path(__file__).resolve().parents[1] / "glossaries" / "seeds.csv"
    check = wb("glossary", "check", "-g", str(glossary), "--project", str(project), "--to", "en")
    assert check.returncode == 0, check.stderr
    rows = [line.split("\t") for line in check.stdout.splitlines()]
    assert rows[0][:3] == ["segment", "concept", "problem"] and len(rows) > 5
    assert {r[0] for r in rows[1:]} <= {str(i) for i in wanted}
    assert ["shoigu-full", "non-preferred", "Sergei Shoigu"] in [r[1:4] for r in rows]

    # --glossary: protected terms (placeholders with Apertium), a new memory key, term accuracy
    protected = wb("translate", "--to", "en", "--project", str(project), "--glossary", str(glossary), env=env)
    assert protected.returncode == 0, protected.stderr
    assert "term accuracy →en:" in protected.stderr and "= 100.0%" in protected.stderr
    with Project(project, create=False) as p:
        rows = p.translations("en")
        assert set(rows["segment_id"]) == wanted
        assert all("+glossary:" in v and v.endswith(":placeholder:minimal") for v in rows["model_version"])
        assert not any("XTERM" in t.upper() for t in [*rows["target"], *rows["meta"]])
        english = " ".join(rows["target"])
        # untouched reviews follow the new MT, so check and export see the glossary's forms
        assert p.pairs("en")["target"].to_list() == p.pairs("en")["mt"].to_list()
    assert "Sergei Shoigu" in english and "Kim Jong Un" in english
    check = wb("glossary", "check", "-g", str(glossary), "--project", str(project), "--to", "en")
    assert check.returncode == 0 and check.stdout.splitlines()[1:] == [], check.stdout


@needs_apertium
def test_cli_file_mode_line_count(tmp_path):
    src, out = tmp_path / "in.fr", tmp_path / "out.en"
    src.write_bytes("la Maison Blanche\r\n\n\nla Corée du Nord\n   \n".encode("utf-16"))
    proc = wb("translate", "--from", "fr", "--to", "en", "--engine", "apertium",
              "--in", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines == ["The White House", "", "", "North Korea", "", ""]


@pytest.mark.parametrize(("content", "args", "message"), [
    (b"", ["--engine", "apertium"], "is empty: nothing to translate"),
    (b"caf\xe9\n", ["--engine", "apertium"], "not valid UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", ["--engine", "apertium"], "not valid UTF-8"),
    (b"Bon\x00jour\n", ["--engine", "apertium"], "contains NUL characters"),
    (b"Bonjour\n", ["--engine", "argos"], "argos cannot translate fr→en"),
    (b"Bonjour\n", ["--engine", "apertium", "--glossary", "missing.csv"], "no such glossary file"),
])
def test_cli_file_mode_errors(tmp_path, argos_home, content, args, message):
    src = tmp_path / "in.fr"
    src.write_bytes(content)
    proc = wb("translate", "--from", "fr", "--to", "en", "--in", str(src), *args)
    assert proc.returncode == 1
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_cli_models_install_file_and_list(tmp_path, tiny_argosmodel, argos_home):
    proc = wb("models", "install", "--file", str(tiny_argosmodel))
    assert proc.returncode == 0, proc.stderr
    listing = wb("models", "list")
    assert listing.returncode == 0 and "translate-fr_en-0_1" in listing.stdout
    offline = wb("models", "install", "fr", "de")
    assert offline.returncode == 1 and "offline" in offline.stderr and "--file" in offline.stderr
    assert "Traceback" not in offline.stderr
    from fixtures.tiny_argos import hostile_archive

    evil = wb("models", "install", "--file", str(hostile_archive(tmp_path / "e.argosmodel", "dotdot")))
    assert evil.returncode == 1 and "refused" in evil.stderr


def test_cli_translate_with_tiny_argos_model(tmp_path, tiny_argos):
    src, out = tmp_path / "in.fr", tmp_path / "out.en"
    src.write_text("la Maison Blanche\n\nla Corée du Nord\n", encoding="utf-8")
    proc = wb("translate", "--from", "fr", "--to", "en", "--engine", "argos", "--device", "cpu",
              "--in", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = out.read_text(encoding="utf-8").split("\n")
    assert len(lines) == 4 and lines[1] == "" and lines[0] and lines[2]
    assert "argos translate-fr_en-0_1" in proc.stderr

    # --glossary with Argos writes the target forms into the source (inline mode); the random
    # model's output is nonsense, so only the wiring is checked here, not the accuracy
    glossary = Path(__file__).resolve().parents[1] / "glossaries" / "seeds.csv"
    proc = wb("translate", "--from", "fr", "--to", "en", "--engine", "argos", "--device", "cpu",
              "--in", str(src), "--out", str(out), "--glossary", str(glossary))
    assert proc.returncode == 0, proc.stderr
    assert ":inline" in proc.stderr and "term accuracy →en:" in proc.stderr
    assert len(out.read_text(encoding="utf-8").split("\n")) == 4
