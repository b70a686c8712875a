"""Export a project's review units to a file, and import a file back.

**Export** streams the units straight from SQLite (one cursor, rows grouped
by segment) into a format's writer: memory stays bounded however large the
project. A unit is one translatable segment; each requested target language
is one cell with the reviewed text, status, review version, alignment
confidence and the engine that produced the machine translation.

Filters apply per target cell: ``statuses`` keeps cells whose review status is
listed, ``min_confidence`` keeps cells whose alignment confidence is known and
at least that value, and empty (or whitespace-only) targets are left out
unless ``include_empty``; then translatable segments without any review are
exported too, with empty targets. A unit is written when at least one of its
cells is kept.

**Import** reads a file (format from the extension) and applies it in one
transaction, all or nothing:

* Units whose document exists in the project (same document id, and some unit
  is, by id and source text, one of its segments; the title plays no part, since
  formats may change it) are *matched* by unit id (the segment id). The source text must be unchanged. A target
  whose text or status differs is saved as a new review version, unless the
  project's review moved on since the export (the file records the version
  it was exported from): that is a *conflict*, reported and not applied.
  A target the file left as exported while the project edited it since is
  no conflict: the project's newer text stays (``kept_newer``).
* Other units (a file from another project or tool) are *added*: one new
  document per document of the file (``source_path`` ``import:<file>#<doc>``),
  their targets stored as reviews (status from the file, else
  ``default_status``), the machine translation and engine when the file has
  them, and the alignment confidence as an alignment of that document.
  Importing the same file again matches the documents it created instead of
  duplicating them. Units keep their direction, whatever the project's: an
  English → French memory in a project of French articles becomes English
  documents with French reviews (exports then go one direction at a time).
  Language tags are cut to the project's codes (``EN-US``, ``FR-FR``, ``EN`` →
  ``en``, ``fr``).

Confidence and engine of *matched* units are never changed by an import:
they are the project's own measurements.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import FormatError, InputError, NotFoundError
from workbench.io import FORMATS, format_for_path, get_format, inline
from workbench.io.base import STATUSES, Format, Target, Unit, WriteOptions
from workbench.store import Document, NewParagraph, NewSegment, Project
from workbench.store.directions import review_directions

if TYPE_CHECKING:
    from lxml import etree

    from workbench.io.xliff12_original import Edit, Piece

# -- export --------------------------------------------------------------------


@dataclass
class ExportReport:
    """What an export wrote and what it left out, for the user."""

    format: str
    files: list[Path]
    units: int = 0
    cells: int = 0
    skipped_empty: int = 0
    skipped_filtered: int = 0
    skipped_incomplete: int = 0
    removed_chars: int = 0
    removed_in: list[str] = field(default_factory=list)
    encoded_chars: int = 0
    neutralised_cells: int = 0
    flattened_newlines: int = 0
    #: review units of other directions left out, per (source, target) language pair
    other_directions: dict[tuple[str, str], int] = field(default_factory=dict)
    targets: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """Human-readable summary lines (counts that are zero are left out)."""
        out = [f"{self.units} units ({self.cells} target cells) written as {self.format} to "
               + ", ".join(str(p) for p in self.files)]
        if self.removed_chars:
            where = ", ".join(self.removed_in)
            out.append(f"{self.removed_chars} characters not allowed in XML 1.0 removed "
                       f"(units {where}{'…' if len(self.removed_in) >= 20 else ''})")
        if self.encoded_chars:
            out.append(f"{self.encoded_chars} control characters kept as XLIFF <cp> elements")
        if self.neutralised_cells:
            out.append(f"{self.neutralised_cells} cells prefixed with ' (spreadsheet-safe)")
        if self.flattened_newlines:
            out.append(f"{self.flattened_newlines} line breaks inside segments turned into spaces")
        if self.skipped_empty:
            out.append(f"{self.skipped_empty} empty targets left out (--include-empty keeps them)")
        if self.skipped_filtered:
            out.append(f"{self.skipped_filtered} targets left out by --status/--min-confidence")
        if self.skipped_incomplete:
            out.append(f"{self.skipped_incomplete} units left out: a target language is missing")
        if self.other_directions:
            out.append(other_directions_line(self.other_directions, self.targets))
        return out


def other_directions_line(left_out: dict[tuple[str, str], int],
                          targets: Sequence[str] = ()) -> str:
    """``"120 units of other directions left out (en→fr: 120); export them with --from en
    --to fr"``: what a one-direction export did not write, and how to get it (the
    biggest direction into one of ``targets``, else the biggest)."""
    (src, tgt), _ = max(left_out.items(), key=lambda kv: (kv[0][1] in targets, kv[1]))
    per = ", ".join(f"{s}→{t}: {n}" for (s, t), n in left_out.items())
    return (f"{sum(left_out.values())} units of other directions left out ({per}); "
            f"export them with --from {src} --to {tgt}")


def count_units(project: Project, documents: Sequence[int] | None = None) -> int:
    """How many translatable segments an export may visit (for a progress bar)."""
    return project.count_translatable(documents)


def export_project(
    project: Project,
    fmt: str | Format,
    out: Path | str,
    targets: Sequence[str] = ("en",),
    statuses: Sequence[str] | None = None,
    min_confidence: float | None = None,
    documents: Sequence[int] | None = None,
    include_empty: bool = False,
    spreadsheet_safe: bool = False,
    on_unit: Callable[[], None] | None = None,
    sources: Sequence[str] | None = None,
) -> ExportReport:
    """Write the project's units for ``targets`` to ``out`` in format ``fmt``.

    Units go one direction at a time: a document is exported into each of
    ``targets`` except its own language, and only documents in ``sources`` when
    given (all languages otherwise). So ``targets=["en"]`` in a project of French
    articles and an imported English → French memory writes the French → English
    units; the report counts the units of other directions it left out
    (``other_directions``), and ``sources=["en"], targets=["fr"]`` writes those.

    Nothing is written when no unit matches (:class:`InputError` says why);
    a failure midway leaves no file under ``out`` (each writer goes through a
    temporary file). ``on_unit`` is called once per written unit.
    """
    fmt = get_format(fmt) if isinstance(fmt, str) else fmt
    targets = tuple(dict.fromkeys(t.strip() for t in targets if t.strip()))
    if not targets:
        raise InputError("no target language given; use e.g. --to en or --to en,es")
    if statuses:
        bad = [s for s in statuses if s not in STATUSES]
        if bad:
            raise InputError(f"unknown status {', '.join(bad)}; use one of {', '.join(STATUSES)}")
    if min_confidence is not None and math.isnan(min_confidence):
        raise InputError("--min-confidence must be a number")
    if not fmt.multi_target and len(targets) > 1:
        raise InputError(f"{fmt.name} holds one target language; export each separately")
    documents = list(documents) if documents else None
    if documents:
        found = project.current_document_ids(documents)
        missing = [str(d) for d in documents if d not in found]
        if missing:
            raise NotFoundError(f"no current document with id {', '.join(missing)}; "
                                "see `workbench status` for the ids")
    sources = tuple(dict.fromkeys(s.strip() for s in sources or () if s.strip())) or None
    if sources and all(s == t for s in sources for t in targets):
        raise InputError(f"--from and --to are both {sources[0]}: a document is never "
                         "exported into its own language")
    langs = [lang for lang in project.source_langs(documents)
             if (sources is None or lang in sources) and any(t != lang for t in targets)]
    report = ExportReport(format=fmt.name, files=[], targets=targets)
    report.other_directions = {
        (s, t): n for (s, t), n in review_directions(project, documents).items()
        if not (s in langs and t in targets and s != t) and (s in targets or t in targets)}
    if fmt.suggestions:  # the memory the suggestions come from holds the approvals made so far
        from workbench.memory.project import sync_reviews

        sync_reviews(project)
    units = _export_units(project, targets, langs, statuses, min_confidence, documents,
                          include_empty, report)
    first = next(units, None)
    if first is None:
        what = [f"target {','.join(targets)}"]
        if sources:
            what.append(f"source {','.join(sources)}")
        if statuses:
            what.append(f"status {','.join(statuses)}")
        if min_confidence is not None:
            what.append(f"confidence >= {min_confidence}")
        if documents:
            what.append(f"documents {','.join(map(str, documents))}")
        hint = ("translate first or loosen the filters" if not report.other_directions
                else other_directions_line(report.other_directions, targets)
                .replace(" left out", ""))
        raise InputError(f"nothing to export: no translated segment with {', '.join(what)}"
                         f"{'' if include_empty else ' and a non-empty target'}; {hint}")
    options = WriteOptions(
        source_lang=langs[0] if len(langs) == 1 else "*all*", target_langs=targets,
        spreadsheet_safe=spreadsheet_safe, include_empty=include_empty, on_unit=on_unit)
    out = Path(out)
    if out.is_dir() and fmt.name not in ("xliff", "moses"):  # a folder, a prefix
        raise InputError(f"{out} is a folder; give a file name for --out")
    units = itertools.chain([first], units)
    if fmt.suggestions:  # memory matches and glossary warnings for the reviewer's tool
        from workbench.io.suggestions import with_suggestions

        units = with_suggestions(project, units)
    try:
        stats = fmt.write(units, out, options)
    except OSError as exc:  # disk full, permissions…: the temporary file is already gone
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from exc
    for name in ("files", "units", "cells", "removed_chars", "removed_in", "encoded_chars",
                 "neutralised_cells", "flattened_newlines", "skipped_incomplete"):
        setattr(report, name, getattr(stats, name))
    return report


def _export_units(project: Project, targets: tuple[str, ...], langs: Sequence[str],
                  statuses: Sequence[str] | None, min_confidence: float | None,
                  documents: Sequence[int] | None, include_empty: bool,
                  report: ExportReport) -> Iterator[Unit]:
    """The units of the documents in ``langs``, each with its cells in ``targets`` other
    than its own language, filtered as :func:`export_project` says."""
    if not langs:
        return
    rows_of = project.export_rows(targets, langs, documents, include_empty)
    wanted = set(statuses or ())
    conf_doc, confidence, codes = None, {}, {}
    for seg_id, rows in itertools.groupby(rows_of, key=lambda r: r.segment_id):
        rows = list(rows)
        head = rows[0]
        if head.document_id != conf_doc:
            conf_doc = head.document_id
            confidence = project.bead_confidences(conf_doc, targets)
            codes = project.document_codes(conf_doc)
        cells = {r.target_lang: Target(lang=r.target_lang, text=r.text, status=r.status,
                                       version=r.version,
                                       confidence=confidence.get((seg_id, r.target_lang)),
                                       mt=r.mt, engine=r.engine, model=r.model,
                                       model_version=r.model_version)
                 for r in rows if r.target_lang is not None}
        kept = []
        for lang in targets:
            if lang == head.source_lang:  # never into the document's own language
                continue
            cell = cells.get(lang)
            if cell is None:
                if not include_empty:
                    continue
                cell = Target(lang=lang, text="")
            if (wanted and cell.status not in wanted) or (
                    min_confidence is not None
                    and (cell.confidence is None or cell.confidence < min_confidence)):
                report.skipped_filtered += 1
                continue
            if not include_empty and not cell.text.strip():
                report.skipped_empty += 1
                continue
            kept.append(cell)
        if kept:
            yield Unit(source=head.source, source_lang=head.source_lang, targets=tuple(kept),
                       document=head.title, document_id=head.document_id, segment_id=seg_id,
                       paragraph=head.paragraph, idx=head.idx,
                       codes=inline.loads(codes.get(seg_id)))


# -- import --------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A unit target that was not applied, and why."""

    unit: str
    lang: str
    reason: str


