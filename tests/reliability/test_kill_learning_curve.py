"""`allennlp learning-curve` killed with SIGKILL in the middle of a sweep (driver, Ray and
its workers at once, after some runs are recorded and before all are), then run again: the
sweep finishes, every run recorded before the kill is kept as it was, and no run is recorded
twice.

NB-SVM on a smaller embedded split (2% test, 100 validation reviews) at tiny sizes keeps a
run to a few seconds; everything else is what a user's sweep does."""
import json

import pytest

from processes import kill, lines, run, start, wait_until

SMALL_SPLIT = json.dumps({"dataset_reader.test_percent": 2, "dataset_reader.validation_size": 100})
SIZES, SEEDS = (20, 40), 2


@pytest.mark.slow
def test_killed_sweep_resumes_keeping_every_finished_run(tmp_path):
    out = tmp_path / "sweep"
    results = out / "results.jsonl"
    arguments = ["learning-curve", "configs/nbsvm.jsonnet", "-s", str(out), "--sizes", ",".join(map(str, SIZES)),
                 "--seeds", str(SEEDS), "-o", SMALL_SPLIT, "--num-cpus", "1", "--workers", "1", "--no-histories"]
    planned = len(SIZES) * SEEDS

    process = start(arguments, tmp_path / "first.log")
    wait_until(lambda: len(lines(results)) >= 1, process, 240, "first recorded run", tmp_path / "first.log")
    killed = kill(process)
    before = lines(results)
    assert len(killed) > 1  # the driver and the Ray processes it started
    assert 1 <= len(before) < planned, "the kill did not land in the middle of the sweep"
    # every line written before the kill is whole (one write, then fsync)
    finished = [json.loads(line) for line in before if line.endswith("\n")]
    assert finished and all(r["status"] == "ok" for r in finished)

    run(arguments, tmp_path / "second.log", timeout=240)
    after = lines(results)
    assert after[:len(before)] == before  # nothing recorded before the kill was changed or lost
    records = [json.loads(line) for line in after]
    keys = [(r["config"], r["size"], r["seed"]) for r in records]
    assert sorted(keys) == sorted({("nbsvm", size, seed) for size in SIZES for seed in range(SEEDS)})
    assert len(keys) == len(set(keys)) == planned  # each run once
    assert all(r["status"] == "ok" and 0.5 < r["test"]["accuracy"] <= 1.0 for r in records)
    second_log = (tmp_path / "second.log").read_text(errors="replace")
    assert f"{planned - len(finished)} runs finished (0 failed)" in second_log
    assert f"'recorded_ok': {len(finished)}" in second_log
    for record in records:
        assert (out / record["serialization_dir"] / "model.tar.gz").exists()
    assert "nbsvm" in (out / "summary.md").read_text()
