import json

import pytest

from textflix_lib.learning_curves import worker


def test_training_history_is_read_in_epoch_order(tmp_path):
    for epoch, loss in ((10, 0.1), (2, 0.5), (0, 0.9)):
        (tmp_path / f"metrics_epoch_{epoch}.json").write_text(json.dumps(
            {"training_loss": loss, "validation_accuracy": 1 - loss, "training_duration": "0:00:01"}))
    history = worker.read_history(str(tmp_path))
    assert [m["epoch"] for m in history] == [0, 2, 10]
    assert history[0] == {"training_loss": 0.9, "validation_accuracy": pytest.approx(0.1), "epoch": 0}


def test_a_result_keeps_test_and_best_validation_metrics():
    summary = worker.summarize_metrics({
        "best_epoch": 3, "training_epochs": 4, "training_duration": "1 day, 2:03:04.5",
        "test_accuracy": 0.9, "test_loss": 0.2, "best_validation_accuracy": 0.88, "validation_accuracy": 0.8})
    assert summary["test"] == {"accuracy": 0.9, "loss": 0.2}
    assert summary["best_validation"] == {"accuracy": 0.88}
    assert summary["best_epoch"] == 3 and summary["training_epochs"] == 4
    assert worker.summarize_metrics({"epoch": 9, "test_accuracy": 0.5})["training_epochs"] == 10
    assert summary["training_seconds"] == pytest.approx(26 * 3600 + 3 * 60 + 4.5)
    with pytest.raises(RuntimeError, match="no test_ metrics"):
        worker.summarize_metrics({"best_epoch": 0, "validation_accuracy": 0.8})
