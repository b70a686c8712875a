"""Encoding detection and refusal of what is not text."""

import codecs
import gzip

import pytest

from workbench.errors import BinaryFileError, EmptyInputError, FileTooLargeError
from workbench.ingest.reader import decode_bytes, read_text

FR = "Sergueï Choïgou s'est rendu à Pyongyang « fin juillet » — déjà."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (FR.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + FR.encode("utf-8"), "utf-8-sig"),
        (FR.encode("utf-16"), "utf-16"),  # BOM written by Python
        (FR.replace("—", "-").replace("«", '"').replace("»", '"').encode("latin-1"), "cp1252"),
        ("Le 1er août — « déjà » l’été".encode("cp1252"), "cp1252"),
    ],
)
def test_decodes_known_encodings(data, encoding):
    decoded = decode_bytes(data)
    assert decoded.encoding == encoding
    assert "Choïgou" in decoded.text or "août" in decoded.text
    assert not decoded.text.startswith("\ufeff")


def test_line_ends_normalised():
    assert decode_bytes(b"un\r\ndeux\rtrois\n").text == "un\ndeux\ntrois\n"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        gzip.compress(FR.encode()),
        b"PK\x03\x04" + b"\x00" * 30,
        b"texte avec un NUL\x00 au milieu",
        bytes(range(1, 32)) * 20,
    ],
    ids=["png", "gzip", "zip", "nul", "controls"],
)
def test_binary_refused(data):
    with pytest.raises(BinaryFileError, match="binary"):
        decode_bytes(data, "x.txt")


@pytest.mark.parametrize(("data", "message"), [
    (b"", "file is empty"), (b"   \n\t\n", "only whitespace"),
    (codecs.BOM_UTF8 + b"\n \n", "only whitespace")])
def test_empty_refused(data, message):
    with pytest.raises(EmptyInputError, match=message):
        decode_bytes(data, "vide.txt")


def test_size_limit_checked_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse 50 MB file: refused by size, never read
    with pytest.raises(FileTooLargeError, match="over the 10 MB limit"):
        read_text(big)
