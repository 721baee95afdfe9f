#!/bin/sh
# SP-LIME and highlight summaries on 40 held-out test reviews (20 per class, the same reviews as
# the tests' `few_reviews`), grouped by the true label as a stand-in for a movie id.
#   sh experiments/sp_lime_demo.sh runs/nbsvm-lime/model.tar.gz nbsvm
set -e
ARCHIVE=${1:?model.tar.gz}
NAME=${2:-model}
OUT=experiments/results
mkdir -p "$OUT"
.venv/bin/python - "$OUT/sp_lime_reviews.jsonl" <<'PY'
import json, sys
from textflix_lib.data.imdb import balanced_sample, embedded_split
with open(sys.argv[1], "w") as handle:
    for review in balanced_sample(embedded_split().test, 40, seed=0):
        handle.write(json.dumps({"text": review.text, "review_id": review.metadata["review_id"],
                                 "true_label": review.label}) + "\n")
PY
.venv/bin/allennlp sp-lime "$ARCHIVE" "$OUT/sp_lime_reviews.jsonl" --budget 5 \
    --output-file "$OUT/sp_lime_$NAME.json" --explanations-file "$OUT/sentence_lime_$NAME.jsonl"
.venv/bin/allennlp highlights "$OUT/sentence_lime_$NAME.jsonl" --group-by true_label \
    --output-file "$OUT/highlights_$NAME.json"
# coverage of the SP pick against random picks of the same size (the paper's SP vs RP)
.venv/bin/python - "$OUT/sentence_lime_$NAME.jsonl" "$OUT/sp_lime_$NAME.json" "$OUT/sp_lime_coverage_$NAME.json" <<'PY'
import json, sys
import numpy as np
from textflix_lib.algorithms.lime.submodular_pick import covered_fraction, explanation_matrix
explanations = [json.loads(line) for line in open(sys.argv[1])]
picked = [p["index"] for p in json.load(open(sys.argv[2]))["picked"]]
W, names = explanation_matrix(explanations)
rng = np.random.default_rng(0)
randoms = [covered_fraction(W, rng.choice(len(W), size=len(picked), replace=False)) for _ in range(1000)]
result = {"reviews": len(W), "features": len(names), "budget": len(picked),
          "sp_coverage": covered_fraction(W, picked), "random_pick_coverage_mean": float(np.mean(randoms)),
          "random_pick_coverage_p95": float(np.percentile(randoms, 95))}
json.dump(result, open(sys.argv[3], "w"), indent=1)
print(result)
PY
