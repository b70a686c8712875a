"""Issue 13, item 9: segmentation is linear in paragraph length (pysbd alone is
quadratic: 100 KB took 11 s, 400 KB 166 s), and cutting long paragraphs changes no
sentence boundary where a sure one exists."""

from __future__ import annotations

import time
from pathlib import Path

from workbench.segment import get_segmenter, split_paragraphs, split_sentences

FR = "Sergueï Choïgou s'est rendu à Pyongyang fin juillet. M. Kirby l'a dit, selon l'AFP. "
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _seconds_per_mb(size: int) -> float:
    text = FR * (size // len(FR.encode()))
    start = time.perf_counter()
    out = split_sentences(text, "fr")
    took = time.perf_counter() - start
    assert "".join(out).replace(" ", "") == text.replace(" ", "")
    return took / (len(text.encode()) / 2**20)


def test_time_per_megabyte_is_constant_within_two_times():
    # best of a few runs: the machine may be busy with other work
    small = min(_seconds_per_mb(2**18) for _ in range(3))
    large = min(_seconds_per_mb(2**20) for _ in range(2))
    assert large < 2 * small, (small, large)
    assert large < 30  # seconds for a 1 MB paragraph (pysbd alone: hours)


def test_a_long_paragraph_splits_as_its_parts_do():
    paragraphs = [p for f in sorted(SEEDS.iterdir()) for p in
                  split_paragraphs(f.read_text(encoding="utf-8"))]
    prose = [p for p in paragraphs if len(p) > 80 and p.rstrip().endswith(".")]
    text = " ".join(prose)
    assert len(text) > 10_000
    whole = get_segmenter().split(text, "fr")  # one pysbd call, no cutting
    assert split_sentences(text, "fr") == whole
