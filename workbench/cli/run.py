"""Command: ``workbench run``, the whole job (ingest → translate → align → normalise →
export → review app) on a set of articles; one call of :func:`workbench.pipeline.run_pipeline`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from workbench.cli.common import ProjectOpt, console, open_project, progress
from workbench.cli.executor import ExecutorOpt, GpusOpt, RayAddressOpt, WorkersOpt, closing
from workbench.cli.serve import serve
from workbench.errors import WorkbenchError
from workbench.io import FORMATS
from workbench.store import DEFAULT_PROJECT, Project


def run(
    paths: Annotated[list[Path], typer.Argument(help="Articles (.txt, .md, .html) or folders.")],
    to: Annotated[str, typer.Option("--to", "-t", help="Target language(s), comma-separated.")] = "en",
    engine: Annotated[str, typer.Option("--engine", "-e", help="auto, argos or apertium.")] = "auto",
    device: Annotated[str, typer.Option("--device", help="auto, cpu or cuda (Argos).")] = "auto",
    glossary: Annotated[Path | None, typer.Option(
        "--glossary", "-g", help="Glossary CSV (or .tbx): protects names in MT, normalises the "
        "translations; the review app then edits and highlights with it (a CSV's folder is "
        "remembered, a TBX is added to the project's glossaries).")] = None,
    no_glossary: Annotated[bool, typer.Option(
        "--no-glossary", help="Run without the project's glossary (used by default when -g "
        "is not given).")] = False,
    review_threshold: Annotated[float, typer.Option(
        "--review-threshold", min=0.0, max=1.0,
        help="Beads under this alignment confidence are flagged for review.")] = 0.5,
    export: Annotated[str, typer.Option(
        "--export", help="Formats written to PROJECT/exports/corpus.* at the end (the machine "
        "draft, every status), comma-separated; 'none' for none.")] = "tmx,parquet",
    open_app: Annotated[bool, typer.Option("--serve/--no-serve",
                                           help="Open the review app at the end.")] = True,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port of the app.")] = 8501,
    tm_min: Annotated[int, typer.Option(
        "--tm-min", min=0, max=100, help="Fill segments from the translation memory when its best "
        "match scores at least this (100: only 100% and context matches).")] = 100,
    no_tm: Annotated[bool, typer.Option("--no-tm", help="Do not use the translation memory.")] = False,
    project: ProjectOpt = DEFAULT_PROJECT,
    executor: ExecutorOpt = "local",
    ray_address: RayAddressOpt = None,
    workers: WorkersOpt = None,
    gpus_per_worker: GpusOpt = 0.0,
) -> None:
    """Run the whole pipeline on PATHS: ingest, translate offline, align each document
    with its translation, normalise names with the glossary, export the draft corpus
    (TMX and Parquet by default), then open the review app.

    Every step is resumable: run it again after a kill, or after adding articles,
    and only new work is done. Exit code 1 if a file was refused or a step failed.
    --executor ray translates on Ray actors (saved into the project shard by shard)."""
    from workbench.cli.executor import make_executor
    from workbench.cli.glossary import load_glossary, use_project_glossary
    from workbench.pipeline import check_inputs, run_pipeline

    if engine not in ("auto", "argos", "apertium"):
        raise typer.BadParameter(f"{engine!r} is not one of auto, argos, apertium",
                                 param_hint="--engine")
    if device not in ("auto", "cpu", "cuda"):
        raise typer.BadParameter(f"{device!r} is not one of auto, cpu, cuda", param_hint="--device")
    targets = [t.strip().lower() for t in to.split(",") if t.strip()]
    formats = [] if export.strip().lower() == "none" else \
        [f.strip().lower() for f in export.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise typer.BadParameter(f"{', '.join(unknown)}: not one of {', '.join(FORMATS)}",
                                 param_hint="--export")
    check_inputs(paths)  # before the project is opened or anything recorded
    runner = make_executor(executor, ray_address, workers, gpus_per_worker)
    if glossary is not None and no_glossary:
        raise typer.BadParameter("give -g or --no-glossary, not both", param_hint="--no-glossary")
    g = load_glossary(glossary) if glossary is not None else None
    with open_project(project, create=True) as proj, progress() as bar, closing(runner):
        if glossary is None and not no_glossary:
            g = use_project_glossary(proj)
        if glossary is not None:
            _give_glossary_to_app(proj, glossary)
        tasks: dict[str, int] = {}

        def on_progress(done: int, total: int, tgt: str) -> None:
            if tgt not in tasks:
                tasks[tgt] = bar.add_task(f"translate →{tgt}", total=total)
            bar.update(tasks[tgt], completed=done, total=total)

        report = run_pipeline(
            proj, paths, targets, engine=engine, device=device, glossary=g,
            review_threshold=review_threshold, export_formats=formats, on_progress=on_progress,
            tm_min=None if no_tm else tm_min,
            executor=runner,
            on_step=lambda step, msg: console.print(f"[bold]{step:>9}[/] {escape(msg)}"),
        )
    for refused in report.refused:
        console.print(f"[red]refused[/] {escape(refused)}")
    if report.refused:
        raise typer.Exit(1)
    if open_app:
        serve(project=project, port=port, host="127.0.0.1", no_browser=False, glossaries=None)


def _give_glossary_to_app(proj: Project, glossary: Path) -> None:
    """Give the project its own copy of ``glossary`` (a TBX as CSV): the review app edits
    and highlights with the copy, never the file given."""
    from workbench.glossary.project import adopt_glossary

    try:
        done = adopt_glossary(proj, glossary)
    except WorkbenchError as exc:  # the run still uses the glossary; only the app goes without it
        console.print(f"[yellow]note[/] the review app will not show {escape(str(glossary))}: "
                      f"{escape(str(exc))}", soft_wrap=True)
        return
    given, copy = escape(str(glossary)), escape(str(done.path))
    said = {"copied": f"{given} copied to {copy}; the review app edits this copy",
            "updated": f"{given} changed since the project copied it: {copy} updated",
            "kept": f"{given} differs from {copy}, which was edited in the project: the review "
                    f"app keeps the project's copy (this run used {given})"}.get(done.action)
    if said:
        console.print(f"[bold]{'glossary':>9}[/] {said}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``workbench run`` to the root app."""
    app.command("run")(run)
