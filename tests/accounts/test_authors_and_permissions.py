"""Issue 16: every version records its author (the project's actor: the OS user for
command-line work, the account in the app), and the store, not the pages, enforces what
an account's role allows; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from workbench.accounts import add_user
from workbench.errors import NotAllowedError, WorkbenchError
from workbench.store import NewParagraph, NewSegment, Project, os_user
from workbench.store import accounts as store
from workbench.store.policy import Actor

LEA, ANA, BEN = Actor("lea", "lead"), Actor("ana", "reviewer"), Actor("ben", "reviewer")


def _doc(project: Project, name: str, text: str = "Bonjour.") -> int:
    return project.add_document(
        source_path=name, title=name, lang="fr", lang_confidence=1.0, fmt="text",
        encoding="utf-8", content_hash=f"{name}:{text}",
        paragraphs=[NewParagraph(text, "text", [NewSegment(text, True)])])


def _translate(project: Project, doc: int) -> int:
    seg = int(project.segments(doc)["id"][0])
    project.save_translations(engine="mt", model="m", model_version="1", source_lang="fr",
                              target_lang="en", rows=[(seg, "Bonjour.", "Hello.", {})])
    return seg


@pytest.fixture
def team(tmp_path, db_url):
    """A project with two documents translated into English, a lead and two reviewers;
    ``a`` is assigned to ana. Yields ``(root, db_url, a, b)``."""
    root = tmp_path / "proj"
    with Project(root, db=db_url) as p:
        a, b = _doc(p, "a.txt"), _doc(p, "b.txt")
        _translate(p, a), _translate(p, b)
        for name, role in (("lea", "lead"), ("ana", "reviewer"), ("ben", "reviewer")):
            add_user(p, name, role, f"{name}-password")
        store.assign(p, [a], ["ana"], assigned_by="lea")
    return root, db_url, a, b


def _open(team, actor: Actor | None = None) -> Project:
    root, db_url, _, _ = team
    return Project(root, db=db_url, actor=actor)


# -- authors ---------------------------------------------------------------------------------


def test_document_versions_record_their_author(tmp_path, db_url):
    with Project(tmp_path / "p", db=db_url) as p:  # command-line work: the OS user
        _doc(p, "a.txt", "Bonjour.")
    with Project(tmp_path / "p", db=db_url, actor=LEA) as p:
        _doc(p, "a.txt", "Bonsoir.")  # changed: a new version, by lea
        versions = p.documents(current_only=False)
        assert versions.select("version", "author").rows() == [(1, os_user()), (2, "lea")]
        assert p.documents()["author"].to_list() == ["lea"]
        assert p.document_progress("en")["author"].to_list() == ["lea"]


def test_translations_and_alignments_record_their_author(tmp_path, db_url):
    with Project(tmp_path / "p", db=db_url, actor=LEA) as p:
        doc = _doc(p, "a.txt")
        seg = _translate(p, doc)
        assert p.translations("en")["author"].to_list() == ["lea"]
        aid = p.store_alignment(document_id=doc, target_lang="en", target_kind="mt",
                                target_ref="mt", provenance={},
                                beads=[([seg], [0], "Hello.", 0.9)])
        assert p.alignment(aid).author == "lea"
    with Project(tmp_path / "p", db=db_url) as p:  # rerun from the command line
        _translate(p, doc)
        assert p.translations("en")["author"].to_list() == [os_user()]


def test_review_versions_record_the_actor_unless_an_author_is_given(team):
    root, db_url, a, _ = team
    with _open(team) as p:
        seg = int(p.segments(a)["id"][0])
        p.save_review(seg, "en", text="Hi.")
    with _open(team, ANA) as p:
        p.save_review(seg, "en", status="approved")
        p.undo_last_edit(seg, "en")
        p.save_review(seg, "en", status="approved", author="ana (repetition of #1)")
        assert p.history(seg, "en")["author"].to_list() == [
            os_user(), "ana", "ana", "ana (repetition of #1)"]


def test_the_cli_records_the_os_user(tmp_path, db_url):
    root = tmp_path / "proj"
    article = tmp_path / "a.fr.txt"
    env = {**os.environ, "LOGNAME": "cli-author", "USER": "cli-author"}

    def wb(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "workbench", *args, "-p", str(root)],
                              capture_output=True, text=True, timeout=300, env=env)

    article.write_text("Le gouvernement a annoncé une réforme.\n", encoding="utf-8")
    assert wb("ingest", str(article), "--lang", "fr").returncode == 0
    article.write_text("Le gouvernement a retiré sa réforme.\n", encoding="utf-8")
    env["LOGNAME"] = env["USER"] = "second-author"
    assert wb("ingest", str(article), "--lang", "fr").returncode == 0
    res = wb("status", "--json", "--all-versions")
    assert res.returncode == 0, res.stderr
    assert [(d["version"], d["author"]) for d in json.loads(res.stdout)] == [
        (1, "cli-author"), (2, "second-author")]
    table = wb("status").stdout
    assert "second-author" in table and "cli-author" not in table  # the current version


# -- permissions -----------------------------------------------------------------------------


def test_a_reviewer_may_save_only_the_documents_assigned_to_them(team):
    _, _, a, b = team
    with _open(team, ANA) as p:
        seg_a, seg_b = (int(p.segments(d)["id"][0]) for d in (a, b))
        assert p.save_review(seg_a, "en", text="Hi.", status="approved") == 2
        with pytest.raises(NotAllowedError, match="document .* is not assigned to ana") as err:
            p.save_review(seg_b, "en", text="Hi there.", expected_version=1)
        assert "\n" not in str(err.value)
        assert p.review(seg_b, "en").text == "Hello." and p.history(seg_b, "en").is_empty()
    with _open(team, BEN) as p:  # ben has nothing: the lead assigned documents to others
        with pytest.raises(NotAllowedError):
            p.save_review(seg_a, "en", status="approved")
    with _open(team, LEA) as p:  # a lead reviews everything
        p.save_review(seg_b, "en", status="approved")
        store.unassign(p, [a], ["ana"])
    with _open(team, BEN) as p:  # nothing assigned to anyone: every reviewer, every document
        p.save_review(seg_b, "en", status="flagged")


def test_a_reviewer_may_not_change_beads_of_other_documents(team):
    _, _, a, b = team
    with _open(team) as p:
        seg = int(p.segments(b)["id"][0])
        aid = p.store_alignment(document_id=b, target_lang="en", target_kind="mt",
                                target_ref="mt", provenance={},
                                beads=[([seg], [0], "Hello.", 0.9)])
    with _open(team, ANA) as p, pytest.raises(NotAllowedError):
        p.replace_beads(aid, {}, 0, 0, [([seg], [0], "Hi.", 1.0)], lambda prov, before: None)
    with _open(team) as p:
        assert [b.tgt_text for b in p.load_beads(aid)] == ["Hello."]


def test_a_reviewer_may_not_assign_or_export_and_a_lead_may(team, tmp_path):
    from workbench.io.project import export_project

    _, _, a, b = team
    out = tmp_path / "out.tsv"
    with _open(team, ANA) as p:
        with pytest.raises(NotAllowedError, match="may not assign documents"):
            store.assign(p, [b], ["ana"])
        with pytest.raises(NotAllowedError, match="may not assign documents"):
            store.unassign(p, [a], ["ana"])
        with pytest.raises(NotAllowedError, match="may not export"):
            export_project(p, "tsv", out, targets=["en"], include_empty=True)
        assert not out.exists()
        with pytest.raises(NotAllowedError, match="may not manage accounts"):
            add_user(p, "eve", "admin", "eve-password")
    with _open(team, LEA) as p:
        assert store.assign(p, [b], ["ben"]) == 1
        assert store.assignments(p).filter(
            store.assignments(p)["document_id"] == b)["assigned_by"].to_list() == ["lea"]
        report = export_project(p, "tsv", out, targets=["en"], include_empty=True)
        assert report.units == 2 and out.exists()
        with pytest.raises(NotAllowedError, match="may not manage accounts"):
            store.set_disabled(p, "ana")
    with _open(team, Actor("root", "admin")) as p:
        store.set_disabled(p, "ana")


def test_work_without_an_account_is_unrestricted_and_refusals_are_workbench_errors(team):
    _, _, _, b = team
    assert issubclass(NotAllowedError, WorkbenchError)  # the CLI: one line, exit code 1
    with _open(team) as p:  # the CLI: the OS user, no role
        assert p.actor == Actor(os_user())
        seg = int(p.segments(b)["id"][0])
        p.save_review(seg, "en", status="approved")
        store.assign(p, [b], ["ben"])
        add_user(p, "eve", "admin", "eve-password")


def test_acting_as_lasts_for_the_block(team):
    _, _, _, b = team
    with _open(team) as p:
        seg = int(p.segments(b)["id"][0])
        with p.acting_as(ANA), pytest.raises(NotAllowedError):
            p.save_review(seg, "en", status="approved")
        assert p.actor.role is None
        p.save_review(seg, "en", status="approved")
        assert p.history(seg, "en")["author"].to_list() == [os_user()]


def test_only_leads_edit_the_glossary_and_a_refused_disk_copy_is_said(team, tmp_path):
    from workbench.glossary.csvio import load_csv
    from workbench.glossary.project import save_glossary, sync_folder

    csv = tmp_path / "names.csv"
    csv.write_text("concept,lang,term,status,note\nshoigu,en,Shoigu,preferred,\nshoigu,en,Shoygu,variant,\n",
                   encoding="utf-8")
    glossary = load_csv(csv)
    with _open(team, ANA) as p:
        with pytest.raises(NotAllowedError, match="may not edit the glossary"):
            save_glossary(p, "names", glossary, expected_version=None)
        assert p.glossary_version("names") is None
        folder = tmp_path / "ana-glossaries"  # ana's own copy, dropped on disk
        folder.mkdir()
        (folder / "names.csv").write_bytes(csv.read_bytes())
        notes = sync_folder(p, folder)
        assert p.glossary_version("names") is None
        assert len(notes) == 1 and "may not edit the glossary" in notes[0]
    with _open(team, LEA) as p:
        saved, new = save_glossary(p, "names", glossary, expected_version=None,
                                   folder=tmp_path / "lea-glossaries")
        assert new and saved.version == 1 and saved.author == "lea"
