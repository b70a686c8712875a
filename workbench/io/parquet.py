"""Parquet with the full metadata, one row per unit and target language
(columns and types: :data:`workbench.io.base.FRAME_SCHEMA`).

Writing streams: units are cut into batches of :data:`BATCH_ROWS` rows that a
polars IO source hands to ``LazyFrame.sink_parquet``, so memory stays bounded
whatever the corpus size. Reading goes batch by batch too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import polars as pl
from polars.io.plugins import register_io_source

from workbench import __version__
from workbench.errors import FormatError
from workbench.io.base import (COLUMNS, FRAME_SCHEMA, REQUIRED_COLUMNS, Format, Unit,
                               WriteOptions, WriteStats, atomic_path, rows_to_units, unit_rows)

BATCH_ROWS = 20_000


def write_parquet(units: Iterable[Unit], out: Path, options: WriteOptions) -> WriteStats:
    """Stream ``units`` to a zstd-compressed Parquet file at ``out`` (atomically)."""
    stats = WriteStats(files=[Path(out)])
    failure: list[BaseException] = []

    def batches() -> Iterator[pl.DataFrame]:
        columns: dict[str, list] = {c: [] for c in COLUMNS}
        try:
            for unit in units:
                for row in unit_rows(unit):
                    for c, v in row.items():
                        columns[c].append(v)
                    stats.cells += 1
                stats.tick(options)
                if len(columns["source"]) >= BATCH_ROWS:
                    yield pl.DataFrame(columns, schema=FRAME_SCHEMA)
                    columns = {c: [] for c in COLUMNS}
            if columns["source"] or stats.cells == 0:
                yield pl.DataFrame(columns, schema=FRAME_SCHEMA)
        except BaseException as exc:  # re-raised below with its own type
            failure.append(exc)
            raise

    def source(with_columns, predicate, n_rows, batch_size) -> Iterator[pl.DataFrame]:
        yield from batches()

    lazy = register_io_source(source, schema=FRAME_SCHEMA, explain_name="workbench units")
    with atomic_path(Path(out)) as tmp:
        try:
            lazy.sink_parquet(tmp, row_group_size=BATCH_ROWS,
                              metadata={"creator": f"workbench {__version__}"})
        except BaseException as exc:
            if failure:
                raise failure[0] from None
            raise FormatError(f"cannot write {out}: {exc}") from exc
    return stats


def read_parquet(path: Path, notes: Counter[str] | None = None) -> Iterator[Unit]:
    """Yield the units of a Parquet file written by :func:`write_parquet` (or
    any file with at least the columns of ``REQUIRED_COLUMNS``)."""
    notes = Counter() if notes is None else notes
    path = Path(path)
    try:
        schema = pl.read_parquet_schema(path)
    except Exception as exc:  # polars raises several error types for non-Parquet bytes
        raise FormatError(f"{path}: not a Parquet file ({exc})") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in schema]
    if missing:
        raise FormatError(f"{path}: missing column(s) {', '.join(missing)}")
    extra = [c for c in schema if c not in FRAME_SCHEMA]
    if extra:
        notes[f"unknown columns ignored: {', '.join(extra)}"] += 1
    present = [c for c in COLUMNS if c in schema]
    lazy = pl.scan_parquet(path).select(present)
    try:
        lazy = lazy.cast({c: FRAME_SCHEMA[c] for c in present}, strict=True)

        def rows() -> Iterator[dict[str, object]]:
            for batch in lazy.collect_batches():
                yield from batch.iter_rows(named=True)

        yield from rows_to_units(rows(), lambda i: f"{path} row {i + 1}")
    except pl.exceptions.PolarsError as exc:
        raise FormatError(f"{path}: columns do not have the expected types ({exc})") from None


FORMAT = Format(name="parquet", extensions=(".parquet",),
                description="Parquet with the full metadata (polars/pandas/Hugging Face)",
                write=write_parquet, read=read_parquet)
