"""The fuzzy matcher's rules (pure: no project, no database)."""

from workbench.glossary.model import Glossary, Term
from workbench.memory.match import (DEFAULT_MIN_SCORE, MemoryUnit, Query, Scorer, band,
                                    best_matches, source_diff, source_hash, word_count)


def unit(source, target, uid=1, **kw):
    return MemoryUnit(id=uid, source=source, target=target, source_lang="fr", target_lang="en",
                      origin=kw.pop("origin", "file"), **kw)


def score(query, source, target="x", glossary=None, **kw):
    return Scorer("fr", "en", glossary).match(Query(query, **kw), unit(source, target))


GLOSSARY = Glossary.from_terms([
    Term("kirby", "fr", "John Kirby", "preferred"), Term("kirby", "en", "John Kirby", "preferred"),
    Term("shoigu", "fr", "Sergueï Choïgou", "preferred"),
    Term("shoigu", "en", "Sergei Shoigu", "preferred"),
    Term("shoigu", "fr", "Choïgu", "variant"),
    Term("lavrov", "fr", "Sergueï Lavrov", "preferred"),
    Term("lavrov", "en", "Sergei Lavrov", "preferred"),
])


def test_identical_text_is_100_and_exact():
    m = score("Il est arrivé le 13 septembre.", "Il est arrivé le 13 septembre.", "He arrived.")
    assert (m.score, m.kind, m.target) == (100, "exact", "He arrived.")


def test_number_is_a_placeable_replaced_in_the_target():
    m = score("Il est arrivé le 14 septembre.", "Il est arrivé le 13 septembre.",
              "He arrived on September 13.")
    assert m.target == "He arrived on September 14."
    assert m.replaced == (("13", "14"),)
    assert 95 <= m.score < 100


def test_number_missing_from_target_is_not_replaced_and_costs_more():
    m = score("Il est arrivé le 14 septembre.", "Il est arrivé le 13 septembre.",
              "He arrived on the thirteenth.")
    replaced = score("Il est arrivé le 14 septembre.", "Il est arrivé le 13 septembre.",
                     "He arrived on September 13.")
    assert m.target == "He arrived on the thirteenth." and m.unreplaced == ("13",)
    assert m.score < replaced.score


def test_glossary_name_is_a_placeable_replaced_by_the_preferred_target_form():
    m = score("Sergueï Lavrov a démenti ces informations.",
              "Sergueï Choïgou a démenti ces informations.",
              "Sergei Shoigu denied the reports.", glossary=GLOSSARY)
    assert m.target == "Sergei Lavrov denied the reports."
    assert 95 <= m.score < 100
    plain = score("Sergueï Lavrov a démenti ces informations.",
                  "Sergueï Choïgou a démenti ces informations.", "Sergei Shoigu denied the reports.")
    assert plain.score < m.score  # without the glossary the names are two different words


def test_case_punctuation_and_spacing_cost_little():
    base = "Le ministre a quitté Moscou mardi."
    assert score("le ministre a quitté Moscou mardi.", base).score == 99
    assert score("Le ministre a quitté Moscou mardi !", base).score == 99
    assert score("Le  ministre a quitté Moscou   mardi.", base).score == 99
    assert score("Le ministre a quitté Moscou mardi.", base).score == 100


def test_word_edit_distance_gives_the_percentage():
    # 10 words, one replaced: 90%
    m = score("un deux trois quatre cinq six sept huit neuf dix",
              "un deux trois quatre cinq six sept huit neuf onze")
    assert m.score == 90 and m.kind == "fuzzy"


def test_context_match_ranks_above_plain_100():
    text = "Il l'a dit."
    q = Query(text, "Avant.", "Après.")
    s = Scorer("fr", "en")
    plain = unit(text, "He said so.", 1, created_at="2025-02-01")
    ctx = unit(text, "He said it.", 2, context_before="Avant.", context_after="Après.",
               created_at="2024-01-01")
    assert s.match(q, ctx).kind == "context" and s.match(q, plain).kind == "exact"
    best = best_matches(s, q, [plain, ctx])
    assert [m.target for m in best] == ["He said it.", "He said so."]
    assert best[0].label == "TM context" and best[1].label == "TM 100%"


def test_threshold_and_limit_and_own_segment():
    s = Scorer("fr", "en")
    units = [unit("un deux trois quatre cinq six sept huit neuf dix", f"t{i}", i)
             for i in range(5)]
    units.append(unit("un deux trois quatre cinq", "far", 9))
    q = Query("un deux trois quatre cinq six sept huit neuf onze", segment_id=3)
    found = best_matches(s, q, units, min_score=DEFAULT_MIN_SCORE, limit=3)
    assert len(found) == 3 and all(m.score == 90 for m in found)
    assert "far" not in [m.target for m in found]  # 50% < 70%
    assert all(m.unit.segment_id != 3 for m in found)
    assert best_matches(s, q, units, min_score=91) == []
    own = [unit("Bonjour.", "Hello.", 1, segment_id=3)]
    assert best_matches(s, Query("Bonjour.", segment_id=3), own) == []


def test_same_target_proposed_once():
    s = Scorer("fr", "en")
    units = [unit("Bonjour.", "Hello.", 1), unit("Bonjour !", "Hello.", 2)]
    assert len(best_matches(s, Query("Bonjour."), units)) == 1


def test_bands_and_word_count():
    s = Scorer("fr", "en")
    assert band(None) == "no match"
    assert band(s.match(Query("a b c"), unit("a b c", "x"))) == "100%"
    assert band(s.match(Query("a b c d e f g h i j"), unit("a b c d e f g h i k", "x"))) == "85-94%"
    assert word_count("Le 13 septembre, il l'a dit.") == 7


def test_source_hash_ignores_case_punctuation_and_numbers():
    assert source_hash("Le 13 septembre.") == source_hash("le 14 septembre !")
    assert source_hash("Le 13 septembre.") != source_hash("Le 13 octobre.")


def test_source_diff_marks_what_changed():
    diff = source_diff("Il est arrivé le 14 septembre.", "Il est parti le 13 septembre.")
    assert ("replace", "parti") in diff and ("replace", "13") in diff
    assert ("equal", "Il est") in diff
