"""A project's work on an executor (``workbench run ARCHIVE --executor ray``).

The driver never holds a whole archive: it reads the project :data:`PAGE_ROWS` rows
at a time (keyset pages from the store), cuts shards from the pages only as the
executor asks for them (the Ray executor keeps at most ``workers × in_flight``
out), holds a shard's rows only while it is out, and saves each finished shard in
one transaction. Workers get texts and return texts; only the driver speaks to
the database (no worker opens a connection).

- Translation (:func:`translate_on`): per page, the segments not translated yet by
  this engine and model version (the resume: a rerun after a kill redoes only the
  shards that were not saved), less the translation memory's fills and the
  engine's memory hits, go out in shards of whole engine batches.
- Alignment (:func:`align_on`): documents with their machine translations, read
  from the project one document at a time, aligned in shards of documents; each
  alignment is saved as its shard comes back (one transaction each, replacing
  the document's earlier beads, so a rerun is harmless).
- Normalisation (:func:`normalise_on`): final texts read page by page, rewritten
  by the glossary in shards; the changes of each shard come back to be saved with
  version checks.

The workers run the same functions as the local path, so results are identical.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from workbench.align import DEFAULT_REVIEW_THRESHOLD
from workbench.engines import Engine, Provenance
from workbench.executors import Cost, Executor, Shard

if TYPE_CHECKING:
    from workbench.store import Project

DEFAULT_SHARD_SIZE = 1024  # texts per shard, rounded up to whole batches
DOCUMENTS_PER_SHARD = 8  # documents per alignment shard
TEXTS_PER_SHARD = 2048  # final texts per normalisation shard
#: Rows (segments, final texts) the driver reads from the project at a time on an
#: executor: what it holds of an archive, besides the shards in flight.
PAGE_ROWS = 10_000


def keyset_pages(read: Callable[[int, int], list[Any]],
                 key: Callable[[Any], int]) -> Iterator[list[Any]]:
    """The rows of ``read(after, limit)`` (a store query of rows with an id over
    ``after``, by id) :data:`PAGE_ROWS` at a time, each page read only when the one
    before is done with; ``key`` gives a row's id."""
    after = 0
    while rows := read(after, PAGE_ROWS):
        after = key(rows[-1])
        yield rows


def _shards(items: Iterable[Any], size: int) -> Iterator[Shard]:
    """``items`` in shards of ``size``, taken as the executor asks for them."""
    items = iter(items)
    for index in itertools.count():
        chunk = list(itertools.islice(items, size))
        if not chunk:
            return
        yield Shard(index, chunk)


