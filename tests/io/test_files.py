"""Spreadsheet-safe CSV/TSV, Moses pair files, JSONL shape, foreign files, and
no half-written file after a failure."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import polars as pl
import pytest

from workbench.errors import EncodingError, FormatError, InputError, NotFoundError
from workbench.io import FORMATS, Target, Unit, WriteOptions
from workbench.io.inline import has_codes, plain
from workbench.io.project import export_project, import_file

FORMULA = "=SUM(A1:A9) looks like a formula"


def read_csv_rows(path: Path, delimiter: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


@pytest.mark.parametrize("fmt,delimiter", [("csv", ","), ("tsv", "\t")])
def test_spreadsheet_safe_neutralises_formulas(project, tmp_path, fmt, delimiter):
    plain = export_project(project, fmt, tmp_path / f"plain.{fmt}", targets=["en", "es"])
    safe = export_project(project, fmt, tmp_path / f"safe.{fmt}", targets=["en", "es"],
                          spreadsheet_safe=True)
    assert plain.neutralised_cells == 0
    plain_rows = read_csv_rows(tmp_path / f"plain.{fmt}", delimiter)
    safe_rows = read_csv_rows(tmp_path / f"safe.{fmt}", delimiter)
    assert len(plain_rows) == len(safe_rows)
    changed = 0
    for p, s in zip(plain_rows, safe_rows):
        for col, value in p.items():
            if value.startswith(("=", "+", "-", "@")):
                assert s[col] == "'" + value
                changed += 1
            else:
                assert s[col] == value
    # "=SUM…" twice (both documents), "-1 también" twice, "+tab…" once
    assert changed == safe.neutralised_cells == 5
    assert (tmp_path / f"safe.{fmt}").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    assert FORMULA in {r["target"] for r in plain_rows}


def test_moses_files_have_the_same_line_count(project, tmp_path):
    prefix = tmp_path / "corpus"
    report = export_project(project, "moses", prefix, targets=["en", "es"])
    files = [tmp_path / f"corpus.{lang}" for lang in ("fr", "en", "es")]
    assert report.files == files
    counts = [len(f.read_bytes().split(b"\n")) - 1 for f in files]
    assert counts == [report.units] * 3 and report.units == 7  # units with en *and* es
    assert report.skipped_incomplete == 12 - 7
    assert report.flattened_newlines == 5  # \n, \r in the source and en of one unit, \n in es
    en = (tmp_path / "corpus.en").read_text(encoding="utf-8").split("\n")
    assert "Family 👨‍👩‍👧‍👦 and flag 🇫🇷!" in en


def test_jsonl_is_hugging_face_translation_style(project, tmp_path):
    export_project(project, "jsonl", tmp_path / "hf.jsonl", targets=["en", "es"])
    records = [json.loads(line) for line in (tmp_path / "hf.jsonl").read_text("utf-8").splitlines()]
    first = records[0]
    assert first["translation"] == {"fr": "Kim Jong-un voyage rarement à l'étranger.",
                                    "en": "Kim Jong-un rarely travels abroad.",
                                    "es": "Kim Jong-un rara vez viaja al extranjero."}
    assert first["meta"]["en"]["status"] == "approved" and first["meta"]["en"]["confidence"] == 0.93
    assert first["meta"]["en"]["engine"] == "argos" and first["meta"]["es"]["engine"] == "apertium"


def test_parquet_has_the_documented_schema(project, tmp_path):
    from workbench.io import FRAME_SCHEMA
    export_project(project, "parquet", tmp_path / "x.parquet", targets=["en", "es"])
    frame = pl.read_parquet(tmp_path / "x.parquet")
    assert frame.schema == pl.Schema(FRAME_SCHEMA)
    assert frame.height == 12 + 7  # one row per unit and language


@pytest.mark.parametrize("name,content", [
    ("foreign.jsonl", '{"translation": {"fr": "Bonjour.", "en": "Hello."}}\n'
                      '{"translation": {"fr": "Merci.", "en": "Thanks."}}\n'),
    ("foreign.tsv", "source_lang\ttarget_lang\tsource\ttarget\nfr\ten\tBonjour.\tHello.\n"
                    "fr\ten\tMerci.\tThanks.\n"),
    ("foreign.csv", "source,target,source_lang,target_lang\r\nBonjour.,Hello.,fr,en\r\n"
                    "Merci.,Thanks.,fr,en\r\n"),
    ("foreign.tmx", '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header '
     'creationtool="OmegaT" creationtoolversion="6" segtype="sentence" o-tmf="OmegaT" '
     'adminlang="EN-US" srclang="FR-FR" datatype="plaintext"/><body>'
     '<tu><tuv xml:lang="FR-FR"><seg>Bonjour<ph x="1">&lt;br/&gt;</ph>.</seg></tuv>'
     '<tuv xml:lang="EN-GB"><seg>Hello<ph x="1">&lt;br/&gt;</ph>.</seg></tuv></tu>'
     '<tu><tuv xml:lang="fr-FR"><seg>Merci.</seg></tuv><tuv xml:lang="EN-GB"><seg>Thanks.</seg>'
     '</tuv></tu></body></tmx>'),
])
def test_foreign_files_become_a_reviewed_document(fresh, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    report = import_file(fresh, path)
    assert report.added_documents == 1 and report.added_reviews == 2
    assert report.status_defaulted == 2
    doc = fresh.documents().row(0, named=True)
    assert doc["title"] == "foreign"
    assert doc["lang"] == "fr"
    pairs = fresh.pairs("en")  # CAT tools' FR-FR / EN-GB are read as the codes fr / en
    assert [plain(s) for s in pairs["source"]] == ["Bonjour.", "Merci."]
    assert [plain(t) for t in pairs["target"]] == ["Hello.", "Thanks."]
    assert set(pairs["status"]) == {"approved"}
    if name.endswith(".tmx"):  # the <ph> is kept (issue 19), as a placeholder in the text
        assert has_codes(pairs["source"][0]) and has_codes(pairs["target"][0])
        assert report.notes["language tag EN-GB read as en"] == 2


def test_two_regional_targets_are_kept_apart(fresh, tmp_path):
    path = tmp_path / "regions.jsonl"
    path.write_text('{"source_lang": "fr-FR", "translation": {"fr-FR": "Courriel.", '
                    '"en-GB": "E-mail.", "en-US": "Email.", "pt-BR": "E-mail."}}\n',
                    encoding="utf-8")
    report = import_file(fresh, path)
    assert report.added_reviews == 3
    assert fresh.pairs("en")["target"].to_list() == ["E-mail."]
    assert fresh.pairs("en-US")["target"].to_list() == ["Email."]
    assert fresh.pairs("pt")["target"].to_list() == ["E-mail."]


@pytest.mark.parametrize("name,content,error,match", [
    ("bad.tsv", "source\ttarget\nBonjour\tHello\n", FormatError, "lacks column"),
    ("bad.tsv", "source_lang\ttarget_lang\tsource\ttarget\tstatus\nfr\ten\tA\tB\tapproved\n"
                "fr\ten\tC\tD\tdone\n", FormatError, "line 3|row 2.*unknown status 'done'"),
    ("bad.csv", "source_lang,target_lang,source,target,confidence\nfr,en,A,B,high\n",
     FormatError, "wants a number"),
    ("bad.jsonl", '{"translation": {"fr": "A", "en": "B"}}\n{not json}\n', FormatError, "line 2"),
    ("bad.jsonl", '{"translation": {"de": "A", "en": "B"}}\n', FormatError, "source_lang"),
    ("bad.parquet", "not parquet at all", FormatError, "not a Parquet file"),
    ("bad.txt", "hello", FormatError, "cannot tell the format"),
    ("latin1.csv", None, EncodingError, "not UTF-8"),
])
def test_bad_files_change_nothing(fresh, tmp_path, name, content, error, match):
    path = tmp_path / name
    if content is None:
        path.write_bytes("source_lang,target_lang,source,target\nfr,en,Été,Summer\n".encode("latin-1"))
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(error, match=match):
        import_file(fresh, path)
    assert fresh.documents().is_empty()


def test_export_errors_are_actionable(project, tmp_path):
    with pytest.raises(InputError, match="unknown status"):
        export_project(project, "tmx", tmp_path / "x.tmx", statuses=["done"])
    with pytest.raises(NotFoundError, match="no current document with id 99"):
        export_project(project, "tmx", tmp_path / "x.tmx", documents=[99])
    with pytest.raises(InputError, match="nothing to export"):
        export_project(project, "tmx", tmp_path / "x.tmx", targets=["de"])
    with pytest.raises(InputError, match="XLIFF is bilingual"):
        export_project(project, "xliff", tmp_path / "x.xlf", targets=["en", "es"])
    with pytest.raises(InputError, match="unknown format"):
        export_project(project, "docx", tmp_path / "x.docx")
    with pytest.raises(InputError, match="does not exist"):
        export_project(project, "tmx", tmp_path / "missing-folder" / "x.tmx")
    assert [p.name for p in tmp_path.iterdir()] == ["proj"]  # nothing written


# -- no half-written file ------------------------------------------------------

class Boom(RuntimeError):
    pass


def failing_units(n_ok: int):
    for i in range(n_ok):
        yield Unit(source=f"Phrase {i}.", source_lang="fr", document="d", document_id=1,
                   segment_id=i + 1, paragraph=0, idx=i,
                   targets=(Target(lang="en", text=f"Sentence {i}.", status="approved"),))
    raise Boom("disk full, or a kill, halfway")


OUTS = {"tmx": "x.tmx", "xliff": "x.xlf", "xliff12": "x.xliff", "tsv": "x.tsv", "csv": "x.csv", "moses": "corpus",
        "jsonl": "x.jsonl", "parquet": "x.parquet"}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_failure_midway_leaves_no_file(tmp_path, fmt):
    out = tmp_path / OUTS[fmt]
    options = WriteOptions(source_lang="fr", target_langs=("en",))
    with pytest.raises(Boom):
        FORMATS[fmt].write(failing_units(3000), out, options)
    assert list(tmp_path.iterdir()) == []  # neither the file nor a temporary one


@pytest.mark.parametrize("fmt", ["tmx", "xliff12", "tsv", "jsonl", "parquet"])
def test_failure_midway_keeps_the_previous_export(tmp_path, fmt):
    out = tmp_path / OUTS[fmt]
    options = WriteOptions(source_lang="fr", target_langs=("en",))
    FORMATS[fmt].write(_ok_units(5), out, options)
    before = out.read_bytes()
    with pytest.raises(Boom):
        FORMATS[fmt].write(failing_units(3000), out, options)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def _ok_units(n: int):
    for i in range(n):
        yield Unit(source=f"Phrase {i}.", source_lang="fr", document="d", document_id=1,
                   segment_id=i + 1, paragraph=0, idx=i,
                   targets=(Target(lang="en", text=f"Sentence {i}.", status="approved"),))
