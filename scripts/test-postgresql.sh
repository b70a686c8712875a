#!/usr/bin/env bash
# The whole test suite on PostgreSQL (after scripts/setup.sh): a throwaway cluster for the
# session, and every project folder a test opens without --db gets a database of its own
# there (tests/fixtures/pg_projects.py). Tests that are about SQLite itself are skipped
# with their reason (`-rs` lists them). Arguments go to pytest (e.g. a folder: tests/store).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m pytest -q -rs --backend postgresql "$@"
