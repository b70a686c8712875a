"""Issue 19: real CAT memories come in any direction. OmegaT-shaped English → French
memories (TMX 1.4 with a SYSTEM DTD, both tag styles, TMX 1.1 ``lang=``, inline codes)
go into a project of French articles without blocking it: each unit keeps its
direction, exports go one direction at a time, and only a file that contradicts itself
is refused."""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import sys
import threading

import pytest
from io_fixtures import SCHEMAS
from lxml import etree

from fixtures.omegat_tmx import ENTRIES, OTHER_TOOL, omegat_tmx
from workbench.errors import FormatError, InputError
from workbench.io.project import export_project, import_file
from workbench.io.tmx import read_tmx

STYLES = {"region": ("EN-US", "FR-FR", 2), "plain": ("EN", "FR", 2), "level1": ("EN", "FR", 1)}


def _snapshot(project) -> list:
    return [project.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("documents", "segments", "reviews", "edits")]


@pytest.mark.parametrize("style", STYLES)
def test_omegat_memory_imports_in_its_own_direction(project, tmp_path, style):
    src, tgt, level = STYLES[style]
    f = omegat_tmx(tmp_path / f"{style}.tmx", src=src, tgt=tgt, level=level)
    french = {r[0] for r in project.conn.execute("SELECT id FROM documents")}
    report = import_file(project, f)
    assert report.units == len(ENTRIES) + 1 and report.added_units == len(ENTRIES) + 1
    assert not report.conflicts
    new = project.documents().filter(~project.documents()["id"].is_in(list(french)))
    assert new["lang"].to_list() == ["en"]  # EN-US / EN → en
    pairs = project.pairs("fr", document_ids=new["id"].to_list())
    assert len(pairs) == len(ENTRIES) + 1 and set(pairs["source_lang"]) == {"en"}
    assert pairs["source"][0] == ENTRIES[0][0] and pairs["target"][0] == ENTRIES[0][1]
    # the French articles are untouched: still French into English (and Spanish)
    assert set(project.pairs("en")["source_lang"]) == {"fr"}


def test_exports_go_one_direction_at_a_time(project, tmp_path):
    import_file(project, omegat_tmx(tmp_path / "mem.tmx"))
    n = len(ENTRIES) + 1
    en = export_project(project, "jsonl", tmp_path / "en.jsonl", targets=["en"])
    rows = [json.loads(line) for line in (tmp_path / "en.jsonl").read_text("utf-8").splitlines()]
    assert rows and all(r["source_lang"] == "fr" for r in rows)
    assert en.other_directions == {("en", "fr"): n}
    assert f"{n} units of other directions left out (en→fr: {n}); export them with " \
           "--from en --to fr" in en.lines()
    fr = export_project(project, "tmx", tmp_path / "fr.tmx", sources=["en"], targets=["fr"])
    assert fr.units == n
    back = list(read_tmx(tmp_path / "fr.tmx"))
    assert {u.source_lang for u in back} == {"en"} and {t.lang for u in back for t in u.targets} == {"fr"}
    assert back[0].source == ENTRIES[0][0] and back[0].targets[0].text == ENTRIES[0][1]
    # without --from, --to fr still finds the only direction into French
    assert export_project(project, "tsv", tmp_path / "fr.tsv", targets=["fr"]).units == n
    # both directions at once: each unit into the other language, never into its own
    both = export_project(project, "tmx", tmp_path / "both.tmx", targets=["en", "fr"],
                          include_empty=True)
    for unit in read_tmx(tmp_path / "both.tmx"):
        assert unit.source_lang not in {t.lang for t in unit.targets}
    assert both.units > n
    with pytest.raises(InputError, match="--from and --to are both fr"):
        export_project(project, "tmx", tmp_path / "x.tmx", sources=["fr"], targets=["fr"])
    with pytest.raises(InputError, match="export them with --from en --to fr"):
        export_project(project, "tmx", tmp_path / "x.tmx", sources=["de"], targets=["fr"])


def test_a_memory_alone_exports_with_a_hint_for_the_other_direction(fresh, tmp_path):
    import_file(fresh, omegat_tmx(tmp_path / "mem.tmx", src="EN", tgt="FR"))
    with pytest.raises(InputError, match=r"nothing to export.*en→fr: 6.*--from en --to fr"):
        export_project(fresh, "tmx", tmp_path / "x.tmx", targets=["en"])


def test_a_file_that_contradicts_its_own_languages_is_refused_with_the_line(project, tmp_path):
    before = _snapshot(project)
    f = omegat_tmx(tmp_path / "bad.tmx", contradict=True)
    with pytest.raises(FormatError) as err:
        import_file(project, f)
    assert f"{f} line 4: the header declares srclang=\"FR-FR\"" in str(err.value)
    assert "none of the 6 units has text in fr" in str(err.value)
    assert _snapshot(project) == before


