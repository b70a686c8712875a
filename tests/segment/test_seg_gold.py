"""The hand-checked gold segmentation of the five seed articles, and scores on it."""

from pathlib import Path

import pytest

from workbench.segment import SEGMENTERS, split_paragraphs, split_sentences
from workbench.segment.metrics import BoundaryScores, evaluate, parse_gold

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLD_DIR = ROOT / "tests" / "data" / "seg-gold"


def squeeze(text: str) -> str:
    return "".join(text.split())


def gold_of(seed: Path) -> list[list[str]]:
    return parse_gold((GOLD_DIR / seed.name).read_text(encoding="utf-8"))


def test_every_seed_has_a_gold_file():
    assert len(SEEDS) == 5
    assert sorted(p.name for p in GOLD_DIR.glob("*.txt")) == [p.name for p in SEEDS]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_gold_holds_exactly_the_seed_text(seed):
    gold = gold_of(seed)
    assert squeeze("".join(s for p in gold for s in p)) == squeeze(seed.read_text("utf-8"))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_paragraph_rule_matches_the_gold_paragraphs(seed):
    paragraphs = split_paragraphs(seed.read_text("utf-8"))
    assert [squeeze(p) for p in paragraphs] == [squeeze("".join(p)) for p in gold_of(seed)]


@pytest.mark.parametrize("name", sorted(SEGMENTERS))
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_segmentation_never_loses_or_invents_characters(seed, name):
    for paragraph in split_paragraphs(seed.read_text("utf-8")):
        sentences = split_sentences(paragraph, "fr", name)
        assert all(s and s == s.strip() for s in sentences)
        assert squeeze("".join(sentences)) == squeeze(paragraph)


def seed_scores(name: str, *, from_source: bool) -> BoundaryScores:
    total = BoundaryScores()
    for seed in SEEDS:
        sources = split_paragraphs(seed.read_text("utf-8")) if from_source else None
        total += evaluate(gold_of(seed), lambda t: split_sentences(t, "fr", name), sources)
    return total


@pytest.mark.parametrize("from_source", [True, False], ids=["source", "rejoined"])
def test_rules_beat_threshold_and_pysbd(from_source):
    rules = seed_scores("rules", from_source=from_source)
    plain = seed_scores("pysbd", from_source=from_source)
    assert rules.gold >= 30
    assert rules.precision >= 0.97, rules.errors
    assert rules.recall >= 0.97, rules.errors
    assert rules.f1 >= 0.97
    assert rules.f1 > plain.f1
