"""Normalise a project's final translations against a glossary (a thin layer over
:meth:`Glossary.apply` and the store's versioned ``save_review``).

Each change is an ordinary review edit: recorded in the edit history under
``author`` (the OS user by default) with origin ``normaliser``, undoable, and
written with a version check so an edit made meanwhile (in the review app) is
left alone and counted as a conflict. An approved translation the normaliser
changes goes back to "to do" unless the caller says ``keep_approved``.

Also the project's glossaries, kept in its database as versions (the store's
``glossary_versions``): :func:`project_glossary` reads the newest, :func:`save_glossary`
and :func:`import_glossary` add one (an edit based on an older version is a conflict),
:func:`sync_folder` keeps the glossary folder's CSV copies and the database together;
:func:`adopt_glossary` gives a project its own copy of a glossary it is run with, and
:func:`import_tbx` adds a TBX glossary to a glossary folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from workbench.errors import ConflictError, InputError, WorkbenchError
from workbench.glossary.csvio import atomic_write_text, load_csv, parse_csv, to_csv
from workbench.glossary.model import Glossary
from workbench.glossary.tbx import read_tbx
from workbench.store import REVIEW_STATUSES, GlossaryVersion, Project


#: Review statuses normalised by default: approved text is the reviewer's word.
UNREVIEWED = tuple(s for s in REVIEW_STATUSES if s != "approved")


@dataclass(frozen=True)
class NormaliseReport:
    """How many final translations were looked at, changed, or left alone as edited meanwhile."""

    lang: str
    checked: int
    changed: int
    conflicts: int
    glossary: str  # glossary version (provenance)


def normalise_preview(project: Project, glossary: Glossary, lang: str,
                      statuses: Sequence[str] | None = UNREVIEWED,
                      document_ids: Sequence[int] | None = None) -> pl.DataFrame:
    """Final translations in ``lang`` the glossary would change:
    ``segment_id, version, target, normalised`` (``statuses=None``: every status;
    ``document_ids=None``: every document)."""
    rows = []
    for seg, text, version, status in project.review_texts(lang, document_ids):
        if statuses is not None and status not in statuses:
            continue
        new = glossary.apply(text, lang)
        if new != text:
            rows.append((seg, version, status, text, new))
    return pl.DataFrame(rows, schema={"segment_id": pl.Int64, "version": pl.Int64,
                                      "status": pl.String, "target": pl.String,
                                      "normalised": pl.String},
                        orient="row")


def apply_normalisation(project: Project, changes: pl.DataFrame, lang: str,
                        author: str | None = None, *, keep_approved: bool = False
                        ) -> tuple[int, int]:
    """Save the ``normalised`` texts of a preview with version checks;
    returns ``(saved, conflicts)`` where conflicts were changed meanwhile and left alone.
    Approved rows whose text changes go back to ``todo`` unless ``keep_approved``;
    ``author`` defaults to the project's actor, as every review save's does."""
    saved = conflicts = 0
    for row in changes.iter_rows(named=True):
        reopen = row.get("status") == "approved" and not keep_approved
        try:
            project.save_review(row["segment_id"], lang, text=row["normalised"],
                                status="todo" if reopen else None,
                                expected_version=row["version"], author=author,
                                origin="normaliser")
            saved += 1
        except ConflictError:
            conflicts += 1
    return saved, conflicts


def normalise_project(project: Project, glossary: Glossary, lang: str, *,
                      statuses: Sequence[str] | None = UNREVIEWED,
                      document_ids: Sequence[int] | None = None,
                      author: str | None = None, keep_approved: bool = False,
                      executor: Any = None, cost: Any = None) -> NormaliseReport:
    """Normalise the final ``lang`` translations with one of ``statuses`` (of ``document_ids``,
    or all documents); changed approved ones go back to "to do" unless ``keep_approved``.
    With an ``executor`` (:mod:`workbench.executors`) the texts are rewritten there in
    shards, each shard's changes saved as it comes back (``cost`` adds up the work)."""
    rows = project.review_texts(lang, document_ids)
    if executor is None:
        batches = [normalise_preview(project, glossary, lang, statuses, document_ids)]
    else:
        from workbench.executors.project import normalise_shards

        todo = [r for r in rows if statuses is None or r.status in statuses]
        batches = normalise_shards(executor, todo, glossary, lang, cost=cost)
    saved = conflicts = 0
    for changes in batches:
        done, clashed = apply_normalisation(project, changes, lang, author,
                                            keep_approved=keep_approved)
        saved, conflicts = saved + done, conflicts + clashed
    return NormaliseReport(lang, len(rows), saved, conflicts, glossary.version)


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
    sync_folder(project, folder)  # the copy is the project's newest version
    if source.suffix.lower() == ".tbx":
        done = import_tbx(folder, source)
        sync_folder(project, folder)
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
        sync_folder(project, folder)  # the copy becomes the project's newest version
    project.set_setting(key, given)
    return GlossaryAdoption(target, action)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def glossary_of(version: GlossaryVersion) -> Glossary:
    """The glossary a stored version holds (named ``NAME.csv``, as its copy on disk)."""
    return parse_csv(version.content, f"{version.name}.csv")


