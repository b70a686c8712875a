"""Issue 13: every ingest and import format fed a generated mix of hostile inputs
(depth, size, encodings, special files, NaN/overflow/surrogates, reversed languages,
foreign and damaged databases, a full disk).

For each, through the real ``workbench`` command line (in process, for speed): exit 0
or 1 with one ``error:`` line at most, never a traceback; the project database passes
``PRAGMA integrity_check``; and nothing already in the project changes unless the input
was valid (exit 0).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.pg_projects import integrity, project_db

from workbench.cli import main
from workbench.store import Project

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
FR = "Sergueï Choïgou s'est rendu à Pyongyang. Il a rencontré Kim Jong-un."


def _cli(args: list[str], capsys) -> tuple[int, str]:
    old = sys.argv
    sys.argv = ["workbench", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = old
    return code, capsys.readouterr().err


def _snapshot(root: Path, upto: int | None = None) -> str:
    """A digest of what the project holds (documents, segments, reviews, edits...), or
    of what its documents up to id ``upto`` hold."""
    doc = "" if upto is None else f"WHERE document_id <= {upto}"
    seg = "" if upto is None else f"WHERE segment_id IN (SELECT id FROM segments {doc})"
    queries = [f"SELECT * FROM documents {'' if upto is None else f'WHERE id <= {upto}'}",
               f"SELECT * FROM segments {doc}", f"SELECT * FROM reviews {seg}",
               f"SELECT * FROM edits {seg}", f"SELECT * FROM translations {seg}",
               "SELECT * FROM beads"]
    with project_db(root) as conn:
        rows = [conn.execute(q + " ORDER BY 1").fetchall() for q in queries]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _last_document(root: Path) -> int:
    with project_db(root) as conn:
        return conn.execute("SELECT MAX(id) FROM documents").fetchone()[0]


def _integrity(root: Path) -> str:
    with project_db(root) as conn:
        return integrity(conn)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A project with the seeds and reviews, copied for every input."""
    root = tmp_path_factory.mktemp("hostile") / "proj"
    with Project(root) as project:
        from workbench.ingest import ingest_paths

        ingest_paths(project, [SEEDS])
        segs = project.segments().filter(translatable=1)
        project.save_translations(
            engine="apertium", model="m", model_version="1", source_lang="fr", target_lang="en",
            rows=[(sid, t, f"EN {t}", {}) for sid, t in zip(segs["id"], segs["text"])])
        project.save_review(int(segs["id"][0]), "en", text="Reviewed.", status="approved")
    return root


