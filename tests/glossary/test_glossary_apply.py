"""Normalisation rules of ``Glossary.apply``, one table per rule, real multilingual strings."""

from __future__ import annotations

import pytest

from workbench.glossary import Glossary, Term, parse_csv
from workbench.glossary.normalise import fold_line, key


@pytest.mark.parametrize(("text", "lang", "expected"), [
    # every form of any language becomes the preferred form of the target language
    ("Sergei Shoigu est arrivé.", "fr", "Sergueï Choïgou est arrivé."),
    ("Sergueï Choïgu est arrivé.", "fr", "Sergueï Choïgou est arrivé."),
    ("Sergueï Choïgou arrived.", "en", "Sergei Shoigu arrived."),
    ("Shoig a dit", "fr", "Choïgou a dit"),
    ("Shoig said", "en", "Shoigu said"),
    ("Kiev et Kyiv", "fr", "Kiev et Kiev"),
    ("Kiev and Kyiv", "en", "Kyiv and Kyiv"),
])
def test_forms_become_the_preferred_form(small: Glossary, text: str, lang: str, expected: str) -> None:
    assert small.apply(text, lang) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("SERGUEÏ CHOÏGOU A DIT", "SERGEI SHOIGU A DIT"),           # all capitals -> capitals
    ("KIM JONG-UN", "KIM JONG UN"),
    ("Kim JONG-un", "Kim Jong Un"),                              # mixed: preferred as written
    ("sergueï choïgou", "Sergei Shoigu"),                        # lower case -> as in the glossary
    ("l'ONU et l’ONU", "l'UN et l’UN"),                          # acronym forms stay as the glossary has them
])
def test_capitals_rule(small: Glossary, text: str, expected: str) -> None:
    assert small.apply(text, "en") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Côte d'Ivoire", "Ivory Coast"),
    ("Côte d’Ivoire", "Ivory Coast"),          # typographic apostrophe
    ("Côte dʼIvoire", "Ivory Coast"),          # modifier letter apostrophe
    ("cote d'ivoire", "Ivory Coast"),
    ("l’ONU a voté", "l’UN a voté"),           # the apostrophe before a match is kept as is
])
def test_apostrophe_variants(small: Glossary, text: str, expected: str) -> None:
    assert small.apply(text, "en") == expected


@pytest.mark.parametrize("variant", [
    "Kim Jong-un", "Kim Jong Un", "Kim Jong un", "Kim-Jong-Un", "Kim  Jong\u00a0Un", "Kim Jong\u2011un",
    "kim jong‐un",
])
def test_hyphen_and_space_variants(small: Glossary, variant: str) -> None:
    assert small.apply(f"« {variant} » a écrit.", "en") == "« Kim Jong Un » a écrit."


@pytest.mark.parametrize(("text", "expected"), [
    ("Choigou", "Shoigu"), ("CHOIGOU", "SHOIGU"), ("Chóïgôu", "Shoigu"),
    ("Choi\u0308gou", "Shoigu"),                # decomposed (NFD) diaeresis
    ("Serguei Choigou", "Sergei Shoigu"),
    ("maison blanche", "White House"),
])
def test_diacritic_and_case_insensitive(small: Glossary, text: str, expected: str) -> None:
    assert small.apply(text, "en") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Sergueï Choïgou", "Sergei Shoigu"),                # not "Sergueï Shoigu"
    ("Sergueï Choïgou et Choïgou", "Sergei Shoigu et Shoigu"),
    ("la Maison Blanche", "la White House"),
])
def test_longest_match_wins(small: Glossary, text: str, expected: str) -> None:
    assert small.apply(text, "en") == expected


def test_longest_match_wins_across_overlaps() -> None:
    g = parse_csv("concept,lang,term,status\n"
                  "a,en,New York,preferred\na,fr,New York,preferred\n"
                  "b,en,York Times Square,preferred\nb,fr,York Times Square,preferred\n")
    assert g.apply("New York Times Square", "fr") == "New York Times Square"
    assert [m.concept for m in g.find("New York Times Square", "fr")] == ["b"]


@pytest.mark.parametrize("text", [
    "Kievan Rus", "la Rus' kiévienne", "SuperKiev", "Kiev2", "Choïgouisme", "Shoigus",
    "Kim Jong-unification",
])
def test_whole_words_only(small: Glossary, text: str) -> None:
    assert small.apply(text, "en") == text


def test_whole_word_match_next_to_punctuation(small: Glossary) -> None:
    assert small.apply("(Kiev), «Kiev»; Kiev-based, l'Kiev.", "en") == "(Kyiv), «Kyiv»; Kyiv-based, l'Kyiv."


