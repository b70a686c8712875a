"""What runs in a worker, for each kind of shard. Every task pickles (it travels to
Ray actors) and loads its engine or glossary once, in :meth:`load`.

- :class:`TranslateTask` translates lines (file and Parquet mode: exactly what
  :func:`workbench.translate.translate_lines` does), project segments (what
  :func:`workbench.translate.translate_project` does with its batches), or whole
  articles (read, segmented, debris marked, translated), in three steps: prepare
  (no engine), translate (the engine, loaded once per worker), finish (no engine);
  each engine batch goes through :func:`workbench.translate.protect_batch`,
  :func:`~workbench.translate.translate_batch` and
  :func:`~workbench.translate.finish_batch`, the functions the local path runs.
- :class:`NormaliseTask` rewrites glossary matches in raw lines (what
  ``workbench glossary apply`` does, byte for byte) or in a project's final
  texts (what :func:`workbench.glossary.project.normalise_preview` does).
- :class:`AlignTask` aligns documents with their machine translations (what
  :func:`workbench.align.project.align_machine_translations` does).

Results equal the local path's because the work is the same function on the same
batches: shards hold a whole number of engine batches.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import EngineError
from workbench.executors import Shard, ShardFunction, ShardResult, Spent

#: Environment a worker needs to find the same models as the driver.
_ENV_PREFIXES = ("ARGOS_", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "CT2_")


def driver_env() -> dict[str, str]:
    """The driver's Argos/CTranslate2 settings, given to workers so they load the same models."""
    return {k: v for k, v in os.environ.items() if k.startswith(_ENV_PREFIXES)}


class _Meter:
    """CPU-seconds of this process, its waited-for children and the engine's own
    long-lived processes (Apertium's pipelines), wall seconds."""

    def __init__(self, engine: Any = None) -> None:
        self._extra = getattr(engine, "cpu_seconds", None)
        self.cpu = self._cpu()
        self.wall = time.perf_counter()

    def _cpu(self) -> float:
        t = os.times()
        return (t.user + t.system + t.children_user + t.children_system
                + (self._extra() if self._extra else 0.0))

    def spent(self, gpu: bool = False) -> Spent:
        wall = time.perf_counter() - self.wall
        return Spent(self._cpu() - self.cpu, wall if gpu else 0.0, wall,
                     f"{socket.gethostname()}:{os.getpid()}")

    def stop(self, index: int, columns: dict[str, list[Any]], sentences: int,
             gpu: bool = False) -> ShardResult:
        return _result(index, columns, sentences, {"run": self.spent(gpu)}, "run")


def _result(index: int, columns: dict[str, list[Any]], sentences: int, steps: dict[str, Spent],
            main: str) -> ShardResult:
    """A shard's result costing the sum of its ``steps``; its worker is the one that ran ``main``."""
    return ShardResult(index, columns, sentences,
                       cpu_s=sum(s.cpu_s for s in steps.values()),
                       gpu_s=sum(s.gpu_s for s in steps.values()),
                       wall_s=sum(s.wall_s for s in steps.values()), worker=steps[main].worker,
                       steps=dict(steps))


@dataclass
class Staged:
    """A shard between the steps of :class:`TranslateTask`: after :meth:`~TranslateTask.prepare`
    its output ``rows``, the ``columns`` known before translation (an article's segments),
    the engine ``batches`` and the rows each one fills (``positions``); after the
    translation, each batch's engine results (``pairs``) and the provenance of blank
    rows; ``spent``: each step's cost."""

    index: int
    rows: int
    columns: dict[str, list[Any]]
    positions: list[list[int]]
    batches: list[Any]  # workbench.translate.EngineBatch
    pairs: list[list[Any]] = field(default_factory=list)
    provenance: Any = None
    spent: dict[str, Spent] = field(default_factory=dict)

    @property
    def sentences(self) -> int:
        return sum(len(p) for p in self.positions)


