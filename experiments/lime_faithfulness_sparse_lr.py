"""The LIME paper's faithfulness check (section 5.2) on our word-level LIME.

A sparse (L1) logistic regression on binary bag-of-words features is interpretable: for a
review, its truly important features are the words it contains that have a non-zero
coefficient. As in the paper, the classifier uses at most 10 features per review: the L1
strength is the largest C (on a grid) for which at least 80% of the *validation* reviews
contain at most 10 non-zero-weight words, and recall is measured on the held-out *test*
reviews that contain 1..10 of them. Recall = |explanation's K=10 words & important words| /
|important words|, averaged over reviews. Baseline: 10 random words of the review.

Words are tokenised identically for the classifier and the explainer (our word regex,
lower-cased), so a feature means the same thing to both.

    python experiments/lime_faithfulness_sparse_lr.py --output experiments/results/lime_faithfulness_sparse_lr.json
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import warnings

import numpy as np

warnings.filterwarnings("ignore", module="sklearn")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textflix_lib.algorithms.lime import BatchScorer, LimeExplainer, Segmenter, TextExplainer  # noqa: E402
from textflix_lib.algorithms.lime.segments import WORD  # noqa: E402
from textflix_lib.data.imdb import balanced_sample, embedded_split  # noqa: E402

C_GRID = (0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.05, 0.07, 0.1)


def sparse_classifier(train, validation, max_features=10, share=0.8):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = CountVectorizer(binary=True, lowercase=True, token_pattern=WORD.pattern)
    X = vectorizer.fit_transform([r.text for r in train])
    y = np.array([r.label == "pos" for r in train], dtype=int)
    Xv = vectorizer.transform([r.text for r in validation])
    chosen = None
    for C in C_GRID:
        model = LogisticRegression(penalty="l1", C=C, solver="liblinear", max_iter=1000).fit(X, y)
        active = (Xv[:, model.coef_[0] != 0] > 0).sum(axis=1).A1
        if (active <= max_features).mean() >= share:
            chosen = (C, model, float((active <= max_features).mean()))
    if chosen is None:
        raise RuntimeError("no C on the grid keeps reviews under the feature limit")
    return vectorizer, chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", required=True)
    parser.add_argument("--train-size", type=int, default=2000)
    parser.add_argument("--test-size", type=int, default=200)
    parser.add_argument("--num-samples", type=int, default=1000)
    parser.add_argument("--selections", default="lasso,highest_weights")
    args = parser.parse_args()

    split = embedded_split()
    train = balanced_sample(split.train, args.train_size, seed=0)
    vectorizer, (C, model, share) = sparse_classifier(train, split.validation)
    important_words = set(np.array(vectorizer.get_feature_names_out())[model.coef_[0] != 0])
    test = balanced_sample(split.test, args.test_size, seed=0)

    def predict_texts(texts):
        return model.predict_proba(vectorizer.transform(texts))  # columns: neg, pos

    rows = {}
    rng = np.random.default_rng(0)
    started = time.time()
    load_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    for selection in args.selections.split(","):
        explainer = TextExplainer(BatchScorer(predict_texts, 256),
                                  LimeExplainer(num_samples=args.num_samples, num_features=10,
                                                feature_selection=selection), Segmenter("word"))
        recalls, randoms, calls, evaluated = [], [], [], 0
        t0 = time.time()
        for review in test:
            segmentation = explainer.segment(review.text)
            gold = set(segmentation.feature_names) & important_words
            if not 1 <= len(gold) <= 10:
                continue
            evaluated += 1
            explanation = explainer.explain(review.text)
            chosen = {segmentation.feature_names[j] for j in explanation.explanation.selected}
            recalls.append(len(chosen & gold) / len(gold))
            calls.append(explanation.model_calls)
            picked = rng.choice(segmentation.num_features, size=min(10, segmentation.num_features), replace=False)
            randoms.append(len({segmentation.feature_names[j] for j in picked} & gold) / len(gold))
        rows[selection] = {"reviews": evaluated, "recall": float(np.mean(recalls)),
                           "recall_min": float(np.min(recalls)), "share_with_full_recall": float(np.mean(np.array(recalls) == 1.0)),
                           "random_recall": float(np.mean(randoms)), "mean_model_calls": float(np.mean(calls)),
                           "seconds": time.time() - t0}
        print(selection, json.dumps(rows[selection]), flush=True)
    result = {
        "classifier": {"type": "L1 logistic regression, binary bag of words", "C": C,
                       "nonzero_features": len(important_words),
                       "validation_share_with_at_most_10": share, "train_size": args.train_size},
        "explainer": {"unit": "word", "bow": True, "K": 10, "num_samples": args.num_samples},
        "results": rows, "test_reviews_sampled": args.test_size,
        "data": "embedded IMDB: train balanced_sample(train, n, seed=0); C chosen on validation; "
                "recall on balanced_sample(test, test_size, seed=0) reviews with 1..10 important words",
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "gpu": None},
        "load_before": load_before, "load_after": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "seconds": time.time() - started,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
