"""Why the dictionary-only weights (``DICT_WEIGHTS``) are not searched: held-out checks.

``DICT_WEIGHTS`` are the French–English MT weights with two changes made by reasoning,
not by search (the weakest member judged relative to its side's coverage; priors for the
extra bead shapes from the MT shapes of as many sentences). This script runs the
coordinate search that would tune them, from ``DICT_WEIGHTS``, and scores what it finds
on text it did not see:

``--tune books``: search on the six French–English gold books aligned with the fr–en
FreeDict dictionaries alone (no MT); score on the German–French Text+Berg dev set.

``--tune defr``: search on the Text+Berg dev set itself, cut into ``--folds`` contiguous
parts at gold bead boundaries: weights searched on the other parts are scored on each
part (the document is always aligned whole; only the scoring is restricted to a part),
and the held-out counts are pooled.

Text+Berg scores use the corpus's convention (one null bead per untranslated sentence).

    python benchmarks/align_dict_weights.py --tune books [--rounds 2] [--jobs 2]
    python benchmarks/align_dict_weights.py --tune defr [--folds 4]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_GOLD = HERE.parent.parent / "shared" / "data" / "align-gold-defr"
DEFAULT_BOOKS = HERE.parent.parent / "shared" / "data" / "align-gold"

#: Weight -> step of the coordinate search: ("*", f) multiplies by f and 1/f, ("+", d)
#: adds ±d, ("!", 0) flips a flag; "p_A-B" is the prior of A-B and B-A.
STEPS: dict[str, tuple[str, float]] = {
    "sim": ("*", 1.2), "sim_scale": ("*", 1.1), "skip": ("*", 1.1), "length": ("*", 1.25),
    "length_var": ("*", 1.25), "marks": ("+", 0.1), "anchor": ("*", 1.3), "weak": ("*", 1.5),
    "weak_relative": ("!", 0),
    "p_1-2": ("*", 1.25), "p_2-2": ("*", 1.25), "p_1-3": ("*", 1.2), "p_1-4": ("*", 1.2),
    "p_2-3": ("*", 1.2), "p_2-4": ("*", 1.2), "p_1-5": ("*", 1.2), "p_3-3": ("*", 1.2),
    "p_3-4": ("*", 1.2), "p_2-5": ("*", 1.2),
}


def to_weights(kw: dict[str, float], base=None):
    """``Weights`` from the search's flat dict (``p_A-B`` sets both A-B and B-A priors)."""
    from workbench.align.mtguided import Weights

    base = base or Weights()
    prior = dict(base.prior)
    plain = {}
    for k, v in kw.items():
        if k.startswith("p_"):
            a, b = k[2:].split("-")
            prior[f"{a}-{b}"] = prior[f"{b}-{a}"] = v
        else:
            plain[k] = v
    return replace(base, prior=prior, **plain)


def from_weights(w) -> dict[str, float]:
    """The searched weights of ``w`` as the search's flat dict."""
    return {k: (w.prior.get(k[2:], 3.0) if k.startswith("p_") else getattr(w, k)) for k in STEPS}


def fold_of(gold, folds: int):
    """A function bead -> part number (0..folds-1), cutting the gold ladder into
    ``folds`` runs of about equal numbers of beads (at the first source and target
    sentence of the beads from each cut on)."""
    cuts = []
    for f in range(1, folds):
        rest = gold[round(f * len(gold) / folds):]
        cuts.append((min(i for b in rest for i in b.src), min(j for b in rest for j in b.tgt)))

    def part(bead) -> int:
        return sum((bead.src[0] >= s) if bead.src else (bead.tgt[0] >= t) for s, t in cuts)
    return part


def _search(kw: dict[str, float], objective, rounds: int) -> dict[str, float]:
    """Coordinate search: each weight in turn moves by its step while ``objective`` rises."""
    best = objective(kw)
    for _ in range(rounds):
        moved = False
        for name, (op, step) in STEPS.items():
            if op == "!":
                cand = dict(kw, **{name: not kw[name]})
                o = objective(cand)
                if o > best + 1e-6:
                    best, kw, moved = o, cand, True
                continue
            for d in ((step, 1 / step) if op == "*" else (step, -step)):
                while True:
                    v = kw[name] * d if op == "*" else kw[name] + d
                    if v < 0:
                        break
                    cand = dict(kw, **{name: round(v, 4)})
                    o = objective(cand)
                    if o <= best + 1e-6:
                        break
                    best, kw, moved = o, cand, True
                    print(f"  {name} -> {cand[name]}: {o:.4f}", flush=True)
        if not moved:
            break
    return kw


_BOOKS: list[tuple] = []


