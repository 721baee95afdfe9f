"""`allennlp sp-lime` killed with SIGKILL while it explains reviews, then run again: the
explanations it had finished (its `.explanations.jsonl` cache) are reused as they were, only
the rest are computed, each review is explained once, and the picks are written."""
import json

import pytest

from processes import kill, lines, run, start, wait_until

REVIEWS = 24


@pytest.mark.slow
def test_killed_sp_lime_resumes_from_its_explanations(nbsvm_archive, split, tmp_path):
    reviews = tmp_path / "reviews.jsonl"
    with open(reviews, "w", encoding="utf-8") as handle:
        for i, review in enumerate(split.test[:REVIEWS]):
            handle.write(json.dumps({"text": review.text, "review_id": f"r{i}", "movie_id": f"m{i % 3}"}) + "\n")
    output = tmp_path / "picks.json"
    cache = tmp_path / "picks.explanations.jsonl"
    arguments = ["sp-lime", str(nbsvm_archive), str(reviews), "--budget", "3", "--output-file", str(output),
                 "--predictor-args", '{"num_samples": 256}']

    process = start(arguments, tmp_path / "first.log")
    wait_until(lambda: len(lines(cache)) >= 2, process, 180, "two finished explanations", tmp_path / "first.log")
    kill(process)
    before = lines(cache)
    complete = [line for line in before if line.endswith("\n")]
    assert 2 <= len(complete) < REVIEWS, "the kill did not land in the middle of the explanations"
    assert not output.exists()

    run(arguments, tmp_path / "second.log", timeout=180)
    after = lines(cache)
    assert after[:len(complete)] == complete  # the finished explanations kept, byte for byte
    explained = [json.loads(line) for line in after if line.strip() and line.endswith("\n")]
    numbers = [e["_line"] for e in explained]
    assert sorted(set(numbers)) == list(range(1, REVIEWS + 1))
    assert len(explained) == REVIEWS  # nothing explained twice
    assert [e["review_id"] for e in sorted(explained, key=lambda e: e["_line"])] == [f"r{i}" for i in range(REVIEWS)]
    picks = json.loads(output.read_text())
    assert picks["reviews"] == REVIEWS and len(picks["picked"]) == 3
