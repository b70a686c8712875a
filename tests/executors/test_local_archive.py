"""Sharded translation and normalisation on the local executor: shard plan, resume
after an interruption, complete-or-nothing output, Parquet columns kept, the CLI's
one-line errors; and that nothing imports Ray unless the ray executor is chosen."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from workbench.archive import normalise_archive, plan_line_shards, translate_archive
from workbench.errors import InputError, WorkbenchError
from workbench.executors import EXECUTOR_CHOICES, Executor, get_executor
from workbench.translate import translate_lines

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="apertium not installed (.ci/run installs it)")
ROOT = Path(__file__).resolve().parents[2]
LINES = ["Le président a parlé.", "", "La Maison-Blanche a répondu.", "Il pleut à Paris.",
         "  ", "M. Kirby l'a dit.", "Mme Thomas-Greenfield aussi.", "Choïgou est à Moscou."]


def test_registry_names_and_protocol() -> None:
    assert EXECUTOR_CHOICES == ("local", "ray")
    local = get_executor("local")
    assert isinstance(local, Executor) and local.describe().startswith("local")
    with pytest.raises(WorkbenchError, match="unknown executor 'dask'"):
        get_executor("dask")


def test_shards_hold_whole_batches_and_keep_blank_lines() -> None:
    texts = ["a", "", "b", "c", "", "d", "e", ""]
    bounds = plan_line_shards(texts, 2)
    assert bounds == [(0, 3), (3, 6), (6, 8)]  # 2 non-blank lines each; blanks stay behind
    assert plan_line_shards(["", "a", "b", "", ""], 2) == [(0, 5)]
    assert [x for a, b in bounds for x in texts[a:b]] == texts


def test_importing_the_cli_and_local_path_never_imports_ray() -> None:
    code = ("import sys, workbench.cli, workbench.archive, workbench.executors.local; "
            "from workbench.executors import get_executor; get_executor('ray'); "
            "print('ray' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@needs_apertium
def test_local_archive_equals_translate_lines(tmp_path: Path) -> None:
    src = tmp_path / "a.fr"
    src.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    rep = translate_archive(src, tmp_path / "a.en", "fr", "en", engine="apertium",
                            batch_size=2, shard_size=2)
    ref = [r.text for r in translate_lines(LINES, "fr", "en", "apertium", batch_size=8)]
    assert (tmp_path / "a.en").read_text(encoding="utf-8").split("\n")[:-1] == ref
    assert rep.shards == 3 and rep.resumed == 0 and rep.cost.sentences == 6
    assert not (tmp_path / ".a.en.parts").exists()  # removed once the output is complete


class Stop(Exception):
    pass


@needs_apertium
def test_interrupted_run_leaves_no_output_and_resumes_only_unfinished(tmp_path: Path) -> None:
    src, out = tmp_path / "a.fr", tmp_path / "a.en"
    src.write_text("\n".join(LINES) + "\n", encoding="utf-8")

    def stop_after_one(done: int, total: int, sentences: int, seconds: float) -> None:
        if done == 1:
            raise Stop  # as Ctrl+C or a crash would, after one shard is stored
    with pytest.raises(Stop):
        translate_archive(src, out, "fr", "en", engine="apertium", batch_size=2, shard_size=2,
                          progress=stop_after_one)
    assert not out.exists()  # complete or nothing
    parts = tmp_path / ".a.en.parts"
    assert len(list(parts.glob("shard-*.parquet"))) == 1
    rep = translate_archive(src, out, "fr", "en", engine="apertium", batch_size=2, shard_size=2)
    assert rep.resumed == 1 and rep.cost.shards == rep.shards - 1 == 2
    ref = [r.text for r in translate_lines(LINES, "fr", "en", "apertium", batch_size=8)]
    assert out.read_text(encoding="utf-8").split("\n")[:-1] == ref


@needs_apertium
def test_changed_settings_discard_earlier_parts(tmp_path: Path) -> None:
    src, out = tmp_path / "a.fr", tmp_path / "a.en"
    src.write_text("\n".join(LINES) + "\n", encoding="utf-8")

    def stop(done: int, *_: object) -> None:
        if done == 1:
            raise Stop
    with pytest.raises(Stop):
        translate_archive(src, out, "fr", "en", engine="apertium", batch_size=4, shard_size=4,
                          progress=stop)
    rep = translate_archive(src, out, "fr", "en", engine="apertium", batch_size=8, shard_size=8)
    assert rep.resumed == 0 and "batch_size" in rep.note


@needs_apertium
def test_parquet_keeps_other_columns_in_order(tmp_path: Path) -> None:
    src, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    frame = pl.DataFrame({"id": list(range(100, 100 + len(LINES))), "text": LINES,
                          "site": ["lemonde"] * len(LINES)})
    frame = frame.with_columns(pl.when(pl.col("id") == 101).then(None).otherwise(pl.col("text")).alias("text"))
    frame.write_parquet(src)
    rep = translate_archive(src, out, "fr", "en", engine="apertium", batch_size=4, shard_size=4)
    got = pl.read_parquet(out)
    assert got.columns == ["id", "text", "site", "target", "engine", "model", "model_version",
                           "glossary_hash", "meta"]
    assert got["id"].to_list() == frame["id"].to_list() and got["site"].to_list() == ["lemonde"] * 8
    ref = translate_lines([t or "" for t in frame["text"].to_list()], "fr", "en", "apertium",
                          batch_size=8)  # Apertium's output does not depend on the batching
    assert got["target"].to_list() == [r.text for r in ref]
    assert set(got.filter(pl.col("target") != "")["engine"]) == {"apertium"}
    assert rep.provenance is not None and rep.provenance.model_version in set(got["model_version"])


def test_parquet_without_the_column_is_one_clear_error(tmp_path: Path) -> None:
    src = tmp_path / "in.parquet"
    pl.DataFrame({"id": [1], "body": ["Bonjour."]}).write_parquet(src)
    with pytest.raises(InputError, match=r"no column 'text' \(columns: id, body\); name the text column with --column"):
        translate_archive(src, tmp_path / "o.parquet", "fr", "en", engine="apertium")


def test_normalise_archive_is_byte_identical_to_glossary_apply(tmp_path: Path) -> None:
    from workbench.glossary import load_csv
    from workbench.glossary.textio import apply_stream

    g = load_csv(ROOT / "glossaries" / "seeds.csv")
    raw = ("Choïgou a parlé.\r\nSergueï Choïgu et Poutine\nligne\rsuite\n\n"
           "CHOÏGOU encore\n" * 7).encode("utf-8")
    src, out = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_bytes(raw)
    rep = normalise_archive(src, out, g, "en", shard_lines=4)
    assert out.read_bytes() == b"".join(apply_stream(g, iter(raw.splitlines(keepends=True)), "en"))
    assert rep.shards == 9 and b"Shoigu" in out.read_bytes()


def test_cli_ray_options_without_ray_are_usage_errors(tmp_path: Path) -> None:
    from workbench.cli import app

    res = CliRunner().invoke(app, ["translate", "--from", "fr", "--to", "en", "--in", "x",
                                   "--workers", "2"])
    assert res.exit_code == 2 and "only apply with --executor ray" in res.output
    res = CliRunner().invoke(app, ["translate", "--to", "en", "--executor", "spark"])
    assert res.exit_code == 2 and "not one of local, ray" in res.output


def test_cli_missing_column_is_one_line_exit_1(tmp_path: Path) -> None:
    src = tmp_path / "in.parquet"
    pl.DataFrame({"body": ["Bonjour."]}).write_parquet(src)
    res = subprocess.run([sys.executable, "-m", "workbench", "translate", "--from", "fr", "--to", "en",
                          "--in", str(src), "--out", str(tmp_path / "o.parquet"), "-e", "apertium"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    assert res.stderr.strip().count("\n") == 0 and "no column 'text'" in res.stderr
    assert "Traceback" not in res.stderr


def test_shards_are_read_as_asked_for_so_memory_stays_bounded(tmp_path: Path) -> None:
    """A 24 MB text file and a 24 MB Parquet column go out shard by shard: the driver's
    memory peaks at a few shards, not at the input (the old driver read it whole)."""
    import importlib
    import tracemalloc

    importlib.import_module("pyarrow.parquet")  # imported before measuring

    from workbench.archive import _parquet_shards, iter_text_lines, line_shards

    line = "Le président a parlé à la Maison-Blanche de Sergueï Choïgou. " * 4
    n = 100_000  # 100,000 lines of 240 characters
    text = tmp_path / "big.fr"
    with open(text, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(f"{i} {line}\n" if i % 10 else "\n")
    table = tmp_path / "big.parquet"
    pl.DataFrame({"text": [f"{i} {line}" for i in range(n)]}).write_parquet(table, row_group_size=10_000)
    bounds = plan_line_shards(iter_text_lines(text), 2048)
    assert len(bounds) == 44 and bounds[-1][1] == n  # 90,000 non-blank lines
    for shards in (lambda: line_shards(text, bounds, skip={0, 1}),
                   lambda: _parquet_shards(table, "text", [(a, min(a + 2048, n)) for a in range(0, n, 2048)])):
        tracemalloc.start()
        try:
            count = rows = 0
            for shard in shards():
                count, rows = count + 1, rows + len(shard.items)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert count in (42, 49) and rows > 90_000
        assert peak < 10_000_000, peak  # the input is 24 MB, 29 MB as Python strings


def test_project_progress_bar_shows_sentences_per_second() -> None:
    import io
    import time

    from rich.console import Console
    from rich.progress import Progress

    from workbench.cli.executor import segment_progress

    bar = Progress(console=Console(file=io.StringIO(), force_terminal=True))
    report = segment_progress(bar, "translate ")
    report(10, 100, "en")  # 10 up to date before this run
    time.sleep(0.05)
    report(60, 100, "en")
    [task] = bar.tasks
    assert task.completed == 60 and task.total == 100
    assert task.description.startswith("translate →en ") and task.description.endswith(" sentences/s")
    assert 0 < float(task.description.split()[2].replace(",", "")) <= 50 / 0.05


@needs_apertium
def test_an_input_changed_during_the_run_is_refused_not_mixed(tmp_path: Path) -> None:
    """The driver reads the input twice (plan, then shards): a file changed in between
    gives one clear error, no output and no parts to resume from."""
    src, out = tmp_path / "a.fr", tmp_path / "a.en"
    src.write_text("\n".join(LINES) + "\n", encoding="utf-8")

    def edit_after_one(done: int, total: int, sentences: int, seconds: float) -> None:
        if done == 1:
            src.write_text("\n".join(reversed(LINES)) + "\nUne ligne de plus.\n", encoding="utf-8")
    with pytest.raises(InputError, match="changed while it was being translated"):
        translate_archive(src, out, "fr", "en", engine="apertium", batch_size=2, shard_size=2,
                          progress=edit_after_one)
    assert not out.exists() and not (tmp_path / ".a.en.parts").exists()
