#!/usr/bin/env bash
# textflix on an offline GPU machine, in one call (docs/gpu.md). Run from the repository root:
#     bash experiments/gpu/run.sh
# with the bundle of experiments/gpu/build_bundle.py in runs/gpu_bundle/ (GPU_BUNDLE). Steps, in
# priority order, each cut to what is left of GPU_BUDGET_S (default 430 s):
#   A. mixed precision: per-step timings and a profile of fp32 / TF32 / fp16 AMP / bf16 AMP on a
#      BERT-large-shaped model (gpu_tools.py amp-bench); then `allennlp train` of
#      configs/bert_large.jsonnet (randomly initialised BERT-large, 500 reviews, 2 epochs) in fp32,
#      with AllenNLP's own AMP (GPU_LEGACY_AMP=1) and with textflix_compat's, each epoch's phases
#      timed (allennlp_main.py GPU_PHASES; model.tar.gz not written: GPU_NO_ARCHIVE);
#   B. the learning-curve gpu profile's MiniLM runs at 500 reviews, seeds 0-2 (the profile's
#      config and overrides, rendered by build_bundle.py; test split scored by evaluate_on_test);
#   C. teachers for self-training: configs/bert.jsonnet unchanged at 500 reviews, seeds 0-2, then
#      `allennlp predict --predictor sentiment` of every pool, validation and test review.
#   B and C's trainings run at the same time (6 processes on the one GPU), then C's predictions.
# $OUT gets run.log, amp_bench.json, summary.json and results.tar.gz (everything else).
# CPU rehearsal: GPU_CPU=1 (cuda -1, a few reviews, 1 epoch, a tiny BERT, no AMP runs);
# GPU_PYTHON picks the interpreter, GPU_LOCAL_WHL a folder of wheels that replace the bundle's
# binary ones of the same projects (another Python's tokenizers and lmdb).
set -uo pipefail
T0=$(date +%s.%N)
G="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$G/../.." && pwd)"
B="${GPU_BUNDLE:-$REPO/runs/gpu_bundle}"
OUT="${OUT:-/tmp/gpu_out}"
W="${GPU_WORK:-/tmp/textflix_gpu}"
PY="${GPU_PYTHON:-python3}"
CPU="${GPU_CPU:-0}"
BUDGET="${GPU_BUDGET_S:-430}"
RESERVE_BC="${GPU_RESERVE_BC_S:-200}"   # part A leaves this much of the budget to B and C
mkdir -p "$OUT"
rm -rf "$W" && mkdir -p "$W/logs" "$W/runs" "$W/results/teacher"
exec > >(tee -a "$OUT/run.log") 2>&1

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
left() { awk -v t0="$T0" -v b="$BUDGET" -v n="$(now)" 'BEGIN{printf "%d", t0+b-n}'; }
log() { echo "[gpu $(since "$T0")s] $*"; }

# step NAME MAX_S MIN_S RESERVE_S CMD...: CMD under timeout (MAX_S at most, and never into the
# last RESERVE_S seconds of the budget), output in logs/NAME.log; skipped if under MIN_S is left.
# STEP_NOTE (environment) is recorded with it (e.g. what ran at the same time).
step() {
  local name=$1 max=$2 min=$3 reserve=$4; shift 4
  local rem=$(( $(left) - reserve ))
  if (( rem < min )); then
    log "SKIP $name (${rem}s usable of the ${BUDGET}s budget)"
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "skipped" "" "budget" "${STEP_NOTE:-}" >> "$W/steps.tsv"; return 99
  fi
  max=$(( max * TSCALE ))
  local lim=$(( rem < max ? rem : max ))
  log "START $name (timeout ${lim}s)"
  local t; t=$(now)
  if [[ "$(type -t "$1")" == function ]]; then   # a function of this script (exported below)
    timeout --kill-after=10 "$lim" bash -c '"$@"' _ "$@" > "$W/logs/$name.log" 2>&1
  else
    timeout --kill-after=10 "$lim" "$@" > "$W/logs/$name.log" 2>&1
  fi
  local rc=$?
  local wall; wall=$(since "$t")
  local note=""; (( rc == 124 || rc == 137 )) && note="timeout"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$rc" "$wall" "$note" "${STEP_NOTE:-}" >> "$W/steps.tsv"
  log "END $name rc=$rc wall=${wall}s $note"
  if (( rc != 0 )); then echo "---- last lines of $name.log"; tail -n 20 "$W/logs/$name.log" | cut -c1-300; echo "----"; fi
  return $rc
}