@dataclass
class ImportReport:
    """What an import changed, what it left alone and what it refused."""

    path: Path
    format: str
    units: int = 0
    added_documents: int = 0
    added_units: int = 0
    added_reviews: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_newer: int = 0
    empty: int = 0
    status_defaulted: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        """Human-readable summary lines."""
        out = [f"{self.units} units read from {self.path} ({self.format}): "
               f"{self.updated} reviews updated, {self.added_reviews} added, "
               f"{self.unchanged} unchanged, {len(self.conflicts)} conflicts"]
        if self.added_documents:
            out.append(f"{self.added_documents} new documents with {self.added_units} segments")
        if self.kept_newer:
            out.append(f"{self.kept_newer} targets not edited in the file but edited in the "
                       "project since the export: the project's newer text stays")
        if self.empty:
            out.append(f"{self.empty} targets without text or status skipped")
        if self.status_defaulted:
            out.append(f"{self.status_defaulted} targets had no status in the file and were "
                       "given the default status")
        out.extend(f"note: {msg} ({n}×)" for msg, n in self.notes.items())
        return out


def import_file(
    project: Project,
    path: Path | str,
    *,
    default_status: str = "approved",
    author: str | None = None,
    on_unit: Callable[[], None] | None = None,
) -> ImportReport:
    """Apply the file at ``path`` to ``project`` (see the module doc).

    One transaction: a malformed or hostile file (XXE, entity bombs, bad
    rows) raises :class:`~workbench.errors.FormatError` and changes nothing.
    Conflicts do not stop the import; they are listed in the report.
    """
    path = Path(path)
    fmt = format_for_path(path)
    if default_status not in STATUSES:
        raise InputError(f"unknown status {default_status!r}; use one of {', '.join(STATUSES)}")
    report = ImportReport(path=path, format=fmt.name)
    units = _sources_present(path, _checked(path, (language_codes(u, report.notes)
                                                   for u in fmt.read(path, report.notes))))
    try:
        groups = _by_document(_counting(units, report, on_unit))
        with project.transaction():
            importer = _Importer(project, path, default_status, author or f"import:{path.name}",
                                 report)
            for key, group in groups.items():
                importer.apply_group(key, iter(group))
            if importer.foreign and fmt.name == "xliff12":  # to write back into it later
                from workbench.io.xliff12_original import keep

                keep(project.root, path)
    except OSError as exc:  # unreadable file: the transaction was rolled back
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except RecursionError:
        raise FormatError(f"{path}: nested too deeply to read") from None
    return report