@dataclass(frozen=True)
class ProjectGlossary:
    """The project's glossary: the newest version of each of its glossaries as one."""

    glossary: Glossary | None  # None: the project has no glossary
    versions: tuple[GlossaryVersion, ...]  # the newest version of each, by name
    notes: tuple[str, ...]  # files of the folder not taken in (bad, or edited on both sides)

    @property
    def files(self) -> list[str]:
        """The glossaries as their copies in the folder are named (``names.csv``)."""
        return [f"{v.name}.csv" for v in self.versions]


def project_glossary(project: Project, folder: Path | str | None = None) -> ProjectGlossary:
    """The newest version of every glossary of the project, as one glossary (its ``hash``
    is the provenance of what it normalises and protects), after :func:`sync_folder`."""
    notes = sync_folder(project, folder)
    heads = tuple(project.newest_glossaries(content=False))
    return ProjectGlossary(combine(project, heads), heads, tuple(notes))


def combine(project: Project, versions: Sequence[GlossaryVersion]) -> Glossary | None:
    """The glossaries ``versions`` (read from the project) as one; ``None`` for none."""
    glossaries = [glossary_of(project.glossary_version(v.name, v.version) or v)
                  for v in versions]
    if len(glossaries) <= 1:
        return glossaries[0] if glossaries else None
    return Glossary.from_terms([t for g in glossaries for t in g.terms()],
                               ", ".join(g.source for g in glossaries))


def check_name(name: str) -> str:
    """A glossary name (also its copy's file name without ``.csv``): letters, digits,
    ``_ - .``, not starting with a dot; anything else is one :class:`InputError`."""
    if not re.fullmatch(r"[\w\-][\w\-. ]*", name or "") or name.endswith((".", " ")):
        raise InputError(f"{name!r} is not a glossary name: use letters, digits, _ - . "
                         "(e.g. names)")
    return name


def save_glossary(project: Project, name: str, glossary: Glossary, *,
                  expected_version: int | None, author: str | None = None,
                  folder: Path | str | None = None) -> tuple[GlossaryVersion, bool]:
    """Save ``glossary`` as the next version of ``name`` (the edit started from
    ``expected_version``; :class:`ConflictError` when another save came in between), then
    refresh its copy in the glossary folder. Returns the newest version and whether it is
    new (an unchanged glossary adds none)."""
    saved, new = project.save_glossary_version(
        check_name(name), to_csv(glossary), glossary.hash, expected_version=expected_version,
        author=author or "")
    sync_folder(project, folder)
    return saved, new


def import_glossary(project: Project, path: Path | str, name: str | None = None,
                    author: str | None = None) -> tuple[GlossaryVersion, bool, list[str]]:
    """A CSV or TBX file as the newest version of glossary ``name`` (default: the file's
    name without extension); the versions before stay. Returns the version, whether it is
    new, and the TBX reader's notices."""
    path = Path(path)
    if path.suffix.lower() == ".tbx":
        glossary, notices = read_tbx(path)
    else:
        glossary, notices = load_csv(path), []
    name = check_name(name or path.stem)
    sync_folder(project)  # a copy edited on disk is a version before this one
    newest = project.glossary_version(name)
    saved, new = save_glossary(project, name, glossary, author=author,
                               expected_version=None if newest is None else newest.version)
    return saved, new, notices


