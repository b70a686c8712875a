#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# The tests build their own Argos packages; never download a real one here.
WORKBENCH_ARGOS=no bash scripts/setup.sh
exec .venv/bin/python -m pytest -q "$@"