@dataclass
class TranslateTask:
    """Translate shards with one engine for one pair, in three steps that the ray
    executor runs as three Ray Data stages and every other executor runs in a row
    (:meth:`load`):

    1. :meth:`prepare` (no engine): read the shard's items, segment articles and mark
       their debris, cut the engine batches, protect glossary terms;
    2. :meth:`load_engine` (once per worker) gives the step that only translates;
    3. :meth:`finish` (no engine): restore placeholders, normalise, build the columns.

    ``engine`` is the concrete engine's name. ``kind``: ``lines`` (items are lines;
    blank lines give ``""``), ``segments`` (items are non-blank project segment texts,
    sent as they are) or ``articles`` (items are ``(name, bytes)``; output rows are the
    article's segments). ``expect_version`` is the model version the driver resolved:
    a worker that would translate with another one (a different model installed on
    its node) refuses instead of mixing versions.
    """

    engine: str
    src: str
    tgt: str
    kind: str = "lines"
    device: str = "auto"
    glossary: Any = None  # a TermProtector (or any TermProtection hook), or None
    batch_size: int = 32
    expect_version: str = ""
    env: dict[str, str] = field(default_factory=driver_env)

    def __post_init__(self) -> None:
        if self.kind not in ("lines", "segments", "articles"):
            raise ValueError(f"unknown shard kind {self.kind!r}")

    def _hook(self) -> Any:
        from workbench.translate import _hook_for

        return _hook_for(self.glossary, self.engine)

    def load(self) -> ShardFunction:
        """The three steps in a row, in this process (the engine loaded once, here)."""
        translate = self.load_engine()

        def run(shard: Shard) -> ShardResult:
            return self.finish(translate(self.prepare(shard)))
        run.close = translate.close  # type: ignore[attr-defined]
        return run

    # -- step 1 ----------------------------------------------------------------

    def prepare(self, shard: Shard) -> Staged:
        """The shard's engine batches, glossary terms protected; no engine needed."""
        from workbench.translate import line_batches, protect_batch

        meter = _Meter()
        columns: dict[str, list[Any]] = {}
        if self.kind == "segments":
            texts = list(shard.items)  # sent as they are
            positions = [list(range(s, min(s + self.batch_size, len(texts))))
                         for s in range(0, len(texts), self.batch_size)]
            sends = [[texts[i] for i in idx] for idx in positions]
        else:
            if self.kind == "articles":
                columns = _article_segments(shard.items, self.src)
                texts = [s if t else "" for s, t in zip(columns["source"], columns["translatable"])]
            else:
                texts = [t if isinstance(t, str) else "" for t in shard.items]
            positions = line_batches(texts, self.batch_size)  # what translate_lines sends
            sends = [[texts[i].strip() for i in idx] for idx in positions]
        hook = self._hook()
        staged = Staged(shard.index, len(texts), columns, positions,
                        [protect_batch(batch, self.src, self.tgt, hook) for batch in sends])
        staged.spent["prepare"] = meter.spent()
        return staged

    # -- step 2 ----------------------------------------------------------------

    def load_engine(self) -> Callable[[Staged], Staged]:
        """Load the engine (and check its version); returns the step that translates a
        prepared shard's batches, and only that."""
        from workbench.engines import engine_for, get_engine
        from workbench.translate import _provenance, translate_batch

        for key, value in self.env.items():
            os.environ[key] = value  # the driver's model paths and settings win
        # long_lived: Apertium keeps one pipeline per mode for all the worker's shards
        engine = engine_for(get_engine(self.engine, device=self.device, long_lived=True),
                            self.src, self.tgt)
        hook = self._hook()  # the same hook as the prepare and finish steps
        prov = _provenance(engine, self.src, self.tgt, hook)
        if self.expect_version and prov.model_version != self.expect_version:
            raise EngineError(
                f"worker {socket.gethostname()} would translate {self.src}→{self.tgt} with "
                f"{prov.engine} {prov.model_version}, the driver with {self.expect_version}; install "
                "the same model (or Apertium package) version on every node")
        gpu = getattr(engine, "device", "cpu") == "cuda" or self.device == "cuda"

        def run(staged: Staged) -> Staged:
            meter = _Meter(engine)
            staged.pairs = [translate_batch(engine, batch, self.src, self.tgt, hook)
                            for batch in staged.batches]
            staged.provenance = prov
            staged.spent["translate"] = meter.spent(gpu)
            return staged
        run.close = getattr(engine, "close", lambda: None)  # type: ignore[attr-defined]
        return run

    # -- step 3 ----------------------------------------------------------------

    def finish(self, staged: Staged) -> ShardResult:
        """Placeholders restored, texts normalised, the result columns; no engine needed."""
        from workbench.translate import finish_batch, line_results

        meter = _Meter()
        hook = self._hook()
        results = [finish_batch(batch, pairs, hook) for batch, pairs in zip(staged.batches, staged.pairs)]
        if self.kind == "segments":
            flat = [r for batch in results for r in batch]
        elif staged.sentences:
            flat = line_results(staged.rows, staged.positions, results, staged.provenance)
        else:  # nothing to translate: no engine, no provenance
            flat = []
        staged.spent["finish"] = meter.spent()
        return _result(staged.index, {**staged.columns, **_columns(flat, staged.rows)},
                       staged.sentences, staged.spent, "translate")


