"""Fixtures for the app tests: a small project, AppTest runners, headless Chromium."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from projects import MAIN, XSS, build_project  # noqa: E402
from server import CHROMIUM, chromium  # noqa: E402


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


@pytest.fixture(scope="session")
def chromium_exe() -> Path:
    """Debian's Chromium; a test that needs it is skipped where it is missing (session
    scope: checked before any module-scoped server of the test starts)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    return CHROMIUM


@pytest.fixture
def browser(chromium_exe: Path):
    """Headless Chromium, a Playwright ``Browser`` (each ``new_page`` or ``new_context``
    its own cookies and storage); closed after the test, whatever happened."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def context(chromium_exe: Path, tmp_path: Path):
    """One persistent browser context at 1440×900 on a fresh profile in ``tmp_path``: its
    pages share cookies and localStorage, as tabs of one browser do; closed after the test."""
    with chromium(tmp_path / "profile", viewport={"width": 1440, "height": 900}) as ctx:
        yield ctx
