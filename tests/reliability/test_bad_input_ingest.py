"""The bad-input matrix for ingest (issue 8): every input has a documented outcome,
none produces a traceback or a partial write."""

import gzip
import subprocess
import sys

import pytest

from workbench.store import Project

FR = "Sergueï Choïgou s'est rendu à Pyongyang fin juillet. Kim Jong Un l'a reçu."

# name -> (bytes, expected status, text that must be in the message or the stored segments)
CASES = {
    "empty.txt": (b"", "refused", "file is empty"),
    "blank.txt": (b"  \n\t \r\n", "refused", "only whitespace"),
    "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "refused", "PNG image"),
    "archive.txt": (gzip.compress(FR.encode()), "refused", "gzip archive"),
    "utf16.txt": (FR.encode("utf-16"), "added", "Choïgou"),
    "latin1.txt": ("Le ministre a été reçu à Pyongyang.".encode("latin-1"), "added", "été reçu"),
    "bad-utf8.txt": (b"Caf\xe9 \xff\xfe cr\xe8me. " + FR.encode(), "added", "Café"),
    "nul.txt": (b"texte\x00binaire", "refused", "NUL bytes"),
    "crlf.txt": (FR.replace(". ", ".\r\n\r\n").encode(), "added", "Kim Jong Un l'a reçu."),
    "cr.txt": ("Le Kremlin dément.\rMoscou répond.\r".encode(), "added", "Moscou répond."),
    "script.html": (b"<p>Bonjour.</p><script>alert('x')</script><p>&lt;script&gt; reste du "
                    b"texte.</p>", "added", "<script> reste du texte."),
    "arabic.txt": ("قال المتحدث باسم البيت الأبيض إن روسيا تسعى للحصول على ذخيرة. "
                   "وأضاف أن المحادثات مستمرة.".encode(), "added", "البيت الأبيض"),
    "emoji.txt": ("La famille 👨‍👩‍👧‍👦 est arrivée à Moscou. Le drapeau 🏳️‍🌈 flotte.".encode(),
                  "added", "👨‍👩‍👧‍👦"),
    "longword.txt": (("a" * 5000 + " est un mot. Fin.").encode(), "added", "a" * 5000),
}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    from workbench.ingest import ingest_paths

    root = tmp_path_factory.mktemp("bad")
    folder = root / "in"
    folder.mkdir()
    for name, (data, _, _) in CASES.items():
        (folder / name).write_bytes(data)
    with Project(root / "proj") as project:
        results = {r.path.name: r for r in ingest_paths(project, [folder])}
        texts = {}
        for doc in project.documents().iter_rows(named=True):
            segs = project.segments(doc["id"])["text"].to_list()
            texts[doc["source_path"].rsplit("/", 1)[-1]] = "\n".join(segs)
    return results, texts


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_outcome(ingested, name):
    results, texts = ingested
    _, status, needle = CASES[name]
    assert results[name].status == status
    if status == "refused":
        assert needle in results[name].message
        assert name not in texts  # nothing partial stored
    else:
        assert needle in texts[name]


def test_one_megabyte_line_without_punctuation(tmp_path):
    from workbench.ingest import build_document

    text = " ".join(["mot"] * 250_000)  # ~1 MB, no sentence end anywhere
    doc = build_document(text, "text", lang="fr")
    joined = "".join(s.text for p in doc.paragraphs for s in p.segments)
    assert joined.replace(" ", "") == text.replace(" ", "")


def test_cli_never_prints_a_traceback(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, (data, _, _) in CASES.items():
        (folder / name).write_bytes(data)
    out = subprocess.run([sys.executable, "-m", "workbench", "ingest", str(folder), "-p",
                          str(tmp_path / "p")], capture_output=True, text=True, timeout=600)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr + out.stdout
    refused = [line for line in out.stderr.splitlines() if line.strip().startswith("refused ")]
    assert len(refused) == sum(1 for c in CASES.values() if c[1] == "refused")
