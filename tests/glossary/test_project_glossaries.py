"""Glossaries live in the project database, versioned (issue 16: "on PostgreSQL, glossaries
live in the database, versioned, so every reviewer edits the same one; CSV/TBX import and
export stay"). Every test taking ``db_url`` runs on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.errors import ConflictError
from workbench.glossary import load_csv, parse_csv
from workbench.glossary.edit import add_form
from workbench.glossary.project import (glossary_of, normalise_project, project_glossary,
                                        save_glossary)
from workbench.store import NewParagraph, NewSegment, Project

ROOT = Path(__file__).resolve().parents[2]
SEEDS_GLOSSARY = ROOT / "glossaries" / "seeds.csv"
SMALL = "concept,lang,term,status,note\nputin,fr,Poutine,preferred,\nputin,en,Putin,preferred,\n"
TEAM = "concept,lang,term,status,note\nzorglub,fr,Zorglub,preferred,\nzorglub,en,Zorglub,preferred,\n"


@pytest.fixture
def shared_url(tmp_path, db_url) -> str:
    """One database two reviewers share: the PostgreSQL one, or one SQLite file."""
    return db_url or f"sqlite:///{tmp_path / 'shared.sqlite'}"


def wb(*args: str, db: str | None) -> subprocess.CompletedProcess:
    """The CLI in a subprocess, naming the database with ``--db`` (never the environment)."""
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DB"}
    extra = ["--db", db] if db else []
    return subprocess.run([sys.executable, "-m", "workbench", *args, *extra],
                          capture_output=True, text=True, timeout=300, env=env)


def test_two_reviewers_edit_one_glossary_and_a_stale_edit_is_a_conflict(tmp_path, shared_url):
    """Two reviewers, each with a project folder of their own (their own machine), one
    database: the second sees the first's edit; an edit based on an older version is
    refused in one line and nothing of the newer version is lost."""
    with Project(tmp_path / "ana", db=shared_url) as ana, \
            Project(tmp_path / "ben", db=shared_url) as ben:
        first, new = save_glossary(ana, "names", parse_csv(SMALL, "names.csv"),
                                   expected_version=None, author="ana")
        assert (first.version, new) == (1, True)
        seen = project_glossary(ben)  # ben reads what ana saved; his folder gets a copy
        assert [v.version for v in seen.versions] == [1] and seen.glossary.hash == first.digest
        assert load_csv(ben.glossary_dir / "names.csv").hash == first.digest

        edited = add_form(seen.glossary, "putin", "en", "Poutin")  # ben's edit of version 1
        saved, _ = save_glossary(ben, "names", edited, expected_version=1, author="ben")
        assert saved.version == 2
        now = project_glossary(ana).glossary  # ana sees ben's edit
        assert "Poutin" in {t.text for t in now.terms()}
        assert "Poutin" in (ana.glossary_dir / "names.csv").read_text(encoding="utf-8")

        stale = add_form(glossary_of(ana.glossary_version("names", 1)), "putin", "fr", "Poutin")
        with pytest.raises(ConflictError) as caught:  # ana's edit still based on version 1
            save_glossary(ana, "names", stale, expected_version=1, author="ana")
        message = str(caught.value)
        assert "\n" not in message and "changed meanwhile" in message
        assert "version 2 by ben" in message and "based on version 1" in message
        newest = ben.glossary_version("names")
        assert (newest.version, newest.author, newest.content) == (2, "ben", saved.content)
        assert [(v.version, v.author) for v in ben.glossary_history("names")] == [
            (1, "ana"), (2, "ben")]


def test_a_copy_edited_on_disk_is_a_version_unless_the_database_moved_on(tmp_path, shared_url):
    """The folder's CSV is a way in: edited on disk, it becomes the next version; edited
    on disk while another reviewer saved, it is kept as it is and said (one line), and the
    database keeps the other reviewer's version."""
    with Project(tmp_path / "ana", db=shared_url) as ana, \
            Project(tmp_path / "ben", db=shared_url) as ben:
        save_glossary(ana, "names", parse_csv(SMALL, "names.csv"), expected_version=None)
        copy = ben.glossary_dir / "names.csv"
        project_glossary(ben)
        copy.write_text(SMALL + "kim,fr,Kim Jong-un,preferred,\n", encoding="utf-8")
        found = project_glossary(ben)
        assert found.notes == () and [v.version for v in found.versions] == [2]
        assert "Kim Jong-un" in ana.glossary_version("names").content

        copy.write_text(SMALL + "kim,fr,Kim Jong-oun,preferred,\n", encoding="utf-8")
        theirs = add_form(project_glossary(ana).glossary, "putin", "en", "Poutin")
        save_glossary(ana, "names", theirs, expected_version=2)
        found = project_glossary(ben)
        assert len(found.notes) == 1 and "edited on disk while" in found.notes[0]
        assert "\n" not in found.notes[0]
        assert "Kim Jong-oun" in copy.read_text(encoding="utf-8")  # ben's edit is not lost
        assert ana.glossary_version("names").version == 3
        assert "Kim Jong-oun" not in ana.glossary_version("names").content


