"""The connection to a project database: opening, checks, migrations, transactions.

One SQLite file per project: WAL journal (readers never block the writer),
foreign keys on, a busy timeout so that two processes writing at once wait
instead of failing, and schema versions with forward migrations
(``schema.py``). Every write goes through :meth:`Database.transaction`. The
queries live in the sibling modules, one per kind of thing kept; they use only
this class's ``conn``, ``transaction`` and ``frame``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any, Self

import polars as pl

from workbench.errors import NotFoundError, StoreError
from workbench.store.policy import Actor, check
from workbench.store.schema import MIGRATIONS, SCHEMA_VERSION

DB_NAME = "workbench.sqlite"
DEFAULT_PROJECT = Path("workbench-project")
BUSY_TIMEOUT_MS = 30_000
#: Rows a long query hands over at a time (:meth:`Database.stream`).
STREAM_ROWS = 2000

#: The database errors callers may meet (a damaged or unwritable file found while reading,
#: a constraint broken by a bug), named here so that no caller imports the driver.
DatabaseError = sqlite3.DatabaseError
IntegrityError = sqlite3.IntegrityError
#: A row of a query: indexable by position and by column name.
Row = sqlite3.Row


class Record:
    """Base of the store's typed results: frozen dataclasses built from a row that has a
    column for each of their fields."""

    @classmethod
    def _from_row(cls, row: Row) -> Self:
        """The record of ``row`` (its columns read by name)."""
        return cls(**{f.name: row[f.name] for f in fields(cls)})  # type: ignore[arg-type]


def marks(values: Sequence[object]) -> str:
    """``?, ?, ?``: one placeholder per value, for ``IN (...)``."""
    return ",".join("?" * len(values))


def os_user() -> str:
    """The operating-system user, the author of changes made from the command line."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return "unknown user"


