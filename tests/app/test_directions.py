"""Issue 19, must show: a project holding French articles and an English → French memory
(OmegaT-shaped TMX): ``workbench run``, ``export --to en``, ``--from en --to fr``, and the
Review, Export and QA pages all work, one direction at a time."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.omegat_tmx import ENTRIES, omegat_tmx
from workbench.app.text import unescape
from workbench.io.tmx import read_tmx
from workbench.store import Project

ARTICLES = {
    "elysee.txt": "Le président a reçu le Premier ministre lundi à l'Élysée.\n\n"
                  "Les deux dirigeants ont évoqué la guerre en Syrie. "
                  "Aucune déclaration commune n'a été publiée.\n",
    "sommet.txt": "Le sommet s'est terminé mardi soir.\n\nLes prix ont augmenté de 3 %.\n",
}
N_MEMORY = len(ENTRIES) + 1  # and one alternative translation


def wb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> tuple[Path, Path, dict[str, subprocess.CompletedProcess]]:
    """French articles run into English, then an English → French memory imported, then
    ``run`` again (what stopped with "target language … is also the source language")."""
    base = tmp_path_factory.mktemp("directions")
    articles = base / "articles"
    articles.mkdir()
    for name, text in ARTICLES.items():
        (articles / name).write_text(text, encoding="utf-8")
    root = base / "proj"
    runs = {}
    common = ("--to", "en", "--engine", "apertium", "--no-serve", "--project", str(root))
    runs["first"] = wb("run", str(articles), *common)
    runs["import"] = wb("import", str(omegat_tmx(base / "omegat-en-fr.tmx")), "--project",
                        str(root))
    (articles / "nouveau.txt").write_text("Un nouvel article est arrivé mercredi.\n",
                                          encoding="utf-8")
    runs["again"] = wb("run", str(articles), *common)
    return base, root, runs


def test_run_import_and_run_again_all_work(mixed):
    _, root, runs = mixed
    for name, done in runs.items():
        assert done.returncode == 0, (name, done.stderr)
        assert "Traceback" not in done.stderr
    assert f"{N_MEMORY} added" in runs["import"].stderr
    again = " ".join(runs["again"].stderr.split())
    assert "added" in again and "nouveau.txt" in again
    assert f"units of other directions left out (en→fr: {N_MEMORY})" in again
    corpus = list(read_tmx(root / "exports" / "corpus.tmx"))
    assert corpus and {u.source_lang for u in corpus} == {"fr"}
    assert any("nouvel article" in u.source for u in corpus)
    with Project(root) as p:
        langs = sorted(p.documents()["lang"].to_list())
    assert langs == ["en", "fr", "fr", "fr"]


def test_export_each_direction_from_the_command_line(mixed):
    base, root, _ = mixed
    run = wb("export", "-f", "tmx", "-o", str(base / "en.tmx"), "--to", "en",
             "--project", str(root))
    assert run.returncode == 0, run.stderr
    assert f"{N_MEMORY} units of other directions left out (en→fr: {N_MEMORY}); export them " \
           "with --from en --to fr" in " ".join(run.stderr.split())
    assert {u.source_lang for u in read_tmx(base / "en.tmx")} == {"fr"}
    run = wb("export", "-f", "tsv", "-o", str(base / "fr.tsv"), "--from", "en", "--to", "fr",
             "--project", str(root))
    assert run.returncode == 0, run.stderr
    rows = (base / "fr.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == N_MEMORY and all(r.split("\t")[2:4] == ["en", "fr"] for r in rows)


@pytest.fixture
def project_dir(mixed, tmp_path) -> Path:
    """A copy of the mixed project, for conftest's ``app_at`` (AppTest of the whole app)."""
    root = tmp_path / "proj"
    shutil.copytree(mixed[1], root)
    return root


def test_review_page_works_in_each_direction(app_at, project_dir):
    root = project_dir
    at = app_at()
    assert not at.exception
    lang = at.sidebar.selectbox(key="lang")
    assert lang.value == "en" and lang.format_func("en") == "fr → en"
    assert lang.format_func("fr") == "en → fr"
    with Project(root) as p:
        memory = p.documents().filter(p.documents()["lang"] == "en")["id"].to_list()
    lang.set_value("fr").run()
    assert not at.exception
    assert at.sidebar.selectbox(key="rv_doc").value == memory[0]
    texts = [unescape(m.value) for m in at.markdown]
    assert ENTRIES[0][0] in texts  # the English source beside its French translation
    assert len(at.text_area) == N_MEMORY
    seg = int(at.text_area[0].key.split("_")[2])
    at.button(key=f"rv_ok_{seg}").click().run()
    assert not at.exception
    with Project(root) as p:
        assert p.review(seg, "fr").status == "approved"
    at.run()  # the click drew only its row again (a fragment): AppTest holds just those
    at.sidebar.radio(key="view").set_value("QA").run()
    assert not at.exception


def test_review_document_picker_holds_one_direction(app_at, project_dir):
    root = project_dir
    at = app_at()
    with Project(root) as p:
        docs = p.documents()
    lang_of = dict(zip(docs["id"].to_list(), docs["lang"].to_list()))
    picker = at.sidebar.selectbox(key="rv_doc")
    assert {lang_of[int(label.split(" · ")[0])] for label in picker.options} == {"fr"}
    assert len(picker.options) == 3
    at.sidebar.selectbox(key="lang").set_value("fr").run()
    picker = at.sidebar.selectbox(key="rv_doc")
    assert lang_of[picker.value] == "en" and len(picker.options) == 1


def test_export_page_exports_the_memory_direction(app_at, project_dir):
    root = project_dir
    at = app_at("export")
    assert not at.exception
    at.selectbox(key="ex_lang").set_value("fr").run()
    at.multiselect(key="ex_status").set_value([]).run()
    assert f"{N_MEMORY} segment(s) match" in " ".join(c.value for c in at.caption)
    assert len(at.multiselect(key="ex_docs").options) == 1  # the memory, not the articles
    at.selectbox(key="ex_fmt").set_value("tmx")
    at.text_input(key="ex_name").input("memory").run()
    at.button(key="ex_run").click().run()
    assert not at.exception and not at.error
    units = list(read_tmx(root / "exports" / "memory.tmx"))
    assert len(units) == N_MEMORY and {u.source_lang for u in units} == {"en"}
    assert any("other directions left out" in s.value for s in at.success)
    at.selectbox(key="ex_lang").set_value("en").run()
    assert not at.exception
    assert len(at.multiselect(key="ex_docs").options) == 3  # the French articles


def test_quality_page_works_in_each_direction(app_at):
    at = app_at("quality")
    assert not at.exception
    at.selectbox(key="q_lang").set_value("fr").run()
    assert not at.exception
