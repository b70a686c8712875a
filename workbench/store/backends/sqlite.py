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
        """``sqlite:///abs/path.sqlite`` or ``sqlite:///./relative.sqlite``."""
        rest = url.split(":", 1)[1]
        if not rest.startswith("//") or len(rest) <= 3:
            raise InputError(f"bad SQLite URL {url!r}: use sqlite:///PATH")
        path = rest[2:]
        return cls(Path(path[1:] if path.startswith("/./") else path))

    def describe(self) -> str:
        return str(self.path)

    def connect(self, *, create: bool):  # pragma: no cover - Project opens SQLite itself
        raise NotImplementedError("Project opens SQLite files itself")
