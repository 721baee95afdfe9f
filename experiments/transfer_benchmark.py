"""Transfer-learning models at 500 labelled reviews: held-out test accuracy over seeds, and
the validation runs behind the MiniLM settings.

Benchmark (issue 3, point 7): word vectors, the 1-D CNN, bag-of-words logistic regression
and MiniLM (configs/bert.jsonnet), each trained on a class-balanced sample of 500 reviews
for seeds 0, 1, 2, then scored once on the fixed test split with AllenNLP's evaluation.

    .venv/bin/python experiments/transfer_benchmark.py
    .venv/bin/python experiments/transfer_benchmark.py --models word_vectors,cnn --seeds 0

Tuning: MiniLM variants (truncation, learning rate, epochs, unfreezing schedule) given as
arguments of configs/lib/transformer_classifier.libsonnet, and word-vector variants (frozen
or fine-tuned; sum, mean or max pooling) as overrides of configs/word_vectors.jsonnet,
trained on seed 0's 500 reviews and scored on the validation split only (the test split is
never used for choices).

    .venv/bin/python experiments/transfer_benchmark.py --tune plain_256,head_tail_256
    .venv/bin/python experiments/transfer_benchmark.py --tune word_vectors_frozen_sum,word_vectors_fine_tuned_mean

Each run lives in runs/transfer_benchmark/<name>/seed<k>/ (AllenNLP's serialization
directory; not committed). Results are appended to experiments/results/transfer_benchmark.jsonl
(one line per run: accuracy, seconds per epoch, total time, machine and load), and the
summary (mean, standard deviation, range per model) is rewritten to transfer_benchmark.json.
Running it again resumes: recorded runs are skipped, a trained archive is scored without
retraining, and an interrupted MiniLM run continues from its last epoch (`--recover`).
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from typing import Any, Dict, List, Optional

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

RESULTS = os.path.join(REPO, "experiments", "results")
RUNS = os.path.join(REPO, "runs", "transfer_benchmark")

MODELS = {
    "word_vectors": "configs/word_vectors.jsonnet",
    "cnn": "configs/cnn.jsonnet",
    "bow_logreg": "configs/bow_logreg.jsonnet",
    "minilm": "configs/bert.jsonnet",
    # the word-vector model before sparse gradients (dense Adam over all 400,000 rows)
    "word_vectors_dense": "configs/word_vectors.jsonnet",
    # the CNN before sparse gradients and 60 epochs
    "cnn_dense_40_epochs": "configs/cnn.jsonnet",
}


def word_vector_variant(trainable: bool, pooling: str) -> Dict[str, Any]:
    """Overrides of configs/word_vectors.jsonnet: frozen or fine-tuned vectors, and the pooling."""
    return {"model.text_field_embedder.token_embedders.tokens.trainable": trainable,
            "model.text_field_embedder.token_embedders.tokens.sparse": trainable,
            "trainer.optimizer.type": "dense_sparse_adam" if trainable else "adam",
            "model.seq2vec_encoder.mode": pooling}


# config overrides of a model above, or of a word-vector variant below
OVERRIDES = {
    "word_vectors_dense": {"model.text_field_embedder.token_embedders.tokens.sparse": False,
                           "trainer.optimizer.type": "adam"},
    "cnn_dense_40_epochs": {"model.text_field_embedder.token_embedders.tokens.sparse": False,
                            "trainer.optimizer.type": "adam", "trainer.num_epochs": 40},
}
# word-vector variants scored on validation (tuning): configs/word_vectors.jsonnet with overrides
WORD_VECTOR_TUNING = {
    f"word_vectors_{'fine_tuned' if trainable else 'frozen'}_{pooling}": word_vector_variant(trainable, pooling)
    for trainable in (False, True) for pooling in ("sum", "mean", "max")
}
OVERRIDES.update(WORD_VECTOR_TUNING)

# MiniLM variants scored on validation: arguments of configs/lib/transformer_classifier.libsonnet.
# head_tokens + tail_tokens word pieces are kept (+2 special tokens).
TUNING = {
    "head_tail_256": {"head_tokens": 64, "tail_tokens": 190, "epochs": 10, "layers_per_group": 1},
    "plain_256": {"head_tokens": 254, "tail_tokens": 0, "epochs": 10, "layers_per_group": 1},
    "head_tail_256_6_epochs_pairs": {"head_tokens": 64, "tail_tokens": 190, "epochs": 6, "layers_per_group": 2},
    "plain_256_6_epochs_pairs": {"head_tokens": 254, "tail_tokens": 0, "epochs": 6, "layers_per_group": 2},
    "head_tail_128_6_epochs_pairs": {"head_tokens": 32, "tail_tokens": 94, "epochs": 6, "layers_per_group": 2},
    "head_tail_256_6_epochs_no_unfreezing": {"head_tokens": 64, "tail_tokens": 190, "epochs": 6,
                                             "layers_per_group": 2, "gradual_unfreezing": False},
}


def machine() -> Dict[str, Any]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "torch_threads": __import__("torch").get_num_threads(),
        "gpu": __import__("torch").cuda.is_available(),
    }


def load() -> List[float]:
    return [round(x, 2) for x in os.getloadavg()]


def recorded(path: str) -> List[Dict[str, Any]]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def seconds(duration: str) -> float:
    """AllenNLP's "H:MM:SS.ffffff" training_duration in seconds."""
    hours, minutes, secs = duration.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(secs)


