import csv
import math

from textflix_lib.tuning import report


def fold(trial, k, accuracy, status="ok", folds=3, **params):
    return {"trial_digest": trial, "fold": k, "folds": folds, "status": status, "params": params,
            "best_validation": {} if accuracy is None else {"accuracy": accuracy, "loss": 1 - accuracy},
            "training_seconds": 1.5, **({"error": "boom"} if status != "ok" else {})}


RECORDS = [
    *(fold("a", k, acc, C=0.1) for k, acc in enumerate([0.80, 0.82, 0.84])),
    *(fold("b", k, acc, C=1.0) for k, acc in enumerate([0.85, 0.86, 0.87])),
    fold("c", 0, 0.9, C=5.0), fold("c", 1, None, status="failed", C=5.0),   # failed on its second fold
    fold("d", 0, 0.95, C=9.0),                                                # stopped after one fold
]


def test_trials_ranked_by_mean_failed_and_partial_last():
    rows = report.trial_rows(RECORDS, "accuracy", "max")
    assert [(r["trial"], r["rank"]) for r in rows] == [("b", 1), ("a", 2), ("c", None), ("d", None)]
    assert math.isclose(rows[0]["mean"], 0.86) and math.isclose(rows[0]["std"], 0.01)
    assert rows[0]["training_seconds"] == 4.5 and rows[0]["fold_scores"] == [0.85, 0.86, 0.87]
    assert rows[2]["error"] == "boom" and rows[3]["error"] == "not every fold finished"
    assert math.isnan(rows[3]["mean"])


def test_lowest_first_for_a_minimised_metric():
    rows = report.trial_rows(RECORDS, "loss", "min")
    assert [r["trial"] for r in rows if r["complete"]] == ["b", "a"]


def test_a_retried_fold_counts_once():
    again = [*RECORDS[:3], fold("a", 1, 0.90, C=0.1)]
    [row] = report.trial_rows(again, "accuracy", "max")
    assert row["fold_scores"] == [0.80, 0.90, 0.84]


def test_markdown_and_csv(tmp_path):
    rows = report.trial_rows(RECORDS, "accuracy", "max")
    table = report.markdown_table(rows, ["C"], limit=3)
    assert "| 1 | 0.860 ± 0.010 | 1 | 0.850, 0.860, 0.870 |" in table
    assert "| — | failed | 5 | 0.900, — |" in table and "(1 more trials in trials.csv)" in table
    report.write_csv(rows, ["C"], str(tmp_path / "trials.csv"))
    with open(tmp_path / "trials.csv", encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    assert [line["rank"] for line in lines] == ["1", "2", "", ""]
    assert lines[0]["C"] == "1.0" and lines[0]["mean"] == "0.86" and lines[2]["error"] == "boom"


def test_a_trial_stopped_by_asha_says_so():
    rows = report.trial_rows(RECORDS, "accuracy", "max", stopped={"d": {"folds_done": 1}})
    assert rows[3]["trial"] == "d" and rows[3]["error"] == "stopped by ASHA after 1 of 3 folds"


def test_scores_plot_has_a_panel_per_hyper_parameter(tmp_path):
    from textflix_lib.tuning.plots import plot_scores

    records = [*RECORDS, *(fold("e", k, 0.7, C=0.5, ngrams=[1, 1]) for k in range(3))]
    for record in records[:-3]:
        record["params"]["ngrams"] = [1, 2]
    rows = report.trial_rows(records, "accuracy", "max")
    written = plot_scores(rows, ["C", "ngrams"], "accuracy", str(tmp_path / "scores"), log_keys=["C"])
    assert written == [str(tmp_path / "scores.png"), str(tmp_path / "scores.svg")]
    assert (tmp_path / "scores.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "scores.svg").read_text()
    # titles are drawn as glyph paths; matplotlib keeps each text in an id'd group or comment
    assert "by trial (2 unfinished not shown)" in svg and "C (best: 1)" in svg and "ngrams (best: [1, 2])" in svg
    assert plot_scores(rows[-2:], ["C"], "accuracy", str(tmp_path / "none")) == []
