"""Issue 13, items 2 and 14: uploads are keyed by content, not by name; refused uploads
and leftovers of killed sessions do not stay in ``PROJECT/uploads``."""

from __future__ import annotations

import pytest

from workbench.errors import InputError
from workbench.ingest.uploads import ingest_uploads, remove_leftovers, upload_path
from workbench.store import Project

A = "<p>Le ministre a parlé à Paris. Il a annoncé une réforme.</p>".encode()
B = "<p>La présidente a voyagé à Berlin. Elle a signé un accord.</p>".encode()


def test_same_name_different_articles_are_two_documents(tmp_path):
    with Project(tmp_path / "p") as project:
        first = ingest_uploads(project, [("index.html", A), ("index.html", B)], lang="fr")
        assert [r.status for r in first] == ["added", "added"]
        later = ingest_uploads(project, [("index.html", "<p>Un troisième article. Bien.</p>"
                                                       .encode())], lang="fr")
        assert later[0].status == "added"
        assert len(project.documents()) == 3
        again = ingest_uploads(project, [("copie.html", A)], lang="fr")
        assert again[0].status in ("unchanged", "duplicate") and len(project.documents()) == 3


def test_new_version_only_when_asked(tmp_path):
    with Project(tmp_path / "p") as project:
        doc = ingest_uploads(project, [("index.html", A)], lang="fr")[0].document_id
        result = ingest_uploads(project, [("index.html", B)], lang="fr", as_version_of=doc)[0]
        assert result.status == "new-version"
        assert project.documents()["version"].to_list() == [2]
        with pytest.raises(InputError, match="one file"):
            ingest_uploads(project, [("a.html", A), ("b.html", B)], as_version_of=result.document_id)


def test_refused_uploads_and_leftovers_are_removed(tmp_path):
    with Project(tmp_path / "p") as project:
        results = ingest_uploads(project, [("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(200)),
                                           ("vide.txt", b"   \n")])
        assert [r.status for r in results] == ["refused", "refused"]
        assert not any(p.is_file() for p in (project.root / "uploads").rglob("*"))
        left = upload_path(project.root, "killed.txt", b"half")  # a session killed mid-upload
        left.parent.mkdir(parents=True)
        left.write_bytes(b"half")
        kept = ingest_uploads(project, [("a.html", A)], lang="fr")[0].path
        assert not left.exists() and kept.exists()
        assert remove_leftovers(project) == 0
