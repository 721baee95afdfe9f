import json
import os
import subprocess
import sys
from pathlib import Path

import math

import pytest
from allennlp.common.checks import ConfigurationError
from allennlp.predictors import Predictor

PLOT = ("The story follows a retired teacher who moves to a small town in Maine. "
        "Her brother runs the hardware store on the main street. "
        "In the second half she starts to write letters to an old friend. "
        "The film was shot in the autumn of 1998.")


def logit(p):
    return math.log(p) - math.log1p(-p)


@pytest.fixture(scope="module")
def sentence_lime(nbsvm_archive):
    return Predictor.from_path(str(nbsvm_archive), "sentence_lime")


@pytest.fixture(scope="module")
def sentiment(nbsvm_archive):
    return Predictor.from_path(str(nbsvm_archive), "sentiment")


@pytest.mark.parametrize("opinion,label", [
    ("I loved it: a great, beautiful and excellent film, one of the best of the year.", "pos"),
    ("This is one of the worst films I have ever seen: boring, awful, terrible acting and a waste of time.", "neg"),
])
def test_the_sentence_with_the_sentiment_comes_out_on_top(sentence_lime, opinion, label):
    sentences = PLOT.split(". ")
    text = ". ".join(sentences[:2]) + ". " + opinion + " " + ". ".join(sentences[2:])
    output = sentence_lime.predict(text)
    assert output["label"] == label
    assert output["num_features"] == 5 and output["exact"]
    assert output["highlights"][0]["text"] == opinion
    top = output["highlights"][0]
    assert top["weight"] > 0 and top["weight"] == max(s["weight"] for s in output["segments"])
    # toward "pos": the sign says which way a sentence pushes
    assert (top["positive_weight"] > 0) == (label == "pos")


def test_output_matches_the_model_and_the_text(sentence_lime, sentiment, few_reviews):
    for review in few_reviews[:4]:
        output = sentence_lime.predict_json({"text": review.text, "review_id": "r"})
        plain = sentiment.predict(review.text)
        assert output["review_id"] == "r"
        assert output["label"] == plain["label"]
        assert output["probability"] == pytest.approx(plain["probability"], abs=1e-6)
        for segment in output["segments"]:
            assert review.text[segment["start"]:segment["end"]] == segment["text"]
        # the surrogate: intercept + sum of weights approximates the model's log-odds
        assert output["target"] == "log_odds"
        local = output["intercept"] + sum(s["weight"] for s in output["segments"])
        if output["fit_r2"] > 0.9:
            assert local == pytest.approx(logit(output["probability"]), abs=0.5)
        assert 0 < output["model_calls"] <= 256


def test_short_and_empty_reviews(sentence_lime, sentiment, nbsvm_archive):
    sentence_lime_archive = nbsvm_archive
    for empty in ("", "  \n ", "<br /><br />"):
        with pytest.raises(ConfigurationError, match="holds no review text"):
            sentence_lime.predict(empty)
    one = sentence_lime.predict("A wonderful film.")
    assert len(one["segments"]) == 1 and one["model_calls"] == 2
    # one sentence: its weight is the whole change (in log-odds) from nothing to the review
    nothing = {"probs": dict(zip(sentence_lime.labels, sentence_lime.explainer.scorer([""])[0]))}
    change = logit(one["probability"]) - logit(nothing["probs"][one["label"]])
    assert one["segments"][0]["weight"] == pytest.approx(change, abs=1e-5)
    in_probability = Predictor.from_path(str(sentence_lime_archive), "sentence_lime", target="probability")
    assert in_probability.predict("A wonderful film.")["segments"][0]["weight"] == pytest.approx(
        one["probability"] - nothing["probs"][one["label"]], abs=1e-6)


