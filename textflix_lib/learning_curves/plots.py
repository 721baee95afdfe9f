"""Figures: accuracy against training-set size, and one run's training history.

Matplotlib's object interface with the Agg canvas: no pyplot, no global backend switch, so
the functions work the same in a script, a test and a notebook (which displays the returned
`Figure`).
"""
import math
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
# dashed in three patterns, so the published curves stay apart in grey
_REFERENCE_STYLES = [("#444444", (0, (5, 3))), ("#888888", (0, (2, 2))), ("#000000", (0, (8, 3, 2, 3)))]


def save(figure: Figure, stem: str, formats: Sequence[str] = ("png", "svg")) -> List[str]:
    """Write `stem.png` and `stem.svg` (or the given formats); returns the paths."""
    FigureCanvasAgg(figure)
    directory = os.path.dirname(os.path.abspath(stem))
    os.makedirs(directory, exist_ok=True)
    paths = []
    for extension in formats:
        path = f"{stem}.{extension}"
        figure.savefig(path, dpi=150, bbox_inches="tight")
        paths.append(path)
    return paths


def learning_curve_figure(
    rows: Sequence[Dict[str, Any]],
    references: Optional[Mapping[str, Mapping[int, float]]] = None,
    metric_label: str = "test accuracy",
    title: Optional[str] = "Accuracy against labelled training reviews",
) -> Figure:
    """One solid curve per config (mean over seeds, a band of +-1 standard deviation and the
    smallest and largest run as thin marks), references as dashed lines, sizes on a log axis.

    # Parameters

    rows : `Sequence[Dict[str, Any]]`
        The output of `aggregate.summarize`.
    references : `Mapping[str, Mapping[int, float]]`, optional
        Curves to draw dashed (e.g. `aggregate.TEXTFLIX_CURVES`).
    """
    figure = Figure(figsize=(8, 5.2))
    axes = figure.add_subplot(1, 1, 1)
    configs: List[str] = []
    for row in rows:
        if row["config"] not in configs:
            configs.append(row["config"])
    for index, config in enumerate(configs):
        colour = _COLOURS[index % len(_COLOURS)]
        points = sorted((r for r in rows if r["config"] == config and r["runs"] > 0), key=lambda r: r["size"])
        if not points:
            continue
        sizes = [r["size"] for r in points]
        means = [r["mean"] for r in points]
        spread = [0.0 if math.isnan(r["std"]) else r["std"] for r in points]
        axes.plot(sizes, means, "-o", color=colour, markersize=4, linewidth=2,
                  label=f"{config} ({_seeds_label([r['runs'] for r in points])})")
        axes.fill_between(sizes, [m - s for m, s in zip(means, spread)],
                          [m + s for m, s in zip(means, spread)], color=colour, alpha=0.18, linewidth=0)
        axes.vlines(sizes, [r["min"] for r in points], [r["max"] for r in points], color=colour,
                    alpha=0.5, linewidth=1)
    for index, (name, curve) in enumerate((references or {}).items()):
        sizes = sorted(curve)
        colour, dashes = _REFERENCE_STYLES[index % len(_REFERENCE_STYLES)]
        axes.plot(sizes, [curve[s] for s in sizes], color=colour, linestyle=dashes, linewidth=1.3,
                  label=f"{name} (published)")
    axes.set_xscale("log")
    axes.set_xlabel("labelled training reviews (class-balanced; log scale)")
    axes.set_ylabel(metric_label)
    axes.axhline(0.5, color="#cccccc", linewidth=0.8, zorder=0)
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize=8, loc="lower right")
    if title:
        axes.set_title(title)
    return figure


def history_figure(history: Sequence[Mapping[str, float]], title: Optional[str] = None) -> Figure:
    """Loss and accuracy per epoch, training against validation (AllenNLP's per-epoch metrics:
    `training_loss`, `validation_loss`, `training_accuracy`, `validation_accuracy`)."""
    figure = Figure(figsize=(9, 3.6))
    for column, quantity in enumerate(("loss", "accuracy")):
        axes = figure.add_subplot(1, 2, column + 1)
        for split, style in (("training", "-o"), ("validation", "-s")):
            points = [(m["epoch"], m[f"{split}_{quantity}"]) for m in history if f"{split}_{quantity}" in m]
            if points:
                axes.plot([p[0] for p in points], [p[1] for p in points], style, markersize=4, label=split)
        axes.set_xlabel("epoch")
        axes.set_ylabel(quantity)
        axes.grid(True, alpha=0.3)
        if axes.has_data():
            axes.legend(fontsize=8)
            axes.xaxis.get_major_locator().set_params(integer=True)
        else:
            axes.text(0.5, 0.5, f"no {quantity} recorded", ha="center", va="center", transform=axes.transAxes)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def _seeds_label(runs: List[int]) -> str:
    """How many seeds each point averages: "mean of 3 seeds", "1 seed", "1 to 3 seeds a size"."""
    low, high = min(runs), max(runs)
    if low != high:
        return f"{low} to {high} seeds a size"
    return f"mean of {high} seeds" if high > 1 else "1 seed"
