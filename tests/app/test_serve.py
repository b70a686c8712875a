"""``workbench serve``: the command it runs and its refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.cli.serve import APP, serve_command
from workbench.store import Project


def test_command_binds_localhost_and_passes_the_project(tmp_path: Path):
    cmd = serve_command(tmp_path, 8600, "127.0.0.1")
    assert cmd[cmd.index("run") + 1] == str(APP) and APP.is_file()
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--server.port") + 1] == "8600"
    assert cmd[cmd.index("--server.headless") + 1] == "true"  # no e-mail prompt, ever
    assert cmd[cmd.index("--browser.gatherUsageStats") + 1] == "false"
    assert cmd[cmd.index("--") + 1:] == ["--project", str(tmp_path.resolve())]


def test_default_host_is_localhost():
    import inspect

    from workbench.cli.serve import serve

    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"


def test_missing_project_is_a_message(tmp_path: Path):
    result = CliRunner().invoke(app, ["serve", "--project", str(tmp_path / "nope"), "--no-browser"])
    assert result.exit_code != 0
    said = f"{result.exception} {result.output}"  # at FOLDER (SQLite), in DATABASE (PostgreSQL)
    assert "no project at" in said or "no project in" in said


def test_serve_opens_the_browser_once_up_and_never_prompts(tmp_path: Path):
    """A first start on a machine (fresh HOME): no Streamlit e-mail prompt, and the
    browser (here a script named by $BROWSER) is sent to the app once it answers; the
    --glossaries folder is remembered by the project."""
    import os
    import subprocess
    import sys
    import time

    from projects import build_project, stop_group
    from server import free_port

    root = build_project(tmp_path / "proj")
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    browser.write_text(f"import sys, urllib.request\n"
                       f"up = urllib.request.urlopen(sys.argv[1] + '/_stcore/health').status\n"
                       f"open({str(opened)!r}, 'w').write(f'{{sys.argv[1]}} {{up}}')\n")
    port = free_port()
    env = {**os.environ, "HOME": str(tmp_path), "BROWSER": f"{sys.executable} {browser} %s"}
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--project", str(root),
                             "--port", str(port), "--glossaries", str(tmp_path)], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not opened.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
        time.sleep(0.5)  # let the script finish writing
        assert opened.read_text() == f"http://127.0.0.1:{port} 200"
    finally:
        stop_group(proc)
        out = proc.communicate(timeout=30)[0].decode()
    assert "Email" not in out and "Welcome to Streamlit" not in out
    with Project(root) as project:  # the next plain `serve` uses the same glossaries
        assert project.setting("glossary_dir") == str(tmp_path.resolve())


def _children(pid: int) -> list[int]:
    from pathlib import Path as P

    kids = []
    for task in P(f"/proc/{pid}/task").glob("*"):
        kids += [int(k) for k in (task / "children").read_text().split()]
    return kids


def _gone(pid: int, timeout: float = 20) -> bool:
    import os
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split()[2] == "Z":
                    return True
        except (ProcessLookupError, FileNotFoundError):
            return True
        time.sleep(0.2)
    return False


def test_a_taken_port_is_refused_first_and_nothing_recorded(tmp_path: Path):
    """Issue 13, item 12: a port in use is one line naming a free one; nothing printed as
    served, no glossary folder recorded."""
    import socket

    from projects import build_project

    root = build_project(tmp_path / "proj")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--project", str(root), "--port", str(port),
                                          "--no-browser", "--glossaries", str(tmp_path)])
    assert result.exit_code != 0
    message = str(result.exception)
    assert f"port {port} is in use" in message and "try --port" in message
    assert "serving" not in result.output
    with Project(root) as project:
        assert project.setting("glossary_dir") is None


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "SIGKILL"])
def test_the_app_server_dies_with_workbench_serve(tmp_path: Path, how: str):
    """Issue 13, item 12: killing ``workbench serve`` (not its group) ends its Streamlit
    child, so the port is free for the next ``serve``."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    from projects import build_project, stop_group
    from server import free_port

    root = build_project(tmp_path / "proj")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--project", str(root),
                             "--port", str(port), "--no-browser"],
                            env={**os.environ, "HOME": str(tmp_path)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        children = _children(proc.pid)
        assert children, "no Streamlit child"
        os.kill(proc.pid, getattr(signal, how))  # the parent only, as `kill PID` does
        proc.wait(timeout=30)
        assert all(_gone(c) for c in children)
        from workbench.cli.serve import _port_free

        # A dead multi-threaded process shows as a zombie before its last thread has
        # closed the listening socket: the port is freed within moments, not at once.
        deadline = time.monotonic() + 20
        while not _port_free("127.0.0.1", port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _port_free("127.0.0.1", port)
    finally:
        stop_group(proc)


def _upgrade_status(url: str, host_header: str) -> int:
    """The HTTP status a WebSocket upgrade of the app's stream gets with ``host_header``
    (101 accepted, 403 refused), from a plain socket so nothing rewrites the header."""
    import base64
    import os
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET /_stcore/stream HTTP/1.1\r\nHost: {host_header}\r\n"
               f"Origin: http://{host_header}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request.encode())
        status_line = sock.recv(4096).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def test_only_the_bound_host_reaches_the_app(tmp_path: Path):
    """Issue 13, item 15: a WebSocket upgrade naming another host (DNS rebinding: a page of
    evil.example whose name now resolves to 127.0.0.1) is refused; the bound address and
    localhost are served."""
    from urllib.parse import urlsplit

    from projects import build_project
    from server import serving

    root = build_project(tmp_path / "proj")
    with serving(root, tmp_path) as url:
        port = urlsplit(url).port
        assert _upgrade_status(url, f"127.0.0.1:{port}") == 101
        assert _upgrade_status(url, f"localhost:{port}") == 101
        assert _upgrade_status(url, f"evil.example:{port}") == 403
        assert _upgrade_status(url, f"127.0.0.1.evil.example:{port}") == 403


def test_allowed_hosts_follow_the_bound_address():
    from workbench.cli.serve import allowed_hosts

    assert set(allowed_hosts("127.0.0.1")) == {"127.0.0.1", "localhost", "::1"}
    assert allowed_hosts("10.0.0.5", ["Review.Example.org"]) == ["10.0.0.5", "review.example.org"]
    everywhere = allowed_hosts("0.0.0.0")
    assert "localhost" in everywhere and "0.0.0.0" not in everywhere
    cmd = serve_command(Path("."), 8600, "127.0.0.1", ["wb.lan"])
    given = [cmd[i + 1] for i, arg in enumerate(cmd) if arg == "--server.allowedHosts"]
    assert set(given) == {"127.0.0.1", "localhost", "::1", "wb.lan"}
