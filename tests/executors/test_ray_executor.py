"""The ray executor on a real local Ray runtime (2 CPUs, 127.0.0.1, no dashboard):
same output as the local path on the seeds (tiny Argos model, articles segmented
in the workers), on a 20,000-line file (Apertium, long-lived pipelines in the
workers, against the local one-process-per-batch reference), on Parquet with
other columns, in a project (translation, alignment, normalisation) and for
glossary apply; file mode runs on Ray Data (the input read in a Ray Data read
task, not by the driver; a workbench error in an actor comes back as itself; a
stopped run releases the actor pool); a worker killed mid-run is restarted
without duplicated or lost shards; a driver killed mid-run leaves no output, and
a rerun redoes only the unfinished shards; for a project's rows the driver keeps
a bounded number of shards out."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from ray_wait import free_cpus
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
    # the 5 articles are one shard: one actor, not a second one loading the model for nothing
    assert rep.executor.startswith("ray: 1 worker (") and local.rows == rep.rows == 5


@needs_apertium
def test_20000_lines_equal_local_in_input_order(ray_runtime: str, big_file, tmp_path: Path) -> None:
    path, ref = big_file
    out = tmp_path / "big.en"
    rep = translate_archive(path, out, "fr", "en", engine="apertium", batch_size=BIG_BATCH,
                            shard_size=2000, executor=ray())
    assert out.read_text(encoding="utf-8").split("\n")[:-1] == ref
    live = sum(1 for line in path.read_text(encoding="utf-8").split("\n") if line.strip())
    assert rep.shards == 10 and len(rep.cost.workers) == 2 and rep.cost.sentences == live
    assert "Ray Data actor pool" in rep.executor
    assert rep.cost.cpu_s > 0 and rep.cost.sentences_per_s > 0


@needs_apertium
def test_a_killed_worker_is_restarted_and_no_shard_is_lost_or_doubled(
        ray_runtime: str, big_file, tmp_path: Path) -> None:
    path, ref = big_file
    # 24 shards: the first result reaches the driver after the prepare and finish stages
    # have started their worker processes, and the actors must still hold shards then
    part = _first_lines(path, 12_000, tmp_path)
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
    assert killed and out.read_text(encoding="utf-8").split("\n")[:-1] == ref[:12_000]
    assert rep.shards == 24 and rep.cost.shards == 24  # every shard stored exactly once
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
def test_file_shards_are_read_in_a_ray_data_read_task_not_by_the_driver(
        ray_runtime: str, big_file, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The driver plans the shards but never reads them: iterating the shard source
    in this process fails, and the Ray run still translates every line."""
    from workbench.archive import FileShards

    def not_here(self):
        raise AssertionError("the driver read the shards")
    monkeypatch.setattr(FileShards, "__iter__", not_here)
    path, ref = big_file
    part = _first_lines(path, 1000, tmp_path)
    with pytest.raises(AssertionError, match="the driver read"):
        translate_archive(part, tmp_path / "local.en", "fr", "en", engine="apertium",
                          batch_size=250, shard_size=250)
    rep = translate_archive(part, tmp_path / "part.en", "fr", "en", engine="apertium",
                            batch_size=250, shard_size=250, executor=ray())
    assert (tmp_path / "part.en").read_text(encoding="utf-8").split("\n")[:-1] == ref[:1000]
    assert rep.cost.shards == 4 and "Ray Data actor pool" in rep.executor


class Stop(Exception):
    pass


@needs_apertium
def test_ray_data_errors_and_stops_release_the_actor_pool(ray_runtime: str, big_file,
                                                          tmp_path: Path) -> None:
    """A workbench error raised in the actors (here: another model version than the
    driver's) reaches the driver as itself, once; a run stopped by the caller after
    one shard (as Ctrl+C would) gives the CPUs back, and its rerun does the rest."""
    from workbench.archive import FileShards
    from workbench.errors import EngineError
    from workbench.executors.tasks import TranslateTask

    path, ref = big_file
    part = _first_lines(path, 2000, tmp_path)
    source = FileShards("lines", part, [(0, 1000), (1000, 2000)])
    task = TranslateTask("apertium", "fr", "en", batch_size=500, expect_version="not-installed-1.0")
    with pytest.raises(EngineError, match="install the same model"):
        list(ray().map(task, source))
    assert free_cpus(2)

    def stop_after_one(done: int, total: int, sentences: int, seconds: float) -> None:
        if done == 1:
            raise Stop
    out = tmp_path / "part.en"
    with pytest.raises(Stop):
        translate_archive(part, out, "fr", "en", engine="apertium", batch_size=250,
                          shard_size=250, executor=ray(), progress=stop_after_one)
    assert not out.exists() and free_cpus(2)
    rep = translate_archive(part, out, "fr", "en", engine="apertium", batch_size=250,
                            shard_size=250, executor=ray())
    assert rep.resumed >= 1 and rep.cost.shards == 8 - rep.resumed
    assert out.read_text(encoding="utf-8").split("\n")[:-1] == ref[:2000]


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


