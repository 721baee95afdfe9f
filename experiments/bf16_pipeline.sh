#!/usr/bin/env bash
# Issue 10: the registered 500-label pipeline on the CPU in mixed precision (bfloat16 autocast),
# end to end per seed: the teacher (configs/bert.jsonnet, trainer.use_amp), the student with the
# teacher scoring the pool and predicting in bfloat16 (configs/self_training_teacher.jsonnet,
# model.teacher_mixed_precision), the test split scored; each step under /usr/bin/time -v, logs
# beside the runs, a finished step skipped on a rerun; then experiments/gather_runs.py.
#     bash experiments/bf16_pipeline.sh 0 1 2
set -euo pipefail
cd "$(dirname "$0")/.."
A=.venv/bin/allennlp
for S in "${@:-0}"; do
  T=runs/teachers/minilm500_s${S}_cpu_bf16
  [[ -f $T/model.tar.gz ]] || /usr/bin/time -v $A train configs/bert.jsonnet -s $T -f -o "{\"trainer.use_amp\": true,
    \"dataset_reader.seed\": $S, \"random_seed\": $S, \"numpy_seed\": $S, \"pytorch_seed\": $S}" > $T.log 2>&1
  R=runs/st_bf16_s$S
  [[ -f $R/model.tar.gz ]] || /usr/bin/time -v $A train configs/self_training_teacher.jsonnet -s $R -f -o "{\"dataset_reader.seed\": $S,
    \"model.seed\": $S, \"model.teacher\": \"$T/model.tar.gz\", \"model.teacher_mixed_precision\": true,
    \"model.teacher_cache_dir\": \"runs/teacher_cache\"}" > $R.log 2>&1
  [[ -f $R/test_metrics.json ]] || /usr/bin/time -v $A evaluate $R/model.tar.gz test --output-file $R/test_metrics.json > $R.eval.log 2>&1
  echo "seed $S done: $(cat $R/test_metrics.json | tr -d '\n ')"
done
runs=(); for S in 0 1 2; do [[ -f runs/st_bf16_s$S/test_metrics.json ]] && runs+=(runs/st_bf16_s$S); done
.venv/bin/python experiments/gather_runs.py experiments/results/self_training/cpu_teacher/registered_bf16.jsonl "${runs[@]}"