SMI=0; command -v nvidia-smi >/dev/null 2>&1 && SMI=1
# on a CPU (rehearsal), steps get TSCALE times longer and B/C/predictions run one at a time
if [[ "$CPU" == 1 ]]; then CUDA=-1; TSCALE=6; SERIAL=1; export GPU_MODE=cpu; else CUDA=0; TSCALE=1; SERIAL=0; export GPU_MODE=gpu; fi
SERIAL="${GPU_SERIAL:-$SERIAL}"
bg() { if [[ "$SERIAL" == 1 ]]; then "$@"; else "$@" & pids+=($!); fi; }
log "mode=$GPU_MODE work=$W out=$OUT python=$(command -v "$PY") budget=${BUDGET}s"
if (( SMI )); then
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv
  nvidia-smi --query-gpu=name --format=csv,noheader | head -1 > "$W/smi_name.txt"
fi

# ---- unpack and install (pip, offline, into $W/site, which shadows the machine's packages)
t=$(now)
# minilm_imdb.tar.xz (optional): an adapted MiniLM made earlier (part d then skips adapting);
# minilm.tar.xz may be left out of the bundle then, to keep the upload under 64 MiB
for f in whl data minilm minilm_imdb; do
  if [[ ! -f "$B/$f.tar.xz" && ( "$f" == minilm_imdb || ( "$f" == minilm && -f "$B/minilm_imdb.tar.xz" ) ) ]]; then continue; fi
  tar -xJf "$B/$f.tar.xz" -C "$W" || { log "FATAL: cannot unpack $B/$f.tar.xz"; exit 2; }
