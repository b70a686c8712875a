"""Alignment tests see only the dictionaries they name (never /usr/share/dictd) and cache
lexicons in their own temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

FREEDICT = Path(__file__).resolve().parents[1] / "data" / "freedict"


@pytest.fixture(autouse=True)
def _no_system_dictionaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_DICT_DIRS", "")
    monkeypatch.setenv("WORKBENCH_CACHE", str(tmp_path / "cache"))
