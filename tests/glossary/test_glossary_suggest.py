"""Variant discovery: planted misspellings found with precision and recall >= 0.9, no flood."""

from __future__ import annotations

from pathlib import Path

import pytest
from glossary_planted import PLANTED, score

from workbench.glossary import Glossary
from workbench.glossary.suggest import accept, derived_from, edit_budget, suggest, translit_key
from workbench.store import Project


@pytest.mark.parametrize(("a", "b"), [
    ("Shoygou", "Shoigu"), ("Schoigu", "Choïgou"), ("Prigojine", "Prigozhin"), ("Pjöngjang", "Pyongyang"),
    ("Peskow", "Peskov"), ("Peskoff", "Peskov"), ("Sergueï", "Sergei"), ("Kirbi", "Kirby"),
    ("Moskou", "Moscou"), ("Kim Jong-un", "Kim Jong Un"),
])
def test_translit_key_merges_transliterations(a: str, b: str) -> None:
    assert translit_key(a) == translit_key(b)


@pytest.mark.parametrize(("a", "b"), [("Russes", "Russie"), ("Japonais", "Japon"), ("Coréen", "Corée")])
def test_translit_key_keeps_derived_words_apart(a: str, b: str) -> None:
    assert translit_key(a) != translit_key(b)


def test_edit_budget_grows_with_length() -> None:
    assert [edit_budget(n) for n in (3, 4, 5, 7, 8, 11, 12, 30)] == [0, 0, 1, 1, 2, 2, 3, 3]


def test_planted_misspellings_are_found_with_high_precision_and_recall(seeds_glossary: Glossary) -> None:
    found = suggest(seeds_glossary, [sentence for sentence, _ in PLANTED], "fr")
    precision, recall, false, missed = score(found)
    assert sum(len(plants) for _, plants in PLANTED) >= 30
    assert precision >= 0.9, [s.tsv() for s in false]
    assert recall >= 0.9, missed


def test_suggestions_are_best_first_and_tsv(seeds_glossary: Glossary) -> None:
    found = suggest(seeds_glossary, ["Le ministre Sergueï Shoygou et Kirbi.", "Kuba"], "fr")
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert found[0].tsv().split("\t")[:3] == ["1", "Sergueï Shoygou", "shoigu-full"]
    assert all(len(s.tsv().split("\t")) == 4 for s in found)


def test_ordinary_words_do_not_flood(seeds_glossary: Glossary, seed_lines: list[str]) -> None:
    # the unmodified articles: every name is in the glossary, so (almost) nothing to suggest
    found = suggest(seeds_glossary, seed_lines, "fr")
    assert len(found) <= 2, [s.tsv() for s in found]
    english = ["The Russians, Japanese and Koreans said on Monday that the Kremlin is worried.",
               "Moreover, the United States warned Russia about Cuban and Iranian weapons."]
    assert suggest(seeds_glossary, english, "en") == []


def test_known_forms_are_never_suggested(seeds_glossary: Glossary) -> None:
    assert suggest(seeds_glossary, ["Choïgou, Shoigu, Choigou, SHOIGU, Kim Jong Un, Pyongyang"], "fr") == []


def test_accepted_suggestions_become_variants(seeds_glossary: Glossary) -> None:
    found = suggest(seeds_glossary, ["Le ministre Shoygou et Pjöngjang."], "fr")
    g = accept(seeds_glossary, [(s.span, s.concept) for s in found], "fr")
    assert g.apply("Shoygou à Pjöngjang", "en") == "Shoigu à Pyongyang"
    assert g.concepts["shoigu"].forms("fr")[-1].status == "variant"
    assert accept(g, [("Shoygou", "shoigu")], "fr").hash == g.hash  # already there: not duplicated


@pytest.mark.parametrize(("word", "form", "derived"), [
    ("Russian", "Russia", True), ("Russians", "Russia", True), ("russe", "Russie", True),
    ("Russes", "Russie", True), ("ukrainien", "Ukraine", True), ("Ukrainian", "Ukraine", True),
    ("japonais", "Japon", True), ("Japanese", "Japan", True), ("Cuban", "Cuba", True),
    ("cubain", "Cuba", True), ("chinois", "Chine", True), ("Iranian", "Iran", True),
    ("Putine", "Putin", False), ("Bidenn", "Biden", False), ("Prigozhine", "Prigozhin", False),
    ("Rusie", "Russie", False), ("Kirbey", "Kirby", False), ("Russia", "Russia", False),
])
def test_derived_from_tells_demonyms_from_spellings(word: str, form: str, derived: bool) -> None:
    assert derived_from(word, form) is derived


def test_derived_words_are_not_variants(seeds_glossary: Glossary) -> None:
    english = ["The Russian minister met Ukrainian, Japanese, Cuban and Iranian officials.",
               "Russians said so."]
    french = ["Le ministre russe et les Russes ont parlé aux officiels ukrainiens et ukrainien."]
    assert suggest(seeds_glossary, english, "en") == []
    assert suggest(seeds_glossary, french, "fr") == []


def test_a_known_form_next_to_a_common_word_is_not_a_new_form(seeds_glossary: Glossary) -> None:
    lines = ["Washington has said it will act.", "Thomas-Greenfield has warned Moscow.",
             "The Kremlin would not comment.", "Antony Blinken has spoken.",
             "Vladimir Putin has arrived.", "The United States has sanctions."]
    assert suggest(seeds_glossary, lines, "en") == []
    found = suggest(seeds_glossary, ["The Washingten Post has it."], "en")
    assert [(s.span, s.concept) for s in found] == [("Washingten Post", "washington-post")]


@pytest.fixture(scope="module")
def seeds_project(tmp_path_factory) -> Path:
    """The seeds run through the whole pipeline (Apertium) into a fresh project."""
    from fixtures.seeds_project import build_seeds_project, have_apertium

    if not have_apertium():
        pytest.skip("no apertium")
    return build_seeds_project(tmp_path_factory.mktemp("seeds") / "proj")


def test_discovery_on_the_seeds_project_does_not_flood(seeds_glossary: Glossary,
                                                        seeds_project: Path) -> None:
    """The project's own French and English text plus the planted sentences: precision
    >= 0.8 (it was 0.54: 30 false suggestions on the English text) and every plant found."""
    from workbench.app.queries import texts_in

    with Project(seeds_project, create=False) as project:
        french, english = texts_in(project, "fr"), texts_in(project, "en")
    assert len(french) > 50 and len(english) > 50
    found = suggest(seeds_glossary, french + [s for s, _ in PLANTED], "fr")
    found_en = suggest(seeds_glossary, english, "en")
    _, recall, false, missed = score(found, lines_offset=len(french))
    false += found_en  # no planted text in English: every suggestion there is false
    precision = 1 - len(false) / (len(found) + len(found_en))
    assert precision >= 0.8, [s.tsv() for s in false]
    assert recall == 1.0, missed
