"""The pysbd baseline: plain pysbd, offsets into the text, language check."""

import pytest

from workbench.errors import UnsupportedLanguageError
from workbench.segment.pysbd_plain import PysbdSegmenter, cut, pysbd_language, pysbd_starts


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("M. Kirby a dit. Mme Dupont est là.", "fr", ["M. Kirby a dit.", "Mme Dupont est là."]),
    ("Mr. Smith left. He came back.", "en", ["Mr. Smith left.", "He came back."]),
    ("Il fait beau. (AFP)", "fr", ["Il fait beau.", "(AFP)"]),
])
def test_pysbd_splits(text, lang, expected):
    assert PysbdSegmenter().split(text, lang) == expected


def test_pysbd_starts_are_offsets_into_the_text():
    text = "Un.  Deux.\u00a0Trois."
    assert pysbd_starts(text, "fr") == [text.index("Deux"), text.index("Trois")]


def test_cut_strips_and_keeps_every_character():
    assert cut(" a b  c ", [3, 5]) == ["a", "b", "c"]


@pytest.mark.parametrize("lang", ["xx", "fr_CA", "EN"])
def test_language_codes(lang):
    if lang == "xx":
        with pytest.raises(UnsupportedLanguageError):
            pysbd_language(lang)
    else:
        assert pysbd_language(lang) in {"fr", "en"}
