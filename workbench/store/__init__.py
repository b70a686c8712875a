"""The project store: one SQLite file per project.

WAL journal (readers never block the writer), foreign keys on, a busy timeout
so that two processes writing at once wait instead of failing, and schema
versions with forward migrations (``schema.py``). Every write goes through
:meth:`Project.transaction`; bulk reads come out as polars frames.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from workbench.errors import ConflictError, NotFoundError, StoreError
from workbench.store.schema import MIGRATIONS, SCHEMA_VERSION

DB_NAME = "workbench.sqlite"
DEFAULT_PROJECT = Path("workbench-project")
BUSY_TIMEOUT_MS = 30_000
REVIEW_STATUSES = ("todo", "approved", "rejected", "flagged")
#: Where an edit came from (``edits.origin``); '' in rows written before schema 3.
EDIT_ORIGINS = ("reviewer", "normaliser", "import", "undo", "")


def os_user() -> str:
    """The operating-system user, the author of changes made from the command line."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return "unknown user"


@dataclass(frozen=True)
class NewSegment:
    """A sentence (or a piece of page debris) ready to be stored."""

    text: str
    translatable: bool
    reason: str | None = None


@dataclass(frozen=True)
class NewParagraph:
    """A paragraph with its segments, in document order."""

    text: str
    kind: str
    segments: Sequence[NewSegment]


def follow_untouched_review(conn: sqlite3.Connection, segment_id: int, target_lang: str,
                            text: str) -> None:
    """A review nobody touched (still an earlier translation, status todo, no edits)
    follows a new translation, e.g. a rerun with a glossary; reviewers' text never moves."""
    conn.execute(
        """UPDATE reviews SET text = ?, version = version + 1,
               updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
           WHERE segment_id = ? AND target_lang = ? AND status = 'todo' AND text != ?
             AND text IN (SELECT text FROM translations WHERE segment_id = ? AND target_lang = ?)
             AND NOT EXISTS (SELECT 1 FROM edits WHERE segment_id = ? AND target_lang = ?)""",
        (text, segment_id, target_lang, text, segment_id, target_lang, segment_id, target_lang),
    )


def seed_review(conn: sqlite3.Connection, segment_id: int, target_lang: str, text: str) -> None:
    """A segment's first translation seeds its review text."""
    conn.execute("INSERT INTO reviews (segment_id, target_lang, text) VALUES (?, ?, ?) "
                 "ON CONFLICT DO NOTHING", (segment_id, target_lang, text))


