"""The Glossary page in real headless Chromium (issue 14, item 10): find a concept by any of
its forms, add a form beside it (a form folding to an existing key refused with it named),
rename, delete, add a new concept, each save saying what changed."""

from __future__ import annotations

from pathlib import Path

from projects import build_project
from server import idle, serving

GLOSSARY = """concept,lang,term,status,note
putin,fr,Vladimir Poutine,preferred,
putin,en,Vladimir Putin,preferred,
shoigu,fr,Choïgou,preferred,
shoigu,fr,Choïgu,variant,
shoigu,en,Shoigu,preferred,
macron,fr,Emmanuel Macron,preferred,
macron,en,Emmanuel Macron,preferred,
"""


def _type(page, box, text: str) -> None:
    """Fill a text input and commit it with Enter, then wait for the rerun."""
    box.fill(text)
    box.press("Enter")
    idle(page)


def test_find_add_rename_delete_in_the_browser(tmp_path: Path, browser) -> None:
    from playwright.sync_api import expect

    root = build_project(tmp_path / "proj")
    (root / "glossaries").mkdir()
    csv = root / "glossaries" / "names.csv"
    csv.write_text(GLOSSARY, encoding="utf-8")
    with serving(root, tmp_path) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{url}/glossary", wait_until="domcontentloaded")
        find = page.get_by_label("Find a concept")
        expect(find).to_be_visible(timeout=60_000)
        _type(page, find, "Schoigu")  # a transliteration finds the concept
        card = page.locator(".st-key-gl_card_shoigu")
        expect(card).to_be_visible(timeout=30_000)
        expect(page.locator(".st-key-gl_card_putin")).to_have_count(0)
        expect(card.locator("input[type=text]").first).to_have_value("Choïgou")

        _type(page, card.get_by_label("New form"), "Choigu")
        card.get_by_role("button", name="Add").click()
        expect(page.get_by_text("“Choigu” was not added: it folds to the same key as "
                                "“Choïgu” (shoigu, fr)")).to_be_visible(timeout=30_000)
        assert csv.read_text(encoding="utf-8") == GLOSSARY

        idle(page)
        card = page.locator(".st-key-gl_card_shoigu")
        _type(page, card.get_by_label("New form"), "Shoygou")
        card.get_by_role("button", name="Add").click()
        expect(page.get_by_text("Saved names.csv: shoigu (fr): “Shoygou” added as variant."
                                )).to_be_visible(timeout=30_000)
        rows = csv.read_text(encoding="utf-8").splitlines()
        assert rows.index("shoigu,fr,Shoygou,variant,") == rows.index("shoigu,en,Shoigu,preferred,") + 1

        idle(page)
        row = page.locator(".st-key-gl_form_shoigu_1")  # Choïgu
        _type(page, row.locator("input[type=text]"), "Choïgue")
        page.locator(".st-key-gl_form_shoigu_1").get_by_role("button", name="Rename").click()
        expect(page.get_by_text("shoigu (fr): “Choïgu” renamed “Choïgue”")).to_be_visible(
            timeout=30_000)
        idle(page)
        page.locator(".st-key-gl_form_shoigu_1").get_by_role("button", name="Delete").click()
        expect(page.get_by_text("shoigu (fr): “Choïgue” deleted")).to_be_visible(timeout=30_000)
        assert [r for r in csv.read_text(encoding="utf-8").splitlines() if "shoigu" in r] == [
            "shoigu,fr,Choïgou,preferred,", "shoigu,en,Shoigu,preferred,",
            "shoigu,fr,Shoygou,variant,"]

        idle(page)  # a new concept, its preferred form per language, from the page
        page.get_by_role("button", name="New concept").click()
        page.get_by_label("Preferred form (fr)").fill("Antony Blinken")
        page.get_by_label("Preferred form (en)").fill("Antony Blinken")
        page.get_by_role("button", name="Add concept").click()
        expect(page.get_by_text("Saved names.csv: antony-blinken (fr): “Antony Blinken” added "
                                "as preferred; antony-blinken (en)")).to_be_visible(timeout=30_000)
        expect(page.locator(".st-key-gl_card_antony-blinken")).to_be_visible(timeout=30_000)
        assert csv.read_text(encoding="utf-8").splitlines()[-2:] == [
            "antony-blinken,fr,Antony Blinken,preferred,",
            "antony-blinken,en,Antony Blinken,preferred,"]
        page.screenshot(path=str(tmp_path / "glossary.png"))
