"""``workbench serve`` in a subprocess on a free port, and Debian's headless Chromium
through Playwright: one place for the browser tests (tests/app/conftest.py wraps these
in fixtures), the Review benchmark and docs/screenshots.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from projects import stop_group

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(root: Path, home: Path, wait_s: float = 120) -> Iterator[str]:
    """The review app on ``root`` on a free port of 127.0.0.1 (Streamlit's ~/.streamlit
    under ``home``); yields its URL once healthy and stops the whole process group
    afterwards, killing it if it does not end (:func:`projects.stop_group`)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench", "serve", "--project", str(root), "--port", str(port),
         "--no-browser"], env={**os.environ, "HOME": str(home)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("workbench serve did not start: "
                                       + proc.stdout.read1(20000).decode(errors="replace"))
                time.sleep(0.5)
        yield url
    finally:
        stop_group(proc)


@contextmanager
def chromium(profile: Path | None = None, **options) -> Iterator[Browser | BrowserContext]:
    """Headless Debian Chromium: a Playwright ``Browser`` (each ``new_page`` in a context
    of its own), or with ``profile`` a persistent ``BrowserContext`` in that folder (its
    pages share cookies and storage; ``options`` such as ``viewport`` go to it). Closed,
    and Playwright's driver stopped, on the way out, whatever happened."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        if profile is None:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS,
                                         headless=True, **options)
        else:
            browser = pw.chromium.launch_persistent_context(
                str(profile), executable_path=str(CHROMIUM), args=ARGS, headless=True,
                **options)
        try:
            yield browser
        finally:
            browser.close()


def idle(page: Page, timeout: float = 30_000, settle: float = 400) -> None:
    """Wait until the app's rerun is over (Streamlit's running icon gone), then ``settle``
    ms more: a key pressed or a click made during a rerun can land before the new page
    binds its handlers (seen under load)."""
    from playwright.sync_api import expect

    expect(page.locator('[data-testid="stStatusWidgetRunningIcon"]')).to_have_count(
        0, timeout=timeout)
    page.wait_for_timeout(settle)
