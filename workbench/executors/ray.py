"""The ``ray`` executor: a pool of Ray actors, each loading the task once (an Argos
model into CTranslate2, Apertium's modes, a compiled glossary) and then taking
shards one at a time.

Without an address it starts a Ray runtime on this machine (and stops it at the
end); with one (``ray start --head`` printed it) it joins that cluster. If this
process is already connected to Ray (``ray.init`` was called), that runtime is
used and left running.

Two ways in, one pool shape:

- **A file's shards** (a :class:`~workbench.executors.ShardSource`: ``workbench
  translate`` and ``glossary apply`` in file mode) run on **Ray Data**: the source
  is read as a Ray Dataset, one row per shard (a read task pinned to the driver's
  node, where the input is, taking no CPU), and streamed through ``map_batches``
  with a callable class on an actor pool (``ActorPoolStrategy(size=workers)``,
  ``num_cpus``/``num_gpus`` per actor), each actor loading the task once in its
  constructor. A :class:`~workbench.executors.StagedTask` (translation) is three
  stages: ``prepare`` tasks (read articles, segment, mark debris, cut the engine
  batches, protect glossary terms), the actor pool, which only translates, and
  ``finish`` tasks (restore placeholders, normalise, build the columns); the task
  stages hold no engine and reserve no CPU (the pool's actors hold the cores), at
  most ``workers`` of each at once. Ray Data's streaming executor bounds how far
  the read runs ahead (its object-store budget); the driver only receives finished
  shards. Actors are restarted by Ray when their process dies and their shards run
  again; a task whose process dies is run again by Ray.
- **Any other iterable** (a project's rows, which only the driver can read from its
  database connection) runs on Ray Core actors: the driver keeps at most
  ``in_flight`` shards per worker submitted and sends shards to the least busy
  actor (``max_restarts``/``max_task_retries`` retry a dead actor's shards).

Either way the caller stores results keyed by shard index, so a retried shard is
never written twice. ``import ray`` happens here only, when this executor is chosen.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from workbench.errors import WorkbenchError
from workbench.executors import Shard, ShardResult, ShardSource, StagedTask, Task, close_loaded

#: Object store size for a runtime this executor starts (bytes); ``RAY_OBJECT_STORE_MB`` overrides.
DEFAULT_OBJECT_STORE_MB = 400
INSTALL_HINT = "install it with `pip install 'ray[data]>=2.60'` (or `pip install -e .[ray]`)"


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise WorkbenchError(f"--executor ray needs Ray, which is not installed; {INSTALL_HINT}") from exc
    return ray


class RayExecutor:
    """Shards on a pool of Ray actors."""

    name = "ray"

    def __init__(self, address: str | None = None, workers: int | None = None,
                 gpus_per_worker: float = 0.0, cpus_per_worker: float = 1.0,
                 num_cpus: int | None = None, object_store_mb: int | None = None,
                 in_flight: int = 2, **_: Any) -> None:
        if workers is not None and workers < 1:
            raise WorkbenchError("--workers must be at least 1")
        if gpus_per_worker < 0 or cpus_per_worker <= 0:
            raise WorkbenchError("--gpus-per-worker must be 0 or more")
        self.address = address
        self.workers = workers
        self.gpus_per_worker = gpus_per_worker
        self.cpus_per_worker = cpus_per_worker
        self.num_cpus = num_cpus
        self.object_store_mb = object_store_mb
        self.in_flight = max(1, in_flight)
        self._started = False
        self._used = ""

    # -- runtime -------------------------------------------------------------

    def _connect(self) -> Any:
        if not self.address and "ray" not in sys.modules:
            # A runtime of our own is for this machine only: Ray then puts every
            # server on 127.0.0.1 instead of the machine's network address.
            os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        ray = _import_ray()
        if ray.is_initialized():
            return ray
        # Ray's start-up notices stay off the terminal; failures still raise.
        quiet = {"logging_level": logging.ERROR, "log_to_driver": False}
        try:
            if self.address:
                ray.init(address=self.address, **quiet)
            else:
                mb = self.object_store_mb or int(os.environ.get("RAY_OBJECT_STORE_MB", DEFAULT_OBJECT_STORE_MB))
                ray.init(address="local", num_cpus=self.num_cpus, include_dashboard=False,
                         object_store_memory=mb * 1024 * 1024, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray runtime"
            hint = (" (is `ray start --head` running there, and is the address host:port?)"
                    if self.address else "")
            raise WorkbenchError(f"cannot start or join {where}{hint}: {exc}") from exc
        self._started = True
        return ray

    def _pool_size(self, ray: Any) -> int:
        resources = ray.cluster_resources()
        cpus, gpus = resources.get("CPU", 0.0), resources.get("GPU", 0.0)
        if self.gpus_per_worker > 0:
            fits = int(gpus // self.gpus_per_worker)
            if fits < 1:
                raise WorkbenchError(f"--gpus-per-worker {self.gpus_per_worker:g}: the Ray cluster "
                                     f"has {gpus:g} GPUs; use --gpus-per-worker 0 for CPU workers")
        else:
            fits = int(cpus // self.cpus_per_worker)
        fits = max(fits, 1)
        if self.workers is None:
            return fits
        if self.workers > fits:
            what = f"{gpus:g} GPUs" if self.gpus_per_worker > 0 else f"{cpus:g} CPUs"
            raise WorkbenchError(f"--workers {self.workers}: the Ray cluster has {what}, room for "
                                 f"{fits} worker{'s' if fits != 1 else ''}; add nodes or ask for fewer")
        return self.workers

    # -- work ----------------------------------------------------------------

    def map(self, task: Task, shards: Iterable[Shard]) -> Iterator[ShardResult]:
        if isinstance(shards, ShardSource):
            return self._map_dataset(task, shards)
        return self._map_actors(task, shards)

    def _describe(self, ray: Any, size: int, how: str) -> None:
        where = ray.get_runtime_context().gcs_address
        self._used = (f"ray: {size} worker{'s' if size != 1 else ''} ({self.cpus_per_worker:g} CPU"
                      + (f", {self.gpus_per_worker:g} GPU" if self.gpus_per_worker else "")
                      + f" each, {how}) on {where}")

    def _map_dataset(self, task: Task, source: ShardSource) -> Iterator[ShardResult]:
        """The source as a Ray Dataset of shards, through a Ray Data actor pool."""
        if not len(source):  # everything already done: do not start Ray at all
            return
        ray = self._connect()
        size = min(self._pool_size(ray), len(source))  # no idle actors for a short input
        try:
            from ray.data import ActorPoolStrategy, TaskPoolStrategy
        except ImportError as exc:  # Ray without its data extra (pandas, pyarrow, fsspec)
            raise WorkbenchError(f"--executor ray needs Ray Data ({exc}); {INSTALL_HINT}") from exc

        _quiet_ray_data()
        staged = isinstance(task, StagedTask)
        ds = ray.data.read_datasource(_datasource_class()(source), num_cpus=0)
        # A staged task's engine-free steps are Ray Data tasks before and after the pool:
        # no engine, no state, a bounded number at once; they take no CPU reservation
        # (the pool's actors hold the cores) and their CPU-seconds are counted.
        steps = {"batch_size": 1, "batch_format": "pyarrow", "num_cpus": 0,
                 "compute": TaskPoolStrategy(size=size)}
        if staged:
            ds = ds.map_batches(_step, fn_args=(task, "prepare"), **steps)
        ds = ds.map_batches(
            ShardActor, fn_constructor_args=(task, staged), batch_size=1, batch_format="pyarrow",
            compute=ActorPoolStrategy(size=size, max_tasks_in_flight_per_actor=self.in_flight),
            num_cpus=self.cpus_per_worker, num_gpus=self.gpus_per_worker or None)
        if staged:
            ds = ds.map_batches(_step, fn_args=(task, "finish"), **steps)
        self._describe(ray, size, "Ray Data actor pool" + (" between prepare and finish tasks"
                                                           if staged else ""))
        for batch in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
            for blob in batch.column("blob").to_pylist():
                outcome = pickle.loads(blob)
                if isinstance(outcome, ShardResult):
                    yield outcome
                else:  # (error class, message): a workbench error raised in a step
                    raise outcome[0](outcome[1])

    def _map_actors(self, task: Task, shards: Iterable[Shard]) -> Iterator[ShardResult]:
        """Shards drawn from the driver, on Ray Core actors."""
        shards = iter(shards)
        first = next(shards, None)
        if first is None:  # everything already done: do not start Ray at all
            return
        ray = self._connect()
        size = self._pool_size(ray)
        worker_cls = _worker_class(ray)
        opts: dict[str, Any] = {"num_cpus": self.cpus_per_worker, "max_restarts": -1,
                                "max_task_retries": -1}
        if self.gpus_per_worker > 0:
            opts["num_gpus"] = self.gpus_per_worker
        # The task goes to each actor by reference inside its first call (not as a
        # constructor argument, which Ray could not restore after a restart if lost).
        task_box = [ray.put(task)]
        actors = [worker_cls.options(**opts).remote() for _ in range(size)]
        self._describe(ray, size, "Ray Core actors")
        busy = {i: 0 for i in range(len(actors))}
        pending: dict[Any, int] = {}  # object ref -> actor number

        def submit(shard: Shard) -> None:
            n = min(busy, key=lambda i: busy[i])
            busy[n] += 1
            pending[actors[n].run.remote(task_box, shard)] = n

        try:
            submit(first)
            exhausted = False
            while pending or not exhausted:
                while not exhausted and len(pending) < size * self.in_flight:
                    shard = next(shards, None)
                    if shard is None:
                        exhausted = True
                    else:
                        submit(shard)
                if not pending:
                    break
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    busy[pending.pop(ref)] -= 1
                    yield _get(ray, ref)
        finally:
            for ref in pending:
                ray.cancel(ref, force=False)
            for actor in actors:
                ray.kill(actor)

    def describe(self) -> str:
        return self._used or "ray"

    def close(self) -> None:
        if self._started:
            import ray

            ray.shutdown()
            self._started = False


def _get(ray: Any, ref: Any) -> ShardResult:
    """The result of one shard; a workbench error raised in a worker comes back as itself."""
    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as exc:
        cause = getattr(exc, "cause", None)
        if isinstance(cause, WorkbenchError):
            raise type(cause)(str(cause)) from None
        raise


_WORKER_CLASS: Any = None


def _worker_class(ray: Any) -> Any:
    """The actor class (defined on first use, so that importing this module never imports Ray)."""
    global _WORKER_CLASS
    if _WORKER_CLASS is None:
        class ShardWorker:
            """Loads the task on its first shard (a failure there is an ordinary task
            error, reported once, not an actor Ray would restart forever)."""

            def __init__(self) -> None:
                self._run: Any = None

            def run(self, task_box: list[Any], shard: Shard) -> ShardResult:
                if self._run is None:
                    self._run = ray.get(task_box[0]).load()
                return self._run(shard)

        _WORKER_CLASS = ray.remote(ShardWorker)
    return _WORKER_CLASS


def _quiet_ray_data() -> None:
    """Ray Data without its own progress bars and start/finish notices (the command
    has its bar over shards and its cost line); warnings and errors still show."""
    from ray.data import DataContext

    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    ctx.enable_auto_log_stats = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)


_DATASOURCE_CLASS: Any = None


def _datasource_class() -> Any:
    """A Ray Data datasource over a :class:`ShardSource` (defined on first use: importing
    this module never imports Ray). One read task iterates the source and yields one
    block per shard (``index``, ``blob``: the pickled :class:`Shard`); it runs on the
    driver's node, where the input files are."""
    global _DATASOURCE_CLASS
    if _DATASOURCE_CLASS is None:
        import pyarrow as pa
        from ray.data import Datasource, ReadTask
        from ray.data.block import BlockMetadata

        class ShardDatasource(Datasource):
            def __init__(self, source: ShardSource) -> None:
                super().__init__()
                self.source = source

            @property
            def supports_distributed_reads(self) -> bool:
                return False  # the input is on the driver's node

            def estimate_inmemory_data_size(self) -> int | None:
                return None

            def get_read_tasks(self, parallelism: int, per_task_row_limit: int | None = None,
                               data_context: Any = None) -> list[Any]:
                source = self.source

                def read() -> Iterator[Any]:
                    for shard in source:
                        yield pa.table({"index": pa.array([shard.index], pa.int64()),
                                        "blob": pa.array([pickle.dumps(shard)], pa.binary())})
                meta = BlockMetadata(num_rows=len(source), size_bytes=None, input_files=None,
                                     exec_stats=None)
                return [ReadTask(read, meta)]

        _DATASOURCE_CLASS = ShardDatasource
    return _DATASOURCE_CLASS


