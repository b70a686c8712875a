"""Documents, Glossary, Export and Quality pages through AppTest (load, act, check the result)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from projects import add_translated_document

from workbench.app.text import unescape
from workbench.store import Project, os_user

GLOSSARY = """concept,lang,term,status,note
putin,fr,Poutine,preferred,
putin,en,Putin,preferred,
putin,en,Poutin,variant,misspelling
"""


def test_documents_lists_progress_and_ingests_a_path(app_at, project_dir, tmp_path):
    at = app_at("documents")
    assert not at.exception and at.title[0].value == "Documents"
    table = at.dataframe[0].value
    assert table["segments"].tolist() == [7] and table["translated_share"].tolist() == [1.0]
    article = tmp_path / "article.fr.txt"
    article.write_text("Le gouvernement a annoncé une réforme. Elle sera votée en juin.\n",
                       encoding="utf-8")
    at.text_input(key="doc_lang").input("fr")
    at.text_input(key="doc_path").input(str(article)).run()
    at.button(key="doc_ingest_path").click().run()
    assert not at.exception and any("1 added" in s.value for s in at.success)
    with Project(project_dir) as p:
        assert p.documents()["title"].to_list()[-1].startswith("Le gouvernement")


def test_documents_upload_is_ingested_under_a_safe_name(app_at, project_dir):
    at = app_at("documents")
    text = "La ministre a présenté le budget. Il sera débattu en octobre.\n".encode()
    at.file_uploader(key="doc_upload").set_value(
        [("../../evil name.fr.txt", text, "text/plain")]).run()
    at.text_input(key="doc_lang").input("fr").run()
    at.button(key="doc_ingest_up").click().run()
    assert not at.exception and any("1 added" in s.value for s in at.success)
    assert [p.name for p in (project_dir / "uploads").glob("*/*")] == ["evil_name.fr.txt"]
    assert not (project_dir.parent / "evil name.fr.txt").exists()
    with Project(project_dir) as p:
        docs = p.documents()
        assert docs["title"].to_list()[-1].startswith("La ministre") and len(docs) == 2
        assert len(p.segments(int(docs["id"][-1]))) == 2


def test_documents_uploads_with_the_same_name_are_two_documents(app_at, project_dir):
    """Issue 13, item 2: two different index.html in one batch, then a third later: three
    documents, none replacing another; a new version only when asked for."""
    at = app_at("documents")
    pages = [f"<p>Article {n} sur la réforme. Il sera voté en juin {n}.</p>".encode()
             for n in ("un", "deux", "trois")]
    at.text_input(key="doc_lang").input("fr").run()
    at.file_uploader(key="doc_upload").set_value(
        [("index.html", pages[0], "text/html"), ("index.html", pages[1], "text/html")]).run()
    at.button(key="doc_ingest_up").click().run()
    assert not at.exception and any("2 added" in s.value for s in at.success)
    at.file_uploader(key="doc_upload").set_value([("index.html", pages[2], "text/html")]).run()
    at.button(key="doc_ingest_up").click().run()
    with Project(project_dir) as p:
        titles = p.documents()["title"].to_list()
        assert [t.split(" sur")[0] for t in titles if t.startswith("Article")] == [
            "Article un", "Article deux", "Article trois"]
        first = int(p.documents()["id"][1])
    at.selectbox(key="doc_version_of").set_value(first).run()
    at.file_uploader(key="doc_upload").set_value(
        [("autre.html", b"<p>Article un, corrige. Il sera vote en juillet.</p>", "text/html")]).run()
    at.button(key="doc_ingest_up").click().run()
    assert not at.exception
    with Project(project_dir) as p:
        docs = p.documents()
        assert first not in docs["id"].to_list() and len(docs) == 4
        assert docs["version"].to_list()[-1] == 2


def test_documents_refused_file_is_a_message_not_a_traceback(app_at, tmp_path):
    at = app_at("documents")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    at.text_input(key="doc_path").input(str(binary)).run()
    at.button(key="doc_ingest_path").click().run()
    assert not at.exception and any("1 refused" in w.value for w in at.warning)


def _select_first_document(at) -> None:
    """What clicking the first row of the documents table leaves in the session."""
    at.session_state["doc_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert "selected: 1" in " ".join(c.value for c in at.caption)


class FakeEngine:
    """An engine that tags its input: the page's wiring is under test, not MT."""

    name = "fake"

    def __init__(self, calls: list) -> None:
        self.calls = calls

    def pairs(self):
        from workbench.engines import Pair

        return [Pair("fr", "es")]

    def describe(self, src, tgt):
        from workbench.engines import Provenance

        return Provenance("fake", "fake-fr-es", "1")

    def translate(self, texts, src, tgt):
        from workbench.engines import TranslationResult

        self.calls.append((len(texts), src, tgt))
        return [TranslationResult(f"[{tgt}] {t}", "fake", "fake-fr-es", "1") for t in texts]


