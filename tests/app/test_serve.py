"""``workbench serve``: the command it runs and its refusals."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from workbench.cli import app
from workbench.cli.serve import APP, serve_command


def test_command_binds_localhost_and_passes_the_project(tmp_path: Path):
    cmd = serve_command(tmp_path, 8600, "127.0.0.1", open_browser=False)
    assert cmd[cmd.index("run") + 1] == str(APP) and APP.is_file()
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--server.port") + 1] == "8600"
    assert cmd[cmd.index("--server.headless") + 1] == "true"
    assert cmd[cmd.index("--browser.gatherUsageStats") + 1] == "false"
    assert cmd[cmd.index("--") + 1:] == ["--project", str(tmp_path.resolve())]


def test_default_host_is_localhost():
    import inspect

    from workbench.cli.serve import serve

    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"


def test_missing_project_is_a_message(tmp_path: Path):
    result = CliRunner().invoke(app, ["serve", "--project", str(tmp_path / "nope"), "--no-browser"])
    assert result.exit_code != 0
    assert "no project at" in str(result.exception) or "no project at" in result.output
