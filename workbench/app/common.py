"""Streamlit plumbing shared by the pages: which project, the shared connection, errors.

The project folder comes from ``--project DIR`` after ``--`` on the
``streamlit run`` command line (what ``workbench serve`` passes), else the
``WORKBENCH_PROJECT`` environment variable, else ``workbench-project``.
Tests can set ``st.session_state["project_root"]`` instead.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import streamlit as st

from workbench.app.text import md_escape
from workbench.errors import WorkbenchError
from workbench.store import DEFAULT_PROJECT, Project
from workbench.store.policy import Actor

#: The author of app changes when the reviewer has not given a name.
UNNAMED = "reviewer (no name given)"


def _argv_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--project")
    parser.add_argument("--glossaries")
    opts, _ = parser.parse_known_args(sys.argv[1:])
    return opts


def project_root() -> Path:
    """The project folder this app serves."""
    root = st.session_state.get("project_root") or _argv_options().project \
        or os.environ.get("WORKBENCH_PROJECT") or DEFAULT_PROJECT
    return Path(root).resolve()


def glossary_dir() -> Path:
    """Where the glossary CSV files live: ``--glossaries``, else the folder the project was
    last run or served with (its ``glossary_dir`` setting), else ``<project>/glossaries``."""
    given = st.session_state.get("glossary_dir") or _argv_options().glossaries \
        or os.environ.get("WORKBENCH_GLOSSARIES")
    if given:
        return Path(given).resolve()
    try:
        with db() as project:
            return project.glossary_dir.resolve()
    except WorkbenchError:  # no project (yet): the page says so
        return project_root() / "glossaries"


class SharedProject:
    """One connection per project for all browser sessions, used under a lock.

    Streamlit runs each session in its own thread; a lock keeps one thread's
    transaction from interleaving with another's on the shared connection.
    """

    def __init__(self, root: Path) -> None:
        self.project = Project(root, create=False)
        self.lock = threading.RLock()


@st.cache_resource(show_spinner=False)
def _shared(root: str) -> SharedProject:
    return SharedProject(Path(root))


def actor() -> Actor:
    """Who this browser session works as: the logged-in account (the store enforces its
    role), else the reviewer's name, unrestricted like command-line work."""
    account = st.session_state.get("account")
    if account:
        return Actor(account["name"], account["role"])
    return Actor(reviewer())


@contextlib.contextmanager
def db() -> Iterator[Project]:
    """The open project, held under the shared lock for the ``with`` block and acting as
    this session's :func:`actor`."""
    shared = _shared(str(project_root()))
    with shared.lock, shared.project.acting_as(actor()):
        yield shared.project


@contextlib.contextmanager
def long_work() -> Iterator[Project]:
    """A connection of its own for long work (ingesting uploads, translating, aligning,
    normalising), opened for the ``with`` block as this session's :func:`actor`: other
    browser sessions keep using the shared connection meanwhile instead of waiting for
    the lock (SQLite serialises the writes; each step commits on its own)."""
    with Project(project_root(), create=False, actor=actor()) as project:
        yield project


def open_or_stop() -> None:
    """Check that the project exists; otherwise explain and stop the page."""
    try:
        _shared(str(project_root()))
    except WorkbenchError as exc:
        show_error(exc)
        st.info("Start the app with `workbench serve --project DIR` on a folder made by "
                "`workbench ingest`.")
        st.stop()


def show_error(exc: WorkbenchError) -> None:
    """A user-facing error: the message, never a traceback."""
    st.error(md_escape(str(exc)), icon="⚠️")


def flash(message: str, kind: str = "success") -> None:
    """Queue a message (plain text) for the next run of the page (callbacks cannot render in place)."""
    st.session_state.setdefault("_flash", []).append((kind, message))


def show_flashes() -> None:
    """Render and clear queued messages."""
    for kind, message in st.session_state.pop("_flash", []):
        {"success": st.success, "error": st.error, "warning": st.warning,
         "info": st.info}[kind](md_escape(message))


def reviewer() -> str:
    """Who is making the app's changes, the author recorded with every edit: the logged-in
    account, else the name given in the sidebar (remembered by the browser)."""
    account = st.session_state.get("account")
    if account:
        return account["name"]
    return str(st.session_state.get("reviewer") or "").strip() or UNNAMED


def page_input(n: int, size: int, key: str, label: str = "Page", **options) -> int:
    """A 1-based page number input for ``n`` items in pages of ``size``, kept in range when
    the list shrinks (another filter, language or project); ``options`` go to
    ``st.number_input``."""
    pages = max(1, -(-n // size))
    if st.session_state.get(key, 1) > pages:
        st.session_state[key] = pages
    return int(st.number_input(f"{label} (of {pages})", 1, pages, key=key, step=1, **options))


def target_lang_select(langs: list[str], key: str, label: str = "Target language",
                       bind: bool = False) -> str:
    """A target-language selectbox that opens on the language last chosen on any page, so
    moving from Review to Quality or Export keeps the reviewer in the same language
    (``bind``: kept in the address as ``?{key}=``, which wins when given). Each language
    shows its direction (``fr → en``, ``en → fr``): a project may hold documents in
    several languages, such as an imported English → French memory."""
    from workbench.store.directions import review_directions

    with db() as project:
        directions = review_directions(project)
    sources = {t: sorted({s for s, tt in directions if tt == t}) for t in langs}

    def direction(lang: str) -> str:
        return f"{', '.join(sources[lang])} → {lang}" if sources.get(lang) else lang

    ss = st.session_state
    last = ss.get("target_lang")
    if last in langs and (key not in ss if not bind else key not in st.query_params):
        ss[key] = last

    def remember() -> None:  # before the page runs, so the line above never reverts it
        ss["target_lang"] = ss[key]

    lang = st.selectbox(label, langs, key=key, bind="query-params" if bind else None,
                        on_change=remember, format_func=direction)
    st.session_state["target_lang"] = lang
    return lang


@st.cache_resource(show_spinner=False, max_entries=8)
def _glossary_from(versions: tuple):
    """The project's glossaries ``versions`` (name, version, ...) as one glossary, read once
    per set of versions."""
    from workbench.glossary.project import combine

    with db() as project:
        return combine(project, versions)


def project_glossary():
    """The project's glossary after the glossary folder is synced (:func:`glossary_dir`):
    ``(glossary or None, the newest versions, notes about files not taken in)``."""
    from workbench.glossary.project import sync_folder

    folder = glossary_dir()
    with db() as project:
        notes = sync_folder(project, folder)
        versions = tuple(project.newest_glossaries(content=False))
    return (_glossary_from(versions) if versions else None), versions, notes


def load_glossary():
    """(glossary or None, a line saying which glossaries or why none) for highlighting and
    checks."""
    try:
        glossary, versions, notes = project_glossary()
    except WorkbenchError as exc:
        return None, f"glossary not used: {exc}"
    except ImportError:
        return None, "the glossary module is not available in this build"
    if glossary is None:
        return None, (f"glossary not used: {notes[0]}" if notes
                      else f"no glossary CSV in {glossary_dir()}")
    return glossary, f"glossary: {', '.join(f'{v.name}.csv' for v in versions)}"