def test_documents_translates_the_selection_with_progress(app_at, project_dir, monkeypatch):
    calls: list = []
    monkeypatch.setattr("workbench.translate.get_engine",
                        lambda name, **_: FakeEngine(calls) if name == "auto" else None)
    at = app_at("documents")
    assert at.button(key="doc_translate").disabled  # nothing selected yet
    _select_first_document(at)
    at.text_input(key="doc_to").input("es").run()
    at.button(key="doc_translate").click().run()
    assert not at.exception and calls == [(7, "fr", "es")]
    assert any("fr→es: 7 translated (fake), 0 from memory, 0 already translated"
               in unescape(s.value) for s in at.success)
    with Project(project_dir) as p:
        assert len(p.translations("es")) == 7
        assert p.review(1, "es").text.startswith("[es] Le président")
    at.button(key="doc_translate").click().run()  # again: nothing left to do
    assert len(calls) == 1 and any("0 translated (fake), 0 from memory, 7 already"
                                   in unescape(s.value) for s in at.success)


def test_documents_normalises_the_selection_leaving_approved_text(app_at, project_dir):
    with Project(project_dir) as p:
        p.save_review(6, "en", text="Mr Poutin is then expected to visit the Louvre museum.",
                      expected_version=1)
        p.save_review(2, "en", text="Poutin discussed the war.", status="approved",
                      expected_version=1)
    (project_dir / "glossaries").mkdir()
    (project_dir / "glossaries" / "names.csv").write_text(GLOSSARY, encoding="utf-8")
    at = app_at("documents")
    _select_first_document(at)
    at.button(key="doc_normalise").click().run()
    assert not at.exception
    assert any("1 of 7 final translations normalised" in s.value for s in at.success)
    with Project(project_dir) as p:
        assert p.review(6, "en").text == "Mr Putin is then expected to visit the Louvre museum."
        assert p.review(2, "en").text == "Poutin discussed the war."  # the reviewer's word
        last = p.history(6, "en").row(-1, named=True)
        assert (last["author"], last["origin"]) == ("reviewer (no name given)", "normaliser")


def _glossary_app(app_at, project_dir: Path, text: str = GLOSSARY):
    folder = project_dir / "glossaries"
    folder.mkdir(exist_ok=True)
    (folder / "names.csv").write_text(text, encoding="utf-8")
    return app_at("glossary"), folder / "names.csv"


def _come_back_with_draft(at, draft: pl.DataFrame) -> None:
    """Leave the page (the editor widget is dropped), hold ``draft`` as the kept edits, return."""
    at.switch_page("views/review.py").run()
    at.session_state["gl_draft"] = {"names.csv": draft}
    at.switch_page("views/glossary.py").run()


def test_glossary_saves_a_valid_draft_atomically(app_at, project_dir):
    at, path = _glossary_app(app_at, project_dir)
    assert not at.exception and at.title[0].value == "Glossary"
    # An edited table kept as a draft (what the editor leaves after a visit to another page).
    draft = pl.DataFrame({"concept": ["putin", "putin", "putin", "macron"],
                          "lang": ["fr", "en", "en", "fr"],
                          "term": ["Poutine", "Putin", "Poutin", "Emmanuel Macron"],
                          "status": ["preferred", "preferred", "variant", "preferred"],
                          "note": ["", "", "misspelling", ""]})
    _come_back_with_draft(at, draft)
    assert "Unsaved changes." in [c.value for c in at.caption]
    at.button(key="gl_save").click().run()
    assert not at.exception and not at.error
    assert "Emmanuel Macron" in path.read_text(encoding="utf-8")
    assert not list(path.parent.glob(".*.part"))  # the temporary file was renamed away


