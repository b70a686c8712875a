"""Loading and validating glossary CSV files: every problem reported with file and line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench.errors import GlossaryError
from workbench.glossary import Glossary, GlossaryValidationError, Term, load_csv, parse_csv, save_csv, to_csv

HEADER = "concept,lang,term,status,note\n"


def write(tmp_path: Path, text: str | bytes, name: str = "g.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.mark.parametrize(("body", "line", "fragment"), [
    ("kim,fr,Kim Jong-un,variant,\n", 2, "no preferred form in 'fr'"),
    ("kim,fr,Kim Jong-un,preferred,\nkim,fr,Kim Jong Un,preferred,\n", 3, "2 preferred forms"),
    ("kim,fr,,preferred,\n", 2, "empty term"),
    ("kim,fr,   ,preferred,\n", 2, "empty term"),
    ("kim,fr,---,preferred,\n", 2, "no letters or digits"),
    (",fr,Kim,preferred,\n", 2, "empty concept id"),
    ("kim jong,fr,Kim,preferred,\n", 2, "concept id 'kim jong'"),
    ("kim,french,Kim,preferred,\n", 2, "not an ISO 639-1 code"),
    ("kim,fr,Kim,pref,\n", 2, "status 'pref'"),
    ("kim,fr,Kim,preferred\n", 2, "4 fields, expected 5"),
    ("kim,fr,Kim,preferred,\nkim,fr,Kim,preferred,\n", 3, "duplicate row"),
    ("a,fr,Kim Jong-un,preferred,\nb,fr,KIM JONG UN,preferred,\n", 3, "also a form of concept 'a'"),
    ("a,fr,Choïgou,preferred,\nb,en,Choigou,preferred,\n", 3, "(fr and en)"),
])
def test_validation_errors_name_file_line_and_problem(tmp_path: Path, body: str, line: int, fragment: str) -> None:
    path = write(tmp_path, HEADER + body)
    with pytest.raises(GlossaryError) as err:
        load_csv(path)
    msg = str(err.value)
    assert f"{path}:{line}:" in msg
    assert fragment in msg


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "a,fr,,preferred,\nb,fr,X,variant,\nc,xx-YY,Y,preferred,\n"
                           "d,fr,Moscou,preferred,\ne,fr,moscou,preferred,\n")
    with pytest.raises(GlossaryValidationError) as err:
        load_csv(path)
    assert [p.line for p in err.value.problems] == [2, 3, 4, 6]
    assert "4 problems" in str(err.value)
    assert "nothing was loaded" in str(err.value)


def test_same_form_twice_in_one_concept_is_fine() -> None:
    g = parse_csv(HEADER + "kim,fr,Kim Jong-un,preferred,\nkim,fr,Kim Jong Un,variant,\n"
                           "kim,en,Kim Jong Un,preferred,\n")
    assert g.apply("KIM JONG UN", "fr") == "KIM JONG-UN"


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + (HEADER + "kiev,fr,Kiev,preferred,\nkiev,en,Kyiv,preferred,\n").encode())
    g = load_csv(path)
    assert g.concepts["kiev"].preferred("en").text == "Kyiv"


@pytest.mark.parametrize("delim", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_detected_from_the_header(tmp_path: Path, delim: str) -> None:
    text = (f"concept{delim}lang{delim}term{delim}status{delim}note\n"
            f"unsc{delim}fr{delim}\"Conseil de sécurité; ONU\"{delim}preferred{delim}\n"
            f"unsc{delim}en{delim}UN Security Council{delim}preferred{delim}a note, with a comma\n")
    g = load_csv(write(tmp_path, text))
    assert g.concepts["unsc"].preferred("fr").text == "Conseil de sécurité; ONU"
    assert g.concepts["unsc"].preferred("en").note == "a note, with a comma"


def test_semicolon_file_with_a_stray_field_is_refused_with_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "concept;lang;term;status;note\nunsc;fr;Conseil de sécurité; ONU;preferred;\n")
    with pytest.raises(GlossaryError, match=r"g\.csv:2: 6 fields, expected 5 .*quote terms"):
        load_csv(path)


@pytest.mark.parametrize(("data", "fragment"), [
    (b"", "the glossary is empty"),
    (b"   \n\n", "the glossary is empty"),
    (b"concept,language,term\n", "the header must be"),
    (b"concept,lang,term,status,note,source\n", "unknown column(s) 'source'"),
    ("concept,lang,term,status\nkiev,fr,Kiev,preferred\n".encode("utf-16-le"), "NUL byte"),
    (b"\xff\xfec\x00o\x00\x00\xd8", "not valid UTF-16"),
    (b"concept,lang,term,status\nkiev,fr,Ki\xe9v,preferred\n", ":2: not valid UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "NUL byte"),
])
def test_unusable_files_are_refused_clearly(tmp_path: Path, data: bytes, fragment: str) -> None:
    with pytest.raises(GlossaryError) as err:
        load_csv(write(tmp_path, data))
    assert fragment in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="no such glossary file"):
        load_csv(tmp_path / "nope.csv")


def test_comments_blank_lines_quotes_and_spaces() -> None:
    g = parse_csv("\n# seeds\nconcept , lang , term , status\n\n# people\n"
                  'kim, FR ," Kim Jong-un ", Preferred\n'
                  '"tg","en","Thomas-Greenfield, Linda",preferred\n')
    assert g.concepts["kim"].preferred("fr").text == "Kim Jong-un"
    assert g.concepts["tg"].preferred("en").text == "Thomas-Greenfield, Linda"
    assert g.concepts["kim"].terms[0].line == 6


def test_multiline_quoted_cell_counts_lines() -> None:
    with pytest.raises(GlossaryError) as err:
        parse_csv('concept,lang,term,status,note\na,fr,A,preferred,"two\nlines"\nb,fr,,preferred,\n', "m.csv")
    assert "m.csv:4: empty term" in str(err.value)


def test_save_round_trip_and_atomic_write(tmp_path: Path, small: Glossary) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old content", encoding="utf-8")
    save_csv(small, path)
    again = load_csv(path)
    assert again.terms() == small.terms()
    assert again.hash == small.hash
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # readable like any saved file


def test_hash_ignores_order_and_notes_but_not_content() -> None:
    a = parse_csv(HEADER + "k,fr,Kiev,preferred,x\nk,en,Kyiv,preferred,\n")
    b = parse_csv(HEADER + "k,en,Kyiv,preferred,other note\nk,fr,Kiev,preferred,\n")
    c = parse_csv(HEADER + "k,fr,Kiev,preferred,\nk,en,Kiev,preferred,\n")
    assert a.hash == b.hash != c.hash
    assert len(a.hash) == 64 and a.version == a.hash[:12]


def test_with_variants_adds_and_validates(small: Glossary) -> None:
    g = small.with_variants([("shoigu", "fr", "Shoygou")])
    assert g.apply("Shoygou", "en") == "Shoigu"
    assert g.hash != small.hash
    with pytest.raises(GlossaryError, match="no preferred form in 'de'"):
        small.with_variants([("shoigu", "de", "Schoigu")])
    with pytest.raises(GlossaryError, match="also a form of concept 'shoigu'"):
        small.with_variants([("kiev", "fr", "Choigou")])
    with pytest.raises(GlossaryError, match="no concept 'nope'"):
        small.with_variants([("nope", "fr", "X")])


def test_to_csv_quotes_what_needs_quoting() -> None:
    g = Glossary.from_terms([Term("x", "fr", 'Dit "A, B"', "preferred", "n;1")])
    assert parse_csv(to_csv(g)).terms() == g.terms()


def test_seed_glossary_is_valid(seeds_glossary: Glossary) -> None:
    assert len(seeds_glossary) >= 50
    assert seeds_glossary.languages == ["en", "es", "fr"]
    for concept in seeds_glossary.concepts.values():
        assert all(concept.preferred(lang) for lang in ("fr", "en", "es")), concept.id
