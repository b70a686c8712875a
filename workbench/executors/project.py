"""Project translation on an executor: the texts a project run must translate
(``translate_project``'s unique misses, in its order) go out in shards of whole
engine batches, and each finished shard comes back as rows to save in one
transaction. The project's own resume (segments already translated by this
engine and model version are skipped) makes a rerun after a kill redo only the
shards that were not saved."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from workbench.engines import Engine, Provenance
from workbench.executors import Cost, Executor, Shard

DEFAULT_SHARD_SIZE = 1024  # texts per shard, rounded up to whole batches


def translate_unique(
    executor: Executor,
    texts: list[str],
    segment_ids: dict[str, list[int]],
    engine: Engine,
    src: str,
    tgt: str,
    *,
    prov: Provenance,
    glossary: Any = None,
    device: str = "auto",
    batch_size: int = 32,
    shard_size: int = DEFAULT_SHARD_SIZE,
    cost: Cost | None = None,
) -> Iterator[list[tuple[int, str, str, dict]]]:
    """Yield ``(segment_id, source, target, meta)`` rows, one list per finished shard,
    for every segment of ``segment_ids[text]`` of each of ``texts``."""
    import json

    from workbench.executors.tasks import TranslateTask

    per = max(batch_size, -(-shard_size // batch_size) * batch_size)
    task = TranslateTask(engine.name, src, tgt, kind="segments", device=device, glossary=glossary,
                         batch_size=batch_size, expect_version=prov.model_version)
    shards = (Shard(i, texts[start:start + per]) for i, start in enumerate(range(0, len(texts), per)))
    for result in executor.map(task, shards):
        if cost is not None:
            cost.add(result)
        chunk = texts[result.index * per:(result.index + 1) * per]
        yield [(sid, text, target, json.loads(meta))
               for text, target, meta in zip(chunk, result.columns["target"], result.columns["meta"])
               for sid in segment_ids[text]]
