"""Shared fixtures: a few dozen real reviews and small models trained on them.

Everything is built here from the embedded data; nothing is downloaded. Helpers that test
modules import live in `helpers.py` (a module name no other folder's conftest shadows).

Mixed precision computes in bfloat16 in every test, also on CPUs without bfloat16 units (where
``TEXTFLIX_CPU_AMP=auto``, the default, would fall back to float32: tests/test_compat.py tests
that choice), so the bfloat16 code paths are tested on every machine.
"""
import json
import os

import pytest

os.environ["TEXTFLIX_CPU_AMP"] = "bfloat16"

from helpers import make_tiny_bert, tiny_mpnet_config, train_config
from textflix_lib.data.imdb import balanced_sample, embedded_split


@pytest.fixture(scope="session")
def split():
    return embedded_split()


@pytest.fixture(scope="session")
def few_reviews(split):
    """40 real test-split reviews, 20 per class (hash order, so fixed)."""
    return balanced_sample(split.test, 40, seed=0)


@pytest.fixture(scope="session")
def reviews_jsonl(tmp_path_factory, few_reviews):
    """The 40 reviews as predictor input lines ({"text", "label", "review_id"})."""
    path = tmp_path_factory.mktemp("inputs") / "reviews.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for review in few_reviews:
            handle.write(json.dumps({"text": review.text, "label": review.label,
                                     "review_id": review.metadata["review_id"]}) + "\n")
    return path


@pytest.fixture(scope="session")
def nbsvm_archive(tmp_path_factory):
    """NB-SVM trained on 300 embedded reviews (a few seconds)."""
    import textflix_lib  # noqa: F401  registers the components

    directory = tmp_path_factory.mktemp("nbsvm")
    return train_config(
        "nbsvm.jsonnet",
        directory / "run",
        {"dataset_reader.train_size": 300},
    )


@pytest.fixture(scope="session")
def second_archive(tmp_path_factory):
    """NB-LR (NB features, logistic regression) on 150 reviews: a second real model, which
    disagrees with `nbsvm_archive` on some reviews."""
    import textflix_lib  # noqa: F401

    return train_config("nbsvm.jsonnet", tmp_path_factory.mktemp("nblr") / "run",
                        {"dataset_reader.train_size": 150, "model.classifier": "logreg"})


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory):
    """The 3-layer tiny BERT (a local directory; no download)."""
    return make_tiny_bert(tmp_path_factory.mktemp("tiny_bert"), 3)


@pytest.fixture(scope="session")
def amp_archive(tmp_path_factory, tiny_bert, reviews_jsonl):
    """The tiny BERT trained one epoch through configs/mpnet.jsonnet: an archive trained in
    mixed precision (``trainer.use_amp`` on a CPU)."""
    from allennlp.commands.train import train_model_from_file

    import textflix_lib  # noqa: F401

    root = tmp_path_factory.mktemp("amp_archive")
    config = tiny_mpnet_config(tiny_bert, reviews_jsonl, num_epochs=1)
    assert config["trainer"]["use_amp"] is True
    (root / "config.json").write_text(json.dumps(config))
    train_model_from_file(str(root / "config.json"), str(root / "run"), force=True)
    return str(root / "run" / "model.tar.gz")
