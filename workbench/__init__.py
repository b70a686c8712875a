"""Translation and alignment workbench.

Pure core (segment, align, glossary, evaluation) with thin shells around it:
``store`` (SQLite), ``io`` (file formats), ``engines`` (machine translation),
``cli`` and ``app`` (Streamlit).
"""

__version__ = "0.1.0"
