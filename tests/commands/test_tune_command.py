"""`allennlp tune` end to end on a local Ray (one CPU): NB-SVM on 60 real reviews, 3 folds; the
search resumed with more trials (random search and TPE); the best config trained and tested,
and `best_overrides.json` training the same model again with `allennlp train -o`; a search
scored on the validation split; bad input refused.

The embedded split is made smaller through the reader (2% test, 100 validation reviews), as in
the learning-curve tests; the trials are otherwise what a user's search does."""
import argparse
import json

import pytest
from allennlp.common.checks import ConfigurationError

from helpers import CONFIGS
from textflix_lib.commands.tune import Tune
from textflix_lib.tuning.search import fold_store

SMALL = json.dumps({"dataset_reader.train_size": 60, "dataset_reader.test_percent": 2,
                    "dataset_reader.validation_size": 100})
SPACE = json.dumps({"model.C": {"loguniform": [0.01, 10]}, "model.beta": {"uniform": [0, 1]}})


@pytest.fixture(scope="module")
def local_ray():
    import ray

    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def cli(*arguments):
    parser = argparse.ArgumentParser()
    Tune().add_subparser(parser.add_subparsers())
    args = parser.parse_args(["tune", *arguments])
    return args.func(args)["outcome"]


@pytest.mark.slow
def test_search_resumes_ranks_and_trains_the_best(local_ray, tmp_path):
    out = tmp_path / "tune"
    common = [str(CONFIGS / "nbsvm.jsonnet"), "--space", SPACE, "-s", str(out), "-o", SMALL, "--folds", "3",
              "--search", "random"]

    # the config's own values (C 0.1, beta 0.25) as the first trial, and one draw
    first = cli(*common, "--trials", "2")
    assert (first.trials, first.folds_trained, first.folds_reused, first.folds_failed) == (2, 6, 0, 0)
    records = fold_store(str(out)).read()
    assert len(records) == 6 and records[0]["params"] == {"model.C": 0.1, "model.beta": 0.25}
    [own] = [row for row in first.rows if row["is_config"]]
    assert own["params"] == {"model.C": 0.1, "model.beta": 0.25} and own["complete"]
    for record in records:
        assert record["status"] == "ok" and "test" not in record  # the search never scores the test split
        assert record["history"][0]["training_reviews"] == 40  # two of three folds of the 60 reviews
        assert 0 < record["best_validation"]["accuracy"] <= 1
    assert len({r["worker"]["pid"] for r in records}) == 1  # Tune reused its worker: one AllenNLP import

    # More draws with the same seed: the earlier trials' folds come from folds.jsonl, untrained.
    second = cli(*common, "--trials", "3", "--train-best")
    assert (second.trials, second.folds_trained, second.folds_reused) == (3, 3, 6)
    assert len(fold_store(str(out)).read()) == 9
    ranked = [row for row in second.rows if row["complete"]]
    assert len(ranked) == 3 and ranked[0]["mean"] >= ranked[-1]["mean"] and ranked[0]["rank"] == 1

    best_config = json.loads((out / "best_config.json").read_text())
    assert best_config["model"]["C"] == second.best["params"]["model.C"]
    assert best_config["validation_data_path"] == "validation" and "folds" not in best_config["dataset_reader"]
    assert second.best_run["status"] == "ok" and 0 < second.best_run["test"]["accuracy"] <= 1
    assert (out / "best" / "model.tar.gz").exists()
    summary = (out / "summary.md").read_text()
    assert "| 1" in summary and "**test accuracy" in summary and "The config as it is:" in summary
    assert len((out / "trials.csv").read_text().splitlines()) == 4

    # Without the config's own trial the random draws are the same ones: nothing to train.
    third = cli(*common, "--trials", "2", "--no-baseline")
    assert (third.trials, third.folds_trained, third.folds_reused) == (2, 0, 6)
    assert not any(row["is_config"] for row in third.rows)


@pytest.mark.parametrize("config, search_space, message", [
    ("nbsvm.jsonnet", '{"model.C": {"uniform": [1, 0]}}', "needs low < high"),
    ("nbsvm.jsonnet", '{"model.encoder.width": {"choice": [1]}}', "no object at 'model.encoder'"),
    ("nbsvm.jsonnet", '{"dataset_reader.train_size": {"choice": [10]}}', "may not be searched"),
    ("nbsvm.jsonnet", "no_such_space.jsonnet", "no such search-space file"),
    ("nbsvm.jsonnet", '{"model.C": {"grid": [0.1, 1]}}', "need --search random"),
    ("self_training.jsonnet", '{"model.C": {"uniform": [0, 1]}}', "dataset_reader is 'imdb_pool'"),
])
def test_bad_input_is_refused_before_ray_starts(tmp_path, config, search_space, message):
    with pytest.raises(ConfigurationError, match=message):
        cli(str(CONFIGS / config), "--space", search_space, "-s", str(tmp_path / "out"), "--folds", "3")
    assert not (tmp_path / "out" / "folds.jsonl").exists()


FEW_HUNDRED = json.dumps({"dataset_reader.train_size": 200, "dataset_reader.test_percent": 2,
                          "dataset_reader.validation_size": 100})
