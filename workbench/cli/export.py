"""``workbench export`` and ``workbench import``: parallel corpora out, edits in."""

from __future__ import annotations

import enum
import inspect
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from workbench.cli.common import ProjectOpt, console, open_project, plural, progress
from workbench.errors import InputError
from workbench.io import FORMATS
from workbench.io.base import STATUSES
from workbench.io.project import count_units, export_originals, export_project, import_file
from workbench.store import DEFAULT_PROJECT

FormatName = enum.Enum("FormatName", {name: name for name in FORMATS}, type=str)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _ids(value: str | None) -> list[int] | None:
    items = _split(value)
    try:
        return [int(v) for v in items] or None
    except ValueError:
        raise InputError(f"--documents wants document ids separated by commas, got {value!r}") from None


def export(
    fmt: Annotated[FormatName, typer.Option("--format", "-f", help="Output format (listed above).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file (a folder for XLIFF "
                   "per document, a prefix for Moses: PREFIX.fr, PREFIX.en).")],
    to: Annotated[str, typer.Option("--to", help="Target language(s), comma-separated.")] = "en",
    from_: Annotated[str | None, typer.Option(
        "--from", help="Source language(s) of the documents to export, comma-separated "
        "(default: every language but the target; units of other directions are counted, "
        "not written).")] = None,
    status: Annotated[str | None, typer.Option(
        help=f"Keep targets with these review statuses ({','.join(STATUSES)}).")] = None,
    min_confidence: Annotated[float | None, typer.Option(
        help="Keep targets whose alignment confidence is at least this.")] = None,
    documents: Annotated[str | None, typer.Option(help="Document ids, comma-separated.")] = None,
    include_empty: Annotated[bool, typer.Option(
        help="Also export empty targets and untranslated segments.")] = False,
    spreadsheet_safe: Annotated[bool, typer.Option(
        help="TSV/CSV for spreadsheets: cells starting with = + - @ get a leading ' so they "
             "never run as formulas (do not re-import such a file).")] = False,
    original: Annotated[bool, typer.Option(
        "--original", help="With --format xliff12: write the reviewed targets and statuses "
        "back into the foreign XLIFF 1.2 files (Trados, memoQ, Okapi, Weblate and others) "
        "the documents were imported from, their structure, ids and tool data kept, for the CAT tool to "
        "take back; --out is a folder (or a file name when there is one original); "
        "--documents selects, the other filters do not apply.")] = False,
    project: ProjectOpt = DEFAULT_PROJECT,
) -> None:
    """Export reviewed translations as a parallel corpus (TMX, XLIFF 2 and 1.2, TSV, CSV,
    Moses, JSONL, Parquet). The file appears complete or not at all.

    One direction at a time: --to en writes the units into English of documents in
    other languages and says how many units of other directions (say an imported
    English → French memory) it left out; --from en --to fr writes those."""
    doc_ids = _ids(documents)
    if original:
        _export_originals(fmt.value, out, doc_ids, project)
        return
    with open_project(project) as proj, progress() as bar:
        task = bar.add_task("export", total=count_units(proj, doc_ids))
        report = export_project(
            proj, fmt.value, out, targets=_split(to), sources=_split(from_) or None,
            statuses=_split(status) or None,
            min_confidence=min_confidence, documents=doc_ids, include_empty=include_empty,
            spreadsheet_safe=spreadsheet_safe, on_unit=lambda: bar.advance(task))
    for line in report.lines():
        console.print(escape(line), soft_wrap=True)


def _export_originals(fmt: str, out: Path, doc_ids: list[int] | None, project: Path) -> None:
    if fmt != "xliff12":
        raise InputError(f"--original writes XLIFF 1.2 files back as their tool made them; "
                         f"use it with --format xliff12, not {fmt}")
    with open_project(project) as proj:
        report = export_originals(proj, out, doc_ids)
    for line in report.lines():
        console.print(escape(line), soft_wrap=True)


def import_(
    path: Annotated[Path, typer.Argument(help="A .tmx, .xlf/.xliff (XLIFF 2 or 1.2), "
                                             ".sdlxliff, .mqxliff, .tsv, .csv, .jsonl or "
                                             ".parquet file (format from the extension), or a "
                                             ".tbx glossary.")],
    default_status: Annotated[str, typer.Option(
        help="Review status of imported targets that carry none.")] = "approved",
    project: ProjectOpt = DEFAULT_PROJECT,
) -> None:
    """Import translations: edits of an exported file come back matched by unit id
    (conflicts are listed, not applied); pairs from elsewhere become new documents
    with reviewed translations. All or nothing; hostile XML is refused.

    A .tbx file becomes the newest version of the project's glossary NAME (kept in the
    project database, copied to glossaries/NAME.csv; what the review app highlights and
    checks against).

    Exit code 1 when any conflict was found (everything else is still applied)."""
    if path.suffix.lower() == ".tbx":
        from workbench.cli.glossary import import_into_project

        import_into_project(project, path)
        return
    with open_project(project) as proj, progress() as bar:
        task = bar.add_task("import", total=None)
        report = import_file(proj, path, default_status=default_status,
                             on_unit=lambda: bar.advance(task))
    for line in report.lines():
        console.print(escape(line), soft_wrap=True)
    for c in report.conflicts[:50]:
        console.print(f"[yellow]conflict[/] {escape(c.unit)} ({escape(c.lang)}): {escape(c.reason)}",
                      soft_wrap=True)
    if len(report.conflicts) > 50:
        console.print(f"… and {len(report.conflicts) - 50} more conflicts")
    if report.conflicts:
        raise typer.Exit(1)


export.__doc__ = inspect.cleandoc(export.__doc__ or "") + "\n\n" + "\n\n".join(
    f"{f.name}: {f.description}." for f in FORMATS.values())


def register(app: typer.Typer) -> None:
    """Add ``export`` and ``import`` to the root app."""
    app.command("export")(export)
    app.command("import")(import_)
