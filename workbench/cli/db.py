"""``workbench db``: the project database itself (schema upgrades, moving a project)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from workbench.cli.common import ProjectOpt, console
from workbench.store import DEFAULT_PROJECT

db_app = typer.Typer(help="The project database: upgrade its schema, move a project to "
                          "PostgreSQL.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(project: ProjectOpt = DEFAULT_PROJECT) -> None:
    """Apply the schema migrations this workbench has to the project database (--db or
    WORKBENCH_DB, else the folder's workbench.sqlite). A schema newer than this workbench
    is refused. On PostgreSQL this is the one step that upgrades a shared database."""
    from workbench.store.backends import upgrade_database

    where, before, after = upgrade_database(project)
    if before == after:
        console.print(f"{escape(where)}: schema version {after}, up to date")
    else:
        console.print(f"{escape(where)}: schema version {before} → {after}")


@db_app.command("migrate")
def migrate(
    source: Annotated[Path, typer.Option("--from", help="The project folder to copy (its "
                                                        "workbench.sqlite).")],
    target: Annotated[str, typer.Option("--to", metavar="URL",
                                        help="The database to copy into: "
                                             "postgresql://user@host:port/dbname.")],
) -> None:
    """Copy a whole project (documents and their versions, translations, alignments,
    reviews with their history, settings, memory, accounts, glossaries) into another
    database, in one transaction, then compare row counts and checksums table by table.
    The CSVs of the project's glossary folder are taken into its glossary versions first.
    Running it again copies nothing."""
    from workbench.glossary.project import sync_folder
    from workbench.store import Project
    from workbench.store.backends import SQLITE_FILE, check_url
    from workbench.store.transfer import copy_project

    check_url(target)
    src_url = f"sqlite:///{(source / SQLITE_FILE).resolve()}"
    with Project(source, create=False, db=src_url) as src, \
            Project(source, create=True, db=target) as dst:
        for note in sync_folder(src):  # the folder's copies are versions of the source
            console.print(f"[yellow]note[/] {escape(note)}", soft_wrap=True)
        report = copy_project(src, dst)
    typer.echo(f"{report.source} → {report.target}")
    typer.echo(f"{'table':<20} {'source rows':>11} {'target rows':>11} {'copied now':>10}  "
               "checksum")
    for t in report.tables:
        typer.echo(f"{t.table:<20} {t.source_rows:>11} {t.target_rows:>11} {t.copied:>10}  "
                   f"{t.target_sum} {'match' if t.matches else 'DIFFERS'}")
    rows = sum(t.source_rows for t in report.tables)
    typer.echo(f"{len(report.tables)} tables, {rows} rows: all match; "
               + (f"{report.copied} rows copied" if report.copied else "nothing to copy"))


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
