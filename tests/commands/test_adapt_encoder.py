"""`allennlp adapt-encoder`, parsed by its own argument parser and run in this process."""
import argparse
import json

import pytest
from allennlp.common.checks import ConfigurationError

from textflix_lib.commands.adapt_encoder import AdaptEncoder, pool_texts, read_texts
from textflix_lib.data.errors import DataFormatError


def run(*argv):
    parser = argparse.ArgumentParser(prog="allennlp")
    AdaptEncoder().add_subparser(parser.add_subparsers())
    args = parser.parse_args(["adapt-encoder", *argv])
    return args.func(args)


def test_the_default_corpus_is_the_training_pool_without_validation_or_test(split):
    texts = pool_texts()
    assert texts == [review.text for review in split.train]
    held = {review.text for review in split.validation} | {review.text for review in split.test}
    assert not held & set(texts)


def test_adapts_a_jsonl_file_and_refuses_to_overwrite(tiny_bert, split, tmp_path, capsys):
    texts = tmp_path / "reviews.jsonl"
    texts.write_text("".join(json.dumps({"text": r.text, "label": r.label}) + "\n" for r in split.train[:10]))
    out = tmp_path / "adapted"
    args = ("--transformer", str(tiny_bert), "--texts", str(texts), "--output-dir", str(out), "--epochs", "1",
            "--batch-size", "4", "--max-length", "32", "--cuda-device", "-1", "--held-out-fraction", "0.2")
    report = run(*args)
    assert report["texts"] == 10 and report["corpus"] == str(texts) and (out / "model.safetensors").exists()
    assert "held-out masked-LM loss" in capsys.readouterr().out
    with pytest.raises(ConfigurationError, match="already holds an adapted encoder"):
        run(*args)
    assert run(*args, "--force")["texts"] == 10


def test_bad_text_files_name_the_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": 3}\n')
    with pytest.raises(DataFormatError, match=r"bad.jsonl, line 2: field 'text' must be a string"):
        read_texts(str(bad))
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "fine"}\n\n{"text": \n')
    with pytest.raises(DataFormatError, match="broken.jsonl, line 3: is not valid JSON"):
        read_texts(str(broken))
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_texts(str(tmp_path / "missing.jsonl"))
    one = tmp_path / "one.csv"
    one.write_text("text\nonly one review\n")
    with pytest.raises(ConfigurationError, match="1 texts; at least 2"):
        read_texts(str(one))
    unlabelled = tmp_path / "reviews.csv"
    unlabelled.write_text("text,movie\nfirst <br />review,m1\nsecond review,m2\n")
    assert read_texts(str(unlabelled)) == ["first\nreview", "second review"]  # cleaned as the reader cleans (<br /> a line break)
