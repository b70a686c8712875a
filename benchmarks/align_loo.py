"""Leave-one-book-out check of the MT-guided aligner's weight tuning.

The default weights were chosen by a coordinate search on the six gold books,
so their gold-book F1 is optimistic. This script reruns the same search
(one round, from the defaults, over the weights below) on five books and
scores the sixth, for each book in turn, and prints the held-out strict F1s
and their mean. Uses the Apertium cache of ``align_gold.py``.

    python benchmarks/align_loo.py [--gold DIR] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from multiprocessing import Pool
from pathlib import Path

from align_dict_weights import to_weights  # the search's flat dict as Weights

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

#: Weight -> multiplicative step of the coordinate search ("p_A-B": prior of A-B and B-A).
STEPS = {"marks": 1.3, "words": 1.5, "sim": 1.2, "skip": 1.1, "length": 1.25, "anchor": 1.3, "weak": 1.5,
         "p_1-2": 1.25, "p_2-2": 1.25, "p_1-3": 1.2, "p_2-4": 1.2, "p_1-5": 1.2}
_BOOKS: dict[str, tuple] = {}


def _load(gold: Path) -> None:
    from align_gold import cached_mt

    from workbench.align.ladder import read_ladder

    for fr in sorted(gold.glob("*.fr")):
        _BOOKS[fr.stem] = (fr.read_text(encoding="utf-8").splitlines(),
                           fr.with_suffix(".en").read_text(encoding="utf-8").splitlines(),
                           read_ladder(fr.with_suffix(".gold")), cached_mt(fr, HERE / "cache"))


def _score(args: tuple[str, str]) -> float:
    from workbench.align.mtguided import MTGuidedAligner
    from workbench.evaluation.align import score_alignment

    book, key = args
    src, tgt, gold, mt = _BOOKS[book]
    res = MTGuidedAligner(weights=to_weights(json.loads(key))).align(src, tgt, src_mt=mt)
    return score_alignment(gold, res.beads).f1_strict


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_gold = HERE.parent.parent / "shared" / "data" / "align-gold"
    ap.add_argument("--gold", type=Path, default=Path(os.environ.get("ALIGN_GOLD", default_gold)))
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    _load(args.gold)
    from workbench.align.mtguided import Weights

    names = list(_BOOKS)
    cache: dict[str, dict[str, float]] = {}
    with Pool(args.jobs) as pool:
        def scores(kw: dict[str, float]) -> dict[str, float]:
            key = json.dumps(kw, sort_keys=True)
            if key not in cache:
                cache[key] = dict(zip(names, pool.map(_score, [(b, key) for b in names])))
            return cache[key]

        def search(kw: dict[str, float], train: list[str]) -> dict[str, float]:
            obj = lambda k: sum(scores(k)[b] for b in train) / len(train)  # noqa: E731
            best = obj(kw)
            for name, f in STEPS.items():
                for mult in (f, 1 / f):
                    while True:
                        cand = dict(kw, **{name: round(kw[name] * mult, 4)})
                        o = obj(cand)
                        if o <= best + 1e-4:
                            break
                        best, kw = o, cand
            return kw

        w = Weights()
        base = {k: (w.prior[k[2:]] if k.startswith("p_") else getattr(w, k)) for k in STEPS}
        held = {}
        for book in names:
            kw = search(base, [b for b in names if b != book])
            held[book] = scores(kw)[book]
            print(f"{book:<30} held-out strict F1 {held[book]:.3f}  (defaults {scores(base)[book]:.3f})",
                  flush=True)
    mean_d = sum(cache[json.dumps(base, sort_keys=True)].values()) / len(names)
    print(f"{'mean':<30} held-out strict F1 {sum(held.values()) / len(held):.3f}  (defaults {mean_d:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
