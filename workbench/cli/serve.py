"""Command: ``workbench serve``, the review workbench in the browser (Streamlit).

Runs ``streamlit run workbench/app/main.py`` in a child process, bound to
127.0.0.1 unless ``--host`` says otherwise, with the project passed after
``--``. Streamlit is never imported here: the CLI stays fast to start.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.common import ProjectOpt, console
from workbench.errors import InputError, NotFoundError
from workbench.store import DB_NAME, DEFAULT_PROJECT

APP = Path(__file__).resolve().parent.parent / "app" / "main.py"


def serve_command(project: Path, port: int, host: str, open_browser: bool,
                  glossaries: Path | None = None) -> list[str]:
    """The ``streamlit run`` command line for ``project`` (pure, for tests)."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP),
           "--server.address", host, "--server.port", str(port),
           "--server.headless", "false" if open_browser else "true",
           "--browser.gatherUsageStats", "false",
           "--browser.serverAddress", host,
           "--", "--project", str(project.resolve())]
    if glossaries is not None:
        cmd += ["--glossaries", str(glossaries.resolve())]
    return cmd


def serve(
    project: ProjectOpt = DEFAULT_PROJECT,
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8501,
    host: Annotated[str, typer.Option("--host", help="Address to bind; 127.0.0.1 keeps the app "
                                      "private to this machine.")] = "127.0.0.1",
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser tab.")] = False,
    glossaries: Annotated[Path | None, typer.Option(
        "--glossaries", help="Folder of glossary CSV files (default: PROJECT/glossaries).")] = None,
) -> None:
    """Open the review workbench in the browser (documents, review, glossary, export, quality)."""
    if not (project / DB_NAME).exists():
        raise NotFoundError(f"no project at {project} (expected {project / DB_NAME}); run "
                            "`workbench ingest` first or pass --project")
    if glossaries is not None and not glossaries.is_dir():
        raise InputError(f"--glossaries {glossaries}: not a folder")
    cmd = serve_command(project, port, host, not no_browser, glossaries)
    console.print(f"workbench: serving {project} on http://{host}:{port} (Ctrl+C to stop)")
    env = {**os.environ, "WORKBENCH_PROJECT": str(project.resolve())}
    try:
        code = subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        code = 130
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
