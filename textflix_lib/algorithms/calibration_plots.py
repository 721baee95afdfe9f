"""Reliability diagrams: per confidence bin, how often the model was right against how sure it
was, before and after temperature scaling.

Matplotlib's object interface with the Agg canvas (no pyplot, no global backend switch), as in
`textflix_lib.learning_curves.plots`.
"""
import os
from typing import Any, Dict, Mapping, Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def reliability_figure(panels: Sequence[Mapping[str, Any]], title: str = "") -> Figure:
    """One panel per entry of `panels` (``{"title", "metrics"}``, metrics from
    `calibration.calibration_metrics`): bars of accuracy per confidence bin with the gap to
    the diagonal shaded, the bin counts as a histogram below, and ECE/Brier in the corner."""
    figure = Figure(figsize=(4.6 * len(panels), 5.6))
    grid = figure.add_gridspec(2, len(panels), height_ratios=[3, 1], hspace=0.08)
    for column, panel in enumerate(panels):
        metrics = panel["metrics"]
        bins = metrics["bins"]
        axes = figure.add_subplot(grid[0, column])
        counts_axes = figure.add_subplot(grid[1, column], sharex=axes)
        width = bins[0]["upper"] - bins[0]["lower"]
        centres = [(b["lower"] + b["upper"]) / 2 for b in bins]
        filled = [(c, b) for c, b in zip(centres, bins) if b["count"]]
        axes.plot([0, 1], [0, 1], linestyle="--", color="#666666", linewidth=1, label="perfect calibration")
        axes.bar([c for c, _ in filled], [b["accuracy"] for _, b in filled], width=width * 0.95,
                 color="#1f77b4", edgecolor="#0b3c61", label="accuracy")
        for centre, b in filled:
            low, high = sorted((b["accuracy"], b["confidence"]))
            axes.bar(centre, high - low, bottom=low, width=width * 0.95, color="#d62728", alpha=0.35,
                     hatch="//", edgecolor="#d62728",
                     label="gap to confidence" if centre == filled[0][0] else None)
        axes.set_xlim(0, 1)
        axes.set_ylim(0, 1)
        axes.set_ylabel("accuracy" if column == 0 else "")
        axes.set_title(panel.get("title", ""), fontsize=11)
        axes.text(0.03, 0.97, f"ECE {metrics['ece']:.3f}\nBrier {metrics['brier']:.3f}\n"
                  f"NLL {metrics['nll']:.3f}\naccuracy {metrics['accuracy']:.3f}",
                  transform=axes.transAxes, va="top", fontsize=9,
                  bbox={"facecolor": "white", "edgecolor": "#cccccc"})
        axes.legend(loc="lower right", fontsize=8)
        axes.tick_params(labelbottom=False)
        counts_axes.bar(centres, [b["count"] for b in bins], width=width * 0.95, color="#7f7f7f")
        counts_axes.set_xlabel("confidence (top probability)")
        counts_axes.set_ylabel("reviews" if column == 0 else "")
    if title:
        figure.suptitle(title, fontsize=12)
    return figure


def save_png(figure: Figure, path: str) -> str:
    FigureCanvasAgg(figure)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    figure.savefig(path, dpi=120, bbox_inches="tight")
    return path


def reliability_png(path: str, panels: Sequence[Mapping[str, Any]], title: str = "") -> Dict[str, Any]:
    save_png(reliability_figure(panels, title), path)
    return {"path": path}
