#!/usr/bin/env bash
# Issue 10: configs/mpnet.jsonnet (all-mpnet-base-v2 fine-tuned in bfloat16) per seed on the
# CPU, at SIZE labelled reviews (default 500): `allennlp train`, then `allennlp evaluate ... test`
# through the mixed_precision evaluator (named by -o for archives trained before the config
# named it); each under /usr/bin/time -v with its log beside the run, a finished step skipped on
# a rerun, the training checkpoints removed once the archive is written (~1.3 GB a run); then
# experiments/gather_runs.py --update into experiments/results/self_training/cpu_teacher/mpnet$SIZE.jsonl
# (records of seeds run on another checkout are kept).
# The runs are named by the precision mixed precision computes in on this CPU: bf16 where it has
# bfloat16 units, else fp32 (textflix_compat.cpu_amp_dtype: TEXTFLIX_CPU_AMP), whose records go
# to mpnet${SIZE}_fp32.jsonl instead (experiments/teacher_curve.py report takes a seed's float32
# run where it has no bfloat16 one, marked fp32).
# Needs `make mpnet` first.
#     bash experiments/mpnet_runs.sh 0 1 2
#     SIZE=100 bash experiments/mpnet_runs.sh 0 1 2
set -euo pipefail
cd "$(dirname "$0")/.."
A=.venv/bin/allennlp
SIZE=${SIZE:-500}
PRECISION=$(.venv/bin/python -c "import textflix_compat; print('bf16' if textflix_compat.cpu_amp_dtype() else 'fp32')")
OUT=experiments/results/self_training/cpu_teacher/mpnet${SIZE}$([[ $PRECISION == bf16 ]] || echo _$PRECISION).jsonl
for S in "${@:-0}"; do
  T=runs/teachers/mpnet${SIZE}_s${S}_cpu_${PRECISION}
  [[ -f $T/model.tar.gz ]] || /usr/bin/time -v $A train configs/mpnet.jsonnet -s $T -f -o "{\"dataset_reader.seed\": $S,
    \"dataset_reader.train_size\": $SIZE, \"random_seed\": $S, \"numpy_seed\": $S, \"pytorch_seed\": $S}" > $T.log 2>&1
  rm -f $T/model_state_e*.th $T/training_state_e*.th
  [[ -f $T/test_metrics.json ]] || /usr/bin/time -v $A evaluate $T/model.tar.gz test --output-file $T/test_metrics.json \
    -o '{"evaluation": {"type": "mixed_precision"}}' > $T.eval.log 2>&1
  echo "size $SIZE seed $S: $(tr -d '\n ' < $T/test_metrics.json)"
done
runs=(); for S in 0 1 2; do
  T=runs/teachers/mpnet${SIZE}_s${S}_cpu_${PRECISION}; [[ -f $T/test_metrics.json ]] && runs+=("$T")
done
.venv/bin/python experiments/gather_runs.py --update "$OUT" "${runs[@]}"
