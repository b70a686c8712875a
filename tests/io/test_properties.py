"""Property tests: any Unicode text survives a write then read, per format.

XML formats cannot hold C0 controls, U+FFFE/U+FFFF: TMX drops them (counted),
XLIFF keeps them as ``<cp>``. Lone surrogates are not Unicode text and cannot
be stored in the project at all, so they are left out of the strategy.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from workbench.io import FORMATS, Target, Unit, WriteOptions  # noqa: E402
from workbench.io.base import xml_clean  # noqa: E402

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
NAMES = {"tmx": "p.tmx", "xliff": "p.xlf", "tsv": "p.tsv", "csv": "p.csv", "jsonl": "p.jsonl",
         "parquet": "p.parquet"}


def round_trip(fmt: str, source: str, target: str, title: str):
    unit = Unit(source=source, source_lang="fr", document=title, document_id=1, segment_id=7,
                paragraph=0, idx=0,
                targets=(Target(lang="en", text=target, status="approved", version=2,
                                confidence=0.5),))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / NAMES[fmt]
        stats = FORMATS[fmt].write([unit], out, WriteOptions(source_lang="fr", target_langs=("en",)))
        units = list(FORMATS[fmt].read(out))
    assert len(units) == 1
    return stats, units[0]


@pytest.mark.parametrize("fmt", ["jsonl", "tsv", "csv", "xliff"])
@settings(max_examples=150, deadline=None)
@given(source=TEXT, target=TEXT, title=TEXT)
def test_lossless_formats_return_any_text_unchanged(fmt, source, target, title):
    stats, back = round_trip(fmt, source, target, title)
    assert (back.source, back.targets[0].text) == (source, target)
    assert back.targets[0].status == "approved" and back.targets[0].version == 2
    if fmt != "xliff":  # XLIFF metadata (the title) drops what XML cannot hold
        assert back.document == title
    assert back.segment_id == 7


@settings(max_examples=150, deadline=None)
@given(source=TEXT, target=TEXT, title=TEXT)
def test_tmx_returns_text_minus_what_xml_cannot_hold(source, target, title):
    stats, back = round_trip("tmx", source, target, title)
    assert back.source == xml_clean(source)[0] and back.targets[0].text == xml_clean(target)[0]
    assert back.document == xml_clean(title)[0]
    assert stats.removed_chars == sum(xml_clean(t)[1] for t in (source, target, title))


@settings(max_examples=25, deadline=None)
@given(source=TEXT, target=TEXT)
def test_parquet_returns_any_text_unchanged(source, target):
    _, back = round_trip("parquet", source, target, "t")
    assert (back.source, back.targets[0].text) == (source, target)
