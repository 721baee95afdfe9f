"""Ceiling of the cheap students (issue 10): NB-SVM, frozen-MiniLM LR and their ensemble
fitted on the TRUE labels of the whole training pool (18,893 reviews). A diagnostic of what
perfect pseudo-labels could give, on validation only; no setting is chosen from it.

    .venv/bin/python experiments/oracle_ceiling.py
"""
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import st_data  # noqa: E402
from textflix_lib.algorithms.self_training import EnsembleLearner, LogRegLearner, NBSVMLearner  # noqa: E402

_, labels, _ = st_data.split_data()
ngrams = st_data.ngram_features()
emb = st_data.embeddings("minilm", "ht512")
y = labels["train"]
for name, learner, view in (
    ("nbsvm", NBSVMLearner(C=0.1), lambda s: ngrams[s]),
    ("emb C=0.1", LogRegLearner(C=0.1), lambda s: emb[s]),
    ("ens", EnsembleLearner([(0, NBSVMLearner(C=0.1)), (1, LogRegLearner(C=0.1))]), lambda s: (ngrams[s], emb[s])),
):
    t0 = time.process_time()
    learner.fit(view("train"), y)
    acc = float(((learner.predict_proba(view("validation")) > 0.5) == labels["validation"]).mean())
    record = {"method": "oracle-" + name, "size": len(y), "validation": acc, "cpu_s": round(time.process_time() - t0, 1)}
    st_data.append_result(os.path.join(HERE, "results", "self_training", "oracle_ceiling.jsonl"), record)
    print(record, flush=True)
