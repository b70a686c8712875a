"""The whole job on a set of articles: ingest → translate → align → normalise → export.

``run_pipeline`` chains the library functions each CLI command calls, on one
project; every step is resumable on its own (ingest skips unchanged files,
translation goes through the translation memory, alignment replaces its
beads, normalisation is idempotent, exports are rewritten whole), so running
it again after a kill or after adding articles only does the new work. The
exports are the machine draft (every status, recorded in each unit); the
reviewed corpus is exported later from the app or with ``workbench export``.
Opening the review app is the CLI's business (``workbench run`` ends with
``workbench serve``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.align import DEFAULT_REVIEW_THRESHOLD
from workbench.errors import InputError, WorkbenchError
from workbench.store import Project

if TYPE_CHECKING:
    from workbench.glossary.protect import TermAccuracy

#: ``on_step(step, message)`` after each step (and for each ingested file).
StepCallback = Callable[[str, str], None]


@dataclass
class PipelineReport:
    """What each step did, for the summary line and for tests."""

    ingested: dict[str, int] = field(default_factory=dict)  # status -> files
    refused: list[str] = field(default_factory=list)         # "path: why"
    translated: dict[str, int] = field(default_factory=dict)  # target -> newly translated
    aligned: dict[str, tuple[int, int]] = field(default_factory=dict)  # target -> (beads, flagged)
    normalised: dict[str, int] = field(default_factory=dict)  # target -> changed texts
    #: target -> share of glossary mentions right; absent when the source has none
    term_accuracy: dict[str, float] = field(default_factory=dict)
    exported: dict[str, list[Path]] = field(default_factory=dict)  # format -> files written


def run_pipeline(
    project: Project,
    paths: Sequence[Path],
    targets: Sequence[str],
    *,
    engine: str = "auto",
    device: str = "auto",
    glossary: Any | None = None,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    export_formats: Sequence[str] = (),
    on_step: StepCallback | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    tm_min: int | None = 100,
    executor: Any = None,
) -> PipelineReport:
    """Ingest ``paths`` into ``project``, translate into ``targets`` (glossary terms
    protected), align each document with its translation, normalise final texts,
    and write ``exports/corpus.<ext>`` in each of ``export_formats`` (all targets).

    With an ``executor`` (:mod:`workbench.executors`, e.g. Ray) translation, alignment
    and normalisation run on it, saved into the project shard by shard; each step then
    reports its cost.

    Refused files are reported, not fatal, as with ``workbench ingest``; the
    other steps raise :class:`WorkbenchError` subclasses with actionable messages.
    """
    from workbench.align.project import align_machine_translations
    from workbench.engines import get_engine
    from workbench.executors import Cost
    from workbench.executors.project import align_on, normalise_on
    from workbench.glossary.project import normalise_project
    from workbench.glossary.protect import TermProtector
    from workbench.ingest import ingest_paths
    from workbench.io import get_format
    from workbench.io.project import export_project, other_directions_line
    from workbench.translate import translate_project

    def say(step: str, message: str) -> None:
        if on_step:
            on_step(step, message)

    report = PipelineReport()

    def ingested(result: Any) -> None:
        report.ingested[result.status] = report.ingested.get(result.status, 0) + 1
        if result.status == "refused":
            report.refused.append(f"{result.name}: {result.message}")
        say("ingest", f"{result.status} {result.name}")

    check_inputs(paths)
    results = ingest_paths(project, paths, on_result=ingested)
    if report.refused and not any(r.ok and r.status != "skipped" for r in results):
        raise InputError(f"every input was refused ({len(report.refused)}: "
                         f"{report.refused[0]}{', …' if len(report.refused) > 1 else ''}); "
                         "nothing translated, aligned or exported")
    if report.refused:
        say("ingest", f"{len(report.refused)} refused; going on with the "
            f"{sum(r.ok and r.status != 'skipped' for r in results)} other files")
    eng = get_engine(engine, device=device)
    protector = TermProtector(glossary, mode="auto") if glossary is not None else None
    src_langs = sorted(set(project.documents()["lang"].to_list()))
    for tgt in targets:
        sources = [s for s in src_langs if s != tgt]
        if not sources:
            continue
        tr = translate_project(project, [tgt], eng, device=device, glossary=protector,
                               progress=on_progress, tm_min=tm_min, executor=executor)
        report.translated[tgt] = tr.translated
        for pr in tr.pairs:
            say("translate", f"{pr.src}→{pr.tgt} {pr.engine} {pr.model}: {pr.translated} translated, "
                f"{pr.from_memory} from memory, {pr.from_tm} from the translation memory, "
                f"{pr.up_to_date} up to date")
            if pr.cost is not None and pr.cost.shards:
                say("translate", f"cost: {pr.cost.line()} ({executor.describe()})")
            if engine == "auto" and pr.engine != "argos" and pr.translated:
                say("translate", f"no Argos {pr.src}→{pr.tgt} model installed, so {pr.engine} "
                    f"translated; for better translations run `workbench models install "
                    f"{pr.src} {pr.tgt}` once (online), then run again")
        concepts = None
        if glossary is not None:  # the same person or place on both sides is evidence
            concepts = lambda text, t=tgt: {m.concept for m in glossary.find(text, t)}  # noqa: E731
        if executor is None:
            aligned = align_machine_translations(project, tgt_lang=tgt, concepts=concepts,
                                                 review_threshold=review_threshold)
        else:
            cost = Cost()
            aligned = align_on(executor, project, tgt_lang=tgt, concepts=concepts,
                               review_threshold=review_threshold, cost=cost)
            say("align", f"cost: {cost.line()} ({executor.describe()})")
        beads = sum(a.beads for a in aligned)
        flagged = sum(a.flagged for a in aligned)
        report.aligned[tgt] = (beads, flagged)
        say("align", f"→{tgt}: {len(aligned)} documents, {beads} beads, {flagged} under "
            f"confidence {review_threshold} to review")
        if glossary is not None:
            cost = Cost()
            if executor is None:
                norm = normalise_project(project, glossary, tgt)
            else:
                norm = normalise_on(executor, project, glossary, tgt, cost=cost)
            if cost.shards:
                say("normalise", f"cost: {cost.line()} ({executor.describe()})")
            report.normalised[tgt] = norm.changed
            acc = _term_accuracy(project, glossary, sources[0], tgt)
            if acc.mentions:
                report.term_accuracy[tgt] = acc.accuracy
            say("normalise", f"→{tgt}: {norm.changed} of {norm.checked} final texts normalised "
                f"({norm.conflicts} edited meanwhile, left alone); {acc.line(tgt)}")
    done = [t for t in targets if t in report.translated]
    left_out = ""
    for name in export_formats if done else ():
        fmt = get_format(name)
        out = project.root / "exports" / f"corpus{fmt.extensions[0] if fmt.extensions else ''}"
        out.parent.mkdir(parents=True, exist_ok=True)
        exported = export_project(project, fmt, out, targets=done)
        report.exported[fmt.name] = exported.files
        say("export", exported.lines()[0])
        if exported.other_directions:  # an imported memory in another direction, say
            left_out = other_directions_line(exported.other_directions, done)
    if left_out:
        say("export", left_out)
    return report


def check_inputs(paths: Sequence[Path]) -> None:
    """Refuse the run before anything is written when an input path does not exist."""
    from workbench.ingest import display_path

    missing = [display_path(p) for p in paths if not (p.exists() or p.is_symlink())]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}; nothing was run")


def _term_accuracy(project: Project, glossary: Any, src: str, tgt: str) -> TermAccuracy:
    """Term accuracy of the final ``tgt`` texts of the project's current documents, read
    a page at a time (an archive's texts are never all held)."""
    from workbench.executors.project import keyset_pages
    from workbench.glossary.protect import TermAccuracy, term_accuracy

    total = TermAccuracy(glossary=glossary.hash)
    seen = 0
    for rows in keyset_pages(lambda after, limit: project.final_texts_after(tgt, after, limit),
                             key=lambda r: r[0]):
        acc = term_accuracy([r[1] for r in rows], [r[2] for r in rows], glossary, src, tgt)
        total.mentions += acc.mentions
        total.correct += acc.correct
        total.misses += [replace(m, index=m.index + seen) for m in acc.misses]
        seen += len(rows)
    if not seen:
        raise WorkbenchError(f"no {tgt} translations to measure term accuracy on")
    return total
