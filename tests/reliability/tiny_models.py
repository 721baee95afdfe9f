"""Tiny models built in the tests: a 2-layer BERT (32 wide, a 70-word vocabulary, from a local
config and vocabulary; nothing downloaded) and the configs that train them in seconds."""
import json
import string
from pathlib import Path

import _jsonnet

REPO = Path(__file__).resolve().parents[2]
CONFIGS = REPO / "configs"
WORDS = ("the a an and or but not no is was it this that film movie good bad great awful best worst "
         "love hated boring fun plot acting story i you very too of to in").split()


def make_tiny_bert(directory: Path, layers: int = 2) -> Path:
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    letters = list(string.ascii_lowercase)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *".,!?'", *WORDS, *letters, *("##" + c for c in letters)]
    vocab = list(dict.fromkeys(vocab))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=layers, num_attention_heads=2,
                        intermediate_size=37, max_position_embeddings=64)
    BertModel(config).save_pretrained(directory)
    BertTokenizerFast(vocab_file=str(directory / "vocab.txt"), do_lower_case=True).save_pretrained(directory)
    return directory


def bert_config(transformer: Path, train_jsonl: str, validation_jsonl: str, epochs: int, train_size: int = 24,
                callbacks=()) -> dict:
    """configs/bert.jsonnet with its `local transformer` line pointing at `transformer`,
    sized down: `train_size` reviews of `train_jsonl`, short head/tail, batches of 8,
    one layer a group (so a 2-layer BERT has 4 groups: embeddings, layer 0, layer 1, head)."""
    source = (CONFIGS / "bert.jsonnet").read_text()
    [line] = [line for line in source.splitlines() if line.startswith("local transformer = ")]
    edited = source.replace(line, f"local transformer = {json.dumps(str(transformer))};")
    config = json.loads(_jsonnet.evaluate_snippet(str(CONFIGS / "bert.jsonnet"), edited))
    config["train_data_path"] = train_jsonl
    config["validation_data_path"] = validation_jsonl
    config["dataset_reader"]["train_size"] = train_size
    config["dataset_reader"]["tokenizer"].update(head_tokens=12, tail_tokens=20)
    config["data_loader"]["batch_sampler"]["batch_size"] = 8
    config["trainer"]["num_epochs"] = epochs
    config["trainer"]["optimizer"].update(lr=1e-3, layers_per_group=1)
    config["trainer"]["callbacks"] = config["trainer"].get("callbacks", []) + [{"type": c} for c in callbacks]
    return config


def write_jsonl(path: Path, reviews) -> str:
    with open(path, "w", encoding="utf-8") as handle:
        for review in reviews:
            handle.write(json.dumps({"text": review.text, "label": review.label,
                                     "review_id": review.metadata["review_id"]}) + "\n")
    return str(path)
