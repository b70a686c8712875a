"""The ``local`` executor: the task is loaded once in this process and runs the
shards one after the other, in input order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from workbench.executors import Shard, ShardResult, Task, close_loaded


class LocalExecutor:
    """Shards in this process, in order."""

    name = "local"

    def __init__(self, **_: Any) -> None:
        pass

    def map(self, task: Task, shards: Iterable[Shard]) -> Iterator[ShardResult]:
        run = None
        try:
            for shard in shards:
                if run is None:  # nothing loaded when every shard is already done
                    run = task.load()
                yield run(shard)
        finally:
            close_loaded(run)

    def describe(self) -> str:
        return "local: this process"

    def close(self) -> None:
        pass