def test_glossary_editor_cell_edits_and_added_row_are_saved(app_at, project_dir):
    at, path = _glossary_app(app_at, project_dir)
    assert at.data_editor[0].value["term"].tolist() == ["Poutine", "Putin", "Poutin"]
    # What the browser's grid sends: one edited cell, one added row, one deleted row.
    at.session_state["gl_ed_names.csv_0"] = {
        "edited_rows": {1: {"note": "as in English news"}},
        "added_rows": [{"concept": "putin", "lang": "en", "term": "Poutina", "status": "variant",
                        "note": "misspelling"}],
        "deleted_rows": [2]}
    at.run()
    assert "Unsaved changes." in [c.value for c in at.caption]
    at.button(key="gl_save").click().run()
    assert not at.exception and not at.error
    assert path.read_text(encoding="utf-8").splitlines() == [
        "concept,lang,term,status,note",
        "putin,fr,Poutine,preferred,",
        "putin,en,Putin,preferred,as in English news",  # the edited cell
        "putin,en,Poutina,variant,misspelling",  # the added row; "Poutin" deleted
    ]
    # what changed is shown
    assert any("Saved names.csv: putin (en): “Poutin” renamed “Poutina”; putin (en): note of “Putin” changed."
               in unescape(s.value) for s in at.success), [s.value for s in at.success]
    assert not list(path.parent.glob(".*.part"))


def test_glossary_table_refuses_a_row_that_folds_to_an_existing_form(app_at, project_dir):
    at, path = _glossary_app(app_at, project_dir)
    at.session_state["gl_ed_names.csv_0"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"concept": "putin", "lang": "fr", "term": "POUTINE", "status": "variant",
                        "note": ""}]}
    at.run()
    at.button(key="gl_save").click().run()
    assert any("Not saved: “POUTINE” was not added: it folds to the same key as “Poutine” "
               "(putin, fr)" in unescape(e.value) for e in at.error), [e.value for e in at.error]
    assert path.read_text(encoding="utf-8") == GLOSSARY


def _gen(at) -> int:
    return at.session_state["gl_gen"].get("names.csv", 0)


def test_glossary_find_a_concept_and_edit_it_in_place(app_at, project_dir):
    at, path = _glossary_app(app_at, project_dir, GLOSSARY + "macron,fr,Emmanuel Macron,preferred,\n")
    at.text_input(key="gl_find").input("poutin").run()
    assert not at.exception
    cards = [m.value for m in at.markdown if m.value.startswith("**")]
    assert cards == ["**putin**"]
    add = f"gl_add_putin_{_gen(at)}"
    at.text_input(key=f"{add}_text").input("POUTINE").run()
    at.button(key=f"{add}_go").click().run()
    assert any("“POUTINE” was not added: it folds to the same key as “Poutine” (putin, fr)"
               in unescape(e.value) for e in at.error)
    assert path.read_text(encoding="utf-8").count("putin") == 3
    at.text_input(key=f"{add}_text").input("Poutina").run()
    at.selectbox(key=f"{add}_lang").set_value("en").run()
    at.button(key=f"{add}_go").click().run()
    assert any("Saved names.csv: putin (en): “Poutina” added as variant." == unescape(s.value)
               for s in at.success)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[4] == "putin,en,Poutina,variant,"  # beside its concept, not at the bottom
    widget = f"gl_t_putin_2_{_gen(at)}"  # "Poutin"
    at.text_input(key=widget).input("Pautin").run()
    at.button(key=f"{widget}_ren").click().run()
    assert any("putin (en): “Poutin” renamed “Pautin”" in unescape(s.value) for s in at.success)
    widget = f"gl_t_putin_2_{_gen(at)}"
    at.button(key=f"{widget}_del").click().run()
    assert any("putin (en): “Pautin” deleted" in unescape(s.value) for s in at.success)
    widget = f"gl_t_putin_1_{_gen(at)}"  # "Putin", preferred while "Poutina" is there
    at.button(key=f"{widget}_del").click().run()
    assert any("make another en form preferred first" in unescape(e.value) for e in at.error)
    assert path.read_text(encoding="utf-8").splitlines()[1:] == [
        "putin,fr,Poutine,preferred,", "putin,en,Putin,preferred,", "putin,en,Poutina,variant,",
        "macron,fr,Emmanuel Macron,preferred,"]
    at.text_input(key="gl_find").input("Zzyzx").run()
    assert any("No concept has a form like" in unescape(c.value) for c in at.caption)


