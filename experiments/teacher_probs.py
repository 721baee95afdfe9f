"""A trained teacher's probabilities for every review of the three splits, for the experiments.

    .venv/bin/python experiments/teacher_probs.py runs/teachers/minilm100_s0_cpu/model.tar.gz \
        experiments/results/self_training/cpu_teacher/minilm100_s0.jsonl.gz --cache-dir runs/teacher_cache

Writes a gzipped JSONL of ``{"id", "split", "p_pos"}`` lines (the format of the GPU-scored
teachers in experiments/results/gpu/teacher/, read by `st_data.teacher_logits` and
`experiments/self_training.py --teacher-probs`). Scores go through
`textflix_lib.models.teacher.teacher_log_odds`, so they share the cache (by archive content)
that `self_training_nbsvm` fills when it scores the pool: only reviews not scored yet cost
time, and an interrupted run resumes. The scores are of the teacher as trained; nothing here
reads a label.
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import st_data  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("archive")
    parser.add_argument("output")
    parser.add_argument("--cache-dir", default=None, help="teacher score cache (default ~/.cache/textflix/teacher_scores)")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    import textflix_lib  # noqa: F401  registers the components
    from textflix_lib.models.teacher import teacher_log_odds

    texts, _, ids = st_data.split_data()
    start = time.process_time()
    names = ("train", "validation", "test")
    everything = [t for name in names for t in texts[name]]
    log_odds = teacher_log_odds(args.archive, everything, "pos", cache_dir=args.cache_dir, batch_size=args.batch_size)
    p = 1.0 / (1.0 + np.exp(-log_odds))
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with gzip.open(args.output + ".tmp", "wt", encoding="utf-8") as handle:
        row = 0
        for name in names:
            for review_id in ids[name]:
                handle.write(json.dumps({"id": review_id, "split": name, "p_pos": round(float(p[row]), 6)}) + "\n")
                row += 1
    os.replace(args.output + ".tmp", args.output)
    print(f"{args.output}: {row} reviews, {time.process_time() - start:.0f} CPU s")


if __name__ == "__main__":
    main()
