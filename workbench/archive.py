"""Translate or normalise an archive in shards, on any executor, resumably.

:func:`translate_archive` reads a text file (one segment per line), a Parquet
file (a text column; the other columns are kept) or a folder of articles
(segmented by the task's prepare step: on Ray, in tasks before the translating
actors), plans its shards in one pass and then reads them one at a time as the
executor asks for them (memory holds a few shards, not the input), has an
executor run a :class:`~workbench.executors.tasks.TranslateTask` on the shards
not finished yet, stores each finished shard (:class:`~workbench.executors.shards.ShardStore`)
and, once all are done, writes the output in input order under a temporary
name and renames it into place: the output is complete or absent.
:func:`normalise_archive` does the same for ``workbench glossary apply``.

Shards of lines hold a whole number of engine batches (``shard_size`` is
rounded up to a multiple of ``batch_size``, counted in non-blank lines), so
every engine call gets the same segments as on the local path and the output
is identical whichever executor ran it.
"""

from __future__ import annotations

import codecs
import itertools
import os
import sys
import time
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.engines import Provenance
from workbench.errors import EmptyInputError, EncodingError, InputError
from workbench.executors import Cost, Executor, Shard, ShardSource, Task, get_executor
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
    if str(path) == "-":
        lines = list(_lines_of(sys.stdin.buffer, path))
    else:
        lines = list(iter_text_lines(path))
    if not any(line.strip() for line in lines):
        raise EmptyInputError(f"{path} is empty: nothing to translate")
    return lines


def iter_text_lines(path: Path) -> Iterator[str]:
    """The lines of ``path`` as :func:`read_text_lines` gives them, read a chunk at a
    time: memory holds about one chunk, not the file."""
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with fh:
        yield from _lines_of(fh, path)


def _lines_of(fh: Any, path: Path, chunk_size: int = 1 << 20) -> Iterator[str]:
    """Lines of a binary stream: a UTF-16 BOM or UTF-8 (BOM dropped), CRLF and CR as LF,
    no line for a final line end; a decoding error gives its byte offset, NUL refuses."""
    first = fh.read(2)
    encoding = "utf-16" if first in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    decoder = codecs.getincrementaldecoder(encoding)()
    fed, rest, chunk, final = 0, "", first, False
    while not final:
        chunk += _read(fh, chunk_size, path)
        final = not chunk
        held = len(decoder.getstate()[0])
        try:
            text = rest + decoder.decode(chunk, final=final)
        except UnicodeDecodeError as exc:
            label = "UTF-16" if encoding == "utf-16" else "UTF-8"
            raise EncodingError(f"{path} is not valid {label} (byte {fed - held + exc.start}); "
                                "convert it to UTF-8 first") from exc
        fed, chunk = fed + len(chunk), b""
        if "\x00" in text:
            raise InputError(f"{path} contains NUL characters; it looks binary, "
                             "not one segment per line")
        rest = "\r" if text.endswith("\r") and not final else ""  # maybe half of a CRLF
        if rest:
            text = text[:-1]
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        rest = lines.pop() + rest  # the unfinished last line
        yield from lines
    if rest:
        yield rest


def _read(fh: Any, size: int, path: Path) -> bytes:
    try:
        return fh.read(size)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc


def plan_line_shards(texts: Iterable[str | None], per_shard: int) -> list[tuple[int, int]]:
    """``[start, end)`` ranges with ``per_shard`` non-blank lines each (the last may have
    fewer); blank lines go with the next non-blank line's shard, trailing ones with the
    last shard. ``texts`` is read once, as it comes (a file's lines are not kept)."""
    bounds: list[tuple[int, int]] = []
    start = live = n = 0
    for n, text in enumerate(texts, 1):
        if text is not None and text.strip():
            live += 1
            if live == per_shard:
                bounds.append((start, n))
                start, live = n, 0
    if start < n:
        if live == 0 and bounds:  # only blank lines left: they join the last shard
            bounds[-1] = (bounds[-1][0], n)
        else:
            bounds.append((start, n))
    return bounds


def line_shards(path: Path, bounds: Sequence[tuple[int, int]], skip: Container[int] = frozenset()
                ) -> Iterator[Shard]:
    """The shards of a text file planned by :func:`plan_line_shards`, read as they are
    asked for; shards in ``skip`` (finished) are read past, not made."""
    lines = iter_text_lines(path)
    for i, (a, b) in enumerate(bounds):
        items = list(itertools.islice(lines, b - a))
        if i not in skip:
            yield Shard(i, items)


