"""File mode on Ray in three Ray Data stages (a real local Ray runtime, 2 CPUs,
127.0.0.1): ``prepare`` tasks (articles read and segmented, debris marked, engine
batches cut, glossary terms protected), the actor pool that only translates, and
``finish`` tasks (placeholders restored, texts normalised, columns built). The
prepare and finish steps run in other processes than the translating actor, cost
is counted per step, the output equals the local executor's (which runs the same
three steps in a row) with glossary protection on, on the seeds and on Parquet
with extra columns, and a workbench error raised in a task stage reaches the
caller as itself."""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path

import polars as pl
import pytest

from ray_wait import free_cpus
from workbench.archive import FileShards, translate_archive
from workbench.executors import get_executor

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="apertium not installed (.ci/run installs it)")
ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
GLOSSARY = ROOT / "glossaries" / "seeds.csv"


def ray(**options: object):
    return get_executor("ray", **options)


def _protector(mode: str = "auto"):
    from workbench.glossary import load_csv
    from workbench.glossary.protect import TermProtector

    return TermProtector(load_csv(GLOSSARY), mode=mode)


def test_prepare_and_finish_run_as_task_stages_beside_the_translating_actors(
        ray_runtime: str, tiny_argos: Path) -> None:
    """The seeds in two shards with glossary protection: on Ray no prepare or finish
    step of either shard ran in a process that translated one (the actors only
    translate); locally all three steps ran in this process; the columns are equal
    and the cost is the sum of the steps'."""
    from workbench.executors.tasks import TranslateTask

    files = sorted(p.name for p in SEEDS.glob("*.txt"))
    source = FileShards("articles", SEEDS, [(0, 2), (2, len(files))], files=files)
    task = TranslateTask("argos", "fr", "en", kind="articles", device="cpu",
                         glossary=_protector(), batch_size=8)
    local = sorted(get_executor("local").map(task, source), key=lambda r: r.index)
    remote = sorted(ray(workers=2).map(task, source), key=lambda r: r.index)
    assert [r.index for r in remote] == [0, 1]
    for a, b in zip(local, remote):
        assert a.columns == b.columns and a.sentences == b.sentences > 0
        assert set(a.steps) == set(b.steps) == {"prepare", "translate", "finish"}
        assert {s.worker for s in a.steps.values()} == {f"{socket.gethostname()}:{os.getpid()}"}
        translating = b.steps["translate"].worker
        assert b.worker == translating
        assert b.steps["prepare"].worker != translating and b.steps["finish"].worker != translating
        # cost: the sum of the steps; GPU-seconds only from the translating step (none on CPU)
        assert b.cpu_s == pytest.approx(sum(s.cpu_s for s in b.steps.values()))
        assert b.wall_s == pytest.approx(sum(s.wall_s for s in b.steps.values()))
        assert b.gpu_s == 0.0 and b.cpu_s > 0
    actors = {r.steps["translate"].worker for r in remote}
    others = {r.steps[s].worker for r in remote for s in ("prepare", "finish")}
    assert not actors & others  # no step of either shard ran in a translating actor
    assert all("+glossary:" in v for v in remote[0].columns["model_version"])


def test_seed_articles_with_glossary_protection_equal_local(ray_runtime: str, tiny_argos: Path,
                                                            tmp_path: Path) -> None:
    """``translate_archive`` on the seeds with the tiny Argos model and the seeds
    glossary (protection follows the engine: target forms written inline): the Ray
    output, made in three stages, equals the local one byte for byte, and the parts'
    ledger recorded the three steps of each shard."""
    ledgers: list[list[dict]] = []

    def watch(done: int, total: int, sentences: int, seconds: float) -> None:
        from workbench.executors.shards import ShardStore

        if done == total:
            ledgers.append(ShardStore(tmp_path / "ray.parquet", {}).ledger())
    local = translate_archive(SEEDS, tmp_path / "local.parquet", "fr", "en", engine="argos",
                              device="cpu", batch_size=8, glossary=_protector())
    rep = translate_archive(SEEDS, tmp_path / "ray.parquet", "fr", "en", engine="argos",
                            device="cpu", batch_size=8, glossary=_protector(), executor=ray(),
                            progress=watch)
    assert (tmp_path / "local.parquet").read_bytes() == (tmp_path / "ray.parquet").read_bytes()
    out = pl.read_parquet(tmp_path / "ray.parquet")
    assert out.height > 100 and (out["glossary_hash"] == local.glossary_hash).all()
    assert local.glossary_hash and "between prepare and finish tasks" in rep.executor
    (ledger,) = ledgers
    assert len(ledger) == 1 and set(ledger[0]["steps"]) == {"prepare", "translate", "finish"}
    assert ledger[0]["worker"] == ledger[0]["steps"]["translate"]["worker"]


