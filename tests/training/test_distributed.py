"""Every config trains under `distributed` on 2 CPU processes (gloo), as a user runs it:
`allennlp train CONFIG -o '{"distributed": {"cuda_devices": [-1, -1]}}'`. NB-SVM gives the
same weights as one process fitting the same reviews; word vectors switch their sparse GloVe
gradients to dense (DDP all-reduces dense ones only); MiniLM-shaped BERT trains with gradual
unfreezing. Each writes a normal archive."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from helpers import CONFIGS, config_with

ALLENNLP = str(Path(sys.executable).parent / "allennlp")
TWO_CPUS = {"distributed": {"cuda_devices": [-1, -1]}}


def train(config, out, overrides):
    result = subprocess.run([ALLENNLP, "train", str(config), "-s", str(out), "-o", json.dumps(overrides)],
                            capture_output=True, text=True, timeout=900,
                            env={**os.environ, "ALLENNLP_LOG_LEVEL": "INFO", "OMP_NUM_THREADS": "1"})
    assert result.returncode == 0, result.stderr[-4000:]
    assert (Path(out) / "model.tar.gz").is_file()
    return result


def weights(out):
    return torch.load(Path(out) / "best.th", map_location="cpu")


@pytest.mark.slow
def test_nbsvm_distributed_fit_equals_one_process(tmp_path):
    small = {"dataset_reader.train_size": 120}
    train(CONFIGS / "nbsvm.jsonnet", tmp_path / "one", small)
    train(CONFIGS / "nbsvm.jsonnet", tmp_path / "two", {**small, **TWO_CPUS})
    one, two = weights(tmp_path / "one"), weights(tmp_path / "two")
    assert one.keys() == two.keys()
    for name in one:
        assert torch.equal(one[name], two[name]), name
    metrics = json.loads((tmp_path / "two" / "metrics.json").read_text())
    assert metrics["training_reviews"] == 120  # every review, gathered from both workers


@pytest.mark.slow
def test_word_vectors_switch_to_dense_gradients(tmp_path):
    result = train(CONFIGS / "word_vectors.jsonnet", tmp_path / "wv",
                   {"dataset_reader.train_size": 40, "trainer.num_epochs": 1, **TWO_CPUS})
    logs = result.stderr + "".join(p.read_text() for p in (tmp_path / "wv").glob("out_worker*.log"))
    assert "sparse gradients switched off under distributed training" in logs


@pytest.mark.slow
def test_tiny_bert_trains_with_gradual_unfreezing(tmp_path, tiny_bert):
    config = tmp_path / "bert.json"
    params = config_with("bert.jsonnet", str(tiny_bert))
    params["dataset_reader"]["tokenizer"].update(head_tokens=12, tail_tokens=20)  # the tiny BERT reads 64
    config.write_text(json.dumps(params))
    # gradual unfreezing leaves the frozen groups without gradients: DDP must be told
    ddp = {"distributed": {**TWO_CPUS["distributed"],
                           "ddp_accelerator": {"type": "torch", "find_unused_parameters": True}}}
    train(config, tmp_path / "bert", {"dataset_reader.train_size": 16, **ddp})
    metrics = json.loads((tmp_path / "bert" / "metrics.json").read_text())
    assert metrics["epoch"] == params["trainer"]["num_epochs"] - 1 and "best_validation_accuracy" in metrics
    workers = "".join(p.read_text() for p in (tmp_path / "bert").glob("out_worker*.log"))
    assert "Gradual unfreezing. Training only the top 1 layers." in workers and "Gradual unfreezing finished" in workers
