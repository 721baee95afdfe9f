"""The Ray Tune trainable of a search: one trial trains its folds one after another.

Ray Tune calls `cross_validate(values, job=...)` in a worker process with the trial's sampled
values. Each fold trains with the learning-curve `RunWorker` (one per process, so AllenNLP is
imported once per worker: the search reuses Tune's actors) in a scratch directory that is
removed afterwards; only its record travels back, through `tune.report`, to the driver, which
alone writes the search's files. A fold recorded before (same fold config, succeeded) is
reported again without training, so an interrupted search resumes where it stopped. A fold
that fails ends its trial (the others are not trained: the trial has no cross-validated score).
"""
import math
import os
import shutil
import tempfile
from typing import Any, Dict, List, Mapping, Optional

from textflix_lib.tuning.folds import params_digest, run_params, trial_params
from textflix_lib.tuning.space import plain_values

_WORKER = None  # this process's RunWorker (AllenNLP imported once)


def _worker(torch_threads: Optional[int]):
    global _WORKER
    if _WORKER is None:
        from textflix_lib.learning_curves.worker import RunWorker

        _WORKER = RunWorker(torch_threads=torch_threads)
    return _WORKER


def fold_score(record: Mapping[str, Any], metric: str) -> Optional[float]:
    """The fold's best validation `metric` (on its held-out fold), or None."""
    value = (record.get("best_validation") or {}).get(metric)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def train_fold(params: Dict[str, Any], metric: str, job: Mapping[str, Any]) -> Dict[str, Any]:
    """Train one fold in scratch space; its record (status "ok" or "failed")."""
    directory = tempfile.mkdtemp(prefix="textflix-fold-")
    try:
        record = _worker(job.get("torch_threads")).run({
            "params": params, "serialization_dir": directory, "test": False,
            "include_package": list(job.get("include_package") or ())})
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    record.pop("key", None)
    if record.get("status") == "ok" and fold_score(record, metric) is None:
        record.update(status="failed", error=(
            f"metrics.json has no best_validation_{metric} (validation metrics: "
            f"{', '.join(sorted(record.get('best_validation') or {})) or 'none'})"))
    return record


def cross_validate(values: Dict[str, Any], job: Mapping[str, Any]) -> None:
    """One trial (see the module docstring). `job` holds `base` (the evaluated config), `folds`
    (0: one run scored on the validation split), `encoded` (keys whose choices travel as JSON),
    `metric` (a validation metric name), `recorded` (fold digest -> succeeded record),
    `include_package` and `torch_threads`."""
    from ray import tune

    values = plain_values(values, job.get("encoded", ()))
    params = trial_params(job["base"], values)
    trial_digest = params_digest(params)
    folds, metric = int(job["folds"]), job["metric"]  # folds 0: one run on the validation split
    scores: List[float] = []
    for fold in range(max(folds, 1)):
        config = run_params(params, folds, fold)
        digest = params_digest(config)
        recorded = job["recorded"].get(digest)
        reused = recorded is not None
        record = dict(recorded) if reused else train_fold(config, metric, job)
        record.update(params=values, trial_digest=trial_digest, fold=fold, folds=folds, fold_digest=digest,
                      metric=metric)
        score = fold_score(record, metric) if record.get("status") == "ok" else None
        if score is not None:
            scores.append(score)
        tune.report({
            "cv_mean": sum(scores) / len(scores) if score is not None else math.nan,
            "folds_done": fold + 1, "fold_record": record, "reused": reused,
            "fold_pid": os.getpid(),
        })
        if score is None:
            return
