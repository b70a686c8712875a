"""Commands ``workbench tm ...``: the translation memory (import, lookup, stats,
export, analyse, align). Each calls one function of :mod:`workbench.memory.project`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from workbench.cli.common import ProjectOpt, console, open_project
from workbench.memory.match import DEFAULT_MIN_SCORE
from workbench.store import DEFAULT_PROJECT

stdout = Console(highlight=False, width=200)
tm_app = typer.Typer(help="Translation memory: reviewed pairs reused as 100%, context and fuzzy "
                     "matches.", no_args_is_help=True)

FromOpt = Annotated[str | None, typer.Option("--from", "-f", help="Source language.")]
ToOpt = Annotated[str | None, typer.Option("--to", "-t", help="Target language.")]


def _lang(value: str | None) -> str | None:
    return value.strip().lower() if value and value.strip() else None


@tm_app.command("import")
def tm_import(
    file: Annotated[Path, typer.Argument(help="TMX, XLIFF, TSV/CSV, JSONL or Parquet file.")],
    source: FromOpt = None,
    target: ToOpt = None,
    author: Annotated[str, typer.Option("--author", help="Author recorded with the units.")] = "",
    reverse: Annotated[bool, typer.Option(
        "--reverse", help="Also add each pair the other way round (an English→French memory "
        "then answers French→English lookups too).")] = False,
    project: ProjectOpt = DEFAULT_PROJECT,
) -> None:
    """Add the pairs of FILE to the memory, all or nothing; the same file twice adds
    nothing. --from/--to keep one language pair (and name the languages of a
    two-column TSV/CSV without a header), as the file has it. Only approved targets of
    our own exports are taken."""
    from workbench.memory.project import import_memory

    with open_project(project, create=True) as proj:
        report = import_memory(proj, file, src=_lang(source), tgt=_lang(target), author=author,
                               reverse=reverse)
    for line in report.lines():
        console.print(escape(line))


@tm_app.command("lookup")
def tm_lookup(
    texts: Annotated[list[str] | None, typer.Argument(help="Source text(s) to look up.")] = None,
    source: FromOpt = None,
    target: ToOpt = None,
    min_score: Annotated[int, typer.Option("--min", min=0, max=100,
                                           help="Lowest match percentage shown.")] = DEFAULT_MIN_SCORE,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Matches per query.")] = 3,
    infile: Annotated[Path | None, typer.Option("--in", help="One query per line ('-' = stdin).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json or tsv.")] = "json",
    glossary: Annotated[Path | None, typer.Option(
        "--glossary", "-g", help="Glossary CSV or .tbx: names become placeables.")] = None,
    project: ProjectOpt = DEFAULT_PROJECT,
) -> None:
    """Best memory matches for each query, best first. JSON: one list per query of
    objects with score, source, target, origin (and kind, author, date); TSV: query
    number, score, kind, origin, source, target."""
    from workbench.cli.translate import _read_input
    from workbench.memory.project import lookup

    if fmt not in ("json", "tsv"):
        raise typer.BadParameter(f"{fmt!r} is not one of json, tsv", param_hint="--format")
    if not (_lang(source) and _lang(target)):
        raise typer.BadParameter("give the language pair: --from fr --to en", param_hint="--from")
    if bool(texts) == (infile is not None):
        raise typer.BadParameter("give the text(s) to look up, or --in FILE (not both)")
    queries = list(texts or []) if infile is None else _read_input(infile)
    g = None
    if glossary is not None:
        from workbench.cli.glossary import load_glossary

        g = load_glossary(glossary)
    with open_project(project) as proj:
        found = lookup(proj, queries, _lang(source) or "", _lang(target) or "",
                       min_score=min_score, limit=limit, glossary=g)
    if fmt == "json":
        sys.stdout.write(json.dumps([[m.as_dict() for m in ms] for ms in found],
                                    ensure_ascii=False, indent=1) + "\n")
        return
    flat = lambda s: s.replace("\t", " ").replace("\n", " ")  # noqa: E731
    for n, ms in enumerate(found, 1):
        for m in ms:
            sys.stdout.write(f"{n}\t{m.score}\t{m.kind}\t{flat(m.origin)}\t{flat(m.source)}\t"
                             f"{flat(m.target)}\n")


@tm_app.command("stats")
def tm_stats(
    project: ProjectOpt = DEFAULT_PROJECT,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Units per language pair and origin (approved reviews are brought up to date first)."""
    from workbench.memory.project import memory_stats

    with open_project(project) as proj:
        frame = memory_stats(proj)
    if as_json:
        sys.stdout.write(json.dumps(frame.to_dicts(), ensure_ascii=False, indent=1) + "\n")
        return
    table = Table(title=f"translation memory: {frame['units'].sum() if len(frame) else 0} units")
    for col in frame.columns:
        table.add_column(col)
    for row in frame.iter_rows():
        table.add_row(*(escape(str(v)) for v in row))
    stdout.print(table)


@tm_app.command("export")
def tm_export(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="tmx, xliff, tsv, csv, jsonl, parquet...")] = "tmx",
    source: FromOpt = None,
    target: ToOpt = None,
    project: ProjectOpt = DEFAULT_PROJECT,
) -> None:
    """Write the memory (of one pair with --from/--to) to a file, atomically."""
    from workbench.memory.project import export_memory

    with open_project(project) as proj:
        n = export_memory(proj, fmt, out, src=_lang(source), tgt=_lang(target))
    console.print(f"{n} units written to {escape(str(out))}")


@tm_app.command("analyse")
def tm_analyse(
    target: Annotated[str, typer.Option("--to", "-t", help="Target language.")] = "en",
    documents: Annotated[list[int] | None, typer.Option(
        "--document", "-d", help="Document id (repeatable; default: all current documents).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    project: ProjectOpt = DEFAULT_PROJECT,
) -> None:
    """Leverage report: words per match band (context, 100%, 95-99, 85-94, 75-84,
    50-74, no match) and repetitions, per document and in total."""
    from workbench.memory.project import BAND_NAMES, analyse

    with open_project(project) as proj:
        rows = analyse(proj, _lang(target) or "en", document_ids=documents or None)
    if as_json:
        sys.stdout.write(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1) + "\n")
        return
    table = Table(title=f"leverage into {escape(target)} (words)")
    table.add_column("document")
    for name in BAND_NAMES:
        table.add_column(name, justify="right")
    table.add_column("total", justify="right")
    for r in rows:
        table.add_row(escape(r.document), *(str(r.words[n]) for n in BAND_NAMES), str(r.total_words))
    stdout.print(table)


@tm_app.command("align")
def tm_align(
    min_confidence: Annotated[float, typer.Option(
        "--min-confidence", min=0.0, max=1.0,
        help="Keep beads with at least this alignment confidence.")] = 0.7,
    project: ProjectOpt = DEFAULT_PROJECT,
) -> None:
    """Add the beads of aligned human translations (`workbench align` in project
    mode) to the memory; idempotent."""
    from workbench.memory.project import add_aligned

    with open_project(project) as proj:
        r = add_aligned(proj, min_confidence)
    console.print(f"{r.beads} beads at confidence ≥ {min_confidence}: {r.added} units added, "
                  f"{r.existing} already in the memory")


def register(app: typer.Typer) -> None:
    """Add ``workbench tm`` to the root app."""
    app.add_typer(tm_app, name="tm")
