"""A search space: which values of a config a search may change, and how to draw them.

A space is a JSON or Jsonnet object. Each key is a dotted path into the evaluated config, as
in `allennlp train -o` (`"model.C"`, `"trainer.optimizer.lr"`); each value names one
distribution:

    {
      "model.C": {"loguniform": [0.01, 10]},        // low, high (both > 0): log-uniform floats
      "model.beta": {"uniform": [0, 1]},            // low, high: uniform floats
      "model.feedforward.hidden_dims": {"randint": [16, 129]},   // integers, low <= x < high
      "model.classifier": {"choice": ["svm", "logreg"]},         // one of the values, at random
      "trainer.num_epochs": {"grid": [10, 20]},     // every value, in every draw
    }

A key changes one value of the *evaluated* config: what the Jsonnet derived from that value
(another field computed from the same `local`) does not follow. Keys that would change the
data a search is scored on (the data paths, the reader's sample and folds) are refused.
Parsing and checking are plain Python; `to_ray` builds Ray Tune's sampling domains.
"""
import json
import math
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

DISTRIBUTIONS = ("choice", "grid", "uniform", "loguniform", "randint")

# Keys a search may not change: what the folds are cut from and scored on.
_FORBIDDEN = ("train_data_path", "validation_data_path", "test_data_path", "evaluate_on_test",
              "validation_dataset_reader", "datasets_for_vocab_creation", "dataset_reader.type",
              "dataset_reader.train_size", "dataset_reader.seed", "dataset_reader.folds",
              "dataset_reader.fold", "dataset_reader.held_out")


@dataclass(frozen=True)
class Dimension:
    """One key of a space: `kind` is one of `DISTRIBUTIONS`, `values` its list or its bounds."""

    key: str
    kind: str
    values: Tuple[Any, ...]


def read_space(source: str) -> Dict[str, Any]:
    """A space from a `.json`/`.jsonnet` file, or given inline (text starting with `{`)."""
    import _jsonnet

    text = str(source).strip()
    try:
        if text.startswith("{"):
            evaluated = _jsonnet.evaluate_snippet("search space", text)
        elif os.path.isfile(text):
            evaluated = _jsonnet.evaluate_file(text)
        else:
            raise ValueError(f"{text}: no such search-space file (or give the space inline as a JSON object)")
    except RuntimeError as error:  # Jsonnet's syntax and evaluation errors
        raise ValueError(f"{text if not text.startswith('{') else 'search space'}: {error}") from None
    space = json.loads(evaluated)
    if not isinstance(space, dict):
        raise ValueError(f"{text}: a search space is an object of dotted keys, got {type(space).__name__}")
    return space


def parse_space(space: Mapping[str, Any], where: str = "search space") -> List[Dimension]:
    """The dimensions of a space, checked: a `ValueError` names the key and what was expected."""
    if not space:
        raise ValueError(f"{where}: empty; give at least one key, e.g. {{\"model.C\": {{\"loguniform\": [0.01, 10]}}}}")
    dimensions = []
    for key, spec in space.items():
        if not key or any(not part for part in key.split(".")):
            raise ValueError(f"{where}: {key!r} is not a dotted config path such as \"model.C\"")
        for forbidden in _FORBIDDEN:
            if key == forbidden or key.startswith(forbidden + "."):
                raise ValueError(f"{where}: {key!r} may not be searched: it changes the data the folds are "
                                 "cut from or scored on")
        if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in DISTRIBUTIONS:
            raise ValueError(f"{where}: {key!r} must be one of {{\"{'|'.join(DISTRIBUTIONS)}\": ...}}, "
                             f"got {json.dumps(spec)}")
        kind, values = next(iter(spec.items()))
        dimensions.append(Dimension(key, kind, tuple(_check(where, key, kind, values))))
    return dimensions


def _check(where: str, key: str, kind: str, values: Any) -> Sequence[Any]:
    if kind in ("choice", "grid"):
        if not isinstance(values, list) or not values:
            raise ValueError(f"{where}: {key!r}: {kind} takes a non-empty list of values, got {json.dumps(values)}")
        return values
    numbers = isinstance(values, list) and len(values) == 2 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values)
    if not numbers:
        raise ValueError(f"{where}: {key!r}: {kind} takes [low, high], got {json.dumps(values)}")
    low, high = values
    if not low < high:
        raise ValueError(f"{where}: {key!r}: {kind} needs low < high, got [{low}, {high}]")
    if kind == "loguniform" and low <= 0:
        raise ValueError(f"{where}: {key!r}: loguniform needs low > 0, got {low}")
    if kind == "randint" and not all(float(v).is_integer() for v in values):
        raise ValueError(f"{where}: {key!r}: randint takes whole numbers [low, high), got {json.dumps(values)}")
    return [int(low), int(high)] if kind == "randint" else [float(low), float(high)]


