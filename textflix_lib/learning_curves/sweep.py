"""Runs a sweep on Ray: worker actors train, the driver writes every result into OUT.

Ray does the scheduling: each `RunWorker` actor reserves `cpus_per_run` CPUs (and
`gpus_per_run` GPUs) and lives for the whole sweep, so AllenNLP is imported once per worker,
not once per run; Ray's `ActorPool` hands each idle worker the next run. Locally (no
address) Ray starts on this machine's cores; with an address it joins an existing cluster,
whose nodes need the same Python environment. Only the driver writes OUT: workers return
their records (and, from another machine, their small files) and the driver appends them
as they arrive, so an interrupted sweep keeps every finished run.
"""
import datetime
import logging
import math
import os
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from tqdm import tqdm

from textflix_lib.learning_curves.plan import RunSpec, describe
from textflix_lib.learning_curves.store import FAILED, RESULTS_FILE, ResultStore, pending
from textflix_lib.learning_curves.worker import RunWorker, current_node_id

logger = logging.getLogger(__name__)


@dataclass
class SweepOutcome:
    planned: int
    skipped: Dict[str, int]
    finished: int = 0
    failed: int = 0
    workers: int = 0
    records: List[Dict[str, Any]] = field(default_factory=list)


def code_version() -> str:
    """`textflix <version>+<git commit>[.dirty]` where the package sits in a git checkout."""
    import textflix_lib

    version = f"textflix {getattr(textflix_lib, '__version__', '?')}"
    root = os.path.dirname(os.path.dirname(os.path.abspath(textflix_lib.__file__)))
    try:
        commit = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return version
    return f"{version}+{commit}{'.dirty' if dirty else ''}"


def start_ray(ray_address: Optional[str], num_cpus: Optional[int], num_gpus: Optional[int],
               verbose: bool) -> bool:
    """Start or join Ray unless this process already did; True when we must shut it down."""
    import ray

    if ray.is_initialized():
        return False
    options: Dict[str, Any] = {"log_to_driver": verbose, "include_dashboard": False}
    if ray_address:
        ray.init(address=ray_address, **options)
    else:
        ray.init(num_cpus=num_cpus, num_gpus=num_gpus, **options)
    return True


def worker_count(resources: Dict[str, float], cpus_per_run: float, gpus_per_run: float,
                 runs: int, workers: Optional[int] = None) -> int:
    """How many workers fit the cluster's resources (or `workers`, if given), at most one per run."""
    if workers is None:
        fits = [resources.get("CPU", 0) / cpus_per_run] if cpus_per_run > 0 else []
        if gpus_per_run > 0:
            fits.append(resources.get("GPU", 0) / gpus_per_run)
        workers = int(math.floor(min(fits))) if fits else 1
        if workers < 1:
            raise RuntimeError(
                f"the Ray cluster ({resources.get('CPU', 0):g} CPUs, {resources.get('GPU', 0):g} GPUs) "
                f"cannot hold one run of {cpus_per_run:g} CPUs and {gpus_per_run:g} GPUs"
            )
    return max(1, min(workers, runs))


def run_sweep(
    plan: Sequence[RunSpec],
    out_dir: str,
    *,
    ray_address: Optional[str] = None,
    cpus_per_run: float = 1,
    gpus_per_run: float = 0,
    workers: Optional[int] = None,
    num_cpus: Optional[int] = None,
    num_gpus: Optional[int] = None,
    retry_failed: bool = True,
    verbose: bool = False,
    progress: bool = True,
    include_package: Sequence[str] = (),
    on_record: Optional[Callable[[Dict[str, Any]], None]] = None,
) -> SweepOutcome:
    """Run the runs of `plan` not yet recorded in `out_dir/results.jsonl`.

    # Parameters

    plan : `Sequence[RunSpec]`
    out_dir : `str`
        Receives `results.jsonl` and each run's serialization directory under `runs/`.
    ray_address : `str`, optional (default = `None`: start Ray on this machine)
        The address of an existing Ray cluster (`auto`, `HOST:6379`, `ray://HOST:10001`).
    cpus_per_run, gpus_per_run : `float`, optional (default = `1`, `0`)
        What Ray reserves for each worker (one run at a time per worker).
    workers : `int`, optional (default = `None`: as many as the resources hold)
    num_cpus, num_gpus : `int`, optional (default = `None`: all of this machine's)
        What a local Ray may use (ignored with `ray_address`).
    retry_failed : `bool`, optional (default = `True`)
        Run again the runs whose latest record failed.
    verbose : `bool`, optional (default = `False`)
        Show the workers' own output (AllenNLP's logs and bars) on this console.
    include_package : `Sequence[str]`, optional
        Packages the workers import before training (as `--include-package`).
    on_record : `Callable`, optional
        Called with each record once it is written.
    """
    out_dir = os.path.abspath(out_dir)
    store = ResultStore(os.path.join(out_dir, RESULTS_FILE))
    todo, skipped = pending(plan, store.read(), retry_failed=retry_failed)
    outcome = SweepOutcome(planned=len(plan), skipped=skipped)
    logger.info("%s; %d to run, skipped: %s", describe(plan), len(todo), skipped)
    if not todo:
        return outcome
    for spec in todo:
        spec.params()  # a config unfit for a learning curve fails here, before any worker starts

    import ray

    started_ray = start_ray(ray_address, num_cpus, num_gpus, verbose)
    actors: List[Any] = []
    try:
        outcome.workers = worker_count(ray.cluster_resources(), cpus_per_run, gpus_per_run, len(todo), workers)
        actors = _start_workers(outcome.workers, cpus_per_run, gpus_per_run)
        recorder = _Recorder(store, outcome, out_dir, code_version(), on_record)
        pool, waiting = _submit_runs(actors, todo, out_dir, include_package)
        crashes = _collect_results(pool, waiting, recorder, progress)
        # runs whose worker died never came back: record them as failed (retried on resume)
        for spec in waiting.values():
            recorder.lost(spec, crashes[0] if crashes else "no result came back")
    finally:
        _stop(actors, started_ray)
    return outcome


