"""`allennlp calibration`, parsed by its own argument parser and run in this process on a real
NB-SVM (the `nbsvm_archive` fixture) with small JSONL splits, its numbers checked against the
sentiment predictor's probabilities; and once through the `allennlp` command line, with the
calibration file then used by `allennlp predict --predictor-args`."""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy
import pytest
from allennlp.common.checks import ConfigurationError
from allennlp.predictors import Predictor

from textflix_lib.algorithms import calibration as cal
from textflix_lib.commands.calibration import Calibration
from textflix_lib.data.imdb import balanced_sample

REPO = Path(__file__).resolve().parents[2]
ALLENNLP = str(Path(sys.executable).parent / "allennlp")


def run(*argv):
    parser = argparse.ArgumentParser(prog="allennlp")
    Calibration().add_subparser(parser.add_subparsers())
    args = parser.parse_args(["calibration", *argv])
    return args.func(args)


def write_jsonl(path, reviews):
    with open(path, "w") as handle:
        for review in reviews:
            handle.write(json.dumps({"text": review.text, "label": review.label}) + "\n")
    return path


@pytest.fixture(scope="module")
def splits(tmp_path_factory, split):
    directory = tmp_path_factory.mktemp("calibration_data")
    return {"validation": write_jsonl(directory / "validation.jsonl", balanced_sample(split.validation, 80, seed=0)),
            "test": write_jsonl(directory / "test.jsonl", balanced_sample(split.test, 60, seed=0))}


def predictor_probs(predictor, path):
    """The sentiment predictor's probabilities (in the model's label order) and label indices."""
    rows = [json.loads(line) for line in Path(path).read_text().splitlines()]
    outputs = predictor.predict_batch_json([{"text": r["text"]} for r in rows])
    probs = numpy.array([[o["probs"][label] for label in predictor.labels] for o in outputs])
    return probs, numpy.array([predictor.labels.index(r["label"]) for r in rows])


def test_calibration_measures_fits_and_stores(nbsvm_archive, splits, tmp_path, capsys):
    out = tmp_path / "out"
    result = run(str(nbsvm_archive), str(splits["test"]), "--validation-data-path", str(splits["validation"]),
                 "--output-dir", str(out), "--bins", "5")
    predictor = Predictor.from_path(str(nbsvm_archive), "sentiment")
    val_probs, val_labels = predictor_probs(predictor, splits["validation"])
    test_probs, test_labels = predictor_probs(predictor, splits["test"])
    # the temperature is the one that minimises the validation NLL of the model's probabilities
    temperature = cal.fit_temperature(val_probs, val_labels)
    assert result["temperature"] == pytest.approx(temperature, rel=1e-4)
    assert cal.negative_log_likelihood(cal.apply_temperature(val_probs, temperature), val_labels) <= \
        cal.negative_log_likelihood(val_probs, val_labels) + 1e-12
    # the numbers on the evaluation data, before and after
    before = result["evaluation"]["before"]
    assert before["examples"] == 60 and len(before["bins"]) == 5
    assert before["ece"] == pytest.approx(cal.expected_calibration_error(test_probs, test_labels, 5), abs=1e-6)
    assert before["brier"] == pytest.approx(cal.brier_score(test_probs, test_labels), abs=1e-6)
    after = result["evaluation"]["after"]
    scaled = cal.apply_temperature(test_probs, temperature)
    assert after["brier"] == pytest.approx(cal.brier_score(scaled, test_labels), abs=1e-5)
    assert after["accuracy"] == before["accuracy"]
    # the files
    stored = json.loads((out / "calibration.json").read_text())
    assert stored["temperature"] == result["temperature"] and stored["labels"] == predictor.labels
    assert stored["fitted_on"] == str(splits["validation"])
    assert json.loads((out / "calibration_metrics.json").read_text())["evaluation"]["before"]["ece"] == before["ece"]
    assert (out / "reliability_diagram.png").read_bytes()[:4] == b"\x89PNG"
    printed = capsys.readouterr().out
    assert "ECE" in printed and f"T = {temperature:.4f}"[:10] in printed
    # and the predictor uses it when asked
    calibrated = Predictor.from_path(str(nbsvm_archive), "sentiment", calibration_file=str(out / "calibration.json"))
    numpy.testing.assert_allclose(predictor_probs(calibrated, splits["test"])[0], scaled, atol=1e-6)


def test_output_defaults_to_the_archive_folder(nbsvm_archive, splits, tmp_path):
    archive = tmp_path / "run" / "model.tar.gz"
    archive.parent.mkdir()
    archive.write_bytes(Path(nbsvm_archive).read_bytes())
    run(str(archive), str(splits["test"]), "--validation-data-path", str(splits["validation"]))
    assert sorted(p.name for p in archive.parent.iterdir()) == [
        "calibration.json", "calibration_metrics.json", "model.tar.gz", "reliability_diagram.png"]


def test_bad_options(nbsvm_archive, splits, tmp_path):
    with pytest.raises(ConfigurationError, match="--bins"):
        run(str(nbsvm_archive), str(splits["test"]), "--bins", "0", "--output-dir", str(tmp_path))
    unlabelled = tmp_path / "unlabelled.jsonl"
    unlabelled.write_text(json.dumps({"text": "A fine film."}) + "\n")
    with pytest.raises(ConfigurationError, match="no labelled reviews"):
        run(str(nbsvm_archive), str(unlabelled), "--validation-data-path", str(splits["validation"]),
            "--output-dir", str(tmp_path))


@pytest.mark.slow
def test_command_line_then_predict_with_the_calibration_file(nbsvm_archive, splits, tmp_path):
    env = {**os.environ, "ALLENNLP_LOG_LEVEL": "WARNING"}
    out = tmp_path / "cal"
    done = subprocess.run([ALLENNLP, "calibration", str(nbsvm_archive), str(splits["test"]), "--validation-data-path",
                           str(splits["validation"]), "--output-dir", str(out)],
                          cwd=REPO, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "temperature T =" in done.stdout
    temperature = json.loads((out / "calibration.json").read_text())["temperature"]
    predictions = {}
    for name, extra in (("plain", []), ("calibrated", ["--predictor-args",
                                                       json.dumps({"calibration_file": str(out / "calibration.json")})])):
        predictions[name] = tmp_path / f"{name}.jsonl"
        done = subprocess.run([ALLENNLP, "predict", str(nbsvm_archive), str(splits["test"]), "--predictor", "sentiment",
                               "--silent", "--output-file", str(predictions[name]), *extra],
                              cwd=REPO, capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr[-3000:]
    plain = [json.loads(line)["probs"] for line in predictions["plain"].read_text().splitlines()]
    calibrated = [json.loads(line)["probs"] for line in predictions["calibrated"].read_text().splitlines()]
    assert len(plain) == len(calibrated) == 60
    for p, c in zip(plain, calibrated):
        expected = cal.apply_temperature(numpy.array([[p["neg"], p["pos"]]]), temperature)[0]
        assert [c["neg"], c["pos"]] == pytest.approx(list(expected), abs=1e-6)
