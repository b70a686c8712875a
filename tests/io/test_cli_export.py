"""``workbench export`` and ``workbench import`` through the real command line."""

from __future__ import annotations

import subprocess
import sys

from io_fixtures import add_article

from workbench.store import Project


def wb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True,
                          text=True, timeout=300)


def test_export_then_import_through_the_cli(tmp_path):
    with Project(tmp_path / "proj") as p:
        add_article(p, long=False)
    out = tmp_path / "corpus.tmx"
    run = wb("export", "--format", "tmx", "--out", str(out), "--to", "en,es",
             "--status", "approved,flagged", "--project", str(tmp_path / "proj"))
    assert run.returncode == 0, run.stderr
    assert "units" in run.stderr and "characters not allowed in XML 1.0 removed" in run.stderr
    assert out.is_file()
    run = wb("import", str(out), "--project", str(tmp_path / "other"))
    assert run.returncode == 1 and "no project" in run.stderr  # import never creates one
    with Project(tmp_path / "other"):
        pass
    run = wb("import", str(out), "--project", str(tmp_path / "other"))
    assert run.returncode == 0, run.stderr
    assert "new documents" in run.stderr


def test_cli_errors_are_one_line_without_traceback(tmp_path):
    with Project(tmp_path / "proj") as p:
        add_article(p, long=False)
    evil = tmp_path / "evil.xlf"
    evil.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                    "<x>&e;</x>", encoding="utf-8")
    cases = [
        (("import", str(evil)), 1, "refused"),
        (("export", "--format", "tmx", "--out", str(tmp_path / "x.tmx"), "--status", "done"),
         1, "unknown status"),
        (("export", "--format", "docx", "--out", str(tmp_path / "x.docx")), 2, "docx"),
        (("export", "--format", "csv", "--out", str(tmp_path / "x.csv"), "--documents", "a,b"),
         1, "--documents wants document ids"),
    ]
    for args, code, message in cases:
        run = wb(*args, "--project", str(tmp_path / "proj"))
        assert run.returncode == code, (args, run.stderr)
        assert message in run.stderr and "Traceback" not in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.xlf", "proj"]


def test_import_conflicts_exit_1_and_are_listed(tmp_path):
    with Project(tmp_path / "proj") as p:
        add_article(p, long=False)
        out = tmp_path / "e.jsonl"
        assert wb("export", "-f", "jsonl", "-o", str(out), "-p", str(tmp_path / "proj")).returncode == 0
        first = p.pairs("en").row(0, named=True)
        p.save_review(first["segment_id"], "en", text="Changed meanwhile.")
    text = out.read_text(encoding="utf-8").replace("Kim Jong-un rarely travels abroad.",
                                                   "Kim seldom travels.")
    out.write_text(text, encoding="utf-8")
    run = wb("import", str(out), "-p", str(tmp_path / "proj"))
    assert run.returncode == 1
    assert f"conflict s{first['segment_id']} (en): changed in the project" in run.stderr


def test_import_tbx_adds_a_project_glossary(tmp_path):
    from workbench.glossary import parse_csv
    from workbench.glossary.tbx import save_tbx

    with Project(tmp_path / "proj"):
        pass
    tbx = save_tbx(parse_csv("concept,lang,term,status,note\nkim,fr,Kim Jong-un,preferred,\n"
                             "kim,en,Kim Jong Un,preferred,\nkim,en,Kim Jong-un,variant,\n"),
                   tmp_path / "names.tbx")
    run = wb("import", str(tbx), "--project", str(tmp_path / "proj"))
    assert run.returncode == 0, run.stderr
    assert "1 concept, 3 forms" in run.stderr  # issue 13, item 17: "1 concepts" before
    csv = (tmp_path / "proj" / "glossaries" / "names.csv").read_text(encoding="utf-8")
    assert "kim,en,Kim Jong-un,variant" in csv
    # A project served with `--glossaries shared/` keeps its glossaries there: import adds to them.
    with Project(tmp_path / "proj") as proj:
        proj.set_setting("glossary_dir", str(tmp_path / "shared"))
    run = wb("import", str(tbx), "--project", str(tmp_path / "proj"))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "shared" / "names.csv").read_text(encoding="utf-8") == csv
    status = wb("status", "--project", str(tmp_path / "proj"))
    assert f"glossaries: {tmp_path / 'shared'}" in status.stdout.replace("\n", "")


def test_xliff12_through_the_cli(tmp_path):
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "data" / "xliff12"
    with Project(tmp_path / "proj"):
        pass
    run = wb("import", str(data / "trados.sdlxliff"), "--project", str(tmp_path / "proj"))
    assert run.returncode == 0, run.stderr
    assert "(xliff12)" in run.stderr and "1 new documents with 5 segments" in run.stderr
    out = tmp_path / "back.xliff"
    run = wb("export", "--format", "xliff12", "--out", str(out), "--to", "en",
             "--project", str(tmp_path / "proj"))
    assert run.returncode == 0, run.stderr
    assert "4 units" in run.stderr
    # the workbench's own export is strict XLIFF: Trados' sdl:cid is left out of the tag…
    assert 'mtype="x-sdl-comment"' in out.read_text(encoding="utf-8")
    assert "sdl:cid" not in out.read_text(encoding="utf-8")
    # …and the write-back into the Trados file keeps it
    back = tmp_path / "trados.sdlxliff"
    run = wb("export", "--format", "xliff12", "--original", "--out", str(back),
             "--project", str(tmp_path / "proj"))
    assert run.returncode == 0, run.stderr
    assert 'sdl:cid="c1a2"' in back.read_text(encoding="utf-8")
