"""The whole job on the seeds (``workbench run``): real ingest, Apertium, aligner, glossary."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.glossary import load_csv, parse_csv
from workbench.glossary.project import normalise_project
from workbench.pipeline import run_pipeline
from workbench.store import NewParagraph, NewSegment, Project

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
GLOSSARY = ROOT / "glossaries" / "seeds.csv"
FR = "Sergueï Choïgou a rencontré Kim Jong-un à Pyongyang."


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded_db(request, tmp_path_factory):
    """The seeds run once through the pipeline with Apertium and the seed glossary, on
    each backend: ``(project folder, report, database URL or None for SQLite)``."""
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_cluster").create_database()
    root = tmp_path_factory.mktemp("pipeline") / "proj"
    with Project(root, db=url or f"sqlite:///{root / 'workbench.sqlite'}") as proj:
        report = run_pipeline(proj, [SEEDS], ["en"], engine="apertium",
                              glossary=load_csv(GLOSSARY), export_formats=("tmx", "parquet"))
    return root, report, url


@pytest.fixture
def seeded(seeded_db, monkeypatch):
    """:func:`seeded_db` with ``WORKBENCH_DB`` set to its database for the test."""
    root, report, url = seeded_db
    if url:
        monkeypatch.setenv("WORKBENCH_DB", url)
    else:
        monkeypatch.delenv("WORKBENCH_DB", raising=False)
    return root, report


def test_every_translatable_segment_is_translated_aligned_once_and_terms_right(seeded):
    root, report = seeded
    assert report.ingested == {"added": 5}
    with Project(root) as proj:
        docs = proj.documents()
        assert docs["lang"].to_list() == ["fr"] * 5
        segs = proj.segments()
        wanted = set(segs.filter(segs["translatable"] == 1)["id"].to_list())
        translated = set(proj.translations("en")["segment_id"].to_list())
        assert translated == wanted
        covered: list[int] = []
        for (ids,) in proj.conn.execute(
                "SELECT b.src_ids FROM beads b JOIN alignments a ON a.id = b.alignment_id "
                "WHERE a.target_kind = 'mt' AND a.target_ref = 'apertium' ORDER BY a.id, b.idx"):
            covered += json.loads(ids)
        assert sorted(covered) == sorted(wanted)  # each sentence in exactly one bead
        finals = [r[0] for r in proj.conn.execute("SELECT text FROM reviews WHERE target_lang='en'")]
    assert report.translated == {"en": len(wanted)}
    assert report.aligned["en"][0] >= len(docs)
    assert report.term_accuracy == {"en": 1.0}
    text = "\n".join(finals)
    assert "White House" in text and "North Korea" in text
    assert "Choïgou" not in text  # the English preferred form, not the French one


def test_the_draft_corpus_is_exported_with_every_segment(seeded):
    import polars as pl

    from workbench.io import FORMATS

    root, report = seeded
    tmx, parquet = root / "exports" / "corpus.tmx", root / "exports" / "corpus.parquet"
    assert report.exported == {"tmx": [tmx], "parquet": [parquet]}
    units = list(FORMATS["tmx"].read(tmx))
    with Project(root) as proj:
        finals = dict(proj.conn.execute("SELECT segment_id, text FROM reviews"))
    assert {u.segment_id: u.targets[0].text for u in units} == finals
    frame = pl.read_parquet(parquet)
    assert frame.height == len(finals) and set(frame["status"]) == {"todo"}


def test_rerun_does_only_new_work(seeded):
    root, _ = seeded
    with Project(root) as proj:
        before = proj.conn.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
        again = run_pipeline(proj, [SEEDS], ["en"], engine="apertium", glossary=load_csv(GLOSSARY))
        after = proj.conn.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
    assert again.ingested == {"unchanged": 5}
    assert again.translated == {"en": 0}
    assert again.normalised == {"en": 0}
    assert before == after


@pytest.mark.parametrize("status, expected", [
    ("todo", "Sergei Shoigu met Kim Jong Un in Pyongyang."),
    ("approved", "Sergueï Choïgou met Kim Jong-un in Pyongyang."),  # the reviewer's word stands
])
def test_normalise_project_changes_unreviewed_text_only(tmp_path, status, expected, db_url):
    glossary = load_csv(GLOSSARY)
    with Project(tmp_path / "p") as proj:
        doc = proj.add_document(
            source_path="a.txt", title="a", lang="fr", lang_confidence=1.0, fmt="txt",
            encoding="utf-8", content_hash="h",
            paragraphs=[NewParagraph(FR, "body", [NewSegment(FR, True)])])
        seg = int(proj.segments(doc)["id"][0])
        proj.save_review(seg, "en", text="Sergueï Choïgou met Kim Jong-un in Pyongyang.",
                         status=status)
        report = normalise_project(proj, glossary, "en")
        assert proj.review(seg, "en").text == expected
        history = proj.history(seg, "en")
    assert report.changed == (status == "todo")
    from workbench.store import os_user

    assert history["author"].to_list()[-1] == os_user()  # command-line work: the OS user
    assert history["origin"].to_list()[-1] == ("normaliser" if status == "todo" else "reviewer")


def test_cli_run_without_app(tmp_path, db_url):
    seeds = tmp_path / "in"
    shutil.copytree(SEEDS, seeds)
    (seeds / "empty.txt").write_text("")
    cmd = [sys.executable, "-m", "workbench", "run", str(seeds), "--engine", "apertium",
           "--glossary", str(GLOSSARY), "--no-serve", "--project", str(tmp_path / "proj")]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert res.returncode == 1, res.stderr  # the empty file is refused, the rest is done
    assert "refused" in res.stderr and "file is empty" in res.stderr
    assert "Traceback" not in res.stderr
    assert re.search(r"term accuracy →en: (\d+)/\1 = 100.0%", res.stderr)
    exports = sorted(p.name for p in (tmp_path / "proj" / "exports").iterdir())
    assert exports == ["corpus.parquet", "corpus.tmx"]  # the default --export tmx,parquet
    with Project(tmp_path / "proj") as proj:
        assert len(proj.documents()) == 5
        assert len(proj.translations("en")) > 0
        # the review app edits the project's own copy, never the file given (issue 13, item 18)
        copy = (tmp_path / "proj" / "glossaries" / GLOSSARY.name).resolve()
        assert proj.setting("glossary_dir") == str(copy.parent)
        assert copy.read_bytes() == GLOSSARY.read_bytes()


def test_cli_run_with_a_tbx_glossary_gives_it_to_the_review_app(tmp_path):
    from workbench.glossary.tbx import save_tbx

    tbx = save_tbx(load_csv(GLOSSARY), tmp_path / "names.tbx")
    article = tmp_path / "in" / "a.txt"
    article.parent.mkdir()
    article.write_text("Sergueï Choïgou est arrivé à Pyongyang.\n", encoding="utf-8")
    project = tmp_path / "proj"
    cmd = [sys.executable, "-m", "workbench", "run", str(article), "--engine", "apertium",
           "-g", str(tbx), "--no-serve", "--export", "none", "--project", str(project)]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    added = project / "glossaries" / "names.csv"
    assert f"copied to {added.resolve()}" in first.stderr.replace("\n", "")
    assert load_csv(added).version == load_csv(GLOSSARY).version  # the same terms
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "copied to" not in again.stderr
    # A different names.csv is there: the run goes on, says so, and leaves the file alone.
    added.write_text("concept,lang,term,status,note\nkim,fr,Kim,preferred,\n", encoding="utf-8")
    clash = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert clash.returncode == 0, clash.stderr
    assert "review app will not show" in clash.stderr and "already exists" in clash.stderr
    assert re.search(r"term accuracy →en: (\d+)/\1 = 100.0%", clash.stderr)  # the TBX was used
    assert load_csv(added).version != load_csv(GLOSSARY).version


def test_cli_run_refuses_an_unknown_export_format(tmp_path):
    cmd = [sys.executable, "-m", "workbench", "run", str(SEEDS), "--export", "tmx,docx",
           "--no-serve", "--project", str(tmp_path / "proj")]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "docx: not one of" in res.stderr
    assert not (tmp_path / "proj").exists()  # refused before anything is done


def test_no_term_accuracy_figure_for_a_language_without_glossary_forms(tmp_path):
    """A glossary with French and English forms only: into Spanish there is nothing
    to measure, which is said, not reported as 100 %."""
    article = tmp_path / "a.fr.txt"
    article.write_text("Le ministre russe de la Défense Sergueï Choïgou est arrivé à Pyongyang.\n",
                       encoding="utf-8")
    lines = GLOSSARY.read_text(encoding="utf-8").splitlines()
    fr_en = parse_csv("\n".join(line for line in lines if ",es," not in line) + "\n")
    said: list[str] = []
    with Project(tmp_path / "p") as proj:
        report = run_pipeline(proj, [article], ["es"], engine="apertium", glossary=fr_en,
                              on_step=lambda step, msg: said.append(msg))
    assert report.translated == {"es": 1}
    assert report.term_accuracy == {}
    assert any("none measured (no concept in the sources has a form in es)" in m for m in said)


def test_without_an_argos_model_run_says_apertium_translated_and_how_to_install(
        tmp_path: Path, argos_home: Path, tiny_argosmodel: Path):
    article = tmp_path / "a.txt"
    seed = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
    article.write_text(seed, encoding="utf-8")
    steps: list[str] = []
    with Project(tmp_path / "proj") as proj:
        run_pipeline(proj, [article], ["en"], on_step=lambda step, msg: steps.append(msg))
    notes = [m for m in steps if "no Argos fr→en model installed" in m]
    assert len(notes) == 1 and "apertium translated" in notes[0]
    assert "`workbench models install fr en`" in notes[0]

    from workbench.engines.argos import install_from_file

    install_from_file(tiny_argosmodel)
    article.write_text(seed + "\n" + FR + "\n", encoding="utf-8")
    steps.clear()
    with Project(tmp_path / "proj") as proj:
        run_pipeline(proj, [article], ["en"], on_step=lambda step, msg: steps.append(msg))
    assert any("argos" in m for m in steps) and not any("no Argos" in m for m in steps)


def test_refused_inputs_stop_the_run_before_anything_is_written(seeded, tmp_path):
    """Issue 13, item 5: ``run nosuch/`` (or a folder whose every file is refused) on an
    existing project changes nothing: no re-translation, no re-alignment, no export."""
    root, _ = seeded
    corpus = root / "exports" / "corpus.tmx"
    before = (corpus.stat().st_mtime_ns, corpus.read_bytes())
    with Project(root) as proj:
        counts = proj.conn.execute("SELECT (SELECT COUNT(*) FROM alignments), "
                                   "(SELECT COUNT(*) FROM translations)").fetchone()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    def cmd(path, project=root):
        return [sys.executable, "-m", "workbench", "run", str(path), "--engine", "apertium",
                "--no-serve", "--project", str(project)]

    for path in (tmp_path / "nosuch", bad):
        res = subprocess.run(cmd(path), capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
        assert "→en" not in res.stderr and "written as" not in res.stderr, res.stderr
    assert (corpus.stat().st_mtime_ns, corpus.read_bytes()) == before
    with Project(root) as proj:
        assert proj.conn.execute("SELECT (SELECT COUNT(*) FROM alignments), "
                                 "(SELECT COUNT(*) FROM translations)").fetchone() == counts
    fresh = tmp_path / "never"
    subprocess.run(cmd(tmp_path / "nosuch", fresh), capture_output=True, timeout=120, cwd=ROOT,
                   env={k: v for k, v in os.environ.items() if k != "WORKBENCH_DB"})
    assert not fresh.exists()  # not even the project folder


def _tmx_units(path: Path) -> list[tuple]:
    from workbench.io import FORMATS

    return [(u.segment_id, u.source_lang, u.source,
             tuple((t.lang, t.text, t.status) for t in u.targets))
            for u in FORMATS["tmx"].read(path)]


def test_run_on_postgresql_exports_the_same_tmx_units_as_on_sqlite(tmp_path, pg_url):
    """``workbench run seeds/ -g glossaries/seeds.csv --db postgresql://… --no-serve``
    gives the units of the SQLite run."""
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DB"}
    corpora = []
    for name, db in (("sqlite", []), ("postgresql", ["--db", pg_url])):
        project = tmp_path / name
        res = subprocess.run([sys.executable, "-m", "workbench", "run", str(SEEDS), "-g",
                              str(GLOSSARY), *db, "--no-serve", "--project", str(project)],
                             capture_output=True, text=True, timeout=600, env=env)
        assert res.returncode == 0, res.stderr
        corpora.append(_tmx_units(project / "exports" / "corpus.tmx"))
    assert not (tmp_path / "postgresql" / "workbench.sqlite").exists()  # it went to the server
    assert len(corpora[0]) > 100 and corpora[1] == corpora[0]
    with Project(tmp_path / "postgresql", db=pg_url, create=False) as proj:
        assert proj.dialect == "postgresql" and len(proj.documents()) == 5
