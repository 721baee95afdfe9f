"""Issue 10: cheap teachers and students on the unlabelled pool (validation first).

Methods (each for a labelled `balanced_sample` of `--size` and seeds `--seeds`):
- `nbsvm`: NB-SVM (C 0.1, beta 0.25, textflix's tuned settings) on the gold reviews only;
- `emb`: logistic regression on frozen MiniLM mean embeddings (variant `--variant`);
- `ens`: the two averaged in log-odds;
- `st-<method>`: self-training: the method's model on gold labels is the teacher; each round
  takes the most confident `fraction` of the pool (class-balanced) with the current
  model's labels, and fits the same method on gold + pseudo (fractions `--fractions`).

`--teacher-probs FILE` (a `{seed}` in it is replaced; gzipped JSONL of `{"id", "split",
"p_pos"}` for every review, e.g. a fine-tuned MiniLM's: experiments/results/gpu/teacher/)
adds that teacher's log-odds (times `--teacher-weight`) to every round's ranking and
labelling of the pool (`self_train(prior=...)`); the records then also give the teacher's
own validation accuracy and, as `<split>_with_teacher`, the accuracy of the final student
averaged with the teacher in log-odds (two models at prediction time).

One JSON line per (method, seed, round) in experiments/results/self_training/<name>.jsonl:
accuracy on validation (and on test only with `--test`, for the chosen winners), the
pseudo-labels' accuracy on the pool (measured with the hidden labels, for the log only: no
choice reads it), CPU seconds of this process.

    .venv/bin/python experiments/self_training.py --methods nbsvm,emb,ens,st-nbsvm,st-emb,st-ens --seeds 0,1,2
"""
import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import st_data  # noqa: E402
from textflix_lib.algorithms.self_training import (  # noqa: E402
    EnsembleLearner,
    combine_log_odds,
    fit_calibrated_student,
    stack,
    LogRegLearner,
    NBSVMLearner,
    self_train,
)

RESULTS = os.path.join(HERE, "results", "self_training")


def make(method, seed, args):
    """A factory: its first call builds the teacher, later calls the students (which may use
    --student-emb-C: students see ~19k pseudo-labelled rows, the teacher a few hundred)."""
    calls = []

    def factory():
        student = bool(calls)
        calls.append(1)
        C = args.student_emb_C if (student and args.student_emb_C) else args.emb_C
        return _make(method, seed, args, C)()

    return factory


def _make(method, seed, args, emb_C):
    if method == "nbsvm":
        return lambda: NBSVMLearner(C=args.nbsvm_C, beta=args.beta, seed=seed)
    if method == "emb":
        return lambda: LogRegLearner(C=emb_C, seed=seed)
    if method == "ens":
        return lambda: EnsembleLearner(
            [(0, NBSVMLearner(C=args.nbsvm_C, beta=args.beta, seed=seed)), (1, LogRegLearner(C=emb_C, seed=seed))],
            weights=[1.0, args.emb_weight],
        )
    raise ValueError(method)