def _book_f1(args: tuple[int, str]) -> float:
    from workbench.align.mtguided import DICT_WEIGHTS, MTGuidedAligner
    from workbench.evaluation.align import score_alignment

    k, key = args
    src, tgt, gold, lex = _BOOKS[k]
    res = MTGuidedAligner(lexicon=lex, dict_weights=to_weights(json.loads(key), DICT_WEIGHTS)
                          ).align(src, tgt)
    return score_alignment(gold, res.beads).f1_strict


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tune", choices=("books", "defr"), default="books")
    ap.add_argument("--gold", type=Path, default=Path(os.environ.get("ALIGN_GOLD_DEFR", DEFAULT_GOLD)))
    ap.add_argument("--books", type=Path, default=Path(os.environ.get("ALIGN_GOLD", DEFAULT_BOOKS)))
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    sys.path.insert(0, str(HERE.parent))
    from workbench.align.dictionary import find_dictionaries, load_lexicon
    from workbench.align.ladder import read_ladder
    from workbench.align.mtguided import DICT_WEIGHTS, MTGuidedAligner
    from workbench.evaluation.align import score_alignments

    src = (args.gold / "dev.de").read_text(encoding="utf-8").splitlines()
    tgt = (args.gold / "dev.fr").read_text(encoding="utf-8").splitlines()
    gold = read_ladder(args.gold / "dev.gold")
    lex = load_lexicon("de", "fr", [d for d in find_dictionaries() if {d.src, d.tgt} == {"de", "fr"}])
    part = fold_of(gold, args.folds)
    gold_parts = [[b for b in gold if part(b) == f] for f in range(args.folds)]
    base_w = DICT_WEIGHTS
    cache: dict[str, list[list]] = {}
    all_parts = list(range(args.folds))

    def beads(kw: dict[str, float]) -> list[list]:
        key = json.dumps(kw, sort_keys=True)
        if key not in cache:
            w = to_weights(kw, base_w)
            res = MTGuidedAligner(lexicon=lex, dict_weights=w, merge_nulls=False).align(src, tgt)
            cache[key] = [[b for b in res.beads if part(b) == f] for f in range(args.folds)]
        return cache[key]

    def f1(kw: dict[str, float], parts: list[int] = all_parts) -> float:
        got = beads(kw)
        return score_alignments([gold_parts[f] for f in parts], [got[f] for f in parts]).f1_strict

    start = from_weights(base_w)
    t0 = time.perf_counter()
    if args.tune == "books":
        from multiprocessing import Pool

        lex_fe = load_lexicon("fr", "en")
        for fr in sorted(args.books.glob("*.fr")):
            _BOOKS.append((fr.read_text(encoding="utf-8").splitlines(),
                           fr.with_suffix(".en").read_text(encoding="utf-8").splitlines(),
                           read_ladder(fr.with_suffix(".gold")), lex_fe))
        memo: dict[str, float] = {}
        with Pool(args.jobs) as pool:
            def mean_f1(kw: dict[str, float]) -> float:
                key = json.dumps(kw, sort_keys=True)
                if key not in memo:
                    memo[key] = sum(pool.map(_book_f1, [(k, key) for k in range(len(_BOOKS))])) / len(_BOOKS)
                return memo[key]

            print(f"DICT_WEIGHTS: books {mean_f1(start):.4f}, Text+Berg {f1(start):.4f}", flush=True)
            kw = _search(start, mean_f1, args.rounds)
            print(f"searched on the books: books {mean_f1(kw):.4f}, Text+Berg (held out) {f1(kw):.4f}")
    else:
        held_pred = []
        for f in all_parts:
            train = [g for g in all_parts if g != f]
            kw = _search(start, lambda k: f1(k, train), args.rounds)  # noqa: B023
            held_pred.append(beads(kw)[f])
            print(f"part {f}: {len(gold_parts[f])} gold beads, held-out strict F1 {f1(kw, [f]):.3f} "
                  f"(DICT_WEIGHTS {f1(start, [f]):.3f}; on the parts searched {f1(kw, train):.3f})", flush=True)
        held = score_alignments(gold_parts, held_pred).f1_strict
        kw = _search(start, f1, args.rounds)
        print(f"held-out strict F1 (pooled over {args.folds} parts): {held:.4f}")
        print(f"DICT_WEIGHTS on the whole dev set: {f1(start):.4f}")
        print(f"searched on the whole dev set: {f1(kw):.4f} (optimistic)")
    changed = {k: v for k, v in kw.items() if v != start[k]}
    print("weights moved by the search:", json.dumps(changed, sort_keys=True))
    print(f"{time.perf_counter() - t0:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
