"""Reproduce Textflix's headline figure: test accuracy against labelled training reviews.

Two profiles:

- `cpu`: NB-SVM, word vectors and the other cheap baselines (those configs that exist) at all
  nine sizes x 3 seeds, and MiniLM (configs/bert.jsonnet, the packaged all-MiniLM-L6-v2) up to
  1,000 reviews with the config's own CPU-sized budget (6 epochs, 64+190 word pieces; 20
  epochs up to 100 reviews and 10 at 200, where 6 epochs would be a handful of steps).
- `gpu`: NB-SVM and word vectors as above, and MiniLM (the packaged all-MiniLM-L6-v2, offline)
  at every size with Textflix's budget: 20 epochs, 128+382 word pieces, every epoch validated,
  one GPU per run. Nothing is downloaded; a Hugging Face model (BERT-base, BERT-large) is one
  more entry (see PROFILES). Its 500-review points, measured on an NVIDIA H200: docs/gpu.md.

    .venv/bin/python experiments/textflix_figure.py --profile cpu
    .venv/bin/python experiments/textflix_figure.py --profile gpu --dry-run   # check the plan
    .venv/bin/python experiments/textflix_figure.py --profile cpu --only nbsvm,word_vectors

Results go to experiments/results/textflix_<profile>/ (results.jsonl, summary.csv/.md,
learning_curve.png/.svg; each run's AllenNLP output under runs/, not committed). Running it
again resumes: recorded runs are skipped. `--ray-address` runs it on a Ray cluster.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
from typing import Any, Dict, List

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

ALL_SIZES = [10, 50, 100, 200, 500, 1000, 2000, 5000, 10000]
SMALL_SIZES = [size for size in ALL_SIZES if size <= 1000]


def transformer_budget(epochs: int, head: int, tail: int, transformer: str = None,
                       validate_every_epoch: bool = False) -> Dict[str, Any]:
    """Overrides of configs/bert.jsonnet: epochs, word pieces kept (head + tail) and encoder.
    On a CPU only the last epoch is validated (`validate_last_epoch`, the config's default);
    on a GPU every epoch is, and the best one is kept."""
    callbacks = [{"type": "resume_gradual_unfreezing"}]
    if not validate_every_epoch:
        callbacks.append({"type": "validate_last_epoch"})
    overrides: Dict[str, Any] = {
        "trainer.num_epochs": epochs,
        "trainer.callbacks": callbacks,
        "dataset_reader.tokenizer.head_tokens": head,
        "dataset_reader.tokenizer.tail_tokens": tail,
    }
    if transformer:
        for key in ("dataset_reader.tokenizer.model_name", "dataset_reader.token_indexers.tokens.model_name",
                    "model.text_field_embedder.token_embedders.tokens.model_name",
                    "model.seq2vec_encoder.model_name"):
            overrides[key] = transformer
    return overrides


# Word vectors below 500 reviews: an epoch is a few optimizer steps (4 at 100 reviews, batches
# of 32), so 60 epochs with patience 10 ended runs before they learned: in the first sweep a
# 100-review run stopped at epoch 11 with validation accuracy at chance (0.498), and a
# 200-review run was still improving at the 60-epoch limit (best epoch 55). Same
# steps-not-epochs budget as MiniLM's below.
WORD_VECTORS_BY_SIZE = {size: {"trainer.num_epochs": 200, "trainer.patience": 30} for size in (10, 50, 100, 200)}

# label, config, sizes, overrides, by_size (more overrides for some sizes), cpus per run, gpus per run
PROFILES: Dict[str, List[Dict[str, Any]]] = {
    "cpu": [
        {"label": "nbsvm", "config": "configs/nbsvm.jsonnet", "sizes": ALL_SIZES},
        {"label": "word_vectors", "config": "configs/word_vectors.jsonnet", "sizes": ALL_SIZES,
         "by_size": WORD_VECTORS_BY_SIZE},
        {"label": "bow_logreg", "config": "configs/bow_logreg.jsonnet", "sizes": ALL_SIZES},
        {"label": "cnn", "config": "configs/cnn.jsonnet", "sizes": ALL_SIZES},
        # configs/bert.jsonnet as it is (6 epochs, 64+190 word pieces: about 15 minutes of
        # training at 500 reviews on 2 cores, and 4 to score validation and test), with more
        # epochs below 500 reviews, where 6 epochs are a handful of optimizer steps (1 a
        # epoch at 10 reviews, batches of 16); Textflix trained 20 epochs at every size
        {"label": "minilm", "config": "configs/bert.jsonnet", "sizes": SMALL_SIZES, "cpus_per_run": 2,
         "by_size": {10: {"trainer.num_epochs": 20}, 50: {"trainer.num_epochs": 20},
                     100: {"trainer.num_epochs": 20}, 200: {"trainer.num_epochs": 10}}},
        # NB-SVM self-trained on the rest of the training pool (labels hidden; issue 10,
        # docs/models.md): up to 1,000 labels, where the unlabelled pool matters
        {"label": "self_training", "config": "configs/self_training.jsonnet", "sizes": [100, 200, 500, 1000]},
    ],
    "gpu": [
        {"label": "nbsvm", "config": "configs/nbsvm.jsonnet", "sizes": ALL_SIZES},
        {"label": "word_vectors", "config": "configs/word_vectors.jsonnet", "sizes": ALL_SIZES,
         "by_size": WORD_VECTORS_BY_SIZE},
        # the packaged MiniLM (offline) with Textflix's GPU budget. A Hugging Face model needs a
        # download or a local cache, so none is named here; a user with one adds an entry like
        #   {"label": "bert_large", "config": "configs/bert.jsonnet", "sizes": ALL_SIZES, "gpus_per_run": 1,
        #    "overrides": {**transformer_budget(epochs=20, head=128, tail=382, transformer="bert-large-uncased",
        #                                       validate_every_epoch=True),
        #                  "data_loader.batch_sampler.batch_size": 8}},
        # (transformer= takes a hub name or a local directory)
        {"label": "minilm", "config": "configs/bert.jsonnet", "sizes": ALL_SIZES,
         "overrides": transformer_budget(epochs=20, head=128, tail=382, validate_every_epoch=True), "gpus_per_run": 1},
    ],
}


def machine() -> Dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "load_average_1_5_15": [round(x, 2) for x in load] if load else None,
            "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="cpu")
    parser.add_argument("-s", "--serialization-dir", default=None,
                        help="default: experiments/results/textflix_<profile>")
    parser.add_argument("--only", default=None, help="comma-separated labels to run (default: all)")
    parser.add_argument("--seeds", default="3", help="a count or a comma-separated list (default: 3)")
    parser.add_argument("--max-size", type=int, default=None, help="leave out larger sizes")
    parser.add_argument("--sizes", default=None, help="only these of the profile's sizes (comma-separated)")
    parser.add_argument("--ray-address", default=None)
    parser.add_argument("--num-cpus", type=int, default=None, help="CPUs a local Ray may use")
    parser.add_argument("--dry-run", action="store_true", help="check the configs and print the plan only")
    parser.add_argument("--report-only", action="store_true",
                        help="train nothing: redraw the table, figure and targets from results.jsonl")
    args = parser.parse_args()

    import textflix_lib  # noqa: F401  registers the components (and imports AllenNLP)
    from textflix_lib.learning_curves.configs import load_configs
    from textflix_lib.learning_curves import plan, report
    from textflix_lib.learning_curves.sweep import run_sweep

    os.chdir(REPO)
    out_dir = args.serialization_dir or os.path.join("experiments", "results", f"textflix_{args.profile}")
    seeds = plan.parse_seeds(args.seeds)
    only = set(args.only.split(",")) if args.only else None
    entries = [e for e in PROFILES[args.profile] if (only is None or e["label"] in only) and not args.report_only]
    groups: Dict[tuple, List[plan.RunSpec]] = {}
    for entry in entries:
        if not os.path.exists(entry["config"]):
            print(f"skipping {entry['label']}: {entry['config']} does not exist yet", flush=True)
            continue
        sizes = [s for s in entry["sizes"] if (args.max_size is None or s <= args.max_size)
                 and (args.sizes is None or s in plan.parse_sizes(args.sizes))]
        runs = []
        # one config per distinct set of overrides (some sizes get their own: `by_size`);
        # all keep the entry's label, so they make one curve
        by_overrides: Dict[str, List[int]] = {}
        for size in sizes:
            overrides = {**entry.get("overrides", {}), **entry.get("by_size", {}).get(size, {})}
            by_overrides.setdefault(json.dumps(overrides, sort_keys=True), []).append(size)
        for overrides, group_sizes in by_overrides.items():
            [config] = load_configs([f"{entry['label']}={entry['config']}"], overrides)
            runs.extend(plan.plan_runs([config], group_sizes, seeds))
        runs.sort(key=lambda run: (run.size, run.seed))
        for run in runs:
            run.params()  # fails here on a config unfit for a learning curve
        resources = (entry.get("cpus_per_run", 1), entry.get("gpus_per_run", 0))
        groups.setdefault(resources, []).extend(runs)
        print(f"{entry['label']}: {plan.describe(runs)}; cpus/gpus per run {resources}", flush=True)
    if args.dry_run:
        print("dry run: configs evaluated and every run's parameters built; nothing trained")
        return
    os.makedirs(out_dir, exist_ok=True)
    log = os.path.join(out_dir, "sweeps.jsonl")
    for (cpus, gpus), runs in groups.items():
        started, before = time.time(), machine()
        outcome = run_sweep(runs, out_dir, ray_address=args.ray_address, cpus_per_run=cpus, gpus_per_run=gpus,
                            num_cpus=args.num_cpus)
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({
                "profile": args.profile, "configs": sorted({r.config.label for r in runs}),
                "planned": outcome.planned, "finished": outcome.finished, "failed": outcome.failed,
                "skipped": outcome.skipped, "workers": outcome.workers, "cpus_per_run": cpus,
                "gpus_per_run": gpus, "wall_seconds": round(time.time() - started, 1),
                "machine_before": before, "machine_after": machine(),
            }) + "\n")
        print(f"{sorted({r.config.label for r in runs})}: {outcome.finished} runs in "
              f"{time.time() - started:.0f} s ({outcome.failed} failed), skipped {outcome.skipped}", flush=True)
    written = report.write_report(out_dir, title=f"Textflix figure, {args.profile} profile (held-out test split)")
    print(open(os.path.join(out_dir, "summary.md"), encoding="utf-8").read() if written["rows"] else "no results")
    if written["rows"]:
        targets = check_targets(written["rows"])
        with open(os.path.join(out_dir, "targets.json"), "w", encoding="utf-8") as handle:
            json.dump(targets, handle, indent=2)
        print(json.dumps(targets, indent=2))


def check_targets(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Issue 5's targets: NB-SVM and word vectors above Textflix's curves at every size from 200
    up; the best CPU model at 500 reviews within 5 points of Textflix's BERT-large."""
    from textflix_lib.learning_curves.aggregate import TEXTFLIX_CURVES, margins

    result: Dict[str, Any] = {}
    for config, reference in (("nbsvm", "Textflix NB-SVM"), ("word_vectors", "Textflix GloVe sum")):
        above = {size: round(m, 4) for size, m in margins(rows, config, TEXTFLIX_CURVES[reference]).items()
                 if size >= 200}
        if above:
            result[f"{config} minus {reference}, sizes >= 200"] = above
            result[f"{config} beats {reference} at every size >= 200"] = all(m > 0 for m in above.values())
    at_500 = [r for r in rows if r["size"] == 500 and r["runs"] > 0]
    if at_500:
        best = max(at_500, key=lambda r: r["mean"])
        bert_large = TEXTFLIX_CURVES["Textflix BERT-large (GPU)"][500]
        result["best model at 500"] = {"config": best["config"], "mean": round(best["mean"], 4),
                                       "runs": best["runs"], "minus Textflix BERT-large": round(best["mean"] - bert_large, 4),
                                       "within 5 points": best["mean"] >= bert_large - 0.05}
    return result


if __name__ == "__main__":
    main()
