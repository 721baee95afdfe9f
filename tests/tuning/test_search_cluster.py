"""`--ray-address`: a search on a Ray cluster whose trials run on another node than the
driver. Ray's own test cluster (two nodes on this machine, the head with no CPUs so every
trial must go to the other node) stands in for a real one: folds train in the worker's
scratch space and only their records come back; the driver writes OUT."""
import json

from helpers import CONFIGS
from textflix_lib.learning_curves.configs import load_configs
from textflix_lib.tuning.search import fold_store, run_search

SMALL = json.dumps({"dataset_reader.train_size": 40, "dataset_reader.test_percent": 2,
                    "dataset_reader.validation_size": 100})


def test_folds_trained_on_another_node_are_recorded_by_the_driver(tmp_path):
    import ray
    from ray.cluster_utils import Cluster

    assert not ray.is_initialized()
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False})
    try:
        worker_node = cluster.add_node(num_cpus=1)
        [config] = load_configs([str(CONFIGS / "nbsvm.jsonnet")], SMALL, test_data_path="")
        outcome = run_search(config, '{"model.C": {"loguniform": [0.01, 10]}}', str(tmp_path), folds=2, trials=2,
                             ray_address=cluster.address, progress=False)
    finally:
        if ray.is_initialized():
            ray.shutdown()
        cluster.shutdown()
    records = fold_store(str(tmp_path)).read()
    assert len(records) == 4 and all(r["status"] == "ok" for r in records)  # the config and one draw, 2 folds each
    assert {r["worker"]["node_id"] for r in records} == {worker_node.node_id}
    assert outcome.best is not None and (tmp_path / "best_config.json").exists()
    assert not list(tmp_path.glob("textflix-fold-*"))  # scratch space stays on the worker's side
