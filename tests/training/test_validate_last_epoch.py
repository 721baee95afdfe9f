"""The `validate_last_epoch` callback: however many epochs a run has, only the last one is
validated (a tiny real model trained by `allennlp train`'s code on 40 real reviews)."""
import json

import pytest
from allennlp.common import Params
from allennlp.training.callbacks import TrainerCallback

import textflix_lib  # noqa: F401  registers the callback
from textflix_lib.training.validate_last_epoch import ValidateLastEpochCallback
from tiny_runs import tiny_config, train


def validated_epochs(run, epochs):
    metrics = [json.loads((run / f"metrics_epoch_{epoch}.json").read_text()) for epoch in range(epochs)]
    return [epoch for epoch, m in enumerate(metrics) if "validation_accuracy" in m]


@pytest.mark.parametrize("epochs", [1, 3])
def test_only_the_last_epoch_is_validated(reviews_jsonl, tmp_path, epochs):
    run = tmp_path / "run"
    train(tiny_config(reviews_jsonl, epochs, callbacks=[{"type": "validate_last_epoch"}]), run)
    assert validated_epochs(run, epochs) == [epochs - 1]
    final = json.loads((run / "metrics.json").read_text())
    assert 0.0 <= final["validation_accuracy"] <= 1.0


def test_without_it_every_epoch_is_validated(reviews_jsonl, tmp_path):
    run = tmp_path / "run"
    train(tiny_config(reviews_jsonl, 3), run)
    assert validated_epochs(run, 3) == [0, 1, 2]


def test_registered_name(tmp_path):
    callback = TrainerCallback.from_params(Params({"type": "validate_last_epoch"}), serialization_dir=str(tmp_path))
    assert isinstance(callback, ValidateLastEpochCallback)