def check_against_config(dimensions: Sequence[Dimension], params: Mapping[str, Any], where: str) -> None:
    """Every key must lead through objects of the config (its last part may be new)."""
    for dimension in dimensions:
        node: Any = params
        parts = dimension.key.split(".")
        for depth, part in enumerate(parts[:-1]):
            node = node.get(part) if isinstance(node, Mapping) else None
            if not isinstance(node, Mapping):
                prefix = ".".join(parts[: depth + 1])
                raise ValueError(f"{where}: {dimension.key!r}: the config has no object at {prefix!r}")


def current_values(dimensions: Sequence[Dimension], params: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The values the config itself sets for every key, or None if it lacks one (or the space
    has a grid, which Ray Tune cannot combine with a given point)."""
    values: Dict[str, Any] = {}
    for dimension in dimensions:
        if dimension.kind == "grid":
            return None
        node: Any = params
        for part in dimension.key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        values[dimension.key] = node
    return values


def _primitive(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def encoded_keys(dimensions: Sequence[Dimension]) -> List[str]:
    """Keys of `choice`/`grid` dimensions with a list or object among their values (such as an
    n-gram range): their values travel through Ray Tune and Optuna as JSON text, which Optuna's
    categorical distributions accept (it takes numbers, strings, booleans and None only)."""
    return [d.key for d in dimensions if d.kind in ("choice", "grid") and not all(map(_primitive, d.values))]


def encode_values(values: Mapping[str, Any], encoded: Sequence[str]) -> Dict[str, Any]:
    """Values as Ray Tune draws them: the keys in `encoded` as JSON text."""
    return {key: json.dumps(value) if key in encoded else value for key, value in values.items()}


def to_ray(dimensions: Sequence[Dimension]) -> Dict[str, Any]:
    """Ray Tune's `param_space`: one sampling domain per key (keys stay dotted; the values of
    `encoded_keys` as JSON text)."""
    from ray import tune

    encoded = encoded_keys(dimensions)

    def values_of(dimension: Dimension) -> List[Any]:
        return [json.dumps(v) for v in dimension.values] if dimension.key in encoded else list(dimension.values)

    makers = {
        "choice": lambda d: tune.choice(values_of(d)),
        "grid": lambda d: tune.grid_search(values_of(d)),
        "uniform": lambda d: tune.uniform(*d.values),
        "loguniform": lambda d: tune.loguniform(*d.values),
        "randint": lambda d: tune.randint(*d.values),
    }
    return {dimension.key: makers[dimension.kind](dimension) for dimension in dimensions}


def plain_values(values: Mapping[str, Any], encoded: Sequence[str] = ()) -> Dict[str, Any]:
    """Sampled values as JSON types (Ray may hand numpy scalars; the keys in `encoded` come as
    JSON text)."""
    result = {}
    for key, value in values.items():
        value = value.item() if hasattr(value, "item") and not isinstance(value, (list, dict)) else value
        result[key] = json.loads(value) if key in encoded and isinstance(value, str) else value
    return result


def flatten(value: Mapping[str, Any], prefix: str = "") -> Dict[str, Any]:
    """A nested object as dotted keys (`{"a": {"b": 1}}` -> `{"a.b": 1}`); an empty object stays."""
    result: Dict[str, Any] = {}
    for key, item in value.items():
        dotted = f"{prefix}{key}"
        if isinstance(item, Mapping) and item:
            result.update(flatten(item, dotted + "."))
        else:
            result[dotted] = item
    return result


def read_overrides(text: str) -> Dict[str, Any]:
    """An `allennlp train -o` string (JSON or Jsonnet) as dotted keys."""
    import _jsonnet

    try:
        value = json.loads(_jsonnet.evaluate_snippet("overrides", str(text)))
    except RuntimeError as error:
        raise ValueError(f"-o/--overrides: {error}") from None
    if not isinstance(value, dict):
        raise ValueError(f"-o/--overrides: expected a JSON object, got {type(value).__name__}")
    return flatten(value)