def test_glossary_new_concept_with_its_preferred_forms(app_at, project_dir):
    at, path = _glossary_app(app_at, project_dir)
    k = f"gl_nc_{_gen(at)}"
    at.text_input(key=f"{k}_fr").input("POUTIN").run()  # folds to an English form of putin
    at.button(key=f"{k}_go").click().run()
    assert any("“POUTIN” was not added: it folds to the same key as “Poutin” (putin, en)"
               in unescape(e.value) for e in at.error), [e.value for e in at.error]
    assert path.read_text(encoding="utf-8") == GLOSSARY
    k = f"gl_nc_{_gen(at)}"
    at.text_input(key=f"{k}_fr").input("Emmanuel Macron").run()
    at.text_input(key=f"{k}_en").input("Emmanuel Macron").run()
    at.text_input(key=f"{k}_note").input("person: French president").run()
    at.button(key=f"{k}_go").click().run()
    assert not at.exception and not at.error
    assert any("Saved names.csv: emmanuel-macron (fr): “Emmanuel Macron” added as preferred; "
               "emmanuel-macron (en): “Emmanuel Macron” added as preferred." == unescape(s.value)
               for s in at.success), [s.value for s in at.success]
    assert path.read_text(encoding="utf-8").splitlines()[4:] == [
        "emmanuel-macron,fr,Emmanuel Macron,preferred,person: French president",
        "emmanuel-macron,en,Emmanuel Macron,preferred,"]
    # the new concept is shown as found, its card ready for more forms; the form is empty again
    assert at.text_input(key="gl_find").value == "Emmanuel Macron"
    assert [unescape(m.value) for m in at.markdown if m.value.startswith("**")] == [
        "**emmanuel-macron**"]
    assert at.text_input(key=f"gl_nc_{_gen(at)}_fr").value == ""


def test_glossary_variant_search_defaults_to_the_source_language(app_at, project_dir):
    at, _ = _glossary_app(app_at, project_dir)
    assert at.selectbox(key="gl_sug_lang").value == "fr"
    assert at.selectbox(key="gl_sug_lang").options == ["fr", "en"]


def test_glossary_invalid_draft_is_refused_and_file_kept(app_at, project_dir):
    at, path = _glossary_app(app_at, project_dir)
    bad = pl.DataFrame({"concept": ["putin", "has space"], "lang": ["fr", "french"],
                        "term": ["Poutine", "X"], "status": ["variant", "preferred"],
                        "note": ["", ""]})
    _come_back_with_draft(at, bad)
    at.button(key="gl_save").click().run()
    assert not at.exception
    assert any("Not saved" in e.value for e in at.error)
    assert path.read_text(encoding="utf-8") == GLOSSARY


def test_glossary_renormalises_final_translations(app_at, project_dir):
    with Project(project_dir) as p:
        p.save_review(6, "en", text="Mr Poutin is then expected to visit the Louvre museum.",
                      expected_version=1)
    at, _ = _glossary_app(app_at, project_dir)
    assert "1 final translation(s) would change" in " ".join(c.value for c in at.caption)
    at.button(key="gl_norm_apply").click().run()
    with Project(project_dir) as p:
        assert p.review(6, "en").text == "Mr Putin is then expected to visit the Louvre museum."
    # The preview is computed again: nothing left to change, Apply is off (it said "1").
    assert "0 final translation(s) would change" in " ".join(c.value for c in at.caption)
    assert at.button(key="gl_norm_apply").disabled
    assert any("1 translation(s) updated" in unescape(s.value) for s in at.success)


