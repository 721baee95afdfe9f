import math

import pytest

from textflix_lib.learning_curves import aggregate


def rec(config, size, seed, accuracy, status="ok", seconds=1.0):
    return {"config": config, "size": size, "seed": seed, "status": status,
            "test": {"accuracy": accuracy} if accuracy is not None else {}, "training_seconds": seconds}


def test_mean_and_sample_standard_deviation_per_config_and_size():
    records = [rec("nbsvm", 100, 0, 0.80), rec("nbsvm", 100, 1, 0.90), rec("nbsvm", 100, 2, 1.00, seconds=4.0),
               rec("nbsvm", 10, 0, 0.55), rec("glove", 100, 0, 0.70), rec("glove", 100, 1, 0.74)]
    rows = aggregate.summarize(records)
    assert [(r["config"], r["size"]) for r in rows] == [("nbsvm", 10), ("nbsvm", 100), ("glove", 100)]
    nbsvm100 = rows[1]
    assert nbsvm100["runs"] == 3 and nbsvm100["failed"] == 0
    assert nbsvm100["mean"] == pytest.approx(0.9)
    assert nbsvm100["std"] == pytest.approx(0.1)  # sqrt((0.01 + 0 + 0.01) / (3 - 1))
    assert (nbsvm100["min"], nbsvm100["max"]) == (0.8, 1.0)
    assert nbsvm100["training_seconds"] == pytest.approx(2.0)
    assert rows[0]["mean"] == 0.55 and math.isnan(rows[0]["std"])  # one seed: no spread
    assert rows[2]["std"] == pytest.approx(math.sqrt(2 * 0.02 ** 2))


def test_failed_runs_are_counted_not_averaged_and_the_latest_record_wins():
    records = [rec("cnn", 50, 0, None, status="failed"), rec("cnn", 50, 1, 0.6),
               rec("cnn", 50, 1, 0.7),  # seed 1 rerun: replaces 0.6
               rec("cnn", 10, 0, None, status="failed")]
    rows = {r["size"]: r for r in aggregate.summarize(records)}
    assert rows[50]["runs"] == 1 and rows[50]["failed"] == 1 and rows[50]["mean"] == 0.7
    assert rows[10]["runs"] == 0 and math.isnan(rows[10]["mean"])
    table = aggregate.markdown_table(list(rows.values()))
    assert "| cnn | failed | 0.700 (1 run) |" in table


def test_metric_paths_tables_and_margins_against_textflix():
    assert aggregate.metric_value({"test": {"accuracy": 0.9, "loss": 0.3}}, "test.loss") == 0.3
    assert aggregate.metric_value({"test": {}}, "test.accuracy") is None
    records = [rec("nbsvm", 200, s, a) for s, a in enumerate((0.80, 0.82))] + [rec("nbsvm", 10, 0, 0.50)]
    rows = aggregate.summarize(records)
    table = aggregate.markdown_table(rows, {"Textflix NB-SVM": aggregate.TEXTFLIX_CURVES["Textflix NB-SVM"]})
    assert "| nbsvm | 0.500 (1 run) | 0.810 ± 0.014 |" in table
    assert "| *Textflix NB-SVM* | *0.560* | *0.765* |" in table
    margins = aggregate.margins(rows, "nbsvm", aggregate.TEXTFLIX_CURVES["Textflix NB-SVM"])
    assert margins[200] == pytest.approx(0.81 - 0.765) and margins[10] == pytest.approx(-0.06)
