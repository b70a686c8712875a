"""Waiting on a test's Ray runtime (shared by the Ray executor tests)."""

from __future__ import annotations

import time


def free_cpus(expected: float, within: float = 30.0) -> bool:
    """Whether the runtime gets ``expected`` CPUs back within ``within`` seconds (a pool released)."""
    import ray

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if ray.available_resources().get("CPU", 0.0) >= expected:
            return True
        time.sleep(0.5)
    return False
