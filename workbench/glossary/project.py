"""Normalise a project's final translations against a glossary (a thin layer over
:meth:`Glossary.apply` and the store's versioned ``save_review``).

Each change is an ordinary review edit: recorded in the edit history under
``author`` (the OS user by default) with origin ``normaliser``, undoable, and
written with a version check so an edit made meanwhile (in the review app) is
left alone and counted as a conflict. An approved translation the normaliser
changes goes back to "to do" unless the caller says ``keep_approved``.

Also: :func:`adopt_glossary` gives a project its own copy of a glossary it is run with,
and :func:`import_tbx` adds a TBX glossary to a project's glossary folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from workbench.errors import ConflictError, InputError
from workbench.glossary.csvio import atomic_write_text, load_csv, to_csv
from workbench.glossary.model import Glossary
from workbench.glossary.tbx import read_tbx

if TYPE_CHECKING:
    from workbench.store import Project

#: Review statuses normalised by default: approved text is the reviewer's word.
UNREVIEWED = ("todo", "flagged", "rejected")


@dataclass(frozen=True)
class NormaliseReport:
    """How many final translations were looked at, changed, or left alone as edited meanwhile."""

    lang: str
    checked: int
    changed: int
    conflicts: int
    glossary: str  # glossary version (provenance)


def _reviews(project: Any, lang: str, document_ids: Sequence[int] | None) -> list[tuple]:
    sql = """SELECT r.segment_id, r.text, r.version, r.status FROM reviews r
             JOIN segments s ON s.id = r.segment_id WHERE r.target_lang = ?"""
    params: list[Any] = [lang]
    if document_ids is not None:
        sql += f" AND s.document_id IN ({','.join('?' * len(document_ids))})"
        params += list(document_ids)
    return project.conn.execute(sql + " ORDER BY r.segment_id", params).fetchall()


def normalise_preview(project: Any, glossary: Glossary, lang: str,
                      statuses: Sequence[str] | None = UNREVIEWED,
                      document_ids: Sequence[int] | None = None) -> pl.DataFrame:
    """Final translations in ``lang`` the glossary would change:
    ``segment_id, version, target, normalised`` (``statuses=None``: every status;
    ``document_ids=None``: every document)."""
    rows = []
    for seg, text, version, status in _reviews(project, lang, document_ids):
        if statuses is not None and status not in statuses:
            continue
        new = glossary.apply(text, lang)
        if new != text:
            rows.append((seg, version, status, text, new))
    return pl.DataFrame(rows, schema={"segment_id": pl.Int64, "version": pl.Int64,
                                      "status": pl.String, "target": pl.String,
                                      "normalised": pl.String},
                        orient="row")


def apply_normalisation(project: Any, changes: pl.DataFrame, lang: str,
                        author: str | None = None, *, keep_approved: bool = False
                        ) -> tuple[int, int]:
    """Save the ``normalised`` texts of a preview with version checks;
    returns ``(saved, conflicts)`` where conflicts were changed meanwhile and left alone.
    Approved rows whose text changes go back to ``todo`` unless ``keep_approved``."""
    from workbench.store import os_user

    saved = conflicts = 0
    for row in changes.iter_rows(named=True):
        reopen = row.get("status") == "approved" and not keep_approved
        try:
            project.save_review(row["segment_id"], lang, text=row["normalised"],
                                status="todo" if reopen else None,
                                expected_version=row["version"], author=author or os_user(),
                                origin="normaliser")
            saved += 1
        except ConflictError:
            conflicts += 1
    return saved, conflicts


def normalise_project(project: Any, glossary: Glossary, lang: str, *,
                      statuses: Sequence[str] | None = UNREVIEWED,
                      document_ids: Sequence[int] | None = None,
                      author: str | None = None, keep_approved: bool = False
                      ) -> NormaliseReport:
    """Normalise the final ``lang`` translations with one of ``statuses`` (of ``document_ids``,
    or all documents); changed approved ones go back to "to do" unless ``keep_approved``."""
    checked = len(_reviews(project, lang, document_ids))
    changes = normalise_preview(project, glossary, lang, statuses, document_ids)
    saved, conflicts = apply_normalisation(project, changes, lang, author,
                                           keep_approved=keep_approved)
    return NormaliseReport(lang, checked, saved, conflicts, glossary.version)


@dataclass(frozen=True)
class GlossaryImport:
    """Where an imported TBX landed in the project, and what the reader noticed."""

    path: Path  # the CSV in the project's glossaries folder
    concepts: int
    forms: int
    version: str
    written: bool  # False when the same glossary was already there
    notices: tuple[str, ...]


def import_tbx(folder: Path | str, tbx: Path | str) -> GlossaryImport:
    """Add a TBX file to a glossary folder (a project's :attr:`~workbench.store.Project.glossary_dir`)
    as ``<name>.csv``.

    The TBX is validated like any glossary (entity declarations refused before
    anything is read); an existing, different CSV of that name is not replaced.
    """
    glossary, notices = read_tbx(tbx)
    target = Path(folder) / f"{Path(tbx).stem}.csv"
    if target.exists():
        if load_csv(target).version != glossary.version:
            raise InputError(f"{target} already exists with other terms; remove or rename it, "
                             f"or convert with `workbench glossary import-tbx {tbx} --out FILE`")
        written = False
    else:
        atomic_write_text(target, to_csv(glossary))  # creates the folder if needed
        written = True
    return GlossaryImport(target, len(glossary), len(glossary.terms()), glossary.version,
                          written, tuple(notices))


#: The project's own glossary folder (under its root): what the review app edits.
PROJECT_GLOSSARIES = "glossaries"


@dataclass(frozen=True)
class GlossaryAdoption:
    """What :func:`adopt_glossary` did with a glossary file given to a project."""

    path: Path  # the project's copy
    action: str  # copied | updated | unchanged | kept (the project's copy was edited)


def adopt_glossary(project: Project, source: Path | str) -> GlossaryAdoption:
    """Make the project's glossary folder (``PROJECT/glossaries``) hold its own copy of the
    glossary CSV or TBX ``source``, and make that folder the one the review app edits, so
    edits never change the file given (a repository's tracked glossary, a shared drive).

    A copy not edited since it was taken follows a changed ``source``; a copy edited in
    the project (the review app's Glossary page) is kept, and the caller says so."""
    source = Path(source)
    folder = project.root / PROJECT_GLOSSARIES
    project.set_setting("glossary_dir", str(folder.resolve()))
    if source.suffix.lower() == ".tbx":
        done = import_tbx(folder, source)
        return GlossaryAdoption(done.path, "copied" if done.written else "unchanged")
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read glossary {source}: {getattr(exc, 'strerror', None) or exc}") from None
    target = folder / source.name
    key = f"glossary_source:{target.name}"
    given = _digest(text)
    if not target.exists():
        action = "copied"
    else:
        current = _digest(target.read_text(encoding="utf-8-sig"))
        if current == given:
            action = "unchanged"
        elif current == project.setting(key):  # the copy is as taken: follow the source
            action = "updated"
        else:
            return GlossaryAdoption(target, "kept")
    if action != "unchanged":
        load_csv(source)  # validated before it replaces anything
        atomic_write_text(target, text)
    project.set_setting(key, given)
    return GlossaryAdoption(target, action)


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_folder(paths: Sequence[Path | str]) -> Glossary:
    """The glossary CSVs ``paths`` as one glossary (the review app and the CLI read a
    project's glossary folder this way)."""
    terms = [t for path in paths for t in load_csv(path).terms()]
    return Glossary.from_terms(terms, ", ".join(Path(p).name for p in paths))


def project_glossary(project: Project) -> tuple[Glossary | None, list[Path]]:
    """The project's glossary: every CSV of :meth:`Project.glossary_dir` as one glossary,
    and those files; ``(None, [])`` when the folder has none. A bad file raises
    :class:`~workbench.errors.GlossaryError` naming it."""
    files = sorted(project.glossary_dir.glob("*.csv"))
    return (load_folder(files), files) if files else (None, [])
