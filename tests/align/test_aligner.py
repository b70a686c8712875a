"""Behaviour of the MT-guided aligner on real French/English text and edge cases."""

from __future__ import annotations

import random

import pytest

from workbench.align import (
    ALIGNERS, Aligner, Alignment, Bead, flag_low_confidence, get_aligner,
)
from workbench.align.ladder import ladder_problems
from workbench.errors import InputError

FR = [
    "Le président de la République s'est rendu à Marseille le 14 juillet.",
    "Il a rencontré les maires de la région pendant deux heures.",
    "« Nous allons investir 300 millions d'euros dans les transports », a-t-il déclaré.",
    "Les syndicats ont accueilli l'annonce avec prudence.",
    "La grève des cheminots continue pourtant depuis trois semaines.",
    "Selon la SNCF, 40 % des trains ont été annulés mardi.",
]
EN = [
    "The President of the Republic travelled to Marseille on 14 July.",
    "He met the mayors of the region for two hours.",
    "\"We are going to invest 300 million euros in transport,\" he said.",
    "The unions welcomed the announcement cautiously.",
    "Yet the railway workers' strike has now lasted three weeks.",
    "According to SNCF, 40% of trains were cancelled on Tuesday.",
]
# A rough machine translation of FR (what the MT side looks like in practice).
MT = [
    "The president of the Republic went to Marseille on 14 July.",
    "He met the mayors of the region during two hours.",
    "« We are going to invest 300 million euros in the transports », he declared.",
    "The unions welcomed the announcement with prudence.",
    "The strike of the railway workers continues however for three weeks.",
    "According to the SNCF, 40 % of the trains were cancelled Tuesday.",
]


def _pairs(alignment: Alignment) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.src, b.tgt) for b in alignment.beads]


@pytest.fixture(scope="module")
def aligner() -> Aligner:
    return get_aligner("mtguided")


def test_registry_lists_implementations_that_satisfy_protocol() -> None:
    for name in ALIGNERS:
        assert isinstance(get_aligner(name), Aligner)
    with pytest.raises(InputError, match="unknown aligner"):
        get_aligner("nope")


@pytest.mark.parametrize("use_mt", [True, False])
def test_parallel_news_aligns_one_to_one(aligner: Aligner, use_mt: bool) -> None:
    result = aligner.align(FR, EN, src_mt=MT if use_mt else None)
    assert _pairs(result) == [((i,), (i,)) for i in range(6)]
    assert result.provenance["mt"] is use_mt
    assert all(0.0 <= b.confidence <= 1.0 for b in result.beads)


def test_merged_sentences_become_a_two_to_one_bead(aligner: Aligner) -> None:
    en = EN[:3] + [EN[3] + " " + EN[4]] + EN[5:]
    result = aligner.align(FR, en, src_mt=MT)
    assert ((3, 4), (3,)) in _pairs(result)
    assert not ladder_problems(result.beads, len(FR), len(en))


def test_split_sentence_becomes_a_one_to_two_bead(aligner: Aligner) -> None:
    en = EN[:2] + ["\"We are going to invest 300 million euros in transport.\"",
                   "That is what he said."] + EN[3:]
    result = aligner.align(FR, en, src_mt=MT)
    assert ((2,), (2, 3)) in _pairs(result)


def test_untranslated_sentence_is_left_as_deletion(aligner: Aligner) -> None:
    fr = FR[:3] + ["Cette phrase sur la météo à Brest n'a pas été traduite du tout, ni reprise."] + FR[3:]
    mt = MT[:3] + ["This sentence on the weather in Brest was not translated at all, nor taken up."] + MT[3:]
    result = aligner.align(fr, EN, src_mt=mt)
    pairs = _pairs(result)
    assert ((3,), ()) in pairs
    assert ((4,), (3,)) in pairs


@pytest.mark.parametrize(
    "src, tgt, expected",
    [
        ([], [], []),
        ([], EN[:3], [((), (0, 1, 2))]),
        (FR[:2], [], [((0, 1), ())]),
        (FR[:1], EN[:1], [((0,), (0,))]),
    ],
    ids=["both-empty", "empty-source", "empty-target", "one-sentence"],
)
def test_edge_cases(aligner: Aligner, src, tgt, expected) -> None:
    mt = MT[: len(src)]
    result = aligner.align(src, tgt, src_mt=mt)
    assert _pairs(result) == expected
    assert not ladder_problems(result.beads, len(src), len(tgt))