def test_everything_else_is_kept_byte_for_byte(small: Glossary) -> None:
    line = "\ufeff  Kiev\t–\u00a0«Choïgou»  \u200b😀‍👩 مرحبا  Kiev\u2028 fin  "
    out = small.apply(line, "en")
    assert out == "\ufeff  Kyiv\t–\u00a0«Shoigu»  \u200b😀‍👩 مرحبا  Kyiv\u2028 fin  "
    assert out.encode("utf-8").replace("Kyiv".encode(), b"Kiev").replace(b"Shoigu", "Choïgou".encode()) \
        == line.encode("utf-8")


def test_expanding_characters_keep_offsets() -> None:
    # "ß" folds to "ss" and "œ" to "oe": offsets after them must still be right
    g = parse_csv("concept,lang,term,status\nx,de,Straße,preferred\nx,fr,Strasse,preferred\n"
                  "y,fr,Œuvre Nord,preferred\ny,en,North Work,preferred\n")
    assert g.apply("Die Straße und Strasse, groß.", "de") == "Die Straße und Straße, groß."
    assert g.apply("L'Œuvre Nord, cœur de l'Oeuvre Nord.", "en") == "L'North Work, cœur de l'North Work."


def test_concept_without_a_row_for_the_language_is_untouched(small: Glossary) -> None:
    assert small.apply("Спутник и Choïgou", "en") == "Спутник и Shoigu"
    assert small.apply("Спутник и Choïgou", "ru") == "Спутник и Choïgou"  # only sputnik has ru
    assert small.apply("Kiev", "de") == "Kiev"  # no concept has German rows


def test_acronyms_match_only_in_capitals(small: Glossary) -> None:
    assert small.apply("un homme de l'ONU, Un autre, un UN", "fr") == "un homme de l'ONU, Un autre, un ONU"


def test_acronym_words_inside_longer_forms_need_capitals(seeds_glossary: Glossary) -> None:
    # "UN Security Council": the French article "un" before "Security Council" is not "UN"
    assert seeds_glossary.apply("un Security Council", "fr") == "un Conseil de sécurité"
    assert seeds_glossary.apply("the UN Security Council", "fr") == "the Conseil de sécurité de l'ONU"
    assert seeds_glossary.apply("le Conseil de sécurité de l’ONU", "en") == "le UN Security Council"
    assert seeds_glossary.apply("le Conseil de sécurité de l’onu", "en") == "le Security Council de l’onu"


@pytest.mark.parametrize("text", [
    "Sergei Shoigu and KIM JONG-UN met in Kiev; l'ONU, Choïgou",
    "SERGUEÏ CHOÏGU / kim jong un / côte d’ivoire / Shoig, Sergueï Choïgou",
    "", "   ", "no names here",
])
@pytest.mark.parametrize("lang", ["fr", "en", "ru"])
def test_apply_is_idempotent(small: Glossary, text: str, lang: str) -> None:
    once = small.apply(text, lang)
    assert small.apply(once, lang) == once


@pytest.mark.parametrize("term", ["C++", "(AFP)", "S&P 500", "a.b.c", "[North Korea]", "x*y+z?", r"\d+", "$^|"])
def test_regex_metacharacters_are_literal(term: str) -> None:
    g = Glossary.from_terms([Term("t", "fr", term, "preferred"), Term("t", "en", "OK", "preferred")])
    assert g.apply(f"avant {term} après", "en") == "avant OK après"
    assert g.apply("avant abc après; 5000; dd", "en") == "avant abc après; 5000; dd"


def test_apply_on_the_seed_glossary(seeds_glossary: Glossary) -> None:
    line = ("Récemment, le ministre russe de la Défense Sergueï Choïgou se serait rendu en Corée du Nord "
            "; Shoig, Kim Jong Un et la Maison Blanche.")
    assert seeds_glossary.apply(line, "en") == (
        "Récemment, le ministre russe de la Défense Sergei Shoigu se serait rendu en North Korea "
        "; Shoigu, Kim Jong Un et la White House.")
    assert seeds_glossary.apply("Kim Jong Un, Sergei Shoigu, Pyongyang", "fr") == \
        "Kim Jong-un, Sergueï Choïgou, Pyongyang"


@pytest.mark.parametrize(("line", "norm"), [
    ("Kim Jong-Un", "kim jong un"),
    ("  Côte d’Ivoire", "  cote d'ivoire"),
    ("Straße", "strasse"),
    ("A\u00adB", "ab"),
])
def test_fold_line(line: str, norm: str) -> None:
    assert fold_line(line)[0] == norm


def test_key_collapses_separators() -> None:
    assert key(" Kim -  Jong\u2010Un ") == "kim jong un"
