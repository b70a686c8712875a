#!/usr/bin/env bash
# Run every benchmark in benchmarks/ at full size (about 10 minutes on 2 cores) and
# leave their summaries in benchmarks/cache/. The RESULTS-*.md files record past runs
# with the machine and date. Needs ../shared/data beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
PY=.venv/bin/python
echo "== segmentation (seed gold)";    .venv/bin/workbench eval seg --gold tests/data/seg-gold --source seeds
echo "== machine translation";          $PY benchmarks/mt_throughput.py
echo "== alignment: gold books";        $PY benchmarks/align_gold.py --markdown
echo "== alignment: 20,000 x 20,000";   $PY benchmarks/align_scale.py --n 20000 --check
echo "== glossary apply: 1,000,000";    $PY benchmarks/glossary_apply.py
echo "== review page render";          $PY benchmarks/review_render.py
echo "== export: 1,000,000 beads";      $PY benchmarks/export_scale.py --n 1000000
echo "== executors: local vs Ray";    $PY benchmarks/executors.py --lines 8000
echo "== team load: 20 reviewers x 200 saves, SQLite vs PostgreSQL"; $PY benchmarks/team_load.py
