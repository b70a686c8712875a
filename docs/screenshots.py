"""The README's screenshots, at 1440×900 in headless Chromium on the seeds project.

    python docs/screenshots.py          # writes docs/review.png and docs/glossary.png

Builds the seeds project as the README's first command does (``workbench run seeds/
-g glossaries/seeds.csv --no-serve``, Apertium) in a temporary folder, serves it on a
free port and takes: the Review page as it opens (cursor in the first segment), and the
Glossary page with the concept found by one of its forms.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "app")]

from fixtures.seeds_project import build_seeds_project  # noqa: E402
from server import chromium, idle, serving  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = build_seeds_project(Path(tmp) / "workbench-project")
        with serving(root, Path(tmp)) as url, chromium() as browser:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{url}/review", wait_until="domcontentloaded")
            page.wait_for_function("() => document.activeElement && "
                                   "document.activeElement.tagName === 'TEXTAREA'", timeout=120_000)
            idle(page, 60_000, 1500)
            page.screenshot(path=str(ROOT / "docs" / "review.png"))
            page.goto(f"{url}/glossary", wait_until="domcontentloaded")
            find = page.get_by_label("Find a concept")
            find.wait_for(timeout=60_000)
            find.fill("Schoigu")
            find.press("Enter")
            page.locator(".st-key-gl_card_shoigu").wait_for(timeout=60_000)
            idle(page, 60_000, 1500)
            page.screenshot(path=str(ROOT / "docs" / "glossary.png"))
    print("wrote docs/review.png and docs/glossary.png")


if __name__ == "__main__":
    main()
