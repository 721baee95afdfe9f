import json

from textflix_lib.learning_curves import plan, store

BASE = {"dataset_reader": {"type": "imdb"}, "test_data_path": "test"}
CONFIG = plan.Config("nbsvm", "configs/nbsvm.jsonnet", BASE)


def record(size, seed, status="ok", digest=None, accuracy=0.8):
    return {"config": "nbsvm", "size": size, "seed": seed, "status": status,
            "config_digest": digest or CONFIG.digest, "test": {"accuracy": accuracy}}


def test_append_then_read_gives_the_records_back(tmp_path):
    results = store.ResultStore(tmp_path / "out" / "results.jsonl")
    assert results.read() == []
    results.append(record(10, 0))
    results.append(record(10, 1, status="failed"))
    assert [r["seed"] for r in results.read()] == [0, 1]
    assert all(line.endswith("}") for line in (tmp_path / "out" / "results.jsonl").read_text().splitlines())


def test_a_torn_last_line_is_skipped_and_sealed_off(tmp_path, caplog):
    path = tmp_path / "results.jsonl"
    results = store.ResultStore(path)
    results.append(record(10, 0))
    with open(path, "a") as handle:  # what a write cut short leaves behind
        handle.write(json.dumps(record(10, 1))[:40])
    assert [r["seed"] for r in results.read()] == [0]
    assert "results.jsonl:2: skipping a torn last line" in caplog.text
    results.append(record(10, 2))
    assert [r["seed"] for r in results.read()] == [0, 2]
    assert len(path.read_text().splitlines()) == 3  # the fragment stays, alone on its line


def test_pending_skips_finished_runs_and_retries_failed_or_changed_ones():
    runs = plan.plan_runs([CONFIG], [10, 50], [0, 1])
    records = [record(10, 0), record(10, 1, status="failed"), record(50, 0, digest="edited"),
               record(50, 1, status="failed"), record(50, 1)]  # retried later: the latest counts
    todo, counts = store.pending(runs, records)
    assert [run.key for run in todo] == [("nbsvm", 10, 1), ("nbsvm", 50, 0)]
    assert counts == {"recorded_ok": 2, "recorded_failed": 0, "config_changed": 1}
    todo, counts = store.pending(runs, records, retry_failed=False)
    assert [run.key for run in todo] == [("nbsvm", 50, 0)]
    assert counts["recorded_failed"] == 1
