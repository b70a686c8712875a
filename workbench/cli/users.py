"""``workbench users``: accounts of the people who review a shared project."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape

from workbench.cli.common import ProjectOpt, console, open_project
from workbench.errors import InputError
from workbench.store import DEFAULT_PROJECT

users_app = typer.Typer(help="Accounts: add, list, disable (needed to serve beyond this "
                             "machine).", no_args_is_help=True)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError("--password-stdin: no password on standard input")
        return password
    if not sys.stdin.isatty():
        raise InputError("no terminal to ask for the password: pass --password-stdin and "
                         "give it on standard input")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The login name.")],
    role: Annotated[str, typer.Option("--role", help="reviewer (edits and approves its "
                                      "documents), lead (also assigns documents, edits the "
                                      "glossary, exports) or admin (also manages accounts).")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input (one line) instead "
        "of asking.")] = False,
    project: ProjectOpt = DEFAULT_PROJECT,
) -> None:
    """Add an account (the password is stored as an Argon2id hash, never as text)."""
    from workbench.accounts import ROLES, add_user

    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    password = _password(password_stdin)
    with open_project(project, create=True) as proj:
        add_user(proj, name, role, password)
    console.print(f"added account {escape(name)} ({role})")


@users_app.command("list")
def list_users(project: ProjectOpt = DEFAULT_PROJECT) -> None:
    """List the accounts: name, role, enabled or disabled, created."""
    from workbench.store.accounts import accounts

    with open_project(project) as proj:
        rows = accounts(proj)
    for a in rows:
        typer.echo(f"{a.name}\t{a.role}\t{'disabled' if a.disabled else 'enabled'}\t"
                   f"{a.created_at}")
    if not rows:
        console.print("no accounts (add one with `workbench users add NAME --role admin`)")


@users_app.command("disable")
def disable(
    name: Annotated[str, typer.Argument(help="The account to disable.")],
    project: ProjectOpt = DEFAULT_PROJECT,
) -> None:
    """Disable an account: it can no longer log in; its edits keep its name."""
    from workbench.accounts import disable_user

    with open_project(project) as proj:
        disable_user(proj, name)
    console.print(f"disabled account {escape(name)}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
