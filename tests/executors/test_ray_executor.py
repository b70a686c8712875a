"""The ray executor on a real local Ray runtime (2 CPUs, 127.0.0.1, no dashboard):
same output as the local path on the seeds (tiny Argos model, articles segmented
in the workers), on a 20,000-line file (Apertium), on Parquet with other columns,
in a project and for glossary apply; a worker killed mid-run is restarted without
duplicated or lost shards; a driver killed mid-run leaves no output, and a rerun
redoes only the unfinished shards."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from workbench.archive import translate_archive
from workbench.executors import get_executor

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="apertium not installed (.ci/run installs it)")
ROOT = Path(__file__).resolve().parents[2]
BIG_BATCH = 1000


def ray(**options: object):
    return get_executor("ray", **options)


def _first_lines(path: Path, n: int, where: Path) -> Path:
    """The first ``n`` lines of ``path`` (Apertium's output does not depend on the
    batching, so the reference's first ``n`` lines are their translation)."""
    part = where / "part.fr"
    part.write_text("\n".join(path.read_text(encoding="utf-8").split("\n")[:n]) + "\n",
                    encoding="utf-8")
    return part


def test_seed_articles_with_the_tiny_argos_model_equal_local(ray_runtime: str, tiny_argos: Path,
                                                             tmp_path: Path) -> None:
    local = translate_archive(ROOT / "seeds", tmp_path / "local.parquet", "fr", "en",
                              engine="argos", device="cpu", batch_size=8)
    rep = translate_archive(ROOT / "seeds", tmp_path / "ray.parquet", "fr", "en", engine="argos",
                            device="cpu", batch_size=8, executor=ray())
    a, b = pl.read_parquet(tmp_path / "local.parquet"), pl.read_parquet(tmp_path / "ray.parquet")
    assert a.height > 100 and a.equals(b)
    assert a.columns[:6] == ["document", "paragraph", "segment", "source", "translatable", "reason"]
    assert set(a.filter(pl.col("translatable"))["engine"]) == {"argos"}
    assert (a.filter(~pl.col("translatable"))["target"] == "").all()  # debris is not translated
    assert rep.executor.startswith("ray: 2 workers") and local.rows == rep.rows == 5


@needs_apertium
def test_20000_lines_equal_local_in_input_order(ray_runtime: str, big_file, tmp_path: Path) -> None:
    path, ref = big_file
    out = tmp_path / "big.en"
    rep = translate_archive(path, out, "fr", "en", engine="apertium", batch_size=BIG_BATCH,
                            shard_size=2000, executor=ray())
    assert out.read_text(encoding="utf-8").split("\n")[:-1] == ref
    live = sum(1 for line in path.read_text(encoding="utf-8").split("\n") if line.strip())
    assert rep.shards == 10 and len(rep.cost.workers) == 2 and rep.cost.sentences == live
    assert rep.cost.cpu_s > 0 and rep.cost.sentences_per_s > 0


@needs_apertium
def test_a_killed_worker_is_restarted_and_no_shard_is_lost_or_doubled(
        ray_runtime: str, big_file, tmp_path: Path) -> None:
    path, ref = big_file
    part = _first_lines(path, 4000, tmp_path)
    out = tmp_path / "part.en"
    parts = tmp_path / ".part.en.parts"
    killed: list[int] = []

    def kill_a_worker(done: int, total: int, sentences: int, seconds: float) -> None:
        if done == 1 and not killed:  # a worker has finished a shard and holds the next ones
            from workbench.executors.shards import ShardStore

            worker = ShardStore(out, {}).ledger()[0]["worker"] if parts.exists() else ""
            pid = int(worker.rsplit(":", 1)[1])
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
    rep = translate_archive(part, out, "fr", "en", engine="apertium", batch_size=500,
                            shard_size=500, executor=ray(), progress=kill_a_worker)
    assert killed and out.read_text(encoding="utf-8").split("\n")[:-1] == ref[:4000]
    assert rep.shards == 8 and rep.cost.shards == 8  # every shard stored exactly once
    assert len(rep.cost.workers) >= 3  # the killed actor came back in a new process


@needs_apertium
def test_a_killed_driver_leaves_no_output_and_a_rerun_does_only_the_rest(
        ray_runtime: str, big_file, tmp_path: Path) -> None:
    path, ref = big_file
    path = _first_lines(path, 4000, tmp_path)  # 16 shards of 250 lines
    out = tmp_path / "part.en"
    parts = tmp_path / ".part.en.parts"
    cmd = [sys.executable, "-m", "workbench", "translate", "--from", "fr", "--to", "en",
           "--in", str(path), "--out", str(out), "-e", "apertium", "--batch-size", "250",
           "--shard-size", "250", "--executor", "ray", "--ray-address", ray_runtime]
    driver = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 240
        while len(list(parts.glob("shard-*.parquet"))) < 2:
            assert driver.poll() is None, driver.stderr.read().decode() if driver.stderr else ""
            assert time.monotonic() < deadline, "no shard finished in 240 s"
            time.sleep(0.2)
    finally:
        driver.kill()  # SIGKILL: no clean-up code of the driver runs
        driver.wait()
    assert not out.exists()
    finished = len(list(parts.glob("shard-*.parquet")))
    assert 2 <= finished < 16
    rep = translate_archive(path, out, "fr", "en", engine="apertium", batch_size=250,
                            shard_size=250, executor=ray())
    assert rep.resumed == finished and rep.cost.shards == 16 - finished
    assert out.read_text(encoding="utf-8").split("\n")[:-1] == ref[:4000]
    assert not parts.exists()


@needs_apertium
def test_parquet_in_and_out_keeps_columns_and_equals_local(ray_runtime: str, tmp_path: Path) -> None:
    from fixtures.archive_lines import short_lines

    lines = short_lines(300)
    src = tmp_path / "in.parquet"
    pl.DataFrame({"id": [f"a{i}" for i in range(300)], "text": lines,
                  "year": [2000 + i % 20 for i in range(300)]}).write_parquet(src)
    translate_archive(src, tmp_path / "local.parquet", "fr", "en", engine="apertium",
                      batch_size=100, shard_size=100)
    translate_archive(src, tmp_path / "ray.parquet", "fr", "en", engine="apertium",
                      batch_size=100, shard_size=100, executor=ray(workers=2))
    a, b = pl.read_parquet(tmp_path / "local.parquet"), pl.read_parquet(tmp_path / "ray.parquet")
    assert a.equals(b) and b["id"].to_list() == [f"a{i}" for i in range(300)]
    assert b.columns[:3] == ["id", "text", "year"]


@needs_apertium
def test_project_translation_on_ray_equals_local(ray_runtime: str, tmp_path: Path) -> None:
    from workbench.ingest import ingest_paths
    from workbench.store import Project
    from workbench.translate import translate_project

    got = []
    for name, executor in (("local", None), ("ray", ray())):
        with Project(tmp_path / name, create=True) as proj:
            ingest_paths(proj, [ROOT / "seeds"])
            rep = translate_project(proj, ["en"], "apertium", batch_size=64, executor=executor)
            got.append(proj.translations("en").select("source", "target", "engine", "model_version")
                       .sort("source"))
            if executor is not None:
                assert rep.pairs[0].cost.shards == 1 and rep.pairs[0].cost.sentences > 100
                again = translate_project(proj, ["en"], "apertium", batch_size=64, executor=executor)
                assert again.translated == 0  # resumable: nothing left to do
    assert got[0].height > 100 and got[0].equals(got[1])


def test_glossary_apply_on_ray_is_byte_identical(ray_runtime: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from workbench.cli import app

    raw = ("Choïgou a parlé.\r\nSergueï Choïgu et Poutine\nligne\rsuite\n\n" * 50).encode("utf-8")
    src = tmp_path / "in.txt"
    src.write_bytes(raw)
    g = str(ROOT / "glossaries" / "seeds.csv")
    runner = CliRunner()
    one = runner.invoke(app, ["glossary", "apply", "-g", g, "-l", "en", "--in", str(src),
                              "--out", str(tmp_path / "local.txt")])
    two = runner.invoke(app, ["glossary", "apply", "-g", g, "-l", "en", "--in", str(src),
                              "--out", str(tmp_path / "ray.txt"), "--executor", "ray"])
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert (tmp_path / "local.txt").read_bytes() == (tmp_path / "ray.txt").read_bytes()
    assert "cost:" in two.output