def test_empty_side_null_beads_are_certain(aligner: Aligner) -> None:
    assert all(b.confidence == 1.0 for b in aligner.align([], EN).beads)


def test_identical_texts_align_diagonally_with_high_confidence(aligner: Aligner) -> None:
    result = aligner.align(EN, EN, src_mt=EN)
    assert _pairs(result) == [((i,), (i,)) for i in range(6)]
    assert min(b.confidence for b in result.beads) > 0.9


def test_one_side_much_longer(aligner: Aligner) -> None:
    """One source sentence against a whole article: every target sentence is covered once."""
    result = aligner.align(FR[:1], EN * 5, src_mt=MT[:1])
    assert not ladder_problems(result.beads, 1, 30)
    matched = [b for b in result.beads if b.src]
    assert len(matched) == 1
    assert any(j % 6 == 0 for j in matched[0].tgt)  # paired with a copy of EN[0]


def test_mt_length_mismatch_is_an_input_error(aligner: Aligner) -> None:
    with pytest.raises(InputError, match="one translation per source sentence"):
        aligner.align(FR, EN, src_mt=MT[:3])


def test_anchors_and_concepts_pull_the_right_pair() -> None:
    """Without MT, shared numbers and glossary concepts decide between same-length candidates."""
    fr = ["Le bilan fait état de 12 morts à Lyon.", "Le maire de Nice a démissionné hier soir."]
    en = ["The mayor of Nice resigned last night.", "The toll stands at 12 dead in Lyon."]
    # same lengths, reversed order: the monotone ladder must still pair 0-? and never cross
    concepts = lambda s: {c for c in ("lyon", "nice") if c in s.lower()}  # noqa: E731
    result = get_aligner("mtguided", concepts=concepts).align(fr, en)
    assert not ladder_problems(result.beads, 2, 2)
    assert result.provenance["concepts"] is True


def test_concepts_shared_across_languages_raise_confidence() -> None:
    fr = ["Le chef de l'État a parlé au palais de l'Élysée."]
    en = ["The head of state spoke at the Elysee Palace."]
    def concepts(s: str) -> set[str]:
        return {"elysee"} if ("Élysée" in s or "Elysee" in s) else set()
    plain = get_aligner("mtguided").align(fr, en)
    with_c = get_aligner("mtguided", concepts=concepts).align(fr, en)
    assert with_c.beads[0].confidence > plain.beads[0].confidence


def test_paragraphs_are_aligned_first() -> None:
    src = FR + FR[:3]
    tgt = EN + EN[:3]
    mt = MT + MT[:3]
    sp = [0] * 6 + [1] * 3
    tp = [0] * 6 + [1] * 3
    result = get_aligner("mtguided").align(src, tgt, src_mt=mt, src_paragraphs=sp, tgt_paragraphs=tp)
    assert result.provenance["paragraphs_first"] is True
    assert _pairs(result) == [((i,), (i,)) for i in range(9)]


def test_flag_low_confidence_applies_threshold_separately() -> None:
    beads = [Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.2), Bead((2,), (), 0.49)]
    assert flag_low_confidence(beads, 0.5) == [1, 2]
    assert flag_low_confidence(beads, 0.1) == []


def _random_doc(rng: random.Random, n: int) -> list[str]:
    words = "le la les un une de du des et à en pour sur avec dans par ministre ville "\
            "gouvernement grève train école marché hier demain".split()
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 25))) for _ in range(n)]


@pytest.mark.parametrize("seed", range(8))
def test_every_ladder_is_monotone_and_covers_each_sentence_once(seed: int) -> None:
    rng = random.Random(seed)
    src = _random_doc(rng, rng.randint(0, 60))
    tgt = _random_doc(rng, rng.randint(0, 60))
    mt = [s.upper() for s in src] if seed % 2 else None
    for name in ALIGNERS:
        result = get_aligner(name, half_width=4).align(src, tgt, src_mt=mt)
        assert ladder_problems(result.beads, len(src), len(tgt)) == []


# -- word-prefix evidence and wide beads ------------------------------------------


