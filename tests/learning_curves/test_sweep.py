"""The sweep end to end on a local Ray (one CPU): NB-SVM on a few hundred real reviews, a config
that cannot train, an interruption mid-sweep, and the resume through `allennlp learning-curve`.

To keep it quick the embedded split is made smaller through the reader (2% test, about 500
reviews, and 100 validation reviews); the runs are otherwise what a user's sweep does."""
import argparse
import json
import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from textflix_lib.commands.learning_curve import LearningCurve
from textflix_lib.learning_curves.configs import load_configs
from textflix_lib.learning_curves import plan
from textflix_lib.learning_curves.store import ResultStore
from textflix_lib.learning_curves.sweep import run_sweep

REPO = Path(__file__).resolve().parents[2]
SMALL_SPLIT = json.dumps({"dataset_reader.test_percent": 2, "dataset_reader.validation_size": 100})


@pytest.fixture(scope="module")
def local_ray():
    import ray

    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def cli(*arguments):
    parser = argparse.ArgumentParser()
    LearningCurve().add_subparser(parser.add_subparsers())
    args = parser.parse_args(["learning-curve", *arguments])
    return args.func(args)


def test_interrupted_sweep_resumes_where_it_stopped(local_ray, tmp_path):
    broken = tmp_path / "broken.jsonnet"
    broken.write_text(f'(import "{REPO / "configs" / "nbsvm.jsonnet"}") + {{ model+: {{ type: "no_such_model" }} }}')
    nbsvm = str(REPO / "configs" / "nbsvm.jsonnet")
    out = tmp_path / "sweep"
    arguments = [nbsvm, f"broken={broken}", "-s", str(out), "--sizes", "100,300", "--seeds", "2", "-o", SMALL_SPLIT]

    # Interrupt the driver (as Ctrl-C would) once two runs are recorded: the worker is killed mid-run.
    runs = plan.plan_runs(load_configs([nbsvm, f"broken={broken}"], SMALL_SPLIT), [100, 300], [0, 1])
    assert len(runs) == 8

    def interrupt(record):
        if len(ResultStore(out / "results.jsonl").read()) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(runs, str(out), progress=False, on_record=interrupt)
    first = ResultStore(out / "results.jsonl").read()
    assert [(r["config"], r["size"], r["seed"], r["status"]) for r in first] == [
        ("nbsvm", 100, 0, "ok"), ("broken", 100, 0, "failed")]  # one worker: runs in plan order
    assert "no_such_model" in first[1]["error"]

    # Resume through the subcommand: the recorded success is skipped, the failure retried.
    result = cli(*arguments)
    assert result["outcome"].finished == 7 and result["outcome"].skipped["recorded_ok"] == 1
    records = ResultStore(out / "results.jsonl").read()
    assert len(records) == 9 and len(out.joinpath("results.jsonl").read_text().splitlines()) == 9
    resumed = records[2:]
    assert len({r["worker"]["pid"] for r in resumed}) == 1  # one long-lived worker for all runs
    assert [r["worker"]["run_in_worker"] for r in resumed] == list(range(1, 8))
    ok = [r for r in records if r["status"] == "ok"]
    assert sorted((r["size"], r["seed"]) for r in ok) == [(100, 0), (100, 1), (300, 0), (300, 1)]
    for record in ok:
        assert 0.6 < record["test"]["accuracy"] <= 1.0
        assert record["best_epoch"] == 0 and record["code_version"].startswith("textflix")
        assert record["training_seconds"] >= 0 and record["history"][0]["validation_accuracy"] > 0.5
        run_dir = out / record["serialization_dir"]
        for name in ("model.tar.gz", "metrics.json", "metrics_epoch_0.json", "out.log", "history.png"):
            assert (run_dir / name).exists(), run_dir / name
    assert all(r["status"] == "failed" and "no_such_model" in r["error"] for r in records if r["config"] == "broken")

    rows = {(r["config"], r["size"]): r for r in result["rows"]}
    assert rows[("nbsvm", 300)]["runs"] == 2 and rows[("broken", 300)]["failed"] == 2
    accuracies = [r["test"]["accuracy"] for r in ok if r["size"] == 300]
    assert rows[("nbsvm", 300)]["mean"] == pytest.approx(sum(accuracies) / 2)
    ElementTree.parse(out / "learning_curve.svg")
    assert "| nbsvm |" in (out / "summary.md").read_text()

    # Nothing left to do once failures are let be: no run, no new line.
    again = cli(*arguments, "--skip-failed")
    assert again["outcome"].finished == 0 and again["outcome"].skipped == {
        "recorded_ok": 4, "recorded_failed": 4, "config_changed": 0}
    assert len(out.joinpath("results.jsonl").read_text().splitlines()) == 9


