"""``workbench segment`` (stdin -> one sentence a line) and ``workbench eval seg``."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.common import eval_app
from workbench.errors import BinaryFileError, EncodingError, InputError
from workbench.segment import (
    DEFAULT_SEGMENTER,
    SEGMENTERS,
    split_paragraphs,
    split_sentences,
)
from workbench.segment.metrics import BoundaryScores, evaluate, parse_gold

#: ``--segmenter`` choices, taken from the registry.
SegmenterName = Enum("SegmenterName", {name: name for name in SEGMENTERS}, type=str)

SegmenterOpt = Annotated[
    SegmenterName,
    typer.Option("--segmenter", "-s", help="Which sentence segmenter to use."),
]
LangOpt = Annotated[str, typer.Option("--lang", "-l", help="Language code of the text (fr, en, ...).")]


def segment_text(text: str, lang: str, segmenter: str = DEFAULT_SEGMENTER) -> str:
    """One sentence a line, a blank line between paragraphs (what ``segment`` prints)."""
    blocks = ["\n".join(split_sentences(p, lang, segmenter)) for p in split_paragraphs(text)]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def read_stdin_text(data: bytes) -> str:
    """Stdin bytes as text: UTF-8 (a BOM dropped), or UTF-16 with a BOM; else a clear error."""
    utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    try:
        text = data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"<stdin>: not valid {'UTF-16' if utf16 else 'UTF-8'} (byte "
                            f"{exc.start}); convert the text to UTF-8 first") from None
    if "\x00" in text:
        raise BinaryFileError("<stdin>: NUL characters; this looks like a binary file, not text")
    return text


def segment(
    lang: LangOpt = "fr",
    segmenter: SegmenterOpt = SegmenterName(DEFAULT_SEGMENTER),
) -> None:
    """Read text on stdin, print one sentence per line, a blank line between paragraphs."""
    text = read_stdin_text(sys.stdin.buffer.read())
    sys.stdout.write(segment_text(text, lang, segmenter.value))


def _pairs(gold: Path, source: Path | None) -> list[tuple[Path, Path | None]]:
    """(gold file, source file or None) pairs; folders pair their ``*.txt`` files by name."""
    golds = sorted(gold.glob("*.txt")) if gold.is_dir() else [gold]
    if not golds:
        raise InputError(f"{gold}: no gold .txt files in this folder")
    if source is None:
        return [(g, None) for g in golds]
    if source.is_dir():
        return [(g, source / g.name) for g in golds]
    if gold.is_dir():
        raise InputError("--source must be a folder when --gold is a folder")
    return [(gold, source)]


def eval_seg(
    gold: Annotated[Path, typer.Option("--gold", "-g", exists=True,
                                       help="Gold file (one sentence a line, blank line "
                                            "between paragraphs) or a folder of them.")],
    lang: LangOpt = "fr",
    segmenter: SegmenterOpt = SegmenterName(DEFAULT_SEGMENTER),
    source: Annotated[Path | None, typer.Option(
        "--source", exists=True,
        help="Original text of the gold (a folder when --gold is one: files paired by "
             "name); its paragraphs are segmented instead of the gold sentences re-joined "
             "with spaces.")] = None,
    show_errors: Annotated[bool, typer.Option("--errors", help="List missed and extra "
                                              "boundaries.")] = False,
) -> None:
    """Boundary precision, recall and F1 of a segmenter on a gold segmentation."""
    scores = BoundaryScores()
    for gold_file, source_file in _pairs(gold, source):
        paragraphs = parse_gold(gold_file.read_text(encoding="utf-8"))
        sources = None
        if source_file is not None:
            if not source_file.is_file():
                raise InputError(f"{source_file}: no source text for gold {gold_file.name}")
            sources = split_paragraphs(source_file.read_text(encoding="utf-8"))
        try:
            file_scores = evaluate(
                paragraphs, lambda t: split_sentences(t, lang, segmenter.value), sources)
        except ValueError as exc:
            raise InputError(f"{gold_file}: {exc}") from exc
        if show_errors:
            for err in file_scores.errors:
                print(f"{gold_file.name} {err.kind:6} paragraph {err.paragraph}: {err.context}")
        scores += file_scores
    print(f"segmenter={segmenter.value} boundaries gold={scores.gold} "
          f"predicted={scores.predicted} correct={scores.true_positives}")
    print(f"precision={scores.precision:.3f} recall={scores.recall:.3f} f1={scores.f1:.3f}")


def register(app: typer.Typer) -> None:
    """Add ``segment`` to the root app and ``seg`` to ``eval``."""
    app.command("segment")(segment)
    eval_app.command("seg")(eval_seg)
