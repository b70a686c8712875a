"""The PostgreSQL backend (psycopg 3): a connection with the small part of :mod:`sqlite3`'s
API that the store uses, running the store's SQLite-dialect SQL translated.

Translation (:func:`translate`, cached per SQL text):

- ``?`` placeholders → ``%s`` (string literals left alone; ``%`` doubled);
- ``INSERT OR IGNORE INTO t`` → ``INSERT INTO t ... ON CONFLICT DO NOTHING``;
- ``ON CONFLICT DO UPDATE`` without a target → the table's key (:data:`CONFLICT_KEYS`);
- a single ``INSERT`` into a table with an ``id`` gets ``RETURNING id`` (``lastrowid``);
- a 0/1 flag column used as a truth value (``s.translatable AND ...``) gets ``<> 0``
  (PostgreSQL's ``AND`` takes booleans only; :data:`FLAG_COLUMNS`);
- ``BEGIN IMMEDIATE`` → ``BEGIN`` plus a transaction-scoped advisory lock: writers take
  turns exactly as on SQLite, so the store's read-check-write (review versions,
  conflicts) keeps its meaning; readers are never blocked (MVCC);
- ``PRAGMA user_version`` reads/writes ``workbench_schema``; ``PRAGMA data_version`` is
  the WAL position (changes whenever anyone writes); other PRAGMAs are no-ops.

SQLite functions the SQL calls exist in the database (``pg_schema``, migration 1).
Errors come out as :mod:`sqlite3`'s DB-API classes (``IntegrityError``,
``OperationalError``, ...), each with the psycopg error as its cause, so the store's
error handling is one for both dialects.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from workbench.errors import NotFoundError, StoreError
from workbench.store.backends import redact

#: The conflict target of ``ON CONFLICT DO UPDATE`` written without one (SQLite allows it).
CONFLICT_KEYS: dict[str, str] = {
    "reviews": "segment_id, target_lang",
    "translation_memory": "engine, model_version, source_lang, target_lang, source_text",
    "settings": "key",
    "memory_units": "key",
    "translations": "segment_id, target_lang, engine",
    "alignments": "document_id, target_lang, target_kind, target_ref",
    "assignments": "document_id, account_id",
    "glossary_versions": "name, version",
}
#: Tables whose rows have an ``id`` (an ``INSERT`` into one reports it as ``lastrowid``).
ID_TABLES = frozenset({"documents", "paragraphs", "segments", "translations", "alignments",
                       "beads", "edits", "memory_units", "accounts", "glossary_versions"})
#: Integer 0/1 columns that SQL may use as truth values.
FLAG_COLUMNS = ("translatable", "is_current", "disabled")
_FLAG_RE = re.compile(r"\b((?:\w+\.)?(?:" + "|".join(FLAG_COLUMNS) + r"))(\s+(?:AND|OR)\b)",
                      re.IGNORECASE)
#: Numbers the server-side cursors of :meth:`PgConnection.stream` (names unique per session).
_STREAMS = itertools.count(1)
#: Key of the advisory lock that serialises writers (one database = one project).
WRITE_LOCK_KEY = 0x776F726B62656E63  # "workbenc"

_INSERT_RE = re.compile(r"^\s*INSERT\s+(OR\s+(IGNORE|REPLACE)\s+)?INTO\s+([A-Za-z_]\w*)",
                        re.IGNORECASE)
_UPSERT_RE = re.compile(r"ON\s+CONFLICT\s+DO\s+UPDATE", re.IGNORECASE)
_BEGIN_RE = re.compile(r"^\s*BEGIN(\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?(\s+TRANSACTION)?\s*;?\s*$",
                       re.IGNORECASE)
_PRAGMA_RE = re.compile(r"^\s*PRAGMA\s+(\w+)\s*(=\s*(\S+))?\s*;?\s*$", re.IGNORECASE)


def _placeholders(sql: str) -> str:
    """``?`` → ``%s`` outside string literals and quoted names; every ``%`` doubled."""
    out, quote = [], ""
    for ch in sql:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            out.append("%s")
            continue
        out.append("%%" if ch == "%" else ch)
    return "".join(out)


@lru_cache(maxsize=2048)
def translate(sql: str, many: bool = False) -> tuple[str, bool]:
    """The PostgreSQL form of one SQLite statement, and whether it returns the new ``id``."""
    text = sql.strip().rstrip(";")
    returning = False
    insert = _INSERT_RE.match(text)
    if insert:
        table = insert.group(3).lower()
        if insert.group(2) and insert.group(2).upper() == "IGNORE":
            text = _INSERT_RE.sub(f"INSERT INTO {insert.group(3)}", text, count=1)
            text += " ON CONFLICT DO NOTHING"
        elif insert.group(2):
            raise sqlite3.NotSupportedError("INSERT OR REPLACE is not portable: use ON CONFLICT")
        if table in CONFLICT_KEYS:
            text = _UPSERT_RE.sub(f"ON CONFLICT ({CONFLICT_KEYS[table]}) DO UPDATE", text)
        if (not many and table in ID_TABLES
                and not re.search(r"\bRETURNING\b", text, re.IGNORECASE)):
            text += " RETURNING id"
            returning = True
    text = _FLAG_RE.sub(r"\1 <> 0\2", text)
    return _placeholders(text), returning


class Row(tuple):
    """A result row: a tuple that also answers by column name (case-insensitive) and
    ``keys()``, as :class:`sqlite3.Row` does."""

    __slots__ = ()
    _index: dict[str, int] = {}
    _names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            try:
                key = self._index[key.lower()]
            except KeyError:
                raise IndexError(f"no such column: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


@lru_cache(maxsize=1024)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name.lower(), i)
    return type("Row", (Row,), {"__slots__": (), "_index": index, "_names": names})


def _row_factory(cursor: Any):
    names = tuple(c.name for c in cursor.description or ())
    cls = _row_class(names)
    return lambda values: tuple.__new__(cls, values)


def _dbapi_error(exc: Exception) -> sqlite3.Error:
    """The :mod:`sqlite3` class of a psycopg error (the store handles those)."""
    import psycopg
    from psycopg import errors

    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, (psycopg.IntegrityError, errors.RaiseException)):
        cls: type[sqlite3.Error] = sqlite3.IntegrityError
    elif isinstance(exc, errors.DiskFull):
        cls, message = sqlite3.OperationalError, f"database or disk is full ({message})"
    elif isinstance(exc, (psycopg.OperationalError, psycopg.ProgrammingError)):
        cls = sqlite3.OperationalError
    elif isinstance(exc, psycopg.DataError):
        cls = sqlite3.DataError
    elif isinstance(exc, psycopg.NotSupportedError):
        cls = sqlite3.NotSupportedError
    elif isinstance(exc, psycopg.InterfaceError):
        cls = sqlite3.InterfaceError
    else:
        cls = sqlite3.DatabaseError
    err = cls(message)
    err.__cause__ = exc
    return err


class Cursor:
    """The result of one statement: rows, ``rowcount``, ``lastrowid``, ``description``."""

    def __init__(self, raw: Any, lastrowid: int | None = None,
                 rows: list | None = None, description: Any = None) -> None:
        self._raw = raw
        self._rows = rows
        self.lastrowid = lastrowid
        self.rowcount = raw.rowcount if raw is not None else -1
        if description is not None:
            self.description = description
        elif raw is not None and raw.description:
            self.description = [(c.name, None, None, None, None, None, None)
                                 for c in raw.description]
        else:
            self.description = None

    def fetchone(self) -> Row | None:
        if self._rows is not None:
            return self._rows.pop(0) if self._rows else None
        if self._raw is None or self._raw.description is None:
            return None
        return self._raw.fetchone()

    def fetchmany(self, size: int = 1) -> list:
        if self._rows is not None:
            out, self._rows = self._rows[:size], self._rows[size:]
            return out
        if self._raw is None or self._raw.description is None:
            return []
        return self._raw.fetchmany(size)

    def fetchall(self) -> list:
        if self._rows is not None:
            out, self._rows = self._rows, []
            return out
        if self._raw is None or self._raw.description is None:
            return []
        return self._raw.fetchall()

    def __iter__(self) -> Iterator:
        while (row := self.fetchone()) is not None:
            yield row


class PgConnection:
    """A psycopg connection in autocommit mode (``BEGIN``/``COMMIT`` are explicit, as with
    ``sqlite3.connect(isolation_level=None)``), speaking SQLite's dialect."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        try:
            self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory,
                                       connect_timeout=10)
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[-1] if str(exc).strip() else str(exc)
            raise StoreError(f"cannot connect to PostgreSQL at {redact(url)}: {first}") from exc
        _configure(self.raw)
        self.total_changes = 0

    # -- sqlite3's API ---------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence[Any] | dict = ()) -> Cursor:
        pragma = _PRAGMA_RE.match(sql)
        if pragma:
            return self._pragma(pragma.group(1).lower(), pragma.group(3))
        if _BEGIN_RE.match(sql):
            self._run("BEGIN")
            self._run("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
            return Cursor(None)
        text, returning = translate(sql)
        cur = self._run(text, params if params is not None else ())
        if cur.rowcount and cur.rowcount > 0 and not cur.description:
            self.total_changes += cur.rowcount
        if returning:
            row = cur.fetchone() if cur.description else None
            self.total_changes += 1 if row else 0
            return Cursor(cur, lastrowid=None if row is None else row[0], rows=[],
                          description=None)
        return Cursor(cur)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> Cursor:
        text, _ = translate(sql, many=True)
        rows = list(seq)
        cur = self.raw.cursor()
        try:
            cur.executemany(text, rows)
        except Exception as exc:
            raise self._error(exc) from exc
        self.total_changes += max(cur.rowcount, 0)
        return Cursor(cur)

    def stream(self, sql: str, params: Sequence[Any], size: int) -> Iterator[Row]:
        """The rows of a query, ``size`` at a time through a server-side cursor: the client
        never holds more than one batch (an ordinary query hands over its whole result at
        once). ``WITH HOLD``, so no transaction stays open while the caller works through
        the rows (the server keeps the result); the cursor is closed when the rows are all
        read or the caller stops."""
        import psycopg

        text, _ = translate(sql)
        cursor = self.raw.cursor(name=f"wb_stream_{next(_STREAMS)}", withhold=True)
        try:
            try:
                cursor.execute(text, params)
            except psycopg.Error as exc:
                raise self._error(exc) from exc
            while True:
                try:
                    rows = cursor.fetchmany(size)
                except psycopg.Error as exc:
                    raise self._error(exc) from exc
                if not rows:
                    return
                yield from rows
        finally:
            with contextlib.suppress(psycopg.Error):
                cursor.close()

    def commit(self) -> None:
        if self.in_transaction:
            self._run("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self._run("ROLLBACK")

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- inside --------------------------------------------------------------------------

    def _run(self, text: str, params: Sequence[Any] | dict | None = None) -> Any:
        """Run ``text`` as is (``params=None``: ``%`` is not special) or with ``params``."""
        try:
            return self.raw.execute(text, params)
        except Exception as exc:
            raise self._error(exc) from exc

    def _error(self, exc: Exception) -> Exception:
        import psycopg

        return _dbapi_error(exc) if isinstance(exc, psycopg.Error) else exc

    def _pragma(self, name: str, value: str | None) -> Cursor:
        description = [(name, None, None, None, None, None, None)]
        if name == "user_version":
            if value is not None:
                set_version(self, int(value))
                return Cursor(None)
            return Cursor(None, rows=[_row_class((name,))((schema_version(self),))],
                          description=description)
        if name == "data_version":
            (lsn,) = self._run("SELECT pg_current_wal_lsn()::text").fetchone()
            return Cursor(None, rows=[_row_class((name,))((lsn,))], description=description)
        return Cursor(None, rows=[_row_class((name,))((0,))], description=description)


def _configure(raw: Any) -> None:
    """Numbers come back as SQLite gives them (``numeric`` sums and averages as int or
    float, not Decimal); Python booleans are stored as 0/1 like SQLite does."""
    from psycopg.adapt import Dumper
    from psycopg.types.numeric import NumericLoader

    class _Number(NumericLoader):
        def load(self, data: Any) -> Any:
            value = super().load(data)
            return int(value) if value == value.to_integral_value() else float(value)

    class _BoolAsInt(Dumper):
        oid = raw.adapters.types["int8"].oid

        def dump(self, obj: Any) -> bytes:
            return b"1" if obj else b"0"

    raw.adapters.register_loader("numeric", _Number)
    raw.adapters.register_dumper(bool, _BoolAsInt)


def split_script(script: str) -> list[str]:
    """Statements of a PostgreSQL script: split on ``;`` outside quotes and ``$$`` bodies."""
    statements, buf, quote, i = [], [], "", 0
    while i < len(script):
        ch = script[i]
        if quote:
            if script.startswith(quote, i):
                buf.append(quote)
                i += len(quote)
                quote = ""
                continue
        elif script.startswith("$$", i):
            quote = "$$"
            buf.append("$$")
            i += 2
            continue
        elif ch in "'\"":
            quote = ch
        elif ch == ";":
            if "".join(buf).strip():
                statements.append("".join(buf).strip())
            buf = []
            i += 1
            continue
        buf.append(ch)
        i += 1
    if "".join(buf).strip():
        statements.append("".join(buf).strip())
    return statements


# -- schema versions ---------------------------------------------------------------------


def schema_version(conn: PgConnection) -> int:
    """The schema version of the database (0: no workbench schema)."""
    (table,) = conn._run("SELECT to_regclass('workbench_schema')::text").fetchone()
    if table is None:
        return 0
    row = conn._run("SELECT version FROM workbench_schema").fetchone()
    return 0 if row is None else int(row[0])


def set_version(conn: PgConnection, version: int) -> None:
    conn._run("CREATE TABLE IF NOT EXISTS workbench_schema (version INTEGER NOT NULL)")
    conn._run("DELETE FROM workbench_schema")
    conn._run("INSERT INTO workbench_schema (version) VALUES (%s)", (version,))


def foreign_tables(conn: PgConnection) -> list[str]:
    """Tables of the current schema (to refuse a database that holds another program's)."""
    return [r[0] for r in conn._run(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        " ORDER BY table_name")]


def upgrade(conn: PgConnection, target: int | None = None) -> tuple[int, int]:
    """Apply the PostgreSQL migrations up to ``target`` (default: the newest) in one
    transaction, under the writers' lock; returns ``(from, to)``."""
    from workbench.store.backends.pg_schema import PG_MIGRATIONS

    target = len(PG_MIGRATIONS) if target is None else target
    with contextlib.ExitStack() as stack:
        conn.execute("BEGIN IMMEDIATE")
        stack.callback(conn.rollback)
        current = schema_version(conn)  # re-read under the lock: another process may have
        for version in range(current, target):
            for statement in split_script(PG_MIGRATIONS[version]):
                conn._run(statement)
        if target != current:
            set_version(conn, target)
        conn.commit()
    return current, target


class PostgresBackend:
    """A project database in PostgreSQL (one database per project)."""

    name = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url

    def describe(self) -> str:
        return redact(self.url)

    def connect(self, *, create: bool, migrate: bool = False) -> PgConnection:
        """Connect; an empty database gets the schema when ``create``. An older schema is
        refused unless ``migrate`` (``workbench db upgrade``): a shared database is
        upgraded on purpose, not by whichever reviewer's newer workbench opens it first."""
        from workbench.store.schema import SCHEMA_VERSION

        conn = PgConnection(self.url)
        try:
            version = schema_version(conn)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.describe()} has schema version {version}, newer than this "
                    f"workbench understands ({SCHEMA_VERSION}); upgrade the workbench")
            if version == 0:
                tables = foreign_tables(conn)
                if tables:
                    raise StoreError(
                        f"{self.describe()} holds tables of another program ("
                        f"{', '.join(tables[:5])}), not a workbench project; it was left "
                        "unchanged: pass another database")
                if not create:
                    raise NotFoundError(
                        f"no project in {self.describe()} (an empty database); run "
                        "`workbench ingest` or `workbench db upgrade` with this --db first")
            elif version < SCHEMA_VERSION and not migrate:
                raise StoreError(
                    f"{self.describe()} has schema version {version}; this workbench needs "
                    f"{SCHEMA_VERSION}: run `workbench db upgrade --db URL` once (every "
                    "reviewer then needs this workbench version)")
            if version < SCHEMA_VERSION and (version == 0 or migrate):
                upgrade(conn, SCHEMA_VERSION)
        except BaseException:
            conn.close()
            raise
        return conn


def reset_identities(conn: PgConnection, tables: Sequence[str]) -> None:
    """After rows were copied with their ids: each table's identity continues after its
    largest id (else the next insert would collide with a copied row)."""
    for table in tables:
        row = conn._run("SELECT pg_get_serial_sequence(%s, 'id') FROM information_schema.columns"
                        " WHERE table_schema = current_schema() AND table_name = %s"
                        " AND column_name = 'id'", (table, table)).fetchone()
        if row and row[0]:
            seq = row[0]
            conn._run(f"SELECT setval(%s, GREATEST((SELECT MAX(id) FROM {table}), 1))",
                      (seq,))
