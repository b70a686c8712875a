"""Finished shards on disk, so that a rerun redoes only unfinished ones.

Beside the output ``OUT`` lives ``.OUT.parts/``: ``job.json`` (what the parts
were made from: input size and time, languages, engine and model version,
glossary hash, batch and shard sizes), one ``shard-NNNNNNN.parquet`` per
finished shard (written to a temporary name, then renamed: a part is whole or
absent) and ``ledger.jsonl`` (one line per finished shard: rows, sentences,
CPU/GPU/wall seconds, worker, and the same per step). A part file is the record
that its shard is done; a rerun with different settings or a changed input starts
afresh and says so. The folder is removed once the output is complete.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import polars as pl

from workbench.errors import InputError
from workbench.executors import ShardResult

#: Column types of shard parts (a shard whose column is all empty still gets its type).
SCHEMA: dict[str, Any] = {
    "target": pl.String, "meta": pl.String, "engine": pl.String, "model": pl.String,
    "model_version": pl.String, "document": pl.String, "paragraph": pl.Int64,
    "segment": pl.Int64, "source": pl.String, "translatable": pl.Boolean, "reason": pl.String,
    "line": pl.Binary,
}


class ShardStore:
    """The parts folder of one output."""

    def __init__(self, out: Path, job: dict[str, Any]) -> None:
        self.out = out
        self.dir = out.parent / f".{out.name}.parts"
        self.job = job

    def open(self) -> str:
        """Create the folder, or keep the parts of the same job; returns a note when
        earlier parts were discarded because the job changed."""
        note = ""
        job_file = self.dir / "job.json"
        if self.dir.exists():
            try:
                old = json.loads(job_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = None
            if old != self.job:
                changed = sorted(k for k in set(self.job) | set(old or {})
                                 if (old or {}).get(k) != self.job.get(k))
                note = (f"{len(self.done())} finished shards of an earlier run were discarded: "
                        f"{', '.join(changed) or 'unreadable job.json'} changed")
                shutil.rmtree(self.dir)
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            if not job_file.exists():
                tmp = job_file.with_suffix(".tmp")
                tmp.write_text(json.dumps(self.job, indent=1, sort_keys=True), encoding="utf-8")
                os.replace(tmp, job_file)
        except OSError as exc:
            raise InputError(f"cannot write beside {self.out}: {exc.strerror or exc}") from exc
        return note

    def part(self, index: int) -> Path:
        return self.dir / f"shard-{index:07d}.parquet"

    def done(self) -> set[int]:
        """Indexes of the finished shards."""
        if not self.dir.is_dir():
            return set()
        return {int(p.name[6:13]) for p in self.dir.glob("shard-???????.parquet")}

    def save(self, result: ShardResult) -> None:
        """Write one finished shard (whole or not at all), then its ledger line."""
        frame = pl.DataFrame({k: pl.Series(k, v, dtype=SCHEMA.get(k)) for k, v in result.columns.items()})
        final = self.part(result.index)
        tmp = final.with_name(final.name + f".{os.getpid()}.tmp")
        frame.write_parquet(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        line = {"shard": result.index, "rows": frame.height, "sentences": result.sentences,
                "cpu_s": round(result.cpu_s, 4), "gpu_s": round(result.gpu_s, 4),
                "wall_s": round(result.wall_s, 4), "worker": result.worker,
                "steps": {k: {"cpu_s": round(v.cpu_s, 4), "gpu_s": round(v.gpu_s, 4),
                              "wall_s": round(v.wall_s, 4), "worker": v.worker}
                          for k, v in result.steps.items()},
                "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        with open(self.dir / "ledger.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")

    def load(self, index: int) -> pl.DataFrame:
        return pl.read_parquet(self.part(index))

    def ledger(self) -> list[dict[str, Any]]:
        path = self.dir / "ledger.jsonl"
        if not path.exists():
            return []
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:  # a line cut by a kill
                continue
        return out

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
