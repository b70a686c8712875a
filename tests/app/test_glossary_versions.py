"""The Glossary page saves versions in the project database (issue 16), on SQLite and on
PostgreSQL: a save is a new version by the reviewer; a save whose table started from a
version someone else has replaced since is refused in one line and the edits stay."""

from __future__ import annotations

import polars as pl

from workbench.app.text import unescape
from workbench.glossary import parse_csv
from workbench.glossary.edit import add_form
from workbench.glossary.project import glossary_of, save_glossary
from workbench.store import Project

GLOSSARY = """concept,lang,term,status,note
putin,fr,Poutine,preferred,
putin,en,Putin,preferred,
"""


def test_the_glossary_page_saves_versions_and_refuses_a_stale_table(db_url, app_at,
                                                                      project_dir):
    with Project(project_dir) as p:  # the lead's glossary, in the database only
        save_glossary(p, "names", parse_csv(GLOSSARY, "names.csv"), expected_version=None,
                      author="lead")
    at = app_at("glossary")
    at.session_state["reviewer"] = "ana"
    at.run()
    assert not at.exception and at.selectbox(key="gl_file").value == "names.csv"
    assert at.data_editor[0].value["term"].tolist() == ["Poutine", "Putin"]
    at.session_state["gl_ed_names.csv_0"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"concept": "putin", "lang": "en", "term": "Poutin", "status": "variant",
                        "note": ""}]}
    at.run()
    at.button(key="gl_save").click().run()
    assert not at.exception and not at.error
    with Project(project_dir) as p:
        newest = p.glossary_version("names")
        assert (newest.version, newest.author) == (2, "ana")
        assert "putin,en,Poutin,variant," in newest.content
        assert [v.author for v in p.glossary_history("names")] == ["lead", "ana"]
    assert "Poutin" in (project_dir / "glossaries" / "names.csv").read_text(encoding="utf-8")

    # ana starts another edit (from version 2); ben saves version 3 meanwhile
    draft = pl.DataFrame({"concept": ["putin"] * 3, "lang": ["fr", "en", "en"],
                          "term": ["Poutine", "Putin", "Putine"],
                          "status": ["preferred", "preferred", "variant"], "note": [""] * 3})
    at.switch_page("views/review.py").run()
    at.session_state["gl_draft"] = {"names.csv": draft}
    with Project(project_dir) as p:
        bens = add_form(glossary_of(p.glossary_version("names")), "putin", "fr", "Poutyne")
        save_glossary(p, "names", bens, expected_version=2, author="ben")
    at.switch_page("views/glossary.py").run()
    at.button(key="gl_save").click().run()
    assert not at.exception
    errors = [unescape(e.value) for e in at.error]
    assert len(errors) == 1 and "changed meanwhile" in errors[0] and "by ben" in errors[0]
    at.run()
    assert "Unsaved changes." in [c.value for c in at.caption]  # ana's edits are kept
    assert at.session_state["gl_draft"]["names.csv"]["term"].to_list()[-1] == "Putine"
    with Project(project_dir) as p:  # ben's version stands
        newest = p.glossary_version("names")
        assert (newest.version, newest.author) == (3, "ben") and "Putine" not in newest.content
