"""``workbench ingest`` and ``workbench status`` through the real command line."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def wb(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_ingest_seeds_twice_then_status(tmp_path, db_url):  # on SQLite and PostgreSQL
    project = tmp_path / "proj"
    first = wb("ingest", str(SEEDS), "--project", str(project))
    assert first.returncode == 0, first.stderr
    assert first.stderr.count(" added #") == 5
    second = wb("ingest", str(SEEDS), "--project", str(project))
    assert second.returncode == 0
    assert second.stderr.count("unchanged #") == 5
    status = wb("status", "--project", str(project), "--json")
    docs = json.loads(status.stdout)
    assert len(docs) == 5
    assert {d["lang"] for d in docs} == {"fr"}
    assert all(d["segments"] > 10 and d["version"] == 1 for d in docs)
    table = wb("status", "--project", str(project))
    assert "5 documents" in table.stdout


def test_changed_file_makes_new_version(tmp_path, db_url):
    src = tmp_path / "article.txt"
    shutil.copy(SEEDS / "000_369557437170969a.txt", src)
    project = str(tmp_path / "proj")
    assert wb("ingest", str(src), "-p", project).returncode == 0
    src.write_text(src.read_text(encoding="utf-8") + "\nUne phrase ajoutée.\n", encoding="utf-8")
    out = wb("ingest", str(src), "-p", project)
    assert "new-version" in out.stderr
    docs = json.loads(wb("status", "-p", project, "--json").stdout)
    assert [d["version"] for d in docs] == [2]


def test_mixed_folder_reports_each_file(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text("Kim voyage rarement. Il prend le train blindé.",
                                   encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Le ministre a été reçu à Pyongyang.".encode("latin-1"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    out = wb("ingest", str(folder), "-p", str(tmp_path / "proj"))
    assert out.returncode == 1  # some files refused, the rest ingested
    assert "Traceback" not in out.stderr
    err = out.stderr
    assert "empty.txt" in err and "file is empty" in err
    assert "binary file (PNG image)" in err
    assert "skipped" in err and "notes.pdf" in err
    docs = json.loads(wb("status", "-p", str(tmp_path / "proj"), "--json").stdout)
    assert sorted(d["encoding"] for d in docs) == ["cp1252", "utf-8"]


def _command_paths() -> list[list[str]]:
    """Every command and subcommand of the real CLI, walked from click's tree."""
    import typer.main

    from workbench.cli import app

    def walk(cmd, path):
        yield path
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, path + [name])

    return list(walk(typer.main.get_command(app), []))


def test_every_command_has_help():
    from typer.testing import CliRunner

    from workbench.cli import app

    paths = _command_paths()
    assert ["run"] in paths and ["glossary", "apply"] in paths and ["eval", "align"] in paths
    runner = CliRunner()
    for path in paths:
        out = runner.invoke(app, [*path, "--help"])
        assert out.exit_code == 0 and "Usage" in out.output, path
        assert "--help" in out.output


def test_help_from_the_console_script():
    out = wb("--help")
    assert out.returncode == 0 and "Usage" in out.stdout


def test_help_is_readable_at_80_columns():
    """Issue 13, item 17: no Python type placeholders, no truncated option names, no
    ragged wraps of docstring lines, in every command's help at 80 columns."""
    import os
    import re

    env = {**os.environ, "COLUMNS": "80"}
    for path in _command_paths():
        out = subprocess.run([sys.executable, "-m", "workbench", *path, "--help"], env=env,
                             capture_output=True, text=True, timeout=60).stdout
        assert out.startswith("Usage: workbench"), path
        for bad in ("<bool>", "<list[", "<str>", "<Path>", "{", "…"):
            assert bad not in out.split("\n\n", 1)[0] + _options(out), (path, bad, out)
        assert max(map(len, out.splitlines())) <= 80, path
        # the description is wrapped once: no line of a paragraph stops short when the
        # next word would have fitted
        description = re.split(r"\n(?:Arguments|Options|Commands):", out)[0].splitlines()[1:]
        for line, nxt in zip(description, description[1:]):
            if line.strip() and nxt.strip() and not re.match(r"\s*([-*•]|\d+\.) ", nxt):
                assert len(line) + 1 + len(nxt.split()[0]) > 80 - 2, (path, line, nxt)
    ingest = wb("ingest", "--help").stdout
    assert "Usage: workbench ingest [OPTIONS] PATH..." in ingest


def _options(help_text: str) -> str:
    return help_text.split("Options:", 1)[-1]


def test_usage_error_exit_2_and_user_error_exit_1(tmp_path):
    assert wb("ingest", "--no-such-flag").returncode == 2
    missing = wb("status", "-p", str(tmp_path / "none"))
    assert missing.returncode == 1
    assert "no project" in missing.stderr and "Traceback" not in missing.stderr


@pytest.mark.parametrize(("name", "title"), [
    ("Kim [bold]et Poutine.txt", "Kim [bold]et[/bold] Poutine [/i] à Vladivostok"),
    ("[red]Choïgou.md", "[red]Choïgou[/] en Corée du Nord"),
    ("Shoigu [link=mailto:a@b.org]x.txt", "[link=file:///etc/passwd]Choïgou[/link] [/]"),
])
def test_names_and_titles_that_look_like_markup_are_printed_as_they_are(tmp_path, name, title):
    article = tmp_path / name
    article.write_text(f"{title}\n\nKim Jong-un est arrivé à Vladivostok mardi. Il a rencontré "
                       "Vladimir Poutine.\n", encoding="utf-8")
    project = str(tmp_path / "proj")
    ingest = wb("ingest", str(article), "-p", project)
    assert ingest.returncode == 0, ingest.stderr
    assert "Traceback" not in ingest.stderr and name in ingest.stderr.replace("\n", "")
    status = wb("status", "-p", project)
    assert status.returncode == 0, status.stderr
    assert title[:40] in status.stdout.replace("\n", "")  # the title, not styled away


def test_translate_and_run_use_the_projects_glossary_unless_told_not_to(tmp_path):
    """Issue 13 item 4: after ``run -g seeds.csv``, a plain ``translate`` keeps protecting
    names (nothing re-translated without them) and says which glossary it used."""
    glossary = Path(__file__).resolve().parents[2] / "glossaries" / "seeds.csv"
    article = tmp_path / "a.txt"
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], article)
    project = tmp_path / "proj"
    first = wb("run", str(article), "-g", str(glossary), "--engine", "apertium", "--no-serve",
               "--export", "none", "--project", str(project))
    assert first.returncode == 0, first.stderr
    plain = wb("translate", "--to", "en", "--engine", "apertium", "--project", str(project))
    out = " ".join(plain.stderr.split())
    assert plain.returncode == 0, plain.stderr
    assert "glossary: seeds.csv (the project's" in out and " 0 translated" in out, out
    assert "term accuracy" in out.lower()
    without = wb("translate", "--to", "en", "--engine", "apertium", "--no-glossary",
                 "--project", str(project))
    assert without.returncode == 0 and "glossary:" not in without.stderr
    assert "0 translated" not in without.stderr, "without the glossary the MT is another one"
    rerun = wb("run", str(article), "--engine", "apertium", "--no-serve", "--export", "none",
               "--project", str(project))
    assert rerun.returncode == 0 and "glossary: seeds.csv (the project's" in " ".join(rerun.stderr.split())
    both = wb("translate", "--to", "en", "-g", str(glossary), "--no-glossary", "--project", str(project))
    assert both.returncode == 2
