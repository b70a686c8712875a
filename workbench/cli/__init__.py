"""The ``workbench`` command. Each subcommand calls one library function and
turns :class:`~workbench.errors.WorkbenchError` into a message and exit code 1;
bad usage exits 2 (click's convention)."""

from __future__ import annotations

import errno
import sys

import typer
from rich.markup import escape

from workbench import __version__
from workbench.cli import align as align_cmds
from workbench.cli import db as db_cmds
from workbench.cli import export as export_cmds
from workbench.cli import glossary as glossary_cmds
from workbench.cli import memory as memory_cmds
from workbench.cli import project as project_cmds
from workbench.cli import run as run_cmds
from workbench.cli import segment as segment_cmds
from workbench.cli import serve as serve_cmds
from workbench.cli import models as models_cmds
from workbench.cli import translate as translate_cmds
from workbench.cli import users as users_cmds
from workbench.cli.common import WorkbenchGroup, console, eval_app
from workbench.cli.help import TidyGroup
from workbench.errors import WorkbenchError
from workbench.store import DatabaseError, IntegrityError


class RootGroup(TidyGroup, WorkbenchGroup):
    """``--db`` on every command with ``--project`` (:class:`WorkbenchGroup`), then the
    tidy help of :class:`TidyGroup`, which sees that option too."""


app = typer.Typer(
    name="workbench",
    cls=RootGroup,  # --db everywhere, readable --help (workbench.cli.help)
    help="Translation and alignment workbench: ingest French news, segment, translate "
    "offline, align, normalise names, review and export parallel text.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"workbench {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Translation and alignment workbench."""


run_cmds.register(app)
project_cmds.register(app)
export_cmds.register(app)
segment_cmds.register(app)
translate_cmds.register(app)
models_cmds.register(app)
align_cmds.register(app)
glossary_cmds.register(app)
serve_cmds.register(app)
memory_cmds.register(app)
db_cmds.register(app)
users_cmds.register(app)
app.add_typer(eval_app, name="eval")


#: Errors of a full or read-only disk: a message, not a traceback, wherever they surface.
_NO_SPACE = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS}


def main() -> None:
    """Console entry point: user errors become one line on stderr and exit code 1."""
    try:
        app(prog_name="workbench")  # standalone mode: usage errors exit 2, success 0
    except WorkbenchError as exc:
        console.print("[bold red]error:[/]", escape(str(exc)), soft_wrap=True)
        sys.exit(1)
    except DatabaseError as exc:  # damaged or unwritable project, found while reading
        if isinstance(exc, IntegrityError):
            raise  # a bug: keep the traceback
        console.print("[bold red]error:[/] the project database cannot be used:",
                      escape(str(exc)), "(restore it from a backup, or free disk space)",
                      soft_wrap=True)
        sys.exit(1)
    except OSError as exc:
        if exc.errno not in _NO_SPACE:
            raise
        console.print("[bold red]error:[/] cannot write:", escape(exc.strerror or str(exc)),
                      "(free some disk space and run the command again)", soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        console.print("interrupted")
        sys.exit(130)