def _article_segments(items: list[tuple[str, bytes]], lang: str) -> dict[str, list[Any]]:
    """The articles ``(name, bytes)`` read and segmented, debris marked: one row per segment."""
    from workbench.ingest import build_document
    from workbench.ingest.parse import format_of
    from workbench.ingest.reader import decode_bytes

    cols: dict[str, list[Any]] = {k: [] for k in (
        "document", "paragraph", "segment", "source", "translatable", "reason")}
    for name, data in items:
        decoded = decode_bytes(data, name)
        doc = build_document(decoded.text, format_of(Path(name)), lang=lang, fallback_title=name)
        n = 0
        for p_no, para in enumerate(doc.paragraphs):
            for seg in para.segments:
                cols["document"].append(name)
                cols["paragraph"].append(p_no)
                cols["segment"].append(n)
                cols["source"].append(seg.text)
                cols["translatable"].append(bool(seg.translatable))
                cols["reason"].append(seg.reason)
                n += 1
    return cols


def _columns(results: list[Any], n: int) -> dict[str, list[Any]]:
    """Target text, notes (JSON) and provenance columns of translation results."""
    if not results:
        return {"target": [""] * n, "meta": ["{}"] * n, "engine": [""] * n,
                "model": [""] * n, "model_version": [""] * n}
    return {
        "target": [r.text for r in results],
        "meta": [json.dumps(r.meta, ensure_ascii=False, sort_keys=True) for r in results],
        "engine": [r.engine for r in results],
        "model": [r.model for r in results],
        "model_version": [r.model_version for r in results],
    }


@dataclass
class NormaliseTask:
    """Rewrite glossary matches into ``lang``'s preferred forms. ``kind``: ``lines``
    (items are raw lines, bytes with their line ends; shard ``i`` starts at line
    ``i * shard_lines + 1``, for error messages) or ``texts`` (items are texts; the
    result's ``text`` column holds each one normalised)."""

    glossary: Any
    lang: str
    shard_lines: int = 0
    where: str = "<input>"
    kind: str = "lines"

    def load(self) -> ShardFunction:
        from workbench.glossary.textio import apply_stream

        self.glossary.apply("", self.lang)  # compile the matcher once, here

        def run(shard: Shard) -> ShardResult:
            meter = _Meter()
            if self.kind == "texts":
                texts = [self.glossary.apply(t, self.lang) for t in shard.items]
                return meter.stop(shard.index, {"text": texts}, len(texts))
            first = shard.index * self.shard_lines + 1
            out = list(apply_stream(self.glossary, shard.items, self.lang, self.where, first=first))
            return meter.stop(shard.index, {"line": out}, len(out))
        return run


@dataclass
class AlignTask:
    """Align documents with their machine translations; items are
    :class:`~workbench.align.project.MTAlignInput`, the result's ``alignment``
    column holds one :class:`~workbench.align.Alignment` each. ``concepts`` (the
    glossary's concept finder, or None) must pickle."""

    concepts: Any = None

    def load(self) -> ShardFunction:
        from workbench.align import get_aligner
        from workbench.align.project import align_machine_text

        aligner = get_aligner("mtguided", concepts=self.concepts)

        def run(shard: Shard) -> ShardResult:
            meter = _Meter()
            alignments = [align_machine_text(aligner, item) for item in shard.items]
            return meter.stop(shard.index, {"alignment": alignments},
                              sum(len(item.src_texts) for item in shard.items))
        return run
