"""Command: ``workbench serve``, the review workbench in the browser (Streamlit).

Runs ``streamlit run workbench/app/main.py`` in a child process, bound to
127.0.0.1 unless ``--host`` says otherwise, with the project passed after
``--``. Streamlit is never imported here: the CLI stays fast to start.

Streamlit always runs headless: otherwise its first start on a machine stops
at an interactive e-mail prompt. The browser tab is opened from here, once
the server answers its health check.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import webbrowser
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from workbench.cli.common import ProjectOpt, console, open_project
from workbench.errors import InputError, NotFoundError
from workbench.store import DB_NAME, DEFAULT_PROJECT

APP = Path(__file__).resolve().parent.parent / "app" / "main.py"


def serve_command(project: Path, port: int, host: str) -> list[str]:
    """The ``streamlit run`` command line for ``project`` (pure, for tests). The glossary
    folder is not on it: the app reads the one the project records."""
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.address", host, "--server.port", str(port),
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer",  # no "Deploy" button or developer menu
            "--browser.serverAddress", host,
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
) -> None:
    """Open the review workbench in the browser (documents, review, glossary, export, quality)."""
    if not (project / DB_NAME).exists():
        raise NotFoundError(f"no project at {project} (expected {project / DB_NAME}); run "
                            "`workbench ingest` first or pass --project")
    if glossaries is not None:
        if not glossaries.is_dir():
            raise InputError(f"--glossaries {glossaries}: not a folder")
        with open_project(project) as proj:
            proj.set_setting("glossary_dir", str(glossaries.resolve()))
    cmd = serve_command(project, port, host)
    url = f"http://{host}:{port}"
    console.print(f"workbench: serving {escape(str(project))} on {escape(url)} (Ctrl+C to stop)")
    env = {**os.environ, "WORKBENCH_PROJECT": str(project.resolve())}
    proc = subprocess.Popen(cmd, env=env)
    try:
        if not no_browser and wait_until_up(url, proc):
            webbrowser.open(url)
        code = proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait()
        code = 130
    raise typer.Exit(code)


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