class Database:
    """An open project database. Use as a context manager or call :meth:`close`."""

    def __init__(self, root: Path | str = DEFAULT_PROJECT, *, create: bool = True,
                 db: str | None = None, actor: Actor | None = None) -> None:
        """``root``: the folder for files (exports, uploads, glossaries). ``db``: the
        database URL (``sqlite:///PATH`` or ``postgresql://...``), else ``WORKBENCH_DB``,
        else ``root/workbench.sqlite``. ``actor``: who works on it (the author of what it
        writes; an account's role limits what it may write); default: the OS user,
        unrestricted."""
        from workbench.store.backends import open_backend

        self.root = Path(root)
        self.actor = actor or Actor(os_user())
        self._depth = 0  # nesting of transaction() blocks
        self.backend = open_backend(db, self.root)
        #: ``sqlite`` or ``postgresql``: the dialect of :attr:`conn`.
        self.dialect: str = self.backend.name
        if self.dialect != "sqlite":
            self.db_path = self.backend.describe()
            self.conn = self.backend.connect(create=create)
            if create:
                self.root.mkdir(parents=True, exist_ok=True)
            return
        self.db_path = self.backend.path
        if not self.db_path.exists() and not create:
            raise NotFoundError(
                f"no project at {self.root} (expected {self.db_path}); "
                "run `workbench ingest` first or pass --project"
            )
        _check_database_file(self.db_path)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(
                self.db_path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                check_same_thread=False,
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open project database {self.db_path}: {exc}"
                             f"{_writable_hint(self.root)}") from exc
        try:
            self._setup()
        except sqlite3.Error as exc:
            self.conn.close()
            raise StoreError(f"cannot open project database {self.db_path}: {exc}"
                             f"{_writable_hint(self.root) or _damage_hint(exc)}") from exc
        except StoreError:
            self.conn.close()
            raise

    def _setup(self) -> None:
        """Check the file is a workbench project, then WAL, foreign keys and migrations.

        Nothing is written to a file that is not a workbench project (not even the
        journal mode), so opening a foreign database by mistake leaves it as it was."""
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self._check_ours()
        mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError(f"{self.db_path}: cannot switch to WAL journal (got {mode})")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self._migrate()

    def _check_ours(self) -> None:
        """Refuse an SQLite database that some other program made (read-only check)."""
        version = self.schema_version
        tables = {r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if (version == 0 and tables) or (0 < version <= SCHEMA_VERSION
                                         and not {"documents", "segments"} <= tables):
            raise StoreError(
                f"{self.db_path} is an SQLite database of another program (tables: "
                f"{', '.join(sorted(tables)[:5]) or 'none'}), not a workbench project; it was "
                "left unchanged: pass another --project folder")

    # -- who is working ----------------------------------------------------

    @property
    def author(self) -> str:
        """The author recorded with the versions written now: the actor's name."""
        return self.actor.name

    @contextlib.contextmanager
    def acting_as(self, actor: Actor) -> Iterator[Database]:
        """Work as ``actor`` for the ``with`` block (one connection shared by the app's
        sessions, each under the shared lock), then as before."""
        before, self.actor = self.actor, actor
        try:
            yield self
        finally:
            self.actor = before

    def require(self, action: str, document_ids: Iterable[int] = ()) -> None:
        """:class:`~workbench.errors.NotAllowedError` unless the actor may ``action``
        (see :mod:`workbench.store.policy`)."""
        check(self.conn, self.actor, action, document_ids)

    # -- lifecycle ---------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.db_path} has schema version {current}, newer than this workbench "
                f"understands ({SCHEMA_VERSION}); upgrade the workbench"
            )
        if current == SCHEMA_VERSION:
            return
        with self.transaction() as conn:
            # Re-read inside the write lock: another process may have migrated.
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            for version in range(current, SCHEMA_VERSION):
                for statement in _split_sql(MIGRATIONS[version]):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): all of it lands or none of it.

        A database that cannot be written (disk full, read-only, damaged) raises
        :class:`StoreError` naming the problem; the transaction is rolled back.

        Called inside another transaction of this project it joins it: the store's
        writes (``add_document``, ``save_review``...) then land with the caller's other
        writes or not at all (an import applies a whole file that way)."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"project database is busy or locked: {exc}"
                             f"{_writable_hint(self.root)}") from exc
        self._depth = 1
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:  # SQLite may have rolled back already (disk full)
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
                    exc, sqlite3.IntegrityError):
                raise StoreError(f"cannot write the project database {self.db_path}: {exc}; "
                                 "nothing was changed" + _space_hint(exc)) from exc
            raise
        finally:
            self._depth = 0

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        """The rows of a query that may return an archive, handed over :data:`STREAM_ROWS`
        at a time as they are used (an export): SQLite steps its statement as rows are
        fetched; a PostgreSQL query would send its whole result to this process at once,
        so there it goes through a server-side cursor (``PgConnection.stream``)."""
        size = STREAM_ROWS
        if self.dialect == "sqlite":
            cursor = self.conn.execute(sql, params)
            while rows := cursor.fetchmany(size):
                yield from rows
        else:
            yield from self.conn.stream(sql, params, size)

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pl.DataFrame:
        """Run a query and return its rows as a polars frame."""
        cur = self.conn.execute(sql, params)
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
        if not rows:
            return pl.DataFrame({c: [] for c in columns})
        # every row decides the types: a column null in the first rows is not typed Null
        return pl.DataFrame([tuple(r) for r in rows], schema=columns, orient="row",
                            infer_schema_length=None)

    def data_signature(self) -> tuple[int, int]:
        """Changes whenever the database does (through this connection or another one):
        a key for caches of what was read from it."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_database_file(path: Path) -> None:
    """Refuse a ``workbench.sqlite`` that is not an SQLite database at all (random bytes,
    a truncated header, another file renamed), before SQLite touches it."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot read project database {path}: {exc.strerror or exc}") from exc
    if head and head != _SQLITE_MAGIC:
        raise StoreError(f"{path} is not an SQLite database (damaged, or another file under "
                         "that name); it was left unchanged: restore it from a backup or pass "
                         "another --project folder")


def _writable_hint(root: Path) -> str:
    """A hint when the project folder or its database cannot be written."""
    db = root / DB_NAME
    if root.is_dir() and not os.access(root, os.W_OK | os.X_OK):
        return f" (the folder {root} is read-only: SQLite needs to write beside the database; " \
               "make it writable or copy the project elsewhere)"
    if db.exists() and not os.access(db, os.W_OK):
        return f" ({db} is read-only; make it writable)"
    return ""


def _damage_hint(exc: BaseException) -> str:
    if isinstance(exc, sqlite3.DatabaseError) and any(
            word in str(exc) for word in ("malformed", "not a database", "corrupt")):
        return " (the file is damaged: restore it from a backup; it was left unchanged)"
    return ""


def _space_hint(exc: BaseException) -> str:
    return "; free some disk space and run the command again" if "full" in str(exc) else ""


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (triggers keep their inner ';')."""
    statements, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        chunk = "\n".join(buf).strip()
        if chunk and sqlite3.complete_statement(chunk):
            statements.append(chunk)
            buf = []
    rest = "\n".join(buf).strip()
    if rest:
        statements.append(rest)
    return statements
