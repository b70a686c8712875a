"""Interchange formats: parallel corpora out of the project and edits back in.

Each format module (``tmx``, ``xliff``, ``xliff12``, ``tsv`` for TSV and CSV, ``moses``,
``jsonl``, ``parquet``) has a streaming writer and, where the format can carry
ids, a reader; all speak :class:`~workbench.io.base.Unit`. :data:`FORMATS` is
the registry the CLI offers; :mod:`workbench.io.project` connects formats to a
project (``export_project``, ``import_file``).
"""

from __future__ import annotations

from pathlib import Path

from workbench.errors import FormatError, InputError, NotFoundError
from workbench.io import jsonl, moses, parquet, tmx, tsv, xliff, xliff12
from workbench.io.base import (COLUMNS, FRAME_SCHEMA, STATUSES, Format, Target, Unit,
                               WriteOptions, WriteStats)

#: Registered formats by name, in the order the CLI lists them.
FORMATS: dict[str, Format] = {
    f.name: f for f in (tmx.FORMAT, xliff.FORMAT, xliff12.FORMAT, tsv.TSV, tsv.CSV, moses.FORMAT,
                        jsonl.FORMAT, parquet.FORMAT)
}


def get_format(name: str) -> Format:
    """The format called ``name`` (case-insensitive)."""
    try:
        return FORMATS[name.lower()]
    except KeyError:
        raise InputError(f"unknown format {name!r}; use one of {', '.join(FORMATS)}") from None


def format_for_path(path: Path) -> Format:
    """The readable format of a file, from its extension; the file must exist and be a
    regular file (a folder, or no file at all, is one clear error)."""
    if not Path(path).exists():
        raise NotFoundError(f"no file {path}")
    if not Path(path).is_file():
        raise InputError(f"{path} is not a file; import one file at a time")
    suffix = Path(path).suffix.lower()
    candidates = [f for f in FORMATS.values() if suffix in f.extensions and f.read is not None]
    for fmt in sorted(candidates, key=lambda f: f.detect is None):  # sniffing formats first
        if fmt.detect is None or fmt.detect(path):
            return fmt
    readable = sorted(e for f in FORMATS.values() if f.read for e in f.extensions)
    raise FormatError(f"{path}: cannot tell the format from the extension {suffix or '(none)'!r}; "
                      f"importable: {', '.join(readable)}")


__all__ = ["COLUMNS", "FORMATS", "FRAME_SCHEMA", "STATUSES", "Format", "Target", "Unit",
           "WriteOptions", "WriteStats", "format_for_path", "get_format"]
