"""Reading files as text: size limit, binary refusal, encoding detection.

The rules, in order (each is tested):

1. A file over ``max_bytes`` is refused (:class:`FileTooLargeError`), before
   it is read.
2. An empty file, or one holding only whitespace, is refused
   (:class:`EmptyInputError`): there is nothing to ingest.
3. A byte-order mark decides: UTF-8 (BOM dropped), UTF-16 LE/BE.
4. Known binary signatures (PNG, JPEG, GIF, PDF, ZIP, gzip, ...) and NUL bytes
   mean binary (:class:`BinaryFileError`).
5. Valid UTF-8 is UTF-8.
6. Otherwise the text is cp1252 when it decodes as cp1252 (the common
   Windows/latin-1 superset), else latin-1; charset-normalizer must agree the
   bytes look like text, or the file is refused rather than guessed.
"""

from __future__ import annotations

import codecs
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import (
    BinaryFileError,
    EmptyInputError,
    EncodingError,
    FileTooLargeError,
    InputError,
)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF87a": "GIF image",
    b"GIF89a": "GIF image",
    b"%PDF-": "PDF document",
    b"PK\x03\x04": "ZIP archive (or .docx/.odt/.argosmodel)",
    b"\x1f\x8b": "gzip archive",
    b"BZh": "bzip2 archive",
    b"\xfd7zXZ\x00": "xz archive",
    b"7z\xbc\xaf\x27\x1c": "7z archive",
    b"\x7fELF": "executable",
    b"SQLite format 3\x00": "SQLite database",
    b"\xd0\xcf\x11\xe0": "MS Office document",
}


@dataclass(frozen=True)
class DecodedText:
    """The text of a file and how it was decoded."""

    text: str
    encoding: str


def decode_bytes(data: bytes, name: str = "<input>") -> DecodedText:
    """Decode file contents following the module's rules; never guesses silently."""
    if not data:
        raise EmptyInputError(f"{name}: file is empty (nothing to ingest)")
    if not data.strip():
        raise EmptyInputError(f"{name}: file holds only whitespace (nothing to ingest)")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _finish(data.decode(enc), enc, name)
            except UnicodeDecodeError as exc:
                raise EncodingError(f"{name}: starts with a {enc} byte-order mark but is "
                                    f"not valid {enc} ({exc.reason} at byte {exc.start})") from exc
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise BinaryFileError(f"{name}: this is a binary file ({what}), not text; "
                                  "convert it to .txt, .md or .html first")
    if b"\x00" in data:
        raise BinaryFileError(f"{name}: contains NUL bytes, so it is binary or UTF-16 "
                              "without a byte-order mark; save it as UTF-8 text")
    try:
        return _finish(data.decode("utf-8"), "utf-8", name)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise EncodingError(f"{name}: cannot tell the text encoding (not UTF-8, and no "
                            "single-byte encoding fits); save it as UTF-8")
    for enc in ("cp1252", "latin-1"):
        try:
            return _finish(data.decode(enc), enc, name)
        except UnicodeDecodeError:
            continue
    raise EncodingError(f"{name}: not valid UTF-8 nor cp1252/latin-1")  # pragma: no cover


def _finish(text: str, encoding: str, name: str) -> DecodedText:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    if controls > max(8, len(text) // 100):
        raise BinaryFileError(f"{name}: {controls} control characters; this looks like a "
                              "binary file, not text")
    if not text.strip():
        raise EmptyInputError(f"{name}: file holds only whitespace (nothing to ingest)")
    # Line ends: CRLF and lone CR become LF, so offsets and paragraphs are stable.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return DecodedText(unicodedata.normalize("NFC", text), encoding)


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, name: str | None = None) -> DecodedText:
    """Read ``path`` as text, refusing what cannot be text with a clear message.

    Only regular files are read (a FIFO would block forever, a link to
    ``/dev/zero`` never ends), and never more than ``max_bytes``, whatever the
    size the file system reports. ``name`` is how messages call the file."""
    name = name or str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{name}: not a regular file ({_kind(info.st_mode)}); "
                             "only files with text can be ingested")
        if info.st_size > max_bytes:
            raise FileTooLargeError(_too_large(name, info.st_size, max_bytes))
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise FileTooLargeError(_too_large(name, len(data), max_bytes))
    except OSError as exc:
        raise InputError(f"{name}: cannot read file ({exc.strerror or exc})") from exc
    return decode_bytes(data, name)


def _too_large(name: str, size: int, max_bytes: int) -> str:
    return (f"{name}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit for one "
            "document; split it, or raise the limit with --max-mb")


def _kind(mode: int) -> str:
    for test, what in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return what
    return "a special file"
