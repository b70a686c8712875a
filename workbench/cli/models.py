"""Commands: ``models list`` and ``models install`` (Argos Translate packages)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
from rich.table import Table

from workbench.cli.common import console
from workbench.errors import OfflineError

stdout = Console(highlight=False, width=200)
models_app = typer.Typer(help="Manage offline Argos Translate models.", no_args_is_help=True)


@models_app.command("list")
def models_list() -> None:
    """List installed Argos models, the pairs they give (with pivots), the decoding
    settings in force (ARGOS_* variables), Apertium's pairs and the bilingual
    dictionaries' pairs (alignment evidence)."""
    from workbench.engines import format_pairs
    from workbench.engines.apertium import ApertiumEngine
    from workbench.engines.argos import ArgosEngine, installed_models, packages_dir
    from workbench.errors import EngineError

    models, broken = installed_models()
    table = Table(title=f"Argos models in {escape(str(packages_dir()))}")
    for col in ("from", "to", "version", "package", "tokenizer", "model version"):
        table.add_column(col)
    for m in models:
        table.add_row(*(escape(str(v)) for v in (m.from_code, m.to_code, m.package_version,
                                                   m.name, m.tokenizer, m.model_version)))
    stdout.print(table if models else f"no Argos models in {escape(str(packages_dir()))}")
    for path, why in broken:
        console.print(f"[yellow]broken package[/] {escape(str(path))}: {escape(why)}")
    engine = ArgosEngine()
    stdout.print(f"argos pairs: {format_pairs(engine.pairs())}")
    stdout.print(f"argos decoding: {escape(engine.settings().line())}")
    try:
        stdout.print(f"apertium pairs: {format_pairs(ApertiumEngine().pairs())}")
    except EngineError as exc:
        console.print(f"apertium: {escape(str(exc))}")
    from workbench.align.dictionary import dictionary_pairs, search_dirs

    where = ", ".join(str(d) for d in search_dirs()) or "no folder"
    pairs = dictionary_pairs()
    own = [f"{a}→{b}" + (" (reversed)" if how == "reversed" else "") for a, b, how in pairs
           if not how.startswith("via")]
    stdout.print(f"dictionary pairs (alignment evidence, FreeDict in {escape(where)}): "
                 + (", ".join(own) or "none (e.g. apt-get install dict-freedict-deu-fra)"),
                 soft_wrap=True)
    for via in sorted({how for _, _, how in pairs if how.startswith("via")}):
        both = sorted({tuple(sorted((a, b))) for a, b, h in pairs if h == via})
        stdout.print(f"dictionary pairs {via} (pivot penalty): "
                     + ", ".join(f"{a}↔{b}" for a, b in both), soft_wrap=True)


@models_app.command("install")
def models_install(
    from_code: Annotated[str | None, typer.Argument(metavar="FROM", help="Source language (index install).")] = None,
    to_code: Annotated[str | None, typer.Argument(metavar="TO", help="Target language (index install).")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Install a local .argosmodel file.")] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=1.0, help="Seconds to wait for the index or a download to answer.")] = 20.0,
    skip_offline: Annotated[bool, typer.Option(
        "--skip-offline", help="When the index cannot be reached, say so in one line and "
        "exit 0 (for setup scripts).")] = False,
) -> None:
    """Install an Argos model: FROM TO downloads from the Argos index (needs the network;
    a pair with no model of its own gets FROM→en and en→TO, to pivot through English;
    up-to-date packages are kept); --file X.argosmodel installs a local file (unsafe
    archives are refused)."""
    from workbench.engines.argos import install_from_file, install_from_index

    if file is not None:
        if from_code or to_code:
            raise typer.BadParameter("give either FROM TO or --file, not both")
        model = install_from_file(file)
        console.print(f"installed {model.from_code}→{model.to_code} {escape(model.name)} "
                      f"(version {escape(model.package_version)}) in {escape(str(model.path))}")
        return
    if not (from_code and to_code):
        raise typer.BadParameter("give FROM TO (e.g. `fr en`) or --file X.argosmodel")
    src, tgt = from_code.lower(), to_code.lower()
    bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                   TransferSpeedColumn(), console=console, transient=True,
                   disable=not console.is_terminal)
    tasks: dict[str, int] = {}

    def on_bytes(label: str, done: int, total: int | None) -> None:
        if label not in tasks:
            tasks[label] = bar.add_task(f"download {label}", total=total)
        bar.update(tasks[label], completed=done, total=total)

    try:
        with bar:
            installed = install_from_index(src, tgt, timeout=timeout, progress=on_bytes)
    except OfflineError:
        if not skip_offline:
            raise
        console.print(f"Argos index unreachable (offline?): translations use Apertium; install "
                      f"the model later with `workbench models install {src} {tgt}`", soft_wrap=True)
        return
    if len(installed) > 1:
        console.print(f"the Argos index has no {src}→{tgt} model: installed "
                      + " and ".join(f"{i.model.from_code}→{i.model.to_code}" for i in installed)
                      + f", so {src}→{tgt} pivots through English")
    for item in installed:
        m = item.model
        verb = "installed" if item.downloaded else "already installed"
        console.print(f"{verb} {m.from_code}→{m.to_code} {escape(m.name)} "
                      f"(version {escape(m.package_version)}) in {escape(str(m.path))}")


def register(app: typer.Typer) -> None:
    """Add ``models`` to the root app."""
    app.add_typer(models_app, name="models")
