"""Commands: ``translate`` (project or file mode) and ``eval mt``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from workbench.cli.common import ProjectOpt, console, eval_app, open_project, progress
from workbench.cli.glossary import use_project_glossary
from workbench.cli.executor import (
    ExecutorOpt, GpusOpt, RayAddressOpt, WorkersOpt, closing, print_cost, segment_progress,
)
from workbench.engines import ENGINE_CHOICES
from workbench.errors import InputError
from workbench.store import DEFAULT_PROJECT

stdout = Console(highlight=False, width=200)

EngineOpt = Annotated[str, typer.Option(
    "--engine", "-e", help=f"Engine: {', '.join(ENGINE_CHOICES)} (auto: Argos if a model is "
    "installed for the pair, else Apertium).")]
DeviceOpt = Annotated[str, typer.Option(
    "--device", help="Where Argos models run: auto (CUDA when present), cpu or cuda.")]


def _check_choice(value: str, choices: tuple[str, ...], option: str) -> str:
    if value not in choices:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}", param_hint=option)
    return value


def _langs(value: str) -> list[str]:
    langs = [v.strip().lower() for v in value.split(",") if v.strip()]
    if not langs:
        raise typer.BadParameter("give at least one language code", param_hint="--to")
    return list(dict.fromkeys(langs))


def _read_input(path: Path) -> list[str]:
    """One segment per line (UTF-8, or UTF-16 with a BOM; CRLF and CR accepted); '-' is stdin."""
    from workbench.archive import read_text_lines

    return read_text_lines(path)


def _write_output(path: Path | None, lines: list[str]) -> None:
    body = "".join(line.replace("\n", " ") + "\n" for line in lines)
    if path is None or str(path) == "-":
        sys.stdout.write(body)
        return
    tmp = path.with_name(f".{path.name}.part")
    try:
        tmp.write_text(body, encoding="utf-8")
        tmp.replace(path)  # never leave a half-written file under the requested name
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc


def translate(
    to: Annotated[str, typer.Option("--to", "-t", help="Target language(s), comma-separated: en or en,es.")],
    engine: EngineOpt = "auto",
    device: DeviceOpt = "auto",
    project: ProjectOpt = DEFAULT_PROJECT,
    source: Annotated[str | None, typer.Option("--from", "-f", help="Source language (file mode).")] = None,
    infile: Annotated[Path | None, typer.Option("--in", help="File mode: one segment per line ('-' = stdin).")] = None,
    outfile: Annotated[Path | None, typer.Option("--out", help="File mode: output file (default stdout).")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Segments per engine call and per saved transaction.")] = 32,
    glossary: Annotated[Path | None, typer.Option(
        "--glossary", "-g", help="Protect glossary terms (CSV or .tbx): source mentions get the "
        "concept's preferred target form, and the output is normalised; prints term accuracy.")] = None,
    tm_min: Annotated[int, typer.Option(
        "--tm-min", min=0, max=100, help="Project mode: fill segments from the translation memory "
        "when its best match scores at least this (100: only 100% and context matches).")] = 100,
    no_tm: Annotated[bool, typer.Option("--no-tm", help="Do not use the translation memory.")] = False,
    no_glossary: Annotated[bool, typer.Option(
        "--no-glossary", help="Project mode: translate without the project's glossary (used "
        "by default when -g is not given).")] = False,
    executor: ExecutorOpt = "local",
    ray_address: RayAddressOpt = None,
    workers: WorkersOpt = None,
    gpus_per_worker: GpusOpt = 0.0,
    column: Annotated[str, typer.Option(
        "--column", help="Parquet input: the column to translate (other columns are kept).")] = "text",
    shard_size: Annotated[int, typer.Option(
        "--shard-size", min=1, help="Archive mode: sentences per shard (the unit of work, "
        "progress and resume; rounded up to whole batches).")] = 2048,
) -> None:
    """Machine-translate offline.

    Project mode (default): every translatable segment of the project's current
    documents, through the translation memory, so a rerun only translates new or
    changed segments and a killed run resumes.

    File mode (--in): --from and --to, one segment per line in, exactly one
    translation per line out (empty line for empty line).

    Archive mode (--in FOLDER, --in FILE.parquet, or --executor ray): sharded,
    resumable (a rerun redoes only unfinished shards), output written complete or
    not at all; Parquet keeps the input's other columns and adds target, engine,
    model, model_version, glossary_hash. --executor ray runs the shards on Ray
    actors that each load the engine once.

    With --glossary, glossary terms are protected (placeholders for Apertium,
    target forms written into the source for Argos) and each translation is
    normalised to the preferred target forms.
    """
    from workbench.cli.executor import make_executor
    from workbench.translate import translate_lines, translate_project

    _check_choice(engine, ENGINE_CHOICES, "--engine")
    _check_choice(device, ("auto", "cpu", "cuda"), "--device")
    targets = _langs(to)
    runner = make_executor(executor, ray_address, workers, gpus_per_worker)
    protector = _protector(glossary) if glossary is not None else None
    if infile is not None:
        if source is None:
            raise typer.BadParameter("file mode needs the source language", param_hint="--from")
        if len(targets) != 1:
            raise typer.BadParameter("file mode translates into one language", param_hint="--to")
        if runner is not None or infile.is_dir() or infile.suffix.lower() == ".parquet":
            _archive(infile, outfile, source.strip().lower(), targets[0], engine, device,
                     protector, runner, column, batch_size, shard_size)
            return
        lines = _read_input(infile)
        with progress() as bar:
            task = bar.add_task(f"{source}→{targets[0]}", total=sum(1 for x in lines if x.strip()))
            results = translate_lines(
                lines, source.strip().lower(), targets[0], engine, batch_size=batch_size,
                device=device, glossary=protector,
                progress=lambda done, total: bar.update(task, completed=done),
            )
        _write_output(outfile, [r.text for r in results])
        if protector is not None:
            _print_term_accuracy(protector, lines, [r.text for r in results], targets[0])
        used = next((r for r in results if r.engine), None)
        if used is not None:
            console.print(f"{len(results)} lines, {used.engine} {escape(used.model)} "
                          f"{escape(used.model_version)}")
        return
    if source is not None or outfile is not None:
        raise typer.BadParameter("--from/--out are for file mode; add --in FILE", param_hint="--in")
    if glossary is not None and no_glossary:
        raise typer.BadParameter("give -g or --no-glossary, not both", param_hint="--no-glossary")
    with open_project(project) as proj, progress() as bar, closing(runner):
        if glossary is None and not no_glossary:
            protector = _protector_of(use_project_glossary(proj))
        result = translate_project(proj, targets, engine, batch_size=batch_size, device=device,
                                   glossary=protector, progress=segment_progress(bar),
                                   tm_min=None if no_tm else tm_min,
                                   executor=runner)
        for pr in result.pairs:
            console.print(
                f"{pr.src}→{pr.tgt} [bold]{pr.engine}[/] {escape(pr.model)} {escape(pr.model_version)}: "
                f"{pr.translated} translated, {pr.from_memory} from memory, "
                f"{pr.from_tm} from the translation memory, "
                f"{pr.up_to_date} up to date ({pr.segments} segments)")
            print_cost(pr.cost, runner.describe() if runner is not None else "")  # --executor ray
            if protector is not None:
                rows = proj.translations(pr.tgt).filter(
                    (pl.col("engine") == pr.engine) & (pl.col("model_version") == pr.model_version))
                _print_term_accuracy(protector, rows["source"].to_list(), rows["target"].to_list(), pr.tgt)
    for note in result.skipped:
        console.print(f"[dim]skipped: {escape(note)}[/]")


def _archive(infile: Path, outfile: Path | None, src: str, tgt: str, engine: str, device: str,
             protector: Any, runner: Any, column: str, batch_size: int, shard_size: int) -> None:
    """Archive mode: one call of :func:`workbench.archive.translate_archive`."""
    from workbench.archive import translate_archive
    from workbench.cli.executor import ShardBar

    if outfile is None or str(outfile) == "-" or str(infile) == "-":
        raise typer.BadParameter("archive mode (a folder, Parquet or --executor ray) reads a file "
                                 "and writes a file: give --in FILE and --out FILE", param_hint="--out")
    with ShardBar(f"{src}→{tgt}") as bar, closing(runner):
        rep = translate_archive(infile, outfile, src, tgt, engine=engine, device=device,
                                glossary=protector, executor=runner, column=column,
                                batch_size=batch_size, shard_size=shard_size, progress=bar)
    if rep.note:
        console.print(f"[yellow]note[/] {escape(rep.note)}")
    prov = rep.provenance
    resumed = f", {rep.resumed} finished earlier" if rep.resumed else ""
    console.print(f"{rep.rows} {'articles' if rep.input_kind == 'articles' else 'rows'} → "
                  f"{escape(str(outfile))} in {rep.shards} shards{resumed}; "
                  f"{prov.engine} {escape(prov.model)} {escape(prov.model_version)}" if prov else "")
    print_cost(rep.cost, rep.executor)


def _protector(path: Path) -> Any:
    """A term protector for ``--glossary`` whose mode follows the engine of each pair."""
    from workbench.cli.glossary import load_glossary

    return _protector_of(load_glossary(path))


def _protector_of(glossary: Any) -> Any:
    """Term protection with ``glossary`` (None for none), its mode following the engine."""
    from workbench.glossary.protect import TermProtector

    return TermProtector(glossary, mode="auto") if glossary is not None else None


def _print_term_accuracy(protector: Any, sources: list[str], targets: list[str], tgt: str) -> None:
    """One line: share of source concept mentions whose preferred ``tgt`` form is in the output."""
    from workbench.glossary.protect import term_accuracy

    acc = term_accuracy(sources, targets, protector.glossary, "", tgt)
    console.print(escape(acc.line(tgt)))


@eval_app.command("mt")
def eval_mt(
    ref: Annotated[Path, typer.Option("--ref", help="Reference translation, one segment per line.")],
    hyp: Annotated[Path, typer.Option("--hyp", help="System output, line-parallel to --ref.")],
    hyp2: Annotated[Path | None, typer.Option("--hyp2", help="A second system to compare with --hyp.")] = None,
    paired_bootstrap: Annotated[bool, typer.Option("--paired-bootstrap", help="Paired bootstrap test of --hyp2 against --hyp.")] = False,
    samples: Annotated[int, typer.Option(min=10, help="Bootstrap resamples.")] = 1000,
) -> None:
    """Score machine translation with sacrebleu: BLEU, chrF and TER, with signatures."""
    from workbench.evaluation import mt

    refs, hyps = mt.read_lines(ref), mt.read_lines(hyp)
    if paired_bootstrap and hyp2 is None:
        raise typer.BadParameter("--paired-bootstrap compares two systems: add --hyp2")
    out = Table(title=f"{escape(str(hyp))} against {escape(str(ref))}")
    for col in ("metric", "score", "signature"):
        out.add_column(col)
    for s in mt.score(refs, hyps):
        out.add_row(s.metric, f"{s.score:.2f}", s.signature)
    if hyp2 is not None:
        hyps2 = mt.read_lines(hyp2)
        for s in mt.score(refs, hyps2):
            out.add_row(f"{s.metric} (hyp2)", f"{s.score:.2f}", s.signature)
    stdout.print(out)
    if hyp2 is not None and paired_bootstrap:
        table = Table(title="paired bootstrap: hyp2 against hyp (baseline)")
        for col in ("metric", "hyp", "hyp2", "p-value", "significant", "signature"):
            table.add_column(col)
        for r in mt.paired_bootstrap(refs, hyps, hyps2, n_samples=samples):
            table.add_row(r.metric, f"{r.baseline:.2f} ± {r.baseline_ci or 0:.2f}",
                          f"{r.candidate:.2f} ± {r.candidate_ci or 0:.2f}",
                          f"{r.p_value:.4f}" if r.p_value is not None else "-",
                          "yes" if r.significant else "no", r.signature)
        stdout.print(table)


def register(app: typer.Typer) -> None:
    """Add ``translate`` to the root app (``eval mt`` is on eval_app)."""
    app.command("translate")(translate)