done
log "unpacked in $(since "$t")s: $(ls "$W/whl" | wc -l) wheels; data: $(ls "$W/data" | tr '\n' ' ')"
WHEELS=("$W"/whl/*.whl)
if [[ -n "${GPU_LOCAL_WHL:-}" ]]; then
  for extra in "$GPU_LOCAL_WHL"/*.whl; do
    project=$(basename "$extra" | cut -d- -f1)
    WHEELS=($(printf '%s\n' "${WHEELS[@]}" | grep -v "/${project}-[0-9]") "$extra")
  done
fi
t=$(now)
"$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --disable-pip-version-check \
  --target "$W/site" "${WHEELS[@]}" || { log "FATAL: pip install failed"; exit 3; }
log "pip install: $(since "$t")s"
"$PY" "$G/gpu_tools.py" verify-record "$W/site" | tee "$W/record.json"

# the project: the committed snapshot in the bundle if there is one (git archive HEAD), else the tree
PROJECT="$REPO"
if [[ -f "$B/project.tar.gz" ]]; then tar -xzf "$B/project.tar.gz" -C "$W" && PROJECT="$W/project"; fi
log "project: $PROJECT"
export PYTHONPATH="$W/site:$G/stubs:$PROJECT"
export PYTHONUNBUFFERED=1 ALLENNLP_LOG_LEVEL=INFO TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export PYTHONDONTWRITEBYTECODE=1 MPLBACKEND=Agg OMP_NUM_THREADS=2
export CACHED_PATH_CACHE_ROOT="$W/cache" HF_HOME="$W/hf"
"$PY" "$G/gpu_tools.py" versions > "$W/versions.json" 2> "$W/logs/versions.err" || { log "FATAL: imports failed"; cat "$W/logs/versions.err"; exit 4; }
cat "$W/versions.json"

D="$W/data"
if [[ "$CPU" == 1 ]]; then   # a few reviews of each file
  for f in "$D"/*.jsonl; do head -n 24 "$f" > "$f.tmp" && mv "$f.tmp" "$f"; done
  EPOCHS=1; TINY=1
else
  EPOCHS=config; TINY=0
fi
log "data: $(wc -l "$D"/*.jsonl | tr '\n' ';')"

A=("$PY" "$G/allennlp_main.py")
INC=(--include-package textflix_lib)
export W D CUDA PY G EPOCHS CPU
ov() { "$PY" "$G/gpu_tools.py" overrides "$@"; }

PARTS="${GPU_PARTS:-abc}"   # a: mixed precision; b and c: the profile runs and the teachers (together); d: adapted MiniLM and its teachers; p: second teachers on pseudo-labels; t: the teacher recipe grid; w: window augmentation

# ---- A. mixed precision
export GPU_AMP_TINY=$TINY
cp_bench() { cp "$W/amp_bench.json" "$OUT/amp_bench.json" 2>/dev/null; true; }
[[ "$PARTS" == *a* ]] && step amp_bench 150 40 "$RESERVE_BC" "$PY" "$G/gpu_tools.py" amp-bench "$W/amp_bench.json" "$W/amp_profile.txt" "$TINY"
cp_bench

bert_large() {  # RUN USE_AMP [env...]
  local run=$1 amp=$2; shift 2
  local bl_epochs=2; [[ "$CPU" == 1 ]] && bl_epochs=1
  local o; o=$(ov bert_large "$W" 0 "$CUDA" "$bl_epochs" "$amp") || return 1
  env GPU_PHASES="$W/runs/$run/phases.json" GPU_NO_ARCHIVE=1 "$@" \
    "$PY" "$G/allennlp_main.py" train "$D/configs/bert_large.json" -s "$W/runs/$run" -f --include-package textflix_lib -o "$o"
}
export -f ov bert_large
if [[ "$PARTS" == *a* ]] && step make_bert 90 20 "$RESERVE_BC" "$PY" "$G/gpu_tools.py" make-bert "$W/bert-large-random" "$W/minilm" "$TINY"; then
  step train_bertl_fp32 110 50 "$RESERVE_BC" bert_large bertl_fp32 false
  rm -f "$W"/runs/bertl_fp32/*.th
  if [[ "$CPU" != 1 ]]; then
    step train_bertl_amp_cuda_amp 110 50 "$RESERVE_BC" bert_large bertl_amp_cuda_amp true GPU_LEGACY_AMP=1
    rm -f "$W"/runs/bertl_amp_cuda_amp/*.th
    step train_bertl_amp_bf16 110 50 "$RESERVE_BC" bert_large bertl_amp_bf16 true TEXTFLIX_AMP_CUDNN_ATTENTION=1
    rm -f "$W"/runs/bertl_amp_bf16/*.th
  fi
fi
# f: textflix_compat's AMP as committed (bf16, attention off cuDNN), and the same in float16
if [[ "$PARTS" == *f* ]] && step make_bert 90 20 "$RESERVE_BC" "$PY" "$G/gpu_tools.py" make-bert "$W/bert-large-random" "$W/minilm" "$TINY"; then
  step train_bertl_fp32 110 50 "$RESERVE_BC" bert_large bertl_fp32 false
  rm -f "$W"/runs/bertl_fp32/*.th
  if [[ "$CPU" != 1 ]]; then
    step train_bertl_amp_bf16_fixed 110 50 "$RESERVE_BC" bert_large bertl_amp_bf16_fixed true
    rm -f "$W"/runs/bertl_amp_bf16_fixed/*.th
    step train_bertl_amp_fp16_fixed 110 50 "$RESERVE_BC" bert_large bertl_amp_fp16_fixed true TEXTFLIX_AMP_DTYPE=float16
    rm -f "$W"/runs/bertl_amp_fp16_fixed/*.th
  fi
fi
rm -rf "$W/bert-large-random"

# ---- B and C: six trainings at once on the one GPU; each teacher's predictions follow its training
profile_run() {  # SEED
  local o; o=$(ov profile "$W" "$1" "$CUDA" "$EPOCHS") || return 1
  "$PY" "$G/allennlp_main.py" train "$D/configs/profile_minilm_n500_s$1.json" -s "$W/runs/profile_s$1" -f \
    --include-package textflix_lib -o "$o"
}
teacher_run() {  # SEED
  local o; o=$(ov teacher "$W" "$1" "$CUDA" "$EPOCHS") || return 1
  "$PY" "$G/allennlp_main.py" train "$D/configs/bert.json" -s "$W/runs/teacher_s$1" -f --include-package textflix_lib -o "$o"
}
# allennlp predict is bound by one CPU core (cleaning, word pieces, JSON): SHARDS processes a
# teacher, each on a contiguous part of the input, outputs joined in input order
predict_run() {  # RUN PROCESSES [INPUT [OVERRIDES [OUTPUT]]]: runs/RUN/model.tar.gz predicts every review (of INPUT) into runs/RUN/predictions.jsonl (OUTPUT)
  local run=$1 n=$2 input=${3:-$W/predict_input.jsonl} over=${4:-} output=${5:-$W/runs/$1/predictions.jsonl} k pids=() rc=0
  local dir="$W/runs/$run/shards_$(basename "$output" .jsonl)"
  mkdir -p "$dir"
  split -n "l/$n" -d -a 2 "$input" "$dir/in_"
  for k in "$dir"/in_*; do
    OMP_NUM_THREADS=1 "$PY" "$G/allennlp_main.py" predict "$W/runs/$run/model.tar.gz" "$k" ${over:+-o "$over"} \
      --predictor sentiment --cuda-device "$CUDA" --batch-size 64 --silent --output-file "${k/in_/out_}" \
      --include-package textflix_lib > "${k/in_/log_}" 2>&1 & pids+=($!)
  done
  for k in "${pids[@]}"; do wait "$k" || rc=1; done
  (( rc == 0 )) || { tail -n 5 "$dir"/log_*; return 1; }
  cat "$dir"/out_* > "$output"
}
predict_shards() { predict_run "teacher_s$1" "$SHARDS"; }  # SEED
SHARDS="${GPU_PREDICT_SHARDS:-5}"; [[ "$CPU" == 1 ]] && SHARDS=2
export SHARDS
export -f profile_run teacher_run predict_run predict_shards
teacher_chain() {  # SEED: train, predict every review, write the teacher file
  local s=$1
  STEP_NOTE="$NOTE_TRAIN" step "train_teacher_s$s" 200 60 0 teacher_run "$s" || return
  STEP_NOTE="$NOTE_PREDICT" step "predict_teacher_s$s" 240 40 0 predict_shards "$s" || return
  "$PY" "$G/gpu_tools.py" teacher-file "$W/runs/teacher_s$s/predictions.jsonl" "$W" \
    "$W/results/teacher/minilm500_s$s.jsonl.gz" > "$W/logs/teacherfile_s$s.log" 2>&1
  log "teacher s$s: $(tail -n 1 "$W/logs/teacherfile_s$s.log")"
}
export GPU_GZIP_LEVEL=1
NOTE_TRAIN="allennlp trainings at once on the one GPU: ${PARTS//[^bc]/} (b: gpu profile seeds 0-2, c: teachers seeds 0-2)"
NOTE_PREDICT="$SHARDS predict processes a teacher, beside the other runs of ${PARTS//[^bc]/} still going"
[[ "$SERIAL" == 1 ]] && NOTE_TRAIN="one at a time" && NOTE_PREDICT="one at a time"
[[ "$PARTS" == *[bc]* ]] && "$PY" "$G/gpu_tools.py" predict-input "$W" "$W/predict_input.jsonl"
smi_pid=""
if (( SMI )); then nvidia-smi --query-gpu=memory.used,utilization.gpu --format=csv,noheader,nounits -lms 1000 > "$W/logs/smi_bc.csv" 2>/dev/null & smi_pid=$!; fi
pids=()
for s in 0 1 2; do
  [[ "$PARTS" == *b* ]] && STEP_NOTE="$NOTE_TRAIN" bg step "train_profile_s$s" 240 60 0 profile_run "$s"
  [[ "$PARTS" == *c* ]] && bg teacher_chain "$s"
done
for p in "${pids[@]+"${pids[@]}"}"; do wait "$p"; done
[[ -n "$smi_pid" ]] && kill "$smi_pid" 2>/dev/null

# ---- D. domain-adaptive pretraining (allennlp adapt-encoder: masked LM on the pool's texts, no
# labels), then teachers fine-tuned from the adapted MiniLM (configs/bert.jsonnet otherwise
# unchanged) at 500 and 100 reviews, seeds 0-2, all at once, then their predictions of every
# review; the adapted encoder comes back in float16, in parts of at most 15 MiB
dapt_teacher_run() {  # SIZE SEED
  local epochs=$EPOCHS   # the cpu profile's budget: 20 epochs at 100 reviews, 10 at 200, the config's 6 above
  if [[ "$CPU" != 1 ]]; then [[ "$1" == 100 ]] && epochs=20; [[ "$1" == 200 ]] && epochs=10; fi
  local o; o=$(ov teacher "$W" "$2" "$CUDA" "$epochs" none "$1" "$W/minilm_imdb") || return 1
  "$PY" "$G/allennlp_main.py" train "$D/configs/bert.json" -s "$W/runs/dapt$1_s$2" -f --include-package textflix_lib -o "$o"
}
dapt_predict() {  # SIZE SEED
  predict_run "dapt$1_s$2" "$DSHARDS" || return 1
  "$PY" "$G/gpu_tools.py" teacher-file "$W/runs/dapt$1_s$2/predictions.jsonl" "$W" "$W/results/teacher/dapt$1_s$2.jsonl.gz"
}
export -f dapt_teacher_run dapt_predict
DSHARDS="${GPU_DAPT_SHARDS:-3}"; [[ "$CPU" == 1 ]] && DSHARDS=2
export DSHARDS
if [[ "$PARTS" == *d* ]]; then
  DAPT_EPOCHS="${GPU_DAPT_EPOCHS:-4}"; DAPT_S="${GPU_DAPT_MAX_S:-170}"
  [[ "$CPU" == 1 ]] && DAPT_EPOCHS=1
  DAPT_SIZES="${GPU_DAPT_SIZES:-500 100}"
  [[ -f "$W/minilm_imdb/textflix_adaptation.json" ]] && log "adapted MiniLM from the bundle: not adapting again" || \
  STEP_NOTE="alone on the GPU" step adapt 240 60 0 "$PY" "$G/allennlp_main.py" adapt-encoder --transformer "$W/minilm" \
    --texts "$D/pool.jsonl" --output-dir "$W/minilm_imdb" --epochs "$DAPT_EPOCHS" --cuda-device "$CUDA" \
    --max-seconds "$DAPT_S" --include-package textflix_lib
  cp "$W/minilm_imdb/textflix_adaptation.json" "$W/results/" 2>/dev/null
  if [[ -f "$W/minilm_imdb/textflix_adaptation.json" ]]; then
    [[ -f "$W/predict_input.jsonl" ]] || "$PY" "$G/gpu_tools.py" predict-input "$W" "$W/predict_input.jsonl"
    pids=()
    for size in $DAPT_SIZES; do for s in 0 1 2; do
      STEP_NOTE="6 trainings at once on the one GPU" bg step "train_dapt${size}_s$s" 200 40 0 dapt_teacher_run "$size" "$s"
    done; done
    for p in "${pids[@]+"${pids[@]}"}"; do wait "$p"; done
    pids=()
    for size in $DAPT_SIZES; do for s in 0 1 2; do
      [[ -f "$W/runs/dapt${size}_s$s/model.tar.gz" ]] && \
        STEP_NOTE="$DSHARDS predict processes a teacher, 6 teachers at once" bg step "predict_dapt${size}_s$s" 300 30 0 dapt_predict "$size" "$s"
    done; done
    for p in "${pids[@]+"${pids[@]}"}"; do wait "$p"; done
    [[ -f "$B/minilm_imdb.tar.xz" ]] || "$PY" "$G/gpu_tools.py" pack-encoder "$W/minilm_imdb" "$OUT" > "$W/logs/pack_encoder.log" 2>&1 || tail -5 "$W/logs/pack_encoder.log"
  fi
fi

# ---- P. second teachers (experiments/pseudo_teacher.py): configs/bert.jsonnet trained on the gold
# sample + pool reviews with the pair's pseudo-labels (GPU_PSEUDO: the export's folder), gradual
# unfreezing off for these short schedules; each then predicts validation and test
pseudo_run() {  # NAME SEED FILE_PREFIX EPOCHS
  local name=$1 s=$2 prefix=$3 epochs=$4 run="$1_s$2"
  "$PY" "$G/gpu_tools.py" pseudo-train "$W" "$s" "$PSEUDO/${prefix}_seed$s.jsonl" "$W/data/train_$run.jsonl" || return 1
  local o; o=$(ov teacher "$W" "$s" "$CUDA" "$epochs") || return 1
  o=$("$PY" -c 'import json, sys; o = json.loads(sys.argv[1]); o["train_data_path"] = sys.argv[2]
o["trainer.learning_rate_scheduler.gradual_unfreezing"] = False; print(json.dumps(o))' "$o" "$W/data/train_$run.jsonl") || return 1
  "$PY" "$G/allennlp_main.py" train "$D/configs/bert.json" -s "$W/runs/$run" -f --include-package textflix_lib -o "$o" || return 1
  predict_run "$run" 2 "$W/predict_vt.jsonl" || return 1
  "$PY" "$G/gpu_tools.py" teacher-file "$W/runs/$run/predictions.jsonl" "$W" "$W/results/pseudo/$run.jsonl.gz" validation,test
}
export -f pseudo_run
if [[ "$PARTS" == *p* ]]; then
  PSEUDO="${GPU_PSEUDO:-$REPO/runs/pseudo}"; export PSEUDO
  mkdir -p "$W/results/pseudo"
  "$PY" "$G/gpu_tools.py" predict-input "$W" "$W/predict_vt.jsonl" validation,test
  PEPOCHS=2; P1=1; [[ "$CPU" == 1 ]] && PEPOCHS=1
  pids=()
  # NAME:FILE_PREFIX:EPOCHS
  VARIANTS="${GPU_PSEUDO_VARIANTS:-top2000e2:pseudo2000:$PEPOCHS top4000e1:pseudo4000:$P1 top8000e1:pseudo8000:$P1 rand4000e1:pseudorand4000:$P1 top4000e2:pseudo4000:$PEPOCHS}"
  SEEDS="${GPU_PSEUDO_SEEDS:-0 1 2}"
  for v in $VARIANTS; do
    IFS=: read -r name prefix epochs <<< "$v"
    for s in $SEEDS; do
      STEP_NOTE="$(( $(wc -w <<< "$VARIANTS") * $(wc -w <<< "$SEEDS") )) trainings (then 2 predict processes each) at once on the one GPU" bg step "pseudo_${name}_s$s" 400 60 0 pseudo_run "$name" "$s" "$prefix" "$epochs"
    done
  done
  for p in "${pids[@]+"${pids[@]}"}"; do wait "$p"; done
  tar -C "$W/results" -cf "$OUT/pseudo_scores.tar" pseudo
fi

# ---- T. the teacher's recipe on validation: configs/bert.jsonnet at 500 reviews, seeds 0-2, with
# other epochs, learning rates, unfreezing and context (GPU_GRID: NAME:EPOCHS:LR:GRADUAL_UNFREEZING[:HEAD+TAIL]
# ...; HEAD+TAIL: the head_tail tokenizer's word pieces, 64+190 if left out);
# every training validates once at the end; the GPU_GRID_TOP variants best on mean validation
# accuracy then predict every review (pool, validation, test) for the self-training experiments
grid_run() {  # NAME SEED EPOCHS LR GRADUAL_UNFREEZING [HEAD+TAIL]
  local run="$1_s$2"
  local o; o=$(ov teacher "$W" "$2" "$CUDA" "$3") || return 1
  o=$("$PY" -c 'import json, sys; o = json.loads(sys.argv[1]); o["trainer.optimizer.lr"] = float(sys.argv[2])
o["trainer.learning_rate_scheduler.gradual_unfreezing"] = sys.argv[3] == "true"
if sys.argv[4]:
    head, tail = (int(n) for n in sys.argv[4].split("+"))
    o["dataset_reader.tokenizer.head_tokens"], o["dataset_reader.tokenizer.tail_tokens"] = head, tail
print(json.dumps(o))' "$o" "$4" "$5" "${6:-}") || return 1
  "$PY" "$G/allennlp_main.py" train "$D/configs/bert.json" -s "$W/runs/$run" -f --include-package textflix_lib -o "$o"
}
grid_predict() {  # RUN
  predict_run "$1" "$GSHARDS" || return 1
  "$PY" "$G/gpu_tools.py" teacher-file "$W/runs/$1/predictions.jsonl" "$W" "$W/results/grid/$1.jsonl.gz"
}
export -f grid_run grid_predict
if [[ "$PARTS" == *t* ]]; then
  mkdir -p "$W/results/grid"
  GEPOCHS=1; [[ "$CPU" == 1 ]] || GEPOCHS=""
  GRID="${GPU_GRID:-base:6:2e-4:true e8:8:2e-4:true e10:10:2e-4:true lr1e-4:6:1e-4:true lr3e-4:6:3e-4:true nogu_e4:4:1e-4:false nogu_e6:6:1e-4:false}"
  pids=()
  for v in $GRID; do
    IFS=: read -r name epochs lr gu context <<< "$v"
    for s in 0 1 2; do
      STEP_NOTE="$(( $(wc -w <<< "$GRID") * 3 )) trainings at once on the one GPU" bg step "grid_${name}_s$s" "${GPU_GRID_TRAIN_MAX_S:-300}" 60 150 grid_run "$name" "$s" "${GEPOCHS:-$epochs}" "$lr" "$gu" "${context:-}"
    done
  done
  for p in "${pids[@]+"${pids[@]}"}"; do wait "$p"; done
  "$PY" - "$W" "${GPU_GRID_TOP:-2}" > "$W/results/grid/validation.json" <<'PYEOF'
import glob, json, os, sys
work, top = sys.argv[1], int(sys.argv[2])
found = {}
for path in glob.glob(os.path.join(work, "runs", "*_s[0-9]", "metrics.json")):
    run = os.path.basename(os.path.dirname(path))
    found.setdefault(run.rsplit("_s", 1)[0], {})[run] = json.load(open(path)).get("best_validation_accuracy")
means = {name: sum(runs.values()) / len(runs) for name, runs in found.items() if len(runs) == 3 and None not in runs.values()}
best = sorted(means, key=lambda n: -means[n])[:top]
print(json.dumps({"runs": found, "mean_validation": means, "chosen": best}, indent=1, sort_keys=True))
PYEOF
  cp "$W/results/grid/validation.json" "$OUT/grid_validation.json"; cat "$OUT/grid_validation.json"
  GSHARDS="${GPU_GRID_SHARDS:-3}"; [[ "$CPU" == 1 ]] && GSHARDS=2; export GSHARDS
  [[ -f "$W/predict_input.jsonl" ]] || "$PY" "$G/gpu_tools.py" predict-input "$W" "$W/predict_input.jsonl"
  pids=()
  for name in $("$PY" -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["chosen"]))' "$W/results/grid/validation.json"); do
    for s in 0 1 2; do
      STEP_NOTE="$GSHARDS predict processes a teacher, 6 teachers at once" bg step "predict_grid_${name}_s$s" 300 40 0 grid_predict "${name}_s$s"
    done
  done
  for p in "${pids[@]+"${pids[@]}"}"; do wait "$p"; done
  tar -C "$W/results" -cf "$OUT/grid_scores.tar" grid
fi

# ---- W. window augmentation: configs/bert.jsonnet at 500 reviews, seeds 0-2, whose training
# reviews are also read through other windows (the imdb reader's train_windows: GPU_WINDOW_VARIANTS,
# NAME:WINDOWS); each scores validation through its own window and the first and last 254 word
# pieces; the first variant (or GPU_WINDOW_FULL) also scores every review through its own window
# and the test split through the other two, for the self-training experiments
window_run() {  # NAME SEED WINDOWS_JSON
  local run="$1_s$2" view pids=() rc=0
  local o; o=$(ov teacher "$W" "$2" "$CUDA" "$EPOCHS") || return 1
  o=$("$PY" -c 'import json, sys; o = json.loads(sys.argv[1]); o["dataset_reader.train_windows"] = json.loads(sys.argv[2])
print(json.dumps(o))' "$o" "$3") || return 1
  "$PY" "$G/allennlp_main.py" train "$D/configs/bert.json" -s "$W/runs/$run" -f --include-package textflix_lib -o "$o" || return 1
  mkdir -p "$W/results/windows/$run"
  # every prediction of this run at once: validation (and for WFULL test) through the other two
  # windows; through its own window validation alone, or for WFULL every review
  for view in 254+0 0+254; do
    local ov_json="{\"dataset_reader.tokenizer.head_tokens\": ${view%+*}, \"dataset_reader.tokenizer.tail_tokens\": ${view#*+}}"
    predict_run "$run" 1 "$W/predict_val.jsonl" "$ov_json" "$W/results/windows/$run/val_$view.jsonl" & pids+=($!)
    [[ "$1" == "$WFULL" ]] && { predict_run "$run" 2 "$W/predict_test.jsonl" "$ov_json" "$W/results/windows/$run/test_$view.jsonl" & pids+=($!); }
  done
  if [[ "$1" == "$WFULL" ]]; then
    ( predict_run "$run" 4 && "$PY" "$G/gpu_tools.py" teacher-file "$W/runs/$run/predictions.jsonl" "$W" "$W/results/windows/$run.jsonl.gz" ) & pids+=($!)
  else
    predict_run "$run" 1 "$W/predict_val.jsonl" "" "$W/results/windows/$run/val_own.jsonl" & pids+=($!)
  fi
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  return $rc
}
export -f window_run
if [[ "$PARTS" == *w* ]]; then
  mkdir -p "$W/results/windows"
  "$PY" "$G/gpu_tools.py" predict-input "$W" "$W/predict_val.jsonl" validation
  "$PY" "$G/gpu_tools.py" predict-input "$W" "$W/predict_test.jsonl" test
  [[ -f "$W/predict_input.jsonl" ]] || "$PY" "$G/gpu_tools.py" predict-input "$W" "$W/predict_input.jsonl"
  WVARIANTS="${GPU_WINDOW_VARIANTS:-aug2:[[254,0],[0,254]] aug1:[[254,0]]}"
  WFULL="${GPU_WINDOW_FULL:-${WVARIANTS%%:*}}"; export WFULL
  pids=()
  for v in $WVARIANTS; do
    for s in 0 1 2; do
      STEP_NOTE="6 trainings at once on the one GPU, then their predictions" bg step "window_${v%%:*}_s$s" 400 60 0 window_run "${v%%:*}" "$s" "${v#*:}"
    done
  done
  for p in "${pids[@]+"${pids[@]}"}"; do wait "$p"; done
  tar -C "$W/results" -cf "$OUT/window_scores.tar" windows
fi

# ---- collect: summary.json and results.tar.gz (logs, phases, profile, result lines, teacher files)
export GPU_TOTAL_S=$(since "$T0")
"$PY" "$G/gpu_tools.py" summarize "$W" "$W/results"
cp "$W/results/summary.json" "$OUT/summary.json"; cp_bench
for f in "$W"/logs/*.log; do echo "=================== $(basename "$f")"; tr '\r' '\n' < "$f" | grep -v '^\s*$' | uniq; done > "$W/results/allennlp_logs.txt"
cp "$W/amp_profile.txt" "$W/versions.json" "$W/record.json" "$W/steps.tsv" "$W/results/" 2>/dev/null
cp "$W"/logs/smi_*.csv "$W/results/" 2>/dev/null
for r in "$W"/runs/*/; do n=$(basename "$r"); mkdir -p "$W/results/runs/$n"
  cp "$r"/phases.json "$r"/metrics.json "$r"/config.json "$W/results/runs/$n/" 2>/dev/null; done
tar -C "$W" -czf "$OUT/results.tar.gz" results
log "done in ${GPU_TOTAL_S}s; files in $OUT: $(ls "$OUT" | tr '\n' ' ')"
sleep 1   # let tee flush run.log
