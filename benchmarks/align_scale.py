"""Scale benchmark: align a synthetic 20,000 × 20,000 sentence document.

Source sentences are random words; the target "translation" maps each word
through a fixed dictionary, merges some sentence pairs (2-1), splits some
sentences (1-2) and drops a few; the source's MT is the target mapping with
word noise. Runtime excludes MT (the MT side is given) but includes feature
extraction and the DP. Peak memory is the process's max RSS.

The dictionary run aligns without MT, with a lexicon of the same word mapping
(read as German→French: Snowball stems and compound splitting included); each
source word has a second, wrong translation too, so the lexicon is ambiguous.

    python benchmarks/align_scale.py [--n 20000] [--check]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import random
import sys
import time


def synthetic(n: int, seed: int = 7, with_lexicon: bool = False):
    """Source, target, source MT and the true ladder (as id tuples); with
    ``with_lexicon``, also the word mapping as (word, [translations]) entries."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyzéèàç"
    vocab = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 10))) for _ in range(20000)]
    trans = {w: "".join(rng.choice(letters[:26]) for _ in range(max(2, len(w) + rng.randint(-2, 2))))
             for w in vocab}
    src = [" ".join(rng.choice(vocab) for _ in range(rng.randint(4, 30))) + " ." for _ in range(n)]
    mt = [" ".join(trans.get(w, w) if rng.random() > 0.3 else rng.choice(vocab) for w in s.split())
          for s in src]
    # balanced edits keep both sides at exactly n sentences: 2-1 merges and 1-2
    # splits in equal numbers, deletions (1-0) and insertions (0-1) likewise
    k_merge, k_drop = n // 40, n // 200
    ops = ["m"] * k_merge + ["s"] * k_merge + ["d"] * k_drop + ["i"] * k_drop
    ops += ["1"] * (n - 3 * k_merge - k_drop)  # sources: 2m + s + d + ones = n; targets: n too
    rng.shuffle(ops)
    tgt: list[str] = []
    gold: list[tuple] = []
    i = 0
    for op in ops:
        words = [trans.get(w, w) for w in src[i].split()] if i < n else []
        if op == "m" and i + 1 < n:
            words2 = [trans.get(w, w) for w in src[i + 1].split()]
            gold.append(((i, i + 1), (len(tgt),)))
            tgt.append(" ".join(words + words2))
            i += 2
        elif op == "s" and i < n:
            h = max(1, len(words) // 2)
            gold.append(((i,), (len(tgt), len(tgt) + 1)))
            tgt.extend([" ".join(words[:h]), " ".join(words[h:])])
            i += 1
        elif op == "d" and i < n:
            gold.append(((i,), ()))
            i += 1
        elif op == "i":
            gold.append(((), (len(tgt),)))
            tgt.append(" ".join(rng.choice(list(trans.values())) for _ in range(10)) + " .")
        elif i < n:
            gold.append(((i,), (len(tgt),)))
            tgt.append(" ".join(words))
            i += 1
    assert i == n and len(tgt) == n, (i, len(tgt))
    if with_lexicon:
        values = list(trans.values())
        entries = [(w, [t, rng.choice(values)]) for w, t in trans.items()]
        return src, tgt, mt, gold, entries
    return src, tgt, mt, gold


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--check", action="store_true", help="exit 1 unless < 60 s and < 2 GB")
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    from workbench.align import get_aligner
    from workbench.evaluation.align import score_alignment

    from workbench.align.dictionary import build_lexicon

    src, tgt, mt, gold, entries = synthetic(args.n, with_lexicon=True)
    t_lex = time.perf_counter()
    lexicon = build_lexicon("de", "fr", entries, sources=["synthetic"])
    lex_secs = time.perf_counter() - t_lex
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    result = get_aligner("mtguided").align(src, tgt, src_mt=mt)
    mt_secs = time.perf_counter() - t0
    t1 = time.perf_counter()
    result_nomt = get_aligner("mtguided").align(src, tgt)
    nomt_secs = time.perf_counter() - t1
    t2, c2 = time.perf_counter(), time.process_time()
    result_dict = get_aligner("mtguided", lexicon=lexicon).align(src, tgt)
    dict_secs, dict_cpu = time.perf_counter() - t2, time.process_time() - c2
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sc = score_alignment(gold, result.beads)
    sc_dict = score_alignment(gold, result_dict.beads)
    out = {
        "sentences": [len(src), len(tgt)], "seconds_mt_similarity": round(mt_secs, 2),
        "seconds_no_mt": round(nomt_secs, 2),
        "seconds_dictionary_no_mt": round(dict_secs, 2),
        "cpu_seconds_dictionary_no_mt": round(dict_cpu, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "seconds_building_lexicon": round(lex_secs, 2),
        "f1_strict_dictionary_vs_synthetic_truth": round(sc_dict.f1_strict, 4),
        "peak_rss_mb": round(peak, 1),
        "rss_before_align_mb": round(rss0, 1), "beads": len(result.beads),
        "f1_strict_vs_synthetic_truth": round(sc.f1_strict, 4),
        "cores": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine(),
        "date": time.strftime("%Y-%m-%d"),
    }
    print(json.dumps(out, indent=2))
    if args.check and (mt_secs > 60 or dict_secs > 60 or peak > 2048):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
