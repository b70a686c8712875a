"""The public functions ingest calls: split_paragraphs and split_sentences."""

import pytest

from workbench.errors import UnsupportedLanguageError
from workbench.segment import (
    SEGMENTERS,
    base_language,
    get_segmenter,
    split_paragraphs,
    split_sentences,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("Un.\n\nDeux.", ["Un.", "Deux."]),
    ("Un.\nDeux.\n", ["Un.", "Deux."]),                           # one paragraph a line
    ("banner\nMaison / Nouvelles / Titre\nNouvelles", ["banner", "Maison / Nouvelles / Titre",
                                                       "Nouvelles"]),
    ("  • Premier point\n  • Second point.", ["• Premier point", "• Second point."]),
    ("Une phrase coupée\npar un retour à la ligne.", ["Une phrase coupée par un retour à la ligne."]),
    ("Fin de phrase.\nsuite en minuscule", ["Fin de phrase.", "suite en minuscule"]),
    ("Windows\r\nlines\r\n\r\nTwo", ["Windows lines", "Two"]),
    ("\n \n\t\n", []),
    ("Un  espace   double.", ["Un  espace   double."]),
])
def test_split_paragraphs(text, expected):
    assert split_paragraphs(text) == expected


def test_split_sentences_default_is_rules():
    assert split_sentences("Les E.-U. ont dit non. Mme Dupont aussi.", "fr") == [
        "Les E.-U. ont dit non.", "Mme Dupont aussi."]
    assert split_sentences("Les E.-U. ont dit non.", "fr", "pysbd") != ["Les E.-U. ont dit non."]


def test_blank_paragraph_has_no_sentences():
    assert split_sentences("   ", "fr") == []


@pytest.mark.parametrize("name", sorted(SEGMENTERS))
def test_every_segmenter_refuses_unknown_language(name):
    with pytest.raises(UnsupportedLanguageError):
        split_sentences("Bonjour.", "tlh", name)


def test_get_segmenter():
    assert get_segmenter().name == "rules"
    assert get_segmenter("pysbd").name == "pysbd"
    assert get_segmenter("rules") is get_segmenter("rules")
    with pytest.raises(ValueError):
        get_segmenter("nope")


@pytest.mark.parametrize(("lang", "code"), [("fr", "fr"), ("FR", "fr"), ("fr-CA", "fr"),
                                            ("en_GB", "en")])
def test_base_language(lang, code):
    assert base_language(lang) == code


def test_empty_language_is_refused():
    with pytest.raises(UnsupportedLanguageError):
        base_language(" ")
