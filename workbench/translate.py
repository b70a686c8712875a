"""Translate a project's segments, or lines of a file, with any engine.

Project mode goes through the translation memory (TM), keyed on
(engine, model version, source language, target language, source text):
segments whose translation is already stored with the current model are
skipped, TM hits are stored without translating, and only new or changed
text reaches the engine. Each batch is saved in its own transaction, so a
run killed half-way keeps every finished batch and a rerun resumes after it.

Glossary term protection plugs in through the ``glossary`` parameter (see
:class:`TermProtection`); this module holds no glossary logic. Inline codes
(tags of segments from CAT-tool files) are kept through every engine call by
:mod:`workbench.inline_mt`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import polars as pl

from workbench.engines import Engine, Provenance, TranslationResult, engine_for, get_engine
from workbench.errors import EmptyInputError, EngineError
from workbench.store import Project

DEFAULT_BATCH_SIZE = 32


class TermProtection(Protocol):
    """Hook for glossary term protection around the engine call.

    ``protect`` gets the batch about to be translated and returns the texts to
    send (for example with terms replaced by placeholders) plus any state;
    ``restore`` gets the engine's output and that state and returns the final
    texts. ``version`` identifies the glossary: it is appended to the model
    version used as the translation-memory key, so changing the glossary
    invalidates memory entries made with the old one.

    A hook may also have ``for_engine(name)``, returning the hook to use with
    the concrete engine that translates a pair (for example placeholders for
    Apertium, target forms written inline for Argos); it is called once per
    pair, after ``auto`` has been resolved. A hook with
    ``translate(call, text_of, texts, src, tgt)`` runs the engine calls itself
    (to protect only what the engine gets wrong) and returns ``(final text,
    engine result)`` pairs; ``protect``/``restore`` are then not used here.
    """

    version: str

    def protect(self, texts: list[str], src: str, tgt: str) -> tuple[list[str], Any]: ...

    def restore(self, texts: list[str], state: Any) -> list[str]: ...


#: ``progress(done, total, target_lang)`` after every batch.
ProgressCallback = Callable[[int, int, str], None]


@dataclass
class PairReport:
    """What happened for one source→target pair."""

    src: str
    tgt: str
    engine: str = ""
    model: str = ""
    model_version: str = ""
    segments: int = 0
    up_to_date: int = 0
    from_memory: int = 0
    #: filled from the translation memory (workbench.memory) instead of the engine
    from_tm: int = 0
    translated: int = 0
    batches: int = 0
    cost: Any = None  # a workbench.executors.Cost when an executor translated


@dataclass
class TranslateReport:
    """Per-pair counts of a project translation run."""

    pairs: list[PairReport] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def translated(self) -> int:
        return sum(p.translated for p in self.pairs)


def _provenance(engine: Engine, src: str, tgt: str, glossary: TermProtection | None) -> Provenance:
    prov = engine.describe(src, tgt)
    if glossary is not None and getattr(glossary, "version", ""):
        return Provenance(prov.engine, prov.model, f"{prov.model_version}+glossary:{glossary.version}")
    return prov


def _hook_for(glossary: TermProtection | None, engine: Engine | str) -> TermProtection | None:
    """The hook to use with ``engine`` (or the engine of that name; see :class:`TermProtection`)."""
    for_engine = getattr(glossary, "for_engine", None)
    name = engine if isinstance(engine, str) else engine.name
    return for_engine(name) if callable(for_engine) else glossary


def _kept_flags(meta: dict[str, Any], text: str) -> dict[str, Any]:
    """``meta`` without low-confidence words that term protection removed from ``text``
    (placeholder tokens the engine did not know, source forms replaced by the glossary)."""
    words = meta.get("low_confidence")
    if not words:
        return meta
    kept = [w for w in words if w.get("word", "") in text]
    out = {k: v for k, v in meta.items() if k != "low_confidence"}
    if kept:
        out["low_confidence"] = kept
    return out


@dataclass
class EngineBatch:
    """One engine batch, ready for the engine: ``texts`` (the segments), ``send`` (what
    the engine gets: ``texts``, or ``texts`` with glossary terms protected) and the
    protection ``state`` that :func:`finish_batch` restores from. It pickles, so it can
    be made in one process (:func:`protect_batch`), translated in another
    (:func:`translate_batch`) and finished in a third."""

    texts: list[str]
    send: list[str]
    protected: bool = False
    state: Any = None


def _adaptive(glossary: TermProtection | None) -> bool:
    """Whether the hook runs the engine calls itself (see :class:`TermProtection`)."""
    return callable(getattr(glossary, "translate", None))


def protect_batch(texts: list[str], src: str, tgt: str,
                  glossary: TermProtection | None) -> EngineBatch:
    """Step 1 of a batch, no engine needed: protect glossary terms up front. A hook that
    protects only what the engine gets wrong (``translate``) decides after the engine's
    first output, in :func:`translate_batch`; the batch then goes as it is."""
    texts = list(texts)
    if glossary is None or _adaptive(glossary):
        return EngineBatch(texts, texts)
    protected, state = glossary.protect(list(texts), src, tgt)
    return EngineBatch(texts, protected, True, state)


def translate_batch(engine: Engine, batch: EngineBatch, src: str, tgt: str,
                    glossary: TermProtection | None) -> list[tuple[str | None, TranslationResult]]:
    """Step 2 of a batch: the engine calls (inline codes kept; every call checked to
    return one translation per segment). Returns the engine's results, each with the
    final text where an adaptive hook already made it (else ``None``)."""
    def engine_call(texts: list[str]) -> list[TranslationResult]:
        results = engine.translate(texts, src, tgt)
        if len(results) != len(texts):
            raise EngineError(f"{engine.name} returned {len(results)} translations for "
                              f"{len(texts)} segments ({src}→{tgt}); nothing was saved for this batch")
        return results

    def call(texts: list[str]) -> list[TranslationResult]:
        from workbench import inline_mt  # inline codes kept (workbench.io is not light)

        return inline_mt.translate(engine_call, texts)

    if glossary is not None and _adaptive(glossary) and not batch.protected:
        return list(glossary.translate(call, lambda r: r.text, list(batch.texts), src, tgt))
    return [(None, r) for r in call(batch.send)]


def finish_batch(batch: EngineBatch, pairs: list[tuple[str | None, TranslationResult]],
                 glossary: TermProtection | None) -> list[TranslationResult]:
    """Step 3 of a batch, no engine needed: placeholders restored (and the text normalised
    by the hook), the glossary's version added to the model version, low-confidence
    flags on protected words dropped."""
    if glossary is None:
        return [r for _, r in pairs]
    if batch.protected:
        texts = glossary.restore([r.text for _, r in pairs], batch.state)
    else:
        texts = [t if t is not None else r.text for t, r in pairs]
    suffix = f"+glossary:{glossary.version}" if getattr(glossary, "version", "") else ""
    return [TranslationResult(t, r.engine, r.model, r.model_version + suffix, _kept_flags(r.meta, t))
            for t, (_, r) in zip(texts, pairs)]


def _run(engine: Engine, texts: list[str], src: str, tgt: str,
         glossary: TermProtection | None) -> list[TranslationResult]:
    """Translate one batch, with optional term protection: the three steps in a row."""
    batch = protect_batch(texts, src, tgt, glossary)
    return finish_batch(batch, translate_batch(engine, batch, src, tgt, glossary), glossary)


def line_batches(lines: Sequence[str], batch_size: int) -> list[list[int]]:
    """Positions of the non-blank ``lines``, cut into engine batches of ``batch_size``."""
    live = [i for i, line in enumerate(lines) if line.strip()]
    return [live[start:start + batch_size] for start in range(0, len(live), batch_size)]


def line_results(n: int, batches: Sequence[list[int]], results: Sequence[list[TranslationResult]],
                 prov: Provenance) -> list[TranslationResult]:
    """One result per line for ``n`` lines: each batch's results at its positions, an
    empty translation with ``prov`` for every blank line."""
    out = [TranslationResult("", prov.engine, prov.model, prov.model_version, {}) for _ in range(n)]
    for idx, batch in zip(batches, results):
        for i, res in zip(idx, batch):
            out[i] = res
    return out


def _as_engine(engine: str | Engine, device: str) -> Engine:
    return get_engine(engine, device=device) if isinstance(engine, str) else engine


def _local_rows(engine: Engine, texts: list[str], segment_ids: dict[str, list[int]], src: str,
                tgt: str, hook: TermProtection | None, batch_size: int) -> Iterator[list[tuple]]:
    """Rows to save, one batch of ``texts`` at a time, translated in this process."""
    for start in range(0, len(texts), batch_size):
        batch = texts[start:start + batch_size]
        results = _run(engine, batch, src, tgt, hook)
        yield [(sid, text, res.text, res.meta)
               for text, res in zip(batch, results) for sid in segment_ids[text]]


def translate_project(
    project: Project,
    targets: Sequence[str],
    engine: str | Engine = "auto",
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    device: str = "auto",
    glossary: TermProtection | None = None,
    document_ids: Sequence[int] | None = None,
    progress: ProgressCallback | None = None,
    tm_min: int | None = 100,
    executor: Any = None,
) -> TranslateReport:
    """Translate every translatable segment of the current documents (or of
    ``document_ids``) into ``targets``.

    First the translation memory fills segments with a context or 100% match
    (or one at or above ``tm_min`` percent; ``None``: no memory), marked as
    engine ``tm``; only the rest reaches the engine.

    With an ``executor`` (:mod:`workbench.executors`), the texts to translate go
    to it in shards of whole batches and each finished shard is saved in one
    transaction; the results are the same as without.

    The source language of a segment is its document's language; documents
    already in a target language are skipped for it. Raises
    :class:`EmptyInputError` when there is nothing to translate and
    :class:`~workbench.errors.UnsupportedLanguageError` (listing available
    pairs) before translating anything when a needed pair is not available.
    """
    targets = [t.strip().lower() for t in targets if t.strip()]
    if not targets:
        raise EmptyInputError("no target language given; use --to en[,es,...]")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    eng = _as_engine(engine, device)
    docs = project.documents()
    if len(docs) == 0 or docs["segments"].sum() == 0:
        raise EmptyInputError(f"project {project.root} has no documents; run `workbench ingest` first")
    if document_ids is not None:
        docs = docs.filter(pl.col("id").is_in(list(document_ids)))
    by_src: dict[str, SegmentPages] = {}
    if executor is None:  # one page: all the segments, read at once
        held = _segments_by_language(project, docs)
        counts = {src: len(segs) for src, segs in held.items()}
        by_src = {src: (lambda segs=segs: iter([(segs, None)])) for src, segs in held.items()}
    else:  # an archive: its segments are read from the store page by page, never all at once
        counts = dict(docs.filter(pl.col("translatable") > 0).group_by("lang")
                      .agg(pl.col("translatable").sum()).iter_rows())
        only = set(docs["id"].to_list()) if document_ids is not None else None
        by_src = {src: _segment_pages(project, src, only) for src in counts}
    if not by_src:
        where = "the selected documents have" if document_ids is not None else f"project {project.root} has"
        raise EmptyInputError(f"{where} no translatable segments")

    report = TranslateReport()
    plan: list[tuple[str, str, Engine, TermProtection | None, Provenance, SegmentPages]] = []
    for tgt in targets:
        for src, pages in sorted(by_src.items()):
            if src == tgt:
                report.skipped.append(f"{counts.get(src, 0)} segments already in {tgt}")
                continue
            concrete = engine_for(eng, src, tgt)  # fails before any work
            hook = _hook_for(glossary, concrete)
            plan.append((src, tgt, concrete, hook, _provenance(concrete, src, tgt, hook), pages))

    for src, tgt, concrete, hook, prov, pages in plan:
        pr = PairReport(src, tgt, prov.engine, prov.model, prov.model_version)
        report.pairs.append(pr)
        total = counts.get(src, 0)
        finished = 0

        def advance(n: int, total: int = total, tgt: str = tgt) -> None:
            nonlocal finished
            finished += n
            if progress and n:
                progress(finished, max(total, finished), tgt)

        def misses_per_page(src: str = src, tgt: str = tgt, hook: Any = hook, prov: Provenance = prov,
                            pr: PairReport = pr, pages: SegmentPages = pages
                            ) -> Iterator[dict[str, list[int]]]:
            """Per page of segments: the texts to translate (with their segment ids) once
            those already translated, filled from the translation memory or found in the
            engine's memory are set aside and saved."""
            for segs, documents in pages():
                pr.segments += len(segs)
                done = project.translated_segment_ids(
                    tgt, prov.engine, prov.model_version,
                    between=(segs[0][0], segs[-1][0]) if executor is not None else None)
                if tm_min is not None:
                    from workbench.memory.project import pretranslate

                    tm_done, filled = pretranslate(project, src, tgt, [s for s in segs if s[0] not in done],
                                                   min_score=tm_min, glossary=_glossary_of(hook),
                                                   document_ids=documents)
                    pr.from_tm += filled.filled
                    done = done | tm_done
                todo = [(sid, text) for sid, text in segs if sid not in done]
                pr.up_to_date += len(segs) - len(todo)
                advance(len(segs) - len(todo))
                memory = project.tm_lookup(prov.engine, prov.model_version, src, tgt,
                                           [t for _, t in todo])
                hits = [(sid, text) for sid, text in todo if text in memory]
                for start in range(0, len(hits), 500):
                    chunk = hits[start:start + 500]
                    project.save_translations(
                        engine=prov.engine, model=prov.model, model_version=prov.model_version,
                        source_lang=src, target_lang=tgt,
                        rows=[(sid, text, *memory[text]) for sid, text in chunk],
                    )
                    pr.from_memory += len(chunk)
                    advance(len(chunk))
                misses: dict[str, list[int]] = {}
                for sid, text in todo:
                    if text not in memory:
                        misses.setdefault(text, []).append(sid)
                yield misses

        if progress:
            progress(0, total, tgt)
        if executor is not None:
            from workbench.executors import Cost
            from workbench.executors.project import translate_on

            pr.cost = Cost()
            batches = translate_on(executor, misses_per_page(), concrete, src, tgt, prov=prov,
                                   glossary=hook, device=device, batch_size=batch_size,
                                   cost=pr.cost)
        else:
            batches = (rows for misses in misses_per_page()
                       for rows in _local_rows(concrete, list(misses), misses, src, tgt, hook,
                                               batch_size))
        started = time.perf_counter()
        # closed however the loop ends: an executor's workers stop with it, now
        with contextlib.closing(batches):
            for rows in batches:  # each batch (or shard) saved in its own transaction
                project.save_translations(
                    engine=prov.engine, model=prov.model, model_version=prov.model_version,
                    source_lang=src, target_lang=tgt, rows=rows,
                )
                pr.translated += len(rows)
                pr.batches += 1
                if pr.cost is not None:
                    pr.cost.wall_s = time.perf_counter() - started
                advance(len(rows))
    return report