DocKey = tuple[int | None, str, str]


def _by_document(units: Iterable[Unit]) -> dict[DocKey, list[Unit]]:
    """The units of a file grouped by document (id, title, source language), in file
    order: the units of one document need not be consecutive (A, B, A, B), and a
    file's documents are never merged into, or replaced by, each other."""
    groups: dict[DocKey, list[Unit]] = {}
    seen: dict[tuple[DocKey, int], int] = {}  # a segment met again: another target language
    for unit in units:
        key = (unit.document_id, unit.document, unit.source_lang)
        group = groups.setdefault(key, [])
        at = seen.get((key, unit.segment_id)) if unit.segment_id is not None else None
        if at is not None and group[at].source == unit.source:  # XLIFF 1.2: a <file> per language
            group[at] = replace(group[at], targets=group[at].targets + unit.targets)
            continue
        if unit.segment_id is not None:
            seen[(key, unit.segment_id)] = len(group)
        group.append(unit)
    return groups


_MAX_ID = 2**63 - 1


def _checked(path: Path, units: Iterable[Unit]) -> Iterator[Unit]:
    """``units`` after checking what every format can carry but the project cannot
    store: ids out of SQLite's range, confidences that are not numbers in [0, 1],
    lone surrogates (not Unicode text), empty language tags."""
    for n, unit in enumerate(units, 1):
        where = f"{path} unit #{n}" + (f" ({unit.unit_id})" if unit.segment_id is not None
                                        and 0 <= unit.segment_id <= _MAX_ID else "")
        for name in ("document_id", "segment_id", "paragraph", "idx"):
            _check_int(getattr(unit, name), name, where)
        texts = [("source", unit.source), ("document", unit.document),
                 ("source language", unit.source_lang)]
        for t in unit.targets:
            _check_int(t.version, f"{t.lang} version", where)
            if t.confidence is not None and not (
                    isinstance(t.confidence, (int, float)) and 0.0 <= t.confidence <= 1.0):
                raise FormatError(f"{where}: {t.lang} confidence {t.confidence!r} is not a "
                                  "number from 0 to 1")
            texts += [(f"{t.lang} text", t.text), (f"{t.lang} mt", t.mt),
                      ("target language", t.lang), (f"{t.lang} engine", t.engine),
                      (f"{t.lang} model", t.model), (f"{t.lang} model version", t.model_version)]
        for name, text in texts:
            if text is None:
                continue
            if name.endswith("language") and not text.strip():
                raise FormatError(f"{where}: empty {name}")
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise FormatError(f"{where}: the {name} holds {text[exc.start]!r}, half of a "
                                  "surrogate pair, which is not Unicode text") from None
        yield unit


