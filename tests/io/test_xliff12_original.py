"""Write-back into a CAT tool's own XLIFF 1.2 file: a file imported from Trados, memoQ,
Okapi or Weblate goes back with the reviewed targets and statuses in its own structure,
and nothing else changed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from workbench.errors import InputError
from workbench.io import inline
from workbench.io.project import export_originals, import_file
from workbench.io.xliff12 import NS, read_xliff12
from workbench.store import Project

DATA = Path(__file__).resolve().parents[1] / "data" / "xliff12"
X = "{%s}" % NS
SDL = "{http://sdl.com/FileTypes/SdlXliff/1.0}"
MQ = "{MQXliff}"
FIXTURES = ["okapi-rainbow.xlf", "trados.sdlxliff", "memoq.mqxliff", "weblate.xliff"]


def _parse(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def _c14n(elem: etree._Element, tail: bool = False) -> tuple:
    """The element as a tree of names, sorted attributes, text and comments: equal for
    two serialisations of one document (C14N itself refuses memoQ's relative namespace
    URI ``MQXliff``)."""
    name = elem.tag if isinstance(elem.tag, str) else str(elem.tag.__name__)
    return (name, sorted(elem.attrib.items()) if isinstance(elem.tag, str) else elem.text,
            elem.text, [_c14n(c, True) for c in elem], elem.tail if tail else None)


def _without_review(tu: etree._Element) -> bytes:
    """The unit without what a review may change: target, states, tool statuses."""
    copy = etree.fromstring(etree.tostring(tu))
    for name in ("approved", MQ + "status"):
        copy.attrib.pop(name, None)
    for elem in list(copy.iter(X + "target")):
        elem.getparent().remove(elem)  # its tail goes too: the one whitespace allowed
    for seg in copy.iter(SDL + "seg"):
        seg.attrib.pop("conf", None)
    return _c14n(copy)


def _segments(project: Project) -> list[tuple[int, str, str, str | None, int]]:
    """(segment id, source, review text, status, version) in document order."""
    return [tuple(r) for r in project.conn.execute(
        """SELECT s.id, s.text, COALESCE(r.text, ''), r.status, COALESCE(r.version, 0)
           FROM segments s LEFT JOIN reviews r ON r.segment_id = s.id AND r.target_lang = 'en'
           ORDER BY s.id""")]


def _review(project: Project, seg: tuple, text: str, status: str) -> None:
    project.save_review(seg[0], "en", text=text, status=status, expected_version=seg[4],
                        author="reviewer", origin="reviewer")


@pytest.mark.parametrize("name", FIXTURES)
def test_write_back_changes_only_the_reviewed_targets_and_states(fresh, tmp_path, name):
    original = DATA / name
    import_file(fresh, original)
    segs = _segments(fresh)
    # an edit that keeps the tags, a status change alone, and an untranslated segment filled
    edited = next(s for s in segs if s[3] is not None and inline.has_codes(s[2]))
    _review(fresh, edited, "Edited: " + edited[2], "approved")
    status_only = next(s for s in segs if s[3] == "todo" and s is not edited)
    _review(fresh, status_only, status_only[2], "approved")
    empty = next(s for s in segs if s[3] is None)
    fresh.save_review(empty[0], "en", text="Filled in the workbench.", status="todo",
                      expected_version=0, author="reviewer", origin="reviewer")
    out = tmp_path / "back" / name  # the tool sends it back under its own name
    out.parent.mkdir()
    report = export_originals(fresh, out)
    assert report.files == [out] and report.changed == 3 and report.segments == len(segs)

    before, after = _parse(original), _parse(out)
    assert after.getroottree().docinfo.encoding.lower() == \
        before.getroottree().docinfo.encoding.lower()
    # headers, skeletons, files, groups, ids: all as they were
    for tag in (X + "header", X + "file"):
        for a, b in zip(before.iter(tag), after.iter(tag), strict=True):
            assert a.attrib == b.attrib
    assert _c14n(before.find(X + "file/" + X + "header")) == \
        _c14n(after.find(X + "file/" + X + "header"))
    units_before = list(before.iter(X + "trans-unit"))
    units_after = list(after.iter(X + "trans-unit"))
    assert [u.get("id") for u in units_before] == [u.get("id") for u in units_after]
    touched = 0
    for a, b in zip(units_before, units_after):
        if _c14n(a) != _c14n(b):
            touched += 1
            assert _without_review(a) == _without_review(b)  # only targets and states moved
    assert 1 <= touched <= 3
    # the rest of the file, units taken out, is the same document
    for root in (before, after):
        for tu in list(root.iter(X + "trans-unit")):
            tu.getparent().remove(tu)
    assert _c14n(before) == _c14n(after)

    # the tool reads the edits back: text, tags and status
    got = {u.source: u.targets[0] for u in read_xliff12(out)}
    assert got[edited[1]].text.startswith("Edited: ")
    assert inline.plain(got[edited[1]].text) == "Edited: " + inline.plain(edited[2])
    assert got[edited[1]].status == "approved"
    assert got[status_only[1]].status == "approved" and got[status_only[1]].text == status_only[2]
    assert got[empty[1]].text == "Filled in the workbench." and got[empty[1]].status == "todo"

    # re-importing it gives the edits (into a new project), and changes nothing here
    with Project(tmp_path / "other") as other:
        import_file(other, out)
        texts = {s[1]: (s[2], s[3]) for s in _segments(other)}
        assert texts[edited[1]] == ("Edited: " + edited[2], "approved")
        assert texts[empty[1]] == ("Filled in the workbench.", "todo")
    again = import_file(fresh, out)
    assert again.updated == again.added_reviews == again.added_documents == 0
    assert again.conflicts == []
    # the file that came back is now the one written back (the newest of the two kept)
    _review(fresh, _segments(fresh)[segs.index(edited)], "Edited twice.", "approved")
    final = tmp_path / "final"
    final.mkdir()
    report = export_originals(fresh, final)
    assert [p.name for p in report.files] == [name] and report.changed == 1
    assert {u.source: u.targets[0].text for u in read_xliff12(final / name)}[edited[1]] == \
        "Edited twice."


def test_an_unedited_write_back_is_the_same_document(fresh, tmp_path):
    for name in FIXTURES:
        import_file(fresh, DATA / name)
    out = tmp_path / "back"
    out.mkdir()
    report = export_originals(fresh, out)
    assert report.changed == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(FIXTURES)
    for name in FIXTURES:
        assert _c14n(_parse(DATA / name)) == _c14n(_parse(out / name))
        # declaration, comments, processing instructions, character references kept
        head = (DATA / name).read_bytes().split(b"\n", 1)[0]
        assert (out / name).read_bytes().startswith(head)
    assert b"<!-- Segmented data --> <?abc def ?>" in (out / "okapi-rainbow.xlf").read_bytes()


def test_trados_statuses_go_to_sdl_conf_and_sdl_cid_stays(fresh, tmp_path):
    import_file(fresh, DATA / "trados.sdlxliff")
    segs = _segments(fresh)
    ministre = next(s for s in segs if "ministre" in s[1])  # Draft, with an sdl:cid comment
    rejected = next(s for s in segs if s[3] == "rejected")
    _review(fresh, ministre, ministre[2].replace("did not", "declined to"), "approved")
    _review(fresh, rejected, "Negotiations will resume on Monday.", "todo")
    out = tmp_path / "back.sdlxliff"
    export_originals(fresh, out)
    root = _parse(out)
    conf = {s.get("id"): s.get("conf") for s in root.iter(SDL + "seg")}
    assert conf == {"1": "ApprovedSignOff", "2": "Translated", "3": "ApprovedTranslation",
                    "4": "Translated", "5": None}
    assert all(t.get("state") is None for t in root.iter(X + "target"))  # Trados has none
    target = root.find(f".//{X}trans-unit[@id='a71c6f30-0cf5-4c57-8a7c-3c8d0c6c9b02']/{X}target")
    comment = target.find(f".//{X}mrk[@mtype='x-sdl-comment']")
    assert comment.get(SDL + "cid") == "c1a2" and comment.text == "The minister"
    assert "".join(target.itertext()) == "The minister declined to comment."


def test_memoq_status_and_a_missing_target_made_from_seg_source(fresh, tmp_path):
    import_file(fresh, DATA / "memoq.mqxliff")
    segs = _segments(fresh)
    _review(fresh, next(s for s in segs if s[3] == "rejected"), "The front remains stable.",
            "approved")
    out = tmp_path / "back.mqxliff"
    export_originals(fresh, out)
    status = {u.get("id"): u.get(MQ + "status") for u in _parse(out).iter(X + "trans-unit")}
    assert status["4"] == "Reviewer1Confirmed" and status["1"] == "ManuallyConfirmed"

    # a Trados unit without a <target>: one made from <seg-source>, the other mrk empty
    xml = (DATA / "trados.sdlxliff").read_text(encoding="utf-8")
    start = xml.index("<target><mrk mtype=\"seg\" mid=\"1\">")
    xml = xml[:start] + xml[xml.index("</target>", start) + len("</target>"):]
    bare = tmp_path / "bare.sdlxliff"
    bare.write_text(xml, encoding="utf-8")
    with Project(tmp_path / "bare") as p:
        import_file(p, bare)
        first = _segments(p)[0]
        p.save_review(first[0], "en", text="The Kremlin confirmed the visit.", status="todo",
                      expected_version=first[4], author="r", origin="reviewer")
        export_originals(p, tmp_path / "bare-back.sdlxliff")
    tu = next(_parse(tmp_path / "bare-back.sdlxliff").iter(X + "trans-unit"))
    marks = [(m.get("mid"), "".join(m.itertext())) for m in tu.find(X + "target").iter(X + "mrk")]
    assert marks == [("1", "The Kremlin confirmed the visit."), ("2", "")]


def test_the_kept_original_survives_and_is_found_per_document(fresh, tmp_path):
    copy = tmp_path / "weblate.xliff"
    shutil.copy(DATA / "weblate.xliff", copy)
    import_file(fresh, copy)
    copy.unlink()  # the translator's copy is gone: the project kept its own
    import_file(fresh, DATA / "okapi-rainbow.xlf")
    out = tmp_path / "out"
    out.mkdir()
    weblate_doc = fresh.conn.execute(
        "SELECT id FROM documents WHERE source_path LIKE 'import:weblate.xliff%'").fetchone()[0]
    report = export_originals(fresh, out, documents=[weblate_doc])
    assert [p.name for p in report.files] == ["weblate.xliff"]
    with pytest.raises(InputError, match="give a folder"):
        export_originals(fresh, tmp_path / "one.xlf")
    with Project(tmp_path / "empty") as empty:
        with pytest.raises(InputError, match="nothing to write back"):
            export_originals(empty, out)


def test_cli_export_original(fresh, tmp_path):
    import_file(fresh, DATA / "trados.sdlxliff")
    out = tmp_path / "back.sdlxliff"
    run = subprocess.run([sys.executable, "-m", "workbench", "export", "--format", "xliff12",
                          "--original", "--out", str(out), "--project", str(fresh.root)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert f"wrote {out}" in run.stdout + run.stderr and out.is_file()
    run = subprocess.run([sys.executable, "-m", "workbench", "export", "--format", "tmx",
                          "--original", "--out", str(tmp_path / "x.tmx"), "--project",
                          str(fresh.root)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 1 and "--format xliff12" in run.stderr
    assert "Traceback" not in run.stderr
    assert Counter(p.suffix for p in tmp_path.iterdir())[".tmx"] == 0


def test_characters_xml_cannot_hold_are_left_out_and_counted(fresh, tmp_path):
    import_file(fresh, DATA / "weblate.xliff")
    seg = next(s for s in _segments(fresh) if s[3] is not None)
    _review(fresh, seg, "Bell\x07 rings.", "approved")
    out = tmp_path / "weblate.xliff"
    report = export_originals(fresh, out)
    assert report.notes["characters not allowed in XML 1.0 left out of targets"] == 1
    assert {u.source: u.targets[0].text for u in read_xliff12(out)}[seg[1]] == "Bell rings."
