"""Glossary CSV files: ``concept,lang,term,status,note``, UTF-8, one row per form.

Reading is strict and reports every problem at once (file, line, what):

* UTF-8 only; a byte-order mark is accepted and ignored (spreadsheets write one).
* The delimiter is taken from the header line: comma (the documented format),
  semicolon (what a French-locale spreadsheet saves) or tab. The header must
  name the columns ``concept,lang,term,status`` and optionally ``note``, in
  any order; any other column is refused rather than dropped.
* Blank lines and lines whose first cell starts with ``#`` are skipped.
* Surrounding spaces of cells are removed; ``lang`` and ``status`` are
  compared in lower case. Terms are literal text: ``C++``, ``(AFP)`` or
  ``S&P 500`` mean exactly those characters, never a pattern.

Writing (:func:`save_csv`) goes through a temporary file in the same folder
and an atomic rename, so the file on disk is always the old or the new one.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from workbench.errors import GlossaryError
from workbench.glossary.model import Glossary, GlossaryValidationError, Problem, Term

COLUMNS = ("concept", "lang", "term", "status", "note")
REQUIRED = ("concept", "lang", "term", "status")
DELIMITERS = (",", ";", "\t")
MAX_BYTES = 64 * 1024 * 1024


def _decode(data: bytes, source: str) -> str:
    """UTF-8 (BOM or not) or UTF-16 with a BOM (Excel's "Unicode text"); nothing else."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise GlossaryError(f"{source}: starts with a UTF-16 byte-order mark but is not "
                                "valid UTF-16; save the glossary as UTF-8 CSV") from None
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise GlossaryError(f"{source}:{line}: NUL byte: this is not a text CSV file "
                            "(binary?); save the glossary as UTF-8 CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise GlossaryError(f"{source}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                            "save the glossary as UTF-8 CSV") from None


def _header(first_line: str, source: str, line_no: int = 1) -> tuple[str, list[str]]:
    """The delimiter and column names, from the header line."""
    for delim in DELIMITERS:
        cells = [c.strip().lower() for c in next(csv.reader([first_line], delimiter=delim), [])]
        if set(REQUIRED) <= set(cells):
            unknown = [c for c in cells if c not in COLUMNS]
            dupes = sorted({c for c in cells if cells.count(c) > 1})
            if unknown or dupes:
                what = (f"unknown column(s) {', '.join(map(repr, unknown))}" if unknown
                        else f"repeated column(s) {', '.join(dupes)}")
                raise GlossaryError(f"{source}:{line_no}: {what}; the columns are {','.join(COLUMNS)} "
                                    "(note is optional)")
            return delim, cells
    raise GlossaryError(f"{source}:{line_no}: the header must be {','.join(COLUMNS)} (comma-, semicolon- "
                        f"or tab-separated); found {first_line.strip()[:80]!r}")


def parse_csv(text: str, source: str = "<csv>") -> Glossary:
    """A glossary from CSV text; raises :class:`GlossaryError` listing every problem."""
    if not any(ln.strip() and not ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise GlossaryError(f"{source}: the glossary is empty; expected a header "
                            f"{','.join(COLUMNS)} and one row per form")
    lines = text.splitlines()
    header_no = next(i for i, ln in enumerate(lines, 1) if ln.strip() and not ln.lstrip().startswith("#"))
    delim, columns = _header(lines[header_no - 1], source, header_no)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    terms: list[Term] = []
    problems: list[Problem] = []
    header_seen = False
    line = 1
    try:
        for row in reader:
            start = line
            line = reader.line_num + 1
            if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
                continue
            if not header_seen:
                header_seen = True
                continue
            if len(row) != len(columns):
                problems.append(Problem(start, f"{len(row)} fields, expected {len(columns)} "
                                               f"({delim.join(columns)!r}); quote terms that "
                                               f"contain {delim!r}"))
                continue
            cells = dict(zip(columns, (c.strip() for c in row)))
            term = Term(cells["concept"], cells["lang"].lower(), cells["term"],
                        cells["status"].lower(), cells.get("note", ""), start)
            terms.append(term)
    except csv.Error as exc:
        problems.append(Problem(line, f"malformed CSV ({exc})"))
    try:
        glossary = Glossary.from_terms(terms, source)
    except GlossaryValidationError as exc:
        raise GlossaryValidationError(source, sorted(problems + exc.problems, key=lambda p: p.line)) from None
    if problems:
        raise GlossaryValidationError(source, problems)
    return glossary


def load_csv(path: Path | str) -> Glossary:
    """Read and validate a glossary CSV file (see the module docstring for the rules)."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise GlossaryError(f"{source}: no such glossary file")
    if path.stat().st_size > MAX_BYTES:
        raise GlossaryError(f"{source}: larger than {MAX_BYTES // 2**20} MiB; is this really a glossary?")
    return parse_csv(_decode(path.read_bytes(), source), source)


def to_csv(glossary: Glossary) -> str:
    """The glossary as CSV text (comma-separated, ``\\n`` line ends, file order)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for t in glossary.terms():
        writer.writerow((t.concept, t.lang, t.text, t.status, t.note))
    return buf.getvalue()


def save_csv(glossary: Glossary, path: Path | str) -> Path:
    """Write ``glossary`` to ``path`` atomically (temporary file, fsync, rename)."""
    return atomic_write_text(Path(path), to_csv(glossary))


def atomic_write_text(path: Path, text: str) -> Path:
    """Replace ``path`` with ``text`` so that readers see the old or the new file, never a mix
    (the exports' :func:`~workbench.io.base.atomic_output`, creating the folder first)."""
    from workbench.io.base import atomic_output

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return path
