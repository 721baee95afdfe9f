"""The `word_lime` predictor: LIME over the words of a review (the LIME paper's setting), on the
NB-SVM trained on real reviews (`nbsvm_archive`)."""
import pytest
from allennlp.predictors import Predictor

from textflix_lib.predictors.word_lime import WordLimePredictor

TEXT = "A wonderful, moving film with a brilliant cast. The plot is set in a small town."


@pytest.fixture(scope="module")
def word_lime(nbsvm_archive):
    return Predictor.from_path(str(nbsvm_archive), "word_lime", num_samples=300)


def test_word_lime_explains_words(word_lime):
    assert isinstance(word_lime, WordLimePredictor)
    text = TEXT
    output = word_lime.predict(text)
    assert output["unit"] == "word"
    assert sum(1 for s in output["segments"] if s["weight"] != 0) <= 10
    assert all(text[s["start"]:s["end"]] == s["text"] for s in output["segments"])
    top_words = {h["text"].lower() for h in output["highlights"]}
    assert top_words & {"wonderful", "brilliant", "moving"}


def test_num_features_limits_the_words_with_weights(nbsvm_archive):
    predictor = Predictor.from_path(str(nbsvm_archive), "word_lime", num_samples=300, num_features=3)
    output = predictor.predict(TEXT)
    assert 0 < sum(1 for s in output["segments"] if s["weight"] != 0) <= 3


def test_bag_of_words_gives_every_occurrence_of_a_word_one_weight(nbsvm_archive):
    text = "Brilliant. The cast is brilliant, the plot is dull and the ending is dull."

    def weights(**options):
        predictor = Predictor.from_path(str(nbsvm_archive), "word_lime", num_samples=400, num_features=None, **options)
        segments = predictor.predict(text)["segments"]
        return {w: [s["weight"] for s in segments if s["text"].lower() == w] for w in ("brilliant", "dull")}

    together = weights()
    assert all(len(ws) == 2 and ws[0] == ws[1] for ws in together.values())
    assert together["brilliant"][0] > 0 > together["dull"][0]  # for "pos": the positive word helps
    apart = weights(bow=False)
    assert any(ws[0] != ws[1] for ws in apart.values())  # each occurrence is its own feature


def test_same_input_and_passthrough_as_sentence_lime(word_lime):
    output = word_lime.predict_json({"text": TEXT, "review_id": "r1", "movie_id": None})
    assert output["review_id"] == "r1" and output["movie_id"] is None
    assert output["unit"] == "word" and set(output["probs"]) == {"neg", "pos"}
