import json

import pytest
from allennlp.common.checks import ConfigurationError
from allennlp.predictors import Predictor


@pytest.fixture(scope="module")
def predictor(nbsvm_archive):
    return Predictor.from_path(str(nbsvm_archive), "sentiment")


def test_predicts_label_and_probabilities(predictor, few_reviews):
    outputs = predictor.predict_batch_json([{"text": r.text} for r in few_reviews])
    for output in outputs:
        assert set(output["probs"]) == {"pos", "neg"}
        assert output["probs"]["pos"] + output["probs"]["neg"] == pytest.approx(1.0)
        assert output["label"] == max(output["probs"], key=output["probs"].get)
        assert output["probability"] == pytest.approx(output["probs"][output["label"]])
    accuracy = sum(o["label"] == r.label for o, r in zip(outputs, few_reviews)) / len(few_reviews)
    assert accuracy >= 0.6  # 300 training reviews; chance is 0.5


def test_sentence_key_and_passthrough(predictor):
    output = predictor.predict_json({"sentence": "A wonderful, moving film.", "review_id": "r1"})
    assert output["review_id"] == "r1"
    assert output["label"] in ("pos", "neg")


def test_clear_sentiment_goes_the_right_way(predictor):
    good = predictor.predict("One of the best films I have ever seen. Brilliant acting, a great story.")
    bad = predictor.predict("The worst movie ever. Awful acting, boring and a complete waste of time.")
    assert good["probs"]["pos"] > bad["probs"]["pos"]


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "<br /><br />", " &nbsp; "])
def test_empty_text_is_an_error_not_a_confident_prior(predictor, text):
    with pytest.raises(ConfigurationError, match="holds no review text"):
        predictor.predict(text)
    with pytest.raises(ConfigurationError, match="field 'text' holds no review text"):
        predictor.load_line(json.dumps({"text": text}))


@pytest.mark.parametrize("line,message", [
    ('{"txt": "hello"}', "'text'"),
    ('{"text": 3}', "must be a string"),
    ('["text"]', "JSON object"),
])
def test_bad_input_is_named(predictor, line, message):
    with pytest.raises(ConfigurationError, match=message):
        predictor.load_line(line)
