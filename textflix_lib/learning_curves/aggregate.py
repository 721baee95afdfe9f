"""Mean and spread of a metric per (config, size), and Textflix's published curves.

Only the latest record of each (config, size, seed) counts, and only if it succeeded. The
spread is the sample standard deviation over seeds (n - 1 in the denominator; undefined, NaN,
for a single seed), since the seeds are a sample of the runs one could have made.
"""
import csv
import math
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from textflix_lib.learning_curves.store import OK, latest

DEFAULT_METRIC = "test.accuracy"

# Textflix's accuracy by training-set size, read off the report's figure (about +-1 point);
# see shared/brief/mission.md. Their test set was IMDB's, ours is our held-out split.
TEXTFLIX_CURVES: Dict[str, Dict[int, float]] = {
    "Textflix NB-SVM": {10: .56, 50: .55, 100: .505, 200: .765, 500: .77, 1000: .775,
                        2000: .83, 5000: .845, 10000: .85},
    "Textflix GloVe sum": {10: .52, 50: .50, 100: .505, 200: .71, 500: .76, 1000: .785,
                           2000: .83, 5000: .83, 10000: .865},
    "Textflix BERT-large (GPU)": {10: .725, 50: .84, 100: .88, 200: .895, 500: .91, 1000: .915,
                                  2000: .93, 5000: .935, 10000: .943},
}


def metric_value(record: Mapping[str, Any], metric: str = DEFAULT_METRIC) -> Optional[float]:
    """`"test.accuracy"` -> `record["test"]["accuracy"]` (None when absent)."""
    value: Any = record
    for part in metric.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def mean_std(values: Sequence[float]) -> Dict[str, float]:
    n = len(values)
    if n == 0:
        return {"mean": math.nan, "std": math.nan}
    mean = sum(values) / n
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else math.nan
    return {"mean": mean, "std": std}


def summarize(records: Iterable[Dict[str, Any]], metric: str = DEFAULT_METRIC) -> List[Dict[str, Any]]:
    """One row per (config, size): runs, failed, mean, std, min, max of `metric`, and the mean
    training and wall seconds. Rows are ordered by config (first seen) then size."""
    groups: Dict[tuple, Dict[str, list]] = {}
    order: List[str] = []
    for record in latest(records).values():
        config = record["config"]
        if config not in order:
            order.append(config)
        group = groups.setdefault((config, int(record["size"])),
                                  {"values": [], "failed": [], "train": [], "wall": []})
        value = metric_value(record, metric)
        if record.get("status") != OK or value is None:
            group["failed"].append(record)
            continue
        group["values"].append(value)
        for name, key in (("train", "training_seconds"), ("wall", "wall_seconds")):
            if isinstance(record.get(key), (int, float)):
                group[name].append(float(record[key]))
    rows = []
    for (config, size), group in sorted(groups.items(), key=lambda item: (order.index(item[0][0]), item[0][1])):
        values = group["values"]
        stats = mean_std(values)
        rows.append({
            "config": config, "size": size, "metric": metric, "runs": len(values),
            "failed": len(group["failed"]), "mean": stats["mean"], "std": stats["std"],
            "min": min(values) if values else math.nan, "max": max(values) if values else math.nan,
            "training_seconds": mean_std(group["train"])["mean"],
            "wall_seconds": mean_std(group["wall"])["mean"],
        })
    return rows


def write_csv(rows: Sequence[Dict[str, Any]], path: str) -> None:
    columns = ["config", "size", "metric", "runs", "failed", "mean", "std", "min", "max",
               "training_seconds", "wall_seconds"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if isinstance(row[k], float) and math.isnan(row[k]) else
                                 round(row[k], 6) if isinstance(row[k], float) else row[k]) for k in columns})


def _cell(mean: float, std: float, runs: int) -> str:
    if runs == 0 or math.isnan(mean):
        return "failed"
    if math.isnan(std):
        return f"{mean:.3f} (1 run)"
    return f"{mean:.3f} ± {std:.3f}"


def markdown_table(rows: Sequence[Dict[str, Any]],
                   references: Optional[Mapping[str, Mapping[int, float]]] = None) -> str:
    """Configs as rows, sizes as columns, "mean ± std" cells; reference curves below, at the
    sizes the sweep has."""
    sizes = sorted({row["size"] for row in rows})
    configs: List[str] = []
    for row in rows:
        if row["config"] not in configs:
            configs.append(row["config"])
    cells = {(row["config"], row["size"]): _cell(row["mean"], row["std"], row["runs"]) for row in rows}
    lines = ["| config | " + " | ".join(f"n={size}" for size in sizes) + " |",
             "|---|" + "---|" * len(sizes)]
    for config in configs:
        lines.append(f"| {config} | " + " | ".join(cells.get((config, size), "") for size in sizes) + " |")
    for name, curve in (references or {}).items():
        lines.append(f"| *{name}* | " + " | ".join(
            f"*{curve[size]:.3f}*" if size in curve else "" for size in sizes) + " |")
    return "\n".join(lines) + "\n"


def margins(rows: Sequence[Dict[str, Any]], config: str, reference: Mapping[int, float]) -> Dict[int, float]:
    """Mean minus reference, per size both have: positive where `config` beats the reference."""
    return {row["size"]: row["mean"] - reference[row["size"]] for row in rows
            if row["config"] == config and row["size"] in reference and row["runs"] > 0}
