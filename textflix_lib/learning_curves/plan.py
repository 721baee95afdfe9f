"""The runs of a learning-curve sweep: every (config, training-set size, seed).

A run's parameters are its config (already evaluated from Jsonnet, user overrides applied)
with more settings: the reader's `train_size` and `seed` (the `imdb` reader draws a
class-balanced sample, nested across sizes for one seed), AllenNLP's three random seeds set
to the same seed (so a seed also changes the initialisation and the batch order), and
`evaluate_on_test`
(AllenNLP scores the best epoch's weights on `test_data_path` after training).

With `--tuned`, the runs of a size take that size's tuned overrides first (for example the
`best_overrides.json` of an `allennlp tune --folds 5` search on a sample of that size), so a
curve can be drawn with settings chosen by cross-validation at each size.
"""
import copy
import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

DEFAULT_SIZES: Tuple[int, ...] = (10, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
DEFAULT_SEEDS = 3

# AllenNLP's three seeds all take the run's seed (as configs/lib/imdb.libsonnet does).
_ALLENNLP_SEEDS = ("random_seed", "numpy_seed", "pytorch_seed")

RunKey = Tuple[str, int, int]


@dataclass(frozen=True)
class Config:
    """One config of a sweep. `label` names its curve; `params` is the evaluated config (a
    JSON-able dict) with the user's `overrides` (kept as given, for the record) already applied."""

    label: str
    path: str
    params: Dict[str, Any] = field(compare=False, hash=False, repr=False)
    overrides: Any = field(default="", compare=False, hash=False)

    @property
    def digest(self) -> str:
        """Identifies the config's content: a run recorded under another digest is redone."""
        return params_digest(self.params)


@dataclass(frozen=True)
class RunSpec:
    config: Config
    size: int
    seed: int

    @property
    def key(self) -> RunKey:
        return (self.config.label, self.size, self.seed)

    @property
    def name(self) -> str:
        """The run's serialization directory, relative to the sweep's output directory."""
        return run_directory(self.config.label, self.size, self.seed)

    def params(self) -> Dict[str, Any]:
        return run_params(self.config.params, self.size, self.seed)


def run_directory(label: str, size: int, seed: int) -> str:
    return os.path.join("runs", label, f"n{size}-seed{seed}")


def params_digest(params: Dict[str, Any]) -> str:
    text = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def run_params(params: Dict[str, Any], size: int, seed: int) -> Dict[str, Any]:
    """The parameters of one run: `params` with the sample size, the seeds and test evaluation."""
    if not isinstance(params.get("dataset_reader"), dict):
        raise ValueError("a learning-curve config needs a 'dataset_reader' object (the 'imdb' reader)")
    if not params.get("test_data_path"):
        raise ValueError(
            "a learning-curve run needs a 'test_data_path' (in the config, or --test-data-path; "
            "\"test\" is the embedded held-out split): every run is scored on it"
        )
    result = copy.deepcopy(params)
    result["dataset_reader"]["train_size"] = size
    result["dataset_reader"]["seed"] = seed
    for name in _ALLENNLP_SEEDS:
        result[name] = seed
    result["evaluate_on_test"] = True
    return result


def parse_sizes(text: str) -> List[int]:
    """`"10,50,100"` -> `[10, 50, 100]` (sorted, without repeats)."""
    sizes = set()
    for item in str(text).split(","):
        item = item.strip()
        if not item:
            continue
        try:
            size = int(item)
        except ValueError:
            raise ValueError(f"--sizes: {item!r} is not a whole number; expected e.g. 10,50,100") from None
        if size < 2:
            raise ValueError(f"--sizes: {size} is too small; a class-balanced sample needs at least 2 reviews")
        sizes.add(size)
    if not sizes:
        raise ValueError("--sizes: expected at least one size, e.g. 10,50,100")
    return sorted(sizes)


def parse_seeds(text: str) -> List[int]:
    """`"3"` -> `[0, 1, 2]` (a count); `"0,4"` or `"7,"` -> those seeds (a list)."""
    text = str(text).strip()
    try:
        if "," not in text:
            count = int(text)
            if count < 1:
                raise ValueError(f"--seeds: expected a positive count, got {count}")
            return list(range(count))
        seeds = sorted({int(item) for item in text.split(",") if item.strip()})
    except ValueError as error:
        if "--seeds" in str(error):
            raise
        raise ValueError(f"--seeds: expected a count (3) or a list of seeds (0,1,2), got {text!r}") from None
    if not seeds:
        raise ValueError(f"--seeds: expected a count (3) or a list of seeds (0,1,2), got {text!r}")
    return seeds


def parse_config_argument(argument: str) -> Tuple[str, str]:
    """`"configs/nbsvm.jsonnet"` -> `("nbsvm", path)`; `"fast=configs/nbsvm.jsonnet"` -> `("fast", path)`."""
    label, separator, path = argument.partition("=")
    if not separator:
        path = argument
        label = os.path.splitext(os.path.basename(argument))[0]
    if not label or any(c in label for c in "/\\ ") or label in (".", ".."):
        raise ValueError(f"{argument!r}: a curve label may not be empty or hold '/', '\\' or spaces")
    return label, path


def _flatten(value: Dict[str, Any], prefix: str = "") -> Dict[str, Any]:
    result: Dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, dict) and item:
            result.update(_flatten(item, f"{prefix}{key}."))
        else:
            result[f"{prefix}{key}"] = item
    return result


