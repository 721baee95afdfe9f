"""What every predictor does with its input: pass-through fields unchanged, text cleaned as at
training time with offsets into the text as sent, hostile text accepted or named."""
import json

import pytest
from allennlp.predictors import Predictor

from textflix_lib.data.imdb import clean_review

PASSTHROUGH = {"extra": [1, 2, {"a": None, "b": [None, True, 1.5]}], "id": None, "movie_id": "tt0111161",
               "nested": {"deep": {"deeper": [{}]}}, "unicode": "caf\u00e9 \u2028 \U0001f600"}


@pytest.fixture(scope="module", params=["sentiment", "sentence_lime", "word_lime"])
def predictor(request, nbsvm_archive):
    return Predictor.from_path(str(nbsvm_archive), request.param)


def test_passthrough_fields_come_back_unchanged(predictor):
    output = predictor.predict_json({"text": "A wonderful film. I loved it.", **PASSTHROUGH})
    for key, value in PASSTHROUGH.items():
        assert output[key] == value
    # and through JSON, as `allennlp predict` writes it
    assert json.loads(predictor.dump_line(output))["extra"] == PASSTHROUGH["extra"]


def test_lone_surrogate_is_accepted(predictor):
    line = '{"text": "A great film \\ud800 with a lone surrogate. Awful ending.", "id": "\\udfff"}'
    inputs = predictor.load_line(line)
    output = predictor.predict_json(inputs)
    assert output["label"] in ("pos", "neg") and output["id"] == "\udfff"
    json.loads(predictor.dump_line(output))  # writable as JSON
    for segment in output.get("segments", []):
        assert inputs["text"][segment["start"]:segment["end"]] == segment["text"]


def test_html_residue_is_cleaned_as_in_training(nbsvm_archive):
    sentiment = Predictor.from_path(str(nbsvm_archive), "sentiment")
    raw = "This film is great &amp; moving.<br /><br />The acting &#8212; superb.<br />I loved it."
    assert sentiment.predict(raw)["probs"] == pytest.approx(sentiment.predict(clean_review(raw))["probs"])


@pytest.mark.parametrize("unit", ["sentence_lime", "word_lime"])
def test_explanation_offsets_point_into_the_text_as_sent(nbsvm_archive, unit):
    explainer = Predictor.from_path(str(nbsvm_archive), unit)
    raw = "This film is great &amp; moving.<br /><br />The acting &#8212; superb.<br />I   loved it."
    output = explainer.predict(raw)
    cleaned = explainer.predict(clean_review(raw))
    assert output["probs"] == pytest.approx(cleaned["probs"])
    assert len(output["segments"]) == len(cleaned["segments"]) >= 3
    for segment, plain in zip(output["segments"], cleaned["segments"]):
        assert raw[segment["start"]:segment["end"]] == segment["text"]
        assert clean_review(segment["text"]) == plain["text"]
        assert segment["weight"] == pytest.approx(plain["weight"])
    assert "<br" not in "".join(s["text"] for s in output["segments"])
