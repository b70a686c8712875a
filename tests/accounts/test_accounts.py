"""Accounts (``workbench users``), their Argon2 hashes and roles, assignments, and the
refusal to serve beyond this machine without an account; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from workbench.accounts import (add_user, check_can_serve, disable_user, is_loopback, may,
                                verify)
from workbench.errors import InputError, NotFoundError
from workbench.store import NewParagraph, NewSegment, Project
from workbench.store import accounts as store


def wb(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True,
                          text=True, timeout=300, env=dict(os.environ), input=stdin)


@pytest.fixture
def project(tmp_path, db_url):
    with Project(tmp_path / "proj", db=db_url) as p:
        yield p


def _doc(project: Project, name: str) -> int:
    return project.add_document(
        source_path=name, title=name, lang="fr", lang_confidence=1.0, fmt="text",
        encoding="utf-8", content_hash=name,
        paragraphs=[NewParagraph("Bonjour.", "text", [NewSegment("Bonjour.", True)])])


def test_passwords_are_argon2_hashes_and_verify(project):
    add_user(project, "ana", "lead", "correct horse")
    [row] = store.accounts(project)
    assert row.password_hash.startswith("$argon2id$") and "correct horse" not in row.password_hash
    assert verify(project, "ana", "correct horse").role == "lead"
    assert verify(project, "ana", "wrong horse!") is None
    assert verify(project, "nobody", "correct horse") is None
    disable_user(project, "ana")
    assert verify(project, "ana", "correct horse") is None  # disabled: no login
    with pytest.raises(InputError, match="exists already"):
        add_user(project, "ana", "reviewer", "another one")
    with pytest.raises(InputError, match="unknown role"):
        add_user(project, "ben", "boss", "long enough")
    with pytest.raises(InputError, match="too short"):
        add_user(project, "ben", "reviewer", "short")
    with pytest.raises(NotFoundError):
        disable_user(project, "nobody")


def test_roles():
    assert may("reviewer", "review") and not may("reviewer", "assign")
    assert may("lead", "assign") and may("lead", "glossary") and not may("lead", "accounts")
    assert may("admin", "accounts")


def test_assignments_decide_what_a_reviewer_sees(project):
    a, b = _doc(project, "a.txt"), _doc(project, "b.txt")
    add_user(project, "ana", "reviewer", "password-a")
    add_user(project, "ben", "reviewer", "password-b")
    assert store.assigned_documents(project, "ana") is None  # none assigned: all
    assert store.assign(project, [a], ["ana"], assigned_by="lea") == 1
    assert store.assign(project, [a], ["ana"], assigned_by="lea") == 0  # again: no change
    assert store.assigned_documents(project, "ana") == {a}
    assert store.assigned_documents(project, "ben") == set()
    assert store.assignments(project)["account"].to_list() == ["ana"]
    assert store.unassign(project, [a], ["ana"]) == 1
    with pytest.raises(NotFoundError):
        store.assign(project, [b], ["nobody"], assigned_by="lea")


def test_loopback_addresses():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")


def test_serving_beyond_this_machine_needs_an_account(project):
    check_can_serve(project, "127.0.0.1")  # one person on their machine: as before
    with pytest.raises(InputError, match="needs a login"):
        check_can_serve(project, "0.0.0.0")
    add_user(project, "ana", "admin", "password-a")
    check_can_serve(project, "0.0.0.0")


def test_users_commands_and_serve_refusal(tmp_path, db_url):
    proj = str(tmp_path / "proj")
    with Project(proj, db=db_url) as p:
        _doc(p, "a.txt")
    res = wb("serve", "-p", proj, "--host", "0.0.0.0", "--no-browser", "--port", "9")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert res.stderr.count("\n") == 1 and "needs a login" in res.stderr
    res = wb("users", "add", "ana", "--role", "admin", "--password-stdin", "-p", proj,
             stdin="s3cret-enough\n")
    assert res.returncode == 0, res.stderr
    res = wb("users", "add", "ben", "--role", "reviewer", "-p", proj)  # no terminal, no stdin flag
    assert res.returncode == 1 and "--password-stdin" in res.stderr
    res = wb("users", "disable", "ana", "-p", proj)
    assert res.returncode == 0, res.stderr
    res = wb("users", "list", "-p", proj)
    assert res.stdout.split("\t")[:3] == ["ana", "admin", "disabled"]
    assert "s3cret" not in res.stdout


def test_per_reviewer_throughput_and_post_edit_distance(project):
    from workbench.app.team import reviewer_quality

    doc = _doc(project, "a.txt")
    seg = project.segments(doc)["id"][0]
    project.save_translations(engine="mt", model="m", model_version="1", source_lang="fr",
                              target_lang="en", rows=[(seg, "Bonjour.", "Hello.", {})])
    project.save_review(seg, "en", status="approved", author="ana")  # MT kept
    assert reviewer_quality(project, "en").select("reviewer", "edits", "approvals", "ter") \
        .to_dicts() == [{"reviewer": "ana", "edits": 1, "approvals": 1, "ter": 0.0}]
    project.save_review(seg, "en", text="Good morning to you.", author="ben")  # ben rewrote it
    rows = {r["reviewer"]: r for r in reviewer_quality(project, "en").to_dicts()}
    assert rows["ana"]["ter"] is None  # her final text was replaced
    assert rows["ben"]["edits"] == 1 and rows["ben"]["ter"] > 50
    assert rows["ben"]["per_hour"] > 0