def epoch_seconds(run_dir: str, epochs: int) -> List[float]:
    """Each epoch's duration (training plus any validation), from AllenNLP's per-epoch
    metrics. Their `training_duration` is cumulative within one process, so it restarts
    after `--recover`."""
    cumulative = [seconds(json.load(open(os.path.join(run_dir, f"metrics_epoch_{k}.json")))["training_duration"])
                  for k in range(epochs)]
    return [now - before if now > before else now for before, now in zip([0.0] + cumulative, cumulative)]


def tuning_config(name: str, run_dir: str) -> str:
    """Write the variant's full config (the library function with the variant's arguments)."""
    import _jsonnet

    args = ", ".join(f"{key}={json.dumps(value)}" for key, value in TUNING[name].items())
    library = os.path.join(REPO, "configs", "lib", "transformer_classifier.libsonnet")
    source = f'(import {json.dumps(library)})({args})'
    path = os.path.join(run_dir + ".config.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(_jsonnet.evaluate_snippet("tuning", source))
    return path


def train(config: str, run_dir: str, overrides: Dict[str, Any]) -> Optional[float]:
    """Train unless the archive exists; resume an interrupted run. Returns the wall time, or
    None when an earlier run's archive was reused."""
    from allennlp.commands.train import train_model_from_file

    if os.path.exists(os.path.join(run_dir, "model.tar.gz")):
        return None
    recover = os.path.exists(os.path.join(run_dir, "config.json"))
    started = time.time()
    train_model_from_file(config, run_dir, overrides=json.dumps(overrides), recover=recover, force=not recover)
    return time.time() - started


def run_one(name: str, config: str, seed: int, train_size: int, split: str, results: str) -> Dict[str, Any]:
    from allennlp.commands.evaluate import evaluate_from_archive

    run_dir = os.path.join(RUNS, name, f"seed{seed}")
    overrides = {"dataset_reader.train_size": train_size, "dataset_reader.seed": seed,
                 "random_seed": seed, "numpy_seed": seed, "pytorch_seed": seed, **OVERRIDES.get(name, {})}
    load_before = load()
    wall = train(config, run_dir, overrides)
    metrics = json.load(open(os.path.join(run_dir, "metrics.json")))
    epochs = metrics["epoch"] + 1
    per_epoch = epoch_seconds(run_dir, epochs)
    training_seconds = sum(per_epoch)
    started = time.time()
    if split == "validation" and "best_validation_accuracy" in metrics:
        # the trainer scored the archived weights on validation: the best epoch's (word
        # vectors, with patience) or the last epoch's, the only one validated (MiniLM)
        scores = {"accuracy": metrics["best_validation_accuracy"], "loss": metrics["best_validation_loss"]}
    else:
        scores = evaluate_from_archive(os.path.join(run_dir, "model.tar.gz"), split,
                                       metrics_output_file=os.path.join(run_dir, f"{split}_metrics.json"))
    row = {
        "model": name,
        "config": config if not config.startswith(RUNS) else os.path.relpath(config, REPO),
        "variant": TUNING.get(name, OVERRIDES.get(name)),
        "seed": seed,
        "train_size": train_size,
        "split": split,
        "accuracy": scores["accuracy"],
        "loss": scores["loss"],
        "validation_accuracy_during_training": metrics.get("best_validation_accuracy", metrics.get("validation_accuracy")),
        "epochs": epochs,
        "best_epoch": metrics.get("best_epoch"),
        "seconds_per_epoch": round(training_seconds / epochs, 1),
        "epoch_seconds": [round(x, 1) for x in per_epoch],
        "training_seconds": round(training_seconds, 1),
        "total_train_seconds": None if wall is None else round(wall, 1),
        f"{split}_seconds": round(time.time() - started, 1),
        "load_before": load_before,
        "load_after": load(),
        "finished": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
    }
    with open(results, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row) + "\n")
    return row


