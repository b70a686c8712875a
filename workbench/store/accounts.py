"""Accounts and document assignments (tables of schema 6): the SQL only; password
hashing lives in :mod:`workbench.accounts`, who may do what in
:mod:`workbench.store.policy` (checked here: managing accounts, assigning)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from workbench.errors import InputError, NotFoundError
from workbench.store import Project
from workbench.store.db import marks
from workbench.store.policy import assigned_documents as _assigned


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str
    disabled: bool
    created_at: str
    password_hash: str = ""


def _account(row: Sequence) -> Account:
    return Account(id=int(row[0]), name=row[1], role=row[2], disabled=bool(row[3]),
                   created_at=row[4], password_hash=row[5])


_COLUMNS = "id, name, role, disabled, created_at, password_hash"


def add_account(project: Project, name: str, role: str, password_hash: str) -> int:
    """A new account; :class:`InputError` when the name is taken."""
    project.require("accounts")
    with project.transaction() as conn:
        if conn.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
            raise InputError(f"an account named {name!r} exists already")
        return int(conn.execute(
            "INSERT INTO accounts (name, role, password_hash) VALUES (?, ?, ?)",
            (name, role, password_hash)).lastrowid)


def account(project: Project, name: str) -> Account | None:
    row = project.conn.execute(f"SELECT {_COLUMNS} FROM accounts WHERE name = ?",
                               (name,)).fetchone()
    return None if row is None else _account(row)


def accounts(project: Project) -> list[Account]:
    """Every account, oldest first (hashes included: callers never show them)."""
    return [_account(r) for r in project.conn.execute(
        f"SELECT {_COLUMNS} FROM accounts ORDER BY id")]


def active_accounts(project: Project) -> int:
    """How many accounts can log in."""
    return project.conn.execute("SELECT COUNT(*) FROM accounts WHERE disabled = 0").fetchone()[0]


def set_disabled(project: Project, name: str, disabled: bool = True) -> None:
    project.require("accounts")
    with project.transaction() as conn:
        cur = conn.execute("UPDATE accounts SET disabled = ? WHERE name = ?",
                           (int(disabled), name))
        if cur.rowcount == 0:
            raise NotFoundError(f"no account named {name!r}")


def set_password_hash(project: Project, name: str, password_hash: str) -> None:
    """Store a re-computed hash (Argon2 parameters raised since it was made)."""
    with project.transaction() as conn:
        conn.execute("UPDATE accounts SET password_hash = ? WHERE name = ?",
                     (password_hash, name))


# -- assignments -----------------------------------------------------------------------------


def assign(project: Project, document_ids: Sequence[int], names: Sequence[str],
           assigned_by: str | None = None) -> int:
    """Assign each document to each named account (again: no change); returns rows added.
    ``assigned_by``: default the project's actor, who needs the ``assign`` permission."""
    project.require("assign")
    assigned_by = project.author if assigned_by is None else assigned_by
    with project.transaction() as conn:
        ids = []
        for name in names:
            row = conn.execute("SELECT id FROM accounts WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise NotFoundError(f"no account named {name!r}")
            ids.append(row[0])
        added = 0
        for doc in document_ids:
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc,)).fetchone() is None:
                raise NotFoundError(f"no document with id {doc}")
            for account_id in ids:
                added += conn.execute(
                    "INSERT INTO assignments (document_id, account_id, assigned_by) "
                    "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (doc, account_id, assigned_by)).rowcount
        return added


def unassign(project: Project, document_ids: Sequence[int], names: Sequence[str]) -> int:
    project.require("assign")
    with project.transaction() as conn:
        removed = 0
        for doc in document_ids:
            for name in names:
                removed += conn.execute(
                    "DELETE FROM assignments WHERE document_id = ? AND account_id = "
                    "(SELECT id FROM accounts WHERE name = ?)", (doc, name)).rowcount
        return removed


def assignments(project: Project) -> pl.DataFrame:
    """Who has what: ``document_id``, ``account`` (name), ``assigned_by``, ``assigned_at``."""
    return project.frame(
        """SELECT a.document_id, c.name AS account, a.assigned_by, a.assigned_at
           FROM assignments a JOIN accounts c ON c.id = a.account_id
           ORDER BY a.document_id, c.name""")


def assigned_documents(project: Project, name: str) -> set[int] | None:
    """The documents assigned to ``name``; ``None`` when the lead assigned none to anyone
    (then every reviewer sees every document)."""
    return _assigned(project.conn, name)


# -- who did what ----------------------------------------------------------------------------


def edit_activity(project: Project, target_lang: str) -> pl.DataFrame:
    """Per author of ``target_lang`` reviewers' edits (the app's and undo; not imports or
    the normaliser): ``edits``, distinct ``segments``, ``approvals``, ``first`` and
    ``last`` edit time."""
    return project.frame(
        """SELECT author, COUNT(*) AS edits, COUNT(DISTINCT segment_id) AS segments,
                  COALESCE(SUM(new_status = 'approved'), 0) AS approvals,
                  MIN(at) AS first, MAX(at) AS last
           FROM edits
           WHERE target_lang = ? AND origin IN ('reviewer', 'undo', '')
             AND author NOT LIKE 'import:%'
           GROUP BY author ORDER BY author""", (target_lang,))


def documents_edited_by(project: Project, target_lang: str, authors: Sequence[str]) -> list[int]:
    """Ids of the documents with a ``target_lang`` edit by one of ``authors``, in id order:
    where their final texts can be (the rest of an archive need not be read)."""
    if not authors:
        return []
    return [r[0] for r in project.conn.execute(
        f"""SELECT DISTINCT s.document_id FROM edits e JOIN segments s ON s.id = e.segment_id
            WHERE e.target_lang = ? AND e.author IN ({marks(authors)})
            ORDER BY s.document_id""", (target_lang, *authors))]


def latest_authors(project: Project, target_lang: str) -> pl.DataFrame:
    """``segment_id`` → ``author`` of its newest ``target_lang`` edit (who the final text is
    from)."""
    return project.frame(
        """SELECT e.segment_id, e.author FROM edits e
           WHERE e.target_lang = ? AND e.id = (SELECT MAX(e2.id) FROM edits e2
                 WHERE e2.segment_id = e.segment_id AND e2.target_lang = e.target_lang)
           ORDER BY e.segment_id""", (target_lang,))