#: In the glossary folder: for each project database, which version each copy was last
#: written from or read into, and the file's digest, size and time then.
SYNC_RECORD = ".workbench-glossaries.json"


def sync_folder(project: Project, folder: Path | str | None = None) -> list[str]:
    """Bring the glossary folder (``folder``, default :attr:`Project.glossary_dir`) and the
    database together; returns a line per file left out.

    The database is where glossaries live; the folder holds a copy of each
    (``NAME.csv``) and is also a way in: a copy edited on disk since it was written
    becomes the next version (author: the OS user), a new CSV a new glossary. A copy
    edited on disk while the database moved on too is left as it is, said, and not
    taken in (no edit is lost: the file stays for ``workbench glossary import``); a file
    that is not a valid glossary is said and left out."""
    from workbench.errors import GlossaryError, NotAllowedError
    from workbench.store import os_user

    folder = Path(folder or project.glossary_dir)
    records = _read_records(folder)
    key = _database_key(project)
    state: dict[str, dict] = {  # a damaged record is no record
        name: rec for name, rec in (records.get(key) or {}).items()
        if isinstance(rec, dict) and isinstance(rec.get("version"), int)
        and isinstance(rec.get("sha256"), str)}
    records[key] = state
    newest = {v.name: v for v in project.newest_glossaries(content=False)}
    notes: list[str] = []
    held: set[str] = set()
    before = json.dumps(records, sort_keys=True)

    def record(name: str, version: int, data: bytes, path: Path) -> None:
        st = path.stat()
        state[name] = {"version": version, "sha256": hashlib.sha256(data).hexdigest(),
                       "size": st.st_size, "mtime_ns": st.st_mtime_ns}

    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        name, rec = path.stem, state.get(path.stem)
        try:
            st = path.stat()
            if rec and (rec.get("size"), rec.get("mtime_ns")) == (st.st_size, st.st_mtime_ns):
                continue  # not touched since it was written or read
            data = path.read_bytes()
            if rec and rec["sha256"] == hashlib.sha256(data).hexdigest():
                record(name, rec["version"], data, path)
                continue
            check_name(name)
            glossary = load_csv(path)
        except (OSError, WorkbenchError) as exc:
            held.add(name)
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            notes.append(f"{path} is not in the project's glossary: {first}")
            continue
        current, content = newest.get(name), to_csv(glossary)
        if current is not None and current.digest == glossary.hash and \
                project.glossary_version(name, current.version).content == content:
            record(name, current.version, data, path)
            continue
        base = rec["version"] if rec else None
        try:
            if current is not None and base != current.version:
                raise ConflictError(
                    f"edited on disk while the project's glossary {name} changed too (now "
                    f"version {current.version} by {current.author or 'someone'}); the "
                    f"project's version is used: `workbench glossary import {path}` makes "
                    "the file the newest version, deleting the file brings the project's back")
            saved, _ = project.save_glossary_version(name, content, glossary.hash,
                                                     expected_version=base if current else None,
                                                     author=os_user())
        except (ConflictError, GlossaryError, NotAllowedError) as exc:
            held.add(name)
            notes.append(f"{path}: {exc}")
            continue
        newest[name] = saved
        record(name, saved.version, data, path)
    for name, version in newest.items():
        path, rec = folder / f"{name}.csv", state.get(name)
        if name in held or (rec and rec["version"] == version.version and path.exists()):
            continue
        text = version.content or project.glossary_version(name, version.version).content
        try:
            atomic_write_text(path, text)
            record(name, version.version, text.encode("utf-8"), path)
        except OSError as exc:
            notes.append(f"cannot write the copy {path}: {exc.strerror or exc}")
    if json.dumps(records, sort_keys=True) != before:
        with contextlib.suppress(OSError):
            atomic_write_text(folder / SYNC_RECORD, json.dumps(records, indent=1, sort_keys=True))
    return notes


def _database_key(project: Project) -> str:
    """Which database a record of the folder is about (a folder may serve several)."""
    if project.dialect == "sqlite":
        return str(Path(project.db_path).resolve())
    return str(project.db_path)


def _read_records(folder: Path) -> dict[str, dict]:
    try:
        data = json.loads((folder / SYNC_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) \
        else {}
