"""Copying a whole project from one database to another (``workbench db migrate``), e.g.
a one-person SQLite project onto the team's PostgreSQL server.

Every table of the schema is copied with its ids (documents and their versions,
paragraphs, segments, translations, the MT cache, alignments and beads, reviews with
their edit history, settings, the memory, accounts, glossaries), in one transaction on
the target: a failure leaves the target as it was. Derived indexes are rebuilt by the
target itself (SQLite's FTS5 tables are not copied; PostgreSQL computes its tsvector).

Each table is compared by row count and an order-independent checksum (the sum of a
SHA-256 per row, so SQLite's and PostgreSQL's sort orders do not matter). Tables that
already match are left alone, so running the copy again changes nothing; a target
holding other rows is refused, never merged into.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from workbench.errors import InputError
from workbench.store import Project

#: Tables in the order their foreign keys need; tables added by later migrations and not
#: named here are copied after these, alphabetically.
TABLE_ORDER = ("documents", "paragraphs", "segments", "segment_codes", "translations",
               "translation_memory", "alignments", "beads", "reviews", "edits", "settings",
               "memory_units", "accounts", "assignments", "glossary_versions")
#: Tables that are derived (rebuilt by the target) or bookkeeping of one backend.
SKIPPED_PREFIXES = ("sqlite_", "memory_fts", "memory_vocab", "workbench_schema")
_CHUNK = 5_000
_MOD = 1 << 256


@dataclass
class TableCopy:
    """One table: rows and checksum on each side after the copy, rows written now."""

    table: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str
    copied: int = 0

    @property
    def matches(self) -> bool:
        return (self.source_rows, self.source_sum) == (self.target_rows, self.target_sum)


@dataclass
class CopyReport:
    source: str
    target: str
    tables: list[TableCopy] = field(default_factory=list)

    @property
    def copied(self) -> int:
        return sum(t.copied for t in self.tables)

    @property
    def matches(self) -> bool:
        return all(t.matches for t in self.tables)


def tables(project: Project) -> list[str]:
    """The project's tables to copy, in :data:`TABLE_ORDER`."""
    if project.dialect == "sqlite":
        names = [r[0] for r in project.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
    else:
        names = [r[0] for r in project.conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")]
    names = [n for n in names if not n.startswith(SKIPPED_PREFIXES)]
    known = [t for t in TABLE_ORDER if t in names]
    return known + sorted(set(names) - set(known))


def columns(project: Project, table: str) -> list[str]:
    """The stored (not generated) columns of ``table``."""
    if project.dialect == "sqlite":
        return [r[1] for r in project.conn.execute(f"PRAGMA table_info({table})")]
    return [r[0] for r in project.conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = ? AND is_generated = 'NEVER' "
        "ORDER BY ordinal_position", (table,))]


def checksum(project: Project, table: str, cols: Sequence[str]) -> tuple[int, str]:
    """``(rows, checksum)`` of ``cols`` of ``table``, independent of row order."""
    total, n = 0, 0
    cur = project.conn.execute(f"SELECT {', '.join(cols)} FROM {table}")
    while rows := cur.fetchmany(_CHUNK):
        for row in rows:
            blob = json.dumps(list(row), ensure_ascii=False, default=str).encode()
            total = (total + int.from_bytes(hashlib.sha256(blob).digest(), "big")) % _MOD
            n += 1
    return n, f"{total:064x}"[:16]


def copy_project(source: Project, target: Project) -> CopyReport:
    """Copy every table of ``source`` into ``target`` (same schema version), in one
    transaction; tables already equal are skipped. :class:`InputError` when the target
    holds rows the source does not have (another project)."""
    if source.schema_version != target.schema_version:
        raise InputError(f"schema versions differ ({source.schema_version} and "
                         f"{target.schema_version}): run `workbench db upgrade` on both first")
    report = CopyReport(str(source.db_path), str(target.db_path))
    plan: list[tuple[str, list[str], tuple[int, str]]] = []
    for table in tables(source):
        cols = columns(source, table)
        missing = set(cols) - set(columns(target, table))
        if missing:
            raise InputError(f"the target's table {table} lacks {', '.join(sorted(missing))}")
        plan.append((table, cols, checksum(source, table, cols)))
    with target.transaction() as conn:
        for table, cols, (n, total) in plan:
            before = checksum(target, table, cols)
            copied = 0
            if before != (n, total):
                if before[0] >= n:
                    raise InputError(
                        f"{target.db_path} already holds other data in {table} ({before[0]} "
                        f"rows, the source has {n}); nothing was copied: use an empty database")
                insert = (f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
                          f"({', '.join('?' * len(cols))}) ON CONFLICT DO NOTHING")
                cur = source.conn.execute(f"SELECT {', '.join(cols)} FROM {table}")
                while rows := cur.fetchmany(_CHUNK):
                    conn.executemany(insert, [tuple(r) for r in rows])
                copied = n - before[0]
            after = checksum(target, table, cols)
            report.tables.append(TableCopy(table, n, after[0], total, after[1], copied))
        if not report.matches:
            bad = ", ".join(t.table for t in report.tables if not t.matches)
            raise InputError(f"{target.db_path} already holds other data in {bad}; nothing was "
                             "copied: use an empty database")
        if target.dialect == "postgresql":
            from workbench.store.backends.postgresql import reset_identities

            reset_identities(conn, [t.table for t in report.tables if t.copied])
    return report