def _start_workers(count: int, cpus_per_run: float, gpus_per_run: float) -> List[Any]:
    """`count` `RunWorker` actors, each holding its share of CPUs and GPUs for the whole sweep."""
    import ray

    worker_class = ray.remote(num_cpus=cpus_per_run, num_gpus=gpus_per_run, max_restarts=0)(RunWorker)
    threads = max(1, int(cpus_per_run))
    return [worker_class.remote(torch_threads=threads) for _ in range(count)]


def _submit_runs(actors: List[Any], todo: Sequence[RunSpec], out_dir: str,
                 include_package: Sequence[str]) -> Tuple[Any, Dict[Tuple, RunSpec]]:
    """Queue every run on an `ActorPool` of the workers; also the runs waiting, by key."""
    from ray.util.actor_pool import ActorPool

    pool = ActorPool(actors)
    driver_node = current_node_id()
    for spec in todo:
        job = {"params": spec.params(), "serialization_dir": os.path.join(out_dir, spec.name),
               "driver_node": driver_node, "key": list(spec.key),
               "include_package": list(include_package)}
        pool.submit(lambda actor, job: actor.run.remote(job), job)
    return pool, {spec.key: spec for spec in todo}


def _collect_results(pool: Any, waiting: Dict[Tuple, RunSpec], recorder: "_Recorder", progress: bool) -> List[str]:
    """Record each result as it arrives (removing its run from `waiting`); the errors of
    workers that died mid-run, whose runs stay in `waiting`."""
    import ray

    bar = tqdm(total=len(waiting), desc="learning-curve runs", unit="run", disable=not progress)
    crashes: List[str] = []
    while pool.has_next():
        try:
            result = pool.get_next_unordered()
        except ray.exceptions.RayActorError as error:  # the worker process died mid-run
            crashes.append(f"{type(error).__name__}: {error}"[:2000])
            bar.update(1)
            continue
        spec = waiting.pop(tuple(result.pop("key")))
        record = recorder.finished(spec, result)
        bar.set_postfix_str(_postfix(record))
        bar.update(1)
    bar.close()
    return crashes


def _stop(actors: List[Any], started_ray: bool) -> None:
    """Kill the workers, and shut Ray down if this sweep started it."""
    import ray

    for actor in actors:
        ray.kill(actor)
    if started_ray:
        ray.shutdown()


@dataclass
class _Recorder:
    """Appends each run's record to the store (on the driver only) and counts it in the outcome."""

    store: ResultStore
    outcome: SweepOutcome
    out_dir: str
    version: str
    on_record: Optional[Callable[[Dict[str, Any]], None]] = None

    def finished(self, spec: RunSpec, result: Dict[str, Any]) -> Dict[str, Any]:
        """A run whose worker returned (its record says "ok" or "failed")."""
        record = self._append(spec, result)
        self.outcome.finished += 1
        self.outcome.failed += record["status"] == FAILED
        if self.on_record:
            self.on_record(record)
        return record

    def lost(self, spec: RunSpec, crash: str) -> Dict[str, Any]:
        """A run that never came back: failed, so that a resumed sweep runs it again."""
        record = self._append(spec, {"status": FAILED, "error": "the worker process died: " + crash})
        self.outcome.failed += 1
        return record

    def _append(self, spec: RunSpec, result: Dict[str, Any]) -> Dict[str, Any]:
        record = _finish(spec, result, self.out_dir, self.version)
        self.store.append(record)
        self.outcome.records.append(record)
        return record


def _postfix(record: Dict[str, Any]) -> str:
    name = f"{record['config']} n={record['size']} seed={record['seed']}"
    if record["status"] != "ok":
        return f"{name}: FAILED"
    accuracy = record.get("test", {}).get("accuracy")
    return f"{name}: test acc {accuracy:.3f}" if isinstance(accuracy, float) else name


def _finish(spec: RunSpec, result: Dict[str, Any], out_dir: str, version: str) -> Dict[str, Any]:
    """The line to append: the run's identity first, then what the worker measured."""
    files = result.pop("files", None)
    if files:  # a worker on another machine shipped its small files: keep them under OUT
        directory = os.path.join(out_dir, spec.name)
        os.makedirs(directory, exist_ok=True)
        for name, text in files.items():
            with open(os.path.join(directory, os.path.basename(name)), "w", encoding="utf-8") as handle:
                handle.write(text)
    record = {
        "config": spec.config.label, "size": spec.size, "seed": spec.seed,
        "config_path": spec.config.path, "config_digest": spec.config.digest,
        "overrides": spec.config.overrides, "serialization_dir": spec.name,
        "code_version": version,
        "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    record.update(result)
    return record
