"""Translate or normalise an archive in shards, on any executor, resumably.

:func:`translate_archive` reads a text file (one segment per line), a Parquet
file (a text column; the other columns are kept) or a folder of articles
(segmented in the workers), cuts it into shards, has an executor run a
:class:`~workbench.executors.tasks.TranslateTask` on the shards not finished
yet, stores each finished shard (:class:`~workbench.executors.shards.ShardStore`)
and, once all are done, writes the output in input order under a temporary
name and renames it into place: the output is complete or absent.
:func:`normalise_archive` does the same for ``workbench glossary apply``.

Shards of lines hold a whole number of engine batches (``shard_size`` is
rounded up to a multiple of ``batch_size``, counted in non-blank lines), so
every engine call gets the same segments as on the local path and the output
is identical whichever executor ran it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.engines import Provenance
from workbench.errors import EmptyInputError, EncodingError, InputError
from workbench.executors import Cost, Executor, Shard, Task, get_executor
from workbench.executors.shards import ShardStore

DEFAULT_SHARD_SIZE = 2048  # sentences (lines) per shard
DEFAULT_ARTICLES_PER_SHARD = 16
DEFAULT_NORMALISE_SHARD = 20_000  # lines per shard for glossary apply
#: Columns a translation adds to a Parquet output.
ADDED_COLUMNS = ("target", "engine", "model", "model_version", "glossary_hash", "meta")

#: ``progress(shards done, shards in all, sentences this run, seconds this run)``.
ShardProgress = Callable[[int, int, int, float], None]


@dataclass
class ArchiveReport:
    """What a sharded run did, and what it cost."""

    out: Path
    input_kind: str  # lines | parquet | articles | normalise
    rows: int = 0
    shards: int = 0
    resumed: int = 0  # shards finished by an earlier run, not redone
    provenance: Provenance | None = None
    glossary_hash: str = ""
    executor: str = ""
    note: str = ""  # why parts of an earlier run were discarded
    cost: Cost = field(default_factory=Cost)


# -- reading -------------------------------------------------------------------


def read_text_lines(path: Path) -> list[str]:
    """One segment per line (UTF-8, or UTF-16 with a BOM; CRLF and CR accepted); '-' is stdin."""
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        label = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise EncodingError(f"{path} is not valid {label} (byte {exc.start}); "
                            "convert it to UTF-8 first") from exc
    if "\x00" in text:
        raise InputError(f"{path} contains NUL characters; it looks binary, not one segment per line")
    if not text.strip():
        raise EmptyInputError(f"{path} is empty: nothing to translate")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n")


def plan_line_shards(texts: Sequence[str | None], per_shard: int) -> list[tuple[int, int]]:
    """``[start, end)`` ranges with ``per_shard`` non-blank lines each (the last may have
    fewer); blank lines stay with the shard before them, leading ones with the first."""
    bounds: list[tuple[int, int]] = []
    start = live = 0
    for i, text in enumerate(texts):
        if text is not None and text.strip():
            live += 1
            if live == per_shard:
                bounds.append((start, i + 1))
                start, live = i + 1, 0
    if start < len(texts):
        if live == 0 and bounds:  # only blank lines left: they join the last shard
            bounds[-1] = (bounds[-1][0], len(texts))
        else:
            bounds.append((start, len(texts)))
    return bounds


def _round_up(n: int, multiple: int) -> int:
    return max(multiple, -(-n // multiple) * multiple)


def _fingerprint(path: Path) -> dict[str, Any]:
    st = path.stat()
    return {"input": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _parquet_text(path: Path, column: str) -> int:
    """Rows of ``path``; checks that ``column`` is a text column."""
    import polars as pl

    try:
        schema = pl.read_parquet_schema(path)
        rows = pl.scan_parquet(path).select(pl.len()).collect().item()
    except Exception as exc:  # polars raises several kinds for a broken file
        raise InputError(f"{path} is not a readable Parquet file: {exc}") from exc
    if column not in schema:
        raise InputError(f"{path} has no column {column!r} (columns: {', '.join(schema)}); "
                         "name the text column with --column")
    if schema[column] not in (pl.String, pl.Utf8):
        raise InputError(f"{path}: column {column!r} is {schema[column]}, not text")
    clash = [c for c in ADDED_COLUMNS if c in schema]
    if clash:
        raise InputError(f"{path} already has column(s) {', '.join(clash)}, which the "
                         "translation adds; rename them first")
    if rows == 0:
        raise EmptyInputError(f"{path} has no rows: nothing to translate")
    return rows


def _article_files(folder: Path) -> list[Path]:
    from workbench.ingest import iter_input_files

    files = [p for p, skip in iter_input_files([folder]) if skip is None]
    if not files:
        raise EmptyInputError(f"{folder} holds no articles (.txt, .md, .html)")
    return files


# -- running -------------------------------------------------------------------


def _drive(store: ShardStore, executor: Executor, task: Task, todo: Iterator[Shard],
           total: int, report: ArchiveReport, progress: ShardProgress | None) -> None:
    """Run the unfinished shards and store each as it finishes."""
    done = report.resumed
    start = time.perf_counter()
    if progress:
        progress(done, total, 0, 0.0)
    for result in executor.map(task, todo):
        store.save(result)
        report.cost.add(result)
        done += 1
        report.cost.wall_s = time.perf_counter() - start
        if progress:
            progress(done, total, report.cost.sentences, report.cost.wall_s)
    report.executor = executor.describe()


def _atomic_write(out: Path, write: Callable[[Path], None]) -> None:
    """``write(tmp)``, synced, then published as ``out`` through the exports' atomic
    writer (:func:`workbench.io.base.atomic_path`: locked temporary file, leftovers of
    killed writes removed); the output appears complete or not at all."""
    from workbench.io.base import atomic_path

    try:
        with atomic_path(out) as tmp:
            write(tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from exc


def translate_archive(
    inp: Path,
    out: Path,
    src: str,
    tgt: str,
    *,
    engine: str = "auto",
    device: str = "auto",
    glossary: Any = None,
    executor: Executor | None = None,
    column: str = "text",
    batch_size: int = 32,
    shard_size: int = DEFAULT_SHARD_SIZE,
    progress: ShardProgress | None = None,
) -> ArchiveReport:
    """Translate ``inp`` into ``out`` shard by shard on ``executor`` (local by default).

    ``inp``: a text file (one segment per line), a ``.parquet`` file (``column`` is
    translated, other columns kept) or a folder of articles. ``out``: ``.parquet``
    (rows with target, engine, model, model_version, glossary_hash and notes beside
    the input's columns, or the articles' document, paragraph, segment and source)
    or, for text and Parquet input, a line-parallel text file. A rerun after a crash
    or Ctrl+C redoes only the shards not finished.
    """
    from workbench.engines import engine_for, get_engine
    from workbench.executors.tasks import TranslateTask
    from workbench.translate import _hook_for, _provenance

    if batch_size < 1 or shard_size < 1:
        raise ValueError("batch_size and shard_size must be at least 1")
    src, tgt = src.strip().lower(), tgt.strip().lower()
    if not inp.exists():
        raise InputError(f"{inp}: no such file or folder")
    parquet_out = out.suffix.lower() == ".parquet"
    if inp.is_dir():
        kind = "articles"
        if not parquet_out:
            raise InputError(f"a folder of articles is translated into Parquet "
                             f"(document, segment, source, target, ...): give --out {out.stem}.parquet")
    elif inp.suffix.lower() == ".parquet":
        kind = "parquet"
    else:
        kind = "lines"
    if out.exists() and out.is_dir():
        raise InputError(f"{out} is a folder; give a file name for --out")

    concrete = engine_for(get_engine(engine, device=device), src, tgt)  # fails before any work
    hook = _hook_for(glossary, concrete)
    prov = _provenance(concrete, src, tgt, hook)
    g_hash = getattr(getattr(glossary, "glossary", None), "hash", "") or ""
    per_shard = _round_up(shard_size, batch_size)
    report = ArchiveReport(out, kind, provenance=prov, glossary_hash=g_hash)
    task = TranslateTask(concrete.name, src, tgt, kind="articles" if kind == "articles" else "lines",
                         device=device, glossary=glossary, batch_size=batch_size,
                         expect_version=prov.model_version)

    texts: list[str | None] = []
    files: list[Path] = []
    if kind == "lines":
        texts = list(read_text_lines(inp))
        bounds = plan_line_shards(texts, per_shard)
    elif kind == "parquet":
        import polars as pl

        rows = _parquet_text(inp, column)
        texts = pl.read_parquet(inp, columns=[column])[column].to_list()
        bounds = [(s, min(s + per_shard, rows)) for s in range(0, rows, per_shard)]
    else:
        files = _article_files(inp)
        per = max(1, DEFAULT_ARTICLES_PER_SHARD)
        bounds = [(s, min(s + per, len(files))) for s in range(0, len(files), per)]
    if kind != "articles" and not any(t and t.strip() for t in texts):
        raise EmptyInputError(f"{inp}: nothing to translate, every line is blank")
    report.shards = len(bounds)

    job = {**_fingerprint(inp), "kind": kind, "column": column if kind == "parquet" else "",
           "src": src, "tgt": tgt, "engine": prov.engine, "model": prov.model,
           "model_version": prov.model_version, "glossary": g_hash, "batch_size": batch_size,
           "shard_size": per_shard, "output": "parquet" if parquet_out else "lines"}
    store = ShardStore(out, job)
    report.note = store.open()
    finished = store.done()
    report.resumed = len(finished & set(range(len(bounds))))

    def todo() -> Iterator[Shard]:
        for i, (a, b) in enumerate(bounds):
            if i in finished:
                continue
            if kind == "articles":
                items = [(str(p.relative_to(inp)), p.read_bytes()) for p in files[a:b]]
            else:
                items = [t if isinstance(t, str) else "" for t in texts[a:b]]
            yield Shard(i, items)

    own = executor is None
    executor = executor or get_executor("local")
    try:
        _drive(store, executor, task, todo(), len(bounds), report, progress)
    finally:
        if own:
            executor.close()

    if kind == "parquet" and parquet_out:
        _write_parquet_beside(inp, out, store, bounds, g_hash)
    elif parquet_out:
        _write_parquet_parts(out, store, len(bounds), g_hash)
    else:
        _write_lines(out, store, len(bounds))
    report.rows = len(files) if kind == "articles" else len(texts)
    store.remove()
    return report


def _write_lines(out: Path, store: ShardStore, shards: int) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            for i in range(shards):
                for line in store.load(i)["target"].to_list():
                    fh.write((line or "").replace("\n", " ") + "\n")
    _atomic_write(out, write)


def _added(part: Any, g_hash: str) -> Any:
    import polars as pl

    return part.with_columns(pl.lit(g_hash, dtype=pl.String).alias("glossary_hash"))


def _write_tables(out: Path, tables: Callable[[], Iterator[Any]]) -> None:
    """Write the Arrow tables ``tables()`` yields as one Parquet file (the first one's
    schema), complete or not at all."""
    import pyarrow.parquet as pq

    def write(tmp: Path) -> None:
        writer = None
        try:
            for table in tables():
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table.cast(writer.schema))
        finally:
            if writer is not None:
                writer.close()
    _atomic_write(out, write)


def _write_parquet_parts(out: Path, store: ShardStore, shards: int, g_hash: str) -> None:
    """The shards' rows (article folders: document, paragraph, segment… first)."""
    order = ["document", "paragraph", "segment", "source", "translatable", "reason", *ADDED_COLUMNS]

    def tables() -> Iterator[Any]:
        for i in range(shards):
            part = _added(store.load(i), g_hash)
            yield part.select([c for c in order if c in part.columns]).to_arrow()
    _write_tables(out, tables)


