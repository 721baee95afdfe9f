import pytest

from textflix_lib.learning_curves import plan

BASE = {"dataset_reader": {"type": "imdb", "seed": 0}, "train_data_path": "train",
        "test_data_path": "test", "model": {"type": "nbsvm"}}


def test_sizes_and_seeds_parse_and_reject_bad_input():
    assert plan.parse_sizes("500, 10,50,10") == [10, 50, 500]
    assert plan.parse_seeds("3") == [0, 1, 2]
    assert plan.parse_seeds("4,1") == [1, 4]
    assert plan.parse_seeds("7,") == [7]
    with pytest.raises(ValueError, match="'ten' is not a whole number"):
        plan.parse_sizes("10,ten")
    with pytest.raises(ValueError, match="at least 2"):
        plan.parse_sizes("1,10")
    with pytest.raises(ValueError, match="--seeds"):
        plan.parse_seeds("0")
    with pytest.raises(ValueError, match="--seeds"):
        plan.parse_seeds("a,b")


def test_config_arguments_name_their_curves():
    assert plan.parse_config_argument("configs/nbsvm.jsonnet") == ("nbsvm", "configs/nbsvm.jsonnet")
    assert plan.parse_config_argument("fast=configs/nbsvm.jsonnet") == ("fast", "configs/nbsvm.jsonnet")
    with pytest.raises(ValueError, match="label"):
        plan.parse_config_argument("=configs/nbsvm.jsonnet")


def test_run_params_set_sample_seeds_and_test_evaluation_without_touching_the_config():
    params = plan.run_params(BASE, 200, 2)
    assert params["dataset_reader"]["train_size"] == 200 and params["dataset_reader"]["seed"] == 2
    assert (params["random_seed"], params["numpy_seed"], params["pytorch_seed"]) == (2, 2, 2)
    assert params["evaluate_on_test"] is True
    assert "train_size" not in BASE["dataset_reader"] and "evaluate_on_test" not in BASE
    with pytest.raises(ValueError, match="test_data_path"):
        plan.run_params({k: v for k, v in BASE.items() if k != "test_data_path"}, 10, 0)


def test_plan_covers_every_run_once_and_refuses_clashing_labels():
    a = plan.Config("a", "a.jsonnet", BASE)
    b = plan.Config("b", "b.jsonnet", {**BASE, "model": {"type": "other"}})
    runs = plan.plan_runs([a, b], [10, 50], [0, 1, 2])
    assert len(runs) == 12 and len({run.key for run in runs}) == 12
    assert runs[0].key == ("a", 10, 0) and runs[-1].size == 50
    assert runs[0].name.replace("\\", "/") == "runs/a/n10-seed0"
    assert a.digest != b.digest  # an edited config is a different config
    with pytest.raises(ValueError, match="share the label a"):
        plan.plan_runs([a, plan.Config("a", "other.jsonnet", BASE)], [10], [0])
