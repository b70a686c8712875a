"""Entry point of the review workbench: ``streamlit run workbench/app/main.py -- --project DIR``.

Builds the multipage navigation; each page is a module under ``views/`` (not ``pages/``: Streamlit would also list that folder as pages of its own, with their file names, and serve them outside this navigation).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from workbench.app.browser import remember_reviewer
from workbench.app.common import project_root
from workbench.app.login import allowed, require_login
from workbench.app.login import sidebar as login_sidebar
from workbench.app.text import md_escape

HERE = Path(__file__).parent

# A local icon: an emoji or ":material/...:" icon makes the browser fetch the favicon
# from another host (the app must make no request but to itself).
st.set_page_config(page_title="Workbench", page_icon=str(HERE / "static" / "favicon.png"),
                   layout="wide")

account = require_login()  # stops here behind a login form when one is needed

review = st.Page(HERE / "views" / "review.py", title="Review", icon=":material/edit_note:", url_path="review")


def _home() -> None:
    """The root URL opens Review, keeping the address's parameters (doc, filters, seg);
    a hidden default page, so that /review is a real address too."""
    st.switch_page(review, query_params={k: st.query_params.get_all(k) for k in st.query_params})


pages = [
    st.Page(_home, title="Workbench", url_path="home", default=True, visibility="hidden"),
    st.Page(HERE / "views" / "documents.py", title="Documents", icon=":material/description:", url_path="documents"),
    review,
    *([st.Page(HERE / "views" / "glossary.py", title="Glossary", icon=":material/menu_book:", url_path="glossary")]
      if allowed("glossary") else []),
    *([st.Page(HERE / "views" / "export.py", title="Export", icon=":material/download:", url_path="export")]
      if allowed("export") else []),
    st.Page(HERE / "views" / "quality.py", title="Quality", icon=":material/monitoring:", url_path="quality"),
    st.Page(HERE / "views" / "memory.py", title="Memory", icon=":material/library_books:", url_path="memory"),
]
nav = st.navigation(pages)
st.sidebar.caption("Project: " + md_escape(str(project_root())))
with st.sidebar:
    if account is not None:  # logged in: the account is the author of every change
        login_sidebar(account)
    else:
        remembered = remember_reviewer(st.session_state.get("reviewer"))
        if remembered and not st.session_state.get("reviewer"):
            st.session_state["reviewer"] = remembered
        st.text_input("Your name", key="reviewer", placeholder="recorded with your changes",
                      help="Every change you make is recorded under this name (kept in this "
                           "browser until accounts exist).")
nav.run()
