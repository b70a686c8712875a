"""XLIFF 1.2: files as Okapi, Trados, memoQ and Weblate write them come in with their
statuses and inline codes; exports validate against the strict schema; an unedited round
trip gives the inline codes back; edits made in a CAT tool land in the project."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from workbench.errors import FormatError
from workbench.io import inline
from workbench.io.base import xml_clean
from workbench.io.project import export_project, import_file
from workbench.io.xliff12 import NS, read_xliff12, state_for
from workbench.store import Project

from io_fixtures import SCHEMAS

DATA = Path(__file__).resolve().parents[1] / "data" / "xliff12"
X = "{%s}" % NS

# fixture, units read, review statuses after import (None: left untranslated), notes
FILES = [
    ("okapi-rainbow.xlf", 6, {"todo": 4, "approved": 1, None: 1},
     {'units marked translate="no" skipped': 1}),
    ("trados.sdlxliff", 5, {"approved": 1, "todo": 2, "rejected": 1, None: 1}, {}),
    ("memoq.mqxliff", 5, {"todo": 2, "approved": 1, "rejected": 1, None: 1}, {}),
    ("weblate.xliff", 5, {"approved": 2, "todo": 2, None: 1}, {}),
]


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff-core-1.2-strict.xsd")))


def statuses(project: Project, lang: str = "en") -> Counter:
    """Review status per translatable segment (None: no review)."""
    rows = project.conn.execute(
        """SELECT r.status FROM segments s LEFT JOIN reviews r
           ON r.segment_id = s.id AND r.target_lang = ? WHERE s.translatable = 1""", (lang,))
    return Counter(r[0] for r in rows)


@pytest.mark.parametrize("name,units,expected,notes", FILES, ids=[f[0] for f in FILES])
def test_cat_tool_files_import_with_their_statuses(fresh, name, units, expected, notes):
    report = import_file(fresh, DATA / name)
    assert report.units == units and report.added_units == units
    assert report.added_documents == 1 and report.conflicts == []
    assert statuses(fresh) == Counter(expected)
    for note, n in notes.items():
        assert report.notes[note] == n
    assert fresh.documents()["lang"].to_list() == ["fr"]  # fr-FR cut to fr


def test_states_of_each_tool_map_to_review_statuses(fresh):
    import_file(fresh, DATA / "trados.sdlxliff")
    got = dict(fresh.conn.execute(
        "SELECT s.text, r.status FROM segments s JOIN reviews r ON r.segment_id = s.id"))
    assert got["Le Kremlin a confirmé la visite."] == "approved"  # sdl:conf ApprovedSignOff
    assert got["Les négociations reprendront lundi."] == "rejected"  # RejectedTranslation
    ministre = next(k for k in got if inline.plain(k) == "Le ministre n'a pas commenté.")
    assert got[ministre] == "todo"  # Draft
    assert "Aucune date n'a été fixée." not in got  # no confirmation, empty target


def test_weblate_states_and_untranslated_targets():
    units = {u.source: u.targets[0] for u in read_xliff12(DATA / "weblate.xliff")}
    assert units["Hausse des prix de l'énergie"].status == "approved"  # approved="yes"
    assert units["Dépêche relue."].status == "approved"  # signed-off
    assert units["Le gouvernement promet des aides."].status is None  # needs-translation
    lead = next(t for s, t in units.items() if s.startswith("Les prix"))
    assert lead.status == "todo"  # needs-review-translation


def test_seg_source_sub_segments_become_segments():
    units = list(read_xliff12(DATA / "okapi-rainbow.xlf"))
    assert [u.source for u in units[-2:]] == ["Première phrase.", "Deuxième phrase."]
    assert [u.targets[0].text for u in units[-2:]] == ["First sentence.", "Second sentence."]
    trados = list(read_xliff12(DATA / "trados.sdlxliff"))
    assert inline.plain(trados[1].source) == "Moscou attend une réponse."
    assert trados[0].targets[0].status == "approved" and trados[1].targets[0].status == "todo"


def _canon(elem: etree._Element, strict: bool = False) -> bytes:
    """The content of ``elem`` (text and inline elements) in exclusive C14N, whatever the
    element itself is called or carries (``strict``: without tool attributes on codes,
    as the workbench's own export writes them)."""
    copy = etree.fromstring(etree.tostring(elem))
    if strict:
        for e in copy.iter():
            for name in [n for n in e.attrib if n.startswith("{http://sdl.com")]:
                del e.attrib[name]
    copy.tag = "content"
    copy.attrib.clear()
    copy.tail = None
    etree.cleanup_namespaces(copy)  # memoQ's relative namespace URI "MQXliff" is not C14N
    return etree.tostring(copy, method="c14n", exclusive=True)


def _pieces(path: Path) -> list[tuple[etree._Element, etree._Element | None]]:
    """The original (source, target) content elements of each unit the reader yields."""
    out = []
    for tu in etree.parse(str(path)).iter(X + "trans-unit"):
        if tu.get("translate") == "no":
            continue
        seg = tu.find(X + "seg-source")
        target = tu.find(X + "target")
        if seg is not None:
            t_marks = {m.get("mid"): m for m in target.iter(X + "mrk") if m.get("mtype") == "seg"}
            for mrk in (m for m in seg.iter(X + "mrk") if m.get("mtype") == "seg"):
                out.append((mrk, t_marks.get(mrk.get("mid"))))
        else:
            out.append((tu.find(X + "source"), target))
    return out


def assert_valid(schema: etree.XMLSchema, path: Path) -> None:
    """``path`` validates against the strict schema (codes brought from a CAT tool's own
    file included: their tool attributes, Trados' ``sdl:cid``, are left out)."""
    assert schema.validate(etree.parse(str(path))), list(schema.error_log)


@pytest.mark.parametrize("name", [f[0] for f in FILES])
def test_unedited_round_trip_gives_inline_codes_back(fresh, tmp_path, schema, name):
    import_file(fresh, DATA / name)
    out = tmp_path / "back.xliff"
    export_project(fresh, "xliff12", out, targets=["en"], include_empty=True)
    assert_valid(schema, out)
    exported = list(etree.parse(str(out)).iter(X + "trans-unit"))
    original = _pieces(DATA / name)
    assert len(exported) == len(original)
    codes = 0
    for tu, (src, tgt) in zip(exported, original):
        assert _canon(tu.find(X + "source")) == _canon(src)
        codes += sum(1 for _ in src.iter()) - 1
        target = tu.find(X + "target")
        if target is not None and target.get("state") != "needs-translation":
            assert _canon(target) == _canon(tgt, strict=True)
    assert codes > 0  # every sample has inline codes
    # and the codes came back as elements, not as text
    assert "\ue101" not in out.read_text(encoding="utf-8")
    assert "\ue103" not in out.read_text(encoding="utf-8")


def test_reimport_of_the_exported_file_changes_nothing(fresh, tmp_path):
    import_file(fresh, DATA / "trados.sdlxliff")
    out = tmp_path / "back.xliff"
    export_project(fresh, "xliff12", out, targets=["en"])
    again = import_file(fresh, out)
    assert again.conflicts == [] and again.updated == 0 and again.added_documents == 0
    assert again.unchanged == 4


def test_tags_moved_in_a_cat_tool_come_back_and_a_new_tag_is_kept(fresh, tmp_path, schema):
    import_file(fresh, DATA / "okapi-rainbow.xlf")
    out = tmp_path / "out.xliff"
    export_project(fresh, "xliff12", out, targets=["en"])
    tree = etree.parse(str(out))
    tu = next(t for t in tree.iter(X + "trans-unit")
              if "longuement" in "".join(t.find(X + "source").itertext()))
    target = tu.find(X + "target")
    for child in list(target):
        target.remove(child)
    target.text = "At length "
    g2 = etree.SubElement(target, X + "g", id="2", ctype="bold")
    g2.text = "cooperation"
    g2.tail = " was discussed"
    etree.SubElement(target, X + "x", id="9", ctype="lb").tail = "."
    target.set("state", "final")
    tree.write(str(out), encoding="UTF-8", xml_declaration=True)
    report = import_file(fresh, out)
    assert report.updated == 1 and report.conflicts == []
    again = tmp_path / "again.xliff"
    export_project(fresh, "xliff12", again, targets=["en"], statuses=["approved"])
    assert schema.validate(etree.parse(str(again))), schema.error_log
    back = next(t for t in etree.parse(str(again)).iter(X + "trans-unit")
                if "longuement" in "".join(t.find(X + "source").itertext()))
    assert _canon(back.find(X + "target")) == _canon(target)


def test_seeds_project_round_trip_two_edits_one_final(tmp_path, schema):
    """``workbench run --export xliff12`` on the seeds, then a CAT tool's edits come back."""
    from fixtures.seeds_project import ROOT, have_apertium

    if not have_apertium():
        pytest.skip("Apertium is not installed (scripts/setup.sh installs it)")
    root = tmp_path / "proj"
    run = subprocess.run([sys.executable, "-m", "workbench", "run", str(ROOT / "seeds"), "-g",
                          str(ROOT / "glossaries" / "seeds.csv"), "--no-serve", "--export",
                          "xliff12", "--project", str(root)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert_valid(schema, root / "exports" / "corpus.xliff")
    out = tmp_path / "seeds.xliff"
    with Project(root) as p:
        before = p.pairs("en").sort("segment_id")
        export_project(p, "xliff12", out, targets=["en"])
    assert schema.validate(etree.parse(str(out))), schema.error_log
    tree = etree.parse(str(out))
    units = list(tree.iter(X + "trans-unit"))
    first, second = units[2], units[7]
    first.find(X + "target").text = "A reviewer rewrote this sentence."
    second.find(X + "target").text = "And this one, which is now final."
    second.find(X + "target").set("state", "final")
    tree.write(str(out), encoding="UTF-8", xml_declaration=True)
    with Project(root) as p:
        report = import_file(p, out)
        after = p.pairs("en").sort("segment_id")
    assert report.conflicts == [] and report.updated == 2
    assert report.unchanged == len(units) - 2
    changed = {int(first.get("id")[1:]), int(second.get("id")[1:])}
    rows = {r["segment_id"]: r for r in after.iter_rows(named=True)}
    old = {r["segment_id"]: r for r in before.iter_rows(named=True)}
    s1, s2 = sorted(changed, key=lambda s: [int(u.get("id")[1:]) for u in units].index(s))
    assert rows[s1]["target"] == "A reviewer rewrote this sentence."
    assert rows[s1]["status"] == old[s1]["status"] == "todo"
    assert rows[s2]["target"] == "And this one, which is now final."
    assert rows[s2]["status"] == "approved"
    assert Counter(r["status"] for r in after.iter_rows(named=True)) == Counter(
        {"todo": len(units) - 1, "approved": 1})
    for seg, row in rows.items():  # nothing else changed
        if seg not in changed:
            assert row == old[seg]


def test_every_export_validates_with_awkward_text_and_two_languages(project, tmp_path, schema):
    out = tmp_path / "multi.xlf"
    report = export_project(project, "xliff12", out, targets=["en", "es"], include_empty=True)
    assert schema.validate(etree.parse(str(out))), schema.error_log
    files = etree.parse(str(out)).getroot().findall(X + "file")
    assert sorted(f.get("target-language") for f in files) == ["en", "en", "es", "es"]
    assert report.removed_chars > 0  # \x07 and \x1b cannot be XML 1.0: removed, and said so
    approved = [tu for tu in etree.parse(str(out)).iter(X + "trans-unit")
                if tu.get("approved") == "yes"]
    assert approved and all(tu.find(X + "target").get("state") == "final" for tu in approved)
    alt = next(etree.parse(str(out)).iter(X + "alt-trans"))
    assert alt.get("origin").startswith("mt:") and alt.find(X + "target").text
    notes = [n.text for n in etree.parse(str(out)).iter(X + "note")]
    assert "alignment confidence 0.93" in notes


def test_round_trip_into_a_new_project_keeps_statuses_and_metadata(project, fresh, tmp_path):
    out = tmp_path / "out.xliff"
    export_project(project, "xliff12", out, targets=["en"])
    report = import_file(fresh, out)
    assert report.conflicts == [] and report.added_documents == 2
    got = sorted(repr((r["status"], r["confidence"], r["engine"], r["mt"])) for r in
                 fresh.pairs("en").iter_rows(named=True) if r["target"])
    want = sorted(repr((r["status"], r["confidence"], r["engine"], xml_clean(r["mt"])[0]))
                  for r in project.pairs("en").iter_rows(named=True) if r["target"].strip())
    assert got == want


@pytest.mark.parametrize("status,text,state", [
    ("todo", "x", "translated"), ("todo", "", "needs-translation"), ("approved", "x", "final"),
    ("rejected", "x", "needs-review-translation"), ("flagged", "x", "needs-review-translation"),
])
def test_state_written_for_each_status(status, text, state):
    assert state_for(status, text) == state


def test_a_state_changed_in_a_cat_tool_wins_over_the_workbench_status(project, tmp_path):
    out = tmp_path / "out.xliff"
    export_project(project, "xliff12", out, targets=["en"], statuses=["flagged"])
    tree = etree.parse(str(out))
    tu = next(tree.iter(X + "trans-unit"))
    tu.find(X + "target").set("state", "signed-off")
    tree.write(str(out), encoding="UTF-8", xml_declaration=True)
    assert next(read_xliff12(out)).targets[0].status == "approved"
    tu.find(X + "target").set("state", "needs-review-translation")  # as written: kept
    tree.write(str(out), encoding="UTF-8", xml_declaration=True)
    assert next(read_xliff12(out)).targets[0].status == "flagged"


def test_xliff_1_2_without_target_language_is_one_clear_error(fresh, tmp_path):
    path = tmp_path / "old.xlf"
    path.write_text('<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">'
                    '<file original="a" source-language="fr" datatype="plaintext"><body>'
                    '<trans-unit id="1"><source>Bonjour</source></trans-unit></body></file>'
                    '</xliff>')
    with pytest.raises(FormatError, match="has no target-language"):
        import_file(fresh, path)
    assert fresh.documents().is_empty()


def test_entity_declarations_are_refused(fresh, tmp_path):
    path = tmp_path / "evil.sdlxliff"
    path.write_text('<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY e SYSTEM '
                    '"file:///etc/passwd">]><xliff version="1.2"/>')
    with pytest.raises(FormatError, match="refused"):
        import_file(fresh, path)


def test_reviewers_see_tags_they_cannot_edit_as_text():
    (unit,) = [u for u in read_xliff12(DATA / "memoq.mqxliff") if "F2" in u.source or
               any("F2" in c.xml for c in u.codes)][:1]
    shown = inline.display(unit.targets[0].text, unit.codes)
    assert shown == "Press ⟦1/⟧ for the map."
    moved = inline.from_display("⟦1/⟧ Press for the map.", unit.codes)
    assert inline.plain(moved) == " Press for the map." and inline.indexes(moved) == [0]
    with pytest.raises(inline.InlineCodeError, match="not one of this segment's tags"):
        inline.from_display("Press ⟦2/⟧ for the map.", unit.codes)
    okapi = list(read_xliff12(DATA / "okapi-rainbow.xlf"))[1]
    with pytest.raises(inline.InlineCodeError, match="closes a span"):
        inline.from_display("⟦/1⟧at length⟦1⟧ ⟦2⟧x⟦/2⟧", okapi.codes)


def test_codes_survive_the_project_store(fresh, tmp_path):
    shutil.copy(DATA / "memoq.mqxliff", tmp_path / "m.mqxliff")
    import_file(fresh, tmp_path / "m.mqxliff")
    from workbench.store.codes import document_codes

    doc = int(fresh.documents()["id"][0])
    stored = {k: inline.loads(v) for k, v in document_codes(fresh.conn, doc).items()}
    assert len(stored) == 3  # three of the five segments have codes
    assert all(c.xml.startswith(("<bpt", "<ept", "<ph")) for codes in stored.values()
               for c in codes)


def test_memory_matches_and_glossary_warnings_travel_as_suggestions(project, tmp_path,
                                                                     schema):
    from workbench.memory.project import new_unit
    from workbench.store.memory import add_units

    add_units(project, [new_unit("fr", "en", "Kim Jong-un voyage rarement à l'étranger.",
                                 "Kim Jong-un seldom goes abroad.", "file",
                                 origin_ref="old.tmx")])
    project.glossary_dir.mkdir(parents=True, exist_ok=True)
    (project.glossary_dir / "names.csv").write_text(
        "concept,lang,term,status,note\nkim,fr,Kim Jong-un,preferred,\n"
        "kim,en,Kim Jong Un,preferred,\n", encoding="utf-8")
    out = tmp_path / "out.xliff"
    export_project(project, "xliff12", out, targets=["en"])
    assert schema.validate(etree.parse(str(out))), schema.error_log
    tu = next(etree.parse(str(out)).iter(X + "trans-unit"))
    alts = {a.get("origin"): a for a in tu.findall(X + "alt-trans")}
    memory = alts["memory:file:old.tmx"]
    assert memory.find(X + "target").text == "Kim Jong Un seldom goes abroad."  # normalised
    assert memory.get("match-quality") == "100%" and memory.get("alttranstype") == "proposal"
    notes = [n.text for n in tu.findall(X + "note") if n.get("from") == "glossary"]
    assert notes == ["glossary: kim: “Kim Jong-un” should be “Kim Jong Un”"]
    assert next(read_xliff12(out)).targets[0].text == "Kim Jong-un rarely travels abroad."


def test_two_languages_in_one_file_make_one_document(project, fresh, tmp_path):
    out = tmp_path / "multi.xliff"
    export_project(project, "xliff12", out, targets=["en", "es"])
    report = import_file(fresh, out)
    assert report.conflicts == [] and report.added_documents == 2
    exported = {r["segment_id"] for lang in ("en", "es")
                for r in project.pairs(lang).iter_rows(named=True) if r["target"].strip()}
    assert len(fresh.segments()) == len(exported)  # each segment once, with both targets
    for lang in ("en", "es"):
        assert sorted(r["target"] for r in fresh.pairs(lang).iter_rows(named=True)) == sorted(
            xml_clean(r["target"])[0] for r in project.pairs(lang).iter_rows(named=True)
            if r["target"].strip())


def test_an_xliff_1_1_file_without_version_is_read(tmp_path):
    path = tmp_path / "old.xliff"
    path.write_text('<xliff xmlns="urn:oasis:names:tc:xliff:document:1.1"><file original="a" '
                    'source-language="fr" target-language="en" datatype="plaintext"><body>'
                    '<trans-unit id="hello"><source>Bonjour <x id="c"/></source>'
                    '<target state="translated">Hello <x id="c"/></target></trans-unit>'
                    '</body></file></xliff>')
    from workbench.io import format_for_path

    assert format_for_path(path).name == "xliff12"
    (unit,) = read_xliff12(path)
    assert inline.display(unit.targets[0].text, unit.codes) == "Hello ⟦1/⟧"


def test_memory_suggestions_follow_the_approvals_made_before_the_export(project, tmp_path):
    """The export syncs approved reviews into the memory first: an approval made in one
    document is proposed at once to the same sentence of another, and a changed approval
    replaces it (no memory lookup or `tm` command in between)."""
    first, second = project.documents()["id"].to_list()[:2]
    seg_a = project.segments(first).filter(translatable=1)["id"].to_list()[0]
    seg_b = project.segments(second).filter(translatable=1)["id"].to_list()[0]

    def approve(text: str) -> None:
        row = project.review(seg_a, "en")
        project.save_review(seg_a, "en", text=text, status="approved",
                            expected_version=row.version, author="r", origin="reviewer")

    def memory_alts() -> list[str]:
        out = tmp_path / "s.xliff"
        export_project(project, "xliff12", out, targets=["en"], documents=[second])
        tu = next(u for u in etree.parse(str(out)).iter(X + "trans-unit")
                  if u.get("id") == f"s{seg_b}")
        return [a.find(X + "target").text for a in tu.findall(X + "alt-trans")
                if a.get("origin", "").startswith("memory:review")]

    approve("A freshly approved sentence.")
    assert memory_alts() == ["A freshly approved sentence."]
    approve("The approval, corrected.")
    assert memory_alts() == ["The approval, corrected."]