def _seed_project(root: Path):
    from workbench.ingest import ingest_paths
    from workbench.store import Project
    from workbench.translate import translate_project

    proj = Project(root, create=True)
    ingest_paths(proj, [ROOT / "seeds"])
    translate_project(proj, ["en"], "apertium", batch_size=64)
    return proj


@needs_apertium
def test_project_alignment_and_normalisation_on_ray_equal_local(ray_runtime: str,
                                                                tmp_path: Path) -> None:
    """The seeds, translated, then aligned and normalised locally and on Ray (two
    workers, several shards): the same beads, confidences and final texts."""
    from workbench.align.project import align_machine_translations
    from workbench.align.store import load_beads
    from workbench.executors import Cost
    from workbench.executors.project import align_on
    from workbench.glossary import load_csv
    from workbench.glossary.project import normalise_project

    glossary = load_csv(ROOT / "glossaries" / "seeds.csv")

    def concepts(text: str) -> set[str]:
        return {m.concept for m in glossary.find(text, "en")}
    got = []
    for executor in (None, ray(workers=2)):
        with _seed_project(tmp_path / ("ray" if executor else "local")) as proj:
            align_cost, norm_cost = Cost(), Cost()
            if executor is None:
                aligned = align_machine_translations(proj, tgt_lang="en", concepts=concepts)
            else:
                aligned = align_on(executor, proj, tgt_lang="en", concepts=concepts,
                                   documents_per_shard=2, cost=align_cost)
            norm = normalise_project(proj, glossary, "en", executor=executor, cost=norm_cost)
            if executor is not None:
                assert align_cost.shards == 3 and align_cost.sentences > 100  # 5 documents
                assert norm_cost.shards == 1 and norm_cost.sentences == norm.checked
                assert align_cost.cpu_s > 0 and align_cost.wall_s > 0
            got.append(([(r.document_id, r.beads, r.flagged, r.mt, load_beads(proj, r.alignment_id))
                         for r in aligned], (norm.checked, norm.changed, norm.conflicts),
                        proj.pairs("en").select("source", "target").sort("source")))
    (beads, norm, pairs), (ray_beads, ray_norm, ray_pairs) = got
    assert len(beads) == 5 and beads == ray_beads
    assert norm[1] > 0 and norm == ray_norm  # the glossary changed some final texts
    assert pairs.equals(ray_pairs)


@needs_apertium
def test_workbench_run_on_ray_reports_each_steps_cost_and_equals_local(
        ray_runtime: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from workbench.cli import app
    from workbench.store import Project

    runner = CliRunner()
    outputs = {}
    for name in ("local", "ray"):
        args = ["run", str(ROOT / "seeds"), "-e", "apertium", "-g",
                str(ROOT / "glossaries" / "seeds.csv"), "--no-serve", "--export", "tmx",
                "--project", str(tmp_path / name)]
        res = runner.invoke(app, args + (["--executor", "ray", "--ray-address", ray_runtime]
                                         if name == "ray" else []))
        assert res.exit_code == 0, res.output
        outputs[name] = res.output
        with Project(tmp_path / name) as proj:
            outputs[name + ":pairs"] = proj.pairs("en").select("source", "target").sort("source")
    for step in ("translate", "align", "normalise"):
        assert any(line.split()[:2] == [step, "cost:"] for line in outputs["ray"].splitlines()), step
    assert "cost:" not in outputs["local"]
    assert outputs["local:pairs"].equals(outputs["ray:pairs"])
    tmx = [(tmp_path / n / "exports" / "corpus.tmx").read_text(encoding="utf-8") for n in ("local", "ray")]
    strip = lambda t: re.sub(r'(creationdate|changedate)="[^"]*"', "", t)  # noqa: E731
    assert strip(tmx[0]) == strip(tmx[1])


def test_the_driver_keeps_at_most_workers_times_in_flight_shards_out(ray_runtime: str) -> None:
    """Shards drawn on the driver (a project's rows, on Ray Core actors) are drawn only
    as earlier ones come back: never more than ``workers * in_flight`` are out at once,
    however many there are."""
    from workbench.executors import Shard
    from workbench.executors.tasks import NormaliseTask
    from workbench.glossary import load_csv

    drawn, returned, most = [0], [0], [0]

    def shards():
        for i in range(40):
            drawn[0] += 1
            most[0] = max(most[0], drawn[0] - returned[0])
            yield Shard(i, ["Choïgou a parlé."] * 50)
    task = NormaliseTask(load_csv(ROOT / "glossaries" / "seeds.csv"), "en", kind="texts")
    seen = []
    for result in ray(workers=2, in_flight=2).map(task, shards()):
        returned[0] += 1
        seen.append(result.index)
        assert result.columns["text"][0] != "Choïgou a parlé."  # normalised
    assert sorted(seen) == list(range(40))
    assert most[0] <= 4 and drawn[0] == 40
