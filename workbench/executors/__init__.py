"""Where batch work runs: one small protocol, one module per executor, a registry.

An :class:`Executor` takes a :class:`Task` (what to do with one shard, built
once per worker: an engine loaded once, a glossary compiled once) and an
iterable of :class:`Shard` objects, and yields one :class:`ShardResult` per
shard as shards finish (in any order; callers put results back in input
order by ``Shard.index``).

- ``local`` (:mod:`workbench.executors.local`): in this process, one shard
  after the other; today's path.
- ``ray`` (:mod:`workbench.executors.ray`): a pool of Ray actors, each loading
  the task once, on a local Ray runtime or an existing cluster. Shards that
  read themselves (a :class:`ShardSource`: a file's shard plan) become a Ray
  Dataset streamed through a Ray Data actor pool (a :class:`StagedTask`'s
  engine-free steps run as Ray Data tasks before and after the pool); any other
  iterable (a project's rows, drawn on the driver) goes to Ray Core actors.

Ray is imported only when the ``ray`` executor is chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from workbench.errors import WorkbenchError


@dataclass(frozen=True)
class Shard:
    """One unit of work: ``items`` (texts, or ``(name, bytes)`` for articles) and its
    position ``index`` among all the shards of a job."""

    index: int
    items: list[Any]


@dataclass(frozen=True)
class Spent:
    """What one step of a shard cost (CPU-seconds of the process and its children,
    GPU-seconds, wall seconds) and where it ran (``host:pid``)."""

    cpu_s: float
    gpu_s: float
    wall_s: float
    worker: str


@dataclass
class ShardResult:
    """What a worker returns for one shard: ``columns`` (equal-length lists, one
    row per output row), how many sentences it translated or normalised, and what
    that cost (CPU-seconds of the worker and its child processes, GPU-seconds,
    wall seconds; summed over the steps of a :class:`StagedTask`) and where it ran
    (``host:pid``; the translating step's for a staged task)."""

    index: int
    columns: dict[str, list[Any]]
    sentences: int = 0
    cpu_s: float = 0.0
    gpu_s: float = 0.0
    wall_s: float = 0.0
    worker: str = ""
    #: each step's cost and place (``prepare``/``translate``/``finish``, or ``run``)
    steps: dict[str, Spent] = field(default_factory=dict)


class ShardSource:
    """Shards that read themselves: a picklable plan of an input (a path, shard
    bounds, the shards already finished) whose iteration reads the input and yields
    the unfinished shards in order. The local executor iterates it here; the ray
    executor iterates it inside a Ray Data read task on the driver's node, so the
    driver never holds the shards. ``len()`` is how many shards it yields."""

    def __iter__(self) -> Iterator[Shard]:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError


#: A loaded task: turns one shard into its result. It may have a ``close()`` that
#: stops what loading started (Apertium's long-lived pipelines).
ShardFunction = Callable[[Shard], ShardResult]


def close_loaded(run: ShardFunction | None) -> None:
    """Call the loaded task's ``close()``, if it has one."""
    close = getattr(run, "close", None)
    if close is not None:
        close()


class Task(Protocol):
    """Work to run on every shard; must pickle (it travels to Ray workers)."""

    def load(self) -> ShardFunction:
        """Load engines, models, glossaries (once per worker) and return the shard function."""
        ...


@runtime_checkable
class StagedTask(Protocol):
    """A task whose engine-free work is split from the engine's: ``prepare`` (stateless:
    read, segment, cut batches, protect terms), the step ``load_engine`` returns (loads
    the engine once per worker, then only translates) and ``finish`` (stateless: restore,
    normalise, build the result). ``load()`` runs the three in a row; the ray executor
    runs them as three Ray Data stages, only the middle one on the actor pool."""

    def load(self) -> ShardFunction: ...

    def prepare(self, shard: Shard) -> Any: ...

    def load_engine(self) -> Callable[[Any], Any]: ...

    def finish(self, staged: Any) -> ShardResult: ...


@runtime_checkable
class Executor(Protocol):
    """Runs a task over shards."""

    name: str

    def map(self, task: Task, shards: Iterable[Shard]) -> Iterator[ShardResult]:
        """Yield one result per shard, as shards finish (any order). ``shards`` may be
        a :class:`ShardSource`."""
        ...

    def describe(self) -> str:
        """One line for the summary: where the work ran (``ray: 2 workers on ...``)."""
        ...

    def close(self) -> None:
        """Release what the executor started (a local Ray runtime); safe to call twice."""
        ...


def _local(**options: Any) -> Executor:
    from workbench.executors.local import LocalExecutor

    return LocalExecutor(**options)


def _ray(**options: Any) -> Executor:
    from workbench.executors.ray import RayExecutor

    return RayExecutor(**options)


#: Executors by name; the CLI's ``--executor`` choices.
EXECUTORS: dict[str, Callable[..., Executor]] = {"local": _local, "ray": _ray}
EXECUTOR_CHOICES: tuple[str, ...] = tuple(EXECUTORS)


def get_executor(name: str = "local", **options: Any) -> Executor:
    """An executor by name. ``options`` go to its constructor; ``None`` values are
    dropped and options an executor does not know are ignored by it."""
    try:
        factory = EXECUTORS[name]
    except KeyError:
        raise WorkbenchError(f"unknown executor {name!r}; choose one of "
                             f"{', '.join(EXECUTOR_CHOICES)}") from None
    return factory(**{k: v for k, v in options.items() if v is not None})


@dataclass
class Cost:
    """Totals over the shards run now, for pricing an archive."""

    shards: int = 0
    sentences: int = 0
    cpu_s: float = 0.0
    gpu_s: float = 0.0
    wall_s: float = 0.0  # elapsed on the driver, start of the first shard to the last result
    workers: set[str] = field(default_factory=set)

    def add(self, result: ShardResult) -> None:
        self.shards += 1
        self.sentences += result.sentences
        self.cpu_s += result.cpu_s
        self.gpu_s += result.gpu_s
        if result.worker:
            self.workers.add(result.worker)

    @property
    def sentences_per_s(self) -> float:
        return self.sentences / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def cpu_s_per_1000(self) -> float:
        return 1000 * self.cpu_s / self.sentences if self.sentences else 0.0

    @property
    def gpu_s_per_1000(self) -> float:
        return 1000 * self.gpu_s / self.sentences if self.sentences else 0.0

    def line(self) -> str:
        """``1,234 sentences in 5.1 s: 242 sentences/s, 8.2 CPU-s per 1,000 sentences``."""
        text = (f"{self.sentences:,} sentences in {self.wall_s:.1f} s: {self.sentences_per_s:,.1f} "
                f"sentences/s, {self.cpu_s_per_1000:.2f} CPU-s per 1,000 sentences")
        if self.gpu_s:
            text += f", {self.gpu_s_per_1000:.2f} GPU-s per 1,000 sentences"
        return text + f" ({len(self.workers)} worker process{'es' if len(self.workers) != 1 else ''})"
