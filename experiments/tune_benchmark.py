"""NB-SVM at 100 and 500 reviews, seeds 0-2: test accuracy with the config's defaults, with
settings tuned by 5-fold cross-validation inside the training sample alone, and with settings
tuned on the 1,000-review validation split; and the wall time of each search.

    nice .venv/bin/python experiments/tune_benchmark.py [--sizes 100,500] [--seeds 0,1,2] \\
        [--trials 30] [--folds 5] [--num-cpus 2] [--model nbsvm|word_vectors] [--scheduler fifo|asha]
    .venv/bin/python experiments/tune_benchmark.py --summary    # the tables of results.jsonl

Each search is `textflix_lib.tuning.search.run_search` (what `allennlp tune` runs): TPE (seeded
with the sample's seed), `configs/tune/nbsvm.jsonnet` (C, beta, stop words, n-gram range), the
config's own values as the first trial, `--train-best` (the winner trained on the whole sample
and scored once on the test split). The defaults are one run of the config on the same sample.
The test split chooses nothing: it is scored once per (size, seed, method), after the choice.

One line per (size, seed, method) is appended to `experiments/results/tune/results.jsonl` with
the wall time and `uptime`'s load before and after (the 2 cores are shared); a rerun skips
what is there, and each search resumes from its own `folds.jsonl` under
`experiments/results/tune/searches/` (its summary.md, trials.csv and scores.png stay there).
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
OUT = os.path.join(REPO, "experiments", "results", "tune")
MODELS = ("nbsvm", "word_vectors")


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def done_keys(path: str):
    keys = set()
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                keys.add((entry.get("model", "nbsvm"), entry["size"], entry["seed"], entry["method"]))
    return keys


def append(path: str, entry) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,500")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--num-cpus", type=int, default=2)
    parser.add_argument("--model", choices=MODELS, default="nbsvm",
                        help="configs/MODEL.jsonnet searched over configs/tune/MODEL.jsonnet")
    parser.add_argument("--scheduler", choices=("fifo", "asha"), default="fifo",
                        help="for the cross-validated search (the validation search is one run a trial)")
    parser.add_argument("--summary", action="store_true", help="print the tables of results.jsonl and stop")
    args = parser.parse_args()
    if args.summary:
        print(summary(os.path.join(OUT, "results.jsonl")))
        return

    import ray

    from textflix_lib.learning_curves.configs import load_configs
    from textflix_lib.learning_curves.worker import RunWorker
    from textflix_lib.tuning.search import run_search

    os.makedirs(OUT, exist_ok=True)
    results = os.path.join(OUT, "results.jsonl")
    done = done_keys(results)
    config_path = os.path.join(REPO, "configs", f"{args.model}.jsonnet")
    space_path = os.path.join(REPO, "configs", "tune", f"{args.model}.jsonnet")
    ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False)
    worker = None
    machine = f"{platform.node()}: {os.cpu_count()} CPUs, no GPU; Ray with num_cpus={args.num_cpus}"
    try:
        for seed in map(int, args.seeds.split(",")):
            for size in map(int, args.sizes.split(",")):
                overrides = {"dataset_reader.train_size": size, "dataset_reader.seed": seed}
                if args.model == "nbsvm":
                    overrides["model.seed"] = seed
                else:
                    overrides.update(random_seed=seed, numpy_seed=seed, pytorch_seed=seed)
                for method in ("defaults", "validation", "cv"):
                    if (args.model, size, seed, method) in done:
                        continue
                    before, started = load(), time.time()
                    [config] = load_configs([config_path], json.dumps(overrides), test_data_path="test")
                    entry = {"model": args.model, "size": size, "seed": seed, "method": method, "machine": machine,
                             "command": "experiments/tune_benchmark.py " + " ".join(sys.argv[1:])}
                    if method == "defaults":
                        if worker is None:
                            worker = RunWorker()
                        directory = os.path.join(OUT, "defaults", f"{args.model}-n{size}-seed{seed}"
                                                 if args.model != "nbsvm" else f"n{size}-seed{seed}")
                        record = worker.run({"params": {**config.params, "evaluate_on_test": True},
                                             "serialization_dir": directory})
                        if record["status"] != "ok":
                            raise RuntimeError(f"defaults n={size} seed={seed}: {record['error']}")
                        entry.update(test_accuracy=record["test"]["accuracy"], params="config")
                    else:
                        folds = args.folds if method == "cv" else None
                        name = f"{method}-n{size}-seed{seed}"
                        directory = os.path.join(OUT, "searches", name if args.model == "nbsvm" else f"{args.model}-{name}")
                        outcome = run_search(config, space_path, directory, trials=args.trials, folds=folds, search="tpe",
                                             scheduler=args.scheduler if folds else "fifo", seed=seed, train_best=True,
                                             progress=False)
                        entry.update(test_accuracy=outcome.best_run["test"]["accuracy"],
                                     params=outcome.best["params"], search_score=outcome.best["mean"],
                                     search_std=outcome.best["std"], trials=outcome.trials,
                                     folds=args.folds if folds else 0, runs_trained=outcome.folds_trained,
                                     scheduler=args.scheduler if folds else "fifo",
                                     stopped=sum(1 for r in outcome.rows if "stopped by ASHA" in str(r["error"])),
                                     runs_reused=outcome.folds_reused,
                                     config_rank=next((r["rank"] for r in outcome.rows if r["is_config"]), None))
                    entry.update(wall_seconds=round(time.time() - started, 1), load_before=before, load_after=load())
                    append(results, entry)
                    print(json.dumps(entry), flush=True)
    finally:
        ray.shutdown()


def summary(path: str) -> str:
    """Markdown: test accuracy by model, size and method (mean ± std over seeds, each seed), search
    wall times with their load."""
    import statistics

    with open(path, encoding="utf-8") as handle:
        entries = [json.loads(line) for line in handle if line.strip()]
    names = {"defaults": "config's defaults", "cv": "tuned by 5-fold CV on the sample",
             "validation": "tuned on the validation split (1,000 reviews)"}
    lines = ["| model | reviews | settings | test accuracy (mean ± std over seeds) | per seed | search wall time per seed |",
             "|---|---|---|---|---|---|"]
    for model, size in sorted({(e.get("model", "nbsvm"), e["size"]) for e in entries}):
        for method in ("defaults", "cv", "validation"):
            rows = sorted((e for e in entries if e.get("model", "nbsvm") == model and e["size"] == size
                           and e["method"] == method), key=lambda e: e["seed"])
            if not rows:
                continue
            accuracy = [e["test_accuracy"] for e in rows]
            spread = f" ± {statistics.stdev(accuracy):.3f}" if len(accuracy) > 1 else ""
            seeds = ", ".join(f"{e['seed']}: {e['test_accuracy']:.3f}" for e in rows)
            walls = ", ".join(f"{e['wall_seconds']:.0f} s" for e in rows) if method != "defaults" else "—"
            lines.append(f"| {model} | {size} | {names[method]} | {statistics.mean(accuracy):.3f}{spread} ({len(rows)} seeds) | "
                         f"{seeds} | {walls} |")
    lines += ["", "| model | reviews | seed | method | trials x runs | wall | load before | load after | chosen |",
              "|---|---|---|---|---|---|---|---|---|"]
    for e in sorted(entries, key=lambda e: (e.get("model", "nbsvm"), e["size"], e["seed"], e["method"])):
        if e["method"] == "defaults":
            continue
        load_before = e["load_before"].split("load average:")[-1].strip()
        load_after = e["load_after"].split("load average:")[-1].strip()
        chosen = ", ".join(f"{k.split('.')[-1]}={json.dumps(round(v, 3) if isinstance(v, float) else v)}"
                           for k, v in e["params"].items())
        runs = f"{e['trials']} x {e['folds'] or 1}" + (f", ASHA stopped {e['stopped']}" if e.get("stopped") else "")
        lines.append(f"| {e.get('model', 'nbsvm')} | {e['size']} | {e['seed']} | {e['method']} | {runs} ({e['runs_trained']} trained) | "
                     f"{e['wall_seconds']:.0f} s | {load_before} | {load_after} | {chosen} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
