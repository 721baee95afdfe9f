"""Runs a search on Ray Tune and writes what it found into OUT.

Ray Tune draws the trials (its `BasicVariantGenerator`: random draws from the space, seeded,
times every `grid` combination; first, the config's own values, so that every winner is
measured against the config as it stands on the same folds) and runs each as `trainable.cross_validate` with the CPUs
and GPUs given per trial, reusing its worker processes. Only this process, the driver,
writes OUT: each fold's record is appended to `folds.jsonl` as it arrives (a Tune callback),
so a search stopped at any point keeps every finished fold; run again with the same
arguments, it draws the same trials and trains only the folds not yet recorded.

At the end: `trials.csv` and `summary.md` (trials ranked by cross-validated score),
`best_config.json` (the base config with the winning values: `allennlp train` it), and,
with `train_best`, the winner trained once on all of its training data and scored on the
test split in `best/`: the one number of the search that no choice has seen.
"""
import copy
import datetime
import json
import logging
import math
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from textflix_lib.learning_curves.aggregate import mean_std
from textflix_lib.learning_curves.store import OK, ResultStore, latest
from textflix_lib.learning_curves.sweep import code_version, start_ray
from textflix_lib.tuning import report, space
from textflix_lib.tuning.folds import check_config, config_metric, params_digest, parse_metric, trial_params

logger = logging.getLogger(__name__)

FOLDS_FILE = "folds.jsonl"
DEFAULT_SAMPLES = 10


def fold_key(record: Dict[str, Any]) -> str:
    return str(record["fold_digest"])


def fold_store(out_dir: str) -> ResultStore:
    return ResultStore(os.path.join(out_dir, FOLDS_FILE), key=fold_key,
                       what="one JSON fold record with its fold_digest")


@dataclass
class SearchOutcome:
    keys: List[str] = field(default_factory=list)  # the space's keys, as read (Jsonnet sorts them)
    config_trial: str = ""  # the trial digest of the config's own values
    trials: int = 0
    folds_trained: int = 0
    folds_reused: int = 0
    folds_failed: int = 0
    crashed: List[Dict[str, Any]] = field(default_factory=list)
    records: List[Dict[str, Any]] = field(default_factory=list)
    rows: List[Dict[str, Any]] = field(default_factory=list)
    best: Optional[Dict[str, Any]] = None
    best_run: Optional[Dict[str, Any]] = None


