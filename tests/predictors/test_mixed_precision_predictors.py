"""Predictors in the precision a model was trained in: a tiny BERT trained through
configs/mpnet.jsonnet (``trainer.use_amp`` on a CPU) is scored in bfloat16 by the `sentiment`
and `sentence_lime` predictors that `predictor_from_path` (and so the site's precompute and
`allennlp sp-lime`) and `allennlp predict` build, unless told otherwise; a float32 archive stays
in float32."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy
import pytest
import torch


def linear_dtypes(predictor):
    """The dtypes the model's linear layers compute in, collected while the predictor runs."""
    seen = set()
    for module in predictor._model.modules():
        if isinstance(module, torch.nn.Linear):
            module.register_forward_hook(lambda module, args, output: seen.add(output.dtype))
    return seen


def test_an_archive_trained_in_mixed_precision_is_scored_in_it(amp_archive, few_reviews):
    from textflix_lib.predictors.base import predictor_from_path

    texts = [{"text": r.text} for r in few_reviews[:12]]
    mixed = predictor_from_path(amp_archive, "sentiment")
    assert mixed.mixed_precision is True
    mixed_dtypes = linear_dtypes(mixed)
    mixed_outputs = mixed.predict_batch_json(texts)
    assert mixed_dtypes == {torch.bfloat16}

    full = predictor_from_path(amp_archive, "sentiment", predictor_args={"mixed_precision": False})
    assert full.mixed_precision is False
    full_dtypes = linear_dtypes(full)
    full_outputs = full.predict_batch_json(texts)
    assert full_dtypes == {torch.float32}

    mixed_pos = numpy.array([o["probs"]["pos"] for o in mixed_outputs])
    full_pos = numpy.array([o["probs"]["pos"] for o in full_outputs])
    assert numpy.abs(mixed_pos - full_pos).max() < 0.05
    assert not numpy.array_equal(mixed_pos, full_pos)  # bfloat16 rounds: not the float32 numbers
    for output in mixed_outputs:
        assert output["probs"]["pos"] + output["probs"]["neg"] == pytest.approx(1.0, abs=1e-6)
        assert output["label"] == max(output["probs"], key=output["probs"].get)


def test_sentence_lime_explains_in_the_archive_precision(amp_archive, few_reviews):
    from textflix_lib.predictors.base import predictor_from_path

    predictor = predictor_from_path(amp_archive, "sentence_lime", predictor_args={"num_samples": 16})
    dtypes = linear_dtypes(predictor)
    explained = predictor.predict_json({"text": few_reviews[0].text, "review_id": "r0"})
    assert dtypes == {torch.bfloat16}
    assert explained["review_id"] == "r0" and explained["segments"]
    sentiment = predictor_from_path(amp_archive, "sentiment").predict(few_reviews[0].text)
    assert explained["label"] == sentiment["label"]
    assert explained["probability"] == pytest.approx(sentiment["probability"], abs=1e-6)


def test_a_float32_archive_stays_in_float32(nbsvm_archive):
    from textflix_lib.predictors.base import predictor_from_path

    assert predictor_from_path(str(nbsvm_archive), "sentiment").mixed_precision is False


def allennlp_predict(archive, inputs, output, *extra):
    allennlp = str(Path(sys.executable).parent / "allennlp")
    result = subprocess.run([allennlp, "predict", archive, str(inputs), "--predictor", "sentiment", "--output-file",
                             str(output), "--silent", *extra], capture_output=True, text=True,
                            env={**os.environ, "ALLENNLP_LOG_LEVEL": "WARNING"})
    assert result.returncode == 0, result.stderr[-2000:]
    return [json.loads(line)["probs"]["pos"] for line in output.read_text().splitlines()]


def test_allennlp_predict_scores_in_the_archive_precision(amp_archive, few_reviews, tmp_path):
    from textflix_lib.predictors.base import predictor_from_path

    texts = [{"text": r.text} for r in few_reviews[:6]]
    inputs = tmp_path / "six.jsonl"
    inputs.write_text("".join(json.dumps(t) + "\n" for t in texts))
    mixed = [o["probs"]["pos"] for o in predictor_from_path(amp_archive, "sentiment").predict_batch_json(texts)]
    full = [o["probs"]["pos"] for o in predictor_from_path(
        amp_archive, "sentiment", predictor_args={"mixed_precision": False}).predict_batch_json(texts)]
    assert mixed != full

    assert allennlp_predict(amp_archive, inputs, tmp_path / "default.jsonl") == pytest.approx(mixed, abs=1e-6)
    told = allennlp_predict(amp_archive, inputs, tmp_path / "float32.jsonl",
                            "--predictor-args", '{"mixed_precision": false}')
    assert told == pytest.approx(full, abs=1e-6)


def test_predictors_that_are_not_textflix_get_their_arguments_unchanged(amp_archive):
    from allennlp.models.archival import load_archive
    from allennlp.predictors.text_classifier import TextClassifierPredictor

    from textflix_lib.predictors.base import predictor_from_archive

    archive = load_archive(amp_archive)
    assert type(predictor_from_archive(archive, "text_classifier")) is TextClassifierPredictor
    assert type(predictor_from_archive(archive)) is TextClassifierPredictor  # basic_classifier's default


def test_a_default_predictor_follows_the_archive_precision_like_a_named_one(amp_archive, monkeypatch):
    from allennlp.models import BasicClassifier
    from allennlp.models.archival import load_archive

    from textflix_lib.predictors.base import predictor_from_archive
    from textflix_lib.predictors.sentiment import SentimentPredictor

    # a model whose default predictor is textflix's (as NB-SVM's is), trained in mixed precision
    monkeypatch.setattr(BasicClassifier, "default_predictor", "sentiment")
    predictor = predictor_from_archive(load_archive(amp_archive))
    assert type(predictor) is SentimentPredictor and predictor.mixed_precision is True


def test_the_site_explains_an_amp_archive_in_mixed_precision(amp_archive):
    from textflix_lib.site.precompute import Explainer

    assert Explainer({"num_samples": 16}).predictor(amp_archive).mixed_precision is True
    assert Explainer({"num_samples": 16, "mixed_precision": False}).predictor(amp_archive).mixed_precision is False


@pytest.mark.parametrize("config, expected", [
    ({"trainer": {"use_amp": True}}, True),
    ({"trainer": {"use_amp": False}}, False),
    ({"trainer": {"num_epochs": 3}}, False),
    ({"model": {"type": "nbsvm"}}, False),
])
def test_trained_in_mixed_precision_reads_the_trainer(config, expected):
    from textflix_lib.precision import trained_in_mixed_precision

    assert trained_in_mixed_precision(config) is expected
