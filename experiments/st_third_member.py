"""Issue 10, validation only: does a third member help the validation winner at prediction?

The self-trained NB-SVM with the MiniLM teacher (weight 8, pool scores from
experiments/results/gpu/teacher/) is refitted as `self_training_nbsvm` fits it
(`fit_calibrated_student`); a logistic regression on frozen-MiniLM embeddings (ht512) is
fitted on the same gold + pseudo-labels; the three log-odds are summed as
``student + wt * teacher + we * embedding_lr`` over a small grid. One JSON line per
setting (mean and per-seed validation accuracy) in
experiments/results/self_training/third_member_val.jsonl.

    .venv/bin/python experiments/st_third_member.py
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import st_data  # noqa: E402
from textflix_lib.algorithms.nbsvm import NBSVM  # noqa: E402
from textflix_lib.algorithms.self_training import (  # noqa: E402
    LogRegLearner,
    NBSVMLearner,
    _logit,
    fit_calibrated_student,
    self_train,
    stack,
)

FRACTIONS = [0.1, 0.25, 0.5, 0.75, 1]


def main():
    _, labels, _ = st_data.split_data()
    ngrams, emb = st_data.ngram_features(high=2), st_data.embeddings("minilm", "ht512")
    split = "validation"
    scores = {}
    for seed in (0, 1, 2):
        gold, pool = st_data.labelled_indices(500, seed)
        y = labels["train"][gold]
        teacher = st_data.teacher_logits(f"experiments/results/gpu/teacher/minilm500_s{seed}.jsonl.gz")
        _, rows, pseudo = self_train(lambda: NBSVMLearner(C=0.1, beta=0.25, seed=seed), (ngrams["train"][gold],), y,
                                     (ngrams["train"][pool],), FRACTIONS, prior=teacher["train"][pool],
                                     prior_weight=8.0, return_pseudo=True)
        student = fit_calibrated_student(NBSVM(C=0.1, beta=0.25, random_state=seed), ngrams["train"][gold], y,
                                         ngrams["train"][pool][rows], pseudo)
        z_student = student.calibration_[0] * student.decision_function(ngrams[split]) + student.calibration_[1]
        for C in (0.01, 0.1):
            lr = LogRegLearner(C=C, seed=seed).fit(stack([emb["train"][gold], emb["train"][pool][rows]]),
                                                   np.concatenate([y, pseudo]))
            z_emb = _logit(lr.predict_proba(emb[split]))
            for we in (0.0, 0.25, 0.5, 1.0):
                for wt in (0.2, 0.33, 0.5):
                    z = z_student + wt * teacher[split] + we * z_emb
                    scores.setdefault((C, we, wt), []).append(float(((z > 0).astype(int) == labels[split]).mean()))
    out = os.path.join(HERE, "results", "self_training", "third_member_val.jsonl")
    with open(out, "w", encoding="utf-8") as handle:
        for (C, we, wt), accs in sorted(scores.items()):
            record = {"emb_C": C, "emb_weight": we, "teacher_weight_at_prediction": wt,
                      "validation": round(float(np.mean(accs)), 4), "validation_seeds": accs}
            handle.write(json.dumps(record) + "\n")
            print(record)


if __name__ == "__main__":
    main()
