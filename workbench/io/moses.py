"""Moses plain-text pair files: ``PREFIX.fr``, ``PREFIX.en``… one sentence per
line, line *n* of every file translating line *n* of the others (the input of
Moses, Marian, OpenNMT and OpusTools).

Every file gets the same number of lines: a unit lacking one of the exported
languages is left out (counted), unless empty targets were asked for, which
then give empty lines. Line breaks inside a segment become spaces (counted).
Write-only: the files carry no ids, so there is nothing to match on import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from workbench.errors import InputError
from workbench.io.base import AtomicGroup, Format, Unit, WriteOptions, WriteStats

# Everything a line-based reader may treat as a line end (str.splitlines' set).
_BREAKS = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def write_moses(units: Iterable[Unit], out: Path, options: WriteOptions) -> WriteStats:
    """Write ``{out}.{lang}`` for the source and each target language."""
    if options.source_lang == "*all*":
        raise InputError("Moses files need one source language; export the documents of "
                         "each language separately (--documents)")
    out = Path(out)
    langs = (options.source_lang, *options.target_langs)
    if len(set(langs)) != len(langs):
        raise InputError(f"Moses files need distinct languages, got {', '.join(langs)}")
    stats = WriteStats(files=[out.with_name(f"{out.name}.{lang}") for lang in langs])
    with AtomicGroup(stats.files) as group:  # all files change together, or none
        handles = [group.open(p, "w", encoding="utf-8", newline="\n") for p in stats.files]
        for unit in units:
            by_lang = {t.lang: t.text for t in unit.targets}
            if not options.include_empty and any(lang not in by_lang for lang in options.target_langs):
                stats.skipped_incomplete += 1
                continue
            texts = [unit.source] + [by_lang.get(lang, "") for lang in options.target_langs]
            for handle, text in zip(handles, texts):
                line, n = _BREAKS.subn(" ", text)
                stats.flattened_newlines += n
                handle.write(line + "\n")
            stats.cells += len(options.target_langs)
            stats.tick(options)
    return stats


FORMAT = Format(name="moses", extensions=(),
                description="Moses plain-text pair files PREFIX.<lang>, same line count",
                write=write_moses, read=None)
