"""`allennlp population` on a real NB-SVM (the `nbsvm_archive` fixture) and a small JSONL
split, run in this process through its own argument parser."""
import argparse
import json

import numpy
import pytest
from allennlp.common.checks import ConfigurationError
from allennlp.models.archival import load_archive
from allennlp.predictors import Predictor

from textflix_lib.commands.population import Population, representations
from textflix_lib.data.imdb import balanced_sample


def run(*argv):
    parser = argparse.ArgumentParser(prog="allennlp")
    Population().add_subparser(parser.add_subparsers())
    args = parser.parse_args(["population", *argv])
    return args.func(args)


@pytest.fixture(scope="module")
def reviews(tmp_path_factory, split):
    path = tmp_path_factory.mktemp("population") / "reviews.jsonl"
    with open(path, "w") as handle:
        for i, review in enumerate(balanced_sample(split.test, 60, seed=1)):
            handle.write(json.dumps({"text": review.text, "label": review.label, "review_id": f"r{i}"}) + "\n")
    return path


def test_nbsvm_representation_sums_to_its_margin(nbsvm_archive, reviews):
    archive = load_archive(str(nbsvm_archive))
    model, reader = archive.model, archive.validation_dataset_reader
    texts = [json.loads(line)["text"] for line in reviews.read_text().splitlines()[:12]]
    instances = []
    for text in texts:
        instance = reader.text_to_instance(text)
        reader.apply_token_indexers(instance)
        instances.append(instance)
    features, probs = representations(model, instances, batch_size=5)
    assert features.shape == (12, model.weights.shape[0])
    margins = numpy.asarray(features.sum(axis=1)).ravel() + float(model.intercept)
    slope, offset = (float(v) for v in model.calibration)
    p_positive = 1 / (1 + numpy.exp(-(slope * margins + offset)))
    positive = model.vocab.get_token_index("pos", "labels")
    numpy.testing.assert_allclose(probs[:, positive], p_positive, rtol=1e-4)
    predictor = Predictor.from_archive(archive, "sentiment")
    numpy.testing.assert_allclose(probs[:, positive], [predictor.predict(t)["probs"]["pos"] for t in texts], rtol=1e-4)


def test_map_page_and_worst_reviews(nbsvm_archive, reviews, tmp_path):
    first = run(str(nbsvm_archive), str(reviews), "--output-dir", str(tmp_path / "a"), "--clusters", "3",
                "--worst", "2", "--method", "pca")
    second = run(str(nbsvm_archive), str(reviews), "--output-dir", str(tmp_path / "b"), "--clusters", "3",
                 "--worst", "0", "--method", "pca")
    a = json.loads((tmp_path / "a" / "population.json").read_text())
    b = json.loads((tmp_path / "b" / "population.json").read_text())
    assert a["reviews"] == 60 and len(a["points"]) == 60
    # the same seed gives the same map
    assert [(p["x"], p["y"], p["cluster"]) for p in a["points"]] == [(p["x"], p["y"], p["cluster"]) for p in b["points"]]
    assert {p["id"] for p in a["points"]} == {f"r{i}" for i in range(60)}
    losses = sorted((p["loss"] for p in a["points"]), reverse=True)
    assert [w["loss"] for w in first["worst"]] == pytest.approx(losses[:2])
    assert all(w["highlights"] and w["label"] != w["predicted"] for w in first["worst"] if w["loss"] > 0.7)
    assert second["worst"] == [] and len(first["clusters"]) == 3
    page = (tmp_path / "a" / "population.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    assert (tmp_path / "a" / "population.png").read_bytes()[:4] == b"\x89PNG"


def test_bad_options(nbsvm_archive, reviews, tmp_path):
    with pytest.raises(ConfigurationError, match="--worst"):
        run(str(nbsvm_archive), str(reviews), "--output-dir", str(tmp_path), "--worst", "-1")
    with pytest.raises(ConfigurationError, match="positive label"):
        run(str(nbsvm_archive), str(reviews), "--output-dir", str(tmp_path), "--positive-label", "good")
    tiny = tmp_path / "tiny.jsonl"
    tiny.write_text(json.dumps({"text": "Good.", "label": "pos"}) + "\n")
    with pytest.raises(ConfigurationError, match="at least 3"):
        run(str(nbsvm_archive), str(tiny), "--output-dir", str(tmp_path))
