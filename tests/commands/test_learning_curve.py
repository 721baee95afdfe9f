"""The `learning-curve` subcommand's own layer: reading configs and arguments, and --report-only
(no training, no Ray). The sweep itself is tested in tests/learning_curves/test_sweep.py."""
import argparse
import json

import pytest
from allennlp.common.checks import ConfigurationError

from textflix_lib.commands.learning_curve import LearningCurve
from textflix_lib.learning_curves.configs import load_configs
from textflix_lib.learning_curves import plan


def cli(*arguments):
    parser = argparse.ArgumentParser()
    LearningCurve().add_subparser(parser.add_subparsers())
    args = parser.parse_args(["learning-curve", *arguments])
    return args.func(args)


def test_configs_without_test_data_are_scored_on_the_held_out_split(tmp_path):
    config = tmp_path / "tiny.jsonnet"
    config.write_text('{dataset_reader: {type: "imdb"}, train_data_path: "train", model: {type: "nbsvm"}}')
    [loaded] = load_configs([str(config)], json.dumps({"model.C": 2.0}))
    assert loaded.label == "tiny" and loaded.params["test_data_path"] == "test"
    assert loaded.params["model"] == {"type": "nbsvm", "C": 2.0}
    [other] = load_configs([f"mine={config}"], "", test_data_path="my_test.jsonl")
    assert other.label == "mine" and other.params["test_data_path"] == "my_test.jsonl"
    assert other.digest != loaded.digest
    [untested] = load_configs([str(config)], "", test_data_path="")
    with pytest.raises(ValueError, match="test_data_path"):
        plan.run_params(untested.params, 10, 0)


def test_bad_arguments_are_refused_before_anything_runs(tmp_path):
    out = str(tmp_path / "out")
    with pytest.raises(ConfigurationError, match="no such config file"):
        cli("configs/missing.jsonnet", "-s", out)
    with pytest.raises(ConfigurationError, match="'ten' is not a whole number"):
        cli("configs/nbsvm.jsonnet", "-s", out, "--sizes", "10,ten")
    with pytest.raises(ConfigurationError, match="at least one CONFIG"):
        cli("-s", out)
    assert not (tmp_path / "out" / "results.jsonl").exists()


def test_report_only_redraws_a_sweep_from_its_results(tmp_path):
    with open(tmp_path / "results.jsonl", "w") as handle:
        for seed, accuracy in enumerate((0.8, 0.84)):
            handle.write(json.dumps({"config": "nbsvm", "size": 200, "seed": seed, "status": "ok",
                                     "test": {"accuracy": accuracy}, "serialization_dir": "runs/x"}) + "\n")
    result = cli("-s", str(tmp_path), "--report-only", "--no-histories")
    assert result["outcome"] is None
    assert [(r["size"], r["runs"], round(r["mean"], 3)) for r in result["rows"]] == [(200, 2, 0.82)]
    assert (tmp_path / "learning_curve.svg").exists() and (tmp_path / "summary.md").exists()
