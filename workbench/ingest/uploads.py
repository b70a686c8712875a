"""Files uploaded through the review app: kept under ``PROJECT/uploads/`` and ingested.

An upload's identity is its content, not its name: each is saved as
``uploads/<first 16 hex digits of its SHA-256>/<its name>``, so two different
articles both called ``index.html`` never replace each other (in one batch or
later). A new version of a document is a deliberate choice (``as_version_of``).
Refused uploads are deleted at once, and anything under ``uploads/`` that no
document came from (left by a killed session) on the next upload.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from workbench.errors import InputError, WorkbenchError
from workbench.ingest import IngestResult, display_path, ingest_file
from workbench.ingest.reader import DEFAULT_MAX_BYTES
from workbench.store import Project

UPLOADS = "uploads"


def safe_name(name: str) -> str:
    """An uploaded file's name reduced to a plain file name (no folders, no odd characters)."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\-]+", "_", base).lstrip(".")
    return base or "upload.txt"


def upload_path(root: Path, name: str, data: bytes) -> Path:
    """Where an upload of ``data`` named ``name`` is kept in the project at ``root``."""
    return root / UPLOADS / hashlib.sha256(data).hexdigest()[:16] / safe_name(name)


def ingest_uploads(project: Project, uploads: Sequence[tuple[str, bytes]], *,
                   lang: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                   as_version_of: int | None = None) -> list[IngestResult]:
    """Save and ingest ``(name, content)`` uploads; each gets a result.

    With ``as_version_of`` (one upload only), the upload becomes a new version of
    that document instead of a document of its own."""
    source = None
    if as_version_of is not None:
        if len(uploads) != 1:
            raise InputError("a new version replaces one document: upload one file for it")
        source = project.document(as_version_of).source_path
    remove_leftovers(project)
    results = []
    for name, data in uploads:
        path = upload_path(project.root, name, data)
        try:
            if len(data) > max_bytes:  # refused before anything is written
                raise InputError(f"{safe_name(name)}: {len(data) / 1e6:.1f} MB is over the "
                                 f"{max_bytes / 1e6:.0f} MB limit for one document")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            result = ingest_file(project, path, lang=lang, max_bytes=max_bytes,
                                 source_path=source)
        except WorkbenchError as exc:
            result = IngestResult(path, "refused", str(exc))
        except OSError as exc:
            result = IngestResult(path, "refused", f"cannot save the upload: {exc.strerror}")
        if not result.ok:
            _remove(path)
        results.append(result)
    return results


def remove_leftovers(project: Project) -> int:
    """Delete files under ``uploads/`` that no document of the project came from;
    returns how many."""
    folder = project.root / UPLOADS
    if not folder.is_dir():
        return 0
    known = project.source_paths()
    removed = 0
    for path in sorted(p for p in folder.rglob("*") if not p.is_dir()):
        if display_path(path.resolve()) not in known:
            _remove(path)
            removed += 1
    return removed


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
    parent = path.parent
    if parent.name != UPLOADS and parent.parent.name == UPLOADS:
        with contextlib.suppress(OSError):
            parent.rmdir()  # only when empty
