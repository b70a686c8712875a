"""The Streamlit review workbench (``workbench serve``).

Thin shells only: the pages read widgets, call the core and the store, and
render. Everything that can be computed without Streamlit lives in
:mod:`workbench.app.queries` and :mod:`workbench.app.text` so that it can be
tested and benchmarked on its own; the core never imports Streamlit.
"""
