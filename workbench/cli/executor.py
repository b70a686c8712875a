"""Options shared by the batch commands that can run on an executor
(``translate``, ``run``, ``glossary apply``): ``--executor local|ray``,
``--ray-address``, ``--workers``, ``--gpus-per-worker``; a progress bar over
shards with sentences/s, and the cost summary printed at the end."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from workbench.cli.common import console
from workbench.executors import EXECUTOR_CHOICES, Cost, Executor

ExecutorOpt = Annotated[str, typer.Option(
    "--executor", help="Where the work runs: local (this process, the default) or ray (a local "
    "Ray runtime, or the cluster at --ray-address).")]
RayAddressOpt = Annotated[str | None, typer.Option(
    "--ray-address", help="Join this Ray cluster (host:port printed by `ray start --head`) "
    "instead of starting a Ray runtime on this machine.")]
WorkersOpt = Annotated[int | None, typer.Option(
    "--workers", min=1, help="Ray actors, each loading the engine once (default: one per CPU, "
    "or per GPU share with --gpus-per-worker).")]
GpusOpt = Annotated[float, typer.Option(
    "--gpus-per-worker", min=0.0, help="GPUs per Ray actor (0.5 puts two actors on a GPU); "
    "use with --device cuda or auto for Argos.")]


def make_executor(name: str, ray_address: str | None, workers: int | None,
                  gpus_per_worker: float) -> Executor | None:
    """The executor for the options, or ``None`` for ``local`` (the library's own path).
    Ray options without ``--executor ray`` are a usage error."""
    from workbench.executors import get_executor

    if name not in EXECUTOR_CHOICES:
        raise typer.BadParameter(f"{name!r} is not one of {', '.join(EXECUTOR_CHOICES)}",
                                 param_hint="--executor")
    if name != "ray":
        given = [opt for opt, value in (("--ray-address", ray_address), ("--workers", workers),
                                        ("--gpus-per-worker", gpus_per_worker or None)) if value]
        if given:
            raise typer.BadParameter(f"{', '.join(given)} only apply with --executor ray",
                                     param_hint="--executor")
        return None
    return get_executor("ray", address=ray_address, workers=workers, gpus_per_worker=gpus_per_worker)


class ShardBar:
    """A progress bar over shards that shows sentences/s; hidden when stderr is not a terminal."""

    def __init__(self, label: str) -> None:
        self.bar = Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(),
            MofNCompleteColumn(), TextColumn("shards  {task.fields[rate]}"), TimeRemainingColumn(),
            console=console, transient=True, disable=not console.is_terminal,
        )
        self.label = label
        self.task: Any = None

    def __enter__(self) -> ShardBar:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.bar.__exit__(*exc)

    def __call__(self, done: int, total: int, sentences: int, seconds: float) -> None:
        rate = f"{sentences / seconds:,.1f} sentences/s" if seconds > 0 else ""
        if self.task is None:
            self.task = self.bar.add_task(self.label, total=total, rate=rate)
        self.bar.update(self.task, completed=done, total=total, rate=rate)


def segment_progress(bar: Progress, label: str = "") -> Callable[[int, int, str], None]:
    """The ``progress(done, total, tgt)`` of a project translation: one bar per target
    language, with the sentences/s of this run once some are done."""
    tasks: dict[str, Any] = {}
    first: dict[str, tuple[float, int]] = {}

    def report(done: int, total: int, tgt: str) -> None:
        now = time.perf_counter()
        if tgt not in tasks:
            tasks[tgt] = bar.add_task(f"{label}→{tgt}", total=total)
            first[tgt] = (now, done)
        t0, d0 = first[tgt]
        rate = f" {(done - d0) / (now - t0):,.1f} sentences/s" if done > d0 and now > t0 else ""
        bar.update(tasks[tgt], completed=done, total=total, description=f"{label}→{tgt}{rate}")
    return report


def print_cost(cost: Cost | None, where: str = "") -> None:
    """The summary users price an archive with (nothing when no shard ran now)."""
    if cost is None or not cost.shards:
        return
    console.print(f"cost: {escape(cost.line())}" + (f" [dim]({escape(where)})[/]" if where else ""))


@contextmanager
def closing(executor: Executor | None) -> Iterator[None]:
    """Close ``executor`` (stop the Ray runtime it started) however the block ends."""
    try:
        yield
    finally:
        if executor is not None:
            executor.close()
