"""Variant discovery: planted misspellings found with precision and recall >= 0.9, no flood."""

from __future__ import annotations

import pytest
from glossary_planted import PLANTED

from workbench.glossary import Glossary
from workbench.glossary.suggest import accept, edit_budget, suggest, translit_key


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
    lines = [sentence for sentence, _ in PLANTED]
    found = suggest(seeds_glossary, lines, "fr")
    gold = [(no, span, concepts) for no, (_, plants) in enumerate(PLANTED, 1) for span, concepts in plants]

    def hits(s) -> bool:
        return any(no == s.line and (span in s.span or s.span in span) and s.concept in concepts
                   for no, span, concepts in gold)

    correct = [s for s in found if hits(s)]
    recalled = [g for g in gold if any(s.line == g[0] and (g[1] in s.span or s.span in g[1])
                                       and s.concept in g[2] for s in found)]
    precision = len(correct) / len(found)
    recall = len(recalled) / len(gold)
    assert len(gold) >= 30
    assert precision >= 0.9, [s.tsv() for s in found if not hits(s)]
    assert recall >= 0.9, [g for g in gold if g not in recalled]


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