def _sources_present(path: Path, units: Iterable[Unit]) -> Iterator[Unit]:
    """``units``, then a refusal when the file contradicts its own languages: every unit
    with text has an empty source in the language it declares, and a translated target
    (the languages were declared the wrong way round). Formats with line numbers refuse
    such files themselves, by line (TMX's ``srclang``)."""
    empty_source, with_source, first = Counter(), 0, 0
    for n, unit in enumerate(units, 1):
        if unit.source.strip():
            with_source += 1
        elif any(t.text.strip() for t in unit.targets):
            empty_source[unit.source_lang] += 1
            first = first or n
        yield unit
    if empty_source and not with_source:
        raise FormatError(
            f"{path}: its units declare {', '.join(empty_source)} as their source language, "
            f"but all {sum(empty_source.values())} units with text have an empty source and a "
            f"translated target (the first: unit #{first}); the file contradicts its own "
            "languages: correct them and import again; nothing was imported")


def _check_int(value: int | None, name: str, where: str) -> None:
    if value is not None and not 0 <= value <= _MAX_ID:
        raise FormatError(f"{where}: {name} {value} is out of range (0 to {_MAX_ID})")


def _primary(tag: str) -> str:
    return tag.replace("_", "-").split("-")[0].lower()


def language_codes(unit: Unit, notes: Counter[str]) -> Unit:
    """``unit`` with its language tags cut to the language code the project uses
    (CAT tools write ``FR-FR``, ``en-GB``; engines and glossaries say ``fr``, ``en``).

    A tag is kept whole where cutting it would merge two sides of the unit
    (``en-GB`` and ``en-US`` both present). Each change is counted in ``notes``.
    """
    def code(tag: str, taken: set[str]) -> str:
        short = _primary(tag) if tag else tag
        if short in taken:
            return tag
        if short != tag:
            notes[f"language tag {tag} read as {short}"] += 1
        taken.add(short)
        return short

    taken: set[str] = set()
    source_lang = code(unit.source_lang, taken)
    targets = tuple(replace(t, lang=lang) if (lang := code(t.lang, taken)) != t.lang else t
                    for t in unit.targets)
    if source_lang == unit.source_lang and targets == unit.targets:
        return unit
    return replace(unit, source_lang=source_lang, targets=targets)


