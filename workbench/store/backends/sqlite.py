"""The SQLite backend: one file, today's behaviour (the connection itself is opened by
:class:`~workbench.store.Project`, with WAL, foreign keys and a busy timeout)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError


@dataclass(frozen=True)
class SqliteBackend:
    """A project database in the SQLite file ``path``."""

    path: Path
    name: str = "sqlite"

    @classmethod
    def from_url(cls, url: str) -> SqliteBackend:
        """SQLAlchemy's convention: ``sqlite:///relative/path.sqlite`` (three slashes) or
        ``sqlite:////absolute/path.sqlite`` (four)."""
        if not url.lower().startswith("sqlite:///") or len(url) <= len("sqlite:///"):
            raise InputError(f"bad SQLite URL {url!r}: use sqlite:///PATH")
        return cls(Path(url[len("sqlite:///"):]))

    def describe(self) -> str:
        return str(self.path)
