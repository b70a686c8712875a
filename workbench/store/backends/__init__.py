"""Where a project's database lives: one :class:`Backend` per dialect, chosen from a URL.

Two thin dialect modules rather than an ORM or SQLAlchemy Core: the store's SQL is
written once, in SQLite's dialect (what every project has used so far), and
:mod:`~workbench.store.backends.postgresql` hands PostgreSQL a translation of it
through a connection with the same small API as :mod:`sqlite3` (``execute``,
``executemany``, rows by index and by name, ``lastrowid``, ``BEGIN IMMEDIATE``).
So SQL moved into the store keeps working on both, and the SQLite path stays
exactly what it was.

URLs: ``sqlite:///PATH`` (default: ``<project folder>/workbench.sqlite``) or
``postgresql://user@host:port/dbname`` (any libpq URL). ``--db URL`` on a command,
else the ``WORKBENCH_DB`` environment variable, else the default.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Protocol

from workbench.errors import InputError

#: The environment variable holding the database URL (``--db`` sets it too).
DB_ENV = "WORKBENCH_DB"
SQLITE_FILE = "workbench.sqlite"


class Backend(Protocol):
    """One database a project can live in. :class:`~workbench.store.Project` opens an
    SQLite file itself (today's code path); a server backend's ``connect(create=...)``
    gives it a connection with :mod:`sqlite3`'s API."""

    #: ``sqlite`` or ``postgresql``: the dialect the store's SQL is run in.
    name: str

    def describe(self) -> str:
        """Where the database is, for messages (no password)."""


def resolve_url(url: str | None) -> str | None:
    """The URL in force: ``url``, else ``WORKBENCH_DB``, else ``None`` (the default file)."""
    return url or os.environ.get(DB_ENV) or None


def open_backend(url: str | None, root: Path) -> Backend:
    """The backend of ``url`` (or ``WORKBENCH_DB``); the project folder's SQLite file when
    neither is given. An unknown scheme is one clear :class:`InputError`."""
    url = resolve_url(url)
    if url is None:
        from workbench.store.backends.sqlite import SqliteBackend

        return SqliteBackend(root / SQLITE_FILE)
    scheme = url.split(":", 1)[0].lower()
    if scheme == "sqlite":
        from workbench.store.backends.sqlite import SqliteBackend

        return SqliteBackend.from_url(url)
    if scheme in ("postgresql", "postgres"):
        from workbench.store.backends.postgresql import PostgresBackend

        return PostgresBackend(url)
    raise InputError(f"unknown database URL {redact(url)!r}: use sqlite:///PATH or "
                     "postgresql://user@host:port/dbname")


def check_url(url: str) -> None:
    """Refuse a URL of no known scheme (one clear line), without connecting."""
    open_backend(url, Path("."))


def redact(url: str) -> str:
    """``url`` without its password."""
    import re

    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def upgrade_database(root: Path, url: str | None = None) -> tuple[str, int, int]:
    """Bring the project database (``url``, else ``WORKBENCH_DB``, else ``root``'s SQLite
    file) to this workbench's schema; returns ``(where, version before, version after)``.
    An empty PostgreSQL database gets the whole schema; a newer schema is refused."""
    backend = open_backend(url, root)
    if backend.name == "sqlite":
        import sqlite3

        from workbench.store import Project

        path = backend.path  # type: ignore[attr-defined]
        before = 0
        if path.exists():
            with contextlib.closing(sqlite3.connect(path)) as conn:
                with contextlib.suppress(sqlite3.Error):
                    before = conn.execute("PRAGMA user_version").fetchone()[0]
        with Project(root, create=False, db=f"sqlite:///{path}") as project:
            return backend.describe(), before, project.schema_version
    from workbench.store.backends.postgresql import PgConnection, schema_version

    with contextlib.closing(PgConnection(backend.url)) as conn:  # type: ignore[attr-defined]
        before = schema_version(conn)
    conn = backend.connect(create=True, migrate=True)  # type: ignore[call-arg]
    try:
        return backend.describe(), before, schema_version(conn)
    finally:
        conn.close()
