"""``workbench glossary``: apply, validate, check, suggest, accept, import-tbx, export-tbx,
and the project's versioned glossaries: import, export, versions.

Thin shell over :mod:`workbench.glossary`; results go to stdout (or ``--out``,
written atomically), messages to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from workbench.cli.common import ProjectOpt, console, open_project, plural
from workbench.cli.executor import ExecutorOpt, GpusOpt, RayAddressOpt, WorkersOpt
from workbench.errors import InputError, WorkbenchError
from workbench.glossary import Glossary, load_csv, save_csv
from workbench.glossary.check import check, check_lines
from workbench.glossary.suggest import SUGGESTION_HEADER
from workbench.glossary.suggest import accept as accept_suggestions
from workbench.glossary.suggest import suggest as find_suggestions
from workbench.glossary.project import sync_folder
from workbench.glossary.tbx import read_tbx, save_tbx
from workbench.glossary.textio import ApplyStats, apply_stream, read_lines
from workbench.io.base import atomic_path
from workbench.store import DEFAULT_PROJECT, Project

glossary_app = typer.Typer(
    help="Transliteration glossary: normalise names, check translations, discover variants, TBX.",
    no_args_is_help=True,
)

GlossaryOpt = Annotated[Path, typer.Option(
    "--glossary", "-g", help="Glossary file: CSV (concept,lang,term,status,note) or .tbx.")]
ProjectGlossaryOpt = Annotated[Path | None, typer.Option(
    "--glossary", "-g", help="Glossary file: CSV (concept,lang,term,status,note) or .tbx "
    "(default: the project's glossary, its newest version).")]
LangOpt = Annotated[str, typer.Option("--lang", "-l", help="Language of the text (ISO 639-1: fr, en, ...).")]


def load_glossary(path: Path) -> Glossary:
    """CSV or TBX by extension; TBX notices go to stderr."""
    if path.suffix.lower() == ".tbx":
        glossary, notices = read_tbx(path)
        for notice in notices:
            console.print(f"note: {escape(str(path))}: {escape(notice)}")
        return glossary
    return load_csv(path)


def use_project_glossary(proj: Project) -> Glossary | None:
    """The project's glossary (the newest version of each of its glossaries) for
    ``translate`` and ``run`` when ``-g`` is not given, saying which it is; ``None``, said,
    when there is none. Files of the glossary folder not taken in are said too."""
    from workbench.glossary.project import project_glossary

    found = project_glossary(proj)
    _say(found.notes)
    folder = escape(str(proj.glossary_dir))
    if found.glossary is None:
        console.print(f"[dim]no glossary: -g not given and no CSV in {folder}[/]", soft_wrap=True)
    else:
        console.print(f"glossary: {escape(', '.join(found.files))} (the project's, "
                      f"sha256:{found.glossary.version}; copies in {folder}; --no-glossary to "
                      "do without)", soft_wrap=True)
    return found.glossary


def _say(notes: Sequence[str]) -> None:
    """Files of the glossary folder not taken in, one line each."""
    for note in notes:
        console.print(f"[yellow]note[/] {escape(note)}", soft_wrap=True)


def given_or_project_glossary(path: Path | None, project: Path) -> Glossary:
    """The glossary file ``path``, else the project's glossary (one clear line when the
    project has none)."""
    if path is not None:
        return load_glossary(path)
    with open_project(project) as proj:
        glossary = use_project_glossary(proj)
    if glossary is None:
        raise InputError(f"project {project} has no glossary: give -g FILE, or add one with "
                         "`workbench glossary import FILE`")
    return glossary


def _lang(value: str) -> str:
    lang = value.strip().lower()
    if not (len(lang) == 2 and lang.isalpha()):
        raise typer.BadParameter(f"{value!r} is not an ISO 639-1 code (fr, en, ...)", param_hint="--lang")
    return lang


def _write_text(path: Path | None, text: str) -> None:
    if path is None or str(path) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from workbench.glossary.csvio import atomic_write_text

    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


@glossary_app.command("apply")
def apply_cmd(
    lang: LangOpt,
    glossary: ProjectGlossaryOpt = None,
    in_: Annotated[Path | None, typer.Option("--in", "-i", help="Input file (default: stdin).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output file (default: stdout); "
                                                                 "written atomically.")] = None,
    executor: ExecutorOpt = "local",
    ray_address: RayAddressOpt = None,
    workers: WorkersOpt = None,
    gpus_per_worker: GpusOpt = 0.0,
    project: ProjectOpt = DEFAULT_PROJECT,
) -> None:
    """Replace every form of a glossary concept by its preferred LANG form, line by line.

    Matching ignores case, accents, hyphen/space and apostrophe variants, is
    whole-word, and the longest form wins; a match in capitals is written in
    capitals. Everything else is copied byte for byte.

    With --executor ray (needs --in and --out files) the file is normalised in
    shards on Ray actors; a rerun after a kill redoes only unfinished shards.
    """
    from workbench.cli.executor import make_executor

    lang = _lang(lang)
    runner = make_executor(executor, ray_address, workers, gpus_per_worker)
    g = given_or_project_glossary(glossary, project)
    if runner is not None:
        _apply_sharded(g, lang, in_, out, runner)
        return
    where = str(in_) if in_ else "<stdin>"
    try:
        src = open(in_, "rb") if in_ and str(in_) != "-" else sys.stdin.buffer  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot read {in_}: {exc.strerror or exc}") from None
    stats = ApplyStats()
    try:
        if out is None or str(out) == "-":
            sink = sys.stdout.buffer
            for chunk in apply_stream(g, src, lang, where, stats=stats):
                sink.write(chunk)
            sink.flush()
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(out) as tmp, open(tmp, "wb") as fh:  # no half-written file as OUT
                for chunk in apply_stream(g, src, lang, where, stats=stats):
                    fh.write(chunk)
    finally:
        if src is not sys.stdin.buffer:
            src.close()
    written = f"; wrote {escape(str(out))}" if out is not None and str(out) != "-" else ""
    console.print(f"{plural(stats.lines, 'line')} read, {stats.changed} changed to the preferred "
                  f"{lang} forms (glossary sha256:{g.version}){written}")


def _apply_sharded(g: Glossary, lang: str, in_: Path | None, out: Path | None, runner: Any) -> None:
    """``glossary apply`` on an executor: one call of :func:`workbench.archive.normalise_archive`."""
    from workbench.archive import normalise_archive
    from workbench.cli.executor import ShardBar, closing, print_cost

    if in_ is None or out is None or str(in_) == "-" or str(out) == "-":
        raise typer.BadParameter("--executor ray reads a file and writes a file: give --in FILE "
                                 "and --out FILE", param_hint="--out")
    with ShardBar(f"normalise →{lang}") as bar, closing(runner):
        rep = normalise_archive(in_, out, g, lang, executor=runner, progress=bar)
    if rep.note:
        console.print(f"[yellow]note[/] {escape(rep.note)}")
    resumed = f", {rep.resumed} finished earlier" if rep.resumed else ""
    console.print(f"{rep.rows} lines → {escape(str(out))} in {rep.shards} shards{resumed}")
    print_cost(rep.cost, rep.executor)


@glossary_app.command("validate")
def validate_cmd(
    files: Annotated[list[Path], typer.Argument(help="Glossary files (CSV or .tbx).", show_default=False)],
) -> None:
    """Check glossary files and report every problem with file and line (exit 1 if any)."""
    failed = 0
    for path in files:
        try:
            g = load_glossary(path)
        except WorkbenchError as exc:
            failed += 1
            console.print("[bold red]error:[/]", escape(str(exc)), soft_wrap=True)
            continue
        forms = len(g.terms())
        print(f"ok\t{path}\t{plural(len(g), 'concept')}\t{plural(forms, 'form')}\t{','.join(g.languages)}\tsha256:{g.hash}")
    if failed:
        raise typer.Exit(1)


@glossary_app.command("check")
def check_cmd(
    glossary: ProjectGlossaryOpt = None,
    src: Annotated[Path | None, typer.Option("--src", help="Source text, one segment per line.")] = None,
    tgt: Annotated[Path | None, typer.Option("--tgt", help="Target text, line-aligned with --src.")] = None,
    src_lang: Annotated[str, typer.Option("--src-lang", help="Source language.")] = "fr",
    tgt_lang: Annotated[str, typer.Option("--tgt-lang", "--to", help="Target language.")] = "en",
    project: ProjectOpt = DEFAULT_PROJECT,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any issue is found.")] = False,
) -> None:
    """List, per segment, source concepts missing or non-preferred in the target.

    Files (--src and --tgt, line-aligned) or, without them, the project's
    segments and their current target text (the review text) in --to.
    Output is TSV: line (or segment id), concept, problem (missing /
    non-preferred), expected, found, source. Without -g: the project's glossary.
    """
    g = given_or_project_glossary(glossary, project)
    if src is not None or tgt is not None:
        if src is None or tgt is None:
            raise typer.BadParameter("give both --src and --tgt (or neither, for the project)")
        issues = check_lines(g, read_lines(src), read_lines(tgt), _lang(src_lang), _lang(tgt_lang))
        head, ids = "line", None
    else:
        with open_project(project) as proj:
            rows = proj.pairs(_lang(tgt_lang))
        if rows.height == 0:
            raise InputError(f"project {project} has no translations into {tgt_lang}; "
                             f"run `workbench translate --to {tgt_lang}` first")
        issues = check(g, zip(rows["source"].to_list(), rows["target"].fill_null("").to_list()),
                       _lang(src_lang), _lang(tgt_lang))
        head, ids = "segment", rows["segment_id"].to_list()
    out = [f"{head}\tconcept\tproblem\texpected\tfound\tsource\n"]
    for issue in issues:
        line = issue.tsv()
        if ids is not None:
            line = f"{ids[issue.index]}\t{line.split(chr(9), 1)[1]}"
        out.append(line + "\n")
    sys.stdout.write("".join(out))
    lines = len({i.index for i in issues})
    console.print(f"{len(issues)} issue(s) on {lines} {head}(s); glossary sha256:{g.version}")
    if strict and issues:
        raise typer.Exit(1)


@glossary_app.command("suggest")
def suggest_cmd(
    glossary: GlossaryOpt,
    lang: LangOpt,
    in_: Annotated[Path | None, typer.Option("--in", "-i", help="Text to search, one segment per "
                                             "line (default: stdin).")] = None,
    min_score: Annotated[float, typer.Option("--min-score", help="Drop suggestions scoring below this "
                                                                 "(0..1).")] = 0.0,
) -> None:
    """Find likely transliteration variants of glossary forms that the glossary lacks.

    Output is TSV with a header line: line, span, concept, score (best first); `accept`
    reads it back.
    """
    lang = _lang(lang)
    g = load_glossary(glossary)
    lines = read_lines(in_) if in_ and str(in_) != "-" else read_lines("<stdin>", sys.stdin.buffer.read())
    found = [s for s in find_suggestions(g, lines, lang) if s.score >= min_score]
    sys.stdout.write(SUGGESTION_HEADER + "\n" + "".join(s.tsv() + "\n" for s in found))
    console.print(f"{plural(len(found), 'suggestion')}; keep the rows you accept and pass them to "
                  "`workbench glossary accept --in`")


@glossary_app.command("accept")
def accept_cmd(
    glossary: GlossaryOpt,
    lang: LangOpt,
    in_: Annotated[Path, typer.Option("--in", "-i", help="Suggestions TSV (line, span, concept[, score]) "
                                                         "as printed by `suggest`, keep the rows you accept.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Where to write the new glossary CSV "
                                                                 "(default: replace --glossary).")] = None,
) -> None:
    """Add accepted suggestions to the glossary as LANG variants."""
    lang = _lang(lang)
    g = load_glossary(glossary)
    rows: list[tuple[str, str]] = []
    for no, line in enumerate(read_lines(in_), 1):
        if not line.strip() or line.startswith("#") or line == SUGGESTION_HEADER:
            continue
        cells = line.split("\t")
        if len(cells) < 3:
            raise InputError(f"{in_}:{no}: expected line<TAB>span<TAB>concept[<TAB>score]")
        rows.append((cells[1], cells[2]))
    new = accept_suggestions(g, rows, lang)
    target = out or glossary
    if target.suffix.lower() == ".tbx":
        save_tbx(new, target)
    else:
        save_csv(new, target)
    console.print(f"{plural(len(new.terms()) - len(g.terms()), 'variant')} added; wrote {escape(str(target))} "
                  f"(sha256:{new.version})")


@glossary_app.command("import-tbx")
def import_tbx_cmd(
    tbx: Annotated[Path, typer.Argument(help="TBX file (ISO 30042; TBX 2019 or 2008).", show_default=False)],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Glossary CSV to write "
                                                                 "(default: stdout).")] = None,
) -> None:
    """Convert a TBX file to a glossary CSV (validated; entity declarations refused)."""
    from workbench.glossary.csvio import to_csv

    g, notices = read_tbx(tbx)
    for notice in notices:
        console.print(f"note: {escape(str(tbx))}: {escape(notice)}")
    _write_text(out, to_csv(g))
    console.print(f"{plural(len(g), 'concept')}, {plural(len(g.terms()), 'form')} (sha256:{g.version})")


@glossary_app.command("export-tbx")
def export_tbx_cmd(
    glossary: GlossaryOpt,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="TBX file to write (default: stdout).")] = None,
) -> None:
    """Write the glossary as TBX 2019 (TBX-Basic, DCA style)."""
    from workbench.glossary.tbx import to_tbx

    g = load_glossary(glossary)
    if out is None or str(out) == "-":
        sys.stdout.write(to_tbx(g).decode("utf-8"))
        return
    save_tbx(g, out)
    console.print(f"wrote {escape(str(out))}: {plural(len(g), 'concept')} (sha256:{g.version})")


def import_into_project(project: Path, path: Path, name: str | None = None, *,
                        create: bool = False) -> None:
    """``workbench import X.tbx`` and ``workbench glossary import``: a new version."""
    from workbench.glossary.project import glossary_of, import_glossary

    with open_project(project, create=create) as proj:
        saved, new, notices = import_glossary(proj, path, name)
        copy = proj.glossary_dir / f"{saved.name}.csv"
    for notice in notices:
        console.print(f"note: {escape(str(path))}: {escape(notice)}", soft_wrap=True)
    glossary = glossary_of(saved)
    said = f"glossary {saved.name} version {saved.version}" + ("" if new else " (unchanged)")
    console.print(f"{escape(said)}, copy in {escape(str(copy))}: "
                  f"{plural(len(glossary), 'concept')}, {plural(len(glossary.terms()), 'form')} "
                  f"(sha256:{glossary.version})", soft_wrap=True)


@glossary_app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="Glossary file: CSV or .tbx.", show_default=False)],
    name: Annotated[str | None, typer.Option(
        "--name", help="The project glossary it becomes (default: the file name without "
        "extension).")] = None,
    project: ProjectOpt = DEFAULT_PROJECT,
) -> None:
    """Make a CSV or TBX file the newest version of a project glossary (kept in the project
    database, --db; earlier versions stay; a new project is made if there is none). Its
    copy is written to the glossary folder."""
    import_into_project(project, path, name, create=True)


@glossary_app.command("export")
def export_cmd(
    name: Annotated[str | None, typer.Argument(
        help="Which project glossary (default: all of them, as one).", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="File to write: .tbx for TBX, else CSV (default: CSV on stdout); "
        "written atomically.")] = None,
    version: Annotated[int | None, typer.Option(
        "--version", min=1, help="An earlier version of NAME (default: the newest).")] = None,
    project: ProjectOpt = DEFAULT_PROJECT,
) -> None:
    """Write a project glossary (from the project database, --db) as CSV or TBX."""
    from workbench.glossary.csvio import to_csv
    from workbench.glossary.project import glossary_of, project_glossary

    if name is None and version is not None:
        raise typer.BadParameter("--version needs the glossary's NAME", param_hint="--version")
    with open_project(project) as proj:
        if name is None:
            found = project_glossary(proj)
            _say(found.notes)
            g, said = found.glossary, ", ".join(found.files)
        else:
            _say(sync_folder(proj))  # a copy edited on disk is taken in first
            stored = proj.glossary_version(name, version)
            g = None if stored is None else glossary_of(stored)
            said = "" if stored is None else f"{name} version {stored.version}"
    if g is None:
        what = f"no glossary {name!r}" + (f" version {version}" if version else "") \
            if name else "no glossary"
        raise InputError(f"project {project} has {what}; `workbench glossary versions` lists "
                         "them")
    if out is not None and out.suffix.lower() == ".tbx":
        save_tbx(g, out)
    else:
        _write_text(out, to_csv(g))
    if out is not None and str(out) != "-":
        console.print(f"wrote {escape(str(out))}: {escape(said)}, {plural(len(g), 'concept')} "
                      f"(sha256:{g.version})", soft_wrap=True)


@glossary_app.command("versions")
def versions_cmd(
    name: Annotated[str | None, typer.Argument(
        help="Which project glossary (default: all).", show_default=False)] = None,
    project: ProjectOpt = DEFAULT_PROJECT,
) -> None:
    """List the versions of the project's glossaries (TSV: name, version, sha256, author,
    saved at), oldest first."""
    with open_project(project) as proj:
        _say(sync_folder(proj))  # a copy edited on disk is a version
        names = [name] if name else proj.glossary_names()
        rows = [v for n in names for v in proj.glossary_history(n)]
    if name and not rows:
        raise InputError(f"project {project} has no glossary {name!r}")
    sys.stdout.write("name\tversion\tsha256\tauthor\tsaved_at\n" + "".join(
        f"{v.name}\t{v.version}\t{v.digest}\t{v.author}\t{v.created_at}\n" for v in rows))


def register(app: typer.Typer) -> None:
    """Add ``workbench glossary ...`` to the root app."""
    app.add_typer(glossary_app, name="glossary")