def test_versions_are_kept_and_the_newest_is_what_normalises(tmp_path, db_url):
    """Each save is a version (an unchanged one adds none); the normaliser reads the newest
    and records its digest as the glossary's provenance."""
    with Project(tmp_path / "proj", db=db_url) as p:
        doc = p.add_document(
            source_path="a.txt", title="Poutine", lang="fr", lang_confidence=0.9, fmt="text",
            encoding="utf-8", content_hash="h",
            paragraphs=[NewParagraph("Poutine part.", "text", [NewSegment("Poutine part.", True)])])
        seg = int(p.segments(doc)["id"][0])
        p.save_review(seg, "en", text="Poutin leaves.")
        one, _ = save_glossary(p, "names", parse_csv(SMALL, "names.csv"), expected_version=None)
        same, new = save_glossary(p, "names", parse_csv(SMALL, "names.csv"), expected_version=1)
        assert (same.version, new) == (1, False)
        two, _ = save_glossary(p, "names", add_form(glossary_of(one), "putin", "en", "Poutin"),
                               expected_version=1)
        assert [v.version for v in p.glossary_history("names")] == [1, 2]
        assert glossary_of(p.glossary_version("names", 1)).hash == one.digest != two.digest
        glossary = project_glossary(p).glossary
        assert glossary.hash == two.digest
        report = normalise_project(p, glossary, "en")
        assert report.changed == 1 and report.glossary == two.digest[:12]
        assert p.review(seg, "en").text == "Putin leaves."


