"""Runs a search on Ray Tune and writes what it found into OUT.

A search algorithm proposes the trials: Optuna's TPE through Ray Tune's `OptunaSearch`
(seeded; the default) or Ray Tune's seeded random draws (`BasicVariantGenerator`, times every
`grid` combination). The first trial is the config's own values, so every winner is measured
against the config as it stands on the same folds. Each trial runs as
`trainable.cross_validate` with the CPUs and GPUs given per trial, reusing its worker
processes: K folds of the training sample (`folds`), or one run scored on the config's
validation split. With `scheduler="asha"`, ASHA stops a trial between folds when its mean over
its first folds is low among the trials that reached the same fold.

Only this process, the driver, writes OUT: each fold's record is appended to `folds.jsonl` as
it arrives (a Tune callback), so a search stopped at any point keeps every finished fold. Run
again with the same arguments, it resumes: random search draws the same trials and trains only
the folds not yet recorded; TPE is told the finished trials' scores (replayed from
`folds.jsonl`), runs the interrupted ones first, and proposes only the trials still missing.

At the end: `trials.csv` and `summary.md` (trials ranked by score), `best_config.json` (the
base config with the winning values), `best_overrides.json` (for `allennlp train -o`),
`scores.png`/`.svg`, and, with `train_best`, the winner trained once on all of its training
data and scored on the test split in `best/`: the one number of the search that no choice has
seen.
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
from textflix_lib.tuning.plots import plot_scores
from textflix_lib.tuning.folds import (check_config, check_validation_config, config_metric, params_digest, parse_metric,
                                       trial_params)

logger = logging.getLogger(__name__)

FOLDS_FILE = "folds.jsonl"
STOPPED_FILE = "stopped.jsonl"
DEFAULT_TRIALS = 20
SEARCHES = ("tpe", "random")
SCHEDULERS = ("fifo", "asha")


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
    encoded: List[str] = field(default_factory=list)  # keys whose values travel as JSON text
    plots: List[str] = field(default_factory=list)


def run_search(
    config: Any,
    search_space: str,
    out_dir: str,
    *,
    trials: int = DEFAULT_TRIALS,
    folds: Optional[int] = None,
    search: str = "tpe",
    scheduler: str = "fifo",
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
    """Score `trials` trials of `search_space` on `config` (see the module docstring).

    # Parameters

    config : `learning_curves.plan.Config`
        The evaluated base config (`learning_curves.configs.load_configs`).
    search_space : `str`
        A `.json`/`.jsonnet` file, or the space inline (`textflix_lib.tuning.space`).
    out_dir : `str`
        Receives `folds.jsonl`, the report, `best_config.json`, `best/` and Ray Tune's own
        files (`ray_tune/`).
    trials : `int`, optional (default = `20`)
        Trials in all, the config's own values (the first) included. With `grid` keys and
        `search="random"`, each draw is repeated for every grid combination.
    folds : `int`, optional (default = `None`)
        Folds of the config's training data; each trial trains once per fold. `None` (or 0):
        each trial is one run scored on the config's validation split.
    search : `str`, optional (default = `"tpe"`)
        `"tpe"`: Optuna's TPE sampler (`ray.tune.search.optuna.OptunaSearch`, seeded); a rerun
        replays the finished trials into it from `folds.jsonl`. `"random"`: Ray Tune's seeded
        random draws; a rerun draws the same trials and reuses their recorded folds.
    scheduler : `str`, optional (default = `"fifo"`)
        `"asha"`: ASHA stops a trial between folds when its mean over its first folds is in the
        lower part of the trials that reached the same fold (needs `folds`).
    seed : `int`, optional (default = `0`)
        Seeds the search: the same seed draws the same trials.
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
    if folds:
        check_config(base)
    where = search_space if not str(search_space).strip().startswith("{") else "search space"
    dimensions = space.parse_space(space.read_space(search_space), where)
    space.check_against_config(dimensions, base, where)
    metric_name, mode = parse_metric(metric or config_metric(base))
    folds = int(folds or 0)
    if folds and folds < 2:
        raise ValueError(f"--folds: cross-validation needs at least 2 folds, got {folds}")
    if not folds:
        check_validation_config(base)
    if trials < 1:
        raise ValueError(f"--trials: expected at least 1, got {trials}")
    if search not in SEARCHES:
        raise ValueError(f"--search: expected one of {', '.join(SEARCHES)}, got {search!r}")
    if scheduler not in SCHEDULERS:
        raise ValueError(f"--scheduler: expected one of {', '.join(SCHEDULERS)}, got {scheduler!r}")
    if scheduler == "asha" and not folds:
        raise ValueError("--scheduler asha stops trials between folds: it needs --folds K (K >= 2)")
    if search == "tpe" and any(d.kind == "grid" for d in dimensions):
        raise ValueError(f"{where}: 'grid' keys need --search random (TPE draws every key)")

    os.makedirs(out_dir, exist_ok=True)
    store = fold_store(out_dir)
    recorded = {key: record for key, record in latest(store.read(), fold_key).items() if record.get("status") == OK}
    outcome = SearchOutcome(keys=[dimension.key for dimension in dimensions],
                            config_trial=params_digest(base), encoded=space.encoded_keys(dimensions))
    current = space.current_values(dimensions, base) if baseline else None
    encoded = space.encoded_keys(dimensions)
    job = {"base": base, "folds": folds, "metric": metric_name, "recorded": recorded, "encoded": encoded,
           "include_package": list(include_package), "torch_threads": max(1, int(cpus_per_trial))}
    keys = outcome.keys
    previous = previous_trials(store.read(), base, keys, folds, metric_name, _read_stopped(out_dir))
    if search == "tpe":  # the finished trials are replayed into TPE, not run again
        for trial in previous["finished"]:
            outcome.records.extend(trial["records"])
            outcome.folds_reused += len(trial["records"])
    done = {trial["digest"] for trial in previous["finished"]}
    to_run = trials - len(previous["finished"]) if search == "tpe" else trials
    if search == "tpe" and current and params_digest(trial_params(base, current)) in done:
        current = None
    scored = f"{folds} folds of the training data" if folds else "the validation split"
    print(f"allennlp tune: {config.label}, {len(keys)} keys ({', '.join(keys)}), {trials} trials ({search} search, "
          f"seed {seed}, {scheduler} scheduler){' starting with the config as it is' if current else ''}, scored on "
          f"{scored}, ranked by {'+' if mode == 'max' else '-'}{metric_name}; {len(recorded)} runs already recorded "
          f"in {store.path}" + (f", {len(done)} trials finished ({max(to_run, 0)} to run)" if search == "tpe" else ""),
          flush=True)

    if to_run > 0:
        started_ray = start_ray(ray_address, num_cpus, num_gpus, verbose)
        try:
            searcher = _searcher(search, dimensions, current, previous, encoded, seed, metric_name, mode)
            _tune(dimensions, searcher, job, out_dir, to_run, scheduler, folds, metric_name, mode, cpus_per_trial,
                  gpus_per_trial, max_concurrent, _recorder(store, outcome, code_version(), metric_name, progress, folds,
                                                            out_dir), verbose)
        finally:
            if started_ray:
                import ray

                ray.shutdown()

    outcome.rows = report.trial_rows(outcome.records, metric_name, mode, config_trial=outcome.config_trial,
                                     stopped=_read_stopped(out_dir))
    outcome.trials = len(outcome.rows)
    ranked = [row for row in outcome.rows if row["complete"]]
    if ranked:
        outcome.best = ranked[0]
        best_config = trial_params(base, outcome.best["params"])
        _write_json(os.path.join(out_dir, "best_config.json"), best_config)
        _write_json(os.path.join(out_dir, "best_params.json"), {
            "params": outcome.best["params"], "metric": metric_name, "mode": mode,
            "cv_mean": outcome.best["mean"], "cv_std": outcome.best["std"], "fold_scores": outcome.best["fold_scores"],
            "folds": folds, "search": search, "scheduler": scheduler, "config": config.path,
            "overrides": config.overrides, "trial": outcome.best["trial"]})
        # `allennlp train CONFIG -o "$(cat OUT/best_overrides.json)"`: the -o of the search, then the winner
        _write_json(os.path.join(out_dir, "best_overrides.json"), best_overrides(config.overrides, outcome.best["params"]))
        if train_best:
            outcome.best_run = _train_best(best_config, os.path.join(out_dir, "best"), test_data_path,
                                           include_package)
    report.write_csv(outcome.rows, keys, os.path.join(out_dir, "trials.csv"))
    with open(os.path.join(out_dir, "summary.md"), "w", encoding="utf-8") as handle:
        handle.write(summary_markdown(config, keys, outcome, folds, trials, search, seed, metric_name, mode))
    outcome.plots = plot_scores(outcome.rows, keys, metric_name, os.path.join(out_dir, "scores"),
                                log_keys=[d.key for d in dimensions if d.kind == "loguniform"])
    return outcome


