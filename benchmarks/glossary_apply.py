"""Glossary apply benchmark: a 500-concept glossary over 1,000,000 lines (target < 60 s, 2 cores).

    python benchmarks/glossary_apply.py                       # 500 concepts, 1,000,000 lines, 2 jobs
    python benchmarks/glossary_apply.py --lines 100000 --jobs 1

The glossary is synthetic but shaped like the real one: every concept has a
French and an English preferred form plus variants (accents dropped, hyphen
for space, a transliteration), a third of them two-word full names next to a
one-word short form. Lines are French-like news sentences of 12 to 30 words;
about 60% mention one to three concepts in a random form and case (some in
capitals), the rest mention none. Generation is seeded and not timed.

What is timed is exactly what ``workbench glossary apply --lang en`` runs:
:func:`workbench.glossary.textio.apply_stream` over UTF-8 byte lines, from
loading the glossary CSV to the last output byte (written to ``/dev/null``).
With ``--jobs N`` the input file is cut into N byte ranges at line breaks and
each range is processed by its own process (output order kept by range), the
way a 2-core machine would be used; ``--jobs 1`` is the plain CLI path.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "benchmarks" / "cache" / "glossary"

SYLLABLES = ("ka ko ri va ne mi sho gou lin dra pe tov zak ou ïa bé lé rou sta vo gre "
             "ni ja kha tch mar sel ber vik an ol ev gu ya").split()
FILLER = ("le la les de des du et en un une que qui a été pour dans sur avec par selon ministre "
          "président guerre armes munitions accord visite négociations pays gouvernement "
          "déclaré jeudi semaine dernière coopération sécurité nationale livraison forces "
          "russe américain nord-coréen porte-parole l'offensive d'artillerie «progressent» "
          "activement, notamment 2023 (AFP) juillet: rencontre.").split()


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def make_glossary(path: Path, concepts: int, seed: int = 1) -> list[list[str]]:
    """Write a CSV glossary; return the forms of each concept (for line generation)."""
    rng = random.Random(seed)
    rows = [("concept", "lang", "term", "status", "note")]
    forms: list[list[str]] = []
    used: set[str] = set()
    from workbench.glossary.normalise import key

    def fresh(parts: int) -> str:
        while True:
            name = _name(rng, parts)
            if key(name) not in used and len(key(name)) > 3:
                used.add(key(name))
                return name

    i = 0
    while len(forms) < concepts:
        if i % 3 == 0 and len(forms) + 2 <= concepts:  # full name + short form
            first, last = fresh(2), fresh(3)
            last_en = fresh(3)
            full_fr, full_en = f"{first} {last}", f"{first} {last_en}"
            for cid, fr, en in ((f"c{i}-full", full_fr, full_en), (f"c{i}", last, last_en)):
                var = fresh(3)
                rows += [(cid, "fr", fr, "preferred", ""), (cid, "fr", var, "variant", ""),
                         (cid, "en", en, "preferred", "")]
                used.update({key(fr), key(en)})
                forms.append([fr, en, var, fr.upper(), fr.replace(" ", "-")])
        else:
            fr, en, var = fresh(3), fresh(3), fresh(2)
            rows += [(f"c{i}", "fr", fr, "preferred", ""), (f"c{i}", "fr", var, "variant", ""),
                     (f"c{i}", "en", en, "preferred", "")]
            forms.append([fr, en, var, fr.upper(), fr.lower()])
        i += 1
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return forms


def make_text(path: Path, forms: list[list[str]], lines: int, seed: int = 2) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        buf = []
        for _ in range(lines):
            words = [rng.choice(FILLER) for _ in range(rng.randint(12, 30))]
            if rng.random() < 0.6:
                for _ in range(rng.randint(1, 3)):
                    words.insert(rng.randrange(len(words) + 1), rng.choice(rng.choice(forms)))
            buf.append(" ".join(words))
            if len(buf) == 10000:
                fh.write("\n".join(buf) + "\n")
                buf = []
        if buf:
            fh.write("\n".join(buf) + "\n")


def _ranges(path: Path, jobs: int) -> list[tuple[int, int]]:
    size = path.stat().st_size
    cuts = [0]
    with path.open("rb") as fh:
        for j in range(1, jobs):
            fh.seek(size * j // jobs)
            fh.readline()
            cuts.append(fh.tell())
    cuts.append(size)
    return list(zip(cuts, cuts[1:]))


def _run_range(glossary_path: str, text_path: str, start: int, end: int, lang: str) -> tuple[int, int]:
    """Load the glossary and apply it to one byte range; returns (lines, output bytes)."""
    from workbench.glossary import load_csv
    from workbench.glossary.textio import apply_stream

    g = load_csv(glossary_path)
    n = out_bytes = 0
    with open(text_path, "rb") as fh, open(os.devnull, "wb") as sink:
        fh.seek(start)
        remaining = end - start

        def lines():
            nonlocal remaining
            while remaining > 0:
                line = fh.readline()
                if not line:
                    return
                remaining -= len(line)
                yield line

        for chunk in apply_stream(g, lines(), lang, text_path):
            sink.write(chunk)
            n += 1
            out_bytes += len(chunk)
    return n, out_bytes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--concepts", type=int, default=500)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--lang", default="en")
    args = ap.parse_args()

    CACHE.mkdir(parents=True, exist_ok=True)
    gpath = CACHE / f"glossary-{args.concepts}.csv"
    tpath = CACHE / f"text-{args.concepts}-{args.lines}.txt"
    forms = make_glossary(gpath, args.concepts)
    if not tpath.exists():
        make_text(tpath, forms, args.lines)
    size_mb = tpath.stat().st_size / 1e6

    t0 = time.perf_counter()
    if args.jobs == 1:
        results = [_run_range(str(gpath), str(tpath), 0, tpath.stat().st_size, args.lang)]
    else:
        with ProcessPoolExecutor(args.jobs) as pool:
            futures = [pool.submit(_run_range, str(gpath), str(tpath), s, e, args.lang)
                       for s, e in _ranges(tpath, args.jobs)]
            results = [f.result() for f in futures]
    elapsed = time.perf_counter() - t0
    lines = sum(r[0] for r in results)
    summary = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores "
                   f"visible, Python {platform.python_version()}, {platform.system()}",
        "concepts": args.concepts,
        "lines": lines,
        "input_mb": round(size_mb, 1),
        "jobs": args.jobs,
        "seconds": round(elapsed, 2),
        "lines_per_second": round(lines / elapsed),
    }
    print(json.dumps(summary, indent=2))
    (CACHE / f"result-{args.jobs}jobs.json").write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