def _cosine(a: str, b: str, word_weight: float) -> float:
    import numpy as np

    from workbench.align.features import ngram_vectors

    vs, vt = ngram_vectors([[a], [b]], word_weight=word_weight)
    x, y = vs.dense(0, 1)[0], vt.dense(0, 1)[0]
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))


@pytest.mark.parametrize("mt, tgt", [
    ("The governess married Mr. Weston in the spring.",
     "In spring the governesses were marrying Mr. Weston."),
    ("The strike of the railway workers continues.", "The railwaymen's strikes continued."),
    ("Los trabajadores ferroviarios continúan la huelga.",
     "Les travailleurs ferroviaires continuent la grève."),
])
def test_word_prefixes_raise_similarity_of_inflected_translations(mt: str, tgt: str) -> None:
    plain, with_words = _cosine(mt, tgt, 0.0), _cosine(mt, tgt, 2.0)
    assert with_words > plain
    unrelated = _cosine(mt, "Il pleuvait sur Brest depuis trois jours.", 2.0)
    assert with_words > unrelated + 0.1


# Two French sentences rendered as four English ones whose content crosses the
# French sentence boundary (English 2 mixes both, English 3 goes back to the
# first): only a 2-4 bead is right.
FR_24 = FR[:2] + [
    "Le ministre a annoncé un plan de 12 milliards pour les hôpitaux, les écoles et les "
    "routes, ainsi qu'une baisse des impôts.",
    "Il a ajouté que les premières mesures entreraient en vigueur dès janvier, avant les "
    "élections régionales de mars.",
] + FR[3:]
MT_24 = MT[:2] + [
    "The minister announced a plan of 12 billion for the hospitals, the schools and the "
    "roads, as well as a cut of the taxes.",
    "He added that the first measures would come into force from January, before the "
    "regional elections of March.",
] + MT[3:]
EN_24 = EN[:2] + [
    "The minister announced a 12 billion plan.",
    "It covers hospitals, schools and roads, and he added that the first measures would "
    "come into force in January.",
    "Taxes will also be cut.",
    "All of this comes before the regional elections in March.",
] + EN[3:]


@pytest.mark.parametrize("bead_types, found", [
    (None, True),             # default shapes (WIDE_BEADS) include 2-4
    ("extended", False),      # EXTENDED_BEADS stop at 1-4 / 2-3
])
def test_two_to_four_bead_found_with_wide_shapes(bead_types: str | None, found: bool) -> None:
    from workbench.align import EXTENDED_BEADS, WIDE_BEADS

    assert (2, 4) in WIDE_BEADS and (2, 4) not in EXTENDED_BEADS
    options = {} if bead_types is None else {"bead_types": EXTENDED_BEADS}
    result = get_aligner("mtguided", **options).align(FR_24, EN_24, src_mt=MT_24)
    pairs = _pairs(result)
    assert (((2, 3), (2, 3, 4, 5)) in pairs) is found
    assert ((0,), (0,)) in pairs and ((4,), (6,)) in pairs
    assert not ladder_problems(result.beads, len(FR_24), len(EN_24))


def test_clause_marks_count_sentence_and_clause_punctuation() -> None:
    from workbench.align.features import clause_marks

    marks = clause_marks(["Il vint.", "Oui ; non : peut-être… -- fin !", "no marks here", "Why?!"])
    assert marks.tolist() == [1.0, 5.0, 0.0, 1.0]


def test_clause_mark_mismatch_is_evidence_against_a_bead() -> None:
    """Two French sentences joined by a semicolon in English: the 2-1 bead's marks
    agree (2 and 2), the 1-1 bead that leaves the second French sentence out does not."""
    import numpy as np

    from workbench.align.dp import Band
    from workbench.align.mtguided import Weights, _prepare, _Scorer

    src = ["Il pleuvait.", "Nous sommes restés à la maison."]
    tgt = ["It was raining; we stayed at home."]
    s_units, t_units = _prepare(src, tgt, None, None, None, 12, 2)
    scorer = _Scorer(s_units, t_units, Weights(), False, 2)
    scorer.set_band(Band.diagonal(2, 1, 2))
    two_one = scorer.evidence_at(2, 1, np.array([2]), np.array([1]))["marks"][0]
    one_one = scorer.evidence_at(1, 1, np.array([1]), np.array([1]))["marks"][0]
    assert two_one == 0.0 < one_one
