"""`--ray-address`: a sweep on a Ray cluster whose worker runs on another node than the
driver. Ray's own test cluster (two nodes on this machine, the head with no CPUs so the run
must go to the other node) stands in for a real one; the worker trains in its node's
scratch space and its results and small files come back into OUT."""
import json
from pathlib import Path

from textflix_lib.learning_curves.configs import load_configs
from textflix_lib.learning_curves import plan
from textflix_lib.learning_curves.store import ResultStore
from textflix_lib.learning_curves.sweep import run_sweep

REPO = Path(__file__).resolve().parents[2]
SMALL_SPLIT = json.dumps({"dataset_reader.test_percent": 2, "dataset_reader.validation_size": 100})


def test_results_from_another_node_land_in_out(tmp_path):
    import ray
    from ray.cluster_utils import Cluster

    assert not ray.is_initialized()
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False})
    try:
        cluster.add_node(num_cpus=1)
        runs = plan.plan_runs(load_configs([str(REPO / "configs" / "nbsvm.jsonnet")], SMALL_SPLIT), [200], [0])
        outcome = run_sweep(runs, str(tmp_path), ray_address=cluster.address, progress=False)
    finally:
        if ray.is_initialized():
            ray.shutdown()
        cluster.shutdown()
    assert outcome.finished == 1 and outcome.failed == 0
    [record] = ResultStore(tmp_path / "results.jsonl").read()
    assert record["status"] == "ok" and 0.6 < record["test"]["accuracy"] <= 1.0
    run_dir = tmp_path / "runs" / "nbsvm" / "n200-seed0"
    assert {"config.json", "metrics.json", "metrics_epoch_0.json", "out.log"} <= {p.name for p in run_dir.iterdir()}
    assert not (run_dir / "model.tar.gz").exists()  # trained on the other node, in its scratch space
    assert json.loads((run_dir / "metrics.json").read_text())["test_accuracy"] == record["test"]["accuracy"]
    assert "files" not in record
