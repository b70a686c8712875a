"""A project's work on an executor (``workbench run ARCHIVE --executor ray``).

- Translation: the texts a project run must translate (``translate_project``'s
  unique misses, in its order) go out in shards of whole engine batches, and each
  finished shard comes back as rows to save in one transaction. The project's own
  resume (segments already translated by this engine and model version are
  skipped) makes a rerun after a kill redo only the shards that were not saved.
- Alignment (:func:`align_on`): documents with their machine translations, read
  from the project one document at a time, aligned in shards of documents; each
  alignment is saved as its shard comes back (one transaction each, replacing
  the document's earlier beads, so a rerun is harmless).
- Normalisation (:func:`normalise_shards`): final texts rewritten by the glossary
  in shards; the changes of each shard come back to be saved with version checks.

The workers run the same functions as the local path, so results are identical.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from workbench.engines import Engine, Provenance
from workbench.executors import Cost, Executor, Shard

DEFAULT_SHARD_SIZE = 1024  # texts per shard, rounded up to whole batches
DOCUMENTS_PER_SHARD = 8  # documents per alignment shard
TEXTS_PER_SHARD = 2048  # final texts per normalisation shard


def _shards(items: Iterable[Any], size: int) -> Iterator[Shard]:
    """``items`` in shards of ``size``, taken as the executor asks for them."""
    items = iter(items)
    for index in itertools.count():
        chunk = list(itertools.islice(items, size))
        if not chunk:
            return
        yield Shard(index, chunk)


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


def align_on(
    executor: Executor,
    project: Any,
    *,
    tgt_lang: str,
    concepts: Callable[[str], set[str]] | None = None,
    review_threshold: float = 0.5,
    documents_per_shard: int = DOCUMENTS_PER_SHARD,
    cost: Cost | None = None,
) -> list[Any]:
    """:func:`workbench.align.project.align_machine_translations` on ``executor``:
    the same alignments, stored as shards finish; ``ProjectAlignResult`` per
    alignment, in document order."""
    from workbench.align.project import mt_align_inputs, store_machine_alignment
    from workbench.executors.tasks import AlignTask

    held: dict[int, list[Any]] = {}  # shard index -> its inputs, while it is out
    results: dict[tuple[int, int], Any] = {}

    def shards() -> Iterator[Shard]:
        for shard in _shards(mt_align_inputs(project, tgt_lang), documents_per_shard):
            held[shard.index] = shard.items
            yield shard
    start = time.perf_counter()
    for result in executor.map(AlignTask(concepts), shards()):
        if cost is not None:
            cost.add(result)
            cost.wall_s = time.perf_counter() - start
        items = held.pop(result.index)
        for k, (item, alignment) in enumerate(zip(items, result.columns["alignment"])):
            results[(result.index, k)] = store_machine_alignment(
                project, item, alignment, tgt_lang, review_threshold)
    return [results[key] for key in sorted(results)]


def normalise_shards(
    executor: Executor,
    rows: Sequence[tuple[int, str, int, str]],
    glossary: Any,
    lang: str,
    *,
    texts_per_shard: int = TEXTS_PER_SHARD,
    cost: Cost | None = None,
) -> Iterator[Any]:
    """For ``(segment_id, text, version, status)`` rows, yield per finished shard the
    rows the glossary changes, as :func:`workbench.glossary.project.normalise_preview`'s
    frame (``segment_id, version, status, target, normalised``)."""
    import polars as pl

    from workbench.executors.tasks import NormaliseTask

    schema = {"segment_id": pl.Int64, "version": pl.Int64, "status": pl.String,
              "target": pl.String, "normalised": pl.String}
    per = max(1, texts_per_shard)
    shards = (Shard(i, [r[1] for r in rows[start:start + per]])
              for i, start in enumerate(range(0, len(rows), per)))
    start = time.perf_counter()
    for result in executor.map(NormaliseTask(glossary, lang, kind="texts"), shards):
        if cost is not None:
            cost.add(result)
            cost.wall_s = time.perf_counter() - start
        chunk = rows[result.index * per:(result.index + 1) * per]
        changed = [(seg, version, status, text, new)
                   for (seg, text, version, status), new in zip(chunk, result.columns["text"])
                   if new != text]
        yield pl.DataFrame(changed, schema=schema, orient="row")
