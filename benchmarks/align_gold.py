"""Alignment F1 on the gold books of ``../shared/data/align-gold`` (CC BY-SA 4.0).

Per book: strict and lax F1 (vecalign's definitions) with the MT similarity
(Apertium fr→es→en, offline; translations cached under ``benchmarks/cache/``),
with MT plus the FreeDict fr–en dictionaries when installed (strict F1 only),
and with ``--no-mt`` (length + anchors), then the mean over books.

    python benchmarks/align_gold.py [--gold DIR] [--markdown]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_GOLD = HERE.parent.parent / "shared" / "data" / "align-gold"


def cached_mt(fr: Path, cache: Path) -> list[str]:
    """Apertium translation of a book, one line per sentence (cached)."""
    from workbench.align.mt import apertium_translate

    out = cache / f"{fr.stem}.fr.apertium-en"
    lines = fr.read_text(encoding="utf-8").splitlines()
    if out.exists():
        mt = out.read_text(encoding="utf-8").splitlines()
        if len(mt) == len(lines):
            return mt
    cache.mkdir(parents=True, exist_ok=True)
    mt = apertium_translate(lines, "fr", "en")
    out.write_text("\n".join(mt) + "\n", encoding="utf-8")
    return mt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=Path(os.environ.get("ALIGN_GOLD", DEFAULT_GOLD)))
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE.parent))
    from workbench.align import get_aligner
    from workbench.align.dictionary import MissingDictionaryError, load_lexicon
    from workbench.align.ladder import read_ladder
    from workbench.evaluation.align import score_alignment

    books = sorted(args.gold.glob("*.fr"))
    if not books:
        print(f"no *.fr files in {args.gold}", file=sys.stderr)
        return 1
    try:
        lexicon = load_lexicon("fr", "en")
    except MissingDictionaryError as exc:
        print(f"no MT + dictionary column: {exc}", file=sys.stderr)
        lexicon = None
    rows = []
    for fr in books:
        src = fr.read_text(encoding="utf-8").splitlines()
        tgt = fr.with_suffix(".en").read_text(encoding="utf-8").splitlines()
        gold = read_ladder(fr.with_suffix(".gold"))
        mt = cached_mt(fr, HERE / "cache")
        row = {"book": fr.stem, "src": len(src), "tgt": len(tgt), "gold": len(gold)}
        for label, smt in (("mt", mt), ("nomt", None)):
            t0 = time.perf_counter()
            res = get_aligner("mtguided").align(src, tgt, src_mt=smt)
            row[f"{label}_secs"] = time.perf_counter() - t0
            sc = score_alignment(gold, res.beads)
            row[f"{label}_strict"], row[f"{label}_lax"] = sc.f1_strict, sc.f1_lax
        row["dict_strict"] = float("nan")
        if lexicon is not None:
            res = get_aligner("mtguided", lexicon=lexicon).align(src, tgt, src_mt=mt)
            row["dict_strict"] = score_alignment(gold, res.beads).f1_strict
        rows.append(row)
    keys = ("mt_strict", "mt_lax", "nomt_strict", "nomt_lax", "dict_strict")
    mean = {k: sum(r[k] for r in rows) / len(rows) for k in keys}
    if args.markdown:
        print("| book | fr | en | gold beads | strict F1 (MT) | lax F1 (MT) | strict F1 (MT + dict) | strict F1 (--no-mt) | lax F1 (--no-mt) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {r['book']} | {r['src']} | {r['tgt']} | {r['gold']} | {r['mt_strict']:.3f} | "
                  f"{r['mt_lax']:.3f} | {r['dict_strict']:.3f} | {r['nomt_strict']:.3f} | {r['nomt_lax']:.3f} |")
        print(f"| **mean** | | | | **{mean['mt_strict']:.3f}** | {mean['mt_lax']:.3f} | "
              f"**{mean['dict_strict']:.3f}** | **{mean['nomt_strict']:.3f}** | {mean['nomt_lax']:.3f} |")
    else:
        for r in rows:
            print(f"{r['book']:<30} MT strict {r['mt_strict']:.3f} lax {r['mt_lax']:.3f}   "
                  f"MT+dict strict {r['dict_strict']:.3f}   "
                  f"no-MT strict {r['nomt_strict']:.3f} lax {r['nomt_lax']:.3f}")
        print(f"{'mean':<30} MT strict {mean['mt_strict']:.3f} lax {mean['mt_lax']:.3f}   "
              f"MT+dict strict {mean['dict_strict']:.3f}   "
              f"no-MT strict {mean['nomt_strict']:.3f} lax {mean['nomt_lax']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
