"""Two teachers' scores of every review averaged in log-odds, as one teacher file for
experiments/self_training.py --teacher-probs (issue 10 probe: is a second teacher worth its cost?).

    .venv/bin/python experiments/teacher_mix.py A_{seed}.jsonl.gz B_{seed}.jsonl.gz OUT_{seed}.jsonl.gz --seeds 0,1,2

Both files must list the same reviews in the same order (experiments/gpu/collect.py checks them
against the embedded split); the output has the same lines with p_pos = sigmoid(mean log-odds).
"""
import argparse
import gzip
import json
import math
import os


def read(path):
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def logit(p, eps=1e-6):
    p = min(max(p, eps), 1 - eps)
    return math.log(p / (1 - p))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("out")
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args()
    for seed in args.seeds.split(","):
        a, b = read(args.first.format(seed=seed)), read(args.second.format(seed=seed))
        if [(r["id"], r["split"]) for r in a] != [(r["id"], r["split"]) for r in b]:
            raise SystemExit(f"seed {seed}: the two teacher files list different reviews")
        out = args.out.format(seed=seed)
        os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
        with gzip.open(out, "wt", encoding="utf-8") as handle:
            for x, y in zip(a, b):
                z = (logit(x["p_pos"]) + logit(y["p_pos"])) / 2
                handle.write(json.dumps({"id": x["id"], "split": x["split"], "p_pos": round(1 / (1 + math.exp(-z)), 6)}) + "\n")
        print(out, len(a))


if __name__ == "__main__":
    main()