def test_glossary_renormalise_lists_approved_apart_and_reopens_them(app_at, project_dir):
    with Project(project_dir) as p:
        p.save_review(6, "en", text="Mr Poutin is then expected to visit the Louvre museum.",
                      expected_version=1)
        p.save_review(2, "en", text="Poutin discussed the war.", status="approved",
                      expected_version=1)
        p.save_review(3, "en", text="Poutin met AFP.", status="approved", expected_version=1)
    at, _ = _glossary_app(app_at, project_dir)
    assert "1 final translation(s) would change; 2 approved one(s) too" in " ".join(
        c.value for c in at.caption)
    at.button(key="gl_norm_apply").click().run()  # not asked: approved texts stay
    with Project(project_dir) as p:
        assert p.review(2, "en").text == "Poutin discussed the war."
        assert p.review(6, "en").text.startswith("Mr Putin")
    at.checkbox(key="gl_norm_approved").check().run()
    at.button(key="gl_norm_apply").click().run()
    with Project(project_dir) as p:  # changed approved texts go back to "to do"
        assert (p.review(2, "en").text, p.review(2, "en").status) == (
            "Putin discussed the war.", "todo")
        assert p.history(2, "en")["origin"].to_list()[-1] == "normaliser"
        p.save_review(2, "en", text="Poutin again.", status="approved",
                      expected_version=p.review(2, "en").version)
    at.run()
    at.checkbox(key="gl_norm_approved").check().run()
    at.checkbox(key="gl_norm_keep").check().run()
    at.button(key="gl_norm_apply").click().run()
    with Project(project_dir) as p:  # "keep approved" chosen
        assert (p.review(2, "en").text, p.review(2, "en").status) == (
            "Putin again.", "approved")


def test_glossary_variant_suggestions_accept_and_reject(app_at, project_dir):
    with Project(project_dir) as p:
        p.save_review(6, "en", text="Mr Putine is then expected to visit the Louvre museum.",
                      expected_version=1)
        p.save_review(5, "en", text="Vladimir Poutina said nothing.", expected_version=1)
    at, path = _glossary_app(app_at, project_dir)
    at.selectbox(key="gl_sug_lang").set_value("en").run()
    at.button(key="gl_sug_run").click().run()
    shown = [m.value for m in at.markdown if "score" in m.value]
    assert len(shown) == 2 and "Putine" in shown[0] and "Poutina" in shown[1]  # best first
    at.button(key="gl_sug_ok_0").click().run()  # accept "Putine"
    assert not at.exception
    assert "putin,en,Putine,variant" in path.read_text(encoding="utf-8")
    at.button(key="gl_sug_no_0").click().run()  # reject "Poutina": the file is unchanged
    assert "Poutina" not in path.read_text(encoding="utf-8")
    assert any("No suggestions left" in c.value for c in at.caption)
    at.button(key="gl_sug_run").click().run()  # found again: neither comes back
    assert not [m for m in at.markdown if "score" in m.value]


def test_export_writes_inside_the_project_and_offers_download(app_at, project_dir):
    with Project(project_dir) as p:
        p.save_review(1, "en", status="approved", expected_version=1)
    at = app_at("export")
    assert not at.exception and at.title[0].value == "Export"
    assert "1 segment(s) match" in " ".join(c.value for c in at.caption)
    at.selectbox(key="ex_fmt").set_value("tsv")
    at.text_input(key="ex_name").input("../../outside").run()
    at.button(key="ex_run").click().run()
    assert not at.exception and not at.error
    out = project_dir / "exports" / "outside.tsv"
    assert out.is_file() and "Versailles" in out.read_text(encoding="utf-8")
    assert not (project_dir.parent.parent / "outside.tsv").exists()
    assert at.get("download_button")


