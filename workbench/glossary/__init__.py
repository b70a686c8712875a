"""Transliteration glossary: load, validate, match, normalise, protect terms in MT, check, suggest.

Pure core (no CLI, no project store). Entry points:

* :func:`load_csv` / :func:`save_csv`, :func:`~workbench.glossary.tbx.load_tbx` /
  :func:`~workbench.glossary.tbx.save_tbx` -> :class:`Glossary`
* :meth:`Glossary.apply` (normalise a line), :meth:`Glossary.find` (mentions)
* :mod:`workbench.glossary.protect`: term protection around machine translation,
  :func:`term_accuracy`
* :mod:`workbench.glossary.check`: per-segment consistency check
* :mod:`workbench.glossary.suggest`: variant discovery
"""

from workbench.glossary.csvio import load_csv, parse_csv, save_csv, to_csv
from workbench.glossary.matcher import Match, Matcher
from workbench.glossary.model import (
    PREFERRED,
    VARIANT,
    Concept,
    Glossary,
    GlossaryValidationError,
    Problem,
    Term,
)

__all__ = [
    "PREFERRED", "VARIANT", "Concept", "Glossary", "GlossaryValidationError", "Match", "Matcher",
    "Problem", "Term", "load_csv", "parse_csv", "save_csv", "to_csv",
]
