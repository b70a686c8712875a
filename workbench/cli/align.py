"""Commands: ``align`` (file mode or project mode) and ``eval align``."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from workbench.align import DEFAULT_REVIEW_THRESHOLD
from workbench.cli.common import ProjectOpt, console, eval_app, open_project, progress
from workbench.engines import ENGINE_CHOICES
from workbench.errors import InputError, NotFoundError
from workbench.store import DEFAULT_PROJECT

_ENGINES = (*ENGINE_CHOICES, "none")


def align(
    src: Annotated[Path | None, typer.Option("--src", help="Source text, one sentence per line "
                   "(blank lines mark paragraphs). Without --src: align the project.")] = None,
    tgt: Annotated[Path | None, typer.Option("--tgt", help="Target text, one sentence per line.")] = None,
    src_lang: Annotated[str, typer.Option("--src-lang", help="Source language code.")] = "fr",
    tgt_lang: Annotated[str, typer.Option("--tgt-lang", help="Target language code.")] = "en",
    engine: Annotated[str, typer.Option("--engine", "-e", help="MT for the similarity evidence: "
                      f"{', '.join(ENGINE_CHOICES)} or none.")] = "auto",
    no_mt: Annotated[bool, typer.Option("--no-mt", help="No machine translation evidence.")] = False,
    dictionary: Annotated[bool | None, typer.Option("--dict/--no-dict", help="Bilingual "
                          "dictionary evidence (FreeDict, /usr/share/dictd). Default: used where "
                          "installed, alone when the pair has no MT, beside the MT otherwise; "
                          "--dict fails if none is installed.")] = None,
    src_mt: Annotated[Path | None, typer.Option("--src-mt", help="Ready machine translation of "
                      "--src, line-parallel (skips translating).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Ladder file to write "
                   "(default: stdout).")] = None,
    terms: Annotated[Path | None, typer.Option("--terms", help="Term list (tab-separated names "
                     "of one concept per line) used as anchors.")] = None,
    review_threshold: Annotated[float, typer.Option("--review-threshold", min=0.0, max=1.0,
                                help="Beads under this confidence are counted as to review.")] = DEFAULT_REVIEW_THRESHOLD,
    project: ProjectOpt = DEFAULT_PROJECT,
    doc: Annotated[int | None, typer.Option("--doc", help="Project mode: source document id.")] = None,
    with_doc: Annotated[int | None, typer.Option("--with", help="Project mode: id of its "
                        "translation (with --doc).")] = None,
    machine: Annotated[bool, typer.Option("--mt", help="Project mode: re-align each document "
                       "with its stored machine translation into --tgt-lang (what `run` "
                       "aligns), not with human translations.")] = False,
) -> None:
    """Align sentences of a text and its translation into a ladder of beads
    ([0,1]:[0]:0.93 — source ids, target ids, confidence).

    File mode: --src and --tgt. Project mode (no --src): align each source
    document with each of its translations and store the beads; with --mt, each
    document with its machine translation."""
    if engine not in _ENGINES:
        raise typer.BadParameter(f"{engine!r} is not one of {', '.join(_ENGINES)}", param_hint="--engine")
    use_mt = not no_mt and engine != "none"
    concepts = None
    if terms is not None:
        from workbench.align.concepts import read_term_list

        concepts = read_term_list(terms)
    if src is None:
        if tgt is not None or out is not None or src_mt is not None:
            raise typer.BadParameter("--tgt, --out and --src-mt need --src (file mode)")
        if machine:
            if doc is not None or with_doc is not None:
                raise typer.BadParameter("--mt aligns every document with its machine "
                                         "translation; --doc/--with pair human translations")
            _align_machine(project, tgt_lang, concepts, review_threshold)
            return
        _align_project(project, src_lang, tgt_lang, use_mt, engine, concepts, review_threshold,
                       doc, with_doc, dictionary)
        return
    if tgt is None:
        raise typer.BadParameter("file mode needs both --src and --tgt", param_hint="--tgt")
    from workbench.align import flag_low_confidence, get_aligner
    from workbench.align.evidence import select_evidence
    from workbench.align.ladder import format_ladder, read_sentences, write_ladder

    src_sents, src_paras = read_sentences(src)
    tgt_sents, tgt_paras = read_sentences(tgt)
    mt_lines = None
    ev = select_evidence(src_lang, tgt_lang, use_mt=use_mt and bool(src_sents), engine=engine,
                         dictionary=dictionary,
                         mt_given=f"file:{src_mt.name}" if src_mt is not None else None)
    console.print(escape(ev.line), soft_wrap=True)
    if src_mt is not None:
        mt_lines, _ = read_sentences(src_mt)
        if len(mt_lines) != len(src_sents):
            raise InputError(f"{src_mt} has {len(mt_lines)} non-empty lines but {src} has "
                             f"{len(src_sents)} sentences; give one translation per source line")
    elif ev.mt_engine and src_sents:
        from workbench.align.mt import translate_for_alignment

        t0 = time.perf_counter()
        with progress() as bar:
            bar.add_task(f"translating {len(src_sents)} sentences ({engine})", total=None)
            mt_lines, prov = translate_for_alignment(src_sents, src_lang, tgt_lang, engine)
        mt_name = str(prov.get("engine", engine))
        console.print(f"[dim]translated {len(src_sents)} sentences with {escape(mt_name)} "
                      f"in {time.perf_counter() - t0:.1f}s[/]")
    t0 = time.perf_counter()
    result = get_aligner("mtguided", concepts=concepts, lexicon=ev.lexicon).align(
        src_sents, tgt_sents, src_mt=mt_lines, src_paragraphs=src_paras, tgt_paragraphs=tgt_paras)
    elapsed = time.perf_counter() - t0
    if out is None:
        sys.stdout.write(format_ladder(result.beads))
    else:
        write_ladder(out, result.beads)
    flagged = flag_low_confidence(result.beads, review_threshold)
    console.print(f"{len(result.beads)} beads for {len(src_sents)} × {len(tgt_sents)} sentences "
                  f"in {elapsed:.2f}s (evidence: {escape(ev.short)}); {len(flagged)} under confidence "
                  f"{review_threshold} to review" + (f"; wrote {escape(str(out))}" if out else ""))


def _align_project(project: Path, src_lang: str, tgt_lang: str, use_mt: bool, engine: str,
                   concepts, review_threshold: float, doc: int | None, with_doc: int | None,
                   dictionary: bool | None = None) -> None:
    from workbench.align.project import align_project

    if (doc is None) != (with_doc is None):
        raise typer.BadParameter("give both --doc and --with, or neither")
    pairs = [(doc, with_doc)] if doc is not None else None
    with open_project(project) as proj, progress() as bar:
        task = bar.add_task("aligning", total=None)

        def report(res) -> None:
            bar.advance(task)
            console.print(f"#{res.document_id} ↔ #{res.target_document_id}: {res.beads} beads, "
                          f"{res.flagged} to review (evidence: {escape(str(res.mt))}; "
                          f"alignment {res.alignment_id})")

        results = align_project(proj, src_lang=src_lang, tgt_lang=tgt_lang, pairs=pairs,
                                use_mt=use_mt, engine=engine, concepts=concepts,
                                review_threshold=review_threshold, on_pair=report,
                                dictionary=dictionary)
    console.print(f"{len(results)} document pair(s) aligned")


def _align_machine(project: Path, tgt_lang: str, concepts, review_threshold: float) -> None:
    """``align --mt``: one call of :func:`workbench.align.project.align_machine_translations`."""
    from workbench.align.project import align_machine_translations

    with open_project(project) as proj:
        results = align_machine_translations(proj, tgt_lang=tgt_lang, concepts=concepts,
                                             review_threshold=review_threshold)
    for res in results:
        console.print(f"#{res.document_id} ↔ its {tgt_lang} machine translation: {res.beads} "
                      f"beads, {res.flagged} to review (alignment {res.alignment_id})")
    if not results:
        raise NotFoundError(f"no document with a complete {tgt_lang} machine translation; "
                            f"run `workbench translate --to {tgt_lang}` first")
    console.print(f"{len(results)} document(s) re-aligned with their machine translation")


def eval_align(
    gold: Annotated[list[Path], typer.Option("--gold", help="Gold ladder(s), vecalign format.")],
    pred: Annotated[list[Path], typer.Option("--pred", help="Predicted ladder(s), same order.")],
) -> None:
    """Strict and lax precision, recall and F1 of predicted ladders against gold
    (vecalign's definitions; several --gold/--pred pairs are pooled)."""
    from workbench.align.ladder import read_ladder
    from workbench.evaluation.align import score_alignments

    if len(gold) != len(pred):
        raise typer.BadParameter(f"{len(gold)} --gold but {len(pred)} --pred files; give them in pairs")
    res = score_alignments([read_ladder(g) for g in gold], [read_ladder(p) for p in pred])
    table = Table(title=f"{len(pred)} ladder(s): {res.n_pred} predicted beads, {res.n_gold} gold")
    for col in ("", "strict", "lax"):
        table.add_column(col)
    table.add_row("precision", f"{res.precision_strict:.3f}", f"{res.precision_lax:.3f}")
    table.add_row("recall", f"{res.recall_strict:.3f}", f"{res.recall_lax:.3f}")
    table.add_row("F1", f"{res.f1_strict:.3f}", f"{res.f1_lax:.3f}")
    from rich.console import Console

    Console(highlight=False).print(table)


def register(app: typer.Typer) -> None:
    """Add ``align`` to the root app and ``align`` to ``eval``."""
    app.command("align")(align)
    eval_app.command("align")(eval_align)