def best_overrides(search_overrides: str, params: Dict[str, Any]) -> Dict[str, Any]:
    """The search's own `-o` (flattened to dotted keys) with the winning values on top: a JSON
    object that `allennlp train CONFIG -o` applies to CONFIG to give the winner's config."""
    result: Dict[str, Any] = {}
    if search_overrides and str(search_overrides).strip():
        from textflix_lib.tuning.space import read_overrides

        result.update(read_overrides(search_overrides))
    result.update(params)
    return result


def previous_trials(records: Sequence[Dict[str, Any]], base: Dict[str, Any], keys: Sequence[str], folds: int,
                    metric: str, stopped: Dict[str, Dict[str, Any]]) -> Dict[str, List[Dict[str, Any]]]:
    """The trials of this search found in `folds.jsonl` (same keys, and every run's digest the
    one this config and fold count give): `finished` (every fold succeeded, or stopped by
    ASHA) with their records and mean, and `unfinished` (interrupted, or a fold failed)."""
    from textflix_lib.tuning.folds import run_params

    by_trial: Dict[str, Dict[int, Dict[str, Any]]] = {}
    for record in latest(records, fold_key).values():
        if set(record.get("params", {})) == set(keys) and int(record.get("folds", -1)) == folds:
            by_trial.setdefault(record["trial_digest"], {})[int(record["fold"])] = record
    result: Dict[str, List[Dict[str, Any]]] = {"finished": [], "unfinished": []}
    for digest, by_fold in by_trial.items():
        values = next(iter(by_fold.values()))["params"]
        params = trial_params(base, values)
        if params_digest(params) != digest:
            continue  # another base config's trial
        expected = [params_digest(run_params(params, folds, fold)) for fold in range(max(folds, 1))]
        if any(by_fold.get(fold, {}).get("fold_digest") not in (None, want) for fold, want in enumerate(expected)):
            continue
        ok = [by_fold[f] for f in range(len(expected)) if by_fold.get(f, {}).get("status") == OK]
        trial = {"digest": digest, "params": values, "records": [by_fold[f] for f in sorted(by_fold)]}
        if len(ok) == len(expected):
            from textflix_lib.tuning.trainable import fold_score

            trial["value"] = sum(fold_score(r, metric) for r in ok) / len(ok)
            result["finished"].append(trial)
        elif digest in stopped and len(ok) == len(by_fold) >= int(stopped[digest].get("folds_done", 0)):
            trial["pruned"] = True
            result["finished"].append(trial)
        else:
            result["unfinished"].append(trial)
    return result