def run_search(
    config: Any,
    search_space: str,
    out_dir: str,
    *,
    folds: int = 5,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    metric: Optional[str] = None,
    ray_address: Optional[str] = None,
    cpus_per_trial: float = 1,
    gpus_per_trial: float = 0,
    max_concurrent: Optional[int] = None,
    num_cpus: Optional[int] = None,
    num_gpus: Optional[int] = None,
    baseline: bool = True,
    train_best: bool = False,
    test_data_path: str = "test",
    include_package: Sequence[str] = (),
    verbose: bool = False,
    progress: bool = True,
) -> SearchOutcome:
    """Cross-validate `samples` draws of `search_space` on `config` (see the module docstring).

    # Parameters

    config : `learning_curves.plan.Config`
        The evaluated base config (`learning_curves.configs.load_configs`).
    search_space : `str`
        A `.json`/`.jsonnet` file, or the space inline (`textflix_lib.tuning.space`).
    out_dir : `str`
        Receives `folds.jsonl`, the report, `best_config.json`, `best/` and Ray Tune's own
        files (`ray_tune/`).
    folds : `int`, optional (default = `5`)
        Folds of the config's training data; each trial trains once per fold.
    samples : `int`, optional (default = `10`)
        Random draws from the space (each repeated for every `grid` combination).
    seed : `int`, optional (default = `0`)
        Seeds the draws: the same seed draws the same trials, which is how a rerun resumes.
    metric : `str`, optional (default = the config's `trainer.validation_metric`, else `+accuracy`)
        The validation metric to rank by: `+name` highest first, `-name` lowest first.
    ray_address, num_cpus, num_gpus : as for `learning_curves.sweep.run_sweep`.
    cpus_per_trial, gpus_per_trial : `float`, optional (default = `1`, `0`)
        What Ray reserves for each trial (fractions of a GPU share one).
    max_concurrent : `int`, optional (default = `None`: as many as the resources hold)
    baseline : `bool`, optional (default = `True`)
        Cross-validate the config's own values too, as the first trial (when the config sets
        every key and the space has no `grid`). It does not change the random draws.
    train_best : `bool`, optional (default = `False`)
        Train the winner on all its training data (its own validation data for its epochs) and
        score it on its `test_data_path` (else `test_data_path`) into `best/`.
    include_package : `Sequence[str]`, optional
        Packages the workers import before training (as `--include-package`).
    """
    out_dir = os.path.abspath(out_dir)
    base = config.params
    check_config(base)
    where = search_space if not str(search_space).strip().startswith("{") else "search space"
    dimensions = space.parse_space(space.read_space(search_space), where)
    space.check_against_config(dimensions, base, where)
    metric_name, mode = parse_metric(metric or config_metric(base))
    if folds < 2:
        raise ValueError(f"--folds: cross-validation needs at least 2 folds, got {folds}")
    if samples < 1:
        raise ValueError(f"--samples: expected at least 1, got {samples}")

    os.makedirs(out_dir, exist_ok=True)
    store = fold_store(out_dir)
    recorded = {key: record for key, record in latest(store.read(), fold_key).items() if record.get("status") == OK}
    outcome = SearchOutcome(keys=[dimension.key for dimension in dimensions],
                            config_trial=params_digest(base))
    current = space.current_values(dimensions, base) if baseline else None
    job = {"base": base, "folds": folds, "metric": metric_name, "recorded": recorded,
           "include_package": list(include_package), "torch_threads": max(1, int(cpus_per_trial))}
    keys = outcome.keys
    print(f"allennlp tune: {config.label}, {len(keys)} keys ({', '.join(keys)}), {samples} draws (seed {seed}), "
          f"{folds} folds{' and the config as it is' if current else ''}, ranked by "
          f"{'+' if mode == 'max' else '-'}{metric_name}; "
          f"{len(recorded)} folds already recorded in {store.path}", flush=True)

    started_ray = start_ray(ray_address, num_cpus, num_gpus, verbose)
    try:
        _tune(dimensions, current, job, out_dir, samples, seed, cpus_per_trial, gpus_per_trial, max_concurrent,
              _recorder(store, outcome, code_version(), metric_name, progress), verbose)
    finally:
        if started_ray:
            import ray

            ray.shutdown()

    outcome.rows = report.trial_rows(outcome.records, metric_name, mode, config_trial=outcome.config_trial)
    outcome.trials = len(outcome.rows)
    ranked = [row for row in outcome.rows if row["complete"]]
    if ranked:
        outcome.best = ranked[0]
        best_config = trial_params(base, outcome.best["params"])
        _write_json(os.path.join(out_dir, "best_config.json"), best_config)
        _write_json(os.path.join(out_dir, "best_params.json"), {
            "params": outcome.best["params"], "metric": metric_name, "mode": mode,
            "cv_mean": outcome.best["mean"], "cv_std": outcome.best["std"], "fold_scores": outcome.best["fold_scores"],
            "folds": folds, "config": config.path, "overrides": config.overrides, "trial": outcome.best["trial"]})
        if train_best:
            outcome.best_run = _train_best(best_config, os.path.join(out_dir, "best"), test_data_path,
                                           include_package)
    report.write_csv(outcome.rows, keys, os.path.join(out_dir, "trials.csv"))
    with open(os.path.join(out_dir, "summary.md"), "w", encoding="utf-8") as handle:
        handle.write(summary_markdown(config, keys, outcome, folds, samples, seed, metric_name, mode))
    return outcome


def _tune(dimensions, current, job, out_dir, samples, seed, cpus_per_trial, gpus_per_trial, max_concurrent, recorder,
          verbose) -> None:
    if not verbose:
        os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")  # the classic reporter honours verbose=0
    # Tune's own result.json per trial only: its CSV and TensorBoard loggers cannot hold a fold record
    os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")
    from ray import tune
    from ray.tune.logger import JsonLoggerCallback
    from ray.tune.search import BasicVariantGenerator

    from textflix_lib.tuning.trainable import cross_validate

    trainable = tune.with_resources(tune.with_parameters(cross_validate, job=job),
                                    {"cpu": cpus_per_trial, "gpu": gpus_per_trial})
    tuner = tune.Tuner(
        trainable,
        param_space=space.to_ray(dimensions),
        tune_config=tune.TuneConfig(
            # a given point takes the first sample: one more keeps the random draws as they were
            num_samples=samples + (1 if current else 0),
            search_alg=BasicVariantGenerator(random_state=seed, points_to_evaluate=[current] if current else None),
            max_concurrent_trials=max_concurrent, reuse_actors=True,
            trial_dirname_creator=lambda trial: f"trial_{trial.trial_id}"),
        run_config=tune.RunConfig(name="ray_tune", storage_path=out_dir, verbose=2 if verbose else 0,
                                  callbacks=[recorder, JsonLoggerCallback()]),
    )
    tuner.fit()


