"""`train_size` samples the training data only (issue 12): an archive trained with
`train_size` scores *all* of a user's file in `allennlp evaluate`, while `allennlp train`
still samples the file named as `train_data_path` and reads its validation file whole."""
import json
import os
import subprocess
import sys

import pytest

from helpers import REPO, train_config
from textflix_lib.dataset_readers.imdb import ImdbReader


def write_jsonl(path, reviews):
    with open(path, "w", encoding="utf-8") as handle:
        for review in reviews:
            handle.write(json.dumps({"text": review.text, "label": review.label,
                                     "review_id": review.metadata["review_id"]}) + "\n")
    return str(path)


@pytest.fixture(scope="module")
def user_run(tmp_path_factory, split):
    """NB-SVM trained with train_size 20 on a user's 60-review file, validated on a user's
    37-review file (both real reviews of the training pool / test split)."""
    import textflix_lib  # noqa: F401

    directory = tmp_path_factory.mktemp("scope")
    train = write_jsonl(directory / "train.jsonl", split.train[:60])
    dev = write_jsonl(directory / "dev.jsonl", split.test[:37])
    archive = train_config("nbsvm.jsonnet", directory / "run", {
        "dataset_reader.train_size": 20, "train_data_path": train, "validation_data_path": dev,
        "datasets_for_vocab_creation": ["train"]})
    return directory, archive


def test_training_samples_the_training_file_and_reads_validation_whole(user_run):
    directory, _ = user_run
    metrics = json.loads((directory / "run" / "metrics.json").read_text())
    assert metrics["training_reviews"] == 20
    # 37 validation reviews read whole: a multiple of 1/37 strictly between 0 and 1 is not a
    # multiple of 1/20 (what a 20-review sample of it would give)
    accuracy = metrics["validation_accuracy"]
    assert 0 < accuracy < 1 and accuracy * 37 == pytest.approx(round(accuracy * 37), abs=1e-6)


@pytest.mark.slow
def test_allennlp_evaluate_reads_the_whole_user_file(user_run, split, tmp_path):
    """The archive's only reader carries train_size 20; the user's file has 53 reviews."""
    _, archive = user_run
    config = json.loads((archive.parent / "config.json").read_text())
    assert config["dataset_reader"]["train_size"] == 20 and "validation_dataset_reader" not in config
    mine = write_jsonl(tmp_path / "my_reviews.jsonl", split.test[100:153])
    predictions = tmp_path / "predictions.jsonl"
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "allennlp"), "evaluate", str(archive), mine,
         "--predictions-output-file", str(predictions), "--output-file", str(tmp_path / "metrics.json")],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    # one line per batch, with one row of class probabilities per review
    assert sum(len(json.loads(line)["probs"]) for line in predictions.read_text().splitlines()) == 53
    accuracy = json.loads((tmp_path / "metrics.json").read_text())["accuracy"]
    assert accuracy * 53 == pytest.approx(round(accuracy * 53), abs=1e-6)


def test_archived_reader_samples_only_the_runs_training_file(user_run, tmp_path, split):
    from allennlp.models.archival import load_archive

    directory, archive = user_run
    loaded = load_archive(str(archive))
    mine = write_jsonl(tmp_path / "mine.jsonl", split.test[:45])
    for reader in (loaded.dataset_reader, loaded.validation_dataset_reader):
        assert reader.train_size == 20 and reader.training_data_path == str(directory / "train.jsonl")
        assert len(list(reader.read(mine))) == 45
        # its own training file gives the sample it was trained on
        trained_on = [i["metadata"]["review_id"] for i in reader.read(str(directory / "train.jsonl"))]
        assert len(trained_on) == 20
        assert not reader.samples("train")  # the embedded pool is not this run's training data


def test_a_reader_built_in_python_samples_the_embedded_pool_only(tmp_path, split):
    reader = ImdbReader(train_size=10)
    assert reader.training_data_path is None
    assert len(list(reader.read(write_jsonl(tmp_path / "m.jsonl", split.test[:25])))) == 25
    assert len(list(reader.read("train"))) == 10


def test_a_reader_built_for_a_run_samples_only_that_runs_training_path(tmp_path, split):
    train = write_jsonl(tmp_path / "a.jsonl", split.train[:30])
    other = write_jsonl(tmp_path / "b.jsonl", split.train[30:60])
    (tmp_path / "config.json").write_text(json.dumps({"train_data_path": train}))
    reader = ImdbReader(train_size=10, serialization_dir=str(tmp_path))
    assert reader.training_data_path == train
    assert len(list(reader.read(train))) == 10
    assert len(list(reader.read(other))) == 30
    assert not reader.samples("train") and not reader.samples("validation")  # not this run's training data