def test_quality_shows_post_edit_effort_term_accuracy_and_charts(app_at, project_dir):
    import json

    with Project(project_dir) as p:
        p.save_review(1, "en", text="Macron welcomed Putin in Versailles on Monday.",
                      status="approved", expected_version=1)
        p.save_review(2, "en", status="approved", expected_version=1)
        p.save_review(6, "en", text="Mr Poutin is then expected to visit the Louvre museum.",
                      expected_version=1)
    (project_dir / "glossaries").mkdir()
    (project_dir / "glossaries" / "names.csv").write_text(GLOSSARY, encoding="utf-8")
    at = app_at("quality")
    assert not at.exception and at.title[0].value == "Quality"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Segments reviewed"] == "2 / 7"
    assert metrics["Edited by reviewers"] == "2"
    assert 0 < float(metrics["Post-edit TER"]) < 100
    assert metrics["Term accuracy (final text)"] == "50.0%"  # Putin right once, Poutin once
    table = at.dataframe[0].value
    assert table["term_accuracy"].tolist() == [0.5]
    people = at.dataframe[1].value  # per reviewer (issue 16): edits made without an account
    assert people["reviewer"].tolist() == [os_user()]  # are the OS user's
    assert people["edits"].tolist() == [3]
    assert people["approvals"].tolist() == [2]
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(charts) == 4  # reviewed share, TER, term accuracy, confidence histogram
    assert charts[-1]["encoding"]["x"]["bin"]  # the confidence distribution is binned


def test_export_filters_by_document_and_confidence_in_preview_and_file(app_at, project_dir):
    from projects import add_translated_document

    with Project(project_dir) as p:
        add_translated_document(p, "Autre article", [("Il pleut.", "It is raining.")],
                                confidences=[0.95])
    at = app_at("export")
    at.multiselect(key="ex_status").set_value([])  # any status
    at.multiselect(key="ex_docs").set_value([1]).run()
    assert "7 segment(s) match" in " ".join(c.value for c in at.caption)
    at.checkbox(key="ex_use_conf").check().run()
    at.slider(key="ex_conf").set_value(0.5).run()
    preview = at.dataframe[0].value
    assert len(preview) == 6 and min(preview["confidence"]) >= 0.5  # the 0.3 bead is out
    at.selectbox(key="ex_fmt").set_value("moses")  # a prefix: one file per language
    at.text_input(key="ex_name").input("pairs").run()
    at.button(key="ex_run").click().run()
    assert not at.exception and not at.error
    fr = (project_dir / "exports" / "pairs.fr").read_text(encoding="utf-8").splitlines()
    en = (project_dir / "exports" / "pairs.en").read_text(encoding="utf-8").splitlines()
    assert len(fr) == len(en) == 6 and "Il pleut." not in fr
    assert not any("Kremlin" in line for line in fr)  # its bead is at 0.3
    assert len(at.get("download_button")) == 2


def test_documents_aligns_the_selection_and_review_shows_its_beads(app_at, project_dir):
    from projects import SENTENCES

    from workbench.store import NewParagraph, NewSegment

    with Project(project_dir) as p:  # the published English article
        english = [t for _, t in SENTENCES]
        p.add_document(source_path="/tmp/macron.en.txt", title="Macron receives Putin",
                       lang="en", lang_confidence=0.99, fmt="text", encoding="utf-8",
                       content_hash="en-article", paragraphs=[NewParagraph(
                           " ".join(english), "text", [NewSegment(t, True) for t in english])])
    at = app_at("documents")
    _select_first_document(at)
    at.button(key="doc_align").click().run()
    assert not at.exception and any("aligned 1 document pair" in s.value for s in at.success)
    with Project(project_dir) as p:
        kinds = [r[0] for r in p.conn.execute("SELECT target_kind FROM alignments ORDER BY id")]
    assert kinds == ["mt", "document"]
    at.switch_page("views/review.py").run()
    at.sidebar.radio(key="view").set_value("Beads").run()
    assert not at.exception
    assert "document 2" in at.selectbox(key="rv_alignment").format_func(
        at.selectbox(key="rv_alignment").value)  # the newest alignment is shown first
    assert "Translation (document 2)" in [c.value for c in at.caption]
    shown = [m.value for m in at.markdown]
    assert "The Kremlin welcomed \\\"a frank and direct dialogue\\\"\\." in shown