def _read_stopped(out_dir: str) -> Dict[str, Dict[str, Any]]:
    """Trials ASHA stopped (`stopped.jsonl`), by trial digest."""
    path = os.path.join(out_dir, STOPPED_FILE)
    if not os.path.exists(path):
        return {}
    stopped = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash
            stopped[entry["trial_digest"]] = entry
    return stopped


def _searcher(search, dimensions, current, previous, encoded, seed, metric, mode):
    """The search algorithm: Ray Tune's seeded random draws, or Optuna's TPE with this search's
    finished trials replayed (and its interrupted ones run first)."""
    if search == "random":
        from ray.tune.search import BasicVariantGenerator

        points = [space.encode_values(current, encoded)] if current else None
        return BasicVariantGenerator(random_state=seed, points_to_evaluate=points)
    from ray.tune.search.optuna import OptunaSearch

    points: List[Dict[str, Any]] = []
    for values in ([current] if current else []) + [trial["params"] for trial in previous["unfinished"]]:
        point = space.encode_values(values, encoded)
        if point not in points:  # the config's own trial may be the interrupted one
            points.append(point)
    # A resumed TPE seeded as before would propose its first random (start-up) trials again:
    # its generator is seeded from the seed and the number of trials it is told about.
    import numpy as np

    told = len(previous["finished"])
    sampler_seed = int(np.random.SeedSequence([seed, told]).generate_state(1)[0]) if told else seed
    searcher = OptunaSearch(space=OptunaSearch.convert_search_space(space.to_ray(dimensions)), metric="cv_mean",
                            mode=mode, seed=sampler_seed,
                            points_to_evaluate=points or None)
    for trial in previous["finished"]:
        values = space.encode_values(trial["params"], encoded)
        if trial.get("pruned"):
            searcher.add_evaluated_point(values, math.nan, pruned=True)
        else:
            searcher.add_evaluated_point(values, trial["value"])
    return searcher


