"""Issue 13, items 6 and 14: Moses pair files change together or not at all, even when
the writer is killed between renames; temporary files of killed exports are removed by
the next export of the same file, and a live writer's are left alone."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from workbench.io.base import remove_leftovers
from workbench.io.project import export_project
from workbench.store import Project

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "io"))
from io_fixtures import ARTICLE, add_article  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

KILL_BETWEEN_RENAMES = textwrap.dedent("""
    import os, sys
    from workbench.io import base
    from workbench.io.project import export_project
    from workbench.store import Project
    real, done = base._publish, []
    def publish(tmp, path):
        real(tmp, path)
        done.append(path)
        if str(path).endswith(".fr"):
            os._exit(9)  # killed after the first file of the pair was renamed
    base._publish = publish
    with Project(sys.argv[1]) as p:
        p.save_review(int(sys.argv[3]), "en", text="NEW TEXT", status="approved")
        export_project(p, "moses", sys.argv[2], targets=["en"])
""")


def test_moses_pair_is_completed_after_a_kill_between_renames(tmp_path):
    with Project(tmp_path / "p") as project:
        add_article(project, long=False, rows=ARTICLE[:4])
        first = int(project.pairs("en")["segment_id"][0])
        export_project(project, "moses", tmp_path / "c", targets=["en"])
    old_fr, old_en = (tmp_path / "c.fr").read_text(), (tmp_path / "c.en").read_text()
    run = subprocess.run([sys.executable, "-c", KILL_BETWEEN_RENAMES, str(tmp_path / "p"),
                          str(tmp_path / "c"), str(first)],
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": os.pathsep.join(
                             [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])})
    assert run.returncode == 9
    assert (tmp_path / "c.fr").read_text() == old_fr  # same sources, renamed first
    assert (tmp_path / "c.en").read_text() == old_en  # the kill came before this one
    assert remove_leftovers(tmp_path / "c.fr") == 1     # the next write finishes the group
    assert "NEW TEXT" in (tmp_path / "c.en").read_text()
    assert not list(tmp_path.glob(".c.*"))


def test_parts_of_killed_exports_are_removed_by_the_next_export(tmp_path):
    project = Project(tmp_path / "p")
    add_article(project, long=False, rows=ARTICLE[:4])
    out = tmp_path / "corpus.tmx"
    dead = tmp_path / ".corpus.tmx.abc123.part"
    dead.write_bytes(b"x" * 100_000)
    live = tmp_path / ".corpus.tmx.live99.part"
    live.write_bytes(b"being written")
    other = tmp_path / ".other.tmx.zz.part"
    other.write_bytes(b"another file's")
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a writer that is still running
    try:
        export_project(project, "tmx", out, targets=["en"])
    finally:
        os.close(fd)
    assert out.exists() and not dead.exists()
    assert live.exists() and other.exists()
    export_project(project, "tmx", out, targets=["en"])
    assert not live.exists() and other.exists()
    project.close()
