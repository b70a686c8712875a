"""Who may do what: the roles, their permissions, and the check the store's writes call.

A project is opened for an *actor*: the author recorded with every version it writes
and, for an account, its role. An actor without a role (command-line work, named after
the operating-system user; the app on 127.0.0.1 with no accounts) may do everything, as
a single user always could. An account may do what its role allows:

- ``reviewer`` edits and approves the documents assigned to them (every document when
  the lead assigned none to anyone);
- ``lead`` also assigns documents, edits the glossary and exports;
- ``admin`` also manages accounts.

A refused action raises :class:`~workbench.errors.NotAllowedError` with one line.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from workbench.errors import NotAllowedError

ROLES = ("reviewer", "lead", "admin")
#: What each role may do (a role may do what the roles before it may).
PERMISSIONS = {
    "reviewer": frozenset({"review"}),
    "lead": frozenset({"review", "assign", "glossary", "export"}),
    "admin": frozenset({"review", "assign", "glossary", "export", "accounts"}),
}
#: How a refusal names each action.
_ACTIONS = {"review": "edit reviews", "assign": "assign documents",
            "glossary": "edit the glossary", "export": "export",
            "accounts": "manage accounts"}


@dataclass(frozen=True)
class Actor:
    """Who is working on an open project: ``name`` is recorded as the author of what they
    write; ``role`` is an account's role, ``None`` for work without an account
    (unrestricted)."""

    name: str
    role: str | None = None


def may(role: str, action: str) -> bool:
    """Whether an account with ``role`` may ``action`` (``review``, ``assign``,
    ``glossary``, ``export``, ``accounts``)."""
    return action in PERMISSIONS.get(role, frozenset())


def assigned_documents(conn: sqlite3.Connection, name: str) -> set[int] | None:
    """The documents assigned to account ``name``; ``None`` when the lead assigned none to
    anyone (then every reviewer may review every document)."""
    if conn.execute("SELECT 1 FROM assignments LIMIT 1").fetchone() is None:
        return None
    return {int(r[0]) for r in conn.execute(
        "SELECT a.document_id FROM assignments a JOIN accounts c ON c.id = a.account_id "
        "WHERE c.name = ?", (name,))}


def check(conn: sqlite3.Connection, actor: Actor, action: str,
          document_ids: Iterable[int] = ()) -> None:
    """Raise :class:`NotAllowedError` unless ``actor`` may ``action`` (on ``document_ids``,
    for ``review``)."""
    if actor.role is None:
        return
    if not may(actor.role, action):
        who = "an admin" if action == "accounts" else "a lead"
        raise NotAllowedError(f"{actor.name} ({actor.role}) may not "
                              f"{_ACTIONS.get(action, action)}; ask {who}")
    if action != "review" or actor.role != "reviewer":
        return
    wanted = set(document_ids)
    if not wanted:
        return
    mine = assigned_documents(conn, actor.name)
    if mine is None:
        return
    others = sorted(wanted - mine)
    if others:
        raise NotAllowedError(f"document {', '.join(map(str, others))} is not assigned to "
                              f"{actor.name}; ask a lead to assign it")