def _tune(dimensions, searcher, job, out_dir, num_samples, scheduler, folds, metric, mode, cpus_per_trial,
          gpus_per_trial, max_concurrent, recorder, verbose) -> None:
    if not verbose:
        os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")  # the classic reporter honours verbose=0
    # Tune's own result.json per trial only: its CSV and TensorBoard loggers cannot hold a fold record
    os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")
    from ray import tune
    from ray.tune.logger import JsonLoggerCallback

    from textflix_lib.tuning.trainable import cross_validate

    trainable = tune.with_resources(tune.with_parameters(cross_validate, job=job),
                                    {"cpu": cpus_per_trial, "gpu": gpus_per_trial})
    chosen = None
    if scheduler == "asha":
        from ray.tune.schedulers import ASHAScheduler

        # rungs at 1, 3, 9... folds: a trial's mean over its first k folds against the other
        # trials' means over the same k folds (every trial is scored on the same folds)
        chosen = ASHAScheduler(time_attr="folds_done", metric="cv_mean", mode=mode, max_t=folds, grace_period=1,
                               reduction_factor=3)
    tuner = tune.Tuner(
        trainable,
        # OptunaSearch holds its own space (converted from the same domains)
        param_space={} if type(searcher).__name__ == "OptunaSearch" else space.to_ray(dimensions),
        tune_config=tune.TuneConfig(
            # random search: a given point takes the first sample, so the random draws stay the
            # same with or without the config's own values
            num_samples=num_samples, search_alg=searcher, scheduler=chosen,
            max_concurrent_trials=max_concurrent, reuse_actors=True,
            trial_dirname_creator=lambda trial: f"trial_{trial.trial_id}"),
        run_config=tune.RunConfig(name="ray_tune", storage_path=out_dir, verbose=2 if verbose else 0,
                                  callbacks=[recorder, JsonLoggerCallback()]),
    )
    tuner.fit()


def _recorder(store: ResultStore, outcome: SearchOutcome, version: str, metric: str, progress: bool, folds: int = 0,
              out_dir: str = ""):
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

        def on_trial_complete(self, iteration, trials, trial, **info):
            result = trial.last_result or {}
            record = result.get("fold_record")
            done = result.get("folds_done", 0)
            if isinstance(record, dict) and record.get("status") == OK and folds and done < folds:
                entry = {"trial_digest": record["trial_digest"], "params": record.get("params"), "folds_done": done,
                         "cv_mean": result.get("cv_mean")}
                with open(os.path.join(out_dir, STOPPED_FILE), "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(entry, sort_keys=True) + "\n")
                    handle.flush()
                    os.fsync(handle.fileno())
                if progress:
                    print(f"trial {record['trial_digest'][:8]} stopped by ASHA after {done} of {folds} folds "
                          f"(mean {result.get('cv_mean'):.3f})", flush=True)

        def on_trial_error(self, iteration, trials, trial, **info):
            values = space.plain_values(trial.config, encoded)
            self.outcome.crashed.append({"trial": trial.trial_id, "params": values})
            print(f"trial {trial.trial_id} crashed (its worker died): {json.dumps(values)}", flush=True)

    encoded = outcome.encoded
    return Recorder(store, outcome, version, metric, progress)


def _progress_line(record: Dict[str, Any], metric: str, reused: bool, cv_mean: Any) -> str:
    values = ", ".join(f"{k.split('.')[-1]}={report.format_value(v)}" for k, v in record.get("params", {}).items())
    head = (f"trial {record['trial_digest'][:8]} fold {record['fold'] + 1}/{record['folds']}" if record["folds"]
            else f"trial {record['trial_digest'][:8]} (validation split)")
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


def summary_markdown(config, keys: Sequence[str], outcome: SearchOutcome, folds: int, trials: int, search: str,
                     seed: int, metric: str, mode: str) -> str:
    sign = "+" if mode == "max" else "-"
    lines = [
        f"# allennlp tune: {config.label}",
        "",
        f"- config: `{config.path}`" + (f" with overrides `{config.overrides}`" if config.overrides else ""),
        (f"- {outcome.trials} trials (--trials {trials}, {search} search, seed {seed}), each cross-validated on "
         f"{folds} folds of the config's training data, ranked by the mean of the folds' best validation "
         f"{sign}{metric}" if folds else
         f"- {outcome.trials} trials (--trials {trials}, {search} search, seed {seed}), each trained once and "
         f"scored on the config's validation split, ranked by its best validation {sign}{metric}"),
        f"- folds trained {outcome.folds_trained} ({outcome.folds_failed} failed), taken from folds.jsonl "
        f"{outcome.folds_reused}; trials whose worker died: {len(outcome.crashed)}",
        "",
        report.markdown_table(outcome.rows, keys, limit=20),
    ]
    if outcome.best:
        best = outcome.best
        lines += [f"Best: {', '.join(f'`{k}` = {report.format_value(v)}' for k, v in best['params'].items())}: "
                  f"cross-validated {metric} {report.score_cell(best)} (optimistic: it is the maximum of "
                  f"{sum(r['complete'] for r in outcome.rows)} trials). `best_config.json` is the config to train, or "
                  f"`allennlp train CONFIG -o \"$(cat best_overrides.json)\"`.", ""]
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
