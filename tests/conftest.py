"""Shared fixtures: a few dozen real reviews and small models trained on them.

Everything is built here from the embedded data; nothing is downloaded.
"""
import json

import _jsonnet
import os
import string
from pathlib import Path

import pytest

from textflix_lib.data.imdb import balanced_sample, embedded_split

REPO = Path(__file__).resolve().parent.parent
CONFIGS = REPO / "configs"


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


def train_config(config: str, serialization_dir, overrides: dict):
    """Train ``configs/<config>`` in this process (one AllenNLP import for the whole session)."""
    from allennlp.commands.train import train_model_from_file

    train_model_from_file(
        str(CONFIGS / config), str(serialization_dir), overrides=json.dumps(overrides), force=True
    )
    return Path(serialization_dir) / "model.tar.gz"


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


TINY_BERT_WORDS = ("the a an and or but not no is was it this that film movie good bad great awful best worst "
                   "love hated boring fun plot acting story i you very too of to in").split()


def make_tiny_bert(directory, layers=3, max_positions=64):
    """A BERT with random weights, 32 wide, `layers` deep, and a 70-word vocabulary (words and
    single letters, so any lowercase text tokenizes), saved as a local Hugging Face model."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    letters = list(string.ascii_lowercase)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *".,!?'", *TINY_BERT_WORDS, *letters,
             *("##" + c for c in letters)]
    vocab = list(dict.fromkeys(vocab))  # "a" and "i" are words and letters
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=layers, num_attention_heads=2,
                        intermediate_size=37, max_position_embeddings=max_positions)
    BertModel(config).save_pretrained(directory)
    BertTokenizerFast(vocab_file=str(directory / "vocab.txt"), do_lower_case=True).save_pretrained(directory)
    return directory


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory):
    """The 3-layer tiny BERT (a local directory; no download)."""
    return make_tiny_bert(tmp_path_factory.mktemp("tiny_bert"), 3)


def transformer_tensors(model_name: str, texts, head_tokens: int = 20, tail_tokens: int = 10):
    """Texts through the `head_tail` tokenizer and the `transformer` indexer: the tensors a
    transformer embedder reads (`token_ids`, `mask`, `type_ids`)."""
    from allennlp.data import Batch, Instance, Vocabulary
    from allennlp.data.fields import TextField

    from textflix_lib.token_indexers.transformer import TransformerIndexer
    from textflix_lib.tokenizers.head_tail import HeadTailTokenizer

    tokenizer = HeadTailTokenizer(model_name, head_tokens=head_tokens, tail_tokens=tail_tokens)
    indexers = {"tokens": TransformerIndexer(model_name)}
    instances = [Instance({"tokens": TextField(tokenizer.tokenize(text), indexers)}) for text in texts]
    batch = Batch(instances)
    batch.index_instances(Vocabulary())
    return batch.as_tensor_dict()["tokens"]["tokens"]


def config_with(config_file: str, transformer: str) -> dict:
    """A config with its one `local transformer = ...` line changed."""
    source = (CONFIGS / config_file).read_text()
    [line] = [line for line in source.splitlines() if line.startswith("local transformer = ")]
    edited = source.replace(line, f"local transformer = {json.dumps(transformer)};")
    return json.loads(_jsonnet.evaluate_snippet(str(CONFIGS / config_file), edited))
