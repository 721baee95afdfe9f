"""One long-lived worker of a sweep: imports AllenNLP once, then trains run after run.

`sweep` turns `RunWorker` into a Ray actor. This is the only module of the package that uses
AllenNLP, and it imports it inside the worker process (in `__init__`), so the driver and the
plain modules stay light.

A run trains with AllenNLP's `train_model` into its serialization directory (best weights,
`model.tar.gz`, `metrics_epoch_*.json`, `out.log`), scores the best weights on the config's
`test_data_path`, and returns a record for the driver to append. A run that raises is
returned as a failed record with its error; it does not stop the worker.
"""
import glob
import json
import os
import platform
import re
import shutil
import socket
import tempfile
import time
import traceback
from typing import Any, Dict, List, Optional

# Files copied back to the driver when the worker runs on another machine (small ones only:
# enough for the table, the history plots and to see what happened).
SHIPPED_FILES = ("config.json", "metrics.json", "metrics_epoch_*.json", "out.log")
_MAX_SHIPPED_BYTES = 2_000_000


def current_node_id() -> Optional[str]:
    try:
        import ray

        return ray.get_runtime_context().get_node_id() if ray.is_initialized() else None
    except Exception:  # noqa: BLE001 - outside Ray there is no node
        return None


def _seconds(duration: Any) -> Optional[float]:
    """AllenNLP writes `training_duration` as "H:MM:SS.ffffff" (days as "N days, ...")."""
    if isinstance(duration, (int, float)):
        return float(duration)
    match = re.fullmatch(r"(?:(\d+) days?, )?(\d+):(\d+):(\d+(?:\.\d+)?)", str(duration).strip())
    if not match:
        return None
    days, hours, minutes, seconds = match.groups()
    return ((int(days or 0) * 24 + int(hours)) * 60 + int(minutes)) * 60 + float(seconds)


def read_history(serialization_dir: str) -> List[Dict[str, float]]:
    """The numbers of AllenNLP's `metrics_epoch_<n>.json` files, in epoch order."""
    epochs = []
    for path in glob.glob(os.path.join(serialization_dir, "metrics_epoch_*.json")):
        match = re.search(r"metrics_epoch_(\d+)\.json$", path)
        if not match:
            continue
        with open(path, encoding="utf-8") as handle:
            metrics = json.load(handle)
        numbers = {k: v for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        numbers["epoch"] = int(match.group(1))
        epochs.append(numbers)
    return sorted(epochs, key=lambda m: m["epoch"])


def _shipped_files(serialization_dir: str) -> Dict[str, str]:
    files: Dict[str, str] = {}
    for pattern in SHIPPED_FILES:
        for path in sorted(glob.glob(os.path.join(serialization_dir, pattern))):
            if os.path.getsize(path) <= _MAX_SHIPPED_BYTES:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    files[os.path.basename(path)] = handle.read()
    return files


class RunWorker:
    """Trains and tests runs in one process (see the module docstring).

    # Parameters

    torch_threads : `int`, optional (default = `None`: leave PyTorch's setting)
        Threads for PyTorch inside this worker (the CPUs Ray reserved for it).
    """

    def __init__(self, torch_threads: Optional[int] = None) -> None:
        started = time.time()
        import torch

        import textflix_lib  # noqa: F401  registers the readers, models, trainers
        from allennlp.commands.train import train_model
        from allennlp.common import Params
        from allennlp.common.util import import_module_and_submodules

        if torch_threads:
            torch.set_num_threads(int(torch_threads))
        self._train_model = train_model
        self._params = Params
        self._import_package = import_module_and_submodules
        # AllenNLP is mostly imported while Ray unpickles this class (its module lives in
        # textflix_lib), so time the whole start-up: process creation until ready.
        try:
            import psutil

            self.startup_seconds = time.time() - psutil.Process().create_time()
        except Exception:  # noqa: BLE001 - psutil comes with Ray, but the figure is optional
            self.startup_seconds = time.time() - started
        self.runs = 0

    def run(self, job: Dict[str, Any]) -> Dict[str, Any]:
        """Train, test and describe one run. `job` holds `params`,
        `serialization_dir` (absolute, on the driver's machine), `driver_node` and `key` (echoed
        back so the driver knows which run this was); `"test": False` for a run that is scored
        on its validation data only (a cross-validation fold)."""
        self.runs += 1
        here = current_node_id()
        remote = job.get("driver_node") not in (None, here)
        directory = job["serialization_dir"]
        if remote:  # the driver's directory is not ours: train in scratch space, ship files back
            directory = tempfile.mkdtemp(prefix="textflix-run-")
        record: Dict[str, Any] = {
            "key": job.get("key"),
            "worker": {
                "host": socket.gethostname(), "pid": os.getpid(), "node_id": here,
                "run_in_worker": self.runs, "startup_seconds": round(self.startup_seconds, 2),
                "python": platform.python_version(),
            },
        }
        started = time.time()
        try:
            for package in job.get("include_package") or ():
                self._import_package(package)
            self._train_model(self._params(job["params"]), directory, force=True)
            with open(os.path.join(directory, "metrics.json"), encoding="utf-8") as handle:
                metrics = json.load(handle)
            record.update(status="ok", **summarize_metrics(metrics, test=job.get("test", True)))
        except Exception as error:  # noqa: BLE001 - a failed run is a result, not the end of the sweep
            record.update(status="failed", error=f"{type(error).__name__}: {error}",
                          traceback=traceback.format_exc(limit=8)[-4000:])
        finally:
            _close_log_files()
        record["wall_seconds"] = round(time.time() - started, 2)
        record["history"] = read_history(directory) if os.path.isdir(directory) else []
        if remote:
            record["files"] = _shipped_files(directory) if os.path.isdir(directory) else {}
            shutil.rmtree(directory, ignore_errors=True)
        return record


def _close_log_files() -> None:
    """AllenNLP points the root logger at each run's `out.log` and never closes the last one."""
    import logging

    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.FileHandler):
            root.removeHandler(handler)
            handler.close()


def summarize_metrics(metrics: Dict[str, Any], test: bool = True) -> Dict[str, Any]:
    """What a result line keeps of AllenNLP's `metrics.json` (its `test_` metrics unless `test`
    is false: a run that must have them fails without)."""
    numbers = {k: v for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    test_metrics = {k[len("test_"):]: v for k, v in numbers.items() if k.startswith("test_")}
    if test and not test_metrics:
        raise RuntimeError("training finished but metrics.json holds no test_ metrics "
                           "(is test_data_path set and evaluate_on_test honoured?)")
    return {
        **({"test": test_metrics} if test else {}),
        "best_validation": {k[len("best_validation_"):]: v for k, v in numbers.items()
                            if k.startswith("best_validation_")},
        "best_epoch": metrics.get("best_epoch"),
        # the one_pass trainer writes training_epochs; the gradient-descent one, its last epoch
        "training_epochs": metrics.get("training_epochs", metrics["epoch"] + 1 if isinstance(metrics.get("epoch"), int)
                                       else None),
        "training_seconds": (numbers["training_seconds"] if "training_seconds" in numbers
                             else _seconds(metrics.get("training_duration"))),
    }
