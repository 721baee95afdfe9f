"""Choose NB-SVM's settings on the validation split (never the test split).

Featurizes once per preprocessing variant with scikit-learn's CountVectorizer (our
NgramAnalyzer), then fits textflix's NBSVM estimator for each setting at two training sizes
(1,000 reviews and the whole pool, seed 0) and reports validation accuracy.

    .venv/bin/python experiments/nbsvm_tuning.py   # ~5 min on 2 cores
Writes experiments/results/nbsvm_tuning.csv.
"""
import csv
import itertools
import os
import platform
import time

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from textflix_lib.algorithms.nbsvm import NBSVM
from textflix_lib.algorithms.text_features import NgramAnalyzer
from textflix_lib.data.imdb import balanced_sample, embedded_split

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "results", "nbsvm_tuning.csv")
SIZES = (1000, None)
PREPROCESSING = {
    "textflix (negations kept)": dict(negation="keep"),
    "stop words incl. negations dropped": dict(negation="drop"),
    "negation scope marked": dict(negation="mark"),
    "no stop-word removal": dict(stop_words="none"),
}
MODELS = [dict(classifier="svm", C=C, beta=beta) for C, beta in itertools.product((0.1, 1.0), (0.25, 1.0))]
MODELS += [dict(classifier="logreg", C=C) for C in (1.0, 10.0, 100.0)]


def labels(reviews):
    return np.array([r.label == "pos" for r in reviews], dtype=int)


def main():
    split = embedded_split()
    rows = []
    for size in SIZES:
        train = balanced_sample(split.train, size, seed=0)
        for name, options in PREPROCESSING.items():
            vectorizer = CountVectorizer(analyzer=NgramAnalyzer(**options), binary=True)
            X_train = vectorizer.fit_transform([r.text for r in train])
            X_val = vectorizer.transform([r.text for r in split.validation])
            for model_options in MODELS:
                started = time.time()
                model = NBSVM(**model_options).fit(X_train, labels(train))
                accuracy = float((model.predict(X_val) == labels(split.validation)).mean())
                row = {"train_size": size or len(split.train), "preprocessing": name, **model_options,
                       "validation_accuracy": round(accuracy, 4), "fit_seconds": round(time.time() - started, 2)}
                rows.append(row)
                print(row, flush=True)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    fields = ["train_size", "preprocessing", "classifier", "C", "beta", "validation_accuracy", "fit_seconds"]
    with open(OUT, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {OUT} ({platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
