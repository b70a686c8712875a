"""Bad glossaries (issue 8, item 1) through ``workbench glossary validate``,
``workbench glossary apply`` (real processes) and the loader.

Documented outcomes: a glossary loads whole or not at all. ``validate`` prints
``ok`` with the counts, or ``error:`` naming file, line and what to fix, exit
1; ``apply`` with a refused glossary exits 1 before reading the text and
leaves the ``--out`` file as it was. A UTF-8 byte-order mark and semicolon or
tab separators (what spreadsheets save) are accepted; terms are literal text,
regex metacharacters included.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from workbench.errors import GlossaryError
from workbench.glossary import GlossaryValidationError, load_csv

HEADER = "concept,lang,term,status,note\n"
PUTIN = "putin,fr,Poutine,preferred,\nputin,fr,Poutin,variant,\nputin,en,Putin,preferred,\n"
REGEX = r"""cpp,fr,C++,preferred,
cpp,fr,C ++,variant,
digits,fr,nombre,preferred,
digits,fr,\d+,variant,
dot,fr,A-B-C,preferred,
dot,fr,a.b.c,variant,
star,fr,étoile,preferred,
star,fr,x*y+z?,variant,
pipe,fr,barre,preferred,
pipe,fr,$^|,variant,
afp,fr,Agence France-Presse,preferred,
afp,fr,(AFP),variant,
sp,fr,S&P 500,preferred,
sp,fr,[S&P],variant,
"""
TEXT = ("Selon l'(AFP), Vladimir Poutin a parlé. C ++ bat a.b.c mais pas axbxc ni abc ; "
        r"\d+ mais pas 123 ; x*y+z? mais pas xxyz ; $^| mais pas $ ; [S&P] mais pas S&P ; "
        "AFP seul.\n")
APPLIED_PUTIN = TEXT.replace("Poutin ", "Poutine ")
APPLIED_REGEX = ("Selon l'Agence France-Presse, Vladimir Poutin a parlé. C++ bat A-B-C mais pas "
                 "axbxc ni abc ; nombre mais pas 123 ; étoile mais pas xxyz ; barre mais pas $ ; "
                 "S&P 500 mais pas S&P ; AFP seul.\n")

# name -> (file bytes, None if accepted else the message, text after apply -l fr)
GLOSSARIES: dict[str, tuple[bytes, str | None, str | None]] = {
    "comma.csv": ((HEADER + PUTIN).encode(), None, APPLIED_PUTIN),
    "bom.csv": (b"\xef\xbb\xbf" + (HEADER + PUTIN).encode(), None, APPLIED_PUTIN),
    "semicolon.csv": ((HEADER + PUTIN).replace(",", ";").encode(), None, APPLIED_PUTIN),
    "tab.csv": ((HEADER + PUTIN).replace(",", "\t").encode(), None, APPLIED_PUTIN),
    "crlf.csv": ((HEADER + PUTIN).replace("\n", "\r\n").encode(), None, APPLIED_PUTIN),
    "regex-metacharacters.csv": ((HEADER + REGEX).encode(), None, APPLIED_REGEX),
    "missing-preferred.csv": (
        (HEADER + "putin,fr,Poutine,variant,\nputin,en,Putin,preferred,\n").encode(),
        "missing-preferred.csv:2: concept 'putin' has no preferred form in 'fr'", None),
    "two-preferred.csv": (
        (HEADER + "putin,fr,Poutine,preferred,\nputin,fr,Poutin,preferred,\n").encode(),
        "two-preferred.csv:3: concept 'putin' has 2 preferred forms in 'fr' (lines 2, 3)", None),
    "duplicate-across-concepts.csv": (
        (HEADER + PUTIN + "vlad,fr,Poutine,preferred,\n").encode(),
        "duplicate-across-concepts.csv:5: the form 'Poutine' of concept 'vlad' is also a form of "
        "concept 'putin' (line 2", None),
    "duplicate-accent-insensitive.csv": (
        (HEADER + "choigu,fr,Choïgou,preferred,\nshoigu,fr,CHOIGOU,preferred,\n").encode(),
        "is also a form of concept 'choigu'", None),
    "empty.csv": (b"", "empty.csv: the glossary is empty", None),
    "header-only-comment.csv": (b"# nothing here\n\n", "the glossary is empty", None),
    "utf16-bom.csv": ((HEADER + PUTIN).encode("utf-16"), None, APPLIED_PUTIN),
    "utf16-excel-tabs.csv": ((HEADER + PUTIN).replace(",", "\t").encode("utf-16"), None,
                             APPLIED_PUTIN),
    "utf16-no-bom.csv": ((HEADER + PUTIN).encode("utf-16-le"), "utf16-no-bom.csv:1: NUL byte",
                         None),
    "latin1.csv": ((HEADER + PUTIN.replace("Poutin,", "Poutïn,")).encode("latin-1"),
                   "latin1.csv:3: not valid UTF-8 (byte 0xef)", None),
    "png.csv": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "png.csv:3: NUL byte", None),
    "unknown-column.csv": ((HEADER.replace("note", "note,extra") + "putin,fr,P,preferred,,\n")
                           .encode(), "unknown-column.csv:1: unknown column(s) 'extra'", None),
    "unbalanced-quote.csv": ((HEADER + 'putin,fr,"Poutine,preferred,\n').encode(),
                             "unbalanced-quote.csv:2: malformed CSV", None),
    "stray-field.csv": ((HEADER + PUTIN + "kim,fr,Kim, Jong-un,preferred,\n").encode(),
                        "stray-field.csv:5: 6 fields, expected 5", None),
    "bad-status.csv": ((HEADER + "putin,fr,Poutine,favourite,\n").encode(),
                       "bad-status.csv:2: status 'favourite' must be 'preferred' or 'variant'",
                       None),
    "bad-lang.csv": ((HEADER + "putin,french,Poutine,preferred,\n").encode(),
                     "language 'french' is not an ISO 639-1 code", None),
}
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
OLD = "OLD OUTPUT\n"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", "glossary", *args],
                          capture_output=True, text=True, timeout=120, env=ENV)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("glossaries")
    (root / "text.txt").write_text(TEXT, encoding="utf-8")
    for name, (data, _, _) in GLOSSARIES.items():
        (root / name).write_bytes(data)
    return root


@pytest.fixture(scope="module")
def validated(files):
    """One ``validate`` run over every file: it reports each, then exits 1."""
    proc = _run("validate", *(str(files / name) for name in GLOSSARIES))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr + proc.stdout
    return proc


@pytest.fixture(scope="module")
def applied(files):
    def one(name: str):
        out = files / f"{name}.out"
        out.write_text(OLD, encoding="utf-8")
        proc = _run("apply", "-g", str(files / name), "-l", "fr", "--in",
                    str(files / "text.txt"), "--out", str(out))
        return proc, out.read_text(encoding="utf-8")

    with ThreadPoolExecutor(4) as pool:
        return dict(zip(GLOSSARIES, pool.map(one, GLOSSARIES)))


@pytest.mark.parametrize("name", list(GLOSSARIES))
def test_validate_reports_each_file(files, validated, name):
    _, message, _ = GLOSSARIES[name]
    ok = [line.split("\t") for line in validated.stdout.splitlines()]
    if message is None:
        assert [str(files / name)] == [row[1] for row in ok if row[1] == str(files / name)]
    else:
        assert str(files / name) not in validated.stdout
        assert message in " ".join(validated.stderr.split())  # rich may wrap long lines


@pytest.mark.parametrize("name", list(GLOSSARIES))
def test_apply_with_each_glossary(applied, name):
    proc, written = applied[name]
    assert "Traceback" not in proc.stderr + proc.stdout
    _, message, expected = GLOSSARIES[name]
    if message is None:
        assert proc.returncode == 0, proc.stderr
        assert written == expected
    else:
        assert proc.returncode == 1
        assert proc.stderr.startswith("error: ") and message in " ".join(proc.stderr.split())
        assert written == OLD  # nothing written when the glossary is refused


@pytest.mark.parametrize("name", list(GLOSSARIES))
def test_loader(files, name):
    _, message, expected = GLOSSARIES[name]
    if message is None:
        glossary = load_csv(files / name)
        assert glossary.apply(TEXT, "fr") == expected
        assert glossary.apply(expected, "fr") == expected
    else:
        with pytest.raises(GlossaryError) as info:
            load_csv(files / name)
        assert message in str(info.value)


def test_equivalent_spellings_of_one_glossary_are_the_same_glossary(files):
    """BOM, semicolons, tabs and CRLF change the file, not the glossary (same hash)."""
    hashes = {load_csv(files / n).hash for n in ("comma.csv", "bom.csv", "semicolon.csv",
                                                 "tab.csv", "crlf.csv")}
    assert len(hashes) == 1


def test_every_problem_is_listed_with_its_line(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "putin,fr,Poutine,variant,\nkim,xx1,Kim,preferred,\n"
                    "vlad,fr,poutine,preferred,\n", encoding="utf-8")
    with pytest.raises(GlossaryValidationError) as info:
        load_csv(path)
    lines = sorted(p.line for p in info.value.problems)
    assert lines[0] == 2 and 3 in lines and len(lines) >= 3
