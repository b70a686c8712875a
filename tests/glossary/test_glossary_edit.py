"""Editing concept by concept: find by any form, add beside, rename, delete, changes listed."""

from __future__ import annotations

import pytest

from workbench.errors import GlossaryError
from workbench.glossary import Glossary, Term
from workbench.glossary.edit import (add_concept, add_form, changes, delete_form, find_concepts,
                                     make_preferred, redundant_additions, rename_form)


def test_find_a_concept_by_any_of_its_forms(seeds_glossary: Glossary) -> None:
    for query in ("Choïgou", "shoigu", "SHOIG", "Schoigu", "Choïgu"):
        assert find_concepts(seeds_glossary, query)[0].id in {"shoigu", "shoigu-full"}, query
    assert {c.id for c in find_concepts(seeds_glossary, "Corée")} >= {"korea", "north-korea",
                                                                      "south-korea"}
    assert find_concepts(seeds_glossary, "Corée")[0].id == "korea"  # the exact form first
    assert find_concepts(seeds_glossary, "  ") == []
    assert find_concepts(seeds_glossary, "zzzz") == []


def test_a_form_that_folds_to_an_existing_key_is_refused_with_it_named(small: Glossary) -> None:
    with pytest.raises(GlossaryError, match=r"“Choigou” was not added: .* “Choïgou” \(shoigu, fr\)"):
        add_form(small, "shoigu", "fr", "Choigou")
    with pytest.raises(GlossaryError, match=r"“KIM JONG UN”.*“Kim Jong-un” \(kim-jong-un, fr\)"):
        add_form(small, "kim-jong-un", "fr", "KIM JONG UN")
    with pytest.raises(GlossaryError, match="“Kiev” \\(kiev, fr\\)"):
        add_form(small, "shoigu", "en", "Kiev")  # another concept's form
    with pytest.raises(GlossaryError, match="no concept 'nobody'"):
        add_form(small, "nobody", "fr", "X")


def test_add_beside_the_concept_and_list_what_changed(small: Glossary) -> None:
    g = add_form(small, "shoigu", "fr", "Shoygou")
    forms = [(t.concept, t.text) for t in g.terms()]
    assert forms.index(("shoigu", "Shoygou")) == forms.index(("shoigu", "Shoigu")) + 1
    assert changes(small, g) == ["shoigu (fr): “Shoygou” added as variant"]
    g2 = add_form(g, "shoigu", "es", "Shoigú")  # a new language: its first form is preferred
    assert g2.concepts["shoigu"].preferred("es").text == "Shoigú"
    g3 = add_form(g, "shoigu", "fr", "Choïgu", status="preferred")
    assert g3.concepts["shoigu"].preferred("fr").text == "Choïgu"
    assert changes(g, g3) == ["shoigu (fr): “Choïgu” added as preferred",
                              "shoigu (fr): “Choïgou” is now variant"]
    # the same language's preferred form may share the other language's key: Kirby / Kirby
    g4 = add_form(Glossary.from_terms([Term("kirby", "fr", "Kirby", "preferred")]),
                  "kirby", "en", "Kirby")
    assert g4.concepts["kirby"].preferred("en").text == "Kirby"


def test_rename_make_preferred_and_delete(small: Glossary) -> None:
    g = rename_form(small, "shoigu", "fr", "Shoig", "Shoïg")
    assert changes(small, g) == ["shoigu (fr): “Shoig” renamed “Shoïg”"]
    with pytest.raises(GlossaryError, match="“Choigou” was not saved.*“Choïgou”"):
        rename_form(small, "shoigu", "fr", "Shoig", "Choigou")
    g = make_preferred(small, "shoigu", "fr", "Shoig")
    assert g.concepts["shoigu"].preferred("fr").text == "Shoig"
    with pytest.raises(GlossaryError, match="make another fr form preferred first"):
        delete_form(small, "shoigu", "fr", "Choïgou")
    g = delete_form(small, "shoigu", "fr", "Shoig")
    assert changes(small, g) == ["shoigu (fr): “Shoig” deleted"]
    g = delete_form(delete_form(small, "kiev", "fr", "Kiev"), "kiev", "en", "Kyiv")
    assert "kiev" not in g.concepts  # the last form took the concept with it
    with pytest.raises(GlossaryError, match="has no fr form “Nope”"):
        delete_form(small, "shoigu", "fr", "Nope")


def test_rows_added_in_a_table_are_checked_but_old_rows_kept(seeds_glossary: Glossary) -> None:
    terms = seeds_glossary.terms()  # holds Kim Jong Un next to Kim Jong-un: left alone
    assert redundant_additions(seeds_glossary, terms) == []
    added = terms + [Term("shoigu", "fr", "Choigu", "variant")]
    assert redundant_additions(seeds_glossary, added) == [
        "“Choigu” was not added: it folds to the same key as “Choïgu” (shoigu, fr), which "
        "already matches it"]


def test_add_a_new_concept_with_a_preferred_form_per_language(seeds_glossary: Glossary) -> None:
    g = add_concept(seeds_glossary, "", {"fr": "Ursula von der Leyen", "en": "Ursula von der Leyen",
                                         "es": " "}, note="person: EU Commission president")
    assert list(g.concepts)[-1] == "ursula-von-der-leyen"  # an id made from the first form
    new = g.concepts["ursula-von-der-leyen"]
    assert [(t.lang, t.text, t.status, t.note) for t in new.terms] == [
        ("fr", "Ursula von der Leyen", "preferred", "person: EU Commission president"),
        ("en", "Ursula von der Leyen", "preferred", "")]  # the empty Spanish form skipped
    assert changes(seeds_glossary, g) == [
        "ursula-von-der-leyen (fr): “Ursula von der Leyen” added as preferred",
        "ursula-von-der-leyen (en): “Ursula von der Leyen” added as preferred"]
    assert list(g.concepts)[:-1] == list(seeds_glossary.concepts)  # nothing else moved
    g2 = add_concept(g, "", {"fr": "Ursula Leyen"})
    assert "ursula-leyen" in g2.concepts
    assert add_concept(g, "vdl", {"en": "VDL"}).concepts["vdl"].preferred("en").text == "VDL"


def test_a_new_concept_is_refused_in_one_line(seeds_glossary: Glossary) -> None:
    with pytest.raises(GlossaryError, match=r"“Choïgu” was not added: .* “Choïgu” \(shoigu, fr\)"):
        add_concept(seeds_glossary, "", {"fr": "Choïgu"})  # already a form of a concept
    with pytest.raises(GlossaryError, match=r"“CHOIGU” was not added: .*\(shoigu, fr\)"):
        add_concept(seeds_glossary, "", {"fr": "CHOIGU"})  # folds to its key
    with pytest.raises(GlossaryError, match="concept 'putin' already exists"):
        add_concept(seeds_glossary, "putin", {"fr": "Nouveau"})
    with pytest.raises(GlossaryError, match="needs at least one form"):
        add_concept(seeds_glossary, "", {"fr": "  ", "en": ""})
    with pytest.raises(GlossaryError, match="not added: concept id '1 x' must start with a letter"):
        add_concept(seeds_glossary, "1 x", {"fr": "Zzyzx"})
