"""Issue 10: a fine-tuned transformer teacher read through several windows of a long review.

The CPU teacher (`configs/bert.jsonnet`) reads the first 64 and the last 190 word pieces of a
review; about half of IMDB's reviews are longer, and their middle is never read. This scores
a split through other windows of the same archive (`ArchivedTeacher(windows=...)`, the
model's `prediction_teacher_windows`: ``254+0`` is the first 254 word pieces, ``0+254`` the
last 254) and saves one log-odds per review and window; the windows are then averaged in log-odds, at
prediction only (the pool is still scored through the trained window). A review no longer
than the window reads the same through every window and is not scored again.

    .venv/bin/python experiments/teacher_views.py runs/teachers/minilm500_s0_cpu/model.tar.gz \
        runs/teacher_views/minilm500_s0 --views 254+0,0+254 --splits validation --cache-dir runs/teacher_cache

Writes ``<out>/<split>_<head>+<tail>.npy`` (log-odds in split order; the trained window goes
through `teacher_log_odds` and its cache, like the pool) and appends one JSON line per split
to experiments/results/self_training/teacher_views.jsonl with each window's accuracy and the
average's. `experiments/self_training.py --eval-teacher-views` reads the files. Labels are
read only to report accuracy; nothing is chosen here.
"""
import argparse
import itertools
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
    parser.add_argument("out")
    parser.add_argument("--views", default="254+0,0+254", help="windows besides the trained one, head+tail")
    parser.add_argument("--splits", default="validation")
    parser.add_argument("--cache-dir", default=None)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()

    import textflix_lib  # noqa: F401  registers the components
    from textflix_lib.models.teacher import ArchivedTeacher, teacher_log_odds

    views = args.views.split(",")
    try:
        windows = [[int(v) for v in view.split("+")] for view in views]
    except ValueError:
        parser.error(f"--views {args.views!r}: expected windows as head+tail word pieces, e.g. 254+0,0+254")
    teacher = ArchivedTeacher(args.archive, "pos", args.batch_size, windows=windows)
    if teacher.trained_window is None:
        sys.exit(f"{args.archive}: its reader does not read through the head_tail tokenizer, so it has no windows")
    trained = "+".join(str(v) for v in teacher.trained_window)
    texts, labels, _ = st_data.split_data()
    os.makedirs(args.out, exist_ok=True)
    results = os.path.join(HERE, "results", "self_training", "teacher_views.jsonl")
    for split in args.splits.split(","):
        start = time.process_time()
        # the trained window through the shared cache (the pool's scores are there already)
        base = teacher_log_odds(args.archive, texts[split], "pos", cache_dir=args.cache_dir)
        np.save(os.path.join(args.out, f"{split}_{trained}.npy"), base)
        paths = {view: os.path.join(args.out, f"{split}_{view}.npy") for view in views}
        if not all(os.path.exists(path) for path in paths.values()):
            for view, row in zip(views, teacher.window_log_odds(texts[split], trained=base)[1:]):
                np.save(paths[view] + ".tmp.npy", row)
                os.replace(paths[view] + ".tmp.npy", paths[view])
        scores = {trained: base, **{view: np.load(path) for view, path in paths.items()}}
        rescored = {view: int(np.count_nonzero(scores[view] != base)) for view in views}
        y = labels[split]
        record = {"archive": args.archive, "split": split, "trained": trained, "rescored": rescored,
                  "accuracy": {v: float(((z > 0).astype(int) == y).mean()) for v, z in scores.items()}}
        for k in range(2, len(scores) + 1):
            for combo in itertools.combinations(scores, k):
                z = np.mean([scores[v] for v in combo], axis=0)
                record["accuracy"]["mean(" + ",".join(combo) + ")"] = float(((z > 0).astype(int) == y).mean())
        record.update(cpu_s=round(time.process_time() - start, 1), load=round(os.getloadavg()[0], 1))
        print(record, flush=True)
        st_data.append_result(results, record)


if __name__ == "__main__":
    main()