def mean_views(spec, seed, split):
    """The mean log-odds over the windows of `spec` ("DIR:VIEW,VIEW", a {seed} in DIR expands)
    for `split`, from experiments/teacher_views.py's DIR/<split>_<view>.npy files."""
    folder, _, views = spec.rpartition(":")
    if not folder or not views:
        sys.exit(f"{spec!r}: expected DIR:VIEW[,VIEW...], e.g. 'runs/teacher_views/minilm500_s{{seed}}:64+190,254+0'")
    paths = [os.path.join(folder.format(seed=seed), f"{split}_{view}.npy") for view in views.split(",")]
    missing = [path for path in paths if not os.path.isfile(path)]
    if missing:
        sys.exit(f"{spec!r}: no scores at {missing[0]} (run experiments/teacher_views.py for that split first)")
    return np.mean([np.load(path) for path in paths], axis=0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--methods", default="nbsvm,emb,ens,st-nbsvm,st-emb,st-ens")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--variant", default="ht256")
    parser.add_argument("--fractions", default="0.25,0.5,1.0")
    parser.add_argument("--nbsvm-C", type=float, default=0.1)
    parser.add_argument("--beta", type=float, default=0.25)
    parser.add_argument("--emb-C", type=float, default=1.0)
    parser.add_argument("--emb-weight", type=float, default=1.0)
    parser.add_argument("--student-emb-C", type=float, default=0.0, help="students' emb C (0: --emb-C)")
    parser.add_argument("--name", default="cheap")
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--ngram-high", type=int, default=2, help="longest n-gram (3: uni+bi+trigrams)")
    parser.add_argument("--cross-rounds", type=int, default=3)
    parser.add_argument("--test", action="store_true", help="also score the test split (winners only)")
    parser.add_argument("--teacher-probs", default=None, help="an external teacher's probabilities ({seed} expands)")
    parser.add_argument("--teacher-weight", type=float, default=1.0)
    parser.add_argument("--prediction-weights", default="",
                        help="with --teacher-probs and st-nbsvm: refit the last student as self_training_nbsvm "
                             "does (Platt + gold temperature) and log it averaged with the teacher's log-odds at "
                             "these teacher weights (combine_log_odds), one extra record per seed")
    parser.add_argument("--eval-teacher-views", default="",
                        help="DIR:VIEW,VIEW (a {seed} in DIR expands): at prediction only, the teacher's log-odds of "
                             "the validation/test reviews are the mean over these windows, DIR/<split>_<view>.npy "
                             "(experiments/teacher_views.py); the pool keeps --teacher-probs")
    parser.add_argument("--pool-teacher-views", default="",
                        help="DIR:VIEW,VIEW as --eval-teacher-views, for the training split: the teacher's "
                             "log-odds of the pool (its ranking and labelling) are the mean over these windows")
    args = parser.parse_args()
    fractions = [float(f) for f in args.fractions.split(",")] if args.fractions else []

    _, labels, _ = st_data.split_data()
    ngrams = st_data.ngram_features(high=args.ngram_high)
    emb = st_data.embeddings("minilm", args.variant)
    out = os.path.join(RESULTS, args.name + ".jsonl")
    evals = ["validation"] + (["test"] if args.test else [])

    for seed in [int(s) for s in args.seeds.split(",")]:
        gold, pool = st_data.labelled_indices(args.size, seed)
        y = labels["train"][gold]
        y_pool = labels["train"][pool]
        teacher = st_data.teacher_logits(args.teacher_probs.format(seed=seed)) if args.teacher_probs else None
        if teacher and args.pool_teacher_views:
            teacher["train"] = mean_views(args.pool_teacher_views, seed, "train")
        prior = teacher["train"][pool] if teacher else None
        if teacher and args.eval_teacher_views:
            for s in evals:
                teacher[s] = mean_views(args.eval_teacher_views, seed, s)
        for method in args.methods.split(","):
            base = method.split("-", 1)[1] if "-" in method else method
            n_views = {"nbsvm": [0], "emb": [1], "ens": [0, 1]}[base]

            def pick(split, rows=None):
                mats = [ngrams[split], emb[split]]
                chosen = [mats[v] if rows is None else mats[v][rows] for v in n_views]
                return tuple(chosen)

            def unwrap(v):
                return v if len(v) > 1 else v[0]

            eval_views = {s: pick(s) for s in evals}
            pool_views = pick("train", pool)
            t0 = time.process_time()
            w0 = time.time()

            def report(round_, model, rows, pseudo):
                record = {
                    "method": method, "size": args.size, "seed": seed, "round": round_, "variant": args.variant,
                    "fraction": fractions[round_ - 1] if 0 < round_ <= len(fractions) else (1.0 if round_ else 0.0), "pseudo": int(len(rows)),
                    "pseudo_accuracy": float((pseudo == y_pool[rows]).mean()) if len(rows) else None,
                    "nbsvm_C": args.nbsvm_C, "beta": args.beta, "ngrams": f"1-{args.ngram_high}", "emb_C": args.emb_C, "emb_weight": args.emb_weight, "student_emb_C": args.student_emb_C or args.emb_C,
                }
                if teacher:
                    record.update(teacher=args.teacher_probs.format(seed=seed), teacher_weight=args.teacher_weight)
                for s in evals:
                    p = model.predict_proba(unwrap(eval_views[s]))
                    record[s] = float(((p > 0.5).astype(int) == labels[s]).mean())
                    if teacher:
                        record[s + "_teacher"] = float(((teacher[s] > 0).astype(int) == labels[s]).mean())
                        z = (np.log(np.clip(p, 1e-6, 1 - 1e-6)) - np.log1p(-np.clip(p, 1e-6, 1 - 1e-6)) + teacher[s]) / 2
                        record[s + "_with_teacher"] = float(((z > 0).astype(int) == labels[s]).mean())
                record["cpu_s"] = round(time.process_time() - t0, 1)
                record["wall_s"] = round(time.time() - w0, 1)
                record["load"] = round(os.getloadavg()[0], 1)
                st_data.append_result(out, record)
                print(record, flush=True)

            if method.startswith("xst-"):
                # self-training, then cross-fitted relabelling: the pool in --folds parts, each
                # relabelled by a model fitted on gold + the other parts' pseudo-labels
                model, rows, pseudo = self_train(make(base, seed, args), pick("train", gold), y, pool_views, fractions,
                                                 callback=report, return_pseudo=True, prior=prior,
                                                 prior_weight=args.teacher_weight)
                labels_pool = np.zeros(len(pool), dtype=int)
                labels_pool[rows] = pseudo
                parts = np.random.default_rng(seed).permutation(len(pool)) % args.folds
                gold_views = pick("train", gold)
                for extra in range(1, args.cross_rounds + 1):
                    new = labels_pool.copy()
                    for k in range(args.folds):
                        train_rows = np.flatnonzero(parts != k)
                        views_k = tuple(stack([g, u[train_rows]]) for g, u in zip(gold_views, pool_views))
                        m = make(base, seed, args)().fit(unwrap(views_k), np.concatenate([y, labels_pool[train_rows]]))
                        held = np.flatnonzero(parts == k)
                        new[held] = (m.predict_proba(unwrap(tuple(u[held] for u in pool_views))) > 0.5).astype(int)
                    labels_pool = new
                    views_all = tuple(stack([g, u]) for g, u in zip(gold_views, pool_views))
                    model = make(base, seed, args)().fit(unwrap(views_all), np.concatenate([y, labels_pool]))
                    report(len(fractions) + extra, model, np.arange(len(pool)), labels_pool)
            elif method.startswith("st-"):
                _, rows, pseudo = self_train(make(base, seed, args), pick("train", gold), y, pool_views, fractions,
                                             callback=report, prior=prior, prior_weight=args.teacher_weight,
                                             return_pseudo=True)
                if args.prediction_weights and base == "nbsvm" and teacher:
                    from textflix_lib.algorithms.nbsvm import NBSVM

                    final = fit_calibrated_student(NBSVM(C=args.nbsvm_C, beta=args.beta, random_state=seed),
                                                   pick("train", gold)[0], y, pool_views[0][rows], pseudo)
                    slope, offset = final.calibration_
                    record = {"method": method, "size": args.size, "seed": seed, "round": "final_calibrated",
                              "teacher": args.teacher_probs.format(seed=seed), "teacher_weight": args.teacher_weight,
                              "eval_teacher_views": args.eval_teacher_views.format(seed=seed),
                              "pool_teacher_views": args.pool_teacher_views.format(seed=seed),
                              "nbsvm_C": args.nbsvm_C, "beta": args.beta, "ngrams": f"1-{args.ngram_high}",
                              "calibration": [slope, offset]}
                    for s in evals:
                        z = slope * final.decision_function(ngrams[s]) + offset
                        record[s + "_student"] = float(((z > 0).astype(int) == labels[s]).mean())
                        for w in [float(v) for v in args.prediction_weights.split(",")]:
                            zc = combine_log_odds(z, teacher[s], w)
                            record[f"{s}_combined_w{w:g}"] = float(((zc > 0).astype(int) == labels[s]).mean())
                    st_data.append_result(out, record)
                    print(record, flush=True)
            else:
                model = make(base, seed, args)().fit(unwrap(pick("train", gold)), y)
                report(0, model, np.zeros(0, dtype=int), np.zeros(0, dtype=int))


if __name__ == "__main__":
    main()
