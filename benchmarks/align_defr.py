"""Alignment F1 on the German–French Text+Berg dev set (``../shared/data/align-gold-defr``,
GPL-2, the data vecalign and Bleualign report on): no MT exists offline for de→fr, so
this measures length + anchors (``--no-mt``) against the FreeDict dictionaries
(``dict-freedict-deu-fra`` + ``dict-freedict-fra-deu``) and the same through English
(``deu-eng`` + ``eng-fra``, composed with the pivot penalty), where installed.

The gold ladder writes one null bead per untranslated sentence, so beside the default
(adjacent nulls merged into one bead, the convention of the French–English books) the
figures with ``merge_nulls=False`` (the corpus's own convention) are printed too.
A split-half check scores the first and second half of the document separately. The
dictionary weights were not tuned on this set (``benchmarks/align_dict_weights.py`` shows
why: weights searched on it do worse on the parts they were not searched on).

    python benchmarks/align_defr.py [--gold DIR] [--markdown]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_GOLD = HERE.parent.parent / "shared" / "data" / "align-gold-defr"
CUT_SRC, CUT_TGT = 234, 290   # the split-half boundary (source / target sentence ids)


def _half(beads, first: bool) -> list:
    def is_first(b) -> bool:
        return b.src[0] < CUT_SRC if b.src else b.tgt[0] < CUT_TGT
    return [b for b in beads if is_first(b) == first]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=Path(os.environ.get("ALIGN_GOLD_DEFR", DEFAULT_GOLD)))
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE.parent))
    from workbench.align import get_aligner
    from workbench.align.dictionary import MissingDictionaryError, find_dictionaries, load_lexicon
    from workbench.align.ladder import read_ladder
    from workbench.evaluation.align import score_alignment

    src = (args.gold / "dev.de").read_text(encoding="utf-8").splitlines()
    tgt = (args.gold / "dev.fr").read_text(encoding="utf-8").splitlines()
    gold = read_ladder(args.gold / "dev.gold")
    dicts = find_dictionaries()
    setups: list[tuple[str, object]] = [("--no-mt (length + anchors)", None)]
    try:
        direct = [d for d in dicts if {d.src, d.tgt} == {"de", "fr"}]
        setups.append(("dictionary de–fr (FreeDict deu-fra + fra-deu)", load_lexicon("de", "fr", direct)))
    except MissingDictionaryError as exc:
        print(f"skipped direct dictionary: {exc}", file=sys.stderr)
    try:
        pivot = [d for d in dicts if (d.src, d.tgt) in {("de", "en"), ("en", "de"), ("en", "fr"), ("fr", "en")}]
        setups.append(("dictionary de→en→fr (deu-eng + eng-fra, pivot)", load_lexicon("de", "fr", pivot)))
    except MissingDictionaryError as exc:
        print(f"skipped pivot dictionary: {exc}", file=sys.stderr)
    rows = []
    for label, lex in setups:
        row = {"label": label}
        for merge in (True, False):
            t0 = time.perf_counter()
            res = get_aligner("mtguided", lexicon=lex, merge_nulls=merge).align(src, tgt)
            secs = time.perf_counter() - t0
            sc = score_alignment(gold, res.beads)
            a = score_alignment(_half(gold, True), _half(res.beads, True)).f1_strict
            b = score_alignment(_half(gold, False), _half(res.beads, False)).f1_strict
            row[merge] = (sc.f1_strict, sc.f1_lax, a, b, secs)
        rows.append(row)
    if args.markdown:
        print("| evidence | strict F1 | lax F1 | strict F1, nulls per sentence | first half | second half |")
        print("|---|---:|---:|---:|---:|---:|")
        for r in rows:
            s, lx, _, _, _ = r[True]
            s2, _, a, b, _ = r[False]
            print(f"| {r['label']} | {s:.3f} | {lx:.3f} | **{s2:.3f}** | {a:.3f} | {b:.3f} |")
    else:
        for r in rows:
            s, lx, _, _, secs = r[True]
            s2, lx2, a, b, _ = r[False]
            print(f"{r['label']:<50} strict {s:.3f} lax {lx:.3f} | nulls per sentence: strict "
                  f"{s2:.3f} lax {lx2:.3f} (halves {a:.3f} / {b:.3f}) | {secs:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
