"""SIGKILL during glossary saves and exports (issue 8, item 2).

* Glossary saves: a process saves two different glossaries in turn as fast
  as it can and is killed at 20 moments; the CSV on disk is then byte for
  byte the old or the new file, never a mix, and loads.
* Exports: ``workbench export`` is killed while it writes (its temporary
  file exists) in 10 trials over every format; nothing is left under the
  requested name but a complete file: the previous export untouched, or the
  new one whole. The project database passes ``PRAGMA integrity_check``.

What a kill does leave is the hidden temporary file next to the target
(``.NAME.XXXX.part``); it is never read as a glossary or export.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fixtures.pg_projects import integrity, project_db

from workbench.glossary import load_csv, parse_csv, to_csv
from workbench.io import FORMATS
from workbench.io.project import export_project
from workbench.store import NewParagraph, NewSegment, Project

# -- glossary saves -----------------------------------------------------------------------------

NAMES = [("Choïgou", "Shoigu"), ("Kim Jong-un", "Kim Jong Un"), ("Zelensky", "Zelenskyy"),
         ("Pyongyang", "Pyongyang"), ("Kiev", "Kyiv"), ("Loukachenko", "Lukashenko")]


def _glossary_text(n: int, note: str) -> str:
    rows = ["concept,lang,term,status,note"]
    for i in range(n):
        fr, en = NAMES[i % len(NAMES)]
        rows += [f"c{i},fr,{fr} {i},preferred,{note}", f"c{i},en,{en} {i},preferred,{note}"]
    return "\n".join(rows) + "\n"


OLD_GLOSSARY = to_csv(parse_csv(_glossary_text(4000, "ancienne version"), "old"))
NEW_GLOSSARY = to_csv(parse_csv(_glossary_text(4500, "nouvelle version « révisée »"), "new"))

SAVER = """
import os, sys, time
from workbench.glossary import parse_csv, save_csv
target, base, other, slow = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "slow"
base, other = (parse_csv(open(p, encoding="utf-8").read(), p) for p in (base, other))
save_csv(base, target)
if slow:  # hold each save 200 ms between writing and publishing, so an aimed kill lands there
    fsync = os.fsync
    os.fsync = lambda fd: (time.sleep(0.2), fsync(fd))
print("ready", flush=True)
while True:
    save_csv(other, target)
    save_csv(base, target)
