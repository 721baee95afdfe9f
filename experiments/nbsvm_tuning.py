"""Choose NB-SVM's settings on the validation split (never the test split).

Featurizes once per preprocessing variant with scikit-learn's CountVectorizer (our
NgramAnalyzer), then runs scikit-learn's GridSearchCV over textflix's NBSVM estimator at two
training sizes (1,000 reviews and the whole pool, seed 0): one fit per setting on the
training reviews, scored by accuracy on the validation split (a `PredefinedSplit`: the
validation reviews are the only "fold"; no refit).

    .venv/bin/python experiments/nbsvm_tuning.py   # ~5 min on 2 cores
    .venv/bin/python experiments/nbsvm_tuning.py --sizes 1000 --out /tmp/tuning_1000.csv
Writes experiments/results/nbsvm_tuning.csv (or --out).
"""
import argparse
import csv
import os
import platform

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import GridSearchCV, PredefinedSplit

from textflix_lib.algorithms.nbsvm import NBSVM
from textflix_lib.algorithms.text_features import NgramAnalyzer
from textflix_lib.data.imdb import balanced_sample, embedded_split

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "results", "nbsvm_tuning.csv")
PREPROCESSING = {
    "textflix (negations kept)": dict(negation="keep"),
    "stop words incl. negations dropped": dict(negation="drop"),
    "negation scope marked": dict(negation="mark"),
    "no stop-word removal": dict(stop_words="none"),
}
# The settings in the order of the CSV (GridSearchCV walks each grid in sorted key order,
# the first key slowest: C, then beta, as the hand-written loop did).
GRID = [
    {"classifier": ["svm"], "C": [0.1, 1.0], "beta": [0.25, 1.0]},
    {"classifier": ["logreg"], "C": [1.0, 10.0, 100.0]},
]


def labels(reviews):
    return np.array([r.label == "pos" for r in reviews], dtype=int)


def validation_search(X_train, y_train, X_val, y_val) -> GridSearchCV:
    """Every setting of GRID fit on the training rows and scored on the validation rows."""
    X = sp.vstack([X_train, X_val], format="csr")
    y = np.concatenate([y_train, y_val])
    validation_only = PredefinedSplit(np.r_[np.full(len(y_train), -1), np.zeros(len(y_val), dtype=int)])
    search = GridSearchCV(NBSVM(), GRID, scoring="accuracy", cv=validation_only, refit=False, error_score="raise")
    return search.fit(X, y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,all", help="training sizes, comma-separated ('all': the whole pool)")
    parser.add_argument("--out", default=OUT, help="CSV to write")
    args = parser.parse_args()
    sizes = [None if size == "all" else int(size) for size in args.sizes.split(",")]
    split = embedded_split()
    rows = []
    for size in sizes:
        train = balanced_sample(split.train, size, seed=0)
        for name, options in PREPROCESSING.items():
            vectorizer = CountVectorizer(analyzer=NgramAnalyzer(**options), binary=True)
            X_train = vectorizer.fit_transform([r.text for r in train])
            X_val = vectorizer.transform([r.text for r in split.validation])
            results = validation_search(X_train, labels(train), X_val, labels(split.validation)).cv_results_
            for model_options, accuracy, seconds in zip(results["params"], results["mean_test_score"],
                                                         results["mean_fit_time"]):
                row = {"train_size": size or len(split.train), "preprocessing": name, **model_options,
                       "validation_accuracy": round(float(accuracy), 4), "fit_seconds": round(float(seconds), 2)}
                rows.append(row)
                print(row, flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    fields = ["train_size", "preprocessing", "classifier", "C", "beta", "validation_accuracy", "fit_seconds"]
    with open(args.out, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {args.out} ({platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
