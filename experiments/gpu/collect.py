"""Copy what experiments/gpu/run.sh brought back into experiments/results/gpu/ and check it here.

    .venv/bin/python experiments/gpu/collect.py DIR_WITH_RESULTS_TAR_GZ NAME

into experiments/results/gpu/NAME/ (one folder a device call), teacher files into
experiments/results/gpu/teacher/:

- summary.json, amp_bench.json, amp_profile.txt, steps.tsv, versions.json: as they came;
- profile_minilm_n500.jsonl: the learning-curve gpu profile's MiniLM points at 500 reviews;
- bert_large_phases.json: each BERT-large run's epoch phases (allennlp_main.py GPU_PHASES);
- teacher/minilm500_s{seed}.jsonl.gz and teacher/timings.jsonl: the self-training teachers.
  Each teacher file is checked against the embedded split of this checkout
  (textflix_lib.data.imdb): one line for every review of the training pool, validation and
  test, with the reader's `review_id` and split, in the split's order; p_pos within [0, 1].
"""
import gzip
import json
import os
import shutil
import sys
import tarfile
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, REPO)


def check_teacher(path):
    from textflix_lib.data.imdb import embedded_split

    split = embedded_split()
    expected = [(r.metadata["review_id"], name) for name in ("train", "validation", "test") for r in split[name]]
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    got = [(r["id"], r["split"]) for r in rows]
    if got != expected:
        raise SystemExit(f"{path}: ids/splits differ from the embedded split ({len(got)} lines, {len(expected)} expected)")
    if not all(0.0 <= r["p_pos"] <= 1.0 for r in rows):
        raise SystemExit(f"{path}: p_pos outside [0, 1]")
    labels = {r.metadata["review_id"]: r.label for name in ("train", "validation", "test") for r in split[name]}
    accuracy = {}
    for name in ("train", "validation", "test"):
        part = [r for r in rows if r["split"] == name]
        accuracy[name] = round(sum((r["p_pos"] >= 0.5) == (labels[r["id"]] == "pos") for r in part) / len(part), 4)
    return {"file": os.path.relpath(path, REPO), "lines": len(rows), "accuracy": accuracy}


def main():
    source, name = sys.argv[1], sys.argv[2]
    root = os.path.join(REPO, "experiments", "results", "gpu")
    target = os.path.join(root, name)
    os.makedirs(target, exist_ok=True)
    os.makedirs(os.path.join(root, "teacher"), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(os.path.join(source, "results.tar.gz")) as archive:
            archive.extractall(tmp, filter="data")
        results = os.path.join(tmp, "results")
        for item in ("summary.json", "amp_bench.json", "amp_profile.txt", "steps.tsv", "versions.json",
                     "profile_minilm_n500.jsonl"):
            if os.path.exists(os.path.join(results, item)) and os.path.getsize(os.path.join(results, item)):
                shutil.copy(os.path.join(results, item), os.path.join(target, item))
        for item in ("amp_bench.json", "run.log"):  # these come back beside results.tar.gz
            if os.path.exists(os.path.join(source, item)):
                shutil.copy(os.path.join(source, item), os.path.join(target, item))
        phases = {}
        for run in sorted(os.listdir(os.path.join(results, "runs"))):
            path = os.path.join(results, "runs", run, "phases.json")
            if run.startswith("bertl_") and os.path.exists(path):
                with open(path) as handle:
                    phases[run] = json.load(handle)
        # AllenNLP's own "Epoch duration" lines of each BERT-large run (from the joined logs)
        run, logs = None, os.path.join(results, "allennlp_logs.txt")
        for line in open(logs, errors="replace") if os.path.exists(logs) else []:
            if line.startswith("=================== "):
                run = line.split()[1].removeprefix("train_").removesuffix(".log")
            elif run in phases and "Epoch duration: " in line:
                h, m, sec = line.rsplit("Epoch duration: ", 1)[1].strip().split(":")
                phases[run].setdefault("epoch_durations_s", []).append(round(int(h) * 3600 + int(m) * 60 + float(sec), 2))
        with open(os.path.join(target, "bert_large_phases.json"), "w") as handle:
            json.dump(phases, handle, indent=1)
        checks = []
        teacher = os.path.join(results, "teacher")
        for item in sorted(os.listdir(teacher)) if os.path.isdir(teacher) else []:
            if not os.path.getsize(os.path.join(teacher, item)):
                continue
            shutil.copy(os.path.join(teacher, item), os.path.join(root, "teacher", item))
            if item.endswith(".jsonl.gz"):
                checks.append(check_teacher(os.path.join(root, "teacher", item)))
    if checks:
        with open(os.path.join(root, "teacher", "checks.json"), "w") as handle:
            json.dump(checks, handle, indent=1)
    print(json.dumps(checks, indent=1))


if __name__ == "__main__":
    main()
