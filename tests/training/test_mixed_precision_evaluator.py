"""configs/mpnet.jsonnet's mixed precision on a CPU, on a tiny BERT built here: the trainer's
forward passes and validation run in bfloat16, and `allennlp evaluate` (the `mixed_precision`
evaluator the config names) scores as the trainer validated, where `simple` scores in float32."""
import json

import pytest
import torch

from helpers import tiny_mpnet_config


def test_evaluate_scores_in_the_precision_the_model_was_trained_in(tmp_path, tiny_bert, reviews_jsonl):
    import textflix_lib  # noqa: F401
    from allennlp.commands.evaluate import evaluate_from_archive
    from allennlp.commands.train import train_model_from_file
    from allennlp.data.data_loaders import SimpleDataLoader
    from allennlp.evaluation import Evaluator
    from allennlp.models.archival import load_archive

    from textflix_lib.training.mixed_precision_evaluator import MixedPrecisionEvaluator

    config = tiny_mpnet_config(tiny_bert, reviews_jsonl, num_epochs=2)
    assert config["trainer"]["use_amp"] is True and config["evaluation"] == {"type": "mixed_precision"}
    (tmp_path / "config.json").write_text(json.dumps(config))
    train_model_from_file(str(tmp_path / "config.json"), str(tmp_path / "run"), force=True)
    validated = json.loads((tmp_path / "run" / "metrics.json").read_text())

    archive = load_archive(str(tmp_path / "run" / "model.tar.gz"))
    assert isinstance(Evaluator.from_params(archive.config.get("evaluation").duplicate()), MixedPrecisionEvaluator)
    instances = list(archive.validation_dataset_reader.read(str(reviews_jsonl)))
    seen = []
    linear = next(m for m in archive.model.modules() if isinstance(m, torch.nn.Linear))
    linear.register_forward_hook(lambda module, args, output: seen.append(output.dtype))
    scores = {}
    for name in ("simple", "mixed_precision"):
        loader = SimpleDataLoader(instances, batch_size=64, vocab=archive.model.vocab)
        archive.model.eval()
        scores[name] = Evaluator.by_name(name)(cuda_device=-1)(archive.model, loader)
        scores[name + "_dtypes"], seen[:] = set(seen), []
    assert scores["simple_dtypes"] == {torch.float32} and scores["mixed_precision_dtypes"] == {torch.bfloat16}
    # the trainer validated the last epoch's weights on the same reviews, in bfloat16
    assert scores["mixed_precision"]["loss"] == pytest.approx(validated["validation_loss"], rel=1e-4)
    assert scores["mixed_precision"]["accuracy"] == pytest.approx(validated["validation_accuracy"])
    assert scores["simple"]["loss"] != scores["mixed_precision"]["loss"]

    # `allennlp evaluate` reads the config's evaluator
    metrics = evaluate_from_archive(str(tmp_path / "run" / "model.tar.gz"), str(reviews_jsonl), cuda_device=-1)
    assert metrics["loss"] == pytest.approx(scores["mixed_precision"]["loss"], rel=1e-4)
