"""Fixtures for the app tests: a small project and AppTest runners."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from projects import MAIN, XSS, build_project  # noqa: E402


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    return build_project(tmp_path / "proj", extra=[(XSS, XSS)])


@pytest.fixture
def app_at(project_dir: Path):
    """Start an AppTest of the whole app on ``project_dir`` at page ``name``."""
    from streamlit.testing.v1 import AppTest

    def start(page: str = "review", timeout: float = 30) -> AppTest:
        at = AppTest.from_file(MAIN, default_timeout=timeout)
        at.session_state["project_root"] = str(project_dir)
        at.run()
        if page != "review":
            at.switch_page(f"views/{page}.py")
            at.run()
        return at

    return start