@pytest.fixture
def proj(template, tmp_path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(template, root)
    return root


# -- generated hostile inputs ---------------------------------------------------------

def _ingest_inputs(folder: Path) -> dict[str, Path]:
    """name -> a hostile file to ingest (one per kind and format)."""
    out: dict[str, Path] = {}

    def put(name: str, data: bytes | str) -> None:
        path = folder / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        out[name] = path

    for n, depth in ((1, 1_200), (2, 50_000)):
        put(f"spans-{n}.html", "<p>" + "<span>mot " * depth + FR + "</p>")
        put(f"divs-{n}.html", "<div>" * depth + FR + "</div>" * depth)
    put("tables.html", "<table><tr><td>" * 5_000 + FR)
    put("deep-quote.md", "".join("> " * i + f"niveau {i}.\n" for i in range(1, 40)))
    put("deep-list.md", "".join("  " * i + f"- point {i}\n" for i in range(60)))
    put("deep-emphasis.md", "*" * 200 + "mot" + "*" * 200)
    put("links.md", "[" * 20_000 + FR + "]" * 20_000)
    put("nul.txt", FR.encode() + b"\x00" * 10)
    put("utf16-no-bom.txt", FR.encode("utf-16-le"))
    put("latin1.md", FR.encode("latin-1", "replace"))
    put("surrogates.txt", FR.encode() + b"\xed\xa0\x80")  # an encoded lone surrogate
    put("controls.html", "<p>" + "\x1b[31m" * 400 + FR + "</p>")
    put("one-line.txt", (FR + " ") * 20_000)
    put("entities.html", "<p>" + "&amp;" * 50_000 + FR + "</p>")
    put("too-big.txt", b"a" * (2 * 1024 * 1024 + 1))
    put(os.fsdecode(b"nom-\xe9\xff.txt"), FR)
    os.mkfifo(folder / "fifo.txt")
    out["fifo.txt"] = folder / "fifo.txt"
    for name, target in (("zero.txt", "/dev/zero"), ("null.md", "/dev/null"),
                         ("urandom.html", "/dev/urandom"), ("dangling.txt", "/nonexistent")):
        (folder / name).symlink_to(target)
        out[name] = folder / name
    return out


def _import_inputs(folder: Path) -> dict[str, Path]:
    """name -> a hostile file to import, in every import format."""
    out: dict[str, Path] = {}

    def put(name: str, text: str | bytes) -> None:
        path = folder / name
        path.write_bytes(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
        out[name] = path

    unit = {"translation": {"fr": "Bonjour.", "en": "Hello."}, "source_lang": "fr"}
    values = {"nan": "NaN", "inf": "1e999", "neg": "-0.5", "big": "1e23"}
    for name, value in values.items():
        put(f"conf-{name}.jsonl", json.dumps(unit)[:-1] + f', "meta": {{"en": {{"confidence": '
            f'{value}}}}}}}\n')
        put(f"conf-{name}.tsv", "source_lang\ttarget_lang\tsource\ttarget\tconfidence\n"
            f"fr\ten\tBonjour.\tHello.\t{value.replace('NaN', 'nan')}\n")
        put(f"conf-{name}.tmx", _tmx("fr", "en", "Bonjour.", "Hello.",
                                     f'<prop type="x-confidence">{value}</prop>'))
    for key in ("segment_id", "document_id", "idx", "paragraph"):
        put(f"id-{key}.jsonl", json.dumps({**unit, key: 10**23}) + "\n")
        put(f"id-{key}.csv", f"source_lang,target_lang,source,target,{key}\n"
            f"fr,en,Bonjour.,Hello.,{10**23}\n")
    put("id-tmx.tmx", _tmx("fr", "en", "Bonjour.", "Hello.", "",
                           f'<prop type="x-segment-id">{10**23}</prop>'))
    put("surrogate.jsonl", '{"translation": {"fr": "Bon\\udc80jour.", "en": "Hi."}, '
        '"source_lang": "fr"}\n')
    put("surrogate-key.jsonl", '{"translation": {"fr": "Bonjour.", "\\ud800": "Hi."}, '
        '"source_lang": "fr"}\n')
    put("deep.jsonl", "[" * 100_000 + "]" * 100_000 + "\n")
    put("deep-object.jsonl", '{"a":' * 50_000 + "1" + "}" * 50_000 + "\n")
    put("reversed.tmx", _tmx("en", "fr", "Hello.", "Bonjour."))
    put("reversed.jsonl", json.dumps({"translation": {"en": "Hello.", "fr": "Bonjour."},
                                      "source_lang": "en"}) + "\n")
    put("reversed.tsv", "source_lang\ttarget_lang\tsource\ttarget\nen\tfr\tHello.\tBonjour.\n")
    put("deep.tmx", '<?xml version="1.0"?><tmx version="1.4"><header srclang="fr"/><body><tu>'
        '<tuv xml:lang="fr"><seg>' + "<hi>" * 5_000 + "x" + "</hi>" * 5_000
        + '</seg></tuv><tuv xml:lang="en"><seg>y</seg></tuv></tu></body></tmx>')
    put("deep.xlf", '<?xml version="1.0"?><xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" '
        'version="2.0" srcLang="fr" trgLang="en"><file id="f"><unit id="u"><segment><source>'
        + "<pc id='p'>" * 5_000 + "x" + "</pc>" * 5_000
        + "</source><target>y</target></segment></unit></file></xliff>")
    put("latin1.tsv", "source_lang\ttarget_lang\tsource\ttarget\nfr\ten\tCafé.\tCoffee.\n"
        .encode("latin-1"))
    put("utf16.csv", "source_lang,target_lang,source,target\nfr,en,Café.,Coffee.\n"
        .encode("utf-16"))
    put("binary.parquet", os.urandom(4096))
    put("binary.tmx", os.urandom(4096))
    put("empty.xlf", b"")
    put("fine.jsonl", json.dumps({"translation": {"fr": "Une phrase nouvelle.",
                                                  "en": "A new sentence."},
                                  "source_lang": "fr"}) + "\n")
    return out


def _tmx(src: str, tgt: str, source: str, target: str, tprops: str = "", props: str = "") -> str:
    return ('<?xml version="1.0"?><tmx version="1.4"><header srclang="%s" segtype="sentence" '
            'adminlang="en" datatype="plaintext" o-tmf="x" creationtool="x" '
            'creationtoolversion="1"/><body><tu>%s<tuv xml:lang="%s"><seg>%s</seg></tuv>'
            '<tuv xml:lang="%s">%s<seg>%s</seg></tuv></tu></body></tmx>'
            % (src, props, src, source, tgt, tprops, target))


def _names(maker) -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        return sorted(maker(Path(d)))


INGEST_NAMES = _names(_ingest_inputs)
IMPORT_NAMES = _names(_import_inputs)


def _check(code: int, err: str, root: Path, before: str) -> None:
    assert code in (0, 1), err
    assert "Traceback" not in err and "Error:" not in err.replace("error:", ""), err
    assert err.count("error:") <= 1, err
    assert _integrity(root) == "ok"
    if code == 1 and "added" not in err:
        assert _snapshot(root) == before


@pytest.mark.parametrize("name", INGEST_NAMES)
def test_ingest_hostile_file(proj, tmp_path, capsys, name):
    folder = tmp_path / "in"
    folder.mkdir()
    files = _ingest_inputs(folder)
    before = _snapshot(proj)
    code, err = _cli(["ingest", "--max-mb", "2", "--project", str(proj), str(files[name])],
                     capsys)
    _check(code, err, proj, before)
    assert ("refused" in err) == (code == 1), err


def test_ingest_hostile_folder_gives_every_file_a_result(proj, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    files = _ingest_inputs(folder)
    (folder / "zz-good.txt").write_text(FR + " Fin du dernier article.", encoding="utf-8")
    code, err = _cli(["ingest", "--max-mb", "2", "--project", str(proj), str(folder)], capsys)
    assert code == 1 and "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == len(files) + 2  # one per file, the good one, the summary
    assert any("added" in line and "zz-good.txt" in line for line in lines)
    assert _integrity(proj) == "ok"


@pytest.mark.parametrize("name", IMPORT_NAMES)
def test_import_hostile_file(proj, tmp_path, capsys, name):
    folder = tmp_path / "in"
    folder.mkdir()
    files = _import_inputs(folder)
    before = _snapshot(proj)
    code, err = _cli(["import", "--project", str(proj), str(files[name])], capsys)
    _check(code, err, proj, before)
    if code == 1:
        assert _snapshot(proj) == before
    if name == "fine.jsonl":
        assert code == 0


DAMAGED = ("random-bytes", "truncated", "foreign", "empty-header", "directory")


@pytest.mark.sqlite_only("damaged and foreign workbench.sqlite files")
@pytest.mark.parametrize("kind", DAMAGED)
@pytest.mark.parametrize("command", (["status"], ["ingest", str(SEEDS)], ["export", "-f", "tsv",
                                                                           "--out", "x.tsv"]))
def test_damaged_or_foreign_database_is_one_line_and_left_unchanged(template, tmp_path, capsys,
                                                                   kind, command):
    root = tmp_path / "proj"
    root.mkdir()
    db = root / "workbench.sqlite"
    if kind == "random-bytes":
        db.write_bytes(os.urandom(8192))
    elif kind == "truncated":
        db.write_bytes((template / "workbench.sqlite").read_bytes()[:6000])
    elif kind == "foreign":
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE contacts (name TEXT)")
            conn.execute("INSERT INTO contacts VALUES ('Ada')")
        conn.close()
    elif kind == "empty-header":
        db.write_bytes(b"SQLite format 3\x00" + bytes(100))
    else:
        db.mkdir()
    before = sorted((p.name, p.stat().st_size, p.is_dir() or hashlib.sha256(p.read_bytes())
                     .hexdigest()) for p in root.iterdir())
    args = [*command, "--project", str(root)]
    if command[0] == "export":
        args = [*command[:-1], str(tmp_path / "x.tsv"), "--project", str(root)]
    code, err = _cli(args, capsys)
    assert code == 1 and "Traceback" not in err, err
    assert err.count("error:") == 1 and len(err.strip().splitlines()) == 1, err
    after = sorted((p.name, p.stat().st_size, p.is_dir() or hashlib.sha256(p.read_bytes())
                    .hexdigest()) for p in root.iterdir())
    assert after == before  # not even switched to WAL


FULL_DISK = r"""
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
sys.argv = ["workbench", "ingest", "--lang", "fr", "--project", sys.argv[2], sys.argv[3]]
from workbench.cli import main
main()
"""


@pytest.mark.sqlite_only("a file-size limit on the process writing the SQLite file; a "
                        "PostgreSQL server writes its own files")
def test_full_disk_during_ingest_is_one_line_and_changes_nothing(proj, tmp_path):
    """Writes past a file-size limit fail as on a full disk (EFBIG, then SQLITE_FULL)."""
    folder = tmp_path / "big"
    folder.mkdir()
    for i in range(3):
        (folder / f"a{i}.txt").write_text(
            "\n\n".join(f"Paragraphe {i}-{n} : {FR}" for n in range(400)), encoding="utf-8")
    last = _last_document(proj)
    before = _snapshot(proj, last)
    size = max(p.stat().st_size for p in proj.iterdir())
    res = subprocess.run([sys.executable, "-c", FULL_DISK, str(size + 4096), str(proj),
                          str(folder)], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    assert "cannot rollback" not in res.stderr
    assert "full" in res.stderr or "too large" in res.stderr, res.stderr
    assert _integrity(proj) == "ok" and _snapshot(proj, last) == before
    with Project(proj) as project:  # what was added is whole: every document has its segments
        assert all(n > 0 for n in project.documents()["segments"].to_list())
