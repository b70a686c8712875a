"""Inline codes (tags of CAT-tool files) through machine translation with the real
Apertium fr→en: every code comes back, pairs around the words they wrapped; an engine
that loses them gets them placed back by the workbench; a target that lost one gets a
QA warning in the export."""

from __future__ import annotations

import shutil

import pytest
from lxml import etree

from workbench.engines import get_engine
from workbench.inline_mt import kept, place
from workbench.io import inline
from workbench.io.project import export_project, import_file
from workbench.io.xliff12 import NS
from workbench.store import Project
from workbench.translate import translate_lines, translate_project

pytestmark = pytest.mark.skipif(shutil.which("apertium") is None, reason="no apertium")
X = "{%s}" % NS
# <g> (Okapi, Trados), <x/> (Trados), <ph> and <bpt>/<ept> (memoQ)
XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
<file original="depeche.html" source-language="fr" target-language="en" datatype="html">
<body>
<trans-unit id="1"><source><g id="1">Moscou</g> attend une réponse.</source></trans-unit>
<trans-unit id="2"><source>Le ministre<x id="2"/> n'a pas commenté.</source></trans-unit>
<trans-unit id="3"><source>Appuyez sur <ph id="3">&lt;kbd&gt;F2&lt;/kbd&gt;</ph> pour la carte.</source></trans-unit>
<trans-unit id="4"><source>La <g id="4">maison blanche</g> est grande.</source></trans-unit>
<trans-unit id="5"><source>L'offensive <bpt id="5">&lt;b&gt;</bpt>gagne du terrain<ept id="5">&lt;/b&gt;</ept> au sud.</source></trans-unit>
</body></file></xliff>
"""


class DropsCodes:
    """Apertium behind a vocabulary without private-use characters, as a neural engine's
    (SentencePiece maps them to <unk>, dropped on decoding): the codes are lost."""

    def __init__(self) -> None:
        self.inner = get_engine("apertium")
        self.name = self.inner.name

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def translate(self, texts, src, tgt):
        from dataclasses import replace

        return [replace(r, text=inline.plain(r.text))
                for r in self.inner.translate(texts, src, tgt)]


@pytest.fixture
def coded(tmp_path) -> Project:
    path = tmp_path / "depeche.xlf"
    path.write_text(XLIFF, encoding="utf-8")
    with Project(tmp_path / "proj") as p:
        import_file(p, path)
        yield p


def _translations(project: Project) -> dict[str, tuple[str, dict]]:
    import json

    return {inline.plain(s): (t, json.loads(m or "{}")) for s, t, m in project.conn.execute(
        "SELECT s.text, t.text, t.meta FROM segments s JOIN translations t ON t.segment_id = s.id")}


def _wrapped(text: str) -> list[str]:
    """The text inside each pair of codes of ``text``."""
    return [inline.plain(m.group(1)) for m in
            __import__("re").finditer("[\ue101][\ue110-\uf8ff](.*?)[\ue102][\ue110-\uf8ff]", text)]


@pytest.mark.parametrize("engine", ["apertium", "drops-codes"])
def test_codes_come_back_through_apertium(coded, tmp_path, engine):
    eng = get_engine("apertium") if engine == "apertium" else DropsCodes()
    translate_project(coded, ["en"], eng, tm_min=None)
    got = _translations(coded)
    sources = {inline.plain(s): s for (s,) in coded.conn.execute("SELECT text FROM segments")}
    assert len(got) == 5
    for plain_source, (text, meta) in got.items():
        assert kept(text, sources[plain_source]), (plain_source, text)  # none lost, none doubled
        assert ("codes_placed" in meta) == (engine == "drops-codes")
    # pairs wrap the words they wrapped in the source
    assert _wrapped(got["Moscou attend une réponse."][0]) == ["Moscow"]
    assert _wrapped(got["La maison blanche est grande."][0]) == ["white house"]
    assert "terrain" in _wrapped(got["L'offensive gagne du terrain au sud."][0])[0]
    # the isolated <x/> stays glued to "minister", as it was to "ministre"
    assert "minister\ue103" in got["Le ministre n'a pas commenté."][0]
    # and the export writes them as the original elements, in the target and the MT
    out = tmp_path / "out.xlf"
    export_project(coded, "xliff12", out, targets=["en"])
    tu = next(etree.parse(str(out)).iter(X + "trans-unit"))
    g = tu.find(f"{X}target/{X}g")
    assert g is not None and g.get("id") == "1" and g.text == "Moscow"
    assert tu.find(f"{X}alt-trans/{X}target/{X}g").text == "Moscow"


def test_translate_lines_keeps_codes_too():
    line = "Le ministre\ue103\ue110 n'a pas commenté."
    out = translate_lines([line], "fr", "en", DropsCodes())
    assert kept(out[0].text, line) and out[0].meta["codes_placed"] == 1


def test_place_by_position_keeps_order_nesting_and_the_ends():
    source = "\ue101\ue110\ue102\ue111Fin de la \ue101\ue112dépêche \ue103\ue114\ue102\ue113"
    text, placed = place(source, "End of the dispatch")
    assert placed == 5 and kept(text, source)
    assert text.startswith("\ue101\ue110\ue102\ue111End")  # empty pair at the start
    assert text.endswith("\ue102\ue113")  # closing at the end
    assert place("Sans code.", "No code.") == ("No code.", 0)


def test_a_target_that_lost_a_code_gets_a_qa_note(coded, tmp_path):
    seg = coded.conn.execute("SELECT id, text FROM segments ORDER BY id").fetchone()
    coded.save_review(seg[0], "en", text="Moscow awaits an answer.", status="todo",
                      expected_version=0, author="r", origin="reviewer")
    out = tmp_path / "qa.xlf"
    export_project(coded, "xliff12", out, targets=["en"])
    notes = [n.text for n in etree.parse(str(out)).iter(X + "note")]
    assert "inline codes: the target lacks ⟦1⟧, ⟦/1⟧" in notes


def _approved_then_imported_again(coded, tmp_path) -> tuple[int, str]:
    """The first segment approved with its tags and synced into the memory, then the same
    dispatch imported once more (a new document, no review); returns (id, text) of the first."""
    from workbench.memory.project import sync_reviews

    moscou = coded.conn.execute("SELECT id, text FROM segments ORDER BY id").fetchone()
    coded.save_review(moscou[0], "en", text="\ue101\ue110Moscow\ue102\ue111 awaits an answer.",
                      status="approved", expected_version=0, author="r", origin="reviewer")
    sync_reviews(coded)
    again = tmp_path / "again.xlf"
    again.write_text(XLIFF, encoding="utf-8")
    import_file(coded, again)
    return moscou


def test_a_memory_fill_gets_the_segment_tags(coded, tmp_path):
    """The memory holds text without tags; a segment filled from it gets its tags placed."""
    from workbench.memory.project import pretranslate

    moscou = _approved_then_imported_again(coded, tmp_path)
    twin = coded.conn.execute("SELECT id, text FROM segments WHERE text = ? AND id != ?",
                              (moscou[1], moscou[0])).fetchone()
    filled, report = pretranslate(coded, "fr", "en", [twin])
    assert report.filled == 1
    (text, meta), = coded.conn.execute(
        "SELECT text, meta FROM translations WHERE segment_id = ?", (twin[0],)).fetchall()
    assert kept(text, twin[1]) and _wrapped(text) == ["Moscow"]
    assert '"codes_placed": 2' in meta


def test_a_name_the_engine_copied_is_wrapped_without_any_span_translation():
    source = "Selon \ue101\ue110Kim Jong-un\ue102\ue111, la visite est prévue demain matin."
    text, placed = place(source, "According to Kim Jong-un, the visit is planned for tomorrow.")
    assert placed == 2 and _wrapped(text) == ["Kim Jong-un"]


@pytest.mark.parametrize("source", [
    "Le texte \ue101\ue110\ue102\ue111suivant est court.",
    "Début \ue103\ue110\ue103\ue111fin \ue101\ue112\ue102\ue113.",
    "\ue101\ue110Un \ue101\ue111deux\ue102\ue112 trois\ue102\ue113 quatre cinq six sept.",
])
def test_codes_placed_by_position_keep_the_source_order(source):
    text, _ = place(source, "One two three four five six seven eight nine.", wrap=False)
    assert kept(text, source)
    assert inline.indexes(text) == inline.indexes(source)


def test_the_review_page_and_the_analysis_match_a_tagged_segment_as_its_words(coded, tmp_path):
    """Every lookup reads a tagged segment without its tags (the memory holds text): the
    Review page's matches and the leverage analysis find what pre-translation finds."""
    from workbench.memory.project import analyse, matches_for_segment

    moscou = _approved_then_imported_again(coded, tmp_path)
    twin, doc = coded.conn.execute("SELECT id, document_id FROM segments WHERE text = ? "
                                   "AND id != ?", (moscou[1], moscou[0])).fetchone()
    best = matches_for_segment(coded, twin, "en")[0]
    assert best.score >= 100 and best.target == "Moscow awaits an answer."
    report = {r.document_id: r for r in analyse(coded, "en", document_ids=[doc])}
    bands = report[doc].segments
    assert bands["context"] + bands["100%"] == 1 and bands["95-99%"] == 0  # Moscou, as text
