"""Issue 10: a second teacher learned from the pair's most confident pseudo-labels.

The registered pair (the self-trained NB-SVM taught by a fine-tuned MiniLM, averaged with that
MiniLM at prediction) is the best labeller this work has: 0.904 on validation against 0.870 for
its MiniLM teacher alone, 0.877-0.883 of the pool's labels right. A second MiniLM
fine-tuned on the gold reviews plus the pair's K most confident pool reviews (class-balanced
by rank, `select_confident`) may be a better teacher at prediction time than the first.

`export` (here, cached features): for each seed, the self-trained NB-SVM with the CPU teacher
(teacher weight 8, fractions 0.1-1, the registered settings), its calibrated final student's
log-odds of the pool, combined with the teacher's (trained window) at w (`combine_log_odds`);
the K most confident pool reviews with the pair's labels go to `OUT/pseudo{K}_seed{seed}.jsonl`
as `{"id", "label"}` (the hidden labels are read only to log how many are right):

    .venv/bin/python experiments/pseudo_teacher.py export runs/pseudo --sizes 2000,4000,8000

`report` (here): reads second teachers' scores of validation and test (`{"id", "split",
"p_pos"}` gzipped JSONL, one per seed and variant, from the GPU run: experiments/gpu/run.sh
part p) and prints the teacher alone, and the pair student + second teacher for a grid of w,
validation first; `--test` adds the test split for the chosen variant and w; `--mix` also
averages the second teacher with the first one read through its windows.
"""
import argparse
import glob
import gzip
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import st_data  # noqa: E402
from self_training import mean_views  # noqa: E402
from textflix_lib.algorithms.nbsvm import NBSVM  # noqa: E402
from textflix_lib.algorithms.self_training import (  # noqa: E402
    NBSVMLearner,
    combine_log_odds,
    fit_calibrated_student,
    select_confident,
    self_train,
)

RESULTS = os.path.join(HERE, "results", "self_training")
TEACHER = os.path.join(RESULTS, "cpu_teacher", "minilm500_s{seed}.jsonl.gz")
FRACTIONS = (0.1, 0.25, 0.5, 0.75, 1.0)


def student(seed, size=500, teacher_weight=8.0):
    """The registered student for `seed`: (calibrated NB-SVM, gold rows, pool rows, teacher log-odds)."""
    _, labels, _ = st_data.split_data()
    ngrams = st_data.ngram_features()
    gold, pool = st_data.labelled_indices(size, seed)
    y = labels["train"][gold]
    teacher = st_data.teacher_logits(TEACHER.format(seed=seed))

    def make():
        return NBSVMLearner(C=0.1, beta=0.25, seed=seed)

    _, rows, pseudo = self_train(make, (ngrams["train"][gold],), y, (ngrams["train"][pool],), FRACTIONS,
                                 prior=teacher["train"][pool], prior_weight=teacher_weight, return_pseudo=True)
    final = fit_calibrated_student(NBSVM(C=0.1, beta=0.25, random_state=seed), ngrams["train"][gold], y,
                                   ngrams["train"][pool][rows], pseudo)
    return final, gold, pool, teacher


def student_log_odds(final, matrix):
    slope, offset = final.calibration_
    return slope * final.decision_function(matrix) + offset


