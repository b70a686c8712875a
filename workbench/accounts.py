"""Reviewer accounts: roles, Argon2 password hashes, who may do what, and the rule that
the review app leaves this machine only with accounts to log in with.

Roles: ``reviewer`` edits and approves the documents assigned to them (all of them when
the lead assigned none); ``lead`` also assigns documents, edits the glossary and exports;
``admin`` also manages accounts.
"""

from __future__ import annotations

import ipaddress
import socket

from workbench.errors import InputError, NotFoundError
from workbench.store import Project
from workbench.store import accounts as store

ROLES = ("reviewer", "lead", "admin")
#: What each role may do (a role may do what the roles before it may).
PERMISSIONS = {
    "reviewer": frozenset({"review"}),
    "lead": frozenset({"review", "assign", "glossary", "export"}),
    "admin": frozenset({"review", "assign", "glossary", "export", "accounts"}),
}
MIN_PASSWORD = 8
MAX_NAME = 64


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # Argon2id, the library's current recommended parameters


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(c.isspace() or not c.isprintable() for c in name):
        raise InputError(f"account name {name!r}: 1 to {MAX_NAME} printable characters, "
                         "no spaces")
    return name


def add_user(project: Project, name: str, role: str, password: str) -> int:
    """A new account with an Argon2id hash of ``password``."""
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password is too short: at least {MIN_PASSWORD} characters")
    return store.add_account(project, check_name(name), role, _hasher().hash(password))


def verify(project: Project, name: str, password: str) -> store.Account | None:
    """The account if ``name`` exists, is enabled and ``password`` is its password."""
    from argon2.exceptions import InvalidHashError, VerificationError

    found = store.account(project, name.strip())
    if found is None or found.disabled:
        _hasher().hash(password)  # the same work as a real check: timing tells nothing
        return None
    hasher = _hasher()
    try:
        hasher.verify(found.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(found.password_hash):
        store.set_password_hash(project, found.name, hasher.hash(password))
    return found


def disable_user(project: Project, name: str) -> None:
    if store.account(project, name) is None:
        raise NotFoundError(f"no account named {name!r}")
    store.set_disabled(project, name, True)


def may(role: str, action: str) -> bool:
    return action in PERMISSIONS.get(role, frozenset())


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or a name) is this machine only."""
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(info[4][0]).is_loopback
                       for info in socket.getaddrinfo(host, None))
        except (OSError, ValueError):
            return False


def check_can_serve(project: Project, host: str) -> None:
    """Refuse to serve on a non-loopback address while no account can log in."""
    if not is_loopback(host) and store.active_accounts(project) == 0:
        raise InputError(
            f"serving on {host} lets other machines in, so it needs a login: add an account "
            "first (`workbench users add NAME --role admin`), or serve on 127.0.0.1")


def login_required(project: Project, host: str) -> bool:
    """The app asks for a login when it is served beyond this machine or accounts exist."""
    return not is_loopback(host) or store.active_accounts(project) > 0
