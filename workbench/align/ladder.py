"""Ladder files in vecalign's format: one bead per line, ``[0,1]:[0]:0.93``.

Source ids, target ids (0-based, empty list for a null side) and an optional
confidence. Reading accepts gold files without the confidence column. Also
helpers to check that a ladder is monotone and covers each sentence once, and
to read one-sentence-per-line text with blank lines as paragraph marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from workbench.align import Bead
from workbench.errors import FormatError, InputError

_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*(?::\s*([-+0-9.eE]+|nan))?\s*$")


def _ids(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x.strip())


def format_bead(bead: Bead, *, with_confidence: bool = True) -> str:
    """One ladder line for ``bead``."""
    s = f"[{','.join(map(str, bead.src))}]:[{','.join(map(str, bead.tgt))}]"
    return f"{s}:{bead.confidence:.4f}" if with_confidence else s


def format_ladder(beads: Iterable[Bead], *, with_confidence: bool = True) -> str:
    """The text of a ladder file (newline-terminated lines)."""
    return "".join(format_bead(b, with_confidence=with_confidence) + "\n" for b in beads)


def parse_ladder(text: str, *, source: str = "<ladder>") -> list[Bead]:
    """Parse ladder text; a missing confidence reads as 1.0 (gold files)."""
    beads: list[Bead] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _LINE.match(line)
        if m is None:
            raise FormatError(
                f"{source}:{lineno}: not a ladder line: {line[:80]!r} "
                "(expected e.g. [0,1]:[0]:0.93)"
            )
        conf = float(m.group(3)) if m.group(3) is not None else 1.0
        beads.append(Bead(_ids(m.group(1)), _ids(m.group(2)), conf))
    return beads


def read_ladder(path: Path | str) -> list[Bead]:
    """Read a ladder (or gold alignment) file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"ladder file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read ladder file {p}: {exc}") from exc
    return parse_ladder(text, source=str(p))


def write_ladder(path: Path | str, beads: Iterable[Bead], *, with_confidence: bool = True) -> None:
    """Write a ladder file (UTF-8, one bead per line)."""
    p = Path(path)
    try:
        p.write_text(format_ladder(beads, with_confidence=with_confidence), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write ladder file {p}: {exc}") from exc


def ladder_problems(beads: Sequence[Bead], n_src: int, n_tgt: int) -> list[str]:
    """What is wrong with a ladder: non-monotone, gaps, repeats, out of range (empty: valid)."""
    problems: list[str] = []
    next_s = next_t = 0
    for k, b in enumerate(beads):
        if not b.src and not b.tgt:
            problems.append(f"bead {k} is empty on both sides")
        for side, ids, nxt in (("source", b.src, next_s), ("target", b.tgt, next_t)):
            if ids and ids != tuple(range(nxt, nxt + len(ids))):
                problems.append(f"bead {k}: {side} ids {list(ids)} do not continue at {nxt}")
        next_s = (b.src[-1] + 1) if b.src else next_s
        next_t = (b.tgt[-1] + 1) if b.tgt else next_t
        if not 0.0 <= b.confidence <= 1.0:
            problems.append(f"bead {k}: confidence {b.confidence} outside [0, 1]")
    if next_s != n_src:
        problems.append(f"ladder covers {next_s} source sentences, document has {n_src}")
    if next_t != n_tgt:
        problems.append(f"ladder covers {next_t} target sentences, document has {n_tgt}")
    return problems


def read_sentences(path: Path | str) -> tuple[list[str], list[int] | None]:
    """Read one sentence per line; blank lines mark paragraph breaks.

    Returns the sentences and each one's paragraph number, or None for the
    paragraphs when the file has no blank line between sentences.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"file not found: {p}") from None
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p} is not UTF-8 ({exc}); convert it first (e.g. iconv -t UTF-8)") from None
    return split_paragraphs(text.splitlines())


def split_paragraphs(lines: Sequence[str]) -> tuple[list[str], list[int] | None]:
    """Sentences and paragraph numbers from lines where blank lines separate paragraphs."""
    sentences: list[str] = []
    paras: list[int] = []
    para = 0
    saw_break = False
    for line in lines:
        if line.strip():
            sentences.append(line.strip())
            paras.append(para)
        elif sentences and paras[-1] == para:
            para += 1
            saw_break = True
    marked = saw_break and len(set(paras)) > 1
    return sentences, (paras if marked else None)
