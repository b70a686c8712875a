"""What every interchange format shares: the unit model, the flat frame schema,
the format registry type, atomic output files and text sanitising.

A :class:`Unit` is one review unit of the project (a translatable source
segment) with one :class:`Target` per exported language. Writers take an
iterable of units and stream it to disk; readers yield units back, so export
and import meet in the same model whatever the format.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

import polars as pl

from workbench.errors import FormatError, InputError
from workbench.io.inline import Codes

#: Review statuses a unit target can carry (same as the store's).
STATUSES = ("todo", "approved", "rejected", "flagged")


@dataclass(frozen=True, slots=True)
class Alternative:
    """A suggestion shown beside a target (XLIFF 1.2 ``<alt-trans>``): a translation
    memory match, with where it came from and its score (percent)."""

    text: str
    origin: str
    score: int | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """One target-language side of a unit: reviewed text and its metadata.

    ``version`` is the review version the text was exported from; an import
    uses it to detect edits made in the project since (conflicts).
    """

    lang: str
    text: str
    status: str | None = None
    version: int | None = None
    confidence: float | None = None
    mt: str | None = None
    engine: str | None = None
    model: str | None = None
    model_version: str | None = None
    #: filled only for formats with ``Format.suggestions`` (see ``workbench.io.suggestions``)
    alternatives: tuple[Alternative, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unit:
    """A source segment with its targets (one ``<tu>`` in TMX, one ``<unit>`` in XLIFF).

    ``segment_id`` is the project's segment id: the stable unit id that
    export/import round trips match on. ``paragraph`` and ``idx`` give the
    position in the document. Formats that cannot carry ``codes`` write the
    placeholders as they are.
    """

    source: str
    source_lang: str
    targets: tuple[Target, ...]
    document: str = ""
    document_id: int | None = None
    segment_id: int | None = None
    paragraph: int | None = None
    idx: int | None = None
    #: inline codes the placeholders of ``source`` and the targets' texts stand for
    #: (:mod:`workbench.io.inline`); empty for plain text
    codes: Codes = ()

    @property
    def unit_id(self) -> str | None:
        """The id written to files (``s<segment_id>``), an XML NMTOKEN."""
        return None if self.segment_id is None else f"s{self.segment_id}"


#: The flat ("long") frame schema of TSV, CSV and Parquet: one row per unit and
#: target language. Same column names as :meth:`workbench.store.Project.pairs`.
FRAME_SCHEMA: dict[str, pl.DataType] = {
    "document_id": pl.Int64(),
    "document": pl.String(),
    "source_lang": pl.String(),
    "target_lang": pl.String(),
    "segment_id": pl.Int64(),
    "idx": pl.Int64(),
    "paragraph": pl.Int64(),
    "source": pl.String(),
    "mt": pl.String(),
    "target": pl.String(),
    "status": pl.String(),
    "version": pl.Int64(),
    "engine": pl.String(),
    "model": pl.String(),
    "model_version": pl.String(),
    "confidence": pl.Float64(),
}
COLUMNS = tuple(FRAME_SCHEMA)
#: Columns a foreign flat file must have to be imported.
REQUIRED_COLUMNS = ("source_lang", "target_lang", "source", "target")
_INT_COLUMNS = {c for c, t in FRAME_SCHEMA.items() if t == pl.Int64()}


def unit_rows(unit: Unit) -> Iterator[dict[str, object]]:
    """The flat rows (one per target) of a unit, keys in :data:`COLUMNS` order."""
    for t in unit.targets:
        yield {
            "document_id": unit.document_id, "document": unit.document,
            "source_lang": unit.source_lang, "target_lang": t.lang,
            "segment_id": unit.segment_id, "idx": unit.idx, "paragraph": unit.paragraph,
            "source": unit.source, "mt": t.mt, "target": t.text, "status": t.status,
            "version": t.version, "engine": t.engine, "model": t.model,
            "model_version": t.model_version, "confidence": t.confidence,
        }


def rows_to_units(rows: Iterable[dict[str, object]], where: Callable[[int], str]) -> Iterator[Unit]:
    """Group consecutive flat rows of the same segment back into units.

    Rows without a ``segment_id`` (a foreign file) are one unit each.
    ``where(i)`` names row ``i`` in error messages (e.g. ``"file.tsv line 7"``).
    """
    pending: list[tuple[dict[str, object], Target]] = []

    def flush() -> Unit | None:
        if not pending:
            return None
        first = pending[0][0]
        unit = Unit(
            source=str(first["source"]), source_lang=str(first["source_lang"]),
            targets=tuple(t for _, t in pending), document=str(first.get("document") or ""),
            document_id=first.get("document_id"), segment_id=first.get("segment_id"),
            paragraph=first.get("paragraph"), idx=first.get("idx"),
        )
        pending.clear()
        return unit

    for i, row in enumerate(rows):
        missing = [c for c in REQUIRED_COLUMNS if row.get(c) is None]
        if missing:
            raise FormatError(f"{where(i)}: missing value for {', '.join(missing)}")
        status = row.get("status")
        if status is not None and status not in STATUSES:
            raise FormatError(
                f"{where(i)}: unknown status {status!r}; use one of {', '.join(STATUSES)}")
        target = Target(
            lang=str(row["target_lang"]), text=str(row["target"]), status=status,
            version=row.get("version"), confidence=row.get("confidence"), mt=row.get("mt"),
            engine=row.get("engine"), model=row.get("model"),
            model_version=row.get("model_version"),
        )
        if pending:
            head = pending[0][0]
            same = (row.get("segment_id") is not None
                    and row.get("segment_id") == head.get("segment_id")
                    and row.get("document_id") == head.get("document_id")
                    and row["source"] == head["source"])
            if not same:
                unit = flush()
                if unit is not None:
                    yield unit
        pending.append((row, target))
    unit = flush()
    if unit is not None:
        yield unit


def parse_cell(column: str, value: str, where: str) -> object:
    """Turn a text cell of a TSV/CSV file into the typed value of :data:`FRAME_SCHEMA`.

    Empty cells are null, except ``source`` and ``target`` (empty text)."""
    if column in ("source", "target"):
        return value
    if value == "":
        return None
    try:
        if column in _INT_COLUMNS:
            return int(value)
        if column == "confidence":
            return float(value)
    except ValueError:
        raise FormatError(f"{where}: column {column!r} wants a number, got {value!r}") from None
    return value


def number(value: str | None, kind: type, where: str) -> int | float | None:
    """A metadata value read from a file as ``kind`` (``None`` when absent or empty); one
    :class:`FormatError` naming ``where`` when it is not a number."""
    if value is None or value == "":
        return None
    try:
        return kind(value)
    except ValueError:
        raise FormatError(f"{where}: expected a number, got {value!r}") from None


# -- write options and results -----------------------------------------------


@dataclass(frozen=True)
class WriteOptions:
    """What a writer needs beyond the units.

    ``source_lang`` is ``"*all*"`` when units have several source languages
    (TMX's convention); ``target_langs`` lists the exported targets in order.
    """

    source_lang: str
    target_langs: tuple[str, ...]
    spreadsheet_safe: bool = False
    include_empty: bool = False
    on_unit: Callable[[], None] | None = None


@dataclass
class WriteStats:
    """What a writer did: counts worth telling the user."""

    files: list[Path] = field(default_factory=list)
    units: int = 0
    cells: int = 0
    #: characters not allowed in XML 1.0 that were dropped (XML formats only)
    removed_chars: int = 0
    #: unit ids whose text lost such characters (first 20)
    removed_in: list[str] = field(default_factory=list)
    #: spreadsheet cells prefixed with an apostrophe (``--spreadsheet-safe``)
    neutralised_cells: int = 0
    #: line breaks turned into spaces (line-based formats only)
    flattened_newlines: int = 0
    #: characters XML 1.0 forbids kept as XLIFF ``<cp hex=…/>`` (lossless)
    encoded_chars: int = 0
    #: units left out because the format needs a text for every language
    skipped_incomplete: int = 0

    def tick(self, options: WriteOptions) -> None:
        self.units += 1
        if options.on_unit is not None:
            options.on_unit()


class Writer(Protocol):
    def __call__(self, units: Iterable[Unit], out: Path, options: WriteOptions) -> WriteStats: ...


class Reader(Protocol):
    """Yields units; anything dropped or guessed on the way is counted in ``notes``."""

    def __call__(self, path: Path, notes: Counter[str] | None = None) -> Iterator[Unit]: ...


@dataclass(frozen=True)
class Format:
    """A registered interchange format (see :data:`workbench.io.FORMATS`)."""

    name: str
    extensions: tuple[str, ...]
    description: str
    write: Writer
    read: Reader | None = None
    #: True when the format holds several target languages in one file
    multi_target: bool = True
    #: whether a file with one of ``extensions`` is really this format (``.xlf``:
    #: XLIFF 1.2 or 2); ``None`` when the extension says enough
    detect: Callable[[Path], bool] | None = None
    #: the writer shows memory matches and glossary warnings (``Target.alternatives``
    #: and ``Target.notes``), which the export then looks up
    suggestions: bool = False


# -- safety helpers ------------------------------------------------------------

# XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_clean(text: str) -> tuple[str, int]:
    """Remove characters XML 1.0 cannot hold (C0 controls, lone surrogates,
    U+FFFE/U+FFFF); returns the text and how many were removed.

    The caller reports the count: dropping them is the only way to write a
    valid file, but it must never happen silently."""
    cleaned, n = _XML_ILLEGAL.subn("", text)
    return cleaned, n


class XmlCleaner:
    """Applies :func:`xml_clean` to every string written to an XML file and counts what it
    removed in ``stats`` (with the ids of the first 20 units it happened in)."""

    def __init__(self, stats: WriteStats) -> None:
        self.stats = stats
        self.unit_id = ""

    def __call__(self, value: object) -> str:
        text = repr(value) if isinstance(value, float) else str(value)
        cleaned, n = xml_clean(text)
        if n:
            self.stats.removed_chars += n
            if len(self.stats.removed_in) < 20 and self.unit_id not in self.stats.removed_in:
                self.stats.removed_in.append(self.unit_id)
        return cleaned


#: First characters a spreadsheet reads as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> tuple[str, bool]:
    """Prefix a cell with ``'`` when a spreadsheet would run it as a formula."""
    if text.startswith(FORMULA_START):
        return "'" + text, True
    return text, False


_UMASK = os.umask(0)
os.umask(_UMASK)


def _publish(tmp: Path, path: Path) -> None:
    """Give the finished temporary file ordinary permissions and move it in place."""
    os.chmod(tmp, 0o666 & ~_UMASK)
    os.replace(tmp, path)


def _part_prefix(path: Path) -> str:
    return f".{path.name}."


def _locked_temp(path: Path) -> tuple[int, Path]:
    """A temporary file beside ``path``, open and locked (``flock``) while its writer
    lives, so that :func:`remove_leftovers` can tell a live writer's file from one a
    killed process left behind."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=_part_prefix(path), suffix=".part", dir=path.parent)
    except OSError as exc:
        raise InputError(f"cannot write in {path.parent}: {exc.strerror}") from exc
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd, Path(tmp)


def _unlocked(path: Path) -> bool:
    """Whether no live process holds ``path`` (its writer was killed)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def remove_leftovers(path: Path) -> int:
    """Finish or clean up what killed writes of ``path`` left beside it: a file group
    interrupted between its renames is completed (see :class:`AtomicGroup`), and
    ``.NAME.*.part`` temporary files nobody writes any more are deleted. Returns how
    many files were removed or completed. Called before every write of ``path``."""
    path = Path(path)
    done = _roll_forward(path)
    if not path.parent.is_dir():
        return done
    for part in path.parent.glob(f"{glob.escape(_part_prefix(path))}*.part"):
        if _unlocked(part):
            with contextlib.suppress(OSError):
                part.unlink()
                done += 1
    return done


@contextlib.contextmanager
def atomic_output(path: Path, mode: str = "wb", **kwargs: object) -> Iterator[IO]:
    """Write ``path`` through a temporary file in the same folder.

    The temporary file replaces ``path`` (``os.replace``, atomic on one file
    system) only when the block finishes; on any error it is removed, so a
    failed or interrupted export never leaves a half-written file under the
    requested name, and an existing file there stays as it was. What a killed
    earlier write left is removed first (:func:`remove_leftovers`).
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: folder {folder} does not exist")
    remove_leftovers(path)
    fd, tmp_path = _locked_temp(path)
    try:
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            _publish(tmp_path, path)  # still locked: never mistaken for a leftover
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Like :func:`atomic_output` for writers that want a path (polars sinks)."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: folder {folder} does not exist")
    remove_leftovers(path)
    fd, tmp_path = _locked_temp(path)
    try:
        yield tmp_path
        _publish(tmp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise
    finally:
        os.close(fd)


class AtomicGroup:
    """Several files that appear together or not at all (Moses ``c.fr`` + ``c.en``).

    Each file is written to a locked temporary file (:meth:`open`). When the block
    ends without error, a journal ``.FIRST.group`` listing the renames is written and
    synced, the files are renamed into place, and the journal is removed. A process
    killed between two renames leaves the journal: the next write of those files (the
    next run of the same command) completes the renames first, so the group is never
    left half old, half new. On an error before the renames nothing changes.
    """

    def __init__(self, paths: list[Path]) -> None:
        self.paths = [Path(p) for p in paths]
        self.journal = _journal(self.paths[0])
        self._temps: list[tuple[int, Path]] = []
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> AtomicGroup:
        for path in self.paths:
            if not path.parent.is_dir():
                raise InputError(f"cannot write {path}: folder {path.parent} does not exist")
            remove_leftovers(path)
        return self

    def open(self, path: Path, mode: str = "w", **kwargs: object) -> IO:
        """The handle to write ``path`` (one of the group's) through."""
        fd, tmp = _locked_temp(Path(path))
        self._temps.append((fd, tmp))
        return self._stack.enter_context(os.fdopen(os.dup(fd), mode, **kwargs))

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                self._stack.close()  # flushes every handle
                for fd, _tmp in self._temps:
                    os.fsync(fd)
                moves = [(str(tmp), str(path)) for (_fd, tmp), path in zip(self._temps, self.paths)]
                with atomic_output(self.journal, "w", encoding="utf-8") as handle:
                    json.dump(moves, handle)
                for tmp, path in moves:
                    _publish(Path(tmp), Path(path))
                self.journal.unlink()
        finally:
            self._stack.close()
            for fd, tmp in self._temps:
                os.close(fd)
                with contextlib.suppress(OSError):
                    tmp.unlink()  # gone already when published


def _journal(first: Path) -> Path:
    return first.with_name(f".{first.name}.group")


def _roll_forward(path: Path) -> int:
    """Complete the renames of a group whose writer was killed midway (see
    :class:`AtomicGroup`); ``path`` is the group's first file."""
    journal = _journal(path)
    if not journal.exists():
        return 0
    try:
        moves = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        moves = []
    done = 0
    for tmp, dest in moves:
        if Path(tmp).exists():
            os.replace(tmp, dest)
            done += 1
    with contextlib.suppress(OSError):
        journal.unlink()
    return done