class Project:
    """An open project database. Use as a context manager or call :meth:`close`."""

    def __init__(self, root: Path | str = DEFAULT_PROJECT, *, create: bool = True,
                 db: str | None = None) -> None:
        """``root``: the folder for files (exports, uploads, glossaries). ``db``: the
        database URL (``sqlite:///PATH`` or ``postgresql://...``), else ``WORKBENCH_DB``,
        else ``root/workbench.sqlite``."""
        from workbench.store.backends import open_backend

        self.root = Path(root)
        self.backend = open_backend(db, self.root)
        #: ``sqlite`` or ``postgresql``: the dialect of :attr:`conn`.
        self.dialect: str = self.backend.name
        if self.dialect != "sqlite":
            self.db_path = self.backend.describe()
            self.conn = self.backend.connect(create=create)
            if create:
                self.root.mkdir(parents=True, exist_ok=True)
            return
        self.db_path = self.backend.path
        if not self.db_path.exists() and not create:
            raise NotFoundError(
                f"no project at {self.root} (expected {self.db_path}); "
                "run `workbench ingest` first or pass --project"
            )
        _check_database_file(self.db_path)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(
                self.db_path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                check_same_thread=False,
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open project database {self.db_path}: {exc}"
                             f"{_writable_hint(self.root)}") from exc
        try:
            self._setup()
        except sqlite3.Error as exc:
            self.conn.close()
            raise StoreError(f"cannot open project database {self.db_path}: {exc}"
                             f"{_writable_hint(self.root) or _damage_hint(exc)}") from exc
        except StoreError:
            self.conn.close()
            raise

    def _setup(self) -> None:
        """Check the file is a workbench project, then WAL, foreign keys and migrations.

        Nothing is written to a file that is not a workbench project (not even the
        journal mode), so opening a foreign database by mistake leaves it as it was."""
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self._check_ours()
        mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError(f"{self.db_path}: cannot switch to WAL journal (got {mode})")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self._migrate()

    def _check_ours(self) -> None:
        """Refuse an SQLite database that some other program made (read-only check)."""
        version = self.schema_version
        tables = {r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if (version == 0 and tables) or (0 < version <= SCHEMA_VERSION
                                         and not {"documents", "segments"} <= tables):
            raise StoreError(
                f"{self.db_path} is an SQLite database of another program (tables: "
                f"{', '.join(sorted(tables)[:5]) or 'none'}), not a workbench project; it was "
                "left unchanged: pass another --project folder")

    # -- lifecycle ---------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.db_path} has schema version {current}, newer than this workbench "
                f"understands ({SCHEMA_VERSION}); upgrade the workbench"
            )
        if current == SCHEMA_VERSION:
            return
        with self.transaction() as conn:
            # Re-read inside the write lock: another process may have migrated.
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            for version in range(current, SCHEMA_VERSION):
                for statement in _split_sql(MIGRATIONS[version]):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): all of it lands or none of it.

        A database that cannot be written (disk full, read-only, damaged) raises
        :class:`StoreError` naming the problem; the transaction is rolled back."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"project database is busy or locked: {exc}"
                             f"{_writable_hint(self.root)}") from exc
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:  # SQLite may have rolled back already (disk full)
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
                    exc, sqlite3.IntegrityError):
                raise StoreError(f"cannot write the project database {self.db_path}: {exc}; "
                                 "nothing was changed" + _space_hint(exc)) from exc
            raise

    # -- reading -----------------------------------------------------------

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pl.DataFrame:
        """Run a query and return its rows as a polars frame."""
        cur = self.conn.execute(sql, params)
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
        if not rows:
            return pl.DataFrame({c: [] for c in columns})
        return pl.DataFrame([tuple(r) for r in rows], schema=columns, orient="row")

    def documents(self, *, current_only: bool = True) -> pl.DataFrame:
        """Documents with their segment counts, oldest first."""
        where = "WHERE d.is_current = 1" if current_only else ""
        return self.frame(
            f"""
            SELECT d.id, d.title, d.lang, d.source_path, d.version, d.format, d.encoding,
                   d.content_hash, d.ingested_at,
                   (SELECT COUNT(*) FROM paragraphs p WHERE p.document_id = d.id) AS paragraphs,
                   (SELECT COUNT(*) FROM segments s WHERE s.document_id = d.id) AS segments,
                   (SELECT COUNT(*) FROM segments s
                     WHERE s.document_id = d.id AND s.translatable = 1) AS translatable
            FROM documents d {where}
            ORDER BY d.id
            """
        )

    def segments(self, document_id: int | None = None) -> pl.DataFrame:
        """Segments in document order, with their paragraph index."""
        where, params = ("WHERE s.document_id = ?", (document_id,)) if document_id else ("", ())
        return self.frame(
            f"""
            SELECT s.id, s.document_id, p.idx AS paragraph, s.idx, s.text,
                   s.translatable, s.reason
            FROM segments s JOIN paragraphs p ON p.id = s.paragraph_id
            {where}
            ORDER BY s.document_id, s.idx
            """,
            params,
        )

    def document(self, document_id: int) -> sqlite3.Row:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no document with id {document_id}")
        return row

    # -- writing: documents ------------------------------------------------

    def source_paths(self) -> set[str]:
        """The ``source_path`` of every document, of every version."""
        return {r[0] for r in self.conn.execute("SELECT DISTINCT source_path FROM documents")}

    def find_by_hash(self, content_hash: str) -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT * FROM documents WHERE content_hash = ? ORDER BY version DESC LIMIT 1",
            (content_hash,),
        ).fetchone()

    def add_document(
        self,
        *,
        source_path: str,
        title: str,
        lang: str,
        lang_confidence: float | None,
        fmt: str,
        encoding: str,
        content_hash: str,
        paragraphs: Sequence[NewParagraph],
    ) -> int:
        """Store a document (a new version if the path is known) in one transaction."""
        with self.transaction() as conn:
            return self._insert_document(conn, source_path, title, lang, lang_confidence, fmt,
                                         encoding, content_hash, paragraphs)

    def add_document_once(
        self,
        *,
        source_path: str,
        title: str,
        lang: str,
        lang_confidence: float | None,
        fmt: str,
        encoding: str,
        content_hash: str,
        paragraphs: Sequence[NewParagraph],
    ) -> tuple[int, int, sqlite3.Row | None]:
        """Like :meth:`add_document`, unless a document with ``content_hash`` exists: then
        nothing is written. The check and the insert are one transaction, so two
        processes ingesting the same text at once store it once.

        Returns ``(document id, version, the existing document or None)``."""
        with self.transaction() as conn:
            known = self.find_by_hash(content_hash)  # inside the transaction: no race
            if known is not None:
                return int(known["id"]), int(known["version"]), known
            doc_id = self._insert_document(conn, source_path, title, lang, lang_confidence, fmt,
                                           encoding, content_hash, paragraphs)
            version = conn.execute("SELECT version FROM documents WHERE id = ?",
                                   (doc_id,)).fetchone()[0]
            return doc_id, int(version), None

    @staticmethod
    def _insert_document(conn: sqlite3.Connection, source_path: str, title: str, lang: str,
                         lang_confidence: float | None, fmt: str, encoding: str,
                         content_hash: str, paragraphs: Sequence[NewParagraph]) -> int:
        prev = conn.execute(
            "SELECT MAX(version) FROM documents WHERE source_path = ?", (source_path,)
        ).fetchone()[0]
        version = (prev or 0) + 1
        conn.execute(
            "UPDATE documents SET is_current = 0 WHERE source_path = ?", (source_path,)
        )
        doc_id = conn.execute(
            """INSERT INTO documents (source_path, title, lang, lang_confidence, format,
                   encoding, content_hash, version, is_current)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)""",
            (source_path, title, lang, lang_confidence, fmt, encoding, content_hash, version),
        ).lastrowid
        seg_idx = 0
        for p_idx, para in enumerate(paragraphs):
            para_id = conn.execute(
                "INSERT INTO paragraphs (document_id, idx, text, kind) VALUES (?, ?, ?, ?)",
                (doc_id, p_idx, para.text, para.kind),
            ).lastrowid
            for seg in para.segments:
                conn.execute(
                    """INSERT INTO segments (document_id, paragraph_id, idx, text,
                           translatable, reason) VALUES (?, ?, ?, ?, ?, ?)""",
                    (doc_id, para_id, seg_idx, seg.text, int(seg.translatable), seg.reason),
                )
                seg_idx += 1
        return int(doc_id)

    # -- writing: translations ---------------------------------------------

    def tm_lookup(
        self, engine: str, model_version: str, source_lang: str, target_lang: str,
        texts: Sequence[str],
    ) -> dict[str, tuple[str, dict]]:
        """Translation-memory hits for ``texts`` (source text -> (target, meta))."""
        hits: dict[str, tuple[str, dict]] = {}
        unique = list(dict.fromkeys(texts))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"""SELECT source_text, target_text, meta FROM translation_memory
                    WHERE engine = ? AND model_version = ? AND source_lang = ?
                      AND target_lang = ? AND source_text IN ({marks})""",
                (engine, model_version, source_lang, target_lang, *chunk),
            ):
                hits[row[0]] = (row[1], json.loads(row[2]))
        return hits

    def save_translations(
        self,
        *,
        engine: str,
        model: str,
        model_version: str,
        source_lang: str,
        target_lang: str,
        rows: Sequence[tuple[int, str, str, dict]],
    ) -> None:
        """Store ``(segment_id, source_text, target_text, meta)`` rows and their TM entries.

        One transaction per call: callers translate in batches and save each
        batch, so a killed run keeps every finished batch and resumes after it.
        """
        with self.transaction() as conn:
            for seg_id, source, target, meta in rows:
                meta_json = json.dumps(meta, ensure_ascii=False, sort_keys=True)
                follow_untouched_review(conn, seg_id, target_lang, target)
                conn.execute(
                    """INSERT INTO translation_memory (engine, model_version, source_lang,
                           target_lang, source_text, target_text, meta)
                       VALUES (?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT DO UPDATE SET target_text = excluded.target_text,
                                                 meta = excluded.meta""",
                    (engine, model_version, source_lang, target_lang, source, target, meta_json),
                )
                conn.execute(
                    """INSERT INTO translations (segment_id, target_lang, engine, model,
                           model_version, text, meta)
                       VALUES (?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (segment_id, target_lang, engine) DO UPDATE SET
                           model = excluded.model, model_version = excluded.model_version,
                           text = excluded.text, meta = excluded.meta,
                           created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')""",
                    (seg_id, target_lang, engine, model, model_version, target, meta_json),
                )
                seed_review(conn, seg_id, target_lang, target)

    def translations(self, target_lang: str, document_id: int | None = None) -> pl.DataFrame:
        """Machine translations for one target language, in document order."""
        where = "AND s.document_id = ?" if document_id else ""
        params: tuple = (target_lang, document_id) if document_id else (target_lang,)
        return self.frame(
            f"""
            SELECT s.document_id, s.id AS segment_id, s.idx, s.text AS source, t.text AS target,
                   t.engine, t.model, t.model_version, t.meta
            FROM translations t JOIN segments s ON s.id = t.segment_id
            WHERE t.target_lang = ? {where}
            ORDER BY s.document_id, s.idx, t.engine
            """,
            params,
        )

    def pairs(
        self,
        target_lang: str,
        *,
        document_ids: Sequence[int] | None = None,
        statuses: Sequence[str] | None = None,
    ) -> pl.DataFrame:
        """The review units of one target language: source segment, machine
        translation, reviewed text, status, version and alignment confidence.

        One row per translatable segment that has a review row, in document
        order. ``confidence`` is that of the newest stored bead holding the
        segment for this target (null when the document was not aligned).
        """
        where, params = ["r.target_lang = ?", "d.is_current = 1"], [target_lang]
        if document_ids:
            where.append(f"s.document_id IN ({','.join('?' * len(document_ids))})")
            params.extend(document_ids)
        if statuses:
            where.append(f"r.status IN ({','.join('?' * len(statuses))})")
            params.extend(statuses)
        return self.frame(
            f"""
            SELECT s.document_id, d.title AS document, d.lang AS source_lang,
                   r.target_lang, s.id AS segment_id, s.idx, p.idx AS paragraph,
                   s.text AS source, t.text AS mt, r.text AS target, r.status, r.version,
                   t.engine, t.model, t.model_version,
                   (SELECT b.confidence FROM beads b JOIN alignments a ON a.id = b.alignment_id,
                           json_each(b.src_ids) j
                     WHERE a.document_id = s.document_id AND a.target_lang = r.target_lang
                       AND j.value = s.id
                     ORDER BY a.id DESC LIMIT 1) AS confidence
            FROM reviews r
            JOIN segments s ON s.id = r.segment_id
            JOIN documents d ON d.id = s.document_id
            JOIN paragraphs p ON p.id = s.paragraph_id
            LEFT JOIN translations t ON t.id = (
                SELECT t2.id FROM translations t2
                 WHERE t2.segment_id = s.id AND t2.target_lang = r.target_lang
                 ORDER BY t2.created_at DESC LIMIT 1)
            WHERE {' AND '.join(where)}
            ORDER BY s.document_id, s.idx
            """,
            params,
        )

    # -- settings ----------------------------------------------------------

    def setting(self, key: str) -> str | None:
        """A project setting (``None`` when unset), e.g. ``glossary_dir``."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    @property
    def glossary_dir(self) -> Path:
        """The folder of the project's glossary CSVs: the one it was last run or served with
        (``glossary_dir`` setting), else ``<project>/glossaries``. The review app edits the
        CSVs there and ``workbench import X.tbx`` adds to it."""
        return Path(self.setting("glossary_dir") or self.root / "glossaries")

    # -- writing: review ---------------------------------------------------

    def review(self, segment_id: int, target_lang: str) -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT * FROM reviews WHERE segment_id = ? AND target_lang = ?",
            (segment_id, target_lang),
        ).fetchone()

    def save_review(
        self,
        segment_id: int,
        target_lang: str,
        *,
        text: str | None = None,
        status: str | None = None,
        expected_version: int | None = None,
        author: str = "",
        origin: str = "reviewer",
    ) -> int:
        """Change the final text and/or status of a segment; returns the new version.

        ``expected_version`` is the version the editor started from. If the row
        moved on since, :class:`ConflictError` is raised and nothing is written,
        so a later save never silently overwrites an earlier one. Each save is
        one row of the edit history with its ``author`` and ``origin``.
        """
        if status is not None and status not in REVIEW_STATUSES:
            raise ValueError(f"unknown review status {status!r}; use one of {REVIEW_STATUSES}")
        if origin not in EDIT_ORIGINS:
            raise ValueError(f"unknown edit origin {origin!r}; use one of {EDIT_ORIGINS}")
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT text, status, version FROM reviews WHERE segment_id = ? AND target_lang = ?",
                (segment_id, target_lang),
            ).fetchone()
            if row is None:
                if conn.execute("SELECT 1 FROM segments WHERE id = ?", (segment_id,)).fetchone() is None:
                    raise NotFoundError(f"no segment with id {segment_id}")
                old_text, old_status, version = None, None, 0
            else:
                old_text, old_status, version = row["text"], row["status"], row["version"]
            if expected_version is not None and expected_version != version:
                raise ConflictError(
                    f"segment {segment_id} ({target_lang}) was changed elsewhere "
                    f"(version {version}, you edited version {expected_version})"
                )
            new_text = old_text if text is None else text
            if new_text is None:
                new_text = ""
            new_status = status or old_status or "todo"
            new_version = version + 1
            conn.execute(
                """INSERT INTO reviews (segment_id, target_lang, text, status, version)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT DO UPDATE SET text = excluded.text, status = excluded.status,
                       version = excluded.version,
                       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')""",
                (segment_id, target_lang, new_text, new_status, new_version),
            )
            conn.execute(
                """INSERT INTO edits (segment_id, target_lang, old_text, new_text, old_status,
                       new_status, version, author, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (segment_id, target_lang, old_text, new_text, old_status, new_status,
                 new_version, author, origin),
            )
        return new_version

    def history(self, segment_id: int, target_lang: str) -> pl.DataFrame:
        """The edits of a segment, oldest first; ``origin`` is filled in for rows written
        without one (``import:FILE`` authors are imports, the rest reviewers)."""
        return self.frame(
            """SELECT id, segment_id, target_lang, old_text, new_text, old_status, new_status,
                      version, author, at,
                      CASE WHEN origin != '' THEN origin
                           WHEN author LIKE 'import:%' THEN 'import'
                           ELSE 'reviewer' END AS origin
               FROM edits WHERE segment_id = ? AND target_lang = ? ORDER BY id""",
            (segment_id, target_lang),
        )

    def undoable_edit(self, segment_id: int, target_lang: str) -> sqlite3.Row | None:
        """The edit the next undo reverts: edits form a stack, each undo pops one, so
        undo after undo walks back through the versions (it never redoes)."""
        stack: list[sqlite3.Row] = []
        for row in self.conn.execute(
            """SELECT id, old_text, old_status, new_text, new_status, version, origin
               FROM edits WHERE segment_id = ? AND target_lang = ? ORDER BY id""",
            (segment_id, target_lang),
        ):
            if row["origin"] == "undo":
                if stack:
                    stack.pop()
            else:
                stack.append(row)
        while stack and stack[-1]["old_text"] is None:  # created the review: nothing before
            stack.pop()
        return stack[-1] if stack else None

    def undo_last_edit(self, segment_id: int, target_lang: str, author: str = "",
                       expected_version: int | None = None) -> int:
        """Restore the text and status from before the newest edit not undone yet
        (recorded as a new edit of origin ``undo``); repeated, it walks back one version at
        a time. With ``expected_version``, a segment changed meanwhile raises
        :class:`ConflictError` instead of undoing the other change."""
        last = self.undoable_edit(segment_id, target_lang)
        if last is None:
            raise NotFoundError(f"segment {segment_id} ({target_lang}) has no edit to undo")
        if expected_version is None:
            expected_version = self.review(segment_id, target_lang)["version"]
        return self.save_review(
            segment_id, target_lang, text=last["old_text"], status=last["old_status"],
            expected_version=expected_version, author=author, origin="undo",
        )


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_database_file(path: Path) -> None:
    """Refuse a ``workbench.sqlite`` that is not an SQLite database at all (random bytes,
    a truncated header, another file renamed), before SQLite touches it."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot read project database {path}: {exc.strerror or exc}") from exc
    if head and head != _SQLITE_MAGIC:
        raise StoreError(f"{path} is not an SQLite database (damaged, or another file under "
                         "that name); it was left unchanged: restore it from a backup or pass "
                         "another --project folder")


def _writable_hint(root: Path) -> str:
    """A hint when the project folder or its database cannot be written."""
    db = root / DB_NAME
    if root.is_dir() and not os.access(root, os.W_OK | os.X_OK):
        return f" (the folder {root} is read-only: SQLite needs to write beside the database; " \
               "make it writable or copy the project elsewhere)"
    if db.exists() and not os.access(db, os.W_OK):
        return f" ({db} is read-only; make it writable)"
    return ""


def _damage_hint(exc: BaseException) -> str:
    if isinstance(exc, sqlite3.DatabaseError) and any(
            word in str(exc) for word in ("malformed", "not a database", "corrupt")):
        return " (the file is damaged: restore it from a backup; it was left unchanged)"
    return ""


def _space_hint(exc: BaseException) -> str:
    return "; free some disk space and run the command again" if "full" in str(exc) else ""


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (triggers keep their inner ';')."""
    statements, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        chunk = "\n".join(buf).strip()
        if chunk and sqlite3.complete_statement(chunk):
            statements.append(chunk)
            buf = []
    rest = "\n".join(buf).strip()
    if rest:
        statements.append(rest)
    return statements
