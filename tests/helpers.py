"""Helpers shared by test modules: import them with `from helpers import ...` (not from
`conftest`: pytest imports every folder's conftest.py under the same module name, so which one
`from conftest import` finds depends on the order of collection)."""
import json
import string
from pathlib import Path

import _jsonnet

REPO = Path(__file__).resolve().parent.parent
CONFIGS = REPO / "configs"


def train_config(config: str, serialization_dir, overrides: dict):
    """Train ``configs/<config>`` in this process (one AllenNLP import for the whole session)."""
    from allennlp.commands.train import train_model_from_file

    train_model_from_file(
        str(CONFIGS / config), str(serialization_dir), overrides=json.dumps(overrides), force=True
    )
    return Path(serialization_dir) / "model.tar.gz"


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


def tiny_mpnet_config(tiny_bert, reviews_jsonl, num_epochs: int) -> dict:
    """configs/mpnet.jsonnet (mixed precision) on a tiny BERT and a few reviews: 20 of them
    trained on, all validated, 12 + 20 word pieces."""
    config = config_with("mpnet.jsonnet", str(tiny_bert))
    config.update(train_data_path=str(reviews_jsonl), validation_data_path=str(reviews_jsonl))
    config["dataset_reader"]["train_size"] = 20
    config["dataset_reader"]["tokenizer"].update(head_tokens=12, tail_tokens=20)
    config["trainer"]["num_epochs"] = num_epochs
    return config
