"""`allennlp behaviour` on two real models (NB-SVM and NB-LR trained on embedded reviews: the
`nbsvm_archive` and `second_archive` fixtures), run in this process through its own argument
parser, its verdicts checked against the sentiment predictor; and once through the `allennlp`
command line."""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from allennlp.common.checks import ConfigurationError
from allennlp.predictors import Predictor

from textflix_lib.algorithms.behaviour import build_tests, load_suite
from textflix_lib.commands.behaviour import Behaviour

REPO = Path(__file__).resolve().parents[2]
ALLENNLP = str(Path(sys.executable).parent / "allennlp")


def run(*argv):
    parser = argparse.ArgumentParser(prog="allennlp")
    Behaviour().add_subparser(parser.add_subparsers())
    args = parser.parse_args(["behaviour", *argv])
    return args.func(args)


@pytest.fixture(scope="module")
def report(nbsvm_archive, second_archive, tmp_path_factory):
    out = tmp_path_factory.mktemp("behaviour")
    result = run(str(nbsvm_archive), str(second_archive), "--names", "nbsvm", "nblr", "--output-dir", str(out),
                 "--cases", "40", "--reviews", "4", "--seed", "2")
    return out, result


def test_report_files_and_shape(report):
    out, result = report
    assert list(result["models"]) == ["nbsvm", "nblr"]
    assert json.loads((out / "behaviour.json").read_text()) == json.loads(json.dumps(result))
    suite = load_suite()
    for model in result["models"].values():
        assert [t["name"] for t in model["tests"]] == [t["name"] for t in suite["tests"]]
        for test in model["tests"]:
            assert 0 <= test["failures"] <= test["cases"]
            assert test["failure_rate"] == pytest.approx(test["failures"] / test["cases"])
            assert len(test["examples"]) == min(3, test["failures"])
            if test["type"] != "MFT" and "review" in test["by_source"]:
                assert test["by_source"]["review"]["cases"] == 4
    markdown = (out / "behaviour.md").read_text()
    assert "This movie was not good at all." in markdown
    assert "I did not like it, and I will never watch it again." in markdown
    assert "| negated positive | MFT | negation |" in markdown


def test_verdicts_agree_with_the_sentiment_predictor(report, nbsvm_archive):
    _, result = report
    predictor = Predictor.from_path(str(nbsvm_archive), "sentiment")
    tests = {t.name: t for t in build_tests(load_suite(), cases=40, seed=2)}
    for test in result["models"]["nbsvm"]["tests"]:
        if test["type"] != "MFT":
            continue
        cases = tests[test["name"]].cases
        outputs = predictor.predict_batch_json([{"text": c.texts[0]} for c in cases])
        assert test["failures"] == sum(o["label"] != c.label for o, c in zip(outputs, cases)), test["name"]
    for probe in result["models"]["nbsvm"]["probes"]:
        output = predictor.predict(probe["text"])
        assert probe["p_positive"] == pytest.approx(output["probs"]["pos"], abs=1e-6)
        assert probe["passed"] == (output["label"] == probe["expected"])
    for test in result["models"]["nbsvm"]["tests"]:
        for example in test["examples"]:
            if test["type"] == "DIR":
                before, after = (predictor.predict(example[k])["probs"]["pos"] for k in ("original", "perturbed"))
                assert (after - before) == pytest.approx(example["change"], abs=1e-6)


def test_terminal_table(report, nbsvm_archive, tmp_path, capsys):
    run(str(nbsvm_archive), "--output-dir", str(tmp_path), "--cases", "10", "--reviews", "0")
    printed = capsys.readouterr().out
    assert "negated positive" in printed and "failure" in printed and "probes:" in printed
    assert "This movie was not good at all." in printed


def test_bad_options(nbsvm_archive, tmp_path):
    with pytest.raises(ConfigurationError, match="2 archives"):
        run(str(nbsvm_archive), str(nbsvm_archive), "--names", "a", "--output-dir", str(tmp_path))
    with pytest.raises(ConfigurationError, match="must differ"):
        run(str(nbsvm_archive), str(nbsvm_archive), "--names", "a", "a", "--output-dir", str(tmp_path))
    with pytest.raises(ConfigurationError, match="--cases"):
        run(str(nbsvm_archive), "--cases", "0", "--output-dir", str(tmp_path))
    with pytest.raises(ConfigurationError, match="not one of the model's labels"):
        run(str(nbsvm_archive), "--positive-label", "good", "--cases", "2", "--output-dir", str(tmp_path))
    bad = tmp_path / "suite.json"
    bad.write_text(json.dumps({"lexicons": {}, "tests": [{"name": "x", "type": "MFT",
                                                          "templates": [{"text": "{nope}", "label": "pos"}]}]}))
    with pytest.raises(ConfigurationError, match="no lexicon"):
        run(str(nbsvm_archive), "--suite", str(bad), "--output-dir", str(tmp_path))


@pytest.mark.slow
def test_command_line(nbsvm_archive, second_archive, tmp_path):
    done = subprocess.run([ALLENNLP, "behaviour", str(nbsvm_archive), str(second_archive), "--output-dir", str(tmp_path),
                           "--cases", "20", "--reviews", "2"],
                          cwd=REPO, capture_output=True, text=True, env={**os.environ, "ALLENNLP_LOG_LEVEL": "WARNING"})
    assert done.returncode == 0, done.stderr[-3000:]
    # both archives are called model.tar.gz in folders named "run": the names fall back to the paths
    assert done.stdout.count("== ") == 2 and "negated negative" in done.stdout
    models = json.loads((tmp_path / "behaviour.json").read_text())["models"]
    assert list(models) == [str(nbsvm_archive), str(second_archive)]


def test_calibrated_probabilities(nbsvm_archive, report, tmp_path):
    from allennlp.models.archival import load_archive

    from textflix_lib.algorithms.calibration import apply_temperature, save_calibration
    from textflix_lib.predictors.scoring import label_names, model_fingerprint

    model = load_archive(str(nbsvm_archive)).model
    calibration = tmp_path / "calibration.json"
    save_calibration(str(calibration), 3.0, label_names(model), fingerprint=model_fingerprint(model))
    result = run(str(nbsvm_archive), "--names", "nbsvm", "--output-dir", str(tmp_path / "out"), "--cases", "40",
                 "--reviews", "4", "--seed", "2", "--calibration-file", str(calibration))
    calibrated, plain = result["models"]["nbsvm"], report[1]["models"]["nbsvm"]
    assert calibrated["temperature"] == 3.0
    pos = label_names(model).index("pos")
    for before, after in zip(plain["probes"], calibrated["probes"]):
        probs = [0.0, 0.0]
        probs[pos], probs[1 - pos] = before["p_positive"], 1 - before["p_positive"]
        assert after["p_positive"] == pytest.approx(apply_temperature([probs], 3.0)[0][pos], abs=1e-6)
    # labels do not change: the MFT and INV verdicts are the same
    for before, after in zip(plain["tests"], calibrated["tests"]):
        if before["type"] != "DIR":
            assert before["failures"] == after["failures"]