def test_target_language_chosen_on_one_page_is_kept_on_the_others(app_at, project_dir):
    with Project(project_dir) as p:
        add_translated_document(p, "Macron reçoit Poutine (es)", [
            ("Le Kremlin a salué « un dialogue franc et direct ».",
             "El Kremlin saludó «un diálogo franco y directo».")], target="es")
    at = app_at()
    assert at.sidebar.selectbox(key="lang").value == "en"
    at.sidebar.selectbox(key="lang").set_value("es").run()
    for page, key in (("quality", "q_lang"), ("export", "ex_lang"), ("documents", "doc_target")):
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception
        assert at.selectbox(key=key).value == "es", page
    at.selectbox(key="doc_target").set_value("en").run()
    at.query_params.clear()  # AppTest keeps Review's address across switch_page
    at.switch_page("views/review.py").run()
    assert at.sidebar.selectbox(key="lang").value == "en"


def test_glossary_folder_remembered_by_the_project_is_used(app_at, project_dir, tmp_path):
    """What `workbench run --glossary DIR/x.csv` or `serve --glossaries DIR` records: a
    later plain `workbench serve` edits and highlights with that folder's glossaries."""
    elsewhere = tmp_path / "shared-glossaries"
    elsewhere.mkdir()
    (elsewhere / "names.csv").write_text(GLOSSARY, encoding="utf-8")
    at = app_at("glossary")
    assert any("No glossary CSV yet" in i.value for i in at.info)
    with Project(project_dir) as p:
        p.set_setting("glossary_dir", str(elsewhere))
    at.run()
    assert at.selectbox(key="gl_file").value == "names.csv"
    assert at.data_editor[0].value["term"].tolist() == ["Poutine", "Putin", "Poutin"]
    at.switch_page("views/review.py").run()
    warnings_only = at.sidebar.toggle(key="gloss")
    assert not warnings_only.disabled and warnings_only.help == "glossary: names.csv"


def test_export_offers_xliff12_and_writes_a_valid_file(app_at, project_dir):
    from lxml import etree

    at = app_at("export")
    at.multiselect(key="ex_status").set_value([])
    assert any(o.startswith("xliff12 — XLIFF 1.2") for o in at.selectbox(key="ex_fmt").options)
    at.selectbox(key="ex_fmt").set_value("xliff12")
    at.text_input(key="ex_name").input("for-trados").run()
    at.button(key="ex_run").click().run()
    assert not at.exception and not at.error
    out = project_dir / "exports" / "for-trados.xliff"
    schemas = Path(__file__).resolve().parents[1] / "data" / "schemas"
    schema = etree.XMLSchema(etree.parse(str(schemas / "xliff-core-1.2-strict.xsd")))
    assert schema.validate(etree.parse(str(out))), schema.error_log


def test_export_writes_back_into_the_original_cat_tool_file(app_at, project_dir):
    """An imported Trados file goes back as Trados wrote it, with the reviews in it."""
    from lxml import etree

    from workbench.io.project import import_file

    trados = Path(__file__).resolve().parents[1] / "data" / "xliff12" / "trados.sdlxliff"
    with Project(project_dir) as p:
        import_file(p, trados)
        seg, version = p.conn.execute(
            """SELECT s.id, r.version FROM segments s JOIN reviews r ON r.segment_id = s.id
               WHERE s.text = 'Les négociations reprendront lundi.'""").fetchone()
        p.save_review(seg, "en", text="Negotiations resume on Monday.", status="approved",
                      expected_version=version, author="r", origin="reviewer")
    at = app_at("export")
    at.selectbox(key="ex_fmt").set_value("xliff12").run()
    at.checkbox(key="ex_original").check()
    at.text_input(key="ex_name").input("back-to-trados").run()
    at.button(key="ex_run").click().run()
    assert not at.exception and not at.error
    out = project_dir / "exports" / "back-to-trados" / "trados.sdlxliff"
    root = etree.parse(str(out)).getroot()
    sdl = "{http://sdl.com/FileTypes/SdlXliff/1.0}"
    assert {s.get("id"): s.get("conf") for s in root.iter(sdl + "seg")}["4"] == "ApprovedTranslation"
    assert "Negotiations resume on Monday." in out.read_text(encoding="utf-8")
    assert any(b.label == "Download trados.sdlxliff" for b in at.get("download_button"))
