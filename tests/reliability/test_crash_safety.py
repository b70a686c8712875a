"""SIGKILL `workbench translate` at ten moments: the database stays consistent and a
rerun ends with exactly the translations of an uninterrupted run (issue 8, item 2).
Likewise `workbench run` killed in each of its steps: the rerun ends with the same
final texts, beads and exported corpus.

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
from fixtures.pg_projects import integrity, project_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
pytestmark = pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium not installed")


def _cmd(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "workbench", *args, "--project", str(project)]


def _translations(project: Path) -> list[tuple]:
    with project_db(project) as conn:
        assert integrity(conn) == "ok"
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
        with project_db(project, readonly=True) as conn:
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


# -- the whole pipeline ------------------------------------------------------------------------

def _run_cmd(project: Path) -> list[str]:
    return _cmd(project, "run", str(SEEDS), "--engine", "apertium", "--glossary",
                str(SEEDS.parent / "glossaries" / "seeds.csv"), "--no-serve")


def _state(project: Path) -> dict[str, list[tuple]]:
    """What a pipeline run leaves: final texts, beads, and the exported units."""
    from workbench.io import FORMATS

    with project_db(project) as conn:
        assert integrity(conn) == "ok"
        reviews = conn.execute("SELECT segment_id, target_lang, text, status FROM reviews "
                               "ORDER BY 1, 2").fetchall()
        beads = conn.execute(
            "SELECT a.document_id, a.target_kind, b.idx, b.src_ids, b.tgt_ids, b.confidence "
            "FROM beads b JOIN alignments a ON a.id = b.alignment_id ORDER BY 1, 2, 3").fetchall()
    units = [(u.segment_id, u.targets[0].text) for u in
             FORMATS["tmx"].read(project / "exports" / "corpus.tmx")]
    return {"reviews": reviews, "beads": beads, "tmx": units}


def _rows(project: Path, table: str) -> int:
    try:
        with project_db(project, readonly=True) as conn:
            return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.fixture(scope="module")
def pipeline_reference(tmp_path_factory) -> dict[str, list[tuple]]:
    ref = tmp_path_factory.mktemp("run-ref") / "p"
    subprocess.run(_run_cmd(ref), check=True, capture_output=True)
    state = _state(ref)
    assert len(state["reviews"]) > 50 and len(state["beads"]) > 50
    return state


# A kill in each step: ingest, translate, align, export (condition checked every ms).
MOMENTS = {
    "ingest": lambda p: _rows(p, "documents") >= 2,
    "translate": lambda p: _rows(p, "translations") >= 40,
    "align": lambda p: _rows(p, "alignments") >= 2,
    "export": lambda p: (p / "exports").is_dir(),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_kill_workbench_run_then_rerun(pipeline_reference, tmp_path, moment):
    project = tmp_path / "p"
    proc = subprocess.Popen(_run_cmd(project), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not MOMENTS[moment](project) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.001)
    killed_midway = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    rerun = subprocess.run(_run_cmd(project), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert _state(project) == pipeline_reference
    assert killed_midway, f"the run ended before the {moment} step could be interrupted"
