"""Command: ``workbench serve``, the review workbench in the browser (Streamlit).

Runs ``streamlit run workbench/app/main.py`` in a child process, bound to
127.0.0.1 unless ``--host`` says otherwise, with the project passed after
``--``. Streamlit is never imported here: the CLI stays fast to start.

Streamlit always runs headless: otherwise its first start on a machine stops
at an interactive e-mail prompt. The browser tab is opened from here, once
the server answers its health check.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import webbrowser
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from workbench.cli.common import ProjectOpt, console, open_project
from workbench.errors import InputError
from workbench.store import DEFAULT_PROJECT

APP = Path(__file__).resolve().parent.parent / "app" / "main.py"


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")


def allowed_hosts(host: str, extra: list[str] | None = None) -> list[str]:
    """The names a browser may use in its ``Host`` header to reach the app bound to ``host``
    (Streamlit's ``server.allowedHosts``): the bound address, this machine's loopback
    names when bound to loopback, this machine's names and addresses when bound to every
    address, and the names the user allowed. Anything else is refused, so a page on
    another site cannot reach the app through DNS rebinding."""
    names = [host]
    if host in LOOPBACK_NAMES:
        names += LOOPBACK_NAMES
    elif host in WILDCARD_ADDRESSES:
        names = list(LOOPBACK_NAMES) + _machine_names()
    names += extra or []
    return list(dict.fromkeys(n.strip("[]").lower() for n in names if n))


def _machine_names() -> list[str]:
    """This machine's host names and addresses (best effort: no DNS server needed)."""
    names = [socket.gethostname(), socket.getfqdn()]
    try:
        names += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)]
    except OSError:
        pass
    return names


def serve_command(project: Path, port: int, host: str,
                  allow_hosts: list[str] | None = None) -> list[str]:
    """The ``streamlit run`` command line for ``project`` (pure, for tests). The glossary
    folder is not on it: the app reads the one the project records."""
    hosts = [arg for name in allowed_hosts(host, allow_hosts)
             for arg in ("--server.allowedHosts", name)]
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.address", host, "--server.port", str(port),
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer",  # no "Deploy" button or developer menu
            # no full garbage collection after every run: it holds the interpreter for
            # tens of milliseconds while the page's messages wait (benchmarks/RESULTS-app.md)
            "--runner.postScriptGC", "false",
            "--browser.serverAddress", host, *hosts,
            "--", "--project", str(project.resolve())]


def serve(
    project: ProjectOpt = DEFAULT_PROJECT,
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8501,
    host: Annotated[str, typer.Option("--host", help="Address to bind; 127.0.0.1 keeps the app "
                                      "private to this machine.")] = "127.0.0.1",
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser tab.")] = False,
    glossaries: Annotated[Path | None, typer.Option(
        "--glossaries", help="Folder of glossary CSV files, remembered by the project (default: "
        "the folder it was last run or served with, else PROJECT/glossaries).")] = None,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", metavar="NAME", help="Another host name browsers may use to reach the "
        "app (repeatable); requests naming any other host are refused.")] = None,
) -> None:
    """Open the review workbench in the browser (documents, review, glossary, export, quality)."""
    from workbench.accounts import check_can_serve

    with open_project(project) as proj:  # the project exists (in --db or the folder)
        check_can_serve(proj, host)
    if glossaries is not None and not glossaries.is_dir():
        raise InputError(f"--glossaries {glossaries}: not a folder")
    check_port(host, port)  # before anything is printed or recorded
    if glossaries is not None:
        with open_project(project) as proj:
            proj.set_setting("glossary_dir", str(glossaries.resolve()))
    cmd = serve_command(project, port, host, allow_host)
    url = f"http://{host}:{port}"
    console.print(f"workbench: serving {escape(str(project))} on {escape(url)} (Ctrl+C to stop)")
    env = {**os.environ, "WORKBENCH_PROJECT": str(project.resolve())}
    proc = subprocess.Popen(cmd, env=env, preexec_fn=_die_with_parent)
    stopping = _stop_child_on(proc, (signal.SIGTERM, signal.SIGHUP))
    try:
        if not no_browser and wait_until_up(url, proc):
            webbrowser.open(url)
        code = proc.wait()
    except KeyboardInterrupt:
        stop_child(proc)
        code = 130
    finally:
        stopping()
    raise typer.Exit(code)


def check_port(host: str, port: int) -> None:
    """Refuse a port another program listens on, naming a free one to use instead."""
    if _port_free(host, port):
        return
    other = next((p for p in range(port + 1, min(port + 100, 65536)) if _port_free(host, p)), None)
    hint = f"; try --port {other}" if other else "; pass another --port"
    raise InputError(f"port {port} is in use on {host}{hint}")


def _port_free(host: str, port: int) -> bool:
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
            sock.bind((host, port))
        return True
    except OSError:
        return False


def _die_with_parent() -> None:
    """In the child, before exec: be killed when the parent dies, however it dies
    (Linux ``PR_SET_PDEATHSIG``), so no server is left on the port."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


def stop_child(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """Terminate ``proc``; kill it when it has not ended after ``grace`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _stop_child_on(proc: subprocess.Popen, signals: tuple[int, ...]):
    """Handle ``signals`` by terminating ``proc`` (killed if still there after 5 s); the
    ``proc.wait()`` of the main flow then returns. Returns a function that restores the
    previous handlers."""
    def handler(signum: int, _frame: object) -> None:
        received.append(signum)
        if proc.poll() is None:
            proc.terminate()  # no waiting here: the interrupted proc.wait() holds its lock
            timer = threading.Timer(5.0, lambda: proc.poll() is None and proc.kill())
            timer.daemon = True
            timer.start()

    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # signals reach the main thread only

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)
        if received:
            raise typer.Exit(128 + received[0])

    previous = {sig: signal.signal(sig, handler) for sig in signals}
    return restore


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> bool:
    """Whether the app at ``url`` answered its health check before ``proc`` ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
