"""A real Ray runtime on this machine for the executor tests: 2 CPUs, servers on
127.0.0.1, no dashboard, a small object store; started once per session and shut
down by the finaliser whatever happens. Plus a 20,000-line French file and its
local (reference) translation, made once per module."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.archive_lines import short_lines

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="apertium not installed (.ci/run installs it)")



@pytest.fixture(scope="session")
def ray_runtime() -> Iterator[str]:
    """The GCS address of a local Ray runtime (what ``--ray-address`` takes)."""
    ray = pytest.importorskip("ray")  # installed by `pip install -e .[test]`
    if not ray.is_initialized():
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # 127.0.0.1 only
    ray.init(address="local", num_cpus=2, include_dashboard=False,
             object_store_memory=300 * 1024 * 1024, logging_level="ERROR", log_to_driver=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


BIG_BATCH = 1000  # Apertium starts a process per batch and hop: big batches keep the tests fast


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A 20,000-line file and its translation by the local path (Apertium)."""
    from workbench.translate import translate_lines

    path = tmp_path_factory.mktemp("big") / "big.fr"
    lines = short_lines(20_000)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ref = [r.text for r in translate_lines(lines, "fr", "en", "apertium", batch_size=BIG_BATCH)]
    return path, ref
