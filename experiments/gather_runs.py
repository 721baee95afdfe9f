"""Gather finished `allennlp train` / `allennlp evaluate` runs into one JSON-lines record each.

    .venv/bin/python experiments/gather_runs.py experiments/results/self_training/cpu_teacher/registered.jsonl \
        runs/st_teacher_pred_s0 runs/st_teacher_pred_s1 runs/st_teacher_pred_s2

For each run directory D (or D=PREFIX, when its logs are PREFIX.log and PREFIX.eval.log): D/metrics.json (training and validation), D/test_metrics.json
(`allennlp evaluate ... --output-file`), and the `/usr/bin/time -v` figures (user and system
CPU seconds, wall clock, peak memory) of the logs D.log (training) and D.eval.log
(evaluation) where they exist; plus the run's config overrides that tell runs apart (the
reader's seed and train_size, the model's teacher). The output file is rewritten with the
records of the runs given, plus, with --update, the records it already held for other runs (run
directories are git-ignored, so a fresh checkout that reruns seeds 1 and 2 keeps seed 0's record);
records are ordered by train size, seed and run.

    .venv/bin/python experiments/gather_runs.py --update experiments/results/self_training/cpu_teacher/mpnet1000.jsonl \
        runs/teachers/mpnet1000_s1_cpu_bf16 runs/teachers/mpnet1000_s2_cpu_bf16
"""
import json
import os
import re
import sys

TIME_FIELDS = {
    "User time (seconds)": "user_s",
    "System time (seconds)": "system_s",
    "Elapsed (wall clock) time (h:mm:ss or m:ss)": "wall",
    "Maximum resident set size (kbytes)": "max_rss_kb",
}


def time_figures(log_path):
    figures = {}
    if not os.path.isfile(log_path):
        return figures
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = re.match(r"\s*(.+?): (.+)$", line.rstrip("\n"))
            if match and match.group(1) in TIME_FIELDS:
                figures[TIME_FIELDS[match.group(1)]] = match.group(2).strip()
    return figures


def gather(spec):
    run, _, prefix = spec.partition("=")
    run = run.rstrip("/")
    prefix = prefix or run
    record = {"run": run}
    config = json.load(open(os.path.join(run, "config.json")))
    record["train_size"] = config["dataset_reader"].get("train_size")
    record["seed"] = config["dataset_reader"].get("seed")
    for key in ("teacher", "teacher_weight", "prediction_teacher_weight", "prediction_teacher_windows"):
        if key in config["model"]:
            record[key] = config["model"][key]
    for name, key in (("metrics.json", "training"), ("test_metrics.json", "test")):
        path = os.path.join(run, name)
        if os.path.isfile(path):
            record[key] = json.load(open(path))
    for suffix, key in ((".log", "train_time"), (".eval.log", "evaluate_time")):
        figures = time_figures(prefix + suffix)
        if figures:
            record[key] = figures
    return record


def read_records(path):
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path}, line {number}: expected one JSON record per line ({error})")
            if not isinstance(record, dict) or "run" not in record:
                raise SystemExit(f"{path}, line {number}: expected a JSON object with a \"run\" field")
            records.append(record)
    return records


def merge(old, new):
    """The new records, and the old ones whose run is not among them, ordered by size, seed and run."""
    fresh = {record["run"] for record in new}
    kept = [record for record in old if record["run"] not in fresh]
    return sorted(kept + new, key=lambda r: (r.get("train_size") or 0, r.get("seed") or 0, r["run"]))


def main():
    args = sys.argv[1:]
    update = "--update" in args
    args = [arg for arg in args if arg != "--update"]
    if not args:
        raise SystemExit("usage: gather_runs.py [--update] OUT.jsonl RUN_DIR[=LOG_PREFIX] ...")
    out, runs = args[0], args[1:]
    records = [gather(run) for run in runs]
    if update and os.path.isfile(out):
        records = merge(read_records(out), records)
    with open(out, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    for r in records:
        test = r.get("test", {})
        print(r["run"], r["seed"], "validation", r.get("training", {}).get("validation_accuracy"), "test", test.get("accuracy"),
              "student", test.get("student_accuracy"), "teacher", test.get("teacher_accuracy"))


if __name__ == "__main__":
    main()
