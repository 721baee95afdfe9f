import json
import xml.etree.ElementTree as ElementTree

from textflix_lib.learning_curves import aggregate, plots, report


def test_report_writes_table_curve_and_histories_from_the_results_alone(tmp_path):
    with open(tmp_path / "results.jsonl", "w") as handle:
        for seed, (small, large) in enumerate(((0.70, 0.85), (0.74, 0.86))):
            for size, accuracy in ((50, small), (500, large)):
                handle.write(json.dumps({
                    "config": "nbsvm", "size": size, "seed": seed, "status": "ok", "test": {"accuracy": accuracy},
                    "serialization_dir": f"runs/nbsvm/n{size}-seed{seed}",
                    "history": [{"epoch": 0, "training_loss": 0.6, "validation_loss": 0.7,
                                 "training_accuracy": 0.8, "validation_accuracy": accuracy},
                                {"epoch": 1, "training_loss": 0.3, "validation_loss": 0.5,
                                 "training_accuracy": 0.9, "validation_accuracy": accuracy}]}) + "\n")
        handle.write(json.dumps({"config": "cnn", "size": 50, "seed": 0, "status": "failed", "error": "x"}) + "\n")
    written = report.write_report(str(tmp_path))
    assert {(r["config"], r["size"], r["runs"]) for r in written["rows"]} == {
        ("nbsvm", 50, 2), ("nbsvm", 500, 2), ("cnn", 50, 0)}
    assert (tmp_path / "learning_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = ElementTree.parse(tmp_path / "learning_curve.svg").getroot()
    assert svg.tag.endswith("svg")
    text = (tmp_path / "learning_curve.svg").read_text()
    assert "nbsvm (mean of 2 seeds)" in text and "Textflix BERT-large (GPU) (published)" in text
    assert "0.720 ± 0.028" in (tmp_path / "summary.md").read_text()
    assert (tmp_path / "summary.csv").read_text().splitlines()[0].startswith("config,size,metric,runs,failed,mean")
    for size in (50, 500):
        for seed in (0, 1):
            assert (tmp_path / "runs" / "nbsvm" / f"n{size}-seed{seed}" / "history.png").stat().st_size > 1000


def test_history_figure_draws_training_against_validation():
    figure = plots.history_figure([{"epoch": 0, "training_loss": 0.7, "validation_loss": 0.6,
                                    "validation_accuracy": 0.7}], title="one epoch")
    loss, accuracy = figure.axes
    assert [line.get_label() for line in loss.lines] == ["training", "validation"]
    assert [line.get_label() for line in accuracy.lines] == ["validation"]
    curve = plots.learning_curve_figure([], aggregate.TEXTFLIX_CURVES)
    published = [line for line in curve.axes[0].lines if line.get_label().endswith("(published)")]
    assert len(published) == 3 and all(line.get_linestyle() == "--" for line in published)  # dashed
    assert curve.axes[0].get_xscale() == "log"


def test_legend_says_how_many_seeds_each_curve_averages():
    def row(config, size, runs, mean):
        return {"config": config, "size": size, "runs": runs, "mean": mean, "std": 0.01 if runs > 1 else float("nan"),
                "min": mean - 0.01, "max": mean + 0.01}

    rows = [row("nbsvm", 10, 3, 0.6), row("nbsvm", 500, 3, 0.8), row("minilm", 10, 1, 0.55),
            row("minilm", 500, 3, 0.86), row("cnn", 500, 1, 0.7)]
    figure = plots.learning_curve_figure(rows, {})
    _, labels = figure.axes[0].get_legend_handles_labels()
    assert labels == ["nbsvm (mean of 3 seeds)", "minilm (1 to 3 seeds a size)", "cnn (1 seed)"]
