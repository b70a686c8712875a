"""JSON Lines in the Hugging Face ``translation`` style, one unit per line::

    {"translation": {"fr": "…", "en": "…", "es": "…"}, "id": "s42",
     "source_lang": "fr", "document": "…", "document_id": 3, "segment_id": 42,
     "paragraph": 1, "idx": 4,
     "meta": {"en": {"status": "approved", "version": 2, "confidence": 0.93,
                     "mt": "…", "engine": "argos", "model": "…", "model_version": "…"}}}

``datasets.load_dataset("json", data_files=…)`` reads it as is; the extra
keys are ordinary columns. A foreign file needs only ``translation``; its
source language is ``source_lang`` when given, else ``fr`` (the workbench's
source language) when present.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from workbench.errors import EncodingError, FormatError
from workbench.io.base import (STATUSES, Format, Target, Unit, WriteOptions, WriteStats,
                               atomic_output)

_META = ("status", "version", "confidence", "mt", "engine", "model", "model_version")
_TYPES = {"status": str, "version": int, "confidence": (int, float), "mt": str, "engine": str,
          "model": str, "model_version": str}


def write_jsonl(units: Iterable[Unit], out: Path, options: WriteOptions) -> WriteStats:
    """Stream one JSON object per unit to ``out``."""
    stats = WriteStats(files=[Path(out)])
    with atomic_output(Path(out), "w", encoding="utf-8", newline="\n") as handle:
        for unit in units:
            translation = {unit.source_lang: unit.source}
            translation.update((t.lang, t.text) for t in unit.targets)
            record = {
                "translation": translation, "id": unit.unit_id,
                "source_lang": unit.source_lang, "document": unit.document,
                "document_id": unit.document_id, "segment_id": unit.segment_id,
                "paragraph": unit.paragraph, "idx": unit.idx,
                "meta": {t.lang: {k: getattr(t, k) for k in _META} for t in unit.targets},
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            stats.cells += len(unit.targets)
            stats.tick(options)
    return stats


def read_jsonl(path: Path, notes: Counter[str] | None = None) -> Iterator[Unit]:
    """Yield the units of a JSONL file (see the module doc for the keys)."""
    notes = Counter() if notes is None else notes
    path = Path(path)
    with open(path, "rb") as handle:
        for n, raw in enumerate(handle, 1):
            where = f"{path} line {n}"
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise EncodingError(f"{where}: not UTF-8 ({exc.reason}); save it as UTF-8") from None
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise FormatError(f"{where}: not JSON ({exc.msg} at column {exc.colno})") from None
            except RecursionError:
                raise FormatError(f"{where}: JSON nested too deeply") from None
            yield _unit(rec, where, notes)


def _unit(rec: object, where: str, notes: Counter[str]) -> Unit:
    if not isinstance(rec, dict) or not isinstance(rec.get("translation"), dict):
        raise FormatError(f'{where}: expected an object with a "translation" object')
    tr = rec["translation"]
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in tr.items()):
        raise FormatError(f'{where}: "translation" must map language codes to strings')
    src = rec.get("source_lang")
    if src is None:
        if "fr" not in tr:
            raise FormatError(f'{where}: cannot tell the source language; add "source_lang"')
        src = "fr"
        notes['source language taken as "fr" (no "source_lang")'] += 1
    if src not in tr:
        raise FormatError(f'{where}: "translation" has no {src!r} (the source language)')
    meta = rec.get("meta") or {}
    if not isinstance(meta, dict):
        raise FormatError(f'{where}: "meta" must be an object')
    targets = []
    for lang, text in tr.items():
        if lang == src:
            continue
        m = meta.get(lang) or {}
        for key in _META:
            value = m.get(key)
            if value is not None and (not isinstance(value, _TYPES[key]) or isinstance(value, bool)):
                raise FormatError(f"{where}: meta {lang}.{key} has the wrong type ({value!r})")
        if m.get("status") is not None and m["status"] not in STATUSES:
            raise FormatError(f"{where}: unknown status {m['status']!r}; use one of {', '.join(STATUSES)}")
        conf = m.get("confidence")
        targets.append(Target(lang=lang, text=text, status=m.get("status"),
                              version=m.get("version"),
                              confidence=None if conf is None else float(conf), mt=m.get("mt"),
                              engine=m.get("engine"), model=m.get("model"),
                              model_version=m.get("model_version")))
    if not targets:
        raise FormatError(f"{where}: no target language besides {src!r}")
    ints = {}
    for key in ("document_id", "segment_id", "paragraph", "idx"):
        value = rec.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise FormatError(f"{where}: {key!r} must be an integer, got {value!r}")
        ints[key] = value
    document = rec.get("document") or ""
    if not isinstance(document, str):
        raise FormatError(f'{where}: "document" must be a string')
    return Unit(source=tr[src], source_lang=src, targets=tuple(targets), document=document, **ints)


FORMAT = Format(name="jsonl", extensions=(".jsonl",),
                description='JSON Lines, Hugging Face style {"translation": {"fr": …, "en": …}}',
                write=write_jsonl, read=read_jsonl)
