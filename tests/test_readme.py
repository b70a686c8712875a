"""Every command line of the README's ```bash examples runs as written.

The lines run in order, each in its own ``bash`` (with ``.venv`` activated, as the
README says), in a fresh folder holding copies of ``seeds/`` and ``glossaries/``
and the few input files the examples name (``a.fr``, ``ref.en``, ``a.gold``,
``names.tbx``, ``old.tmx``, ``queries.fr``, ``translate-fr_en.argosmodel``,
``edited.xlf``), so a user who
copies a line gets what the README promises. Lines that cannot run inside the
test suite are listed in :data:`NOT_HERE` with the test that covers them instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]

#: Lines the suite cannot run, and where they are covered instead.
NOT_HERE = {
    "bash scripts/setup.sh": "CI runs it before the tests (.ci/run → scripts/test.sh)",
    "bash scripts/test.sh": "this is the test run itself",
    "bash scripts/bench.sh": "benchmarks take about 10 minutes; benchmarks/RESULTS-*.md",
    "workbench serve": "a server: tests/app/test_serve.py starts it and checks it answers",
    "ray start": "a cluster of several machines; tests/executors/test_ray_executor.py joins "
                 "a running Ray with --ray-address",
    "workbench translate --from fr --to en --in archive.parquet": "the cluster example above",
}

#: Inputs the examples name, written before the lines run.
INPUTS = {
    "a.fr": "La Maison Blanche a parlé.\nM. Kirby l'a dit.\nLa Corée du Nord répond.\n",
    "ref.en": "The White House spoke.\nMr. Kirby said so.\nNorth Korea answers.\n",
    "a.gold": "[0]:[0]\n[1]:[1]\n[2]:[2]\n",
    "queries.fr": "Il est arrivé le 14 septembre.\nLa Maison Blanche a parlé.\n",
    "old.tmx": """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="test" creationtoolversion="1" segtype="sentence"
 o-tmf="none" adminlang="en" srclang="fr" datatype="plaintext"/><body>
<tu><tuv xml:lang="fr"><seg>Il est arrivé le 13 septembre.</seg></tuv>
<tuv xml:lang="en"><seg>He arrived on September 13.</seg></tuv></tu>
</body></tmx>
""",
    "names.tbx": """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="fr"><text><body>
<termEntry id="kirby"><langSet xml:lang="fr"><tig><term>John Kirby</term></tig></langSet>
<langSet xml:lang="en"><tig><term>John Kirby</term></tig></langSet></termEntry>
</body></text></martif>
""",
}


def example_lines() -> list[str]:
    """Command lines of the README's ```bash blocks, comments dropped."""
    lines, inside, pending = [], False, ""
    for raw in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if raw.startswith("```"):
            inside = raw.strip() == "```bash"
            continue
        if inside and raw.strip():
            line = pending + re.sub(r"\s+#\s.*$", "", raw).strip()
            pending = line[:-1] + " " if line.endswith("\\") else ""
            if not pending:
                lines.append(line)
    return lines


def not_here(line: str) -> str | None:
    return next((why for start, why in NOT_HERE.items() if line.startswith(start)), None)


def test_the_readme_has_examples():
    lines = example_lines()
    assert len(lines) > 15 and any(line.startswith("workbench run") for line in lines)


def test_every_readme_example_line_runs(tmp_path: Path, argos_home: Path, tiny_argosmodel: Path):
    work = tmp_path / "user"
    work.mkdir()
    (work / ".venv").symlink_to(Path(sys.prefix))
    for folder in ("seeds", "glossaries"):
        shutil.copytree(ROOT / folder, work / folder)
    for name, text in INPUTS.items():
        (work / name).write_text(text, encoding="utf-8")
    shutil.copy(tiny_argosmodel, work / "translate-fr_en.argosmodel")
    env = {k: v for k, v in os.environ.items() if k not in ("WORKBENCH_PROJECT", "PYTHONPATH")}
    if os.environ.get("PYTHONPATH"):  # a worktree's code, where the suite runs from one
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]

    def sh(line: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-o", "pipefail", "-c", f". .venv/bin/activate && {line}"],
                              cwd=work, env=env, capture_output=True, text=True, timeout=900)

    ran = []
    for line in example_lines():
        if not_here(line):
            continue
        if line.startswith("workbench import edited.xlf"):  # a file the reviewer sent back
            prep = sh("workbench export --format xliff --out edited.xlf --to en")
            assert prep.returncode == 0, prep.stderr
        proc = sh(line)
        assert proc.returncode == 0, f"README line failed: {line}\n{proc.stdout}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr, line
        ran.append(line)
    assert len(ran) >= 15
