"""The `one_pass` trainer: a closed-form model (NB-SVM) gets every training batch once, and the
run leaves the files of any AllenNLP run (through `allennlp train`: the `nbsvm_archive`
fixture; and built by hand on a few real reviews)."""
import json

import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.data import Vocabulary
from allennlp.data.data_loaders import SimpleDataLoader
from allennlp.models import Model
from allennlp.training import Trainer

from textflix_lib.dataset_readers.imdb import ImdbReader
from textflix_lib.models.nbsvm import NbsvmClassifier
from textflix_lib.tokenizers.sentiment_ngrams import SentimentNgramTokenizer
from textflix_lib.training.one_pass_trainer import OnePassTrainer


def test_one_pass_training_writes_the_usual_files(nbsvm_archive):
    run = nbsvm_archive.parent
    for name in ("best.th", "config.json", "metrics.json", "metrics_epoch_0.json", "vocabulary"):
        assert (run / name).exists(), name
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["training_reviews"] == 300
    assert 0.6 < metrics["validation_accuracy"] <= 1.0


def test_one_pass_trainer_refuses_gradient_models(tmp_path):
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["pos", "neg"], "labels")
    model = Model.from_params(vocab=vocab, params=Params({
        "type": "basic_classifier",
        "text_field_embedder": {"token_embedders": {"tokens": {"type": "embedding", "embedding_dim": 2, "vocab_namespace": "labels"}}},
        "seq2vec_encoder": {"type": "boe", "embedding_dim": 2}}))
    with pytest.raises(ConfigurationError, match="fit_batches"):
        OnePassTrainer(model, str(tmp_path), data_loader=None)


@pytest.fixture
def instances(few_reviews):
    """Fresh each time: a data loader indexes its instances, which a vocabulary then skips."""
    reader = ImdbReader(tokenizer=SentimentNgramTokenizer())
    instances = [reader.text_to_instance(r.text, r.label) for r in few_reviews]
    for instance in instances:
        reader.apply_token_indexers(instance)
    return instances


def test_fits_once_and_saves_what_it_fitted(instances, tmp_path):
    train, validation = instances[::2], instances[1::2]
    vocab = Vocabulary.from_instances(train)
    model = NbsvmClassifier(vocab)
    loader = SimpleDataLoader(train, batch_size=7, vocab=vocab)
    trainer = Trainer.from_params(Params({"type": "one_pass"}), model=model, serialization_dir=str(tmp_path),
                                  data_loader=loader,
                                  validation_data_loader=SimpleDataLoader(validation, batch_size=7, vocab=vocab))
    assert isinstance(trainer, OnePassTrainer)
    metrics = trainer.train()
    # every training review was seen once, in three batches (7 + 7 + 6)
    assert metrics["training_reviews"] == 20 and metrics["training_accuracy"] == 1.0
    assert 0.0 <= metrics["validation_accuracy"] <= 1.0
    assert metrics["best_validation_accuracy"] == metrics["validation_accuracy"]
    assert (metrics["best_epoch"], metrics["epoch"], metrics["training_epochs"]) == (0, 0, 0)
    assert json.loads((tmp_path / "metrics_epoch_0.json").read_text()) == pytest.approx(metrics)
    # best.th holds the fitted weights
    assert trainer.get_best_weights_path() == str(tmp_path / "best.th")
    assert trainer.get_checkpoint_state() is None
    fresh = NbsvmClassifier(vocab)
    fresh.load_state_dict(torch.load(tmp_path / "best.th"))
    assert torch.count_nonzero(fresh.weights) > 100
    assert torch.equal(fresh.weights, model.weights) and torch.equal(fresh.intercept, model.intercept)


def test_without_validation_data_it_reports_training_only(instances, tmp_path):
    vocab = Vocabulary.from_instances(instances)
    trainer = OnePassTrainer(NbsvmClassifier(vocab), str(tmp_path), SimpleDataLoader(instances, 40, vocab=vocab))
    metrics = trainer.train()
    assert metrics["training_reviews"] == 40
    assert not any(key.startswith(("validation_", "best_validation_")) for key in metrics)