#: Segments of one source language, page by page: ``(segment_id, text)`` lists, each
#: with the ids of its documents (``None``: every document, one page of all).
SegmentPages = Callable[[], Iterator[tuple[list[tuple[int, str]], list[int] | None]]]


def _segments_by_language(project: Project, docs: pl.DataFrame) -> dict[str, list[tuple[int, str]]]:
    """The translatable segments of ``docs`` per source language, read at once."""
    lang_of = dict(zip(docs["id"].to_list(), docs["lang"].to_list()))
    by_src: dict[str, list[tuple[int, str]]] = {}
    for row in project.segments().iter_rows(named=True):
        src = lang_of.get(row["document_id"])  # None: an older version of a document
        if src is None or not row["translatable"] or not row["text"].strip():
            continue
        by_src.setdefault(src, []).append((row["id"], row["text"]))
    return by_src


def _segment_pages(project: Project, lang: str, documents: set[int] | None) -> SegmentPages:
    """The translatable segments of the current ``lang`` documents (of ``documents``
    when given), a keyset page at a time, by id."""
    def pages() -> Iterator[tuple[list[tuple[int, str]], list[int] | None]]:
        from workbench.executors.project import keyset_pages

        for rows in keyset_pages(lambda after, limit: project.translatable_segments_after(
                lang, after, limit), key=lambda r: r[0]):
            rows = [r for r in rows if r[2].strip() and (documents is None or r[1] in documents)]
            if rows:
                yield [(sid, text) for sid, _, text in rows], sorted({doc for _, doc, _ in rows})
    return pages


def _glossary_of(hook: TermProtection | None) -> Any:
    """The glossary behind a term-protection hook (names are placeables of memory
    matches, and what the memory gives is normalised with it)."""
    return getattr(hook, "glossary", None)


def translate_lines(
    lines: Sequence[str],
    src: str,
    tgt: str,
    engine: str | Engine = "auto",
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    device: str = "auto",
    glossary: TermProtection | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[TranslationResult]:
    """Translate one segment per line; exactly one result per line, ``""`` for blank lines.

    Raises :class:`EmptyInputError` when there are no lines or all are blank.
    """
    lines = list(lines)
    if not any(line.strip() for line in lines):
        raise EmptyInputError("nothing to translate: the input has no text")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    concrete = engine_for(_as_engine(engine, device), src, tgt)
    glossary = _hook_for(glossary, concrete)
    prov = _provenance(concrete, src, tgt, glossary)
    batches = line_batches(lines, batch_size)
    live = sum(len(idx) for idx in batches)
    results = []
    for idx in batches:
        results.append(_run(concrete, [lines[i].strip() for i in idx], src, tgt, glossary))
        if progress:
            progress(min(len(results) * batch_size, live), live)
    return line_results(len(lines), batches, results, prov)
