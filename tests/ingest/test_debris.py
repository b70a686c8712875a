"""Scraped debris is recognised, kept, and never eats article text."""

import re

import pytest

from workbench.ingest.debris import classify, split_debris


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("banner", "page marker"),
        ("fr-01", "page marker"),
        ("Nouvelles", "navigation label"),
        ("Maison / Nouvelles / La Maison Blanche affirme qu'un haut responsable russe", "breadcrumb"),
        ("Home > World > Asia", "breadcrumb"),
        ("Aug 08, 2023Aug 08, 2023", "date line"),
        ("4 septembre 2023", "date line"),
        ("(Photo AP/Evan Vucci)", "photo credit"),
        ("Image : Libkos/AP/picture alliance", "photo credit"),
        ("(AFP)", "agency credit"),
        ("•", "symbols only"),
        # Article text stays translatable.
        ("Menacé de sanctions", None),
        ("Mis à jour lundi 4 septembre 2023 – 22h14", None),
        ("La Russie est l'un des rares pays à maintenir le contact.", None),
        ("Kim et Poutine / Moscou", None),
        ("Photos de famille à Pyongyang", None),
    ],
)
def test_classify(text, reason):
    assert classify(text) == reason


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "le mercredi 26 juillet 2023, à Washington. (Photo AP/Evan Vucci)",
            [("le mercredi 26 juillet 2023, à Washington.", None), ("(Photo AP/Evan Vucci)", "photo credit")],
        ),
        (
            "La Russie perdrait ses équipements lourds en Ukraine Image : Libkos/AP/picture alliance",
            [("La Russie perdrait ses équipements lourds en Ukraine", None),
             ("Image : Libkos/AP/picture alliance", "photo credit")],
        ),
        (
            "  • Direct dernière heure de la guerre en Ukraine",
            [("•", "bullet glyph"), ("Direct dernière heure de la guerre en Ukraine", None)],
        ),
        (
            "Image d’archive de la rencontre entre Kim Jong Un et Sergueï ChoïguAP",
            [("Image d’archive de la rencontre entre Kim Jong Un et Sergueï Choïgu", None),
             ("AP", "photo credit")],
        ),
        ("banner", [("banner", "page marker")]),
    ],
)
def test_split_debris(paragraph, expected):
    pieces = split_debris(paragraph)
    assert [(p.text, p.reason) for p in pieces] == expected
    # Nothing lost, nothing added.
    assert re.sub(r"\s", "", "".join(p.text for p in pieces)) == re.sub(r"\s", "", paragraph)
