"""Bilingual dictionaries as alignment evidence: FreeDict parsing on real entries (the
extracts in tests/data/freedict, from Debian's dict-freedict-* packages), inflection and
compounds, pivot composition, evidence selection, a missing dictionary, the CLI."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from workbench.align import dictionary as dm
from workbench.align.dictionary import (
    MissingDictionaryError,
    b64_number,
    build_lexicon,
    compose,
    dictionary_pairs,
    find_dictionaries,
    lexical_vectors,
    load_lexicon,
    parse_entry,
    read_dictd,
    split_compound,
    verb_forms,
)
from workbench.align.evidence import select_evidence
from workbench.align.dp import Band
from workbench.align.mtguided import (
    DICT_CONFIDENCE,
    DICT_WEIGHTS,
    ConfidenceModel,
    MTGuidedAligner,
    _prepare,
    _Scorer,
)
from workbench.cli import app

FREEDICT = Path(__file__).resolve().parents[1] / "data" / "freedict"

DIRECT, PIVOT = FREEDICT / "direct", FREEDICT / "pivot"


def _entries(name: str, folder: Path = DIRECT) -> dict[str, list[str]]:
    entries, _ = read_dictd(folder / f"{name}.index", folder / f"{name}.dict.dz")
    out: dict[str, list[str]] = {}
    for head, trans in entries:
        out.setdefault(head, []).extend(trans)
    return out


def _cos(a, b) -> float:
    import numpy as np

    x, y = a.dense(0, a.n)[0], b.dense(0, b.n)[0]
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y) or 1.0))


# -- parsing real entries -------------------------------------------------------------

def test_dictd_numbers_are_base64() -> None:
    assert b64_number("A") == 0 and b64_number("B") == 1 and b64_number("BA") == 64
    assert b64_number("GZv") == 6 * 64 * 64 + 25 * 64 + 47


def test_wikdict_entries_keep_translations_and_drop_definitions() -> None:
    e = _entries("freedict-deu-fra")
    # numbered senses: translations kept, the German definitions under them dropped
    assert e["abbildung"] == ["illustration", "image", "représentation", "projection", "application"]
    assert e["gletscher"] == ["glacier"]
    # "neige 2." : the number glued to the last translation is not part of it
    assert e["schnee"] == ["neige"]
    # multiword translations kept whole, parenthesised notes gone
    assert "hôtel de ville" in e["rathaus"] and "mairie" in e["rathaus"]
    # a definition in quotes is not a translation
    assert e["hütte"] == ["cabane", "case", "chaumière"]
    assert not any(len(t.split()) > 4 for ts in e.values() for t in ts)
    _, edition = read_dictd(DIRECT / "freedict-deu-fra.index", DIRECT / "freedict-deu-fra.dict.dz")
    assert edition == "2022.11.18"


def test_ding_entries_drop_examples_synonyms_and_notes() -> None:
    e = _entries("freedict-deu-eng", PIVOT)
    fehler = e["fehler"]
    assert {"mistake", "error", "fault", "bug", "lapse", "shortcoming"} <= set(fehler)
    assert "stain" in fehler                      # " [min.] stain <n>": a note, then a translation
    assert not any("verfehlung" in t or "synonym" in t or "{" in t for t in fehler)
    assert not any("/" in t for ts in e.values() for t in ts)   # "Mt /ˌɛmtˈeː/": no IPA left
    assert e["gipfel"][0] == "summit"


def test_parse_entry_by_hand() -> None:
    text = "Haus /haʊs/ <n, neut>\n1. maison, demeure (f)\nGebäude zum Wohnen\n2. foyer\n see: {Heim}"
    assert parse_entry(text) == ("haus", ["maison", "demeure", "foyer"])
    assert parse_entry("leer /leːɐ/\n\n") is None


# -- inflection, compounds, multiword entries -----------------------------------------------

@pytest.fixture(scope="module")
def de_fr():
    return load_lexicon("de", "fr", find_dictionaries([DIRECT]), use_cache=False)


def test_inflected_forms_meet_through_stems(de_fr) -> None:
    # dative plural against plural: neither form is a headword
    vs, vt = lexical_vectors(["Wir sahen die Gletschern und den Bergen."],
                             ["Nous vîmes les glaciers et les montagnes."], de_fr)
    assert _cos(vs, vt) > 0.9
    vs, vt = lexical_vectors(["Wir sahen die Gletschern."], ["Nous mangeâmes une pomme."], de_fr)
    assert _cos(vs, vt) == 0.0


def test_compounds_are_split_into_known_words(de_fr) -> None:
    known = lambda w: dm.get_stemmer("de")(w) in de_fr.entries  # noqa: E731
    assert split_compound("gletscherspur", known) == ["gletscher", "spur"]
    assert split_compound("schneeshütte", known) == ["schnee", "hütte"]   # linking -s- dropped
    assert split_compound("xylophon", known) == []
    vs, vt = lexical_vectors(["Die Gletscherspur."], ["La trace du glacier."], de_fr)
    assert _cos(vs, vt) > 0.9


def test_participles_and_zu_infinitives_find_their_verbs(de_fr) -> None:
    # Snowball strips endings, not the -ge- / -zu- inside: these forms are no headwords
    assert verb_forms("ausgegeben", "de")[0] == "ausgeben"
    assert verb_forms("hinzuweisen", "de") == ["hinweisen"]
    assert verb_forms("publiziert", "de") == ["publizieren"]
    assert "messen" in verb_forms("gemessen", "de")
    # no marker, no guess: nouns in ge- and the adverb "zusammen" stay as they are
    assert verb_forms("gebirge", "de") == [] and verb_forms("zusammen", "de") == []
    assert verb_forms("ausgegeben", "fr") == []
    for de, fr in [("Alles ausgegeben!", "Tout dépensé !"),
                   ("Sorgfältig gemessen.", "Soigneusement mesuré."),
                   ("Darauf hinzuweisen.", "Le signaler.")]:
        vs, vt = lexical_vectors([de], [fr], de_fr)
        assert _cos(vs, vt) > 0.5, de


def test_hyphenated_words_are_looked_up_by_their_parts(de_fr) -> None:
    vs, vt = lexical_vectors(["Die Gletscher-Expedition."], ["L'expédition du glacier."], de_fr)
    assert _cos(vs, vt) > 0.9
    # the parts are compounds themselves, or unknown (a name): the known ones still count
    vs, vt = lexical_vectors(["Die Schneehütte-Spur am Xylo-Gletscher."],
                             ["La trace de la cabane de neige au glacier du Xylo."], de_fr)
    assert _cos(vs, vt) > 0.8


def test_both_directions_and_multiword_headwords(de_fr) -> None:
    # "hôtel de ville" comes from the fra-deu dictionary, read backwards
    assert "rathaus" in de_fr.entries and "hôtel" in de_fr.entries["rathaus"]
    fr_de = load_lexicon("fr", "de", find_dictionaries([DIRECT]), use_cache=False)
    assert fr_de.max_words >= 3
    vs, vt = lexical_vectors(["Devant l'hôtel de ville."], ["Vor dem Rathaus."], fr_de)
    assert _cos(vs, vt) > 0.5


# -- pivot, missing dictionaries, discovery, cache --------------------------------------------

def test_pivot_through_english_composes_with_a_penalty() -> None:
    dicts = find_dictionaries([PIVOT])
    lex = load_lexicon("de", "fr", dicts, use_cache=False)
    assert lex.via == "en" and lex.trust == pytest.approx(dm.PIVOT_PENALTY)
    stem = dm.get_stemmer("de")
    assert {"montagn", "mont"} <= set(lex.entries[stem("berg")])
    assert "neig" in lex.entries[stem("schnee")]            # Schnee → snow → neige
    assert "through English" in lex.describe() and "pivot penalty" in lex.describe()
    assert ("de", "fr", "via en") in dictionary_pairs(dicts)
    # composition by hand: only words that pass through the pivot survive
    a = build_lexicon("de", "en", [("Haus", ["house"]), ("Katze", ["cat"])])
    b = build_lexicon("en", "fr", [("house", ["maison"])])
    c = compose(a, b, penalty=0.5)
    assert c.entries == {"haus": ("maison",)} and c.trust == 0.5
    with pytest.raises(ValueError):
        compose(b, a)


def test_direct_dictionaries_win_and_pairs_are_listed() -> None:
    dicts = find_dictionaries([DIRECT, PIVOT])
    assert load_lexicon("de", "fr", dicts, use_cache=False).via == ""
    pairs = dictionary_pairs(dicts)
    assert ("de", "fr", "direct") in pairs and ("fr", "de", "direct") in pairs
    assert ("en", "de", "reversed") in pairs


def test_missing_dictionary_names_the_debian_package() -> None:
    with pytest.raises(MissingDictionaryError) as err:
        load_lexicon("de", "pl", find_dictionaries([DIRECT]))
    msg = str(err.value)
    assert "apt-get install dict-freedict-deu-pol" in msg and "\n" not in msg


def test_lexicons_are_cached_per_dictionary_version(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    for p in DIRECT.iterdir():
        (folder / p.name).write_bytes(p.read_bytes())
    first = load_lexicon("de", "fr", find_dictionaries([folder]))
    cached = list(dm.cache_dir().glob("de-fr-*.pickle"))
    assert len(cached) == 1
    assert load_lexicon("de", "fr", find_dictionaries([folder])).entries == first.entries
    # a new version of a dictionary (other size) gets a new cache entry
    index = folder / "freedict-deu-fra.index"
    index.write_text(index.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load_lexicon("de", "fr", find_dictionaries([folder]))
    assert len(list(dm.cache_dir().glob("de-fr-*.pickle"))) == 2


# -- evidence selection and the aligner ---------------------------------------------------------

def test_evidence_selection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_DICT_DIRS", str(DIRECT))
    from workbench.align import evidence

    monkeypatch.setattr(evidence, "mt_route", lambda s, t, e="auto": None)
    ev = select_evidence("de", "fr")
    assert ev.mt_engine is None and ev.lexicon is not None
    assert ev.line.startswith("evidence: dictionary de→fr (freedict-deu-fra + freedict-fra-deu; "
                              "de: stems, compounds, participles; fr: stems; hyphenated words by "
                              "their parts; cognates and numbers)")
    assert select_evidence("de", "fr", dictionary=False).line.startswith(
        "evidence: length and anchors only")
    # no MT and no dictionary: the line says what to install
    ev = select_evidence("de", "pl")
    assert ev.lexicon is None and "apt-get install dict-freedict-deu-pol" in ev.line
    with pytest.raises(MissingDictionaryError):
        select_evidence("de", "pl", dictionary=True)
    # where MT exists, the dictionary joins it
    monkeypatch.setattr(evidence, "mt_route", lambda s, t, e="auto": "apertium")
    ev = select_evidence("de", "fr")
    assert ev.mt_engine == "apertium" and ev.lexicon is not None
    assert ev.line.startswith("evidence: MT (apertium) + dictionary de→fr")
    assert select_evidence("de", "fr", use_mt=False).mt_engine is None


DE = ["Der Gletscher lag unter dem Schnee.", "Wir gingen zum Berg.", "Die Hütte war leer."]
FR = ["Le glacier était sous la neige.", "Nous allâmes à la montagne.", "La cabane était vide."]


def test_aligner_uses_the_dictionary_and_says_so(de_fr) -> None:
    ok = MTGuidedAligner(lexicon=de_fr).align(DE, FR)
    assert [(b.src, b.tgt) for b in ok.beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    assert ok.provenance["dictionary"].startswith("dictionary de→fr") and not ok.provenance["mt"]
    assert "3-3" in ok.provenance["bead_types"]        # the dictionary-only shapes
    plain = MTGuidedAligner().align(DE, FR)
    assert plain.provenance["dictionary"] is None and "3-3" not in plain.provenance["bead_types"]


# -- dictionary-only costs and confidence -----------------------------------------------

def _weakest(tgt: list[str], relative: bool) -> float:
    """The weakest-member evidence of the 1-2 bead of one German sentence with ``tgt``,
    under a lexicon that gives every word four translations."""
    lex = build_lexicon("de", "fr", [("berg", ["montagne", "mont", "sommet", "pic"]),
                                     ("gletscher", ["glacier", "névé", "glace", "banquise"]),
                                     ("hütte", ["cabane", "refuge", "abri", "chalet"]),
                                     ("schnee", ["neige", "poudreuse", "flocon", "blanc"])])
    w = replace(DICT_WEIGHTS, weak_relative=relative)
    su, tu = _prepare(["Berg Gletscher Hütte Schnee"], tgt, None, None, None, 12, 2, w.words, lex)
    scorer = _Scorer(su, tu, w, True, 2)
    scorer.set_band(Band.around(np.array([0, 2]), np.array([0, 2]), 1, 2, 3))
    return float(scorer.evidence_at(1, 2, np.array([1]), np.array([2]))["weak"][0])


def test_weakest_member_is_judged_against_its_sides_own_coverage() -> None:
    halves = ["Montagne et glacier.", "Cabane et neige."]
    # each French sentence translates half of the German one: with four translations per
    # word, raw containment reads 0.5 (a penalty); relative to the bead's coverage it is 1
    assert _weakest(halves, relative=False) == pytest.approx(0.5, abs=1e-3)
    assert _weakest(halves, relative=True) == pytest.approx(1.0, abs=1e-3)
    # a member the other side does not translate stays the weakest either way
    assert _weakest(["Montagne, glacier, cabane, neige.", "Rien du tout ici."], relative=True) == 0.0


def test_dictionary_only_beads_use_the_dictionary_confidence_model(de_fr) -> None:
    sure = ConfidenceModel(bias=8.0)
    got = MTGuidedAligner(lexicon=de_fr, dict_confidence=sure).align(DE, FR)
    assert min(b.confidence for b in got.beads) > 0.99
    # with MT the MT model decides, whatever the dictionary model says
    with_mt = MTGuidedAligner(lexicon=de_fr, dict_confidence=sure).align(DE, FR, src_mt=FR)
    ref = MTGuidedAligner(lexicon=de_fr).align(DE, FR, src_mt=FR)
    assert [b.confidence for b in with_mt.beads] == [b.confidence for b in ref.beads]
    # the shipped model trusts a clean dictionary alignment
    assert DICT_CONFIDENCE != ConfidenceModel()
    assert min(b.confidence for b in MTGuidedAligner(lexicon=de_fr).align(DE, FR).beads) > 0.5


REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "align-gold-defr"


@pytest.mark.skipif(not (REAL / "dev.gold").exists()
                    or not Path("/usr/share/dictd/freedict-deu-fra.index").exists(),
                    reason="needs ../shared/data/align-gold-defr and dict-freedict-deu-fra")
def test_real_dictionary_beats_length_on_text_berg(monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.align.ladder import read_ladder
    from workbench.evaluation.align import score_alignment

    monkeypatch.setenv("WORKBENCH_DICT_DIRS", "/usr/share/dictd")
    src = (REAL / "dev.de").read_text(encoding="utf-8").splitlines()[:150]
    tgt = (REAL / "dev.fr").read_text(encoding="utf-8").splitlines()
    gold = [b for b in read_ladder(REAL / "dev.gold") if all(i < 150 for i in b.src)
            and b.src or (not b.src and b.tgt[0] < 200)]
    last = max(j for b in gold for j in b.tgt)
    tgt = tgt[: last + 1]
    lex = load_lexicon("de", "fr")
    f1 = {name: score_alignment(gold, MTGuidedAligner(lexicon=lx, merge_nulls=False)
                                .align(src, tgt).beads).f1_strict
          for name, lx in (("length", None), ("dictionary", lex))}
    assert f1["dictionary"] > f1["length"] + 0.05, f1


def test_cli_says_which_evidence_it_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_DICT_DIRS", str(DIRECT))
    from workbench.align import evidence

    monkeypatch.setattr(evidence, "mt_route", lambda s, t, e="auto": None)
    (tmp_path / "a.de").write_text("\n".join(DE) + "\n", encoding="utf-8")
    (tmp_path / "a.fr").write_text("\n".join(FR) + "\n", encoding="utf-8")
    runner = CliRunner()
    args = ["align", "--src", str(tmp_path / "a.de"), "--tgt", str(tmp_path / "a.fr"),
            "--src-lang", "de", "--tgt-lang", "fr"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "evidence: dictionary de→fr" in res.output
    assert res.stdout.splitlines()[0].startswith("[0]:[0]:")
    # a missing dictionary asked for: one line naming the Debian package, exit 1
    import os
    import subprocess
    import sys

    env = {**os.environ, "WORKBENCH_DICT_DIRS": str(DIRECT), "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run([sys.executable, "-c", "from workbench.cli import main; main()",
                           *args[:-2], "--tgt-lang", "pl", "--dict", "--no-mt"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1
    err = proc.stderr.strip()
    assert "dict-freedict-deu-pol" in err and "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    res = runner.invoke(app, args + ["--no-dict"])
    assert res.exit_code == 0 and "length and anchors only" in res.output


def test_models_list_shows_dictionary_pairs(argos_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_DICT_DIRS", str(PIVOT))
    res = CliRunner().invoke(app, ["models", "list"])
    assert res.exit_code == 0, res.output
    assert "dictionary pairs (alignment evidence, FreeDict in" in res.output
    assert "de→en" in res.output and "fr→en (reversed)" in res.output
    assert "dictionary pairs via en (pivot penalty): de↔fr" in res.output
    monkeypatch.setenv("WORKBENCH_DICT_DIRS", "")
    res = CliRunner().invoke(app, ["models", "list"])
    assert "apt-get install dict-freedict-deu-fra" in res.output


def test_project_mode_uses_the_dictionary_and_records_it(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.align import evidence
    from workbench.align.project import align_project
    from workbench.store import NewParagraph, NewSegment, Project

    monkeypatch.setenv("WORKBENCH_DICT_DIRS", str(DIRECT))
    monkeypatch.setattr(evidence, "mt_route", lambda s, t, e="auto": None)
    with Project(tmp_path / "p") as proj:
        seg = lambda texts: [NewParagraph(" ".join(texts), "p", [NewSegment(t, True) for t in texts])]  # noqa: E731
        common = dict(lang_confidence=1.0, fmt="txt", encoding="utf-8")
        proj.add_document(source_path="a.de.txt", title="a", lang="de", content_hash="1",
                          paragraphs=seg(DE), **common)
        proj.add_document(source_path="a.fr.txt", title="a", lang="fr", content_hash="2",
                          paragraphs=seg(FR), **common)
        results = align_project(proj, src_lang="de", tgt_lang="fr")
        assert len(results) == 1 and results[0].beads == 3 and results[0].mt == "dict de→fr"
        assert align_project(proj, src_lang="de", tgt_lang="fr", dictionary=False)[0].mt == "none"
