"""Issue 10, validation only: does a fine-tuned transformer teacher score as well, and how much
cheaper, in mixed precision on the CPU (bfloat16 autocast, `textflix_lib.precision`)?

Scores the validation split (or the first N reviews of a split) with a transformer archive
through `ArchivedTeacher` (the self-training model's scorer: the archive's own reader, batches
of 32 longest first, 2 threads), once in float32 and once with `mixed_precision=True`; appends
one JSON line per precision (accuracy, CPU and wall seconds, load) and one comparing them
(same label share, largest probability change) to OUTPUT:

    .venv/bin/python experiments/teacher_precision.py runs/teachers/minilm500_s0_cpu/model.tar.gz \\
        experiments/results/self_training/teacher_precision.jsonl
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import st_data  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive")
    parser.add_argument("output")
    parser.add_argument("--split", default="validation", choices=["validation", "test"])
    parser.add_argument("--limit", type=int, default=0, help="score only the first N reviews of the split")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import textflix_lib  # noqa: F401
    from textflix_lib.models.teacher import ArchivedTeacher

    torch.set_num_threads(args.threads)
    texts, labels, _ = st_data.split_data()
    split, gold = texts[args.split], np.asarray(labels[args.split])
    if args.limit:
        split, gold = split[:args.limit], gold[:args.limit]
    scores, records = {}, []
    for name, mixed in (("float32", False), ("bfloat16", True)):
        teacher = ArchivedTeacher(args.archive, "pos", batch_size=32, mixed_precision=mixed)
        cpu, wall = time.process_time(), time.time()
        p = teacher.p_positive(split)
        record = {"archive": args.archive, "split": args.split, "reviews": len(split), "precision": name,
                  "accuracy": round(float(((p > 0.5).astype(int) == gold).mean()), 4),
                  "cpu_s": round(time.process_time() - cpu, 1), "wall_s": round(time.time() - wall, 1),
                  "threads": args.threads, "load": round(os.getloadavg()[0], 1)}
        scores[name] = p
        records.append(record)
        print(json.dumps(record), flush=True)
    a, b = scores["float32"], scores["bfloat16"]
    records.append({"archive": args.archive, "split": args.split, "reviews": len(split), "compare": "bfloat16 vs float32",
                    "same_label": round(float(((a > 0.5) == (b > 0.5)).mean()), 4),
                    "max_abs_p_change": round(float(np.abs(a - b).max()), 4),
                    "cpu_speedup": round(records[0]["cpu_s"] / max(records[1]["cpu_s"], 1e-9), 2)})
    print(json.dumps(records[-1]))
    with open(args.output, "a") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
