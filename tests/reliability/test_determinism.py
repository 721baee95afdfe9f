"""The same config and seed, trained twice in a row on this machine, give the same test
metrics and the same weights, bit for bit: NB-SVM, word vectors (fine-tuned GloVe, 2 epochs
on 40 reviews) and the transformer config on a tiny BERT (2 epochs).

What this does not cover (docs/reliability.md): other thread counts, other CPUs or BLAS
builds, GPUs, where floating-point sums may be ordered differently."""
import json

import pytest
import torch

from helpers import train_config
from tiny_models import bert_config, make_tiny_bert, write_jsonl


def train_twice(tmp_path, name, train):
    """Train with `train(directory)` twice; return both metrics and both best weights."""
    runs = []
    for attempt in ("first", "second"):
        directory = tmp_path / f"{name}-{attempt}"
        train(directory)
        metrics = json.loads((directory / "metrics.json").read_text())
        weights = torch.load(directory / "best.th", map_location="cpu")
        runs.append((metrics, weights))
    return runs


def assert_identical(runs):
    (metrics_a, weights_a), (metrics_b, weights_b) = runs
    tested = {k: v for k, v in metrics_a.items() if k.startswith("test_")}
    assert tested, "no test metrics"
    assert tested == {k: v for k, v in metrics_b.items() if k.startswith("test_")}  # exact floats
    same = {k: v for k, v in metrics_a.items() if not any(w in k for w in ("duration", "seconds", "memory", "peak"))}
    assert same == {k: v for k, v in metrics_b.items() if k in same}
    assert list(weights_a) == list(weights_b)
    for name in weights_a:
        assert torch.equal(weights_a[name], weights_b[name]), name


@pytest.fixture(scope="module")
def data(tmp_path_factory, split):
    directory = tmp_path_factory.mktemp("determinism")
    return {"train": write_jsonl(directory / "train.jsonl", split.train[:80]),
            "validation": write_jsonl(directory / "dev.jsonl", split.validation[:30]),
            "test": write_jsonl(directory / "test.jsonl", split.test[:60])}


def overrides(data, train_size, **more):
    return {"train_data_path": data["train"], "validation_data_path": data["validation"],
            "test_data_path": data["test"], "evaluate_on_test": True, "datasets_for_vocab_creation": ["train"],
            "dataset_reader.train_size": train_size, **more}


@pytest.mark.slow
def test_nbsvm_is_reproducible(tmp_path, data):
    runs = train_twice(tmp_path, "nbsvm", lambda d: train_config("nbsvm.jsonnet", d, overrides(data, 60)))
    assert runs[0][0]["test_accuracy"] > 0.5
    assert_identical(runs)


@pytest.mark.slow
def test_word_vectors_are_reproducible(tmp_path, data):
    runs = train_twice(tmp_path, "glove", lambda d: train_config(
        "word_vectors.jsonnet", d, overrides(data, 40, **{"trainer.num_epochs": 2})))
    assert runs[0][0]["training_epochs"] == 2 if "training_epochs" in runs[0][0] else runs[0][0]["epoch"] == 1
    assert_identical(runs)


@pytest.mark.slow
def test_tiny_transformer_is_reproducible(tmp_path, data):
    from allennlp.commands.train import train_model_from_file

    import textflix_lib  # noqa: F401

    tiny = make_tiny_bert(tmp_path / "tiny_bert")
    config = bert_config(tiny, data["train"], data["validation"], epochs=2)
    config.update(test_data_path=data["test"], evaluate_on_test=True)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    runs = train_twice(tmp_path, "bert", lambda d: train_model_from_file(str(path), str(d), force=True))
    assert runs[0][0]["epoch"] == 1
    assert_identical(runs)