# an n-gram range is a list: its choices travel through Ray Tune and Optuna as JSON text
TPE_SPACE = json.dumps({"model.C": {"loguniform": [0.01, 10]}, "model.beta": {"uniform": [0, 1]},
                        "dataset_reader.tokenizer.ngram_range": {"choice": [[1, 1], [1, 2]]}})


@pytest.mark.slow
def test_tpe_search_resumes_and_its_best_overrides_train_the_same_model(local_ray, tmp_path):
    """The issue's tiny search: NB-SVM on 200 reviews, 4 trials, 3 folds, TPE (the default),
    stopped after 2 trials and resumed; then `allennlp train -o "$(cat best_overrides.json)"`."""
    import torch
    from allennlp.models.archival import load_archive

    from helpers import train_config

    out = tmp_path / "tune"
    common = [str(CONFIGS / "nbsvm.jsonnet"), "--space", TPE_SPACE, "-s", str(out), "-o", FEW_HUNDRED,
              "--folds", "3", "--seed", "1"]
    first = cli(*common, "--trials", "2")
    assert (first.trials, first.folds_trained, first.folds_reused) == (2, 6, 0)
    assert first.records[0]["params"] == {"model.C": 0.1, "model.beta": 0.25,
                                          "dataset_reader.tokenizer.ngram_range": [1, 2]}

    # resumed with more trials: the two finished ones are replayed into TPE, not trained again
    second = cli(*common, "--trials", "4", "--train-best")
    assert (second.trials, second.folds_trained, second.folds_reused) == (4, 6, 6)
    records = fold_store(str(out)).read()
    assert len(records) == 12 and len({r["fold_digest"] for r in records}) == 12
    assert len({json.dumps(r["params"], sort_keys=True) for r in records}) == 4
    assert all(r["history"][0]["training_reviews"] in (133, 134) for r in records)  # 2 of 3 folds of 200
    assert all(r["params"]["dataset_reader.tokenizer.ngram_range"] in ([1, 1], [1, 2]) for r in records)

    # the same command again: nothing left to run (Ray is not even started)
    third = cli(*common, "--trials", "4")
    assert (third.trials, third.folds_trained, third.folds_reused) == (4, 0, 12)
    assert third.best["trial"] == second.best["trial"]
    assert len((out / "trials.csv").read_text().splitlines()) == 5

    overrides = json.loads((out / "best_overrides.json").read_text())
    assert overrides["dataset_reader.train_size"] == 200
    assert all(overrides[key] == value for key, value in second.best["params"].items())
    again = train_config("nbsvm.jsonnet", tmp_path / "again", overrides)
    ours = load_archive(str(again)).model.state_dict()
    best = load_archive(str(out / "best" / "model.tar.gz")).model.state_dict()
    assert ours.keys() == best.keys() and len(ours) > 0
    assert all(torch.equal(ours[name], best[name]) for name in ours)


@pytest.mark.slow
def test_without_folds_a_trial_is_scored_on_the_validation_split(local_ray, tmp_path):
    out = tmp_path / "tune"
    outcome = cli(str(CONFIGS / "nbsvm.jsonnet"), "--space", SPACE, "-s", str(out), "-o", SMALL, "--trials", "2",
                  "--search", "random")
    records = fold_store(str(out)).read()
    assert (outcome.trials, outcome.folds_trained) == (2, 2) and len(records) == 2
    for record in records:
        assert record["folds"] == 0 and record["status"] == "ok" and "test" not in record
        assert record["history"][0]["training_reviews"] == 60  # the whole sample trains
        assert 0 < record["best_validation"]["accuracy"] <= 1
    assert all(row["complete"] and len(row["fold_scores"]) == 1 for row in outcome.rows)
    assert "scored on the config's validation split" in (out / "summary.md").read_text()


@pytest.mark.slow
def test_asha_stops_weak_trials_between_folds(local_ray, tmp_path):
    """Random search (seeded) on one CPU runs the trials one after another, so ASHA's decisions
    are the same on every run: after the first fold, a trial whose score is in the lower two
    thirds of the trials that reached that fold is stopped."""
    out = tmp_path / "tune"
    outcome = cli(str(CONFIGS / "nbsvm.jsonnet"), "--space", SPACE, "-s", str(out), "-o", SMALL, "--trials", "6",
                  "--folds", "3", "--search", "random", "--scheduler", "asha")
    stopped = [json.loads(line) for line in (out / "stopped.jsonl").read_text().splitlines()]
    assert stopped and all(entry["folds_done"] < 3 for entry in stopped)
    rows = {row["trial"]: row for row in outcome.rows}
    assert len(rows) == 6 and outcome.folds_trained == 18 - sum(3 - e["folds_done"] for e in stopped)
    for entry in stopped:
        row = rows[entry["trial_digest"]]
        assert not row["complete"] and row["rank"] is None
        assert row["error"] == f"stopped by ASHA after {entry['folds_done']} of 3 folds"
    assert outcome.best is not None and outcome.best["complete"]


def test_asha_needs_folds(tmp_path):
    with pytest.raises(ConfigurationError, match="--scheduler asha stops trials between folds"):
        cli(str(CONFIGS / "nbsvm.jsonnet"), "--space", SPACE, "-s", str(tmp_path / "out"), "--scheduler", "asha")