def summarize(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    summary: Dict[str, Any] = {}
    for key in sorted({(r["model"], r["split"], r["train_size"]) for r in rows}):
        group = [r for r in rows if (r["model"], r["split"], r["train_size"]) == key]
        accuracies = [r["accuracy"] for r in group]
        per_epoch = [r["seconds_per_epoch"] for r in group]
        totals = [r["total_train_seconds"] for r in group if r["total_train_seconds"] is not None]
        summary[f"{key[0]}/{key[1]}/{key[2]}"] = {
            "model": key[0], "split": key[1], "train_size": key[2],
            "seeds": [r["seed"] for r in group],
            "accuracy_mean": round(statistics.mean(accuracies), 4),
            "accuracy_std": round(statistics.stdev(accuracies), 4) if len(accuracies) > 1 else None,
            "accuracy_min": min(accuracies), "accuracy_max": max(accuracies),
            "seconds_per_epoch_mean": round(statistics.mean(per_epoch), 1),
            "total_train_seconds_mean": round(statistics.mean(totals), 1) if totals else None,
            "epochs": [r["epochs"] for r in group],
            "load_during": [r["load_before"][0] for r in group],
        }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default=",".join(MODELS), help=f"comma-separated, of {sorted(MODELS)}")
    parser.add_argument("--tune", default=None,
                        help=f"comma-separated variants of {sorted(TUNING) + sorted(WORD_VECTOR_TUNING)}")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--train-size", type=int, default=500)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default: 2, the machine's cores)")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    import textflix_lib  # noqa: F401  registers the components (and imports AllenNLP)

    os.chdir(REPO)
    os.makedirs(RESULTS, exist_ok=True)
    if args.tune:
        # MiniLM variants write their config (None here); word-vector variants override the config
        jobs = [(name, MODELS["word_vectors"] if name in WORD_VECTOR_TUNING else None, "validation")
                for name in args.tune.split(",")]
        seeds = [0]
        results = os.path.join(RESULTS, "transfer_tuning.jsonl")
    else:
        jobs = [(name, MODELS.get(name), "test") for name in args.models.split(",")]
        seeds = [int(s) for s in args.seeds.split(",")]
        results = os.path.join(RESULTS, "transfer_benchmark.jsonl")
    for name, config, split in jobs:
        if name not in ({**TUNING, **WORD_VECTOR_TUNING} if args.tune else MODELS):
            parser.error(f"unknown name {name!r}")
        for seed in seeds:
            done = {(r["model"], r["seed"], r["train_size"]) for r in recorded(results)}
            if (name, seed, args.train_size) in done:
                print(f"{name} seed {seed}: recorded, skipped", flush=True)
                continue
            path = config or tuning_config(name, os.path.join(RUNS, name, f"seed{seed}"))
            row = run_one(name, path, seed, args.train_size, split, results)
            print(f"{name} seed {seed}: {split} accuracy {row['accuracy']:.4f}, {row['epochs']} epochs, "
                  f"{row['seconds_per_epoch']} s/epoch, load {row['load_before']}", flush=True)
    if not args.tune:
        with open(os.path.join(RESULTS, "transfer_benchmark.json"), "w", encoding="utf-8") as handle:
            json.dump(summarize(recorded(results)), handle, indent=2)
    else:
        with open(os.path.join(RESULTS, "transfer_tuning.json"), "w", encoding="utf-8") as handle:
            json.dump(summarize(recorded(results)), handle, indent=2)


if __name__ == "__main__":
    main()
