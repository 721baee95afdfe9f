"""`allennlp tune` killed with SIGKILL in the middle of a search (driver, Ray and its workers at
once, after some folds are recorded and before all are), then run again: the search finishes,
every fold recorded before the kill is kept as it was and not trained again, and no fold is
recorded twice.

NB-SVM on 60 reviews of a smaller embedded split keeps a fold to about a second."""
import json

import pytest

from processes import kill, lines, run, start, wait_until

SMALL = json.dumps({"dataset_reader.train_size": 60, "dataset_reader.test_percent": 2,
                    "dataset_reader.validation_size": 100})
TRIALS, FOLDS = 6, 3


@pytest.mark.slow
def test_killed_search_resumes_keeping_every_finished_fold(tmp_path):
    out = tmp_path / "tune"
    folds = out / "folds.jsonl"
    # TPE (the default search): the rerun replays the finished trials into it and runs the
    # interrupted one first, so no trial's folds are trained twice
    arguments = ["tune", "configs/nbsvm.jsonnet", "--space", "configs/tune/nbsvm.jsonnet", "-s", str(out), "-o", SMALL,
                 "--trials", str(TRIALS), "--folds", str(FOLDS), "--num-cpus", "1"]
    planned = TRIALS * FOLDS  # the config's own values and five proposals

    process = start(arguments, tmp_path / "first.log")
    wait_until(lambda: len(lines(folds)) >= 1, process, 240, "first recorded fold", tmp_path / "first.log")
    killed = kill(process)
    before = lines(folds)
    assert len(killed) > 1  # the driver and the Ray processes it started
    assert 1 <= len(before) < planned, "the kill did not land in the middle of the search"
    finished = [json.loads(line) for line in before if line.endswith("\n")]
    assert finished and all(r["status"] == "ok" for r in finished)

    run(arguments, tmp_path / "second.log", timeout=240)
    after = lines(folds)
    assert after[:len(before)] == before  # nothing recorded before the kill was changed or lost
    records = [json.loads(line) for line in after]
    digests = [r["fold_digest"] for r in records]
    assert len(digests) == len(set(digests)) == planned  # each fold once
    assert len({(r["trial_digest"], r["fold"]) for r in records}) == planned
    assert len({r["trial_digest"] for r in records}) == TRIALS
    assert f"{len(finished)} runs already recorded" in (tmp_path / "second.log").read_text(errors="replace")
    summary = (out / "summary.md").read_text()
    assert f"folds trained {planned - len(finished)} (0 failed), taken from folds.jsonl {len(finished)}" in summary
