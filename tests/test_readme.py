"""Every command line of the README's ```bash examples runs as written.

The lines run in order, each in its own ``bash`` (with ``.venv`` activated, as the
README says), in a fresh folder holding copies of what a clone has (``seeds/``,
``glossaries/``, ``examples/``) plus the one file a user brings from elsewhere (a
downloaded ``translate-fr_en.argosmodel``; here the tiny test model), so a user who
copies a line gets what the README promises. Lines that cannot run inside the
test suite are listed in :data:`NOT_HERE` with the test that covers them instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]

#: Lines the suite cannot run, and where they are covered instead.
NOT_HERE = {
    "bash scripts/setup.sh": "CI runs it before the tests (.ci/run → scripts/test.sh)",
    "bash scripts/test.sh": "this is the test run itself",
    "bash scripts/test-postgresql.sh": "the test run itself, on PostgreSQL",
    "bash scripts/bench.sh": "benchmarks take about 10 minutes; benchmarks/RESULTS-*.md",
    "workbench serve": "a server: tests/app/test_serve.py starts it and checks it answers",
    "ray start": "a cluster of several machines; tests/executors/test_ray_executor.py joins "
                 "a running Ray with --ray-address",
    "workbench translate --from fr --to en --in archive.parquet": "the cluster example above",
    "sudo -u postgres createuser": "a PostgreSQL server: tests/fixtures/postgres.py starts one",
    "createdb newsroom": "tests/fixtures/postgres.py makes a database per test",
    "workbench db migrate --from workbench-project --to postgresql":
        "tests/store/test_backends.py::test_migrate_copies_everything_and_again_is_a_no_op",
    "export WORKBENCH_DB=postgresql": "each line runs in its own shell; the tests parametrised "
                                      "over both backends set it (tests/conftest.py db_url)",
}

def example_lines() -> list[str]:
    """Command lines of the README's ```bash blocks, comments dropped."""
    lines, inside, pending = [], False, ""
    for raw in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if raw.startswith("```"):
            inside = raw.strip() == "```bash"
            continue
        if inside and raw.strip():
            line = pending + re.sub(r"\s+#\s.*$", "", raw).strip()
            pending = line[:-1] + " " if line.endswith("\\") else ""
            if not pending:
                lines.append(line)
    return lines


def not_here(line: str) -> str | None:
    return next((why for start, why in NOT_HERE.items() if line.startswith(start)), None)


def test_the_readme_has_examples():
    lines = example_lines()
    assert len(lines) > 15 and any(line.startswith("workbench run") for line in lines)


def test_every_readme_example_line_runs(tmp_path: Path, argos_home: Path, tiny_argosmodel: Path):
    work = tmp_path / "user"
    work.mkdir()
    (work / ".venv").symlink_to(Path(sys.prefix))
    for folder in ("seeds", "glossaries", "examples"):
        shutil.copytree(ROOT / folder, work / folder)
    shutil.copy(tiny_argosmodel, work / "translate-fr_en.argosmodel")
    env = {k: v for k, v in os.environ.items() if k not in ("WORKBENCH_PROJECT", "PYTHONPATH")}
    if os.environ.get("PYTHONPATH"):  # a worktree's code, where the suite runs from one
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]

    def sh(line: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-o", "pipefail", "-c", f". .venv/bin/activate && {line}"],
                              cwd=work, env=env, capture_output=True, text=True, timeout=900)

    ran = []
    for line in example_lines():
        if not_here(line):
            continue
        proc = sh(line)
        assert proc.returncode == 0, f"README line failed: {line}\n{proc.stdout}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr, line
        ran.append(line)
    assert len(ran) >= 15