def test_a_unit_with_its_own_srclang_decides_for_itself(fresh, tmp_path):
    f = tmp_path / "mixed.tmx"
    f.write_text('<?xml version="1.0"?><tmx version="1.4"><header srclang="fr" segtype="sentence"'
                 ' adminlang="en" datatype="plaintext" o-tmf="x" creationtool="x" '
                 'creationtoolversion="1"/><body><tu srclang="en"><tuv xml:lang="en"><seg>Hi.'
                 '</seg></tuv><tuv xml:lang="fr"><seg></seg></tuv></tu></body></tmx>',
                 encoding="utf-8")
    report = import_file(fresh, f)  # header says fr, the unit says en: no contradiction
    assert report.added_units == 1 and report.empty == 1


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY x "fetched">')

    def log_message(self, *args) -> None:
        pass


def test_the_doctype_dtd_is_never_fetched(fresh, tmp_path):
    f = omegat_tmx(tmp_path / "mem.tmx")
    # a DTD file beside it that would break the parse if it were read
    (tmp_path / "tmx14.dtd").write_text("<!ELEMENT this is not a DTD", encoding="utf-8")
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        remote = tmp_path / "remote.tmx"
        remote.write_text(f.read_text("utf-8").replace(
            'SYSTEM "tmx14.dtd"', f'SYSTEM "http://127.0.0.1:{server.server_port}/tmx14.dtd"'),
            encoding="utf-8")
        assert import_file(fresh, f).added_units == 6
        assert import_file(fresh, remote).added_units == 6
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert _Counting.hits == []


def test_cli_export_directions(project, tmp_path):
    import_file(project, omegat_tmx(tmp_path / "mem.tmx"))
    root = str(project.root)

    def wb(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "workbench", *args, "--project", root],
                              capture_output=True, text=True, timeout=300)

    run = wb("export", "-f", "tmx", "-o", str(tmp_path / "en.tmx"), "--to", "en")
    assert run.returncode == 0, run.stderr
    assert "6 units of other directions left out (en→fr: 6); export them with --from en --to fr" \
        in " ".join(run.stderr.split())
    run = wb("export", "-f", "tmx", "-o", str(tmp_path / "fr.tmx"), "--from", "en", "--to", "fr")
    assert run.returncode == 0, run.stderr
    assert "6 units (6 target cells) written" in run.stderr
    run = wb("import", str(omegat_tmx(tmp_path / "bad.tmx", contradict=True)))
    assert run.returncode == 1 and "line 4" in run.stderr and "Traceback" not in run.stderr


# -- inline codes --------------------------------------------------------------------

SEG = re.compile(r"<seg>(.*?)</seg>", re.S)


