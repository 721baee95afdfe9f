import copy
import json

import pytest

from helpers import CONFIGS
from textflix_lib.learning_curves.configs import load_configs
from textflix_lib.tuning.folds import check_config, config_metric, fold_params, parse_metric, trial_params


@pytest.fixture(scope="module")
def nbsvm():
    [config] = load_configs([str(CONFIGS / "nbsvm.jsonnet")], json.dumps({"dataset_reader.train_size": 30}))
    return config.params


def test_trial_params_set_dotted_keys_on_a_copy(nbsvm):
    params = trial_params(nbsvm, {"model.C": 3.0, "model.classifier": "logreg", "model.new_key": [1]})
    assert params["model"]["C"] == 3.0 and params["model"]["classifier"] == "logreg" and params["model"]["new_key"] == [1]
    assert nbsvm["model"]["C"] == 0.1 and "new_key" not in nbsvm["model"]
    with pytest.raises(ValueError, match="no object at 'nothing'"):
        trial_params(nbsvm, {"nothing.here": 1})


def test_fold_params_validate_on_the_held_out_fold_and_never_test(nbsvm):
    params = fold_params(nbsvm, 5, 2)
    assert params["dataset_reader"] == {**nbsvm["dataset_reader"], "folds": 5, "fold": 2, "held_out": False}
    assert params["validation_dataset_reader"] == {**params["dataset_reader"], "held_out": True}
    assert params["validation_data_path"] == params["train_data_path"] == "train"
    assert "test_data_path" not in params and params["evaluate_on_test"] is False
    assert params["datasets_for_vocab_creation"] == ["train"]
    assert "folds" not in nbsvm["dataset_reader"]  # the base is left alone
    with pytest.raises(ValueError, match="fold 5 of 5"):
        fold_params(nbsvm, 5, 5)


@pytest.mark.parametrize("change, message", [
    ({"dataset_reader": {"type": "imdb_pool", "train_size": 20}}, "dataset_reader is 'imdb_pool'"),
    ({"validation_dataset_reader": {"type": "imdb"}}, "its own validation_dataset_reader"),
    ({"train_data_path": None}, "no train_data_path"),
    ({"distributed": {"cuda_devices": [-1, -1]}}, "remove the config's 'distributed'"),
])
def test_configs_that_cannot_be_cross_validated(nbsvm, change, message):
    with pytest.raises(ValueError, match=message):
        check_config({**nbsvm, **change})


def test_metrics():
    assert parse_metric("+accuracy") == ("accuracy", "max") and parse_metric("-loss") == ("loss", "min")
    assert parse_metric("f1") == ("f1", "max")
    with pytest.raises(ValueError, match="--metric"):
        parse_metric("+")
    assert config_metric({"trainer": {"validation_metric": "-loss"}}) == "-loss"
    assert config_metric({"trainer": {"validation_metric": ["+f1", "-loss"]}}) == "+f1"
    assert config_metric({"trainer": {"type": "one_pass"}}) == config_metric({}) == "+accuracy"


def test_allennlp_reads_the_folds_as_intended(nbsvm, tmp_path):
    """AllenNLP's own wiring (as `allennlp train` builds a run): the training loader holds the
    other folds, the validation loader the held-out fold (half of each class), together they are
    the sample, and no validation or test review is among them."""
    from allennlp.commands.train import TrainModel
    from allennlp.common import Params

    import textflix_lib  # noqa: F401

    from allennlp.data import DatasetReader

    reader = DatasetReader.from_params(Params(copy.deepcopy(nbsvm["dataset_reader"])))
    elsewhere = {i["metadata"]["text"] for split in ("validation", "test") for i in reader.read(split)}
    assert len(elsewhere) > 1000
    texts = {}
    for fold in range(3):
        params = fold_params(nbsvm, 3, fold)
        directory = tmp_path / f"fold{fold}"
        directory.mkdir()
        (directory / "config.json").write_text(json.dumps(params))  # what `allennlp train` writes first
        run = TrainModel.from_params(params=Params(params), serialization_dir=str(directory), local_rank=0)
        train = [i["metadata"]["text"] for i in run.trainer.data_loader.iter_instances()]
        held_out = [i["metadata"]["text"] for i in run.trainer.validation_data_loader.iter_instances()]
        assert len(train) == 20 and len(held_out) == 10 and set(train).isdisjoint(held_out)
        assert elsewhere.isdisjoint(train) and elsewhere.isdisjoint(held_out)  # no validation or test review
        labels = [i["label"].label for i in run.trainer.validation_data_loader.iter_instances()]
        assert sorted(labels.count(label) for label in set(labels)) == [5, 5]  # stratified: 15 + 15 dealt to 3 folds
        texts[fold] = (set(train), set(held_out))
    sample = texts[0][0] | texts[0][1]
    assert len(sample) == 30 and all(train | held == sample for train, held in texts.values())
    assert set.union(*(held for _, held in texts.values())) == sample
