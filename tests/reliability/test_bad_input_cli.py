"""The bad-input matrix of issue 8 through the commands that read text:
``workbench segment`` (stdin), ``workbench translate --in`` (file mode) and
``workbench glossary apply``, each run as a real process. Every input has a
documented outcome: exit 0 with the text handled, or exit 1 with a one-line
message. Never a traceback, and never a partial file under the ``--out`` name
(a file already there stays as it was). (``ingest`` has its own matrix in
``test_bad_input_ingest.py``; the 50 MB text is at the end of this file.)

Documented outcomes, per command:

* ``segment`` reads stdin as UTF-8 (a BOM dropped) or UTF-16 with a BOM; any
  other bytes (latin-1, binary) are refused, naming the byte; empty or blank
  input prints nothing. HTML is text to it (no tag parsing).
* ``translate --in``: the same encodings; empty input is refused; one output
  line per input line, CRLF and lone CR both ending lines.
* ``glossary apply``: strict UTF-8 line by line, every byte that is not a
  glossary form copied unchanged (BOM and CRLF included); UTF-16 is refused
  (NUL bytes), so is latin-1 (invalid UTF-8).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bad_inputs import EMOJI, FR, GLOSSARY, INPUTS, LONG_WORD, MB_LINE, no_space

from workbench.errors import EncodingError, InputError
from workbench.glossary import parse_csv
from workbench.glossary.textio import apply_stream

HAS_APERTIUM = shutil.which("apertium") is not None
OLD = b"OLD FILE, must survive a refused run\n"
# strict stdio, as on a machine with an en_US.UTF-8 locale (not surrogateescape)
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "PYTHONUTF8": "0"}

# name -> (exit code, for 1: text of the message; for 0: a line that must be printed)
SEGMENT = {
    "empty": (0, None),
    "whitespace": (0, None),
    "png": (1, "not valid UTF-8 (byte 0)"),
    "gzip": (1, "not valid UTF-8 (byte 1)"),
    "utf16-bom": (0, "Kim Jong Un l'a reçu."),
    "utf8-bom": (0, "Sergueï Choïgu s'est rendu à Pyongyang fin juillet."),
    "latin1": (1, "not valid UTF-8 (byte 14)"),
    "invalid-utf8": (1, "not valid UTF-8 (byte 3)"),
    "nul": (1, "NUL characters"),
    "crlf": (0, "Kim Jong Un l'a reçu."),
    "lone-cr": (0, "Moscou répond."),
    "html-script": (0, "<p>Bonjour.</p><script>alert('x')</script><p>Fin du texte.</p>"),
    "arabic-rtl": (0, "وأضاف أن المحادثات مستمرة."),
    "emoji-zwj": (0, "Le drapeau 🏳️‍🌈 flotte."),
    "word-5000": (0, LONG_WORD + " est un mot."),
    "line-1mb": (0, MB_LINE),
}

# name -> (exit code, for 1: message; for 0: (lines out, text in the output))
TRANSLATE = {
    "empty": (1, "is empty: nothing to translate"),
    "whitespace": (1, "is empty: nothing to translate"),
    "png": (1, "is not valid UTF-8 (byte 0)"),
    "gzip": (1, "is not valid UTF-8 (byte 1)"),
    "utf16-bom": (0, (1, "Pyongyang")),
    "utf8-bom": (0, (1, "Pyongyang")),
    "latin1": (1, "is not valid UTF-8 (byte 14)"),
    "invalid-utf8": (1, "is not valid UTF-8 (byte 3)"),
    "nul": (1, "contains NUL characters"),
    "crlf": (0, (2, "Pyongyang")),
    "lone-cr": (0, (2, "Kremlin")),
    "html-script": (0, (1, "<script>alert('x')</script>")),
    "arabic-rtl": (0, (1, "البيت الأبيض")),  # not French: passed through
    "emoji-zwj": (0, (1, "👨‍👩‍👧‍👦")),
    "word-5000": (0, (1, LONG_WORD)),
    "line-1mb": None,  # not run: 10 s of Apertium; segment and apply take this line
}

# name -> (exit code, message for 1); exit 0 means: output == expected_apply(input)
APPLY = {
    "empty": (0, None),
    "whitespace": (0, None),
    "png": (1, "not valid UTF-8 (byte 0x89 at column 1)"),
    "gzip": (1, ":1: NUL byte"),  # the gzip header holds NUL bytes
    "utf16-bom": (1, ":1: NUL byte"),
    "utf8-bom": (0, None),
    "latin1": (1, ":1: not valid UTF-8 (byte 0xe9"),
    "invalid-utf8": (1, ":1: not valid UTF-8 (byte 0xe9 at column 4)"),
    "nul": (1, ":1: NUL byte"),
    "crlf": (0, None),
    "lone-cr": (0, None),
    "html-script": (0, None),
    "arabic-rtl": (0, None),
    "emoji-zwj": (0, None),
    "word-5000": (0, None),
    "line-1mb": (0, None),
}
assert set(SEGMENT) == set(TRANSLATE) == set(APPLY) == set(INPUTS)


def expected_apply(data: bytes) -> bytes:
    """What ``glossary apply -l fr`` must write: the two forms rewritten, all else as is."""
    return (data.replace("Sergueï Choïgu".encode(), "Sergueï Choïgou".encode())
            .replace(b"Kim Jong Un", b"Kim Jong-un"))


def _run(args: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", *args], input=stdin,
                          capture_output=True, timeout=300, env=ENV)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[tuple[str, str], tuple[subprocess.CompletedProcess, Path]]:
    """Every (command, input) pair, run as processes four at a time."""
    root = tmp_path_factory.mktemp("badcli")
    glossary = root / "glossary.csv"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    jobs = {}
    for name, data in INPUTS.items():
        src = root / f"{name}.txt"
        src.write_bytes(data)
        jobs[("segment", name)] = (["segment", "--lang", "fr"], data, None)
        if TRANSLATE[name] and (HAS_APERTIUM or TRANSLATE[name][0] == 1):
            out = root / f"{name}.es"
            out.write_bytes(OLD)
            jobs[("translate", name)] = (["translate", "--in", str(src), "--from", "fr", "--to",
                                          "es", "--engine", "apertium", "--out", str(out)],
                                         b"", out)
        out = root / f"{name}.norm"
        out.write_bytes(OLD)
        jobs[("apply", name)] = (["glossary", "apply", "-g", str(glossary), "-l", "fr",
                                  "--in", str(src), "--out", str(out)], b"", out)
    with ThreadPoolExecutor(4) as pool:
        futures = {key: pool.submit(_run, args, stdin) for key, (args, stdin, _) in jobs.items()}
        return {key: (f.result(), jobs[key][2]) for key, f in futures.items()}


def _no_traceback(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode("utf-8")
    assert "Traceback" not in err and "Traceback" not in proc.stdout.decode("utf-8", "replace")
    return err


def _text(data: bytes) -> str:
    return data.decode("utf-16" if data[:2] == b"\xff\xfe" else "utf-8-sig")


@pytest.mark.parametrize("name", list(INPUTS))
def test_segment(runs, name):
    proc, _ = runs[("segment", name)]
    err = _no_traceback(proc)
    code, needle = SEGMENT[name]
    assert proc.returncode == code, err
    if code:
        assert err.startswith("error: <stdin>: ") and needle in err and err.count("\n") == 1
        assert proc.stdout == b""
        return
    out = proc.stdout.decode("utf-8")
    assert "\r" not in out
    assert no_space(out) == no_space(_text(INPUTS[name]))  # nothing lost, nothing invented
    if needle is None:
        assert out == ""
    else:
        assert needle in out.split("\n")


@pytest.mark.parametrize("name", [n for n in INPUTS if TRANSLATE[n]])
def test_translate_file_mode(runs, name):
    code, expected = TRANSLATE[name]
    if ("translate", name) not in runs:
        pytest.skip("apertium not installed")
    proc, out = runs[("translate", name)]
    err = _no_traceback(proc)
    assert proc.returncode == code, err
    if code:
        assert err.startswith("error: ") and expected in err
        assert out.read_bytes() == OLD  # the old file is untouched
        return
    lines, needle = expected
    text = out.read_text(encoding="utf-8")
    assert text.endswith("\n") and text.count("\n") == lines
    assert needle in text
    assert not list(out.parent.glob(f".{out.name}*"))  # no temporary file left behind


@pytest.mark.parametrize("name", list(INPUTS))
def test_glossary_apply(runs, name):
    proc, out = runs[("apply", name)]
    err = _no_traceback(proc)
    code, needle = APPLY[name]
    assert proc.returncode == code, err
    if code:
        assert err.startswith("error: ") and needle in err and err.count("\n") == 1
        assert out.read_bytes() == OLD
        assert not list(out.parent.glob(f".{out.name}*"))
    else:
        assert out.read_bytes() == expected_apply(INPUTS[name])


@pytest.mark.parametrize("name", list(INPUTS))
def test_glossary_apply_library_agrees_with_the_cli(name):
    """The library function behind the command: same bytes out, or an InputError."""
    glossary = parse_csv(GLOSSARY, "g.csv")
    stream = io.BytesIO(INPUTS[name])
    if APPLY[name][0]:
        with pytest.raises(InputError) as info:
            b"".join(apply_stream(glossary, stream, "fr", "in.txt"))
        assert APPLY[name][1] in str(info.value)
        assert isinstance(info.value, EncodingError) == ("UTF-8" in APPLY[name][1])
    else:
        assert b"".join(apply_stream(glossary, stream, "fr")) == expected_apply(INPUTS[name])


def test_segment_emoji_and_rtl_are_not_split_inside_a_cluster():
    from workbench.cli.segment import segment_text

    out = segment_text(EMOJI + "\n" + FR, "fr").split("\n")
    assert out[:2] == ["La famille 👨‍👩‍👧‍👦 est arrivée à Moscou.", "Le drapeau 🏳️‍🌈 flotte."]


# -- 50 MB ------------------------------------------------------------------------------------

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


UNIT = ("\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
        + "\nSergueï Choïgu et KIM JONG UN.\r\n").encode()
REPEAT = 50 * 2**20 // len(UNIT) + 1


@pytest.fixture(scope="module")
def fifty_mb(tmp_path_factory) -> Path:
    """The five seed articles and a line to normalise, repeated to 50 MiB."""
    path = tmp_path_factory.mktemp("big") / "big.txt"
    path.write_bytes(UNIT * REPEAT)
    assert path.stat().st_size >= 50 * 2**20
    return path


def test_fifty_mb_text_is_refused_by_ingest_before_reading(fifty_mb, tmp_path):
    project = tmp_path / "p"
    proc = _run(["ingest", str(fifty_mb), "-p", str(project)])
    err = _no_traceback(proc)
    assert proc.returncode == 1
    assert "MB is over the 10 MB limit for one document" in err and "--max-mb" in err
    status = _run(["status", "-p", str(project)])
    assert status.returncode == 0 and "big.txt" not in status.stdout.decode()


def test_fifty_mb_text_streams_through_glossary_apply(fifty_mb, tmp_path):
    out = tmp_path / "big.norm"
    proc = _run(["glossary", "apply", "-g", str(_glossary(tmp_path)), "-l", "fr",
                 "--in", str(fifty_mb), "--out", str(out)])
    _no_traceback(proc)
    assert proc.returncode == 0
    unit = b"".join(apply_stream(parse_csv(GLOSSARY), io.BytesIO(UNIT), "fr"))
    assert "Sergueï Choïgou et KIM JONG-UN.\r\n".encode() in unit
    assert out.read_bytes() == unit * REPEAT  # line by line: every repeat the same


def _glossary(folder: Path) -> Path:
    path = folder / "g.csv"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path
