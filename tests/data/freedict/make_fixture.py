"""Rebuild the small FreeDict extracts in this folder from the installed Debian packages.

    python tests/data/freedict/make_fixture.py   # needs dict-freedict-{deu-fra,fra-deu,deu-eng,eng-fra}

Each extract keeps the chosen entries byte for byte (and the ``00database*`` entries
that carry the dictionary's name, edition and licence), in dictd format: an ``.index``
of ``headword<TAB>offset<TAB>length`` (base 64) and a gzip ``.dict.dz``.
"""

from __future__ import annotations

import gzip
from pathlib import Path

SRC = Path("/usr/share/dictd")
HERE = Path(__file__).resolve().parent
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

PICK = {
    "direct/freedict-deu-fra": ["abbildung", "berg", "gletscher", "expedition", "gehen", "gipfel",
                                "schnee", "hütte", "lager", "rathaus", "spur", "ausgeben", "messen",
                                "hinweisen", "publizieren"],
    "direct/freedict-fra-deu": ["hôtel de ville", "montagne", "glacier", "sommet", "neige",
                                "expédition", "camp", "trace", "ibis"],
    "pivot/freedict-deu-eng": ["gletscher", "berg", "schnee", "gipfel", "verfehlung", "fehler"],
    "pivot/freedict-eng-fra": ["mountain", "snow", "ice", "peak", "summit", "full", "function"],
}


def b64(n: int) -> str:
    out = ""
    while True:
        out = B64[n % 64] + out
        n //= 64
        if n == 0:
            return out


def d64(s: str) -> int:
    n = 0
    for c in s:
        n = n * 64 + B64.index(c)
    return n


def main() -> None:
    for rel, words in PICK.items():
        name = Path(rel).name
        raw = gzip.open(SRC / f"{name}.dict.dz").read()
        index = [line.split("\t") for line in (SRC / f"{name}.index").read_text("utf-8").splitlines()]
        chosen = [x for x in index if x[0].startswith("00database")]
        for w in words:
            hits = [x for x in index if x[0] == w]
            if not hits:
                raise SystemExit(f"{name}: no entry {w!r}")
            chosen += hits
        body = b""
        lines = []
        for word, off, size in ((x[0], d64(x[1]), d64(x[2])) for x in chosen):
            entry = raw[off:off + size]
            lines.append(f"{word}\t{b64(len(body))}\t{b64(len(entry))}")
            body += entry
        out = HERE / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        (out.parent / f"{name}.index").write_text("\n".join(lines) + "\n", encoding="utf-8")
        with gzip.GzipFile(out.parent / f"{name}.dict.dz", "wb", mtime=0) as fh:
            fh.write(body)


if __name__ == "__main__":
    main()
