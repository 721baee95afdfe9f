"""NB-SVM held-out test accuracy and fit time across training-set sizes, through AllenNLP.

For each size (100 ... 10,000 reviews, 3 seeds; and the whole pool once, since every seed
gives the same pool) it trains ``configs/nbsvm.jsonnet`` in this process with AllenNLP's
``train_model`` (exactly what ``allennlp train`` runs), evaluates on the embedded test split
and records accuracy, the one-pass fit time and the whole run's wall time. A plain
scikit-learn NB-SVM, written here independently of textflix (CountVectorizer, log-count
ratios, LinearSVC, sign of the margin), is fitted on the same reviews as a cross-check.

    .venv/bin/python experiments/nbsvm_benchmark.py [--sizes 100,200] [--seeds 3]

Finished runs are kept in experiments/results/nbsvm_benchmark.jsonl and skipped when the
script is run again (an interrupted benchmark resumes). The summary goes to
experiments/results/nbsvm_benchmark.md.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results", "nbsvm_benchmark.jsonl")
SUMMARY = os.path.join(HERE, "results", "nbsvm_benchmark.md")
TEXTFLIX = {100: 50.5, 200: 76.5, 500: 77, 1000: 77.5, 2000: 83, 5000: 84.5, 10000: 85}


def sklearn_nbsvm_accuracy(train, test, C, alpha):
    """The common scikit-learn NB-SVM recipe, written independently of textflix (sharing only
    the tokenizer): binary CountVectorizer features scaled by naive-Bayes log-count ratios,
    a LinearSVC with the same C, prediction by the sign of its margin. It has no interpolation
    and no probability calibration, so it checks the NB scaling and the SVM fit."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.svm import LinearSVC

    from textflix_lib.algorithms.text_features import NgramAnalyzer

    vectorizer = CountVectorizer(analyzer=NgramAnalyzer(), binary=True)
    X = vectorizer.fit_transform([r.text for r in train]).astype(float)
    y = np.array([r.label == "pos" for r in train], dtype=int)
    p = alpha + np.asarray(X[y == 1].sum(0)).ravel()
    q = alpha + np.asarray(X[y == 0].sum(0)).ravel()
    r = np.log(p / p.sum()) - np.log(q / q.sum())
    svm = LinearSVC(C=C, max_iter=10000, random_state=0).fit(X.multiply(r).tocsr(), y)
    X_test = vectorizer.transform([r.text for r in test]).astype(float)
    predicted = svm.predict(X_test.multiply(r).tocsr())
    gold = np.array([r.label == "pos" for r in test])
    return float((predicted == gold).mean())


def model_settings():
    """C, beta and alpha as configs/nbsvm.jsonnet sets them, for the cross-check."""
    from allennlp.common import Params

    model = Params.from_file(os.path.join(REPO, "configs", "nbsvm.jsonnet")).as_dict()["model"]
    return {"C": model.get("C", 1.0), "alpha": model.get("alpha", 1.0)}


def run_one(size, seed, serialization_dir):
    from allennlp.commands.train import train_model_from_file
    from allennlp.data.data_loaders import MultiProcessDataLoader
    from allennlp.training.util import evaluate

    overrides = {"dataset_reader.seed": seed, "model.seed": seed}
    if size is not None:
        overrides["dataset_reader.train_size"] = size
    started = time.time()
    model = train_model_from_file(os.path.join(REPO, "configs", "nbsvm.jsonnet"), serialization_dir,
                                  overrides=json.dumps(overrides), force=True)
    trained = time.time()
    with open(os.path.join(serialization_dir, "metrics.json")) as handle:
        train_metrics = json.load(handle)
    from allennlp.models.archival import load_archive

    archive = load_archive(os.path.join(serialization_dir, "model.tar.gz"))
    loader = MultiProcessDataLoader(archive.dataset_reader, "test", batch_size=256)
    loader.index_with(archive.model.vocab)
    test_metrics = evaluate(archive.model, loader)
    return {
        "test_accuracy": test_metrics["accuracy"],
        "validation_accuracy": train_metrics["validation_accuracy"],
        "fit_seconds": train_metrics["training_seconds"],
        "train_seconds": trained - started,
        "total_seconds": time.time() - started,
        "vocabulary": int(model.weights.shape[0]),
    }