def _recorder(store: ResultStore, outcome: SearchOutcome, version: str, metric: str, progress: bool):
    """The Tune callback that records folds on the driver (its class needs Ray, imported here)."""
    from ray import tune

    class Recorder(tune.Callback):
        """Appends each fold record to the store as it arrives (on the driver) and counts it."""

        def __init__(self, store: ResultStore, outcome: SearchOutcome, version: str, metric: str,
                     progress: bool) -> None:
            self.store, self.outcome, self.version, self.metric, self.progress = store, outcome, version, metric, progress

        def on_trial_result(self, iteration, trials, trial, result, **info):
            record = result.get("fold_record")
            if not isinstance(record, dict):
                return
            record = copy.deepcopy(record)
            if result.get("reused"):
                self.outcome.folds_reused += 1
            else:
                record["code_version"] = self.version
                record["finished_at"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
                self.store.append(record)
                self.outcome.folds_trained += 1
                self.outcome.folds_failed += record.get("status") != OK
            self.outcome.records.append(record)
            if self.progress:
                print(_progress_line(record, self.metric, bool(result.get("reused")), result.get("cv_mean")), flush=True)

        def on_trial_error(self, iteration, trials, trial, **info):
            self.outcome.crashed.append({"trial": trial.trial_id, "params": space.plain_values(trial.config)})
            print(f"trial {trial.trial_id} crashed (its worker died): {json.dumps(space.plain_values(trial.config))}",
                  flush=True)

    return Recorder(store, outcome, version, metric, progress)


def _progress_line(record: Dict[str, Any], metric: str, reused: bool, cv_mean: Any) -> str:
    values = ", ".join(f"{k.split('.')[-1]}={report.format_value(v)}" for k, v in record.get("params", {}).items())
    head = f"trial {record['trial_digest'][:8]} fold {record['fold'] + 1}/{record['folds']}"
    if record.get("status") != OK:
        return f"{head} FAILED ({values}): {str(record.get('error'))[:300]}"
    score = (record.get("best_validation") or {}).get(metric)
    took = "recorded" if reused else f"{record.get('wall_seconds', 0):.0f} s"
    mean = f", mean so far {cv_mean:.3f}" if isinstance(cv_mean, float) and not math.isnan(cv_mean) else ""
    return f"{head}: {metric} {score:.3f} ({took}{mean}) {values}"


def _train_best(params: Dict[str, Any], directory: str, test_data_path: str,
                include_package: Sequence[str]) -> Dict[str, Any]:
    """The winner trained once on all its training data, scored on the test data."""
    from textflix_lib.learning_curves.worker import RunWorker

    params = copy.deepcopy(params)
    if not params.get("test_data_path"):
        params["test_data_path"] = test_data_path
    params["evaluate_on_test"] = True
    print(f"training the best config on all of its training data into {directory} "
          f"(scored once on {params['test_data_path']})", flush=True)
    record = RunWorker().run({"params": params, "serialization_dir": directory,
                              "include_package": list(include_package)})
    record.pop("key", None)
    _write_json(os.path.join(directory, "record.json"), record)
    return record


def _write_json(path: str, value: Any) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=2, sort_keys=True, default=str)
        handle.write("\n")


def summary_markdown(config, keys: Sequence[str], outcome: SearchOutcome, folds: int, samples: int, seed: int,
                     metric: str, mode: str) -> str:
    sign = "+" if mode == "max" else "-"
    lines = [
        f"# allennlp tune: {config.label}",
        "",
        f"- config: `{config.path}`" + (f" with overrides `{config.overrides}`" if config.overrides else ""),
        f"- {outcome.trials} trials ({samples} draws, seed {seed}), each cross-validated on {folds} folds of the "
        f"config's training data, ranked by the mean of the folds' best validation {sign}{metric}",
        f"- folds trained {outcome.folds_trained} ({outcome.folds_failed} failed), taken from folds.jsonl "
        f"{outcome.folds_reused}; trials whose worker died: {len(outcome.crashed)}",
        "",
        report.markdown_table(outcome.rows, keys, limit=20),
    ]
    if outcome.best:
        best = outcome.best
        lines += [f"Best: {', '.join(f'`{k}` = {report.format_value(v)}' for k, v in best['params'].items())}: "
                  f"cross-validated {metric} {report.score_cell(best)} (optimistic: it is the maximum of "
                  f"{sum(r['complete'] for r in outcome.rows)} trials). `best_config.json` is the config to train.", ""]
    own = [row for row in outcome.rows if row.get("is_config")]
    if own:
        place = f"rank {own[0]['rank']} of {sum(r['complete'] for r in outcome.rows)}" if own[0]["rank"] else "failed"
        lines += [f"The config as it is: cross-validated {metric} {report.score_cell(own[0])} ({place}) on the "
                  f"same folds{_paired(outcome.best, own[0], metric)}.", ""]
    run = outcome.best_run
    if run:
        if run.get("status") == OK:
            test = run.get("test", {}).get(metric)
            validation = run.get("best_validation", {}).get(metric)
            lines += [f"Trained on all of its training data (`best/`): validation {metric} "
                      f"{_number(validation)}, **test {metric} {_number(test)}** (the test split's only use in "
                      "the search).", ""]
        else:
            lines += [f"Training the best config on all of its training data failed: {run.get('error')}", ""]
    return "\n".join(lines)


def _paired(best: Optional[Dict[str, Any]], own: Dict[str, Any], metric: str) -> str:
    """Best minus the config, fold by fold: both saw the same folds, so the difference is paired."""
    if not best or best is own or not own["complete"]:
        return ""
    differences = [b - o for b, o in zip(best["fold_scores"], own["fold_scores"])]
    stats = mean_std(differences)
    return (f"; best minus config, fold by fold: {stats['mean']:+.3f} ± {stats['std']:.3f} "
            f"({sum(d > 0 for d in differences)} of {len(differences)} folds higher)")


def _number(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, (int, float)) else "n/a"