def test_csv_and_tbx_import_and_export_through_the_cli(tmp_path, db_url):
    """``workbench glossary import/export/versions --db URL``: CSV and TBX in and out."""
    proj = str(tmp_path / "proj")
    res = wb("glossary", "import", str(SEEDS_GLOSSARY), "--name", "names", "-p", proj, db=db_url)
    assert res.returncode == 0, res.stderr
    assert "glossary names version 1" in res.stderr
    out_csv, out_tbx = tmp_path / "out.csv", tmp_path / "out.tbx"
    assert wb("glossary", "export", "names", "-o", str(out_csv), "-p", proj,
              db=db_url).returncode == 0
    assert out_csv.read_text(encoding="utf-8") == SEEDS_GLOSSARY.read_text(encoding="utf-8")
    res = wb("glossary", "export", "names", "-o", str(out_tbx), "-p", proj, db=db_url)
    assert res.returncode == 0 and "<conceptEntry" in out_tbx.read_text(encoding="utf-8")
    res = wb("glossary", "import", str(out_tbx), "--name", "names", "-p", proj, db=db_url)
    assert res.returncode == 0 and "version 1 (unchanged)" in res.stderr, res.stderr  # same
    edited = tmp_path / "edited.csv"
    edited.write_text(SMALL, encoding="utf-8")
    res = wb("glossary", "import", str(edited), "--name", "names", "-p", proj, db=db_url)
    assert res.returncode == 0 and "glossary names version" in res.stderr, res.stderr
    listed = wb("glossary", "versions", "names", "-p", proj, db=db_url)
    rows = [line.split("\t") for line in listed.stdout.splitlines()[1:]]
    seeds_hash = load_csv(SEEDS_GLOSSARY).hash
    assert [(r[1], r[2]) for r in rows] == [("1", seeds_hash), ("2", parse_csv(SMALL).hash)]
    old = tmp_path / "v1.tbx"
    assert wb("glossary", "export", "names", "--version", "1", "-o", str(old), "-p", proj,
              db=db_url).returncode == 0
    from workbench.glossary.tbx import load_tbx

    assert load_tbx(old).hash == seeds_hash
    with Project(tmp_path / "proj", db=db_url, create=False) as p:  # the store holds them
        assert p.glossary_version("names").digest == parse_csv(SMALL).hash
    text = tmp_path / "a.txt"  # `glossary apply` without -g: the project's newest version
    text.write_text("Poutine arrive.\n", encoding="utf-8")
    res = wb("glossary", "apply", "-l", "en", "--in", str(text), "-p", proj, db=db_url)
    assert res.returncode == 0 and res.stdout == "Putin arrive.\n", res.stderr
    assert f"sha256:{parse_csv(SMALL).version}" in res.stderr
    bad = wb("glossary", "export", "nope", "-p", proj, db=db_url)
    assert bad.returncode == 1 and "no glossary 'nope'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_db_migrate_carries_the_glossaries(tmp_path, pg_url):
    """An SQLite project whose glossary is only its folder's CSV (as workbenches before
    kept it), and one saved version: ``db migrate`` carries both, and again is a no-op."""
    folder = tmp_path / "proj"
    with Project(folder, db=f"sqlite:///{folder / 'workbench.sqlite'}") as p:
        save_glossary(p, "team", parse_csv(TEAM, "team.csv"), expected_version=None,
                      author="ana")
    (folder / "glossaries" / "names.csv").write_bytes(SEEDS_GLOSSARY.read_bytes())
    first = wb("db", "migrate", "--from", str(folder), "--to", pg_url, db=None)
    assert first.returncode == 0 and "all match" in first.stdout, first.stderr
    with Project(tmp_path / "elsewhere", db=pg_url, create=False) as q:
        assert q.glossary_names() == ["names", "team"]
        assert q.glossary_version("names").digest == load_csv(SEEDS_GLOSSARY).hash
        assert q.glossary_version("team").author == "ana"
        assert project_glossary(q).glossary.hash == \
            project_glossary(q, folder / "glossaries").glossary.hash
    again = wb("db", "migrate", "--from", str(folder), "--to", pg_url, db=None)
    assert again.returncode == 0 and "nothing to copy" in again.stdout, again.stderr


def test_translate_protects_with_the_newest_version_and_records_its_digest(tmp_path, db_url):
    """``workbench translate --db URL`` without ``-g``: the project's newest glossary version
    protects the names, and its digest is the glossary recorded with the translations."""
    with Project(tmp_path / "proj", db=db_url) as p:
        p.add_document(
            source_path="a.txt", title="Poutine", lang="fr", lang_confidence=0.9, fmt="text",
            encoding="utf-8", content_hash="h",
            paragraphs=[NewParagraph("Poutine arrive.", "text",
                                     [NewSegment("Poutine arrive.", True)])])
        one, _ = save_glossary(p, "names", parse_csv(SMALL, "names.csv"), expected_version=None)
        two, _ = save_glossary(p, "names", add_form(glossary_of(one), "putin", "en", "Poutin"),
                               expected_version=1)
    res = wb("translate", "--to", "en", "--engine", "apertium", "-p", str(tmp_path / "proj"),
             db=db_url)
    assert res.returncode == 0, res.stderr
    assert f"sha256:{two.digest[:12]}" in " ".join(res.stderr.split())
    with Project(tmp_path / "proj", db=db_url, create=False) as p:
        versions = set(p.translations("en")["model_version"])
        assert versions and all(f"+glossary:{two.digest[:12]}:" in v for v in versions)
