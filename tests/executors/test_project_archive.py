"""``workbench run ARCHIVE --executor …`` in project mode: the driver reads the project
page by page (never all its segments or final texts at once), sends shards as the
executor asks for them, saves each finished shard in its own transaction, resumes after
an interruption with only the unfinished work, and gives what the local path gives; on
a real local Ray runtime into a real PostgreSQL project as well, where the review app's
queries and the TMX export then equal the local run's."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from workbench.executors import get_executor
from workbench.store import Project

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="apertium not installed (.ci/run installs it)")
ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
GLOSSARY = ROOT / "glossaries" / "seeds.csv"


def _small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 10 rows and shards of 16 texts: the seeds' 102 translatable segments then
    take many pages and shards, as an archive does."""
    from workbench.executors import project as on_executor

    monkeypatch.setattr(on_executor, "PAGE_ROWS", 10)
    monkeypatch.setattr(on_executor, "DEFAULT_SHARD_SIZE", 16)


def _never_all_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading every segment, final text or review unit of the project in one call fails
    the test (one document's, as alignment reads them, is allowed)."""
    def refuse(name: str, allowed=lambda *a, **k: False):
        real = getattr(Project, name)

        def guarded(self, *args, **kwargs):
            if not allowed(*args, **kwargs):
                raise AssertionError(f"the driver read the whole project with Project.{name}")
            return real(self, *args, **kwargs)
        monkeypatch.setattr(Project, name, guarded)
    refuse("segments", allowed=lambda document_id=None: document_id is not None)
    refuse("review_texts")
    refuse("pairs")
    from workbench.store import memory

    real_contexts = memory.segment_contexts

    def contexts(project, document_ids=None):
        if not document_ids:
            raise AssertionError("the driver read the context of every segment")
        return real_contexts(project, document_ids)
    monkeypatch.setattr(memory, "segment_contexts", contexts)


#: A translation memory's unit for the seeds' first sentence (a 100% match to fill it).
FIRST = ("Peu de soldats, peu de munitions et un mauvais équipement: les troupes de Vladimir "
         "Poutine sont en mauvaise posture, dans la guerre que le Kremlin mène en Ukraine.")


def _with_memory(proj: Project) -> Project:
    from workbench.memory.project import new_unit
    from workbench.store.memory import add_units

    add_units(proj, [new_unit("fr", "en", FIRST, "Few soldiers, little ammunition, poor gear.",
                              "file", origin_ref="test.tmx")])
    return proj


def _units(project_dir: Path) -> list[tuple]:
    from workbench.io import FORMATS

    return [(u.source_lang, u.source, tuple((t.lang, t.text, t.status) for t in u.targets))
            for u in FORMATS["tmx"].read(project_dir / "exports" / "corpus.tmx")]


@needs_apertium
def test_pipeline_on_an_executor_reads_the_project_in_pages_and_equals_local(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.glossary import load_csv
    from workbench.pipeline import run_pipeline

    glossary = load_csv(GLOSSARY)
    reports = {}
    with _with_memory(Project(tmp_path / "local", create=True)) as proj:
        reports["local"] = run_pipeline(proj, [SEEDS], ["en"], engine="apertium",
                                        glossary=glossary, export_formats=["tmx"])
    _small_pages(monkeypatch)
    _never_all_at_once(monkeypatch)
    with _with_memory(Project(tmp_path / "paged", create=True)) as proj:
        reports["paged"] = run_pipeline(proj, [SEEDS], ["en"], engine="apertium",
                                        glossary=glossary, export_formats=["tmx"],
                                        executor=get_executor("local"))
        assert proj.translations("en").filter(pl.col("engine") == "tm").height == 1
    local, paged = reports["local"], reports["paged"]
    assert local.translated["en"] > 100 and paged.translated == local.translated
    assert paged.aligned == local.aligned and paged.normalised == local.normalised
    assert paged.term_accuracy == local.term_accuracy and "en" in local.term_accuracy
    assert _units(tmp_path / "paged") == _units(tmp_path / "local")


@needs_apertium
def test_translation_on_an_executor_draws_pages_as_shards_come_back_and_resumes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped after its first saved shard (as a killed driver is), a run leaves that shard
    saved; the rerun translates only the rest; the pages were read as shards were asked
    for, not all before the first shard went out."""
    from workbench.ingest import ingest_paths
    from workbench.translate import translate_project

    _small_pages(monkeypatch)
    pages_read: list[int] = []
    real = Project.translatable_segments_after

    def counted(self, lang, after, limit):
        pages_read.append(after)
        return real(self, lang, after, limit)
    monkeypatch.setattr(Project, "translatable_segments_after", counted)

    class Stop(Exception):
        pass

    def stop_after_first_shard(done: int, total: int, tgt: str) -> None:
        if done > 0:
            raise Stop
    with Project(tmp_path / "p", create=True) as proj:
        ingest_paths(proj, [SEEDS])
        total = int(proj.documents()["translatable"].sum())
        with pytest.raises(Stop):
            translate_project(proj, ["en"], "apertium", batch_size=16,
                              executor=get_executor("local"), progress=stop_after_first_shard)
        assert total > 100 and 0 < len(pages_read) <= 3  # of 11 pages, before the first shard came back
        saved = proj.translations("en").height
        assert 0 < saved <= 16 + 10  # one shard (and the memory hits of a page), not more
        again = translate_project(proj, ["en"], "apertium", batch_size=16,
                                  executor=get_executor("local"))
        pair = again.pairs[0]
        assert pair.segments == total and pair.up_to_date == saved
        assert pair.translated + pair.from_memory == total - saved and pair.batches > 2
        assert proj.translations("en").height == total


@needs_apertium
def test_run_archive_on_ray_into_postgresql_lands_in_batches_and_equals_local(
        ray_runtime: str, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Translation on two Ray workers into a PostgreSQL project, interrupted after its first
    shard and resumed; then ``workbench run --db postgresql://… --executor ray`` aligns,
    normalises and exports. The TMX units, the review app's units per document, its
    progress and quality tables equal a local run's on SQLite."""
    from workbench.app import queries
    from workbench.cli import app
    from workbench.glossary import load_csv
    from workbench.glossary.protect import TermProtector
    from workbench.ingest import ingest_paths
    from workbench.translate import translate_project

    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    runner = CliRunner()
    common = [str(SEEDS), "-e", "apertium", "-g", str(GLOSSARY), "--no-serve", "--export", "tmx"]
    res = runner.invoke(app, ["run", *common, "--project", str(tmp_path / "local")])
    assert res.exit_code == 0, res.output

    _small_pages(monkeypatch)
    connections: list[int] = []

    def stop_after_first_shard(done: int, total: int, tgt: str) -> None:
        if done > 0:  # the Ray workers are up and translating: who is connected now?
            connections.append(_connections(proj))
            raise KeyboardInterrupt
    pg_dir = tmp_path / "pg"
    protector = TermProtector(load_csv(GLOSSARY), mode="auto")  # as `workbench run -g` does
    with Project(pg_dir, db=pg_url, create=True) as proj:
        assert proj.dialect == "postgresql"
        ingest_paths(proj, [SEEDS])
        connections.append(_connections(proj))
        with pytest.raises(KeyboardInterrupt):
            translate_project(proj, ["en"], "apertium", executor=get_executor("ray", workers=2),
                              glossary=protector, progress=stop_after_first_shard)
        first = proj.translations("en").height
        assert connections[1] == connections[0]  # the workers hold no database connection
        rep = translate_project(proj, ["en"], "apertium", executor=get_executor("ray", workers=2),
                                glossary=protector)
        pair = rep.pairs[0]
        assert pair.up_to_date == first > 0 and pair.cost.shards >= 3 and pair.batches >= 3
        assert len(pair.cost.workers) == 2  # both Ray workers translated
    res = runner.invoke(app, ["run", *common, "--project", str(pg_dir), "--db", pg_url,
                              "--executor", "ray", "--ray-address", ray_runtime])
    assert res.exit_code == 0, res.output
    for step in ("align", "normalise"):
        assert any(line.split()[:2] == [step, "cost:"] for line in res.output.splitlines()), step
    assert ": 0 translated," in res.output  # all translated above: the run resumed
    assert not (pg_dir / "workbench.sqlite").exists()  # everything went to the server

    assert _units(pg_dir) == _units(tmp_path / "local") and len(_units(pg_dir)) > 100
    tmx = [re.sub(r'(creationdate|changedate)="[^"]*"', "",
                  (d / "exports" / "corpus.tmx").read_text(encoding="utf-8"))
           for d in (tmp_path / "local", pg_dir)]
    assert tmx[0] == tmx[1]
    seen = []
    for where, db in ((tmp_path / "local", None), (pg_dir, pg_url)):
        with Project(where, db=db, create=False) as proj:
            progress = queries.document_progress(proj, "en").drop("id", "ingested_at")
            docs = proj.documents()["id"].to_list()
            units = [queries.document_pairs(proj, d, "en").select(
                "idx", "source", "mt", "target", "status", "confidence") for d in docs]
            quality = queries.quality(proj, "en").drop("document_id")
            seen.append((progress, units, quality))
    (progress, units, quality), (pg_progress, pg_units, pg_quality) = seen
    assert progress.equals(pg_progress) and quality.equals(pg_quality)
    assert len(units) == 5 and all(a.equals(b) for a, b in zip(units, pg_units))
    assert pl.concat(pg_units)["confidence"].null_count() == 0  # every unit was aligned


def _connections(proj: Project) -> int:
    """Sessions connected to the project's PostgreSQL database."""
    return proj.conn.execute("SELECT COUNT(*) FROM pg_stat_activity "
                             "WHERE datname = current_database()").fetchone()[0]
