"""Issue 13, items 1, 3 and 10: every unit of an import stays reachable; export and
import agree on a document's identity (its id, not its title); values the project
cannot store are refused with one message; a file whose languages run the other way
keeps its direction (issue 19)."""

from __future__ import annotations

import json

import pytest
from io_fixtures import ARTICLE, add_article

from workbench.errors import FormatError
from workbench.io.project import export_project, import_file
from workbench.store import Project


def _tmx(path, tus: list[tuple[str, str | None, str, str]]) -> None:
    """A foreign TMX: (srclang, x-document or None, source text, target text) per <tu>."""
    body = []
    for src, doc, text, target in tus:
        tgt = "en" if src == "fr" else "fr"
        prop = f'<prop type="x-document">{doc}</prop>' if doc else ""
        body.append(f'<tu srclang="{src}">{prop}<tuv xml:lang="{src}"><seg>{text}</seg></tuv>'
                    f'<tuv xml:lang="{tgt}"><seg>{target}</seg></tuv></tu>')
    path.write_text('<?xml version="1.0"?><tmx version="1.4"><header srclang="fr" '
                    'segtype="sentence" adminlang="en" datatype="plaintext" o-tmf="x" '
                    'creationtool="x" creationtoolversion="1"/><body>' + "".join(body)
                    + "</body></tmx>", encoding="utf-8")


def _exported_sources(project: Project, tmp_path, lang: str = "en") -> list[str]:
    out = tmp_path / f"all-{lang}.jsonl"
    export_project(project, "jsonl", out, targets=[lang])
    return [json.loads(line)["translation"][next(iter(json.loads(line)["translation"]))]
            for line in out.read_text(encoding="utf-8").splitlines()]


def test_documents_interleaved_in_a_tmx_all_stay_current(fresh, tmp_path):
    f = tmp_path / "mix.tmx"
    _tmx(f, [("fr", "A", "Un.", "One."), ("fr", "B", "Deux.", "Two."),
             ("fr", "A", "Trois.", "Three."), ("fr", "B", "Quatre.", "Four.")])
    report = import_file(fresh, f)
    assert report.added_documents == 2 and report.added_units == 4
    assert sorted(fresh.documents()["title"].to_list()) == ["A", "B"]
    assert sorted(_exported_sources(fresh, tmp_path)) == ["Deux.", "Quatre.", "Trois.", "Un."]
    # importing it again matches what the first import made
    again = import_file(fresh, f)
    assert again.added_documents == 0 and again.unchanged == 4
    assert len(fresh.documents()) == 2


def test_source_languages_switching_in_a_tmx_keep_every_unit(fresh, tmp_path):
    f = tmp_path / "langs.tmx"
    _tmx(f, [("fr", None, "Un.", "One."), ("fr", None, "Deux.", "Two."),
             ("en", None, "Three.", "Trois."), ("fr", None, "Quatre.", "Four.")])
    report = import_file(fresh, f)  # issue 19: each unit keeps its direction
    assert report.added_units == 4
    assert sorted(fresh.documents()["lang"].to_list()) == ["en", "fr"]
    assert sorted(_exported_sources(fresh, tmp_path)) == ["Deux.", "Quatre.", "Un."]
    assert _exported_sources(fresh, tmp_path, "fr") == ["Three."]


def test_reversed_tmx_keeps_its_direction_and_blocks_nothing(project, tmp_path):
    before = project.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    f = tmp_path / "reversed.tmx"
    _tmx(f, [("en", None, "Hello.", "Bonjour.")])
    import_file(project, f)
    assert project.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == before + 1
    report = export_project(project, "tmx", tmp_path / "still.tmx", targets=["en"])
    assert report.other_directions == {("en", "fr"): 1}
    assert "Hello." not in (tmp_path / "still.tmx").read_text(encoding="utf-8")
    back = export_project(project, "jsonl", tmp_path / "en-fr.jsonl", sources=["en"],
                          targets=["fr"])
    assert back.units == 1 and back.other_directions  # the fr→en units, counted
    assert json.loads((tmp_path / "en-fr.jsonl").read_text(encoding="utf-8"))["translation"] \
        == {"en": "Hello.", "fr": "Bonjour."}


@pytest.mark.parametrize("fmt,name", [("xliff", "r.xlf"), ("tmx", "r.tmx"), ("jsonl", "r.jsonl")])
def test_title_with_a_control_character_round_trips_as_an_update(tmp_path, fmt, name):
    with Project(tmp_path / "p") as project:
        add_article(project, title="Kim\x0b et Poutine", long=False, rows=ARTICLE[:4])
        out = tmp_path / name
        export_project(project, fmt, out, targets=["en"])
        text = out.read_text(encoding="utf-8")
        edited = text.replace("Kim Jong-un rarely travels abroad.", "Kim rarely goes abroad.")
        assert edited != text
        out.write_text(edited, encoding="utf-8")
        report = import_file(project, out)
        assert report.added_documents == 0 and report.updated == 1 and not report.conflicts
        assert len(project.documents(current_only=False)) == 1


JSONL_BAD = {
    "nan": ('{"translation": {"fr": "Un.", "en": "One."}, "source_lang": "fr", '
            '"meta": {"en": {"confidence": NaN}}}', "confidence nan"),
    "infinite": ('{"translation": {"fr": "Un.", "en": "One."}, "source_lang": "fr", '
                 '"meta": {"en": {"confidence": 1e999}}}', "confidence inf"),
    "huge-id": ('{"translation": {"fr": "Un.", "en": "One."}, "source_lang": "fr", '
                '"segment_id": 100000000000000000000000}', "out of range"),
    "surrogate": ('{"translation": {"fr": "Un \\ud800.", "en": "One."}, "source_lang": "fr"}',
                  "surrogate"),
    "deep": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
}


@pytest.mark.parametrize("name", JSONL_BAD)
def test_values_the_store_cannot_hold_are_refused(project, tmp_path, name):
    line, message = JSONL_BAD[name]
    f = tmp_path / f"{name}.jsonl"
    f.write_text(line + "\n", encoding="utf-8")
    before = project.conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
    with pytest.raises(FormatError, match=message):
        import_file(project, f)
    assert project.conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == before
