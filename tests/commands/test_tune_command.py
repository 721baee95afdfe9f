"""`allennlp tune` end to end on a local Ray (one CPU): NB-SVM on 60 real reviews, 3 folds; the
search resumed with more draws; the best config trained and tested; bad input refused.

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
    common = [str(CONFIGS / "nbsvm.jsonnet"), SPACE, "-s", str(out), "-o", SMALL, "--folds", "3"]

    # one draw, and the config's own values (C 0.1, beta 0.25) as the first trial
    first = cli(*common, "--samples", "1")
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
    second = cli(*common, "--samples", "2", "--train-best")
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
    third = cli(*common, "--samples", "2", "--no-baseline")
    assert (third.trials, third.folds_trained, third.folds_reused) == (2, 0, 6)
    assert not any(row["is_config"] for row in third.rows)


@pytest.mark.parametrize("config, search_space, message", [
    ("nbsvm.jsonnet", '{"model.C": {"uniform": [1, 0]}}', "needs low < high"),
    ("nbsvm.jsonnet", '{"model.encoder.width": {"choice": [1]}}', "no object at 'model.encoder'"),
    ("nbsvm.jsonnet", '{"dataset_reader.train_size": {"choice": [10]}}', "may not be searched"),
    ("nbsvm.jsonnet", "no_such_space.jsonnet", "no such search-space file"),
    ("self_training.jsonnet", '{"model.C": {"uniform": [0, 1]}}', "dataset_reader is 'imdb_pool'"),
])
def test_bad_input_is_refused_before_ray_starts(tmp_path, config, search_space, message):
    with pytest.raises(ConfigurationError, match=message):
        cli(str(CONFIGS / config), search_space, "-s", str(tmp_path / "out"))
    assert not (tmp_path / "out" / "folds.jsonl").exists()
