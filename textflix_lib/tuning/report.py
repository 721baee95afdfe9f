"""The trials of a search, ranked by their cross-validated score, and the files that say so.

A trial's score is the mean of its folds' best validation metric; its spread is the sample
standard deviation over folds. Only trials whose every fold succeeded are ranked; the others
are listed after them as failed. The mean of the winner is optimistic (it was chosen for
being high): the held-out test split, scored once on the winner, is the honest number.
"""
import csv
import json
import math
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from textflix_lib.learning_curves.aggregate import mean_std
from textflix_lib.tuning.trainable import fold_score


def trial_rows(records: Iterable[Mapping[str, Any]], metric: str, mode: str,
               config_trial: Optional[str] = None,
               stopped: Optional[Mapping[str, Mapping[str, Any]]] = None) -> List[Dict[str, Any]]:
    """One row per trial (the latest record of each of its folds), best first; the trial whose
    digest is `config_trial` (the config's own values) is marked `is_config`; a trial in
    `stopped` (ASHA stopped it, by trial digest) says so instead of being an unfinished one."""
    trials: Dict[str, Dict[str, Any]] = {}
    for record in records:
        trial = trials.setdefault(record["trial_digest"], {
            "trial": record["trial_digest"], "params": record.get("params", {}), "folds": max(int(record["folds"]), 1),
            "by_fold": {}})
        trial["by_fold"][int(record["fold"])] = record
    rows = []
    for order, trial in enumerate(trials.values()):
        trial["order"] = order  # the trial's place in the search (the order its first fold arrived)
        by_fold = trial.pop("by_fold")
        scores = [fold_score(by_fold[k], metric) if by_fold[k].get("status") == "ok" else None
                  for k in sorted(by_fold)]
        complete = len(by_fold) == trial["folds"] and all(score is not None for score in scores)
        errors = [by_fold[k].get("error") for k in sorted(by_fold) if by_fold[k].get("status") != "ok"]
        stats = mean_std([s for s in scores if s is not None]) if complete else {"mean": math.nan, "std": math.nan}
        seconds = [by_fold[k].get("training_seconds") for k in by_fold]
        rows.append({
            **trial, "metric": metric, "is_config": trial["trial"] == config_trial, "complete": complete, "fold_scores": scores,
            "mean": stats["mean"], "std": stats["std"],
            "training_seconds": sum(s for s in seconds if isinstance(s, (int, float))),
            "error": errors[0] if errors else (None if complete else (
                f"stopped by ASHA after {len(by_fold)} of {trial['folds']} folds" if trial["trial"] in (stopped or {})
                else "not every fold finished")),
        })
    sign = -1 if mode == "max" else 1
    rows.sort(key=lambda row: (not row["complete"], sign * row["mean"] if row["complete"] else 0))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["complete"] else None
    return rows


def format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return json.dumps(value) if not isinstance(value, str) else value


def _exact(value: Any) -> Any:
    return value if isinstance(value, (str, int, float)) and not isinstance(value, bool) else json.dumps(value)


def score_cell(row: Mapping[str, Any]) -> str:
    if not row["complete"]:
        return "failed"
    spread = "" if math.isnan(row["std"]) else f" ± {row['std']:.3f}"
    return f"{row['mean']:.3f}{spread}"


def markdown_table(rows: Sequence[Mapping[str, Any]], keys: Sequence[str], limit: Optional[int] = None) -> str:
    """Rank, cross-validated score (mean ± std over folds), the trial's values, its fold scores."""
    shown = list(rows)[:limit] if limit else list(rows)
    metric = rows[0]["metric"] if rows else "metric"
    scored = "cv " if any(row.get("folds", 2) > 1 for row in rows) else "validation "
    lines = ["| rank | " + scored + metric + " | " + " | ".join(f"`{key}`" for key in keys) + " | folds |",
             "|---|---|" + "---|" * len(keys) + "---|"]
    for row in shown:
        folds = ", ".join("—" if s is None else f"{s:.3f}" for s in row["fold_scores"])
        values = " | ".join(format_value(row["params"].get(key, "")) for key in keys)
        rank = f"{row['rank'] or '—'}{' (the config)' if row.get('is_config') else ''}"
        lines.append(f"| {rank} | {score_cell(row)} | {values} | {folds} |")
    if limit and len(rows) > limit:
        lines.append(f"\n({len(rows) - limit} more trials in trials.csv)")
    return "\n".join(lines) + "\n"


def write_csv(rows: Sequence[Mapping[str, Any]], keys: Sequence[str], path: str) -> None:
    columns = ["rank", "trial", "is_config", *keys, "mean", "std", "fold_scores", "training_seconds", "error"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({
                "rank": row["rank"] or "", "trial": row["trial"], "is_config": row.get("is_config", False),
                **{key: _exact(row["params"].get(key, "")) for key in keys},
                "mean": "" if math.isnan(row["mean"]) else round(row["mean"], 6),
                "std": "" if math.isnan(row["std"]) else round(row["std"], 6),
                "fold_scores": " ".join("" if s is None else f"{s:.6f}" for s in row["fold_scores"]),
                "training_seconds": round(row["training_seconds"], 2), "error": row["error"] or "",
            })
