"""Shared pieces of the command line: the project option, console, progress."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from workbench.store import Project

console = Console(stderr=True, highlight=False, soft_wrap=True)

ProjectOpt = Annotated[
    Path,
    typer.Option(
        "--project", "-p", envvar="WORKBENCH_PROJECT",
        help="Project folder (holds workbench.sqlite).", show_default=True,
    ),
]

eval_app = typer.Typer(help="Evaluate segmentation, translation or alignment.", no_args_is_help=True)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 concept``, ``2 concepts`` (``nouns`` for irregular plurals)."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def open_project(path: Path, *, create: bool = False) -> Project:
    """Open an existing project (or create one when ``create``)."""
    return Project(path, create=create)


def progress() -> Progress:
    """A progress bar on stderr; hidden when stderr is not a terminal."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
