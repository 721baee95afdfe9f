#!/usr/bin/env bash
# Issue 10: configs/mpnet.jsonnet (all-mpnet-base-v2 fine-tuned on 500 reviews in bfloat16) per
# seed on the CPU: `allennlp train`, then `allennlp evaluate ... test` through the
# mixed_precision evaluator (named by -o for archives trained before the config named it); each
# under /usr/bin/time -v with its log beside the run, a finished step skipped on a rerun; then
# experiments/gather_runs.py. Needs `make mpnet` first.
#     bash experiments/mpnet_runs.sh 0 1 2
set -euo pipefail
cd "$(dirname "$0")/.."
A=.venv/bin/allennlp
for S in "${@:-0}"; do
  T=runs/teachers/mpnet500_s${S}_cpu_bf16
  [[ -f $T/model.tar.gz ]] || /usr/bin/time -v $A train configs/mpnet.jsonnet -s $T -f -o "{\"dataset_reader.seed\": $S,
    \"random_seed\": $S, \"numpy_seed\": $S, \"pytorch_seed\": $S}" > $T.log 2>&1
  [[ -f $T/test_metrics.json ]] || /usr/bin/time -v $A evaluate $T/model.tar.gz test --output-file $T/test_metrics.json \
    -o '{"evaluation": {"type": "mixed_precision"}}' > $T.eval.log 2>&1
  echo "seed $S: $(tr -d '\n ' < $T/test_metrics.json)"
done
runs=(); for S in 0 1 2; do [[ -f runs/teachers/mpnet500_s${S}_cpu_bf16/test_metrics.json ]] && runs+=(runs/teachers/mpnet500_s${S}_cpu_bf16); done
.venv/bin/python experiments/gather_runs.py experiments/results/self_training/cpu_teacher/mpnet500.jsonl "${runs[@]}"
