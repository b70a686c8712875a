"""Export then import gives back the same pairs and metadata, for every format
with a reader; files validate against the TMX 1.4b DTD and the XLIFF 2 schema."""

from __future__ import annotations

import pytest
from lxml import etree

from workbench.io.base import xml_clean
from workbench.io.project import export_project, import_file

from io_fixtures import LONG, SCHEMAS

FIELDS = ("document", "paragraph", "idx", "source", "target", "status", "confidence", "mt",
          "engine", "model", "model_version")


def view(project, langs=("en",)) -> dict[str, list[tuple]]:
    """The project's pairs per target language, without ids and versions."""
    return {lang: [tuple(r[f] for f in FIELDS) for r in project.pairs(lang).iter_rows(named=True)]
            for lang in langs}


def non_empty(pairs: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {lang: [r for r in rows if r[4].strip()] for lang, rows in pairs.items()}


def xml_cleaned(pairs: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    def clean(v):
        return xml_clean(v)[0] if isinstance(v, str) else v
    return {lang: [tuple(clean(v) for v in r) for r in rows] for lang, rows in pairs.items()}


CASES = [  # format, file name, target languages
    ("tmx", "out.tmx", ("en",)),
    ("tmx", "multi.tmx", ("en", "es")),
    ("xliff", "out.xlf", ("en",)),
    ("tsv", "out.tsv", ("en", "es")),
    ("csv", "out.csv", ("en",)),
    ("jsonl", "out.jsonl", ("en", "es")),
    ("parquet", "out.parquet", ("en", "es")),
]


UNITS = 12  # non-empty English targets: 8 in the first document, 4 in the second


@pytest.mark.parametrize("fmt,name,langs", CASES, ids=[c[1] for c in CASES])
def test_round_trip_into_a_new_project(project, fresh, tmp_path, fmt, name, langs):
    out = tmp_path / name
    report = export_project(project, fmt, out, targets=langs)
    assert out.is_file() and report.units == UNITS
    imported = import_file(fresh, out)
    assert imported.conflicts == [] and imported.added_documents == 2
    expected = non_empty(view(project, langs))
    if fmt == "tmx":  # XML 1.0 cannot hold \x07 or \x1b: removed, and said so
        assert report.removed_chars == 6  # 2 each in source, target and MT of one unit
        assert len(report.removed_in) == 1
        expected = xml_cleaned(expected)
    elif fmt == "xliff":  # source and target keep them as <cp/>; the MT metadata cannot
        assert report.removed_chars == 2 and report.encoded_chars == 4
        expected = {lang: [r[:7] + (xml_clean(r[7])[0],) + r[8:] for r in rows]
                    for lang, rows in expected.items()}
    else:
        assert report.removed_chars == 0
    assert view(fresh, langs) == expected
    assert fresh.documents()["title"].to_list() == ["Kim et Poutine", "Sommet à Vladivostok"]


@pytest.mark.parametrize("fmt,name,langs", CASES, ids=[c[1] for c in CASES])
def test_reimport_into_the_same_project_changes_nothing(project, tmp_path, fmt, name, langs):
    before = view(project, langs)
    exported = export_project(project, fmt, tmp_path / name, targets=langs)
    report = import_file(project, tmp_path / name)
    assert report.updated == report.added_reviews == report.added_documents == 0
    if fmt == "tmx":  # the unit that lost its control characters no longer matches: refused
        assert {c.unit for c in report.conflicts} == set(exported.removed_in)
        assert all("source text differs" in c.reason for c in report.conflicts)
        assert report.unchanged == exported.cells - len(report.conflicts)
    else:
        assert report.conflicts == [] and report.unchanged == exported.cells
    assert view(project, langs) == before


def test_reimport_of_a_foreign_file_is_idempotent(project, fresh, tmp_path):
    export_project(project, "jsonl", tmp_path / "x.jsonl", targets=["en"])
    first = import_file(fresh, tmp_path / "x.jsonl")
    second = import_file(fresh, tmp_path / "x.jsonl")
    assert first.added_documents == 2 and second.added_documents == 0
    assert second.unchanged == first.added_reviews
    assert len(fresh.documents()) == 2


def test_tricky_text_survives_exactly(project, fresh, tmp_path):
    export_project(project, "jsonl", tmp_path / "x.jsonl", targets=["en"])
    import_file(fresh, tmp_path / "x.jsonl")
    targets = set(fresh.pairs("en")["target"].to_list())
    for text in ('He said: "It\'s \'historic\'" & <b>unprecedented</b>.',
                 "Family 👨‍👩‍👧‍👦 and flag 🇫🇷!", 'He quoted the Koran: "بسم الله الرحمن الرحيم".',
                 "Tab\there, newline\nand carriage\rreturn.",
                 "Bell\x07 and escape\x1b[0m inherited from an old CMS.",
                 "A very long sentence, " * 4000):
        assert text in targets
    assert LONG in fresh.pairs("en")["source"].to_list()


@pytest.mark.parametrize("fmt,name", [("tmx", "e.tmx"), ("xliff", "e.xlf"), ("tsv", "e.tsv"),
                                      ("jsonl", "e.jsonl"), ("parquet", "e.parquet")])
def test_empty_targets_only_when_asked(project, fresh, tmp_path, fmt, name):
    empty_src = "Dernière phrase sans traduction."
    plain = export_project(project, fmt, tmp_path / ("p" + name), targets=["en"])
    assert plain.skipped_empty == 1
    asked = export_project(project, fmt, tmp_path / name, targets=["en"], include_empty=True)
    assert asked.units == plain.units + 1
    import_file(fresh, tmp_path / name)
    rows = {r["source"]: r for r in fresh.pairs("en").iter_rows(named=True)}
    assert rows[empty_src]["target"] == "" and rows[empty_src]["status"] == "todo"


def test_filters_status_confidence_documents(project, tmp_path):
    out = tmp_path / "f.jsonl"
    assert export_project(project, "jsonl", out, statuses=["flagged"]).units == 2
    r = export_project(project, "jsonl", out, min_confidence=0.9)
    assert r.units == 3 and r.skipped_filtered > 0  # 0.93 twice, 1.0 once
    doc = int(project.documents()["id"][1])
    assert export_project(project, "jsonl", out, documents=[doc]).units == 4


def test_tmx_is_valid_against_the_dtd_and_multilingual(project, tmp_path):
    dtd = etree.DTD(str(SCHEMAS / "tmx14.dtd"))
    out = tmp_path / "m.tmx"
    export_project(project, "tmx", out, targets=["en", "es"], include_empty=True)
    tree = etree.parse(str(out))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    header = tree.find("header")
    assert {k: header.get(k) for k in ("creationtool", "segtype", "o-tmf", "adminlang",
                                       "srclang", "datatype")} == {
        "creationtool": "workbench", "segtype": "sentence", "o-tmf": "workbench",
        "adminlang": "en", "srclang": "fr", "datatype": "plaintext"}
    assert header.get("creationtoolversion")
    first = tree.find("body/tu")
    langs = [t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in first.findall("tuv")]
    assert langs == ["fr", "en", "es"]
    props = {p.get("type") for p in first.iter("prop")}
    assert {"x-document", "x-status", "x-confidence", "x-engine"} <= props
    assert first.get("tuid").startswith("s")


@pytest.mark.parametrize("out_name", ["one.xlf", "folder"])
def test_xliff_is_valid_against_the_core_schema(project, tmp_path, out_name):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff_core_2.0.xsd")))
    out = tmp_path / out_name
    langs = ["en"] if out_name.endswith(".xlf") else ["en", "es"]
    report = export_project(project, "xliff", out, targets=langs, include_empty=True)
    assert len(report.files) == (1 if out_name.endswith(".xlf") else 4)
    for path in report.files:
        doc = etree.parse(str(path))
        assert schema.validate(doc), schema.error_log.filter_from_errors()
        assert doc.getroot().get("version") == "2.1"
    # control characters of source and target travel as <cp>, so nothing is lost
    assert report.encoded_chars == 2 * len(langs) + 2  # the source in each file + en target
    assert report.removed_chars == 2 and report.removed_in == ["s8"]  # from the MT metadata


def test_xliff_round_trip_of_edits_with_conflicts(project, tmp_path):
    out = tmp_path / "edit.xlf"
    export_project(project, "xliff", out, targets=["en"])
    pairs = {r["source"]: r for r in project.pairs("en").iter_rows(named=True)}
    seg_edit = pairs["Kim Jong-un voyage rarement à l'étranger."]["segment_id"]
    seg_both = pairs["Le président – déjà fatigué – répondit : « non »."]["segment_id"]
    seg_project = pairs["Famille 👨‍👩‍👧‍👦 et drapeau 🇫🇷 !"]["segment_id"]
    # the CAT tool edits two units; meanwhile a reviewer edits two in the project
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    tree = etree.parse(str(out))
    for sid, text, state in ((seg_edit, "Kim Jong-un seldom goes abroad.", "final"),
                             (seg_both, "The president, already tired, said “no”.", "final")):
        seg = tree.find(f".//x:unit[@id='s{sid}']/x:segment", ns)
        seg.find("x:target", ns).text = text
        seg.set("state", state)
        del seg.attrib["subState"]
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    project.save_review(seg_both, "en", text="Edited in the project.",
                        expected_version=pairs["Le président – déjà fatigué – répondit : « non »."]["version"])
    project.save_review(seg_project, "en", status="approved",
                        expected_version=pairs["Famille 👨‍👩‍👧‍👦 et drapeau 🇫🇷 !"]["version"])

    report = import_file(project, out)
    assert report.updated == 1 and report.kept_newer == 1
    assert [(c.unit, c.lang) for c in report.conflicts] == [(f"s{seg_both}", "en")]
    assert "changed in the project since the export" in report.conflicts[0].reason
    after = {r["segment_id"]: r for r in project.pairs("en").iter_rows(named=True)}
    assert after[seg_edit]["target"] == "Kim Jong-un seldom goes abroad."
    assert after[seg_edit]["status"] == "approved"
    assert after[seg_both]["target"] == "Edited in the project."  # not overwritten
    assert after[seg_project]["status"] == "approved"
    assert project.history(seg_edit, "en")["author"].to_list()[-1] == "import:edit.xlf"


def test_changed_source_is_a_conflict(project, tmp_path):
    out = tmp_path / "src.tsv"
    export_project(project, "tsv", out, targets=["en"])
    with open(out, encoding="utf-8", newline="") as f:  # keep the \r inside cells
        text = f.read().replace("Kim Jong-un rarely travels abroad.", "Kim rarely travels.")
    text = text.replace("Kim Jong-un voyage rarement", "Kim voyage parfois")
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    report = import_file(project, out)
    assert len(report.conflicts) == 2  # the sentence is in both documents
    assert all("source text differs" in c.reason for c in report.conflicts)
