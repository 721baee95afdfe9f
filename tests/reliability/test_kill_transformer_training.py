"""`allennlp train` of configs/bert.jsonnet (on a tiny 2-layer BERT built here) killed with
SIGKILL in the middle of its second epoch, after the first epoch's checkpoint was written;
`allennlp train --recover` then finishes the run with gradual unfreezing where it was: in
every epoch after the kill the same parameter groups are trainable, and get gradients, as in
an uninterrupted run of the same config.

Four groups (embeddings, layer 0, layer 1, head), one more opened each epoch from the top:
without `resume_gradual_unfreezing` the recovered epoch would train the head alone."""
import json
import os

import pytest

from processes import REPO, kill, run, start, wait_until
from tiny_models import bert_config, make_tiny_bert, write_jsonl

EPOCHS = 4
HERE = os.path.dirname(os.path.abspath(__file__))


def records(run_dir):
    path = run_dir / "trainable.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def by_epoch(rows):
    result = {}
    for row in rows:
        result.setdefault(row["epoch"], []).append((row["trainable"], row["got_gradients"]))
    return result


@pytest.fixture(scope="module")
def setup(tmp_path_factory, split):
    directory = tmp_path_factory.mktemp("recover")
    tiny = make_tiny_bert(directory / "tiny_bert")
    train = write_jsonl(directory / "train.jsonl", split.train[:40])
    dev = write_jsonl(directory / "dev.jsonl", split.test[:16])
    config = bert_config(tiny, train, dev, epochs=EPOCHS, callbacks=["textflix_test_trainable"])
    path = directory / "config.json"
    path.write_text(json.dumps(config))
    return directory, path


def train(arguments, log, env=None, timeout=240):
    env = {"PYTHONPATH": os.pathsep.join([HERE, os.environ.get("PYTHONPATH", "")]), **(env or {})}
    run(["train", *arguments, "--include-package", "textflix_test_callbacks"], log, timeout, env)


@pytest.mark.slow
def test_killed_mid_epoch_recovers_with_unfreezing_where_it_was(setup):
    directory, config = setup
    # the uninterrupted run
    reference = directory / "reference"
    train([str(config), "-s", str(reference)], directory / "reference.log")
    expected = by_epoch(records(reference))
    assert sorted(expected) == list(range(EPOCHS))
    opened = [sum(expected[epoch][0][0]) for epoch in range(EPOCHS)]
    assert opened == [1, 2, 3, 4]  # one group more each epoch, from the top

    # the same run, killed in the middle of epoch 1 (batches slowed down to make room for it)
    killed = directory / "killed"
    env = {"PYTHONPATH": os.pathsep.join([HERE, os.environ.get("PYTHONPATH", "")]),
           "TEXTFLIX_TEST_SLOW_FROM_EPOCH": "1", "TEXTFLIX_TEST_SLOW_SECONDS": "2"}
    process = start(["train", str(config), "-s", str(killed), "--include-package", "textflix_test_callbacks"],
                    directory / "killed.log", env)
    wait_until(lambda: any(r["epoch"] == 1 for r in records(killed)), process, 240,
               "a training batch of the second epoch", directory / "killed.log")
    kill(process)
    assert (killed / "training_state_e1_b0.th").exists()  # the first epoch's checkpoint
    assert not (killed / "model.tar.gz").exists()
    before = records(killed)
    assert {r["epoch"] for r in before} == {0, 1}
    assert len([r for r in before if r["epoch"] == 1]) < len(expected[1])  # killed mid-epoch

    train([str(config), "-s", str(killed), "--recover"], directory / "recover.log")
    after = [r for r in records(killed) if r["pid"] != before[0]["pid"]]
    resumed = by_epoch(after)
    assert sorted(resumed) == [1, 2, 3]  # epoch 1 is redone from its start, then 2 and 3
    for epoch in resumed:
        assert resumed[epoch] == expected[epoch], epoch  # trainable groups and gradients, batch by batch
    assert (killed / "model.tar.gz").exists()
    metrics = json.loads((killed / "metrics.json").read_text())
    assert metrics["epoch"] == EPOCHS - 1 and "validation_accuracy" in metrics
