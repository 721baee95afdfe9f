"""The table and figures of a sweep directory, from its `results.jsonl` alone.

Writes, under OUT: `summary.csv` (one row per config and size), `summary.md` (configs by
sizes, mean ± std, Textflix's published curves below), `learning_curve.png`/`.svg`, and for
every successful run `runs/<config>/n<size>-seed<seed>/history.png` (loss and accuracy per
epoch). Everything comes from the records, so a sweep gathered from a cluster is reported the
same way.
"""
import os
from typing import Any, Dict, List, Mapping, Optional

from textflix_lib.learning_curves import aggregate, plots
from textflix_lib.learning_curves.store import OK, RESULTS_FILE, ResultStore, latest


def load_records(out_dir: str) -> List[Dict[str, Any]]:
    return ResultStore(os.path.join(out_dir, RESULTS_FILE)).read()


def write_report(
    out_dir: str,
    metric: str = aggregate.DEFAULT_METRIC,
    references: Optional[Mapping[str, Mapping[int, float]]] = None,
    histories: bool = True,
    title: Optional[str] = "Accuracy against labelled training reviews",
) -> Dict[str, Any]:
    """Write the report files; returns `rows` (the summary) and `files` (what was written)."""
    references = aggregate.TEXTFLIX_CURVES if references is None else references
    records = load_records(out_dir)
    rows = aggregate.summarize(records, metric)
    files: List[str] = []
    if not rows:
        return {"rows": rows, "files": files}
    aggregate.write_csv(rows, os.path.join(out_dir, "summary.csv"))
    with open(os.path.join(out_dir, "summary.md"), "w", encoding="utf-8") as handle:
        handle.write(f"{metric} by labelled training reviews (mean ± sample std over seeds)\n\n")
        handle.write(aggregate.markdown_table(rows, references))
    files += [os.path.join(out_dir, "summary.csv"), os.path.join(out_dir, "summary.md")]
    label = metric.replace("test.", "test ").replace("_", " ")
    figure = plots.learning_curve_figure(rows, references, metric_label=label, title=title)
    files += plots.save(figure, os.path.join(out_dir, "learning_curve"))
    if histories:
        files += write_histories(out_dir, records)
    return {"rows": rows, "files": files}


def write_histories(out_dir: str, records: List[Dict[str, Any]]) -> List[str]:
    written = []
    for record in latest(records).values():
        if record.get("status") != OK or not record.get("history"):
            continue
        title = f"{record['config']}: {record['size']} reviews, seed {record['seed']}"
        stem = os.path.join(out_dir, record["serialization_dir"], "history")
        written += plots.save(plots.history_figure(record["history"], title), stem, formats=("png",))
    return written