def _counting(units: Iterable[Unit], report: ImportReport,
              on_unit: Callable[[], None] | None) -> Iterator[Unit]:
    for unit in units:
        report.units += 1
        if on_unit is not None:
            on_unit()
        yield unit


class _Importer:
    """Applies groups of units (one document each) inside an open transaction of the
    project: the store's own writes (``add_document``, ``save_review``...) join it."""

    def __init__(self, project: Project, path: Path, default_status: str, author: str,
                 report: ImportReport) -> None:
        self.project, self.path, self.author, self.report = project, path, author, report
        self.default_status = default_status
        self._paths: dict[DocKey, str] = {}
        #: whether some document of the file is not the project's (added or re-imported)
        self.foreign = False

    def apply_group(self, key: DocKey, units: Iterator[Unit]) -> None:
        doc_id = key[0]
        group = list(units)
        if self._reimport(group, key):
            return
        doc = None
        if doc_id is not None:
            doc = self.project.find_document(doc_id)
        if doc is not None and self._shares_a_segment(group, doc_id):
            for unit in group:
                self._match(unit, doc)
        else:
            self._add(group, key)

    def _shares_a_segment(self, units: list[Unit], doc_id: int) -> bool:
        """Whether some unit is, by id and source text, a segment of document ``doc_id``
        (ids alone could collide with another project's)."""
        return any(self.project.segment(u.segment_id) == (doc_id, u.source)
                   for u in units if u.segment_id is not None)

    # matched units ------------------------------------------------------------

    def _match(self, unit: Unit, doc: Document) -> None:
        label = unit.unit_id or "(no id)"
        reason = None
        seg = None
        if unit.segment_id is None:
            reason = "the unit has no id, but its document is in the project"
        elif not doc.is_current:
            reason = (f"document {doc.id} was re-ingested since the export (a newer version "
                      "exists); edits to the old version are not applied")
        else:
            seg = self.project.segment(unit.segment_id)
            if seg is None or seg.document_id != doc.id:
                reason = f"segment {unit.segment_id} is not in document {doc.id}"
            elif seg.text != unit.source:
                reason = "the source text differs from the project's (edited in the file?)"
        if reason is not None:
            for t in unit.targets:
                self.report.conflicts.append(Conflict(label, t.lang, reason))
            return
        for t in self._with_codes(unit.segment_id, unit):
            self._apply_target(unit.segment_id, t, label, check_version=True)

    def _with_codes(self, seg_id: int, unit: Unit) -> tuple[Target, ...]:
        """The unit's targets with their inline codes renumbered as the project's
        segment has them; tags the file added are added to the segment's codes."""
        if not unit.codes:
            return unit.targets
        stored = inline.loads(self.project.segment_codes(seg_id))
        texts, merged = inline.remap([t.text for t in unit.targets], unit.codes, stored)
        if merged != stored:
            self.project.save_codes([(seg_id, inline.dumps(merged))])
        return tuple(replace(t, text=text) for t, text in zip(unit.targets, texts))

    def _apply_target(self, seg_id: int, t: Target, label: str, *, check_version: bool) -> None:
        if t.status is None and t.text == "":
            self.report.empty += 1
            return
        row = self.project.review(seg_id, t.lang)
        cur_text, cur_status, cur_version = (row.text, row.status, row.version) \
            if row is not None else (None, None, 0)
        status = t.status or cur_status
        if status is None:
            status = self.default_status
            self.report.status_defaulted += 1
        if row is not None and cur_text == t.text and cur_status == status:
            self.report.unchanged += 1
            return
        if check_version and t.version is not None and t.version != cur_version:
            if self._as_exported(seg_id, t, status):
                self.report.kept_newer += 1
                return
            self.report.conflicts.append(Conflict(
                label, t.lang,
                f"changed in the project since the export (now version {cur_version}, "
                f"the file was exported from version {t.version}); not applied"))
            return
        self.project.save_review(seg_id, t.lang, text=t.text, status=status,
                                 expected_version=cur_version, author=self.author,
                                 origin="import")
        if row is None:
            self.report.added_reviews += 1
        else:
            self.report.updated += 1

    def _as_exported(self, seg_id: int, t: Target, status: str) -> bool:
        """Whether ``t`` is exactly what the project held at version ``t.version``:
        then the file did not touch it and the project's newer edit stays."""
        left = self.project.edit_at_version(seg_id, t.lang, t.version)
        if left is not None:
            return left == (t.text, status)
        if t.version == 1:  # seeded by the machine translation, before any edit
            return status == "todo" and self.project.has_translation(seg_id, t.lang, t.text)
        return False

    # added units ---------------------------------------------------------------

    def _import_key(self, units: list[Unit], key: DocKey) -> tuple[str, str]:
        """``source_path`` and content hash of the document made from ``units``."""
        content_hash = hashlib.sha256(json.dumps(
            [(u.paragraph, u.idx, u.source) for u in units], ensure_ascii=False
        ).encode("utf-8")).hexdigest()
        return self._source_path(key), content_hash

    def _source_path(self, key: DocKey) -> str:
        """A ``source_path`` of its own for each document of the file, stable from one
        import of the file to the next: ``import:<file>#<id or title>``, then the language
        and a number where two documents of the file would share it."""
        if key not in self._paths:
            doc_id, title, lang = key
            base = f"import:{self.path.name}#{doc_id if doc_id is not None else (title or '1')}"
            taken = set(self._paths.values())
            path, n = base, 1
            if path in taken:
                path = f"{base}@{lang}"
            while path in taken:
                n += 1
                path = f"{base}@{lang}~{n}"
            self._paths[key] = path
        return self._paths[key]

    def _reimport(self, units: list[Unit], key: DocKey) -> bool:
        """Apply ``units`` to the document an earlier import of the same file made
        from them (matched by position); False when there is none."""
        source_path, content_hash = self._import_key(units, key)
        existing = self.project.find_current(source_path, content_hash)
        if existing is None:
            return False
        seg_ids = self.project.segment_ids(existing)
        if len(seg_ids) != len(units):
            return False
        self.foreign = True
        for unit, seg_id in zip(units, seg_ids):
            for t in self._with_codes(seg_id, unit):
                self._apply_target(seg_id, t, unit.unit_id or f"s{seg_id}", check_version=False)
        return True

    def _add(self, units: list[Unit], key: DocKey) -> None:
        _doc_id, title, lang = key
        source_path, content_hash = self._import_key(units, key)
        doc_row_id, new_doc = self._create_document(units, source_path, title or self.path.stem,
                                                    lang, content_hash)
        self.foreign = True
        self.report.added_documents += 1
        self.report.added_units += len(units)
        beads: dict[str, list[tuple[int, str, float]]] = {}
        for unit, seg_id in zip(units, new_doc):
            for t in unit.targets:
                self._apply_target(seg_id, t, unit.unit_id or f"s{seg_id}", check_version=False)
                if t.engine is not None and t.mt is not None:
                    self.project.add_translation(
                        seg_id, t.lang, engine=t.engine, model=t.model or "",
                        model_version=t.model_version or "", text=t.mt,
                        meta={"imported_from": self.path.name})
                elif t.engine is not None:
                    self.report.notes["engine names without the machine translation not kept"] += 1
                if t.confidence is not None:
                    beads.setdefault(t.lang, []).append((seg_id, t.text, t.confidence))
        for tgt_lang, rows in beads.items():
            self.project.store_alignment(
                document_id=doc_row_id, target_lang=tgt_lang, target_kind="document",
                target_ref=f"import:{self.path.name}",
                provenance={"imported_from": self.path.name},
                beads=[([seg_id], [], text, conf) for seg_id, text, conf in rows])

    def _create_document(self, units: list[Unit], source_path: str, title: str, lang: str,
                         content_hash: str) -> tuple[int, list[int]]:
        """Insert a document for ``units`` (a new version if the path is known);
        returns its id and the segment ids in unit order."""
        paras = _positions([u.paragraph for u in units], strict=False)
        idxs = _positions([u.idx for u in units], strict=True)
        paragraphs = []
        for p_idx, members in itertools.groupby(range(len(units)), key=lambda i: paras[i]):
            members = list(members)
            paragraphs.append(NewParagraph(
                " ".join(units[i].source for i in members), "text",
                [NewSegment(units[i].source, True, idx=idxs[i]) for i in members], idx=p_idx))
        doc_id = self.project.add_document(
            source_path=source_path, title=title, lang=lang, lang_confidence=None,
            fmt=f"import-{self.report.format}", encoding="utf-8", content_hash=content_hash,
            paragraphs=paragraphs)
        seg_ids = self.project.segment_ids(doc_id)  # in unit order: idxs increase
        self.project.save_codes([(seg_id, inline.dumps(u.codes))
                                 for u, seg_id in zip(units, seg_ids) if u.codes])
        return doc_id, seg_ids


