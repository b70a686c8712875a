"""Line-in, line-out text handling for glossary commands: exact bytes, strict UTF-8.

:func:`apply_stream` is what ``workbench glossary apply`` runs: it rewrites
glossary matches and leaves every other byte alone, line ends (``\\n``,
``\\r\\n``, lone ``\\r``) and a byte-order mark included. Invalid UTF-8 is
an error naming the line, never replaced.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import EncodingError, InputError
from workbench.glossary.model import Glossary


def _decode(raw: bytes, where: str, line_no: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"{where}:{line_no}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column "
                            f"{exc.start + 1}); convert the file to UTF-8 first") from None


@dataclass
class ApplyStats:
    """What :func:`apply_stream` did: lines read, lines changed."""

    lines: int = 0
    changed: int = 0


def apply_stream(glossary: Glossary, lines: Iterable[bytes], lang: str, where: str = "<input>",
                 first: int = 1, stats: ApplyStats | None = None) -> Iterator[bytes]:
    """Normalise each line of a binary stream (as from ``open(..., 'rb')``); yields output bytes.
    ``first`` is the number of the first line, for messages (a shard of a larger file);
    ``stats``, when given, counts the lines read and changed."""
    apply = glossary.apply
    stats = stats if stats is not None else ApplyStats()
    for no, raw in enumerate(lines, first):
        if raw.endswith(b"\r\n"):
            body, end = raw[:-2], b"\r\n"
        elif raw.endswith(b"\n"):
            body, end = raw[:-1], b"\n"
        else:
            body, end = raw, b""
        if b"\x00" in body:
            raise InputError(f"{where}:{no}: NUL byte; this looks like a binary or UTF-16 file, not text")
        text = _decode(body, where, no)
        if "\r" in text:  # old Mac line ends: each piece is its own line
            out = "\r".join(apply(piece, lang) for piece in text.split("\r"))
        else:
            out = apply(text, lang)
        stats.lines += 1
        stats.changed += out != text
        yield (out.encode("utf-8") if out is not text else body) + end


def read_lines(path: Path | str, data: bytes | None = None) -> list[str]:
    """Lines of a UTF-8 text file (BOM dropped; ``\\n``, ``\\r\\n`` or ``\\r`` ends), without ends."""
    where = str(path)
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {where}: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise InputError(f"{where}: NUL bytes; this looks like a binary or UTF-16 file, not UTF-8 text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise EncodingError(f"{where}:{line}: not valid UTF-8; convert the file to UTF-8 first") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n") if text else []
