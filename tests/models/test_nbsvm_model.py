import json

import pytest
import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import Batch, Vocabulary
from allennlp.models.archival import load_archive
from allennlp.training.util import evaluate
from allennlp.data.data_loaders import SimpleDataLoader

from textflix_lib.models.nbsvm import NbsvmClassifier


@pytest.fixture(scope="module")
def archive(nbsvm_archive):
    return load_archive(str(nbsvm_archive))


def test_archive_round_trip_gives_the_same_predictions(archive, nbsvm_archive, few_reviews):
    again = load_archive(str(nbsvm_archive))
    reader = archive.dataset_reader
    instances = [reader.text_to_instance(r.text) for r in few_reviews[:8]]
    for instance in instances:
        reader.apply_token_indexers(instance)
    out_a = archive.model.forward_on_instances(instances)
    out_b = again.model.forward_on_instances(instances)
    for a, b in zip(out_a, out_b):
        assert a["probs"] == pytest.approx(b["probs"])
    assert torch.count_nonzero(archive.model.weights) > 1000  # it learned n-gram weights


def test_binarized_forward_matches_the_estimator(archive, few_reviews):
    """The torch forward pass and the numpy estimator agree on every margin."""
    model, reader = archive.model, archive.dataset_reader
    instances = [reader.text_to_instance(r.text) for r in few_reviews]
    for instance in instances:
        reader.apply_token_indexers(instance)
    batch = Batch(instances)
    batch.index_instances(model.vocab)
    tensors = batch.as_tensor_dict()
    margin = model(**tensors)["margin"]
    ids = tensors["tokens"]["tokens"]["tokens"]
    oov = model.vocab.get_token_index(model.vocab._oov_token, "tokens")
    expected = torch.stack([model.weights[torch.unique(row[(row > 0) & (row != oov)])].sum() for row in ids])
    assert torch.allclose(margin, expected + model.intercept, atol=1e-5)


def test_evaluates_on_held_out_reviews(archive):
    reader = archive.dataset_reader
    loader = SimpleDataLoader(list(reader.read("test"))[:300], batch_size=64, vocab=archive.model.vocab)
    metrics = evaluate(archive.model, loader)
    assert metrics["accuracy"] > 0.65


def test_needs_two_labels():
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["pos", "neg", "meh"], "labels")
    with pytest.raises(ConfigurationError, match="two labels"):
        NbsvmClassifier(vocab)