def translate_on(
    executor: Executor,
    pages: Iterable[dict[str, list[int]]],
    engine: Engine,
    src: str,
    tgt: str,
    *,
    prov: Provenance,
    glossary: Any = None,
    device: str = "auto",
    batch_size: int = 32,
    shard_size: int | None = None,
    cost: Cost | None = None,
) -> Iterator[list[tuple[int, str, str, dict]]]:
    """Yield ``(segment_id, source, target, meta)`` rows, one list per finished shard
    (``shard_size`` texts, default :data:`DEFAULT_SHARD_SIZE`, rounded up to whole
    batches), for the texts to translate of each page (``text -> segment ids``).

    Pages are read only as the executor asks for shards, and a shard's texts are
    held only while it is out, so the driver holds a page and the shards in flight,
    however large the project. A text repeated within the texts not sent yet goes
    out once; one repeated after its first shard left is translated again (the same
    result) rather than remembered."""
    import json

    from workbench.executors.tasks import TranslateTask

    size = shard_size or DEFAULT_SHARD_SIZE
    per = max(batch_size, -(-size // batch_size) * batch_size)
    task = TranslateTask(engine.name, src, tgt, kind="segments", device=device, glossary=glossary,
                         batch_size=batch_size, expect_version=prov.model_version)
    held: dict[int, dict[str, list[int]]] = {}  # shard index -> its texts' segment ids

    def shards() -> Iterator[Shard]:
        waiting: dict[str, list[int]] = {}
        index = 0
        for page in itertools.chain(pages, [None]):
            if page is not None:
                for text, ids in page.items():
                    waiting.setdefault(text, []).extend(ids)
            while len(waiting) >= per or (page is None and waiting):
                texts = list(itertools.islice(waiting, per))
                held[index] = {text: waiting.pop(text) for text in texts}
                yield Shard(index, texts)
                index += 1

    with contextlib.closing(executor.map(task, shards())) as results:
        for result in results:
            if cost is not None:
                cost.add(result)
            ids = held.pop(result.index)
            yield [(sid, text, target, json.loads(meta))
                   for (text, sids), target, meta in zip(ids.items(), result.columns["target"],
                                                         result.columns["meta"])
                   for sid in sids]


def align_on(
    executor: Executor,
    project: Project,
    *,
    tgt_lang: str,
    concepts: Callable[[str], set[str]] | None = None,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
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
    with contextlib.closing(executor.map(AlignTask(concepts), shards())) as done:
        for result in done:
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
    rows: Iterable[tuple[int, str, int, str]],
    glossary: Any,
    lang: str,
    *,
    texts_per_shard: int = TEXTS_PER_SHARD,
    cost: Cost | None = None,
) -> Iterator[Any]:
    """For ``(segment_id, text, version, status)`` rows, yield per finished shard the
    rows the glossary changes, as :func:`workbench.glossary.project.normalise_preview`'s
    frame (``segment_id, version, status, target, normalised``). ``rows`` are drawn as
    the executor asks for shards; a shard's rows are held while it is out."""
    import polars as pl

    from workbench.executors.tasks import NormaliseTask

    schema = {"segment_id": pl.Int64, "version": pl.Int64, "status": pl.String,
              "target": pl.String, "normalised": pl.String}
    held: dict[int, list[Any]] = {}

    def shards() -> Iterator[Shard]:
        for shard in _shards(rows, max(1, texts_per_shard)):
            held[shard.index] = shard.items
            yield Shard(shard.index, [r[1] for r in shard.items])
    start = time.perf_counter()
    with contextlib.closing(executor.map(NormaliseTask(glossary, lang, kind="texts"),
                                         shards())) as results:
        for result in results:
            if cost is not None:
                cost.add(result)
                cost.wall_s = time.perf_counter() - start
            changed = [(seg, version, status, text, new)
                       for (seg, text, version, status), new in zip(held.pop(result.index),
                                                                    result.columns["text"])
                       if new != text]
            yield pl.DataFrame(changed, schema=schema, orient="row")


def normalise_on(
    executor: Executor,
    project: Project,
    glossary: Any,
    lang: str,
    *,
    cost: Cost | None = None,
) -> Any:
    """:func:`workbench.glossary.project.normalise_project` (all documents, texts not
    approved yet) on ``executor``: the final texts are read from the project
    :data:`PAGE_ROWS` at a time and each shard's changes saved as it comes back. Returns its
    ``NormaliseReport``."""
    from workbench.glossary.project import UNREVIEWED, NormaliseReport, apply_normalisation

    checked = 0

    def rows() -> Iterator[Any]:
        nonlocal checked
        for batch in keyset_pages(lambda after, limit: project.review_texts_after(
                lang, after, limit), key=lambda r: r.segment_id):
            checked += len(batch)
            yield from (r for r in batch if r.status in UNREVIEWED)
    saved = conflicts = 0
    with contextlib.closing(normalise_shards(executor, rows(), glossary, lang, cost=cost)) as batches:
        for changes in batches:
            done, clashed = apply_normalisation(project, changes, lang)
            saved, conflicts = saved + done, conflicts + clashed
    return NormaliseReport(lang, checked, saved, conflicts, glossary.version)