def _write_parquet_beside(inp: Path, out: Path, store: ShardStore,
                          bounds: list[tuple[int, int]], g_hash: str) -> None:
    """The input's rows, shard by shard, with the translation columns added."""
    import polars as pl

    source = pl.scan_parquet(inp)

    def tables() -> Iterator[Any]:
        for i, (a, b) in enumerate(bounds):
            part = _added(store.load(i), g_hash).select(list(ADDED_COLUMNS))
            rows = source.slice(a, b - a).collect()
            yield pl.concat([rows, part], how="horizontal").to_arrow()
    _write_tables(out, tables)


# -- glossary apply -------------------------------------------------------------


def normalise_archive(
    inp: Path,
    out: Path,
    glossary: Any,
    lang: str,
    *,
    executor: Executor | None = None,
    shard_lines: int = DEFAULT_NORMALISE_SHARD,
    progress: ShardProgress | None = None,
) -> ArchiveReport:
    """``workbench glossary apply`` in shards: every line of ``inp`` with glossary forms
    replaced by ``lang``'s preferred ones, other bytes unchanged; resumable, output
    complete or absent."""
    from workbench.executors.tasks import NormaliseTask

    if shard_lines < 1:
        raise ValueError("shard_lines must be at least 1")
    try:
        with open(inp, "rb") as fh:
            lines = sum(1 for _ in fh)
    except OSError as exc:
        raise InputError(f"cannot read {inp}: {exc.strerror or exc}") from None
    shards = -(-lines // shard_lines)
    report = ArchiveReport(out, "normalise", shards=shards, glossary_hash=glossary.hash)
    job = {**_fingerprint(inp), "kind": "normalise", "lang": lang, "glossary": glossary.hash,
           "shard_size": shard_lines}
    store = ShardStore(out, job)
    report.note = store.open()
    finished = store.done()
    report.resumed = len(finished & set(range(shards)))

    def todo() -> Iterator[Shard]:
        with open(inp, "rb") as fh:
            batch: list[bytes] = []
            index = 0
            for raw in fh:
                batch.append(raw)
                if len(batch) == shard_lines:
                    if index not in finished:
                        yield Shard(index, batch)
                    batch, index = [], index + 1
            if batch and index not in finished:
                yield Shard(index, batch)

    task = NormaliseTask(glossary, lang, shard_lines, where=str(inp))
    own = executor is None
    executor = executor or get_executor("local")
    try:
        _drive(store, executor, task, todo(), shards, report, progress)
    finally:
        if own:
            executor.close()

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            for i in range(shards):
                for chunk in store.load(i)["line"].to_list():
                    fh.write(chunk)
    out.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(out, write)
    report.rows = lines
    store.remove()
    return report
