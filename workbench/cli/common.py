"""Shared pieces of the command line: the project option, console, progress."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from workbench.errors import WorkbenchError
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


# -- the database URL: --db on every command that opens a project -------------------------


def _use_db(ctx: typer.Context, value: str | None) -> None:
    """``--db URL``: checked, then in force (``WORKBENCH_DB``) for this command and the
    processes it starts (the review app); the old value comes back when it ends."""
    from workbench.store.backends import DB_ENV, check_url

    if not value:
        return
    try:
        check_url(value)
    except WorkbenchError as exc:
        raise typer.BadParameter(str(exc)) from None
    before = os.environ.get(DB_ENV)
    os.environ[DB_ENV] = value

    def restore() -> None:
        if before is None:
            os.environ.pop(DB_ENV, None)
        else:
            os.environ[DB_ENV] = before

    ctx.call_on_close(restore)


DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db", envvar="WORKBENCH_DB", metavar="URL", callback=_use_db, is_eager=True,
        help="Project database: sqlite:///PATH (default: the project folder's "
             "workbench.sqlite) or postgresql://user@host:port/dbname.",
    ),
]


def _db_param() -> Any:
    """The click parameter typer makes of :data:`DbOpt`, its value not passed on."""
    holder = typer.Typer()

    @holder.command()
    def _holder(db: DbOpt = None) -> None:  # pragma: no cover - never run
        """Holds the option."""

    param = next(p for p in typer.main.get_command(holder).params if p.name == "db")
    param.expose_value = False
    return param


def add_db_option(command: Any) -> None:
    """Give ``--db`` to ``command`` if it takes ``--project``, and to its subcommands."""
    for sub in getattr(command, "commands", {}).values():
        add_db_option(sub)
    names = {p.name for p in command.params}
    if "project" in names and "db" not in names:
        command.params.append(_db_param())


class WorkbenchGroup(TyperGroup):
    """The root command: every command with ``--project`` also takes ``--db``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_db_option(self)
