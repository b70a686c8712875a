"""Issue 16 through AppTest, on SQLite and PostgreSQL: what a logged-in account writes
records the account as its author, and the store refuses what the account's role does
not allow even when the page offered it (a reviewer's document reassigned meanwhile)."""

from __future__ import annotations

import time

from projects import MAIN, SENTENCES, add_translated_document

from workbench.accounts import add_user
from workbench.app.text import unescape
from workbench.store import Project
from workbench.store import accounts as store
from workbench.store.policy import Actor


def _project(root, db_url) -> int:
    with Project(root, db=db_url) as p:
        doc = add_translated_document(p, "Macron reçoit Poutine", list(SENTENCES[:3]))
        add_user(p, "lea", "lead", "lea-password")
        add_user(p, "ana", "reviewer", "ana-password")
        add_user(p, "ben", "reviewer", "ben-password")
        store.assign(p, [doc], ["ana"], assigned_by="lea")
    return doc


def _logged_in(root, name: str, role: str, page: str = "review"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(MAIN, default_timeout=30)
    at.session_state["project_root"] = str(root)
    at.session_state["account"] = {"name": name, "role": role, "at": time.time()}
    at.run()
    if page != "review":
        at.switch_page(f"views/{page}.py")
        at.run()
    assert not at.exception and not any(t.value == "Log in" for t in at.title)
    return at


def test_a_document_ingested_in_the_app_records_the_account(tmp_path, db_url):
    root = tmp_path / "proj"
    _project(root, db_url)
    at = _logged_in(root, "lea", "lead", "documents")
    article = tmp_path / "article.fr.txt"
    article.write_text("Le gouvernement a annoncé une réforme.\n", encoding="utf-8")
    at.text_input(key="doc_lang").input("fr")
    at.text_input(key="doc_path").input(str(article)).run()
    at.button(key="doc_ingest_path").click().run()
    assert not at.exception and any("1 added" in s.value for s in at.success)
    with Project(root, db=db_url) as p:
        assert p.documents()["author"].to_list()[-1] == "lea"
    at.run()
    assert at.dataframe[0].value["author"].tolist()[-1] == "lea"  # the page shows it


def test_a_reviewer_edit_records_the_account_and_the_store_refuses_a_reassigned_document(
        tmp_path, db_url):
    root = tmp_path / "proj"
    doc = _project(root, db_url)
    with Project(root, db=db_url) as p:
        first = p.segment_ids(doc)[0]
    at = _logged_in(root, "ana", "reviewer")
    at.text_area(key=f"rv_text_{first}_1").input("Macron received Putin.").run()
    with Project(root, db=db_url) as p:
        assert p.history(first, "en")["author"].to_list() == ["ana"]
    # The lead gives the document to ben while ana's page still shows it.
    with Project(root, db=db_url, actor=Actor("lea", "lead")) as p:
        store.unassign(p, [doc], ["ana"])
        store.assign(p, [doc], ["ben"])
    at.text_area(key=f"rv_text_{first}_2").input("A text ana may no longer save.").run()
    assert not at.exception
    assert any("not assigned to ana" in unescape(e.value) for e in at.error)
    with Project(root, db=db_url) as p:
        assert p.review(first, "en").text == "Macron received Putin."
        assert p.history(first, "en")["author"].to_list() == ["ana"]
