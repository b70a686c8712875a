"""SIGKILL `workbench translate` at ten moments: the database stays consistent and a
rerun ends with exactly the translations of an uninterrupted run (issue 8, item 2).

The killed runs save every 8 segments (fine-grained kill moments); the reference
and the reruns use batches of 32, which is faster and also shows that batching
does not change a translation."""

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
pytestmark = pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium not installed")


def _cmd(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "workbench", *args, "--project", str(project)]


def _translations(project: Path) -> list[tuple]:
    with sqlite3.connect(project / "workbench.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        return conn.execute(
            "SELECT segment_id, target_lang, engine, text FROM translations ORDER BY 1, 2, 3"
        ).fetchall()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("crash") / "base"
    subprocess.run(_cmd(base, "ingest", str(SEEDS)), check=True, capture_output=True)
    return base


@pytest.fixture(scope="module")
def reference(ingested, tmp_path_factory) -> list[tuple]:
    ref = tmp_path_factory.mktemp("ref") / "p"
    shutil.copytree(ingested, ref)
    subprocess.run(_cmd(ref, "translate", "--to", "en", "--engine", "apertium",
                        "--batch-size", "32"), check=True, capture_output=True)
    rows = _translations(ref)
    assert len(rows) > 50
    return rows


def _count(project: Path) -> int:
    try:
        with sqlite3.connect(f"file:{project / 'workbench.sqlite'}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


# Ten moments: during start-up (nothing saved yet), then after more and more of the
# 102 seed segments have been saved (batches of 8).
@pytest.mark.parametrize("saved", [0, 8, 16, 24, 32, 48, 56, 72, 88, 96])
def test_kill_then_resume(ingested, reference, tmp_path, saved):
    project = tmp_path / "p"
    shutil.copytree(ingested, project)
    proc = subprocess.Popen(_cmd(project, "translate", "--to", "en", "--engine", "apertium",
                                 "--batch-size", "8"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    if saved == 0:
        time.sleep(0.3)
    while saved and _count(project) < saved and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _translations(project)  # integrity checked inside
    assert len(partial) >= saved
    assert set(partial) <= set(reference)  # whatever landed is complete and correct
    rerun = subprocess.run(_cmd(project, "translate", "--to", "en", "--engine", "apertium",
                                "--batch-size", "32"), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert _translations(project) == reference
