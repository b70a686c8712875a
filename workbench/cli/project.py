"""Project commands: ingest files, show status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from workbench.cli.common import ProjectOpt, console, open_project, progress
from workbench.ingest import IngestResult, ingest_paths, iter_input_files
from workbench.store import DEFAULT_PROJECT

_STYLE = {"added": "green", "new-version": "cyan", "unchanged": "dim", "duplicate": "dim",
          "skipped": "yellow", "refused": "red"}


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files (.txt, .md, .html) or folders.")],
    project: ProjectOpt = DEFAULT_PROJECT,
    lang: Annotated[str | None, typer.Option(help="Language of all files (default: detect).")] = None,
    max_mb: Annotated[float, typer.Option(help="Refuse files larger than this (MB).")] = 10.0,
) -> None:
    """Add articles to the project: detect encoding and language, mark page debris,
    split into paragraphs and sentences. Re-ingesting an unchanged file does nothing;
    a changed file becomes a new version.

    Exit code 1 when any file was refused (the others are still ingested)."""
    files = list(iter_input_files(paths))
    with open_project(project, create=True) as proj, progress() as bar:
        task = bar.add_task("ingest", total=len(files))

        def report(result: IngestResult) -> None:
            bar.advance(task)
            style = _STYLE.get(result.status, "")
            extra = f" #{result.document_id}" if result.document_id else ""
            segs = f", {result.segments} segments" if result.segments else ""
            console.print(f"[{style}]{result.status:>11}[/]{extra} {escape(result.name)}"
                          f" [dim]{escape(result.message)}{segs}[/]")

        results = ingest_paths(proj, paths, lang=lang, max_bytes=int(max_mb * 1024 * 1024),
                               on_result=report)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    console.print(", ".join(f"{n} {s}" for s, n in counts.items()) or "no files")
    if any(r.status == "refused" for r in results):
        raise typer.Exit(1)


def status(
    project: ProjectOpt = DEFAULT_PROJECT,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    all_versions: Annotated[bool, typer.Option(
        "--all-versions", help="List every version of each document, not only the current.")
    ] = False,
) -> None:
    """List the project's current documents (version and who made it) with segment,
    translation and review counts."""
    with open_project(project) as proj:
        docs = proj.documents(current_only=not all_versions)
        glossaries = proj.glossary_dir
        progress = proj.target_progress()
    per_doc: dict[int, dict[str, dict[str, int]]] = {}
    for row in progress:
        per_doc.setdefault(row.document_id, {})[row.target_lang] = {
            "translated": row.translated, "approved": row.approved}
    if as_json:
        out = [dict(d, targets=per_doc.get(d["id"], {})) for d in docs.iter_rows(named=True)]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(docs)} documents in {escape(str(project))}",
                  caption=f"glossaries: {escape(str(glossaries))}")
    for col in ("id", "lang", "ver", "by", "title", "paragraphs", "segments", "translatable",
                "translated / approved"):
        table.add_column(col, justify="right" if col not in ("title", "lang", "by") else "left")
    for d in docs.iter_rows(named=True):
        targets = per_doc.get(d["id"], {})
        tr = ", ".join(f"{lang}: {v['translated']}/{v['approved']}" for lang, v in targets.items())
        table.add_row(str(d["id"]), d["lang"], str(d["version"]), escape(d["author"] or "-"),
                      escape(d["title"][:60]),
                      str(d["paragraphs"]), str(d["segments"]), str(d["translatable"]), tr or "-")
    Console(highlight=False, width=160).print(table)


def register(app: typer.Typer) -> None:
    """Add the project commands to the root app."""
    app.command()(ingest)
    app.command()(status)