def _segs(path) -> list[str]:
    """The inner XML of every <seg>, byte for byte as the file has it."""
    return SEG.findall(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("style", ["region", "plain"])
def test_inline_codes_come_back_byte_for_byte(fresh, tmp_path, style):
    src, tgt, _ = STYLES[style]
    f = omegat_tmx(tmp_path / "mem.tmx", src=src, tgt=tgt)
    report = import_file(fresh, f)
    assert not any("inline codes" in note for note in report.notes)  # nothing dropped
    out = tmp_path / "back.tmx"
    export_project(fresh, "tmx", out, sources=["en"], targets=["fr"], statuses=None)
    original, back = _segs(f), _segs(out)
    assert "<bpt i=\"0\" x=\"0\">&lt;b0&gt;</bpt>" in original[2]
    assert back == original  # every source and target <seg>, codes and all
    dtd = etree.DTD(str(SCHEMAS / "tmx14.dtd"))
    assert dtd.validate(etree.parse(str(out))), dtd.error_log.filter_from_errors()
    # the review text holds placeholders, never the markup
    with_codes = fresh.pairs("fr").filter(fresh.pairs("fr")["source"].str.contains("Save"))
    assert "<" not in with_codes["target"][0] and "Enregistrer" in with_codes["target"][0]
    # the file comes back as itself: matched, nothing changed
    again = import_file(fresh, out)
    assert again.unchanged == len(ENTRIES) + 1 and not again.conflicts


def test_edited_text_keeps_its_codes_and_the_rest_stays_identical(fresh, tmp_path):
    f = omegat_tmx(tmp_path / "mem.tmx")
    import_file(fresh, f)
    pairs = fresh.pairs("fr")
    row = pairs.filter(pairs["source"].str.contains("Save")).row(0, named=True)
    edited = row["target"].replace("garder", "conserver")
    fresh.save_review(row["segment_id"], "fr", text=edited, status="approved")
    out = tmp_path / "back.tmx"
    export_project(fresh, "tmx", out, sources=["en"], targets=["fr"])
    original, back = _segs(f), _segs(out)
    changed = [i for i, (a, b) in enumerate(zip(original, back)) if a != b]
    assert len(back) == len(original) and changed == [3]
    assert back[3] == original[3].replace("garder", "conserver")


def test_ut_and_hi_codes_of_other_tools_round_trip(fresh, tmp_path):
    f = tmp_path / "other.tmx"
    f.write_text(OTHER_TOOL.replace("twice.</seg>", '<hi type="b">twice</hi>.</seg>'),
                 encoding="utf-8")
    import_file(fresh, f)
    out = tmp_path / "back.tmx"
    export_project(fresh, "tmx", out, sources=["en"], targets=["fr"])
    assert _segs(out) == _segs(f)
    assert "<ut>{\\b </ut>" in _segs(out)[0] and '<hi type="b">twice</hi>' in _segs(out)[0]


def test_memory_import_keeps_the_text_without_codes(fresh, tmp_path):
    from workbench.memory.project import import_memory, lookup

    report = import_memory(fresh, omegat_tmx(tmp_path / "mem.tmx"))
    assert report.added == len(ENTRIES) + 1
    assert report.notes["inline codes left out of the memory (`workbench import` keeps them "
                        "in the project)"] == 3
    found = lookup(fresh, ["Click Save to keep your changes."], "en", "fr")[0]
    assert found and found[0].target == "Cliquez sur Enregistrer pour garder vos modifications."


@pytest.mark.parametrize("name,content", [
    ("swapped.tsv", "source_lang\ttarget_lang\tsource\ttarget\nfr\ten\t\tHello.\nfr\ten\t\tBye.\n"),
    ("swapped.jsonl", '{"source_lang": "fr", "translation": {"fr": "", "en": "Hello."}}\n'),
    ("swapped.xlf", '<?xml version="1.0"?><xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" '
                    'version="2.0" srcLang="fr" trgLang="en"><file id="f"><unit id="u1"><segment>'
                    '<source></source><target>Hello.</target></segment></unit></file></xliff>'),
])
def test_other_formats_that_contradict_their_languages_are_refused(fresh, tmp_path, name,
                                                                   content):
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    with pytest.raises(FormatError, match=r"declare fr as their source language.*unit #1"):
        import_file(fresh, f)
    assert fresh.documents().is_empty()


def test_leverage_report_into_english_leaves_the_english_memory_out(project, tmp_path):
    from workbench.memory.project import analyse

    import_file(project, omegat_tmx(tmp_path / "mem.tmx"))
    rows = analyse(project, "en")
    english = set(project.documents().filter(project.documents()["lang"] == "en")["id"])
    assert rows[-1].document_id is None  # the total
    assert not [r for r in rows[:-1] if r.document_id in english]
    assert {r.document_id for r in analyse(project, "fr")[:-1]} == english


def test_a_memory_imported_reversed_answers_the_other_direction(fresh, tmp_path):
    from workbench.memory.project import import_memory, lookup

    f = omegat_tmx(tmp_path / "mem.tmx")
    plain_import = import_memory(fresh, f)
    french = "Le président a rencontré le Premier ministre lundi."
    assert lookup(fresh, [french], "fr", "en") == [[]]  # a direction answers only itself
    report = import_memory(fresh, f, reverse=True)
    assert report.added == plain_import.added  # the reversed pairs; the others were there
    assert report.notes["pairs also added reversed (fr→en)"] == len(ENTRIES) + 1
    best = lookup(fresh, [french], "fr", "en")[0][0]
    assert best.score == 100 and best.target == ENTRIES[0][0]
    assert best.unit.origin_ref == "mem.tmx (reversed)"


def test_a_segment_of_codes_only_is_not_text(fresh, tmp_path):
    f = tmp_path / "codes-only.tmx"
    f.write_text('<?xml version="1.0"?><tmx version="1.4"><header srclang="fr" segtype="sentence"'
                 ' adminlang="en" datatype="plaintext" o-tmf="x" creationtool="x" '
                 'creationtoolversion="1"/><body><tu><tuv xml:lang="fr"><seg><ph x="1">&lt;x/&gt;'
                 '</ph></seg></tuv><tuv xml:lang="en"><seg>Hi.</seg></tuv></tu></body></tmx>',
                 encoding="utf-8")
    with pytest.raises(FormatError, match="line 1: the header declares srclang=\"fr\""):
        import_file(fresh, f)  # the French side holds markup, not French
