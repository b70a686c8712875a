"""Variant discovery on real project text: precision and recall on the seeds project.

    python benchmarks/glossary_suggest.py                    # builds the seeds project (Apertium)
    python benchmarks/glossary_suggest.py --project DIR      # an existing seeds project

What is measured is what the Glossary page's "Find variants" runs
(``workbench.glossary.suggest.suggest`` over ``queries.texts_in``): the project's
French text (sources) with the planted sentences of ``tests/glossary/glossary_planted.py``
appended, and its English text (final translations), against ``glossaries/seeds.csv``.
Every suggestion that is not a planted misspelling counts as false.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "glossary")]

from glossary_planted import PLANTED, score  # noqa: E402

from workbench.app.queries import texts_in  # noqa: E402
from workbench.glossary import load_csv  # noqa: E402
from workbench.glossary.suggest import suggest  # noqa: E402
from workbench.store import Project  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, help="a seeds project (default: build one)")
    args = parser.parse_args()
    glossary_csv = ROOT / "glossaries" / "seeds.csv"
    project = args.project
    if project is None:
        project = Path(tempfile.mkdtemp()) / "seeds"
        subprocess.run([sys.executable, "-m", "workbench", "run", str(ROOT / "seeds"), "-g",
                        str(glossary_csv), "--no-serve", "--project", str(project)], check=True,
                       capture_output=True)
    glossary = load_csv(glossary_csv)
    with Project(project, create=False) as p:
        french, english = texts_in(p, "fr"), texts_in(p, "en")
    found_fr = suggest(glossary, french + [s for s, _ in PLANTED], "fr")
    found_en = suggest(glossary, english, "en")
    _, recall, false, missed = score(found_fr, lines_offset=len(french))
    false += found_en
    total = len(found_fr) + len(found_en)
    planted = sum(len(p) for _, p in PLANTED)
    print(f"{date.today()} {platform.machine()} {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(f"French lines {len(french)} + {len(PLANTED)} planted sentences ({planted} plants); "
          f"English lines {len(english)}")
    print(f"suggestions fr {len(found_fr)}, en {len(found_en)}; false {len(false)}; "
          f"precision {1 - len(false) / total if total else 1:.2f}; planted recall {recall:.2f}")
    for s in false:
        print("  false:", s.tsv())
    for g in missed:
        print("  missed:", g)


if __name__ == "__main__":
    main()
