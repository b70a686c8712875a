"""A project keeps its own copy of the glossary it is run with (issue 13, item 18): the
review app and ``import x.tbx`` change the copy, never the file given."""

from __future__ import annotations

import shutil
from pathlib import Path

from workbench.glossary.csvio import load_csv
from workbench.glossary.project import adopt_glossary, import_tbx
from workbench.glossary.tbx import save_tbx
from workbench.store import Project

ROOT = Path(__file__).resolve().parents[2]
SEEDS_GLOSSARY = ROOT / "glossaries" / "seeds.csv"


def test_copy_then_follow_the_source_until_the_copy_is_edited(tmp_path: Path) -> None:
    given = tmp_path / "shared" / "names.csv"
    given.parent.mkdir()
    shutil.copy(SEEDS_GLOSSARY, given)
    before = given.read_bytes()
    with Project(tmp_path / "proj", create=True) as project:
        first = adopt_glossary(project, given)
        assert first.action == "copied" and first.path.read_bytes() == before
        assert project.glossary_dir == first.path.parent == (tmp_path / "proj" / "glossaries").resolve()
        assert adopt_glossary(project, given).action == "unchanged"

        # the source changes, the copy was not edited: the copy follows
        given.write_text(before.decode() + "zz,fr,Zorglub,preferred,\n", encoding="utf-8")
        assert adopt_glossary(project, given).action == "updated"
        assert "Zorglub" in first.path.read_text(encoding="utf-8")

        # the copy is edited in the project (the app's Glossary page), then the source
        # changes again: the project's copy is kept, the source left alone
        first.path.write_text(first.path.read_text(encoding="utf-8") + "yy,fr,Yoyo,preferred,\n",
                              encoding="utf-8")
        given.write_text(before.decode(), encoding="utf-8")
        assert adopt_glossary(project, given).action == "kept"
        assert "Yoyo" in first.path.read_text(encoding="utf-8")
        assert given.read_bytes() == before

        # a TBX imported afterwards lands in the project's folder, not beside the source
        tbx = save_tbx(load_csv(SEEDS_GLOSSARY), tmp_path / "other.tbx")
        done = import_tbx(project.glossary_dir, tbx)
        assert done.path.parent == first.path.parent
    assert sorted(p.name for p in given.parent.iterdir()) == ["names.csv"]


def test_a_bad_source_replaces_nothing(tmp_path: Path) -> None:
    given = tmp_path / "g.csv"
    shutil.copy(SEEDS_GLOSSARY, given)
    with Project(tmp_path / "proj", create=True) as project:
        copy = adopt_glossary(project, given).path
        kept = copy.read_bytes()
        given.write_text("concept,lang,term,status\nk,fr,Kiev,variant\n", encoding="utf-8")
        try:
            adopt_glossary(project, given)
        except Exception as exc:  # noqa: BLE001 - the message is what matters
            assert "preferred" in str(exc)
        else:
            raise AssertionError("an invalid glossary was adopted")
        assert copy.read_bytes() == kept