def _outcome(run: Any, blob: bytes) -> bytes:
    """``run`` on one pickled row: its result, an earlier step's error passed on, or a
    workbench error raised now as ``(class, message)`` (pickled), so that the driver
    raises it as itself, once, instead of Ray retrying or restarting."""
    item = pickle.loads(blob)
    if isinstance(item, tuple):
        return blob
    try:
        return pickle.dumps(run(item))
    except WorkbenchError as exc:
        return pickle.dumps((type(exc), str(exc)))


def _step(batch: Any, task: Any, step: str) -> dict[str, list[Any]]:
    """A Ray Data task stage: one engine-free step of a :class:`StagedTask`
    (``prepare`` or ``finish``) on each row."""
    run = getattr(task, step)
    return {"index": batch.column("index").to_pylist(),
            "blob": [_outcome(run, blob) for blob in batch.column("blob").to_pylist()]}


class ShardActor:
    """The callable class of the Ray Data actor pool: loads the task once, in its
    constructor (a staged task: its engine only), then runs one shard per batch (a
    staged task: translates one prepared shard). A workbench error (a model missing
    on this node, another model version, bad input) comes back as a result row, so
    the driver raises it as itself, once, instead of Ray restarting the actor."""

    def __init__(self, task: Task, staged: bool = False) -> None:
        self._run: Any = None
        self._error: bytes | None = None
        try:
            self._run = task.load_engine() if staged else task.load()  # type: ignore[attr-defined]
        except WorkbenchError as exc:
            self._error = pickle.dumps((type(exc), str(exc)))

    def __call__(self, batch: Any) -> dict[str, list[Any]]:
        blobs = batch.column("blob").to_pylist()
        return {"index": batch.column("index").to_pylist(),
                "blob": [self._error or _outcome(self._run, blob) for blob in blobs]}

    def __del__(self) -> None:  # Ray Data calls it when the pool shuts down
        close_loaded(self._run)