"""


def _wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"


def test_killed_glossary_saves_leave_the_old_or_the_new_file(tmp_path):
    (tmp_path / "old.csv").write_text(OLD_GLOSSARY, encoding="utf-8")
    (tmp_path / "new.csv").write_text(NEW_GLOSSARY, encoding="utf-8")
    target = tmp_path / "work" / "glossary.csv"
    seen, mid_write = set(), 0
    for trial in range(20):
        # even trials start from the old file, odd ones from the new; the saves after
        # "ready" alternate, the other one first
        base, other = ("old.csv", "new.csv") if trial % 2 == 0 else ("new.csv", "old.csv")
        aimed = trial % 4 < 2  # half the kills land while a temporary file is being written
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(target), str(tmp_path / base),
                                 str(tmp_path / other), "slow" if aimed else "fast"],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline() == "ready\n"
        if aimed:
            _wait_for(lambda: any(target.parent.glob(".glossary.csv.*.part")))
        else:  # the others at 5 ms to 200 ms into the save loop, wherever that is
            time.sleep(0.005 + 0.01 * trial)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        data = target.read_text(encoding="utf-8")
        assert data in (OLD_GLOSSARY, NEW_GLOSSARY), f"trial {trial}: a mix of two saves"
        seen.add(data == NEW_GLOSSARY)
        if aimed:  # killed inside the first save after "ready": the file is still the base
            assert data == (tmp_path / base).read_text(encoding="utf-8"), f"trial {trial}"
        assert len(load_csv(target)) in (4000, 4500)
        leftovers = list(target.parent.glob(".glossary.csv.*.part"))
        mid_write += bool(leftovers)
        for p in leftovers:
            p.unlink()
        assert [p.name for p in target.parent.iterdir()] == ["glossary.csv"]
    assert seen == {True, False}  # both files were on disk at a kill
    assert mid_write >= 8  # and (nearly) all the aimed ones while a temporary file was being written


# -- exports -------------------------------------------------------------------------------------

DOCS, PER_DOC = 3, 3000


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("export") / "p"
    with Project(root) as proj:
        for d in range(DOCS):
            sentences = [f"Phrase {i} : Sergueï Choïgou rencontre Kim Jong-un 👨‍👩‍👧 ({d})."
                         for i in range(PER_DOC)]
            paragraphs = [NewParagraph(" ".join(sentences[i:i + 10]), "text",
                                       [NewSegment(s, True) for s in sentences[i:i + 10]])
                          for i in range(0, PER_DOC, 10)]
            doc = proj.add_document(source_path=f"d{d}.txt", title=f"Article {d}", lang="fr",
                                    lang_confidence=1.0, fmt="text", encoding="utf-8",
                                    content_hash=f"h{d}", paragraphs=paragraphs)
            segs = proj.segments(doc)
            proj.save_translations(
                engine="apertium", model="m", model_version="1", source_lang="fr",
                target_lang="en",
                rows=[(sid, t, f"Sentence {i}: Sergei Shoigu meets Kim Jong Un ({d}).", {})
                      for i, (sid, t) in enumerate(zip(segs["id"], segs["text"]))])
    return root


# trial -> (format, --out name, when to kill after the temporary file appears, as a share of
# how long a whole export to that format takes on this machine, measured in the trial)
TRIALS = [("tmx", "out.tmx", 0.0), ("jsonl", "out.jsonl", 0.15), ("csv", "out.csv", 0.3),
          ("parquet", "out.parquet", 0.0), ("xliff", "out.xlf", 0.4),
          ("xliff", "xliff-folder", 0.3), ("moses", "corpus", 0.2), ("tsv", "out.tsv", 0.5),
          ("tmx", "out.tmx", 0.5), ("jsonl", "out.jsonl", 0.4)]


def _files(fmt: str, out: Path) -> list[Path]:
    """The files an export to ``out`` publishes (all documents)."""
    if fmt == "moses":
        return [out.with_name(f"{out.name}.fr"), out.with_name(f"{out.name}.en")]
    if fmt == "xliff" and out.suffix != ".xlf":
        return [out / f"doc{d}.fr-en.xlf" for d in range(1, DOCS + 1)]
    return [out]


def _units(fmt: str, path: Path) -> int:
    """How many units a published file holds (it must parse to the end)."""
    if fmt == "moses":
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n")
        return text.count("\n")
    return sum(1 for _ in FORMATS[fmt].read(path))


@pytest.mark.parametrize(("fmt", "name", "share"), TRIALS)
def test_killed_export_leaves_no_partial_file(project, tmp_path, fmt, name, share):
    out = tmp_path / name
    with Project(project) as proj:  # the previous export: document 1 only
        export_project(proj, fmt, out, documents=[1])
        (tmp_path / "timing").mkdir()
        started = time.perf_counter()
        export_project(proj, fmt, tmp_path / "timing" / name)
        delay = share * (time.perf_counter() - started)
    old = {p: p.read_bytes() for p in _files(fmt, out) if p.exists()}
    assert old
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "export", "-f", fmt, "-o",
                             str(out), "-p", str(project)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    folder = out if out.is_dir() else out.parent
    deadline = time.monotonic() + 60
    while not list(folder.glob(".*.part")):
        assert proc.poll() is None, "export finished before it was killed"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    time.sleep(delay)
    assert proc.poll() is None, "export finished before it was killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for path in _files(fmt, out):
        visible = [p.name for p in path.parent.iterdir() if not p.name.startswith(".")]
        assert all(not n.endswith((".part", ".tmp")) for n in visible)
        if not path.exists():
            assert path not in old
            continue
        if path.read_bytes() != old.get(path):  # not the old file: the whole new one
            assert _units(fmt, path) == (PER_DOC if path.parent == out else DOCS * PER_DOC)
    with project_db(project) as conn:
        assert integrity(conn) == "ok"
