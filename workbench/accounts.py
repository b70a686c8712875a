"""Reviewer accounts: roles, Argon2 password hashes, who may do what, and the rule that
the review app leaves this machine only with accounts to log in with.

Roles: ``reviewer`` edits and approves the documents assigned to them (all of them when
the lead assigned none); ``lead`` also assigns documents, edits the glossary and exports;
``admin`` also manages accounts. The store enforces them (:mod:`workbench.store.policy`)
for a project opened for an account.
"""

from __future__ import annotations

import ipaddress
import socket

from workbench.errors import InputError, NotFoundError
from workbench.store import Project
from workbench.store import accounts as store
from workbench.store.policy import PERMISSIONS, ROLES, may  # noqa: F401 (re-exported)

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


#: Failed logins allowed per account name within :data:`LOCKOUT_S` before more are refused.
MAX_FAILED_LOGINS = 5
LOCKOUT_S = 15 * 60
#: How long a login lasts (``WORKBENCH_SESSION_MINUTES`` overrides), in minutes.
SESSION_MINUTES = 8 * 60


def session_seconds() -> float:
    import os

    try:
        return float(os.environ.get("WORKBENCH_SESSION_MINUTES", SESSION_MINUTES)) * 60
    except ValueError:
        return SESSION_MINUTES * 60.0


class LoginThrottle:
    """Failed logins per account name, in memory of the serving process: after
    :data:`MAX_FAILED_LOGINS` failures within :data:`LOCKOUT_S`, the name is refused
    (without checking the password) until the oldest of them is that old."""

    def __init__(self, max_failures: int = MAX_FAILED_LOGINS, window_s: float = LOCKOUT_S,
                 clock=None) -> None:
        import threading
        import time

        self.max_failures, self.window_s = max_failures, window_s
        self.clock = clock or time.monotonic
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, name: str) -> list[float]:
        now = self.clock()
        kept = [t for t in self._failures.get(name, []) if now - t < self.window_s]
        self._failures[name] = kept
        return kept

    def wait_s(self, name: str) -> float:
        """Seconds until ``name`` may try again (0: now)."""
        with self._lock:
            recent = self._recent(name.strip().lower())
            if len(recent) < self.max_failures:
                return 0.0
            return max(0.0, self.window_s - (self.clock() - recent[0]))

    def failed(self, name: str) -> None:
        with self._lock:
            self._recent(name.strip().lower()).append(self.clock())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name.strip().lower(), None)