def test_runs_whose_worker_died_are_recorded_as_failed(local_ray, tmp_path):
    """The sweep's collection and lost-run pieces with a real Ray actor that dies mid-sweep."""
    import ray

    from textflix_lib.learning_curves.sweep import SweepOutcome, _collect_results, _Recorder, _submit_runs

    class DiesOnSecondRun:  # defined here so that Ray ships it by value to its worker
        """A worker whose process exits during its second run, as an out-of-memory kill does."""

        def __init__(self):
            self.runs = 0

        def run(self, job):
            self.runs += 1
            if self.runs == 2:
                os._exit(1)
            return {"key": job["key"], "status": "ok", "test": {"accuracy": 0.5}}

    runs = plan.plan_runs(load_configs([str(REPO / "configs" / "nbsvm.jsonnet")], SMALL_SPLIT), [100, 200, 300], [0])
    store = ResultStore(tmp_path / "results.jsonl")
    outcome = SweepOutcome(planned=3, skipped={})
    recorded = []
    recorder = _Recorder(store, outcome, str(tmp_path), "textflix test", recorded.append)
    actor = ray.remote(num_cpus=1, max_restarts=0)(DiesOnSecondRun).remote()
    pool, waiting = _submit_runs([actor], runs, str(tmp_path), [])
    crashes = _collect_results(pool, waiting, recorder, progress=False)
    assert [r["size"] for r in recorded] == [100] and outcome.finished == 1
    # the second run killed the only worker, and the third never came back either
    assert crashes and all(c.startswith(("RayActorError", "ActorDiedError")) for c in crashes)
    assert sorted(spec.size for spec in waiting.values()) == [200, 300]
    for spec in waiting.values():
        recorder.lost(spec, crashes[0])
    records = store.read()
    assert [(r["size"], r["status"]) for r in records] == [(100, "ok"), (200, "failed"), (300, "failed")]
    assert all(r["error"].startswith("the worker process died: ") for r in records[1:])
    assert (outcome.finished, outcome.failed, len(outcome.records)) == (1, 2, 3)
    assert len(recorded) == 1  # on_record hears of finished runs only, as before


@pytest.mark.slow
def test_tuned_overrides_apply_to_the_runs_of_their_size(local_ray, tmp_path):
    """`--tuned SIZE=FILE`: the runs of that size train with the file's settings (here a
    `best_overrides.json` as `allennlp tune` writes it, with its search's sample size), the
    other sizes with the config's own; both are one curve."""
    tuned = tmp_path / "best_overrides.json"
    tuned.write_text(json.dumps({"dataset_reader.train_size": 40, "model.C": 3.5, "model.beta": 0.8}))
    out = tmp_path / "curve"
    result = cli(str(REPO / "configs" / "nbsvm.jsonnet"), "-s", str(out), "--sizes", "40,60", "--seeds", "1",
                 "-o", SMALL_SPLIT, "--tuned", f"40={tuned}", "--no-histories")
    assert result["outcome"].failed == 0 and result["outcome"].finished == 2
    model = {size: json.loads((out / "runs" / "nbsvm" / f"n{size}-seed0" / "config.json").read_text())["model"]
             for size in (40, 60)}
    assert (model[40]["C"], model[40]["beta"]) == (3.5, 0.8)
    assert (model[60]["C"], model[60]["beta"]) == (0.1, 0.25)  # the config's own
    records = {r["size"]: r for r in result["outcome"].records}
    assert records[40]["overrides"]["tuned"] == {"model.C": 3.5, "model.beta": 0.8}
    assert [row["size"] for row in result["rows"]] == [40, 60]  # one curve


def test_tuned_overrides_are_checked_before_anything_runs(tmp_path):
    tuned = tmp_path / "best_overrides.json"
    tuned.write_text(json.dumps({"dataset_reader.train_size": 500, "model.C": 3.5}))
    mapping = tmp_path / "tuned.json"
    mapping.write_text(json.dumps({"40": "best_overrides.json"}))
    configs = load_configs([str(REPO / "configs" / "nbsvm.jsonnet")], SMALL_SPLIT)
    with pytest.raises(ValueError, match="tuned at dataset_reader.train_size 500, not 40"):
        plan.read_tuned([str(mapping)])
    with pytest.raises(ValueError, match="no such overrides file"):
        plan.read_tuned([f"40={tmp_path / 'missing.json'}"])
    tuned.write_text(json.dumps({"model.nothing.C": 1}))
    with pytest.raises(ValueError, match="no object at 'nothing'"):
        plan.plan_runs(configs, [40], [0], plan.read_tuned([str(mapping)]))
    with pytest.raises(ValueError, match="sizes 50 are not among --sizes 40"):
        plan.plan_runs(configs, [40], [0], plan.read_tuned([f"50={tuned}"]))
