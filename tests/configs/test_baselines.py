"""configs/word_vectors.jsonnet, cnn.jsonnet and bow_logreg.jsonnet, each trained for two
epochs on 40 real reviews: `allennlp train`, `allennlp evaluate` from the archive, and the
sentiment predictor."""
import pytest
from allennlp.commands.evaluate import evaluate_from_archive
from allennlp.predictors import Predictor

from helpers import train_config

CONFIGS = ["word_vectors.jsonnet", "cnn.jsonnet", "bow_logreg.jsonnet"]


@pytest.fixture(scope="module", params=CONFIGS)
def archive(request, tmp_path_factory, reviews_jsonl):
    import textflix_lib  # noqa: F401

    directory = tmp_path_factory.mktemp(request.param.split(".")[0])
    overrides = {"dataset_reader.train_size": 40, "trainer.num_epochs": 2, "validation_data_path": str(reviews_jsonl)}
    return request.param, train_config(request.param, directory / "run", overrides)


def test_evaluates_and_predicts_from_the_archive(archive, reviews_jsonl, few_reviews):
    config, path = archive
    metrics = evaluate_from_archive(str(path), str(reviews_jsonl))
    assert 0.0 <= metrics["accuracy"] <= 1.0
    predictor = Predictor.from_path(str(path), "sentiment")
    outputs = predictor.predict_batch_json([{"text": r.text, "id": i} for i, r in enumerate(few_reviews[:8])])
    assert [o["id"] for o in outputs] == list(range(8))
    assert all(o["label"] in ("pos", "neg") and sum(o["probs"].values()) == pytest.approx(1.0) for o in outputs)
    # a review shorter than the CNN's filters, and one with no known word
    for text in ("Great.", "qwzxqwzx"):
        assert predictor.predict(text)["label"] in ("pos", "neg")