def read_tuned(arguments: Sequence[str]) -> Dict[int, Dict[str, Any]]:
    """`--tuned` arguments: `SIZE=FILE` (each FILE a JSON object of overrides, such as
    `allennlp tune`'s `best_overrides.json`), or one JSON file mapping sizes to such files
    (`{"100": "tune100/best_overrides.json", ...}`, relative to the mapping file). The result
    maps each size to its overrides as dotted keys."""
    pairs: List[Tuple[str, str, str]] = []  # (size, file, where it was named)
    for argument in arguments:
        text = str(argument).strip()
        if "=" in text:
            size, _, path = text.partition("=")
            pairs.append((size.strip(), path.strip(), f"--tuned {text}"))
            continue
        try:
            with open(text, encoding="utf-8") as handle:
                mapping = json.load(handle)
        except FileNotFoundError:
            raise ValueError(f"--tuned {text}: no such file (give SIZE=OVERRIDES_FILE, or a JSON file mapping "
                             "sizes to overrides files)") from None
        except json.JSONDecodeError as error:
            raise ValueError(f"--tuned {text}: not JSON ({error})") from None
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise ValueError(f"--tuned {text}: expected a JSON object mapping sizes to overrides files, "
                             f'e.g. {{"100": "tune100/best_overrides.json"}}')
        base = os.path.dirname(os.path.abspath(text))
        pairs += [(size, os.path.join(base, path), f"--tuned {text}, size {size}") for size, path in mapping.items()]
    tuned: Dict[int, Dict[str, Any]] = {}
    for size_text, path, where in pairs:
        try:
            size = int(size_text)
        except ValueError:
            raise ValueError(f"{where}: {size_text!r} is not a whole number of reviews") from None
        if size in tuned:
            raise ValueError(f"{where}: size {size} is given tuned overrides twice")
        try:
            with open(path, encoding="utf-8") as handle:
                overrides = json.load(handle)
        except FileNotFoundError:
            raise ValueError(f"{where}: no such overrides file {path}") from None
        except json.JSONDecodeError as error:
            raise ValueError(f"{where}: {path} is not JSON ({error})") from None
        if not isinstance(overrides, dict):
            raise ValueError(f"{where}: {path} must hold a JSON object of overrides (dotted keys), "
                             f"got {type(overrides).__name__}")
        overrides = _flatten(overrides)
        tuned_size = overrides.pop("dataset_reader.train_size", None)
        if tuned_size is not None and tuned_size != size:
            raise ValueError(f"{where}: {path} was tuned at dataset_reader.train_size {tuned_size}, not {size}")
        overrides.pop("dataset_reader.seed", None)  # each run takes the curve's seed
        tuned[size] = overrides
    return tuned


def with_dotted(params: Mapping[str, Any], overrides: Mapping[str, Any], name: str = "the config") -> Dict[str, Any]:
    """A copy of `params` with each dotted key of `overrides` set (the objects on each key's
    path must exist: `ValueError` naming the key otherwise)."""
    result = copy.deepcopy(dict(params))
    for key, value in overrides.items():
        node = result
        *parents, leaf = key.split(".")
        for part in parents:
            if not isinstance(node.get(part), dict):
                raise ValueError(f"{key!r}: {name} has no object at {part!r}")
            node = node[part]
        node[leaf] = copy.deepcopy(value)
    return result


def tuned_config(config: Config, overrides: Dict[str, Any], where: str = "--tuned") -> Config:
    """`config` with dotted `overrides` set (the objects on each key's path must exist)."""
    try:
        params = with_dotted(config.params, overrides, f"the config {config.label}")
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
    return Config(config.label, config.path, params, {"overrides": config.overrides, "tuned": overrides})


def plan_runs(configs: Sequence[Config], sizes: Iterable[int], seeds: Iterable[int],
              tuned: Optional[Dict[int, Dict[str, Any]]] = None) -> List[RunSpec]:
    """All runs, smallest sizes first (they finish quickly and show the curve's shape early).
    `tuned` maps a size to the overrides its runs take (`read_tuned`)."""
    labels = [config.label for config in configs]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise ValueError(
            f"two configs share the label {', '.join(repeated)}; name them apart as LABEL=PATH"
        )
    sizes, seeds = list(sizes), list(seeds)
    tuned = tuned or {}
    unknown = sorted(set(tuned) - set(sizes))
    if unknown:
        raise ValueError(f"--tuned: sizes {', '.join(map(str, unknown))} are not among --sizes {', '.join(map(str, sizes))}")
    by_size = {size: [tuned_config(c, tuned[size], f"--tuned {size}") if size in tuned else c for c in configs]
               for size in sizes}
    return [RunSpec(config, size, seed) for size in sizes for seed in seeds for config in by_size[size]]


def describe(plan: Sequence[RunSpec], sizes: Optional[Sequence[int]] = None) -> str:
    configs = sorted({spec.config.label for spec in plan})
    sizes = sorted({spec.size for spec in plan}) if sizes is None else list(sizes)
    seeds = sorted({spec.seed for spec in plan})
    return (f"{len(plan)} runs: configs {', '.join(configs)}; sizes {', '.join(map(str, sizes))}; "
            f"seeds {', '.join(map(str, seeds))}")