def export(args):
    _, labels, ids = st_data.split_data()
    ngrams = st_data.ngram_features()
    os.makedirs(args.out, exist_ok=True)
    sizes = [int(k) for k in args.sizes.split(",")]
    for seed in [int(s) for s in args.seeds.split(",")]:
        final, gold, pool, teacher = student(seed)
        z = combine_log_odds(student_log_odds(final, ngrams["train"][pool]), teacher["train"][pool], args.w)
        hidden = labels["train"][pool]
        record = {"seed": seed, "w": args.w, "pool": len(pool),
                  "pair_pool_accuracy": float(((z > 0).astype(int) == hidden).mean())}
        for k in sizes:
            rows, pseudo = select_confident(z, k)
            path = os.path.join(args.out, f"pseudo{k}_seed{seed}.jsonl")
            with open(path, "w", encoding="utf-8") as handle:
                for r, label in zip(rows, pseudo):
                    handle.write(json.dumps({"id": ids["train"][pool[r]], "label": "pos" if label else "neg"}) + "\n")
            record[f"top{k}_correct"] = float((pseudo == hidden[rows]).mean())
            if args.random:  # K pool reviews drawn at random, with the pair's labels
                rows = np.sort(np.random.default_rng(seed).choice(len(pool), k, replace=False))
                pseudo = (z[rows] > 0).astype(int)
                with open(os.path.join(args.out, f"pseudorand{k}_seed{seed}.jsonl"), "w", encoding="utf-8") as handle:
                    for r, label in zip(rows, pseudo):
                        handle.write(json.dumps({"id": ids["train"][pool[r]], "label": "pos" if label else "neg"}) + "\n")
                record[f"rand{k}_correct"] = float((pseudo == hidden[rows]).mean())
        print(json.dumps(record), flush=True)


def read_scores(path):
    found = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            found[(r["split"], r["id"])] = float(r["p_pos"])
    return found


def report(args):
    _, labels, ids = st_data.split_data()
    ngrams = st_data.ngram_features()
    splits = ["validation"] + (["test"] if args.test else [])
    weights = [float(w) for w in args.weights.split(",")]
    out = os.path.join(RESULTS, args.name + ".jsonl")
    for seed in [int(s) for s in args.seeds.split(",")]:
        final, _, _, teacher = student(seed)
        z = {s: student_log_odds(final, ngrams[s]) for s in splits}
        first = {s: mean_views(args.mix, seed, s) for s in splits} if args.mix else None
        for path in sorted(glob.glob(args.scores.format(seed=seed))):
            found = read_scores(path)
            record = {"seed": seed, "scores": path}
            for s in splits:
                p = np.clip(np.array([found[(s, i)] for i in ids[s]]), 1e-6, 1 - 1e-6)
                t2 = np.log(p) - np.log1p(-p)
                record[f"{s}_teacher2"] = float(((t2 > 0) == labels[s]).mean())
                record[f"{s}_student"] = float(((z[s] > 0) == labels[s]).mean())
                for w in weights:
                    record[f"{s}_pair2_w{w:g}"] = float(((combine_log_odds(z[s], t2, w) > 0) == labels[s]).mean())
                    for share in (0.25, 0.5) if first else ():  # both teachers: the first's windows and this one
                        both = (1 - share) * first[s] + share * t2
                        record[f"{s}_both{share:g}_w{w:g}"] = float(((combine_log_odds(z[s], both, w) > 0) == labels[s]).mean())
            st_data.append_result(out, record)
            print(json.dumps(record), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    e = sub.add_parser("export")
    e.add_argument("out")
    e.add_argument("--sizes", default="2000,4000,8000")
    e.add_argument("--seeds", default="0,1,2")
    e.add_argument("--random", action="store_true", help="also K random pool reviews (pseudorand{K}_seed{S}.jsonl)")
    e.add_argument("--w", type=float, default=0.5, help="the teacher's weight in the pair that labels the pool")
    r = sub.add_parser("report")
    r.add_argument("scores", help="glob of score files; {seed} expands")
    r.add_argument("--seeds", default="0,1,2")
    r.add_argument("--weights", default="0.2,0.33,0.5,0.75,1,1.5,2")
    r.add_argument("--name", default="pseudo_teacher_val")
    r.add_argument("--test", action="store_true")
    r.add_argument("--mix", default="", help="DIR:VIEW,VIEW (as self_training.py --eval-teacher-views): also the pair "
                   "with the mean of the first teacher's windows and the second teacher (shares 0.25 and 0.5)")
    args = parser.parse_args()
    export(args) if args.command == "export" else report(args)


if __name__ == "__main__":
    main()
