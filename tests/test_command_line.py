"""The README's walk-through, end to end through AllenNLP's own command line:
`allennlp train` -> `allennlp evaluate ... test` -> `allennlp predict --predictor sentiment`,
with the plugin found through `.allennlp_plugins` (no --include-package flag)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ALLENNLP = str(Path(sys.executable).parent / "allennlp")


def allennlp(*args, check=True):
    result = subprocess.run([ALLENNLP, *args], cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, "ALLENNLP_LOG_LEVEL": "WARNING"})
    if check and result.returncode != 0:
        raise AssertionError(f"allennlp {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    run = tmp_path_factory.mktemp("cli") / "nbsvm"
    allennlp("train", "configs/nbsvm.jsonnet", "-s", str(run), "-o", json.dumps({"dataset_reader.train_size": 400}))
    return run


@pytest.mark.slow
def test_train_evaluate_predict(trained, reviews_jsonl, tmp_path):
    archive = trained / "model.tar.gz"
    assert archive.exists()
    metrics_file = tmp_path / "test_metrics.json"
    allennlp("evaluate", str(archive), "test", "--output-file", str(metrics_file))
    metrics = json.loads(metrics_file.read_text())
    assert 0.7 < metrics["accuracy"] < 1.0  # 400 training reviews, ~5,000 held-out test reviews

    predictions = tmp_path / "predictions.jsonl"
    allennlp("predict", str(archive), str(reviews_jsonl), "--predictor", "sentiment",
             "--output-file", str(predictions), "--silent", "--batch-size", "16")
    lines = [json.loads(line) for line in predictions.read_text().splitlines()]
    inputs = [json.loads(line) for line in reviews_jsonl.read_text().splitlines()]
    assert len(lines) == len(inputs)
    assert [o["review_id"] for o in lines] == [i["review_id"] for i in inputs]
    assert sum(o["label"] == i["label"] for o, i in zip(lines, inputs)) / len(lines) > 0.6

