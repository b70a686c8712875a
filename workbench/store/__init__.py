"""The project store: the only code that speaks SQL.

:class:`Project` is one open project database; its queries are split by what
they keep: ``db`` (connection, migrations, transactions), ``documents``
(documents, paragraphs, segments), ``translations`` (machine translations and
the engines' memory), ``reviews`` (final texts and their edit history),
``alignments`` (alignments and beads), ``codes`` (segments' inline codes),
``settings``, ``glossaries`` (versioned glossaries), ``reports`` (read-only
views for the CLI, the app and the exports), ``directions`` (language
directions of the review units), ``memory`` (the translation memory),
``accounts`` (accounts and assignments) and ``policy`` (who may do what: the
role checks the writes call). Bulk reads come out as polars frames, small ones
as named tuples and dataclasses.
"""

from __future__ import annotations

from workbench.store.alignments import AlignmentInfo, Alignments, IndexedBead, StoredBead
from workbench.store.codes import Codes
from workbench.store.db import (
    BUSY_TIMEOUT_MS, DB_NAME, DEFAULT_PROJECT, DatabaseError, IntegrityError, Row, os_user,
)
from workbench.store.documents import Document, Documents, NewParagraph, NewSegment, SegmentRef
from workbench.store.glossaries import Glossaries, GlossaryVersion
from workbench.store.policy import Actor
from workbench.store.reports import ExportRow, Reports, TargetProgress
from workbench.store.reviews import (
    EDIT_ORIGINS, REVIEW_STATUSES, Review, Reviews, ReviewText, UndoableEdit,
    follow_untouched_review, seed_review,
)
from workbench.store.settings import Settings
from workbench.store.translations import Translations


class Project(Reports, Documents, Translations, Reviews, Alignments, Settings, Codes,
              Glossaries):
    """An open project database. Use as a context manager or call :meth:`close`."""


__all__ = [
    "Actor", "AlignmentInfo", "BUSY_TIMEOUT_MS", "DB_NAME", "DEFAULT_PROJECT", "DatabaseError",
    "Document", "EDIT_ORIGINS", "ExportRow", "GlossaryVersion", "IndexedBead",
    "IntegrityError", "NewParagraph", "NewSegment", "Project", "REVIEW_STATUSES", "Review",
    "ReviewText", "Row", "SegmentRef", "StoredBead", "TargetProgress", "UndoableEdit",
    "follow_untouched_review", "os_user", "seed_review",
]
