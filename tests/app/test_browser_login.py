"""Accounts in real headless Chromium, on PostgreSQL: the login (wrong password refused),
a lead assigns a document, the reviewer then sees only that one; the browser session
expiring and failed logins being rate-limited are checked without a browser."""

from __future__ import annotations

from playwright.sync_api import expect

from projects import SENTENCES, add_translated_document
from server import idle, serving

from workbench.accounts import LoginThrottle, add_user
from workbench.store import Project


def _login(page, url: str, name: str, password: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible(timeout=90_000)
    page.locator(".st-key-login_name input").fill(name)
    page.locator(".st-key-login_password input").fill(password)
    page.get_by_role("button", name="Log in").click()


def _logged_in(page, who: str) -> None:
    """Logged in, and the login's cookie set (so that a reload keeps it)."""
    expect(page.get_by_text(f"Signed in as {who}")).to_be_visible(timeout=60_000)
    page.wait_for_function("document.cookie.includes('wb_session=')", timeout=30_000)


def _pick(page, key: str, text: str) -> None:
    box = page.locator(f".st-key-{key} input")
    box.click()
    box.fill(text)
    page.get_by_role("option", name=text).first.click()
    page.keyboard.press("Escape")
    idle(page)


def test_login_assignment_and_what_a_reviewer_sees(tmp_path, pg_url, monkeypatch, browser):
    monkeypatch.setenv("WORKBENCH_DB", pg_url)
    root = tmp_path / "proj"
    with Project(root) as p:
        add_translated_document(p, "Alpha", SENTENCES[:3])
        beta = add_translated_document(p, "Beta", SENTENCES[3:])
        add_user(p, "lea", "lead", "lead-password")
        add_user(p, "ana", "reviewer", "reviewer-password")
    with serving(root, tmp_path) as url:
        lead = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        _login(lead, url, "ana", "not-her-password")
        expect(lead.get_by_text("Wrong name or password.")).to_be_visible(timeout=30_000)
        _login(lead, url, "lea", "lead-password")
        _logged_in(lead, "lea (lead)")
        lead.goto(f"{url}/documents", wait_until="domcontentloaded")
        expect(lead.locator(".st-key-doc_assign_docs")).to_be_visible(timeout=60_000)
        idle(lead)
        _pick(lead, "doc_assign_docs", f"{beta} · Beta")
        _pick(lead, "doc_assign_to", "ana")
        lead.get_by_role("button", name="Assign", exact=True).click()
        expect(lead.get_by_text("assigned 1 document(s) to ana (1 new)")).to_be_visible(
            timeout=30_000)

        reviewer = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        _login(reviewer, url, "ana", "reviewer-password")
        _logged_in(reviewer, "ana (reviewer)")
        reviewer.goto(f"{url}/review", wait_until="domcontentloaded")
        picker = reviewer.locator(".st-key-rv_doc")
        expect(picker.locator("input")).to_have_value(f"{beta} · Beta", timeout=60_000)
        idle(reviewer)
        picker.locator("input").click()
        options = reviewer.get_by_role("option")
        expect(options).to_have_count(1, timeout=10_000)
        expect(options.first).to_contain_text("Beta")
        # A reviewer gets no Export or Glossary page; the lead does.
        nav = reviewer.locator('[data-testid="stSidebarNav"]')
        expect(nav).to_contain_text("Review")
        expect(nav).not_to_contain_text("Export")
        expect(lead.locator('[data-testid="stSidebarNav"]')).to_contain_text("Export")
    with Project(root) as p:
        from workbench.store.accounts import assignments

        rows = assignments(p).to_dicts()
    assert [(r["document_id"], r["account"], r["assigned_by"]) for r in rows] == [
        (beta, "ana", "lea")]


def test_failed_logins_are_rate_limited_per_name():
    now = [1000.0]
    throttle = LoginThrottle(max_failures=3, window_s=60, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.wait_s("ana") == 0
        throttle.failed("Ana ")
    assert throttle.wait_s("ana") == 60  # the fourth try is refused, password unchecked
    assert throttle.wait_s("ben") == 0  # others are not
    now[0] += 61
    assert throttle.wait_s("ana") == 0
    throttle.failed("ana")
    throttle.succeeded("ana")
    assert throttle.wait_s("ana") == 0


def test_a_login_expires(app_at, project_dir, monkeypatch):
    monkeypatch.setenv("WORKBENCH_SESSION_MINUTES", "1")
    with Project(project_dir) as p:
        add_user(p, "ana", "reviewer", "reviewer-password")
    at = app_at("review")
    assert [t.value for t in at.title] == ["Log in"]  # accounts exist: a login first
    at.text_input(key="login_name").set_value("ana")
    at.text_input(key="login_password").set_value("reviewer-password")
    at.button[0].click().run()
    assert at.session_state["account"]["name"] == "ana"
    assert not any(t.value == "Log in" for t in at.title)
    at.session_state["account"] = {**at.session_state["account"],
                                   "at": at.session_state["account"]["at"] - 120}
    at.run()
    assert [t.value for t in at.title] == ["Log in"]
    assert any("session expired" in i.value for i in at.info)
