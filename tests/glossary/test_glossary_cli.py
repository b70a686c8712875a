"""``workbench glossary ...`` through the real command line (bytes in, bytes out)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS_GLOSSARY = ROOT / "glossaries" / "seeds.csv"


def wb(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "workbench", "glossary", *args], input=stdin,
                          capture_output=True, timeout=120, cwd=ROOT)


def test_apply_stdin_to_stdout_byte_for_byte() -> None:
    data = ("\ufeffSERGUEÏ CHOÏGOU à Pyongyang\r\n"
            "  Kim Jong-un, l’ONU et un Kievan  \n"
            "ligne sans nom\r"
            "Shoig\n"
            "\n"
            "dernière ligne sans fin de ligne : Corée du Nord").encode("utf-8")
    res = wb("apply", "-g", str(SEEDS_GLOSSARY), "--lang", "en", stdin=data)
    assert res.returncode == 0, res.stderr
    assert res.stdout == ("\ufeffSERGEI SHOIGU à Pyongyang\r\n"
                          "  Kim Jong Un, l’UN et un Kievan  \n"
                          "ligne sans nom\r"
                          "Shoigu\n"
                          "\n"
                          "dernière ligne sans fin de ligne : North Korea").encode("utf-8")


def test_apply_files_and_bad_input(tmp_path: Path) -> None:
    src, out = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_bytes("Sergei Shoigu\n".encode())
    res = wb("apply", "-g", str(SEEDS_GLOSSARY), "-l", "fr", "--in", str(src), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert out.read_text(encoding="utf-8") == "Sergueï Choïgou\n"
    # issue 13, item 17: success is said, with what changed and where it went
    assert b"1 line read, 1 changed" in res.stderr and str(out).encode() in res.stderr

    src.write_bytes(b"ok\nbad \xff byte\n")
    out.write_text("previous", encoding="utf-8")
    res = wb("apply", "-g", str(SEEDS_GLOSSARY), "-l", "fr", "--in", str(src), "--out", str(out))
    assert res.returncode == 1
    assert b"in.txt:2: not valid UTF-8" in res.stderr and b"Traceback" not in res.stderr
    assert out.read_text(encoding="utf-8") == "previous"  # nothing half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt", "out.txt"]


def test_apply_with_an_invalid_glossary_reports_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("concept;lang;term;status\nk;fr;Kiev;variant\nk;en;;preferred\n", encoding="utf-8")
    res = wb("apply", "-g", str(bad), "-l", "en", stdin=b"Kiev\n")
    assert res.returncode == 1
    err = res.stderr.decode()
    assert f"{bad}:2:" in err.replace("\n", "") or "bad.csv:2" in err
    assert "empty term" in err and "no preferred form" in err and "Traceback" not in err


def test_validate(tmp_path: Path) -> None:
    res = wb("validate", str(SEEDS_GLOSSARY))
    assert res.returncode == 0
    assert res.stdout.decode().startswith(f"ok\t{SEEDS_GLOSSARY}\t")
    bad = tmp_path / "bad.csv"
    bad.write_text("concept,lang,term,status\na,fr,Moscou,preferred\nb,fr,MOSCOU,preferred\n", encoding="utf-8")
    res = wb("validate", str(SEEDS_GLOSSARY), str(bad))
    assert res.returncode == 1
    assert b"bad.csv:3" in res.stderr and b"also a form of concept 'a'" in res.stderr


def test_check_files(tmp_path: Path) -> None:
    src, tgt = tmp_path / "src.fr", tmp_path / "tgt.en"
    src.write_text("Sergueï Choïgou à Pyongyang.\nLa Maison Blanche.\nRien.\n", encoding="utf-8")
    tgt.write_text("Sergueï Choïgou in Pyongyang.\nThe president.\nNothing.\n", encoding="utf-8")
    res = wb("check", "-g", str(SEEDS_GLOSSARY), "--src", str(src), "--tgt", str(tgt),
             "--src-lang", "fr", "--tgt-lang", "en")
    assert res.returncode == 0, res.stderr
    rows = [line.split("\t") for line in res.stdout.decode().splitlines()]
    assert rows[0][:3] == ["line", "concept", "problem"]
    assert [r[:5] for r in rows[1:]] == [
        ["1", "shoigu-full", "non-preferred", "Sergei Shoigu", "Sergueï Choïgou"],
        ["2", "white-house", "missing", "White House", ""],
    ]
    strict = wb("check", "-g", str(SEEDS_GLOSSARY), "--src", str(src), "--tgt", str(tgt), "--strict")
    assert strict.returncode == 1


def test_suggest_and_accept(tmp_path: Path) -> None:
    text = tmp_path / "text.fr"
    text.write_text("Le ministre Sergueï Shoygou est à Pjöngjang.\nRien ici.\n", encoding="utf-8")
    res = wb("suggest", "-g", str(SEEDS_GLOSSARY), "--lang", "fr", "--in", str(text))
    assert res.returncode == 0, res.stderr
    header, *rows = [line.split("\t") for line in res.stdout.decode().splitlines()]
    assert header == ["line", "span", "concept", "score"]  # issue 13, item 17
    assert [r[:3] for r in rows] == [["1", "Sergueï Shoygou", "shoigu-full"], ["1", "Pjöngjang", "pyongyang"]]
    assert b"2 suggestions;" in res.stderr
    piped = wb("suggest", "-g", str(SEEDS_GLOSSARY), "--lang", "fr", stdin=text.read_bytes())
    assert piped.returncode == 0 and piped.stdout == res.stdout  # stdin by default
    tsv = tmp_path / "accepted.tsv"
    tsv.write_bytes(res.stdout)
    new = tmp_path / "new.csv"
    res = wb("accept", "-g", str(SEEDS_GLOSSARY), "-l", "fr", "--in", str(tsv), "--out", str(new))
    assert res.returncode == 0, res.stderr
    assert "Sergueï Shoygou" in new.read_text(encoding="utf-8")
    res = wb("apply", "-g", str(new), "-l", "en", stdin="Pjöngjang\n".encode())
    assert res.stdout == b"Pyongyang\n"


def test_tbx_export_import(tmp_path: Path) -> None:
    tbx, csv_out = tmp_path / "seeds.tbx", tmp_path / "back.csv"
    assert wb("export-tbx", "-g", str(SEEDS_GLOSSARY), "--out", str(tbx)).returncode == 0
    res = wb("import-tbx", str(tbx), "--out", str(csv_out))
    assert res.returncode == 0, res.stderr
    assert csv_out.read_text(encoding="utf-8").splitlines()[1:] == \
        SEEDS_GLOSSARY.read_text(encoding="utf-8").splitlines()[1:]
    # a TBX glossary works wherever a CSV one does
    assert wb("apply", "-g", str(tbx), "-l", "en", stdin=b"Moscou\n").stdout == b"Moscow\n"

    hostile = tmp_path / "x.tbx"
    hostile.write_text('<!DOCTYPE tbx [<!ENTITY x SYSTEM "file:///etc/passwd">]><tbx>&x;</tbx>', encoding="utf-8")
    res = wb("import-tbx", str(hostile))
    assert res.returncode == 1 and b"refused" in res.stderr and b"root:" not in res.stdout + res.stderr


@pytest.mark.parametrize("args", [["--help"], ["apply", "--help"], ["check", "--help"], ["suggest", "--help"]])
def test_help(args: list[str]) -> None:
    res = wb(*args)
    assert res.returncode == 0 and b"Usage" in res.stdout


def test_bad_language_is_a_usage_error() -> None:
    res = wb("apply", "-g", str(SEEDS_GLOSSARY), "--lang", "french", stdin=b"x\n")
    assert res.returncode == 2 and b"ISO 639-1" in res.stderr
