"""The configs of a cross-validated trial: the base config with the trial's values, and one
config per fold.

Fold `k` of `K` trains on the other `K - 1` folds of the run's training data and validates
on fold `k`: the `imdb` reader cuts the folds itself (`folds`, `fold`, `held_out`; see
`textflix_lib.data.imdb.stratified_folds`), from the config's own `train_data_path` and
`train_size` sample, so every trial of a search is scored on the same folds and no file is
written. A fold's `validation_data_path` is its `train_data_path`, read by a
`validation_dataset_reader` that keeps the held-out fold only. The test data is dropped, and
the vocabulary comes from the training folds alone (unless the config says otherwise).

Without folds (`folds` = 0), a trial is one run of the config as it is, scored on its own
`validation_data_path` (`validation_params`); only the test data is dropped.
"""
import copy
from typing import Any, Dict, Mapping, Tuple

from textflix_lib.learning_curves.plan import params_digest, with_dotted

DEFAULT_FOLDS = 5  # what --folds means without a number in the docs; no --folds: the validation split
_READER_TYPES = ("imdb",)


def check_config(params: Mapping[str, Any]) -> None:
    """A `ValueError` unless folds can be cut from this config's training data."""
    reader = params.get("dataset_reader")
    if not isinstance(reader, Mapping) or reader.get("type") not in _READER_TYPES:
        found = reader.get("type") if isinstance(reader, Mapping) else reader
        raise ValueError(f"cross-validation cuts folds with the 'imdb' dataset reader; this config's "
                         f"dataset_reader is {found!r}")
    if "validation_dataset_reader" in params:
        raise ValueError("the config has its own validation_dataset_reader; cross-validation builds it "
                         "from dataset_reader (to read the held-out fold)")
    if not params.get("train_data_path"):
        raise ValueError("the config has no train_data_path to cut folds from")
    if "distributed" in params:
        raise ValueError("a cross-validated fold trains in one process: remove the config's 'distributed' "
                         "section (a search runs trials in parallel instead)")


def trial_params(base: Mapping[str, Any], values: Mapping[str, Any]) -> Dict[str, Any]:
    """`base` with each dotted key of `values` set (the objects on the way must exist)."""
    return with_dotted(base, values)


def check_validation_config(params: Mapping[str, Any]) -> None:
    """A `ValueError` unless this config has a validation split to score trials on (no `--folds`)."""
    if not params.get("validation_data_path"):
        raise ValueError("without --folds a trial is scored on the config's validation split, and this config "
                         "has no validation_data_path (give one, or --folds K to cross-validate)")
    if "distributed" in params:
        raise ValueError("a trial trains in one process: remove the config's 'distributed' section "
                         "(a search runs trials in parallel instead)")


def validation_params(params: Mapping[str, Any]) -> Dict[str, Any]:
    """The config of a trial scored on its own validation split (no `--folds`): the config as
    it is, without its test data."""
    check_validation_config(params)
    result = copy.deepcopy(dict(params))
    result.pop("test_data_path", None)
    result["evaluate_on_test"] = False
    return result


def run_params(params: Mapping[str, Any], folds: int, fold: int) -> Dict[str, Any]:
    """Run `fold` of a trial: a cross-validation fold when `folds` >= 2, the validation-split
    run when `folds` is 0 (then `fold` is 0)."""
    return fold_params(params, folds, fold) if folds else validation_params(params)


def fold_params(params: Mapping[str, Any], folds: int, fold: int) -> Dict[str, Any]:
    """The config of fold `fold` of `folds` (see the module docstring)."""
    check_config(params)
    if folds < 2 or not 0 <= fold < folds:
        raise ValueError(f"fold {fold} of {folds}: expected at least 2 folds and 0 <= fold < folds")
    result = copy.deepcopy(dict(params))
    result["dataset_reader"].update(folds=folds, fold=fold, held_out=False)
    result["validation_dataset_reader"] = {**copy.deepcopy(result["dataset_reader"]), "held_out": True}
    result["validation_data_path"] = result["train_data_path"]
    result.pop("test_data_path", None)
    result["evaluate_on_test"] = False
    result.setdefault("datasets_for_vocab_creation", ["train"])
    return result


def parse_metric(metric: str) -> Tuple[str, str]:
    """`"+accuracy"` -> `("accuracy", "max")`; `"-loss"` -> `("loss", "min")`; no sign: max."""
    text = str(metric).strip()
    mode = "min" if text.startswith("-") else "max"
    name = text.lstrip("+-")
    if not name:
        raise ValueError(f"--metric: expected a validation metric such as +accuracy or -loss, got {metric!r}")
    return name, mode


def config_metric(params: Mapping[str, Any]) -> str:
    """The config's own `trainer.validation_metric` (its first, if a list), else `+accuracy`."""
    metric = (params.get("trainer") or {}).get("validation_metric") if isinstance(params.get("trainer"), Mapping) else None
    if isinstance(metric, list):
        metric = metric[0] if metric else None
    return metric if isinstance(metric, str) and metric.lstrip("+-") else "+accuracy"


__all__ = ["DEFAULT_FOLDS", "check_config", "check_validation_config", "run_params", "validation_params", "config_metric", "fold_params", "params_digest", "parse_metric",
           "trial_params"]
