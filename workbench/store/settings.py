"""Project settings (table ``settings``), e.g. the glossary folder a project was run with."""

from __future__ import annotations

from pathlib import Path

from workbench.store.db import Database


class Settings(Database):
    """Queries of the table ``settings``."""


    def setting(self, key: str) -> str | None:
        """A project setting (``None`` when unset), e.g. ``glossary_dir``."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    @property
    def glossary_dir(self) -> Path:
        """The folder of the project's glossary CSVs: the one it was last run or served with
        (``glossary_dir`` setting), else ``<project>/glossaries``. The review app edits the
        CSVs there and ``workbench import X.tbx`` adds to it."""
        return Path(self.setting("glossary_dir") or self.root / "glossaries")