def test_options_and_bad_input(nbsvm_archive):
    predictor = Predictor.from_path(str(nbsvm_archive), "sentence_lime", num_samples=16, top_k=1, batch_size=4)
    output = predictor.predict(PLOT + " Great fun. Awful ending. Some music.")
    assert len(output["highlights"]) == 1 and not output["exact"] and output["model_calls"] <= 16
    with pytest.raises(ConfigurationError, match="mode must be one of"):
        Predictor.from_path(str(nbsvm_archive), "sentence_lime", mode="erase")
    with pytest.raises(ConfigurationError, match="'text'"):
        predictor.load_line('{"review": "no text field"}')


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """A 2-layer BERT (hidden 32) with a 100-odd word vocabulary: random weights, real code."""
    transformers = pytest.importorskip("transformers")
    directory = tmp_path_factory.mktemp("tiny_bert")
    words = sorted(set((PLOT + " great awful film wonderful boring the a of").lower().replace(".", " ").replace(":", " ").split()))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", ":"] + words
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n")
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2,
                                     num_attention_heads=2, intermediate_size=37, max_position_embeddings=128)
    transformers.BertModel(config).save_pretrained(directory)
    transformers.BertTokenizer(str(directory / "vocab.txt")).save_pretrained(directory)
    return str(directory)


def test_transformer_classifier(tiny_bert):
    import torch
    from allennlp.data import Vocabulary
    from allennlp.data.token_indexers import PretrainedTransformerIndexer
    from allennlp.data.tokenizers import PretrainedTransformerTokenizer
    from allennlp.models import BasicClassifier
    from allennlp.modules.seq2vec_encoders import ClsPooler
    from allennlp.modules.text_field_embedders import BasicTextFieldEmbedder
    from allennlp.modules.token_embedders import PretrainedTransformerEmbedder

    from textflix_lib.dataset_readers.imdb import ImdbReader
    from textflix_lib.predictors.sentence_lime import SentenceLimePredictor

    torch.manual_seed(0)
    reader = ImdbReader(tokenizer=PretrainedTransformerTokenizer(tiny_bert, max_length=64),
                        token_indexers={"tokens": PretrainedTransformerIndexer(tiny_bert, max_length=64)},
                        include_metadata=False)
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["neg", "pos"], "labels")
    embedder = BasicTextFieldEmbedder({"tokens": PretrainedTransformerEmbedder(tiny_bert)})
    model = BasicClassifier(vocab, embedder, ClsPooler(32), namespace="tags")
    predictor = SentenceLimePredictor(model, reader, batch_size=5)
    calls = []
    original = predictor.explainer.scorer.predict_texts
    predictor.explainer.scorer.predict_texts = lambda texts: (calls.append(list(texts)), original(texts))[1]
    output = predictor.predict(PLOT + " A great film.")
    assert output["exact"] and output["model_calls"] == 2 ** 5 and len(calls) == 7  # 32 texts, batches of 5
    assert all(len(b) <= 5 for b in calls)
    lengths = [len(t) for batch in calls for t in batch]
    assert lengths == sorted(lengths, reverse=True)
    full = predictor.explainer.scorer([PLOT + " A great film."])[0]
    assert output["probs"][output["label"]] == pytest.approx(max(full))
    assert all(isinstance(s["weight"], float) for s in output["segments"])


@pytest.mark.slow
def test_allennlp_predict_command(nbsvm_archive, reviews_jsonl, tmp_path):
    """`allennlp predict ... --predictor sentence_lime` through the real command line."""
    lines = reviews_jsonl.read_text().splitlines()[:3]
    inputs = tmp_path / "three.jsonl"
    inputs.write_text("\n".join(lines) + "\n")
    output = tmp_path / "explanations.jsonl"
    allennlp = str(Path(sys.executable).parent / "allennlp")
    result = subprocess.run([allennlp, "predict", str(nbsvm_archive), str(inputs), "--predictor", "sentence_lime",
                             "--output-file", str(output), "--silent", "--predictor-args", '{"num_samples": 64}'],
                            capture_output=True, text=True, env={**os.environ, "ALLENNLP_LOG_LEVEL": "WARNING"})
    assert result.returncode == 0, result.stderr[-2000:]
    explanations = [json.loads(line) for line in output.read_text().splitlines()]
    assert len(explanations) == 3
    for line, explanation in zip(lines, explanations):
        source = json.loads(line)
        assert explanation["review_id"] == source["review_id"]
        assert all(source["text"][s["start"]:s["end"]] == s["text"] for s in explanation["segments"])
