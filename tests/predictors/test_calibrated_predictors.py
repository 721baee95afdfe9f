"""Calibrated probabilities when asked: `calibration_file` in the predictors' arguments gives
temperature-scaled probabilities, softmax(log(p) / T), for the model the file was fitted for,
and is refused for any other model (NB-SVM and NB-LR trained on real reviews)."""
import math

import numpy
import pytest
from allennlp.common.checks import ConfigurationError
from allennlp.models.archival import load_archive
from allennlp.predictors import Predictor

from textflix_lib.algorithms.calibration import apply_temperature, save_calibration
from textflix_lib.predictors.scoring import label_names, model_fingerprint, probability_function

TEXTS = ["One of the best films I have ever seen. Brilliant acting, a great story.",
         "The worst movie ever. Awful acting, boring and a complete waste of time.",
         "It was fine. Some scenes worked, others did not."]


@pytest.fixture(scope="module")
def calibration_files(nbsvm_archive, second_archive, tmp_path_factory):
    """A calibration file with T = 2.5 for the NB-SVM, one with T = 0.5 for the NB-LR."""
    directory = tmp_path_factory.mktemp("calibration")
    files = {}
    for name, archive_file, temperature in (("nbsvm", nbsvm_archive, 2.5), ("nblr", second_archive, 0.5)):
        model = load_archive(str(archive_file)).model
        files[name] = str(directory / f"{name}.json")
        save_calibration(files[name], temperature, label_names(model), fingerprint=model_fingerprint(model))
    return files


def test_fingerprint_is_the_same_for_every_load_and_differs_between_models(nbsvm_archive, second_archive):
    first = model_fingerprint(load_archive(str(nbsvm_archive)).model)
    assert first == model_fingerprint(load_archive(str(nbsvm_archive)).model)
    assert first != model_fingerprint(load_archive(str(second_archive)).model)


def test_sentiment_predictor_gives_temperature_scaled_probabilities(nbsvm_archive, calibration_files):
    plain = Predictor.from_path(str(nbsvm_archive), "sentiment")
    calibrated = Predictor.from_path(str(nbsvm_archive), "sentiment",
                                     calibration_file=calibration_files["nbsvm"])
    assert plain.temperature == 1.0 and calibrated.temperature == 2.5
    for text in TEXTS:
        before, after = plain.predict(text), calibrated.predict(text)
        labels = list(before["probs"])
        expected = apply_temperature(numpy.array([[before["probs"][k] for k in labels]]), 2.5)[0]
        assert [after["probs"][k] for k in labels] == pytest.approx(list(expected))
        assert after["label"] == before["label"]
        assert after["probability"] == pytest.approx(after["probs"][after["label"]])
        # two labels: the log-odds divided by T
        assert math.log(after["probs"]["pos"] / after["probs"]["neg"]) == pytest.approx(
            math.log(before["probs"]["pos"] / before["probs"]["neg"]) / 2.5, rel=1e-5)


def test_a_list_of_files_picks_the_one_for_this_model(nbsvm_archive, second_archive, calibration_files):
    both = [calibration_files["nblr"], calibration_files["nbsvm"]]
    assert Predictor.from_path(str(nbsvm_archive), "sentiment", calibration_file=both).temperature == 2.5
    assert Predictor.from_path(str(second_archive), "sentiment", calibration_file=both).temperature == 0.5


def test_another_models_file_is_refused(second_archive, calibration_files):
    with pytest.raises(ConfigurationError, match="no calibration file fits"):
        Predictor.from_path(str(second_archive), "sentiment", calibration_file=calibration_files["nbsvm"])


def test_sentence_lime_explains_calibrated_probabilities(nbsvm_archive, calibration_files):
    plain = Predictor.from_path(str(nbsvm_archive), "sentence_lime")
    calibrated = Predictor.from_path(str(nbsvm_archive), "sentence_lime",
                                     calibration_file=calibration_files["nbsvm"])
    before, after = plain.predict(TEXTS[2]), calibrated.predict(TEXTS[2])
    expected = apply_temperature(numpy.array([[before["probs"]["neg"], before["probs"]["pos"]]]), 2.5)[0]
    assert [after["probs"]["neg"], after["probs"]["pos"]] == pytest.approx(list(expected))
    assert after["label"] == before["label"]
    # log-odds weights of a two-label model scale by 1/T (the same sentences, exactly enumerated)
    for b, a in zip(before["segments"], after["segments"]):
        assert a["weight"] == pytest.approx(b["weight"] / 2.5, abs=1e-6)
    word = Predictor.from_path(str(nbsvm_archive), "word_lime", calibration_file=calibration_files["nbsvm"])
    assert word.predict(TEXTS[2])["probs"]["pos"] == pytest.approx(after["probs"]["pos"])


def test_probability_function_temperature(nbsvm_archive):
    archive = load_archive(str(nbsvm_archive))
    plain = probability_function(archive.model, archive.validation_dataset_reader)(TEXTS)
    scaled = probability_function(archive.model, archive.validation_dataset_reader, temperature=0.7)(TEXTS)
    numpy.testing.assert_allclose(scaled, apply_temperature(plain, 0.7))
