"""Segmentation time per MB of one long paragraph (issue 13, item 9): 1 MB and 9 MB.

    PYTHONPATH=. python benchmarks/seg_scale.py
"""
import time

from workbench.segment import split_sentences

FR = "Sergueï Choïgou s'est rendu à Pyongyang fin juillet. M. Kirby l'a dit, selon l'AFP. "
for mb in (1, 9):
    text = FR * (mb * 1024 * 1024 // len(FR.encode()))
    start = time.perf_counter()
    out = split_sentences(text, "fr")
    took = time.perf_counter() - start
    assert "".join(out).replace(" ", "") == text.replace(" ", "")
    print(f"{mb} MB: {took:.1f} s, {took / mb:.2f} s/MB, {len(out)} sentences", flush=True)
