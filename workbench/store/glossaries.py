"""Versioned glossaries (table ``glossary_versions``): every save of a glossary is a new
version (its whole content as canonical CSV text, its digest, author and time); reading
gives the newest. A save based on an older version than the newest is refused as a
conflict, never written over it, as with reviews. Parsing and validating the content is
:mod:`workbench.glossary`'s business; the store keeps the text."""

from __future__ import annotations

from typing import NamedTuple

from workbench.errors import ConflictError
from workbench.store.db import Database


class GlossaryVersion(NamedTuple):
    """One saved version of a glossary."""

    name: str
    version: int
    content: str  # the glossary as canonical CSV text
    digest: str  # the glossary's sha256 (what translations made with it record)
    author: str
    created_at: str


_COLUMNS = "name, version, content, digest, author, created_at"


class Glossaries(Database):
    """Queries of the table ``glossary_versions``."""

    def glossary_names(self) -> list[str]:
        """The names of the project's glossaries, sorted."""
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT name FROM glossary_versions ORDER BY name")]

    def glossary_version(self, name: str, version: int | None = None) -> GlossaryVersion | None:
        """Version ``version`` of glossary ``name`` (the newest when ``None``), or ``None``."""
        if version is None:
            row = self.conn.execute(f"SELECT {_COLUMNS} FROM glossary_versions WHERE name = ? "
                                    "ORDER BY version DESC LIMIT 1", (name,)).fetchone()
        else:
            row = self.conn.execute(f"SELECT {_COLUMNS} FROM glossary_versions WHERE name = ? "
                                    "AND version = ?", (name, version)).fetchone()
        return None if row is None else GlossaryVersion(*row)

    def newest_glossaries(self, *, content: bool = True) -> list[GlossaryVersion]:
        """The newest version of every glossary, by name (``content=False``: without their
        content, ``''``, to see cheaply whether anything changed)."""
        cols = [f"g.{c}" if c != "content" or content else "'' AS content"
                for c in _COLUMNS.split(", ")]
        return [GlossaryVersion(*r) for r in self.conn.execute(
            f"""SELECT {', '.join(cols)}
                FROM glossary_versions g
                JOIN (SELECT name, MAX(version) AS newest FROM glossary_versions
                      GROUP BY name) AS n ON n.name = g.name AND n.newest = g.version
                ORDER BY g.name""")]

    def glossary_history(self, name: str) -> list[GlossaryVersion]:
        """Every version of glossary ``name``, oldest first."""
        return [GlossaryVersion(*r) for r in self.conn.execute(
            f"SELECT {_COLUMNS} FROM glossary_versions WHERE name = ? ORDER BY version",
            (name,))]

    def save_glossary_version(self, name: str, content: str, digest: str, *,
                              expected_version: int | None, author: str = ""
                              ) -> tuple[GlossaryVersion, bool]:
        """Save ``content`` as the next version of glossary ``name``; returns the newest
        version and whether it was written now (content equal to the newest, whatever the
        version the edit started from: nothing new).

        ``expected_version`` is the version the edit started from (``None``: a new
        glossary). When another save came in between, :class:`ConflictError` says so in
        one line and nothing is written; an account whose role may not edit the glossary
        gets :class:`~workbench.errors.NotAllowedError`. ``author`` defaults to the actor."""
        self.require("glossary")
        author = author or self.author
        with self.transaction() as conn:  # writers take turns: read, check, write
            row = conn.execute(f"SELECT {_COLUMNS} FROM glossary_versions WHERE name = ? "
                               "ORDER BY version DESC LIMIT 1", (name,)).fetchone()
            newest = None if row is None else GlossaryVersion(*row)
            current = None if newest is None else newest.version
            if newest is not None and newest.content == content:
                return newest, False  # already so (saved meanwhile with the same content)
            if current != expected_version:
                based = "a new glossary" if expected_version is None else \
                    f"version {expected_version}"
                by = "" if newest is None else \
                    f" by {newest.author or 'someone'} at {newest.created_at}"
                raise ConflictError(
                    f"glossary {name} was changed meanwhile (now version {current}{by}; your "
                    f"edit was based on {based}); nothing was saved: reload it and redo the edit")
            version = (current or 0) + 1
            conn.execute("INSERT INTO glossary_versions (name, version, content, digest, author)"
                         " VALUES (?, ?, ?, ?, ?)", (name, version, content, digest, author))
            saved = conn.execute(f"SELECT {_COLUMNS} FROM glossary_versions WHERE name = ? "
                                 "AND version = ?", (name, version)).fetchone()
        return GlossaryVersion(*saved), True