# -- write-back into the original file ------------------------------------------


@dataclass
class OriginalReport:
    """What a write-back into kept original files did."""

    files: list[Path] = field(default_factory=list)
    segments: int = 0
    changed: int = 0
    notes: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        """Human-readable summary lines."""
        out = [f"wrote {p}" for p in self.files]
        out.append(f"{self.segments} segments in {len(self.files)} original file"
                   f"{'s' if len(self.files) != 1 else ''}: {self.changed} with the project's "
                   "review written back, the rest as the file had them")
        out.extend(f"note: {msg} ({n}×)" for msg, n in self.notes.items())
        return out


def export_originals(project: Project, out: Path | str,
                     documents: Sequence[int] | None = None) -> OriginalReport:
    """Write the reviewed targets and statuses back into the foreign XLIFF 1.2 files the
    project's documents came from (see :mod:`workbench.io.xliff12_original`).

    ``out`` is a folder that gets each original under its own name, or, when exactly
    one original is written, may be a file name. Only originals with a current
    document among ``documents`` (all when ``None``) are written.
    """
    from workbench.io import xliff12_original as back

    out = Path(out)
    wanted = set(documents) if documents else None
    jobs = []
    claimed: set[int] = set()  # a file imported again (back from the tool): the newest wins
    for path in reversed(back.kept(project.root)):
        job = _original_edits(project, path, wanted)
        if job is not None and not job[0] <= claimed:
            claimed |= job[0]
            jobs.append((path, *job[1:]))
    jobs.reverse()
    if not jobs:
        raise InputError("nothing to write back: no current document of the project came from "
                         "a foreign XLIFF 1.2 file (import one with `workbench import`)"
                         + (" among the documents given" if wanted else ""))
    as_file = not out.is_dir() and out.suffix.lower() in get_format("xliff12").extensions
    if as_file and len(jobs) > 1:
        raise InputError(f"{len(jobs)} original files to write: give a folder for --out")
    if not as_file and not out.is_dir():
        raise InputError(f"cannot write into {out}: no such folder (or give a file name "
                         "ending in .xlf, .xliff, .sdlxliff or .mqxliff)")
    report = OriginalReport()
    names: Counter[str] = Counter()
    for path, tree, pieces, edits in jobs:
        names[path.name] += 1
        name = path.name if names[path.name] == 1 else \
            f"{path.stem}-{path.parent.name[:8]}{path.suffix}"
        target = out if as_file else out / name
        try:
            report.changed += back.write_back(path, tree, pieces, edits, target, report.notes)
        except OSError as exc:
            raise InputError(f"cannot write {target}: {exc.strerror or exc}") from exc
        report.segments += len(pieces)
        report.files.append(target)
    return report


