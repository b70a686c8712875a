"""Ingest: files -> documents, paragraphs and segments in the project store.

``build_document`` is the pure part (text in, paragraphs and segments out);
``ingest_paths`` is the shell that reads files, checks content hashes and
writes one transaction per document. Nothing in a file is dropped: debris
becomes non-translatable segments (see ``debris.py``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError, UnsupportedLanguageError, WorkbenchError
from workbench.ingest.debris import split_debris
from workbench.ingest.parse import FORMATS, Block, format_of, parse
from workbench.ingest.reader import DEFAULT_MAX_BYTES, read_text
from workbench.store import NewParagraph, NewSegment, Project

_TERMINAL = (".", "!", "?", "…", "»", '"', ":", ";", ")")


@dataclass(frozen=True)
class BuiltDocument:
    """A parsed, segmented document, ready for the store."""

    title: str
    lang: str
    lang_confidence: float
    paragraphs: list[NewParagraph]

    @property
    def segment_count(self) -> int:
        return sum(len(p.segments) for p in self.paragraphs)


@dataclass(frozen=True)
class IngestResult:
    """What happened to one input file."""

    path: Path
    status: str  # added | new-version | unchanged | duplicate | refused
    message: str = ""
    document_id: int | None = None
    segments: int = 0

    @property
    def name(self) -> str:
        """The file's path as printable text."""
        return display_path(self.path)

    @property
    def ok(self) -> bool:
        return self.status != "refused"


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code and probability for ``text`` (py3langid, normalised probabilities)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    global _IDENTIFIER
    if _IDENTIFIER is None:
        _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    lang, prob = _IDENTIFIER.classify(text[:20_000])
    return lang, float(prob)


_IDENTIFIER = None


def build_document(text: str, fmt: str, *, lang: str | None = None,
                   fallback_title: str = "") -> BuiltDocument:
    """Parse, mark debris and segment ``text``; pure apart from loading models."""
    from workbench.segment import split_sentences

    parsed = parse(text, fmt)
    if not parsed.blocks:
        raise InputError(f"{fallback_title or 'input'}: no text found after parsing {fmt}")
    pieces_per_block = [(block, split_debris(block.text)) for block in parsed.blocks]
    if lang is None:
        prose = " ".join(p.text for _, ps in pieces_per_block for p in ps if p.translatable)
        lang, confidence = detect_language(prose or text)
    else:
        confidence = 1.0

    def sentences(piece_text: str) -> list[str]:
        try:
            return split_sentences(piece_text, lang) or [piece_text]
        except UnsupportedLanguageError:
            return [piece_text]  # no segmenter for this language: one segment per paragraph

    paragraphs: list[NewParagraph] = []
    for block, pieces in pieces_per_block:
        segs: list[NewSegment] = []
        for piece in pieces:
            if piece.translatable:
                segs.extend(NewSegment(s, True) for s in sentences(piece.text))
            else:
                segs.append(NewSegment(piece.text, False, piece.reason))
        paragraphs.append(NewParagraph(block.text, _kind(block, segs), segs))
    title = parsed.title or next(
        (p.text for p in paragraphs if p.kind != "debris"), fallback_title
    )
    return BuiltDocument(_shorten(title), lang, confidence, paragraphs)


def _kind(block: Block, segs: list[NewSegment]) -> str:
    if not any(s.translatable for s in segs):
        return "debris"
    if block.kind != "text":
        return block.kind
    if len(segs) == 1 and not block.text.rstrip().endswith(_TERMINAL) and len(block.text) < 160:
        return "heading"
    return "text"


def _shorten(title: str, limit: int = 160) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def display_path(path: Path | str) -> str:
    """``path`` as printable text: bytes of a file name that are not UTF-8 (which Python
    keeps as lone surrogates) are shown as ``\\xNN`` escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def iter_input_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str | None]]:
    """Files to ingest under ``paths``; the second item is a reason to skip, if any.

    Folders are walked recursively in name order; files in them with other
    extensions are reported as skipped, never ingested by guess. Special files
    (pipes, devices, links to them) are yielded too, so that each gets a result.
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if not p.is_dir()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.suffix.lower() in FORMATS:
                    yield child, None
                else:
                    yield child, f"skipped: not a supported type ({', '.join(sorted(FORMATS))})"
        elif path.exists() or path.is_symlink():
            yield path, None
        else:
            yield path, "refused: no such file or folder"


def ingest_file(project: Project, path: Path, *, lang: str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES, source_path: str | None = None) -> IngestResult:
    """Ingest one file: no-op when its content is already in the project.

    ``source_path`` is the document's identity (default: the file's absolute path):
    a different text under a known identity becomes a new version of that document."""
    name = display_path(path)
    fmt = format_of(path)
    decoded = read_text(path, max_bytes, name=name)
    content_hash = hashlib.sha256(decoded.text.encode("utf-8")).hexdigest()
    source = source_path or display_path(path.resolve())
    known = project.find_by_hash(content_hash)
    if known is not None:
        return _known(path, known, source)
    try:
        built = build_document(decoded.text, fmt, lang=lang, fallback_title=display_path(path.stem))
    except RecursionError:
        raise InputError(f"{name}: nested too deeply to read") from None
    doc_id, version, known = project.add_document_once(
        source_path=source, title=built.title, lang=built.lang,
        lang_confidence=built.lang_confidence, fmt=fmt, encoding=decoded.encoding,
        content_hash=content_hash, paragraphs=built.paragraphs,
    )
    if known is not None:  # another process stored the same text meanwhile
        return _known(path, known, source)
    status = "new-version" if version > 1 else "added"
    return IngestResult(path, status, f"{built.lang}, {decoded.encoding}", doc_id,
                        built.segment_count)


def _known(path: Path, known, source: str) -> IngestResult:
    status = "unchanged" if known.source_path == source else "duplicate"
    return IngestResult(path, status, f"same content as document {known.id}", known.id, 0)


def ingest_paths(project: Project, paths: Iterable[Path], *, lang: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES,
                 on_result: Callable[[IngestResult], None] | None = None) -> list[IngestResult]:
    """Ingest files and folders; a refused file is reported and the others go on."""
    results = []
    for path, skip in iter_input_files(paths):
        if skip:
            status, _, why = skip.partition(": ")
            result = IngestResult(path, status, why)
        else:
            try:
                result = ingest_file(project, path, lang=lang, max_bytes=max_bytes)
            except WorkbenchError as exc:
                result = IngestResult(path, "refused", str(exc))
        results.append(result)
        if on_result:
            on_result(result)
    return results