def summarize(records):
    by_size = {}
    for record in records:
        by_size.setdefault(record["size"], []).append(record)
    lines = ["| training reviews | seeds | test accuracy (mean ± sd) | plain scikit-learn NB-SVM | fit s | train run s | Textflix |",
             "|---|---|---|---|---|---|---|"]
    for size in sorted(by_size, key=lambda s: (s is None, s or 0)):
        runs = by_size[size]
        accs = [r["test_accuracy"] for r in runs]
        sd = statistics.stdev(accs) if len(accs) > 1 else 0.0
        checks = [r["sklearn_test_accuracy"] for r in runs if r.get("sklearn_test_accuracy") is not None]
        check = f"{statistics.mean(checks):.3f}" if checks else "-"
        label = f"{runs[0]['train_reviews']:,} (whole pool)" if size is None else f"{size:,}"
        lines.append(
            f"| {label} | {len(runs)} | {statistics.mean(accs):.3f} ± {sd:.3f} | {check} | "
            f"{statistics.mean(r['fit_seconds'] for r in runs):.1f} | {statistics.mean(r['train_seconds'] for r in runs):.1f} | "
            f"{TEXTFLIX.get(size, '-')} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,200,500,1000,2000,5000,10000,all")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--runs", default=os.path.join(REPO, "runs", "benchmarks", "nbsvm"))
    parser.add_argument("--no-sklearn", action="store_true", help="skip the scikit-learn cross-check")
    parser.add_argument("--recheck", action="store_true",
                        help="recompute the scikit-learn cross-check for runs already recorded")
    args = parser.parse_args(argv)

    import textflix_lib  # noqa: F401  registers the components
    from textflix_lib.data.imdb import balanced_sample, embedded_split

    split = embedded_split()
    done = {}
    if os.path.exists(RESULTS):
        with open(RESULTS) as handle:
            for line in handle:
                record = json.loads(line)
                done[(record["size"], record["seed"])] = record
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    sizes = [None if s == "all" else int(s) for s in args.sizes.split(",")]
    if args.recheck:
        settings = model_settings()
        for key, record in done.items():
            record["sklearn_test_accuracy"] = sklearn_nbsvm_accuracy(
                balanced_sample(split.train, record["size"], record["seed"]), split.test, **settings)
            print(key, record["test_accuracy"], record["sklearn_test_accuracy"], flush=True)
        with open(RESULTS + ".tmp", "w") as handle:
            handle.writelines(json.dumps(record) + "\n" for record in done.values())
        os.replace(RESULTS + ".tmp", RESULTS)
    for size in sizes:
        for seed in range(1 if size is None else args.seeds):
            if (size, seed) in done:
                continue
            directory = os.path.join(args.runs, f"n{size or 'all'}-seed{seed}")
            record = {"size": size, "seed": seed, **run_one(size, seed, directory)}
            train = balanced_sample(split.train, size, seed)
            record["train_reviews"] = len(train)
            if not args.no_sklearn:
                record["sklearn_test_accuracy"] = sklearn_nbsvm_accuracy(train, split.test, **model_settings())
            record.update({"machine": f"{platform.machine()}, {os.cpu_count()} cores", "load_1min": os.getloadavg()[0]})
            with open(RESULTS, "a") as handle:  # one complete line per finished run
                handle.write(json.dumps(record) + "\n")
            done[(size, seed)] = record
            print(json.dumps(record), flush=True)
    records = [done[key] for key in done if key[0] in sizes]
    table = summarize(records)
    with open(SUMMARY, "w") as handle:
        handle.write(f"NB-SVM on the embedded IMDB split (test: {len(split.test):,} reviews); "
                     f"{platform.machine()}, {os.cpu_count()} cores; `python experiments/nbsvm_benchmark.py`\n\n{table}\n")
    print(table)


if __name__ == "__main__":
    sys.exit(main())
