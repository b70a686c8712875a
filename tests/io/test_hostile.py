"""Hostile XML is refused before anything is read or written: external
entities (XXE), parameter entities and entity-expansion bombs (billion laughs),
in TMX and XLIFF imports and in TBX glossaries imported into a project."""

from __future__ import annotations

import os
import threading

import pytest

from workbench.errors import FormatError, InputError
from workbench.glossary.project import import_tbx
from workbench.io.project import import_file

TMX_BODY = ('<tmx version="1.4"><header creationtool="x" creationtoolversion="1" '
            'segtype="sentence" o-tmf="x" adminlang="en" srclang="fr" datatype="plaintext"/>'
            '<body><tu><tuv xml:lang="fr"><seg>{src}</seg></tuv>'
            '<tuv xml:lang="en"><seg>{tgt}</seg></tuv></tu></body></tmx>')
XLIFF_BODY = ('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="fr" '
              'trgLang="en"><file id="f1"><unit id="u1"><segment state="final">'
              '<source>{src}</source><target>{tgt}</target></segment></unit></file></xliff>')
TBX_BODY = ('<tbx xmlns="urn:iso:std:iso:30042:ed-2" style="dca" type="TBX-Basic" xml:lang="en">'
            '<text><body><conceptEntry id="kim"><langSec xml:lang="fr"><termSec><term>{src}</term>'
            '</termSec></langSec><langSec xml:lang="en"><termSec><term>{tgt}</term></termSec>'
            '</langSec></conceptEntry></body></text></tbx>')
BODIES = {"tmx": ("tmx", TMX_BODY, ".tmx"), "xliff": ("xliff", XLIFF_BODY, ".xlf"),
          "tbx": ("tbx", TBX_BODY, ".tbx")}
LAUGHS = ('<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                    for i in range(1, 10)))


def hostile_cases(secret: str) -> dict[str, tuple[str, str, str]]:
    """name -> (root element, internal DTD subset, source text)"""
    return {
        "xxe-file": (f'<!ENTITY xxe SYSTEM "file://{secret}">', "&xxe;"),
        "xxe-relative": (f'<!ENTITY xxe SYSTEM "{os.path.basename(secret)}">', "&xxe;"),
        "parameter-entity": (f'<!ENTITY % p SYSTEM "file://{secret}"> %p;', "x"),
        "billion-laughs": (LAUGHS, "&lol9;"),
        "harmless-looking": ('<!ENTITY name "Kim">', "&name;"),
    }


def write_case(tmp_path, kind: str, name: str, secret: str):
    subset, src = hostile_cases(secret)[name]
    root, body, ext = BODIES[kind]
    path = tmp_path / f"{name}{ext}"
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE {root} [{subset}]>\n'
                    + body.format(src=src, tgt="Kim"), encoding="utf-8")
    return path


def _import(project, path):
    """What ``workbench import PATH`` does for the extension."""
    if path.suffix == ".tbx":
        return import_tbx(project.glossary_dir, path)
    return import_file(project, path)


@pytest.mark.parametrize("kind", list(BODIES))
@pytest.mark.parametrize("name", list(hostile_cases("s")))
def test_entities_are_refused_and_nothing_is_imported(fresh, tmp_path, kind, name):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PASSWORD", encoding="utf-8")
    path = write_case(tmp_path, kind, name, str(secret))
    with pytest.raises(FormatError, match="refused: the DOCTYPE declares entities"):
        _import(fresh, path)
    assert fresh.documents().is_empty()
    assert fresh.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0
    assert not (fresh.root / "glossaries").exists()


@pytest.mark.parametrize("kind", list(BODIES))
@pytest.mark.parametrize("name", ["xxe-file", "parameter-entity"])
def test_no_local_file_is_even_opened(fresh, tmp_path, kind, name):
    """The entity points at a FIFO: opening it for reading would block until a
    writer comes, so an import that returns at all never opened it."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    path = write_case(tmp_path, kind, name, str(fifo))
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            _import(fresh, path)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # unblock the reader so that the test run can end
        with open(fifo, "w") as w:
            w.write("x")
        pytest.fail("the import opened the file named by the entity")
    assert len(outcome) == 1 and isinstance(outcome[0], FormatError)


@pytest.mark.parametrize("content,match", [
    (b"", "not well-formed"),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not well-formed"),
    (b"<tmx><body><tu>unclosed", "not well-formed"),
    (b'<?xml version="1.0"?><tmx><body><tu><tuv xml:lang="fr"><seg>&undeclared;</seg>'
     b"</tuv></tu></body></tmx>", "not well-formed"),
    (b'<?xml version="1.0"?><html><body/></html>', "not a TMX file"),
])
def test_malformed_tmx_is_a_format_error(fresh, tmp_path, content, match):
    path = tmp_path / "bad.tmx"
    path.write_bytes(content)
    with pytest.raises(FormatError, match=match):
        import_file(fresh, path)
    assert fresh.documents().is_empty()


def test_xliff_1_2_is_read_by_its_own_format(fresh, tmp_path):
    path = tmp_path / "old.xlf"
    path.write_text('<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"/>')
    assert import_file(fresh, path).format == "xliff12"


def test_a_doctype_without_entities_is_fine(fresh, tmp_path):
    """What CAT tools write: a DOCTYPE naming the DTD, which is never fetched."""
    path = tmp_path / "ok.tmx"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "http://example.invalid/tmx14.dtd">\n'
                    + TMX_BODY.format(src="Kim voyage.", tgt="Kim travels."), encoding="utf-8")
    report = import_file(fresh, path)
    assert report.added_reviews == 1 and report.status_defaulted == 1
    assert fresh.pairs("en")["target"].to_list() == ["Kim travels."]


def test_a_clean_tbx_becomes_the_project_glossary(fresh, tmp_path):
    path = tmp_path / "names.tbx"
    path.write_text(TBX_BODY.format(src="Kim Jong-un", tgt="Kim Jong Un"), encoding="utf-8")
    first = import_tbx(fresh.glossary_dir, path)
    assert first.written and first.path == fresh.root / "glossaries" / "names.csv"
    assert "kim,en,Kim Jong Un,preferred" in first.path.read_text(encoding="utf-8")
    assert not import_tbx(fresh.glossary_dir, path).written  # the same glossary again: no-op
    path.write_text(TBX_BODY.format(src="Kim Jong-oun", tgt="Kim Jong Un"), encoding="utf-8")
    with pytest.raises(InputError, match="already exists with other terms"):
        import_tbx(fresh.glossary_dir, path)
    assert "Kim Jong-un" in first.path.read_text(encoding="utf-8")  # not replaced
