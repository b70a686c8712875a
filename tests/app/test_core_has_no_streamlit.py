"""The core must not depend on Streamlit: only ``workbench.app`` may import it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import workbench


#: App modules that hold the logic of the pages; they stay testable without Streamlit.
PURE_APP = ["workbench.app.queries", "workbench.app.text", "workbench.app.beads"]


def _core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(workbench.__path__, "workbench."):
        if not info.name.startswith("workbench.app") and not info.name.endswith("__main__"):
            names.append(info.name)
    return names + PURE_APP


def test_core_modules_import_without_streamlit():
    modules = _core_modules()
    assert "workbench.store" in modules and "workbench.cli.serve" in modules
    code = (
        "import importlib, sys\n"
        f"mods = {modules!r}\n"
        "failed = []\n"
        "for m in mods:\n"
        "    try:\n"
        "        importlib.import_module(m)\n"
        "    except ImportError as exc:\n"
        "        failed.append((m, str(exc)))\n"
        "print('streamlit' in sys.modules, failed)\n"
        "sys.exit(1 if 'streamlit' in sys.modules else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"a core module imported streamlit: {proc.stdout}{proc.stderr}"


def test_the_check_would_notice_streamlit():
    proc = subprocess.run([sys.executable, "-c", "import workbench.app.common, sys; "
                           "print('streamlit' in sys.modules)"],
                          capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "True"