class _UpFront:
    """Term protection that protects every mention before the engine call and
    restores after it (the ``protect``/``restore`` half of the TermProtection
    protocol only): its placeholders are put in by the prepare step and taken out
    by the finish step."""

    def __init__(self, protector) -> None:
        self.protector = protector

    @property
    def version(self) -> str:
        return self.protector.version + ":up-front"

    def protect(self, texts: list[str], src: str, tgt: str):
        return self.protector.protect(texts, src, tgt)

    def restore(self, texts: list[str], state):
        return self.protector.restore(texts, state)


@needs_apertium
@pytest.mark.parametrize("protection", ["adaptive", "up-front"])
def test_parquet_with_extra_columns_and_glossary_protection_equals_local(
        ray_runtime: str, tmp_path: Path, protection: str) -> None:
    """Seed sentences that name glossary concepts, in a Parquet file with an id and a
    year beside the text: Ray (two workers, three shards) and local give the same
    file, with the input's columns first and in order. With protection up front the
    engine batches leave the prepare step with placeholders in them."""
    from workbench.executors import Shard
    from workbench.executors.tasks import TranslateTask

    if protection == "up-front":
        from ray import cloudpickle

        cloudpickle.register_pickle_by_value(sys.modules[__name__])  # Ray workers cannot import tests
    glossary = _protector() if protection == "adaptive" else _UpFront(_protector("placeholder"))
    names = ["Choïgou", "Sergueï Choïgou", "Poutine", "Kim Jong-un"]
    texts = [f"{names[i % 4]} a parlé avec la Russie le {1 + i % 28} mai." if i % 3 else
             ("" if i % 7 == 0 else f"Une phrase {i} sans nom.") for i in range(150)]
    src = tmp_path / "in.parquet"
    pl.DataFrame({"id": [f"a{i}" for i in range(150)], "text": texts,
                  "year": [2000 + i % 20 for i in range(150)]}).write_parquet(src)
    kw = {"engine": "apertium", "batch_size": 25, "shard_size": 50, "glossary": glossary}
    translate_archive(src, tmp_path / "local.parquet", "fr", "en", **kw)
    rep = translate_archive(src, tmp_path / "ray.parquet", "fr", "en", executor=ray(workers=2), **kw)
    a, b = pl.read_parquet(tmp_path / "local.parquet"), pl.read_parquet(tmp_path / "ray.parquet")
    assert a.equals(b) and rep.shards == rep.cost.shards == 3
    assert b.columns[:3] == ["id", "text", "year"] and b["id"].to_list() == [f"a{i}" for i in range(150)]
    assert b["target"].str.contains("Shoigu").sum() > 20  # the glossary's preferred form
    assert not b["target"].str.contains("XTERM").any()
    staged = TranslateTask("apertium", "fr", "en", glossary=glossary, batch_size=25).prepare(
        Shard(0, texts[:50]))
    sent = [t for batch in staged.batches for t in batch.send]
    assert len(sent) == sum(1 for t in texts[:50] if t.strip())
    assert any("XTERM0X" in t for t in sent) == (protection == "up-front")


@needs_apertium
def test_a_workbench_error_in_the_prepare_stage_reaches_the_caller_as_itself(
        ray_runtime: str, tmp_path: Path) -> None:
    """An article that is binary fails in the prepare step (no engine involved): on Ray
    the same error as locally comes back, once, nothing is written and the pool's
    CPUs are given back."""
    from workbench.errors import BinaryFileError

    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(next(SEEDS.glob("*.txt")), folder / "a.txt")
    (folder / "b.txt").write_bytes(b"Moscou\x00\x01\x02 binaire")
    errors = []
    for executor in (None, ray()):
        with pytest.raises(BinaryFileError, match="b.txt: contains NUL bytes") as info:
            translate_archive(folder, tmp_path / "out.parquet", "fr", "en", engine="apertium",
                              batch_size=64, executor=executor)
        errors.append(str(info.value))
    assert errors[0] == errors[1] and not (tmp_path / "out.parquet").exists()
    assert free_cpus(2)
