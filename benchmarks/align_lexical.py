"""Which lexical evidence helps dictionary-only alignment: the variants tried for issue 18.

Each row changes only how words are matched (never the weights, never fitted on a gold
ladder) and reports

* strict F1 on the German–French Text+Berg dev set (``../shared/data/align-gold-defr``),
  adjacent nulls merged and one null bead per sentence (the corpus's convention);
* the top-1 proxy: for each gold 1-1 bead, is the true target sentence the most similar
  (dictionary cosine) of the 11 around it, and the mean margin over the runner-up;
* mean strict F1 on the six French–English gold books aligned with the fr–en
  dictionaries alone (``--books``, slower): the held-out check, since nothing here was
  developed on them.

Variants: the shipped matching (Snowball stems, compounds, German participles,
hyphenated words by their parts, cognates and numbers); the matching before issue 18's
last change (no participles, no hyphen splitting); a guess at German ``-t`` / ``-te``
verb endings; both dictionary directions stacked; two second passes learnt from the
first alignment (a hunalign-style Dice lexicon, and each word's translations narrowed to
those the first pass saw it take); and, as a
diagnosis only, a lexicon learnt from the gold ladder's own 1-1 beads (an upper bound
for any bead-level lexicon; not a usable method).

    python benchmarks/align_lexical.py [--books] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_GOLD = HERE.parent.parent / "shared" / "data" / "align-gold-defr"
DEFAULT_BOOKS = HERE.parent.parent / "shared" / "data" / "align-gold"
sys.path.insert(0, str(HERE.parent))

from workbench.align import dictionary as D  # noqa: E402
from workbench.align.mtguided import MTGuidedAligner  # noqa: E402
from workbench.evaluation.align import score_alignment  # noqa: E402

ORIG_VECTORS, ORIG_VERB_FORMS = D.lexical_vectors, D.verb_forms


@contextlib.contextmanager
def patched(**attrs) -> Iterator[None]:
    """Module attributes of ``workbench.align.dictionary`` replaced for one variant."""
    old = {k: getattr(D, k) for k in attrs}
    for k, v in attrs.items():
        setattr(D, k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(D, k, v)


def _no_hyphen_parts(word: str, known, lang: str) -> list[str]:
    """Before: compounds only, hyphenated words whole."""
    if lang in D.COMPOUNDING and len(word) >= 6:
        return D.split_compound(word, known)
    return []


def _with_endings(word: str, lang: str) -> list[str]:
    """Participles plus a guess at ``-t`` / ``-te`` / ``-ten`` endings (*führte* → *führen*)."""
    out = ORIG_VERB_FORMS(word, lang)
    if lang == "de":
        for end in ("test", "ten", "tet", "te", "t"):
            if word.endswith(end) and len(word) - len(end) >= 3:
                base = word[: len(word) - len(end)]
                out += [base + "en", base + "n"]
                break
    return out


def _both_directions(reverse: dict, weight: float) -> Callable:
    """``src→tgt`` vectors stacked beside ``tgt→src`` ones (scaled by ``weight``)."""
    from workbench.align.features import stack_rows

    def vectors(src, tgt, lex, **kw):
        a, b = ORIG_VECTORS(src, tgt, lex, **kw)
        rb, ra = ORIG_VECTORS(tgt, src, reverse[(lex.src, lex.tgt)], **kw)
        return stack_rows(a, ra, weight), stack_rows(b, rb, weight)
    return vectors


def dice_lexicon(src, tgt, beads, lex: D.Lexicon, min_count: int = 2, min_dice: float = 0.5,
                 only_unknown: bool = True) -> D.Lexicon:
    """hunalign's second pass: word pairs co-occurring in the 1-1 beads of a first
    alignment (Dice ≥ ``min_dice``, at least ``min_count`` times) added to ``lex``
    (only for source stems it lacks, unless ``only_unknown`` is off)."""
    ss, ts = D.get_stemmer(lex.src), D.get_stemmer(lex.tgt)
    s_n: Counter = Counter()
    t_n: Counter = Counter()
    pair: Counter = Counter()
    for b in beads:
        if len(b.src) != 1 or len(b.tgt) != 1:
            continue
        a = {ss(w) for w in D.tokens(src[b.src[0]]) if len(w) >= 2 and not w.isdigit()}
        c = {ts(w) for w in D.tokens(tgt[b.tgt[0]]) if len(w) >= 2 and not w.isdigit()}
        s_n.update(a)
        t_n.update(c)
        pair.update((x, y) for x in a for y in c)
    entries = dict(lex.entries)
    for (x, y), c in pair.most_common():
        if c >= min_count and (not only_unknown or x not in lex.entries) \
                and 2 * c / (s_n[x] + t_n[y]) >= min_dice:
            entries[x] = tuple(dict.fromkeys(entries.get(x, ()) + (y,)))
    return D.Lexicon(lex.src, lex.tgt, entries, lex.sources, lex.trust, lex.via)


def usage_lexicon(src, tgt, beads, lex: D.Lexicon) -> D.Lexicon:
    """Per-document translation choice: for a source stem with several dictionary
    translations, keep those that occur on the target side of its beads in the first
    alignment at least half as often as its most frequent one (the others only dilute
    its ``1/√k`` shares); stems never seen translated keep all theirs."""
    ss, ts = D.get_stemmer(lex.src), D.get_stemmer(lex.tgt)
    hits: dict[str, Counter] = {}
    for b in beads:
        if not b.src or not b.tgt:
            continue
        there = {ts(w) for j in b.tgt for w in D.tokens(tgt[j])}
        for i in b.src:
            for w in D.tokens(src[i]):
                got = lex.entries.get(ss(w), ())
                if len(got) > 1:
                    hits.setdefault(ss(w), Counter()).update(set(got) & there)
    entries = dict(lex.entries)
    for stem, c in hits.items():
        if c:
            top = max(c.values())
            entries[stem] = tuple(t for t in lex.entries[stem] if c[t] >= max(1, top / 2))
    return D.Lexicon(lex.src, lex.tgt, entries, lex.sources, lex.trust, lex.via)


def proxy(src, tgt, gold, lex) -> tuple[float, float]:
    """Top-1 rate and mean margin of the true target among the 11 around it (gold 1-1 beads)."""
    vs, vt = D.lexical_vectors(src, tgt, lex)
    S, T = vs.dense(0, vs.n), vt.dense(0, vt.n)
    S /= np.linalg.norm(S, axis=1, keepdims=True) + 1e-9
    T /= np.linalg.norm(T, axis=1, keepdims=True) + 1e-9
    top, margins = 0, []
    ones = [b for b in gold if len(b.src) == 1 and len(b.tgt) == 1]
    for b in ones:
        i, j = b.src[0], b.tgt[0]
        lo, hi = max(0, j - 5), min(len(T), j + 6)
        c = T[lo:hi] @ S[i]
        top += int(np.argmax(c) == j - lo)
        margins.append(c[j - lo] - np.delete(c, j - lo).max())
    return top / len(ones), float(np.mean(margins))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env = os.environ.get
    ap.add_argument("--gold", type=Path, default=Path(env("ALIGN_GOLD_DEFR", DEFAULT_GOLD)))
    ap.add_argument("--books-dir", type=Path, default=Path(env("ALIGN_GOLD", DEFAULT_BOOKS)))
    ap.add_argument("--books", action="store_true", help="also score the six fr–en books")
    ap.add_argument("--only", nargs="*", default=None, help="variant names to run")
    args = ap.parse_args()
    from workbench.align.ladder import read_ladder

    src = (args.gold / "dev.de").read_text(encoding="utf-8").splitlines()
    tgt = (args.gold / "dev.fr").read_text(encoding="utf-8").splitlines()
    gold = read_ladder(args.gold / "dev.gold")
    dicts = D.find_dictionaries()
    pair = [d for d in dicts if {d.src, d.tgt} == {"de", "fr"}]
    de_fr, fr_de = D.load_lexicon("de", "fr", pair), D.load_lexicon("fr", "de", pair)
    books = []
    if args.books:
        fr_en, en_fr = D.load_lexicon("fr", "en"), D.load_lexicon("en", "fr")
        for fr in sorted(args.books_dir.glob("*.fr")):
            books.append((fr.read_text(encoding="utf-8").splitlines(),
                          fr.with_suffix(".en").read_text(encoding="utf-8").splitlines(),
                          read_ladder(fr.with_suffix(".gold")), fr_en))
    reverse = {("de", "fr"): fr_de}
    if args.books:
        reverse[("fr", "en")] = en_fr

    def align(s, t, lex, merge=True):
        return MTGuidedAligner(lexicon=lex, merge_nulls=merge).align(s, t).beads

    def second_pass(learn: Callable) -> Callable:
        """A scorer that aligns once, learns from the first beads, and realigns."""
        def score(s, t, g, lex, merge):
            first = align(s, t, lex, merge)
            new_lex, vectors = learn(s, t, first, lex)
            with patched(lexical_vectors=vectors):
                return score_alignment(g, align(s, t, new_lex, merge)).f1_strict, new_lex
        return score

    def plain(s, t, g, lex, merge):
        return score_alignment(g, align(s, t, lex, merge)).f1_strict, lex

    variants: list[tuple[str, dict, Callable]] = [
        ("shipped", {}, plain),
        ("before: no participles, no hyphen splitting",
         {"verb_forms": lambda w, lang: [], "_parts_of": _no_hyphen_parts}, plain),
        ("+ German -t/-te/-ten endings guessed", {"verb_forms": _with_endings}, plain),
        ("+ reverse direction stacked (weight 1)",
         {"lexical_vectors": _both_directions(reverse, 1.0)}, plain),
        ("+ reverse direction stacked (weight 0.5)",
         {"lexical_vectors": _both_directions(reverse, 0.5)}, plain),
        ("second pass: Dice lexicon for unknown words (≥ 0.5, ≥ 2)", {},
         second_pass(lambda s, t, b, lex: (dice_lexicon(s, t, b, lex), ORIG_VECTORS))),
        ("second pass: Dice lexicon for all words (≥ 0.7, ≥ 3)", {},
         second_pass(lambda s, t, b, lex: (dice_lexicon(s, t, b, lex, 3, 0.7, False),
                                           ORIG_VECTORS))),
        ("second pass: translations chosen by first-pass usage", {},
         second_pass(lambda s, t, b, lex: (usage_lexicon(s, t, b, lex), ORIG_VECTORS))),
    ]
    print("| lexical evidence | T+B strict F1 | T+B nulls per sentence | top-1 proxy | margin |"
          + (" books (fr–en dict, mean) |" if books else ""))
    print("|---|---:|---:|---:|---:|" + ("---:|" if books else ""))
    for name, attrs, score in variants:
        if args.only and not any(o in name for o in args.only):
            continue
        t0 = time.perf_counter()
        with patched(**attrs):
            (f0, _), (f1, used) = (score(src, tgt, gold, de_fr, m) for m in (True, False))
            f = [f0, f1]
            top, margin = proxy(src, tgt, gold, used)   # the second pass's lexicon, if any
            b = [score(s, t, g, lex, True)[0] for s, t, g, lex in books]
        cells = f"| {name} | {f[0]:.4f} | {f[1]:.4f} | {top:.3f} | {margin:.3f} |"
        if books:
            cells += f" {sum(b) / len(b):.4f} |"
        print(cells + f"  <!-- {time.perf_counter() - t0:.0f} s -->", flush=True)
    # diagnosis only: the best a bead-level lexicon could do, learnt from the gold itself
    if not args.only or any("gold" in o for o in args.only):
        for only_unknown in (True, False):
            lex = dice_lexicon(src, tgt, gold, de_fr, only_unknown=only_unknown)
            f = [score_alignment(gold, align(src, tgt, lex, m)).f1_strict for m in (True, False)]
            top, margin = proxy(src, tgt, gold, lex)
            what = "unknown" if only_unknown else "all"
            print(f"| diagnosis, not a method: Dice lexicon from the gold 1-1 beads ({what} words) "
                  f"| {f[0]:.4f} | {f[1]:.4f} | {top:.3f} | {margin:.3f} |"
                  + (" – |" if books else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
