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
