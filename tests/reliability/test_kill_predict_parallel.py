"""`allennlp predict-parallel` killed with SIGKILL while its two Ray workers predict (driver,
Ray and workers at once, after some output lines are written and before all are), then run
again with the same command: it continues where the complete lines end, and the finished
output is byte for byte what `allennlp predict` writes without any interruption."""
import json

import pytest

from processes import kill, lines, run, start, wait_until

REVIEWS = 1500


@pytest.mark.slow
def test_killed_predict_parallel_continues_to_the_same_output(nbsvm_archive, split, tmp_path):
    reviews = tmp_path / "reviews.jsonl"
    with open(reviews, "w", encoding="utf-8") as handle:
        for review in split.test[:REVIEWS]:
            handle.write(json.dumps({"text": review.text, "review_id": review.metadata["review_id"]}) + "\n")
    output = tmp_path / "scores.jsonl"
    arguments = ["predict-parallel", str(nbsvm_archive), str(reviews), "--predictor", "sentiment",
                 "--output-file", str(output), "--batch-size", "2", "--chunk-size", "4", "--workers", "2"]

    process = start(arguments, tmp_path / "first.log")
    wait_until(lambda: len(lines(output)) >= 8, process, 240, "eight output lines", tmp_path / "first.log")
    killed = kill(process)
    assert len(killed) > 1  # the driver and the Ray processes it started
    before = lines(output)
    complete = [line for line in before if line.endswith("\n")]
    assert 8 <= len(complete) < REVIEWS, "the kill did not land in the middle of the run"

    run(arguments, tmp_path / "second.log", timeout=240)
    second_log = (tmp_path / "second.log").read_text(errors="replace")
    resumed = len(complete) - len(complete) % 4
    assert f"{resumed} of {REVIEWS} lines already done; continuing" in second_log
    assert f"{REVIEWS - resumed} lines predicted on 2 Ray workers" in second_log

    # what `allennlp predict ... --batch-size 2` writes: its own _PredictManager, in this process
    from allennlp.commands.predict import _PredictManager
    from allennlp.predictors import Predictor

    expected = tmp_path / "plain.jsonl"
    _PredictManager(Predictor.from_path(str(nbsvm_archive), "sentiment"), str(reviews), str(expected), 2,
                    print_to_console=False, has_dataset_reader=False).run()
    assert output.read_bytes() == expected.read_bytes()