def _original_edits(project: Project, path: Path, wanted: set[int] | None
                    ) -> tuple[set[int], etree._ElementTree, list[Piece], dict[int, Edit]] | None:
    """The document ids, tree, pieces and edits (by piece index) of one kept original,
    or ``None`` when none of its documents is (still) in the project or among ``wanted``."""
    from workbench.io.xliff12_original import Edit, read_pieces

    tree, pieces = read_pieces(path)
    notes: Counter[str] = Counter()
    units = [language_codes(p.unit, notes) for p in pieces]
    groups: dict[DocKey, list[int]] = {}
    for i, unit in enumerate(units):
        groups.setdefault((unit.document_id, unit.document, unit.source_lang), []).append(i)
    importer = _Importer(project, path, "approved", "", ImportReport(path, "xliff12"))
    edits: dict[int, Edit] = {}
    found: set[int] = set()
    for key, members in groups.items():
        doc = project.find_current(*importer._import_key([units[i] for i in members], key))
        if doc is None:
            continue
        seg_ids = project.segment_ids(doc)
        if len(seg_ids) != len(members) or (wanted is not None and doc not in wanted):
            continue
        found.add(doc)
        for i, seg_id in zip(members, seg_ids):
            unit = units[i]
            t = unit.targets[0]
            row = project.review(seg_id, t.lang)
            if row is None:
                continue
            stored = inline.loads(project.segment_codes(seg_id))
            (text,), _ = inline.remap([t.text], unit.codes, stored)
            changed = (row.text, row.status) != (text, t.status)
            edits[i] = Edit(row.text, stored, row.status, changed)
    return (found, tree, pieces, edits) if found else None


def _positions(values: list[int | None], *, strict: bool) -> list[int]:
    """The file's positions when usable (all given, increasing), else 0, 1, 2…

    Paragraph numbers may repeat (several segments per paragraph); segment
    indexes must strictly increase."""
    ok = all(v is not None for v in values) and all(
        (b > a if strict else b >= a) for a, b in zip(values, values[1:]))
    if ok:
        return list(values)  # type: ignore[arg-type]
    return list(range(len(values)))


__all__ = ["Conflict", "ExportReport", "FORMATS", "ImportReport", "OriginalReport",
           "count_units", "export_originals", "export_project", "import_file"]
