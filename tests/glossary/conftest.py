"""Fixtures for glossary tests: a small hand-made glossary and the real seeds glossary."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.glossary import Glossary, load_csv, parse_csv

ROOT = Path(__file__).resolve().parents[2]
SEEDS_GLOSSARY = ROOT / "glossaries" / "seeds.csv"
SEEDS_DIR = ROOT / "seeds"

SMALL_CSV = """concept,lang,term,status,note
shoigu-full,fr,Sergueï Choïgou,preferred,
shoigu-full,fr,Sergueï Choïgu,variant,
shoigu-full,en,Sergei Shoigu,preferred,
shoigu,fr,Choïgou,preferred,
shoigu,fr,Shoig,variant,
shoigu,en,Shoigu,preferred,
kim-jong-un,fr,Kim Jong-un,preferred,
kim-jong-un,en,Kim Jong Un,preferred,
kiev,fr,Kiev,preferred,
kiev,en,Kyiv,preferred,
ivoire,fr,Côte d'Ivoire,preferred,
ivoire,en,Ivory Coast,preferred,
un,fr,ONU,preferred,
un,en,UN,preferred,
white-house,fr,Maison Blanche,preferred,
white-house,en,White House,preferred,
sputnik,ru,Спутник,preferred,only Russian: no row for fr or en
"""


@pytest.fixture(scope="session")
def small() -> Glossary:
    return parse_csv(SMALL_CSV, "small.csv")


@pytest.fixture(scope="session")
def seeds_glossary() -> Glossary:
    return load_csv(SEEDS_GLOSSARY)


@pytest.fixture(scope="session")
def seed_lines() -> list[str]:
    """Every non-blank line (paragraph) of the five seed articles."""
    return [line.strip() for path in sorted(SEEDS_DIR.glob("*.txt"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