def parquet_chunks(path: Path, sizes: Iterable[int], columns: Sequence[str] | None = None
                   ) -> Iterator[Any]:
    """Consecutive Arrow tables of ``sizes`` rows of a Parquet file (``columns`` only),
    read batch by batch: memory holds about one chunk, not the file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    batches = pq.ParquetFile(path).iter_batches(batch_size=65_536, columns=columns)
    held: Any = None
    for size in sizes:
        while held is None or held.num_rows < size:
            batch = next(batches, None)
            if batch is None:
                break
            table = pa.Table.from_batches([batch])
            held = table if held is None else pa.concat_tables([held, table])
        if held is None:
            return
        yield held.slice(0, size)
        held = held.slice(size)


def _parquet_shards(path: Path, column: str, bounds: Sequence[tuple[int, int]],
                    skip: Container[int] = frozenset()) -> Iterator[Shard]:
    chunks = parquet_chunks(path, (b - a for a, b in bounds), [column])
    for i, chunk in enumerate(chunks):
        if i not in skip:
            yield Shard(i, [t if isinstance(t, str) else "" for t in chunk.column(0).to_pylist()])


def _raw_shards(path: Path, bounds: Sequence[tuple[int, int]], skip: Container[int] = frozenset()
                ) -> Iterator[Shard]:
    """Raw lines (bytes with their line ends) of ``path`` in shards of ``bounds``."""
    with open(path, "rb") as fh:
        for i, (a, b) in enumerate(bounds):
            items = list(itertools.islice(fh, b - a))
            if i not in skip:
                yield Shard(i, items)


@dataclass
class FileShards(ShardSource):
    """The unfinished shards of an input file or folder, read as they are asked for.
    It pickles small (paths and bounds, not texts): the ray executor iterates it in a
    Ray Data read task on the driver's node.

    ``kind``: ``lines`` (decoded text lines), ``parquet`` (``column``'s texts),
    ``articles`` (``(name, bytes)`` of ``files``, names relative to ``path``) or
    ``raw`` (bytes lines with their line ends, for glossary apply)."""

    kind: str
    path: Path
    bounds: list[tuple[int, int]]
    finished: frozenset[int] = frozenset()
    column: str = "text"
    files: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.path = self.path.resolve()  # Ray workers do not share the driver's working folder

    def __len__(self) -> int:
        return sum(1 for i in range(len(self.bounds)) if i not in self.finished)

    def __iter__(self) -> Iterator[Shard]:
        if self.kind == "lines":
            return line_shards(self.path, self.bounds, self.finished)
        if self.kind == "parquet":
            return _parquet_shards(self.path, self.column, self.bounds, self.finished)
        if self.kind == "raw":
            return _raw_shards(self.path, self.bounds, self.finished)
        return self._articles()

    def _articles(self) -> Iterator[Shard]:
        for i, (a, b) in enumerate(self.bounds):
            if i not in self.finished:
                yield Shard(i, [(name, (self.path / name).read_bytes()) for name in self.files[a:b]])


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


def _drive(store: ShardStore, executor: Executor, task: Task, todo: FileShards,
           report: ArchiveReport, progress: ShardProgress | None) -> None:
    """Run the unfinished shards and store each as it finishes (once: a shard Ray
    ran twice is stored once)."""
    done, total = report.resumed, len(todo.bounds)
    start = time.perf_counter()
    if progress:
        progress(done, total, 0, 0.0)
    stored: set[int] = set()
    for result in executor.map(task, todo):
        if result.index in stored:
            continue
        stored.add(result.index)
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

    # Only shard bounds are planned up front (one pass over the input); the texts are
    # read again shard by shard as the executor asks for them.
    files: list[Path] = []
    if kind == "lines":
        bounds = plan_line_shards(iter_text_lines(inp), per_shard)
        rows = bounds[-1][1] if bounds else 0
    elif kind == "parquet":
        rows = _parquet_text(inp, column)
        bounds = [(s, min(s + per_shard, rows)) for s in range(0, rows, per_shard)]
    else:
        files = _article_files(inp)
        rows = len(files)
        per = max(1, DEFAULT_ARTICLES_PER_SHARD)
        bounds = [(s, min(s + per, len(files))) for s in range(0, len(files), per)]
    if kind == "lines" and not any(t.strip() for t in iter_text_lines(inp)):
        raise EmptyInputError(f"{inp} is empty: nothing to translate")
    if kind == "parquet" and not any(t.strip() for shard in _parquet_shards(inp, column, bounds)
                                     for t in shard.items):
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

    todo = FileShards(kind, inp, bounds, frozenset(finished), column,
                      [str(p.relative_to(inp)) for p in files])
    own = executor is None
    executor = executor or get_executor("local")
    try:
        _drive(store, executor, task, todo, report, progress)
    finally:
        if own:
            executor.close()
    if _fingerprint(inp) != {k: job[k] for k in ("input", "size", "mtime_ns")}:
        store.remove()  # its shards were read from two versions of the input
        raise InputError(f"{inp} changed while it was being translated; nothing was written, "
                         "run the command again")

    if kind == "parquet" and parquet_out:
        _write_parquet_beside(inp, out, store, bounds, g_hash)
    elif parquet_out:
        _write_parquet_parts(out, store, len(bounds), g_hash)
    else:
        _write_lines(out, store, len(bounds))
    report.rows = rows
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
    """The input's rows, read chunk by chunk, with each shard's translation columns added."""
    import polars as pl

    def tables() -> Iterator[Any]:
        chunks = parquet_chunks(inp, (b - a for a, b in bounds))
        for i, rows in enumerate(chunks):
            part = _added(store.load(i), g_hash).select(list(ADDED_COLUMNS))
            yield pl.concat([pl.from_arrow(rows), part], how="horizontal").to_arrow()
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

    bounds = [(s, min(s + shard_lines, lines)) for s in range(0, lines, shard_lines)]
    task = NormaliseTask(glossary, lang, shard_lines, where=str(inp))
    own = executor is None
    executor = executor or get_executor("local")
    try:
        _drive(store, executor, task, FileShards("raw", inp, bounds, frozenset(finished)),
               report, progress)
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
