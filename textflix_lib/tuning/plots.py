"""The search as a figure: the score of each trial against the trial number (with the best so
far), and one panel per hyper-parameter (score against its value), as `scores.png` and
`scores.svg`.

Plain matplotlib (the Agg backend); no AllenNLP or Ray. Trials that did not finish every fold
(failed, or stopped by ASHA) are not plotted as scores: they are counted in the title.
"""
import json
import math
from typing import Any, Dict, List, Mapping, Optional, Sequence


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def plot_scores(rows: Sequence[Mapping[str, Any]], keys: Sequence[str], metric: str, path_stem: str,
                log_keys: Sequence[str] = (), formats: Sequence[str] = ("png", "svg")) -> List[str]:
    """Write `path_stem.png` and `.svg` (see the module docstring); the paths written, none if
    no trial finished. `log_keys` are drawn on a log axis (the `loguniform` keys)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    done = sorted((row for row in rows if row["complete"]), key=lambda row: row.get("order", 0))
    if not done:
        return []
    panels = 1 + len(keys)
    columns = min(panels, 3)
    lines = math.ceil(panels / columns)
    figure, axes = plt.subplots(lines, columns, figsize=(4.2 * columns, 3.4 * lines), squeeze=False)
    flat = [axis for line in axes for axis in line]

    axis = flat[0]
    order = [row.get("order", i) + 1 for i, row in enumerate(done)]
    means = [row["mean"] for row in done]
    spreads = [0 if math.isnan(row["std"]) else row["std"] for row in done]
    axis.errorbar(order, means, yerr=spreads, fmt="o", color="tab:blue", ecolor="tab:gray", capsize=2,
                  markersize=4, label="trial (± std over folds)")
    best: List[float] = []
    ranked = sorted(done, key=lambda row: row["rank"])
    maximise = len(ranked) < 2 or ranked[0]["mean"] >= ranked[-1]["mean"]
    for mean in means:
        best.append(mean if not best else (max if maximise else min)(best[-1], mean))
    axis.step(order, best, where="post", color="tab:orange", label="best so far")
    own = [(o, row["mean"]) for o, row in zip(order, done) if row.get("is_config")]
    if own:
        axis.plot(*own[0], marker="s", color="tab:green", linestyle="none", label="the config as it is")
    axis.set_xlabel("trial")
    axis.set_ylabel(metric)
    axis.legend(fontsize=7)
    skipped = len(rows) - len(done)
    axis.set_title(f"{metric} by trial" + (f" ({skipped} unfinished not shown)" if skipped else ""), fontsize=9)

    for axis, key in zip(flat[1:], keys):
        values = [row["params"].get(key) for row in done]
        if all(_number(v) for v in values):
            axis.scatter(values, means, s=14, color="tab:blue")
            if key in log_keys:
                axis.set_xscale("log")
        else:  # categories (strings, lists, booleans, None): one column each
            labels: Dict[str, int] = {}
            for value in values:
                labels.setdefault(json.dumps(value), len(labels))
            axis.scatter([labels[json.dumps(v)] for v in values], means, s=14, color="tab:blue")
            axis.set_xticks(list(labels.values()))
            axis.set_xticklabels(list(labels), fontsize=7)
        best_row: Optional[Mapping[str, Any]] = ranked[0]
        axis.set_title(f"{key} (best: {_short(best_row['params'].get(key))})", fontsize=9)
        axis.set_xlabel(key.split(".")[-1])
        axis.set_ylabel(metric)
    for axis in flat[panels:]:
        axis.set_visible(False)
    figure.tight_layout()
    written = []
    for extension in formats:
        path = f"{path_stem}.{extension}"
        figure.savefig(path, dpi=110)
        written.append(path)
    plt.close(figure)
    return written


def _short(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else json.dumps(value)
