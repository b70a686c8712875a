"""What runs in a worker, for each kind of shard. Every task pickles (it travels to
Ray actors) and loads its engine or glossary once, in :meth:`load`.

- :class:`TranslateTask` translates lines (file and Parquet mode: exactly what
  :func:`workbench.translate.translate_lines` does), project segments (what
  :func:`workbench.translate.translate_project` does with its batches), or whole
  articles (read, segmented, debris marked, translated).
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import EngineError
from workbench.executors import Shard, ShardFunction, ShardResult

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

    def stop(self, index: int, columns: dict[str, list[Any]], sentences: int,
             gpu: bool = False) -> ShardResult:
        cpu = self._cpu() - self.cpu
        wall = time.perf_counter() - self.wall
        return ShardResult(index, columns, sentences, cpu_s=cpu, gpu_s=wall if gpu else 0.0,
                           wall_s=wall, worker=f"{socket.gethostname()}:{os.getpid()}")


@dataclass
class TranslateTask:
    """Translate shards with one engine for one pair.

    ``kind``: ``lines`` (items are lines; blank lines give ``""``), ``segments``
    (items are non-blank project segment texts, sent as they are) or ``articles``
    (items are ``(name, bytes)``; output rows are the article's segments).
    ``expect_version`` is the model version the driver resolved: a worker that
    would translate with another one (a different model installed on its node)
    refuses instead of mixing versions.
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

    def load(self) -> ShardFunction:
        from workbench.engines import engine_for, get_engine
        from workbench.translate import _hook_for, _provenance

        for key, value in self.env.items():
            os.environ[key] = value  # the driver's model paths and settings win
        # long_lived: Apertium keeps one pipeline per mode for all the worker's shards
        engine = engine_for(get_engine(self.engine, device=self.device, long_lived=True),
                            self.src, self.tgt)
        hook = _hook_for(self.glossary, engine)
        prov = _provenance(engine, self.src, self.tgt, hook)
        if self.expect_version and prov.model_version != self.expect_version:
            raise EngineError(
                f"worker {socket.gethostname()} would translate {self.src}→{self.tgt} with "
                f"{prov.engine} {prov.model_version}, the driver with {self.expect_version}; install "
                "the same model (or Apertium package) version on every node")
        gpu = getattr(engine, "device", "cpu") == "cuda" or self.device == "cuda"
        if self.kind not in ("lines", "segments", "articles"):
            raise ValueError(f"unknown shard kind {self.kind!r}")
        run = getattr(self, f"_{self.kind}")(engine, hook, gpu)
        run.close = getattr(engine, "close", lambda: None)  # type: ignore[attr-defined]
        return run

    # Each returns the shard function for its kind.

    def _lines(self, engine: Any, hook: Any, gpu: bool) -> ShardFunction:
        from workbench.translate import translate_lines

        def run(shard: Shard) -> ShardResult:
            meter = _Meter(engine)
            texts = [t if isinstance(t, str) else "" for t in shard.items]
            live = sum(1 for t in texts if t.strip())
            if live:
                results = translate_lines(texts, self.src, self.tgt, engine,
                                          batch_size=self.batch_size, glossary=hook)
            else:
                results = []
            return meter.stop(shard.index, _columns(results, len(texts)), live, gpu)
        return run

    def _segments(self, engine: Any, hook: Any, gpu: bool) -> ShardFunction:
        from workbench.translate import _run

        def run(shard: Shard) -> ShardResult:
            meter = _Meter(engine)
            texts = list(shard.items)
            results = []
            for start in range(0, len(texts), self.batch_size):
                results.extend(_run(engine, texts[start:start + self.batch_size],
                                    self.src, self.tgt, hook))
            return meter.stop(shard.index, _columns(results, len(texts)), len(texts), gpu)
        return run

    def _articles(self, engine: Any, hook: Any, gpu: bool) -> ShardFunction:
        from workbench.ingest import build_document
        from workbench.ingest.parse import format_of
        from workbench.ingest.reader import decode_bytes
        from workbench.translate import translate_lines

        def run(shard: Shard) -> ShardResult:
            meter = _Meter(engine)
            cols: dict[str, list[Any]] = {k: [] for k in (
                "document", "paragraph", "segment", "source", "translatable", "reason")}
            for name, data in shard.items:
                decoded = decode_bytes(data, name)
                doc = build_document(decoded.text, format_of(Path(name)), lang=self.src,
                                     fallback_title=name)
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
            todo = [s if t else "" for s, t in zip(cols["source"], cols["translatable"])]
            live = sum(1 for t in todo if t.strip())
            results = translate_lines(todo, self.src, self.tgt, engine, batch_size=self.batch_size,
                                      glossary=hook) if live else []
            cols.update(_columns(results, len(todo)))
            return meter.stop(shard.index, cols, live, gpu)
        return run


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
