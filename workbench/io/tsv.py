"""TSV and CSV: one row per unit and target language, columns of
:data:`workbench.io.base.FRAME_SCHEMA` (source, target, document, ids, status,
confidence, engine…).

Both are written with Python's :mod:`csv` (RFC 4180 quoting: a cell holding
the separator, a quote or a line break is quoted), UTF-8. Empty cells are null
except for ``source`` and ``target`` (empty text).

``--spreadsheet-safe`` is for files opened in Excel, LibreOffice or Google
Sheets: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading ``'`` so that it shows as text instead of
running as a formula (CSV injection), and the file starts with a UTF-8 BOM so
that accents display correctly. The apostrophe is part of the file: re-import
the plain export, not the spreadsheet-safe one.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from workbench.errors import EncodingError, FormatError
from workbench.io.base import (COLUMNS, REQUIRED_COLUMNS, Format, Unit, WriteOptions, WriteStats,
                               atomic_output, neutralise, parse_cell, rows_to_units, unit_rows)

#: Longest cell accepted on reading (the csv module's default is 128 KiB).
MAX_CELL = 64 * 1024 * 1024


def _writer(delimiter: str, lineterminator: str):
    def write(units: Iterable[Unit], out: Path, options: WriteOptions) -> WriteStats:
        stats = WriteStats(files=[Path(out)])
        encoding = "utf-8-sig" if options.spreadsheet_safe else "utf-8"
        with atomic_output(Path(out), "w", encoding=encoding, newline="") as handle:
            w = csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator)
            # csv quotes cells holding the line terminator's characters only; a lone
            # "\r" would then read back as a line end, so such rows are fully quoted.
            w_all = csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator,
                               quoting=csv.QUOTE_ALL)
            w.writerow(COLUMNS)
            for unit in units:
                for row in unit_rows(unit):
                    cells = [_cell(v, options, stats) for v in row.values()]
                    (w_all if any("\r" in c for c in cells) else w).writerow(cells)
                    stats.cells += 1
                stats.tick(options)
        return stats
    return write


def _cell(value: object, options: WriteOptions, stats: WriteStats) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        if options.spreadsheet_safe:
            value, changed = neutralise(value)
            stats.neutralised_cells += changed
        return value
    return str(value)


def _reader(delimiter: str):
    def read(path: Path, notes: Counter[str] | None = None) -> Iterator[Unit]:
        notes = Counter() if notes is None else notes
        path = Path(path)
        csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle, delimiter=delimiter)
                header = next(reader, None)
                if header is None:
                    raise FormatError(f"{path}: empty file (expected a header row)")
                missing = [c for c in REQUIRED_COLUMNS if c not in header]
                if missing:
                    raise FormatError(
                        f"{path}: header lacks column(s) {', '.join(missing)}; the first row "
                        f"must name the columns (at least {', '.join(REQUIRED_COLUMNS)})")
                if len(set(header)) != len(header):
                    raise FormatError(f"{path}: duplicate column names in the header")
                extra = [c for c in header if c not in COLUMNS]
                if extra:
                    notes[f"unknown columns ignored: {', '.join(extra)}"] += 1

                def rows() -> Iterator[dict[str, object]]:
                    for cells in reader:
                        where = f"{path} line {reader.line_num}"
                        if len(cells) != len(header):
                            raise FormatError(
                                f"{where}: {len(cells)} cells, the header has {len(header)}")
                        yield {c: parse_cell(c, v, where) for c, v in zip(header, cells)
                               if c in COLUMNS}

                yield from rows_to_units(rows(), lambda i: f"{path} data row {i + 1}")
        except UnicodeDecodeError as exc:
            raise EncodingError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start}); "
                                "save it as UTF-8 and try again") from None
        except csv.Error as exc:
            raise FormatError(f"{path}: malformed {'TSV' if delimiter == chr(9) else 'CSV'}: {exc}") from None
    return read


TSV = Format(name="tsv", extensions=(".tsv", ".tab"),
             description="tab-separated rows: one per unit and target language",
             write=_writer("\t", "\n"), read=_reader("\t"))
CSV = Format(name="csv", extensions=(".csv",),
             description="comma-separated rows (RFC 4180): one per unit and target language",
             write=_writer(",", "\r\n"), read=_reader(","))
write_tsv, read_tsv = TSV.write, TSV.read
write_csv, read_csv = CSV.write, CSV.read
