"""Long work in the app (ingesting uploads, translating, aligning, normalising) runs on a
connection of its own, so other browser sessions are not frozen behind the shared lock
(issue 13, item 9)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest


def test_long_work_leaves_the_shared_connection_free(project_dir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_PROJECT", str(project_dir))
    from workbench.app import common

    inside, release = threading.Event(), threading.Event()

    def work() -> None:
        with common.long_work() as project:
            project.set_setting("long_work", "written")
            inside.set()
            release.wait(30)  # still working

    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert inside.wait(30)
        seen: list[str | None] = []

        def other_session() -> None:
            with common.db() as project:
                seen.append(project.setting("long_work"))

        reader = threading.Thread(target=other_session)
        reader.start()
        reader.join(10)
        assert not reader.is_alive(), "another session waited for the long work"
        assert seen == ["written"]  # and sees what it committed so far
        with common.db() as shared, common.long_work() as own:
            assert own is not shared
    finally:
        release.set()
        worker.join(30)


@pytest.mark.parametrize(("page", "names"), [
    ("documents", ("_ingest_section", "_translate", "_normalise", "_align")),
    ("memory", ("_analyse",)),
])
def test_the_pages_do_their_long_work_on_its_own_connection(page: str, names: tuple[str, ...]) -> None:
    """Every long operation of the Documents and Memory pages opens ``long_work``, none the
    shared connection (read from the page's code: the operations need real engines to run)."""
    import ast

    import workbench.app

    source = Path(workbench.app.__file__).parent / "views" / f"{page}.py"  # a page runs on import
    functions = {f.name: f for f in ast.parse(source.read_text(encoding="utf-8")).body
                 if isinstance(f, ast.FunctionDef)}
    for name in names:
        tree = functions[name]
        opened = [c.func.id for c in ast.walk(tree) if isinstance(c, ast.Call)
                  and isinstance(c.func, ast.Name) and c.func.id in ("db", "long_work")]
        assert opened and set(opened) == {"long_work"}, (name, opened)
