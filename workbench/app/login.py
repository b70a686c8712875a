"""The login of a shared review app: asked for when the app is served beyond this
machine or the project has accounts; a login lasts ``WORKBENCH_SESSION_MINUTES``
(default 8 hours) and failed logins are rate-limited per name
(:class:`~workbench.accounts.LoginThrottle`). One person on 127.0.0.1 with no accounts
never sees it."""

from __future__ import annotations

import secrets
import time

import polars as pl
import streamlit as st

from workbench.accounts import LoginThrottle, login_required, may, session_seconds, verify
from workbench.app.common import db, show_error
from workbench.app.text import md_escape
from workbench.errors import WorkbenchError

ss = st.session_state
#: The cookie holding the login's token.
COOKIE = "wb_session"


@st.cache_resource(show_spinner=False)
def _throttle() -> LoginThrottle:
    """One throttle for every browser session of this server."""
    return LoginThrottle()


@st.cache_resource(show_spinner=False)
def _sessions() -> dict[str, dict]:
    """Logins of this server by token (the browser keeps the token in a cookie): a reload
    or a second tab is the same login until it expires or logs out."""
    return {}


def _from_cookie() -> dict | None:
    token = st.context.cookies.get(COOKIE) if hasattr(st, "context") else None
    account = _sessions().get(token or "")
    if account is not None:
        ss["account"] = account
        ss["session_token"] = token
    return account


def current_account() -> dict | None:
    """The logged-in account (``name``, ``role``, ``at``), ``None`` when nobody is."""
    return ss.get("account")


def _still_valid(account: dict) -> bool:
    from workbench.store.accounts import account as find

    if time.time() - account["at"] > session_seconds():
        ss["login_note"] = "Your session expired: log in again."
        return False
    with db() as project:
        found = find(project, account["name"])
    if found is None or found.disabled:
        ss["login_note"] = "This account was disabled."
        return False
    return True


def require_login() -> dict | None:
    """Stop the page behind a login form when one is needed; the account once logged in."""
    host = st.get_option("server.address") or "127.0.0.1"
    try:
        with db() as project:
            if not login_required(project, host):
                return None
    except WorkbenchError:  # no project: the pages say so
        return None
    account = current_account() or _from_cookie()
    if account is not None:
        if _still_valid(account):
            return account
        _logout()
    st.title("Log in")
    if note := ss.pop("login_note", None):
        st.info(note)
    with st.form("login", enter_to_submit=True):
        name = st.text_input("Name", key="login_name")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Log in")
    if submitted:
        wait = _throttle().wait_s(name)
        if wait > 0:
            st.error(md_escape(f"Too many failed logins for {name}: try again in "
                               f"{int(wait // 60) + 1} minutes."))
        else:
            with db() as project:
                found = verify(project, name, password)
            if found is None:
                _throttle().failed(name)
                st.error("Wrong name or password.")
            else:
                _throttle().succeeded(name)
                token = secrets.token_urlsafe(32)
                ss["account"] = {"name": found.name, "role": found.role, "at": time.time()}
                ss["session_token"] = token
                _sessions()[token] = ss["account"]
                st.rerun()
    st.stop()


def _logout() -> None:
    _sessions().pop(ss.pop("session_token", "") or "", None)
    ss.pop("account", None)


def sidebar(account: dict) -> None:
    """Who is logged in, and the way out; keeps the login's cookie current."""
    from workbench.app.browser import remember_login

    st.caption(md_escape(f"Signed in as {account['name']} ({account['role']})"))
    remember_login(ss.get("session_token", ""))
    if st.button("Log out", key="logout"):
        _logout()
        st.rerun()


def allowed(action: str) -> bool:
    """Whether the logged-in account may ``action`` (anyone may when nobody logs in)."""
    account = current_account()
    return account is None or may(account["role"], action)


def visible(docs: pl.DataFrame) -> pl.DataFrame:
    """``docs`` (with an ``id`` column) as the logged-in reviewer may see them: those
    assigned to them, or all when the lead assigned none; leads and admins see all."""
    from workbench.store.accounts import assigned_documents

    account = current_account()
    if account is None or account["role"] != "reviewer" or docs.is_empty():
        return docs
    with db() as project:
        mine = assigned_documents(project, account["name"])
    return docs if mine is None else docs.filter(pl.col("id").is_in(sorted(mine)))


def with_assignees(docs: pl.DataFrame) -> pl.DataFrame:
    """``docs`` with an ``assigned`` column (the account names, comma-separated) when the
    project has accounts: the Documents page shows who has what."""
    from workbench.store.accounts import assignments

    if docs.is_empty():
        return docs
    with db() as project:
        rows = assignments(project)
    if rows.is_empty():
        return docs
    names: dict[int, list[str]] = {}
    for doc, name in zip(rows["document_id"].to_list(), rows["account"].to_list()):
        names.setdefault(doc, []).append(name)
    return docs.with_columns(pl.Series("assigned", [", ".join(names.get(d, []))
                                                     for d in docs["id"].to_list()]))


def assign_section(docs: pl.DataFrame, selected: list[int]) -> None:
    """The lead's form: give documents (at first the selected rows) to reviewers."""
    from workbench.store.accounts import accounts, assign

    account = current_account()
    if account is None or not may(account["role"], "assign"):
        return
    with db() as project:
        names = [a.name for a in accounts(project) if not a.disabled]
    titles = dict(zip(docs["id"].to_list(), docs["title"].to_list()))
    st.subheader("Assign")
    if selected and not ss.get("doc_assign_docs"):
        ss["doc_assign_docs"] = selected
    which = st.multiselect("Documents", list(titles), key="doc_assign_docs",
                           format_func=lambda d: f"{d} · {titles.get(d, '')[:60]}")
    who = st.multiselect("Reviewers", names, key="doc_assign_to")
    if st.button("Assign", disabled=not (which and who), key="doc_assign"):
        try:
            with db() as project:
                added = assign(project, which, who)
        except WorkbenchError as exc:
            show_error(exc)
            return
        st.success(md_escape(f"assigned {len(which)} document(s) to {', '.join(who)} "
                             f"({added} new)"))
