"""``workbench tm`` through the real command line."""

import json
import subprocess
import sys
from pathlib import Path


def wb(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_tm_commands(tmp_path):
    (tmp_path / "pairs.tsv").write_text(
        "Bonjour.\tHello.\nIl est arrivé le 13 septembre.\tHe arrived on September 13.\n",
        encoding="utf-8")
    refused = wb("tm", "import", "pairs.tsv", cwd=tmp_path)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "--from and --to" in refused.stderr
    first = wb("tm", "import", "pairs.tsv", "--from", "fr", "--to", "en", cwd=tmp_path)
    again = wb("tm", "import", "pairs.tsv", "--from", "fr", "--to", "en", cwd=tmp_path)
    assert "2 units added" in first.stderr and "0 units added, 2 already" in again.stderr

    out = wb("tm", "lookup", "--from", "fr", "--to", "en", "Il est arrivé le 14 septembre.",
             "Rien à voir.", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    [[m], none] = json.loads(out.stdout)
    assert none == []
    assert {"score", "source", "target", "origin"} <= set(m)
    assert m["target"] == "He arrived on September 14." and 95 <= m["score"] < 100
    assert m["origin"] == "file" and m["origin_ref"] == "pairs.tsv"

    (tmp_path / "q.txt").write_text("Bonjour !\nBonjour.\n", encoding="utf-8")
    tsv = wb("tm", "lookup", "-f", "fr", "-t", "en", "--in", "q.txt", "--format", "tsv",
             cwd=tmp_path)
    assert [line.split("\t")[:3] for line in tsv.stdout.splitlines()] == [
        ["1", "99", "fuzzy"], ["2", "100", "exact"]]

    assert wb("tm", "lookup", "x", cwd=tmp_path).returncode == 2  # no language pair
    assert wb("tm", "lookup", "-f", "fr", "-t", "en", "--min", "101", "x",
              cwd=tmp_path).returncode == 2

    stats = json.loads(wb("tm", "stats", "--json", cwd=tmp_path).stdout)
    assert stats == [{"source_lang": "fr", "target_lang": "en", "origin": "file",
                      "origin_ref": "pairs.tsv", "units": 2, "newest": stats[0]["newest"]}]

    exported = wb("tm", "export", "--format", "tmx", "--out", "mem.tmx", cwd=tmp_path)
    assert exported.returncode == 0 and "2 units written" in exported.stderr
    back = wb("tm", "import", "mem.tmx", "-p", "other", cwd=tmp_path)
    assert "2 units added" in back.stderr

    missing = wb("tm", "import", "nope.tmx", cwd=tmp_path)
    assert missing.returncode == 1 and "no file nope.tmx" in missing.stderr
