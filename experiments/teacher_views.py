"""Issue 10: a fine-tuned transformer teacher read through several windows of a long review.

The CPU teacher (`configs/bert.jsonnet`) reads the first 64 and the last 190 word pieces of a
review; about half of IMDB's reviews are longer, and their middle is never read. This scores
a split through other windows of the same archive (its reader's `head_tokens`/`tail_tokens`
overridden at load: ``254+0`` is the first 254 word pieces, ``0+254`` the last 254) and
saves one log-odds per review and window; the windows are then averaged in log-odds, at
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
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import st_data  # noqa: E402


def window_scores(archive, head, tail, texts, base, batch_size):
    """Log-odds of `texts` through the (head, tail) window; reviews whose word pieces are
    the same as through the trained window keep `base`'s score."""
    from allennlp.models.archival import load_archive

    from textflix_lib.predictors.scoring import label_names, probability_function

    loaded = load_archive(archive, overrides=json.dumps(
        {"dataset_reader.tokenizer.head_tokens": head, "dataset_reader.tokenizer.tail_tokens": tail}))
    trained = load_archive(archive).validation_dataset_reader._tokenizer
    reader = loaded.validation_dataset_reader
    loaded.model.eval()
    column = label_names(loaded.model).index("pos")
    score = probability_function(loaded.model, reader)
    differ = [i for i, text in enumerate(texts)
              if [t.text for t in reader._tokenizer.tokenize(text)] != [t.text for t in trained.tokenize(text)]]
    out = base.copy()
    order = sorted(differ, key=lambda i: len(texts[i]), reverse=True)
    for s in range(0, len(order), batch_size):
        chunk = order[s:s + batch_size]
        p = np.clip(score([texts[i] for i in chunk])[:, column], 1e-6, 1 - 1e-6)
        out[chunk] = np.log(p) - np.log1p(-p)
    return out, len(differ)


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
    from allennlp.models.archival import load_archive

    from textflix_lib.models.teacher import teacher_log_odds

    config = load_archive(args.archive).config
    tokenizer = config["dataset_reader"]["tokenizer"]
    trained = f"{tokenizer['head_tokens']}+{tokenizer['tail_tokens']}"
    texts, labels, _ = st_data.split_data()
    os.makedirs(args.out, exist_ok=True)
    results = os.path.join(HERE, "results", "self_training", "teacher_views.jsonl")
    for split in args.splits.split(","):
        start = time.process_time()
        base = teacher_log_odds(args.archive, texts[split], "pos", cache_dir=args.cache_dir)
        np.save(os.path.join(args.out, f"{split}_{trained}.npy"), base)
        scores = {trained: base}
        rescored = {}
        for view in args.views.split(","):
            path = os.path.join(args.out, f"{split}_{view}.npy")
            if os.path.exists(path):
                scores[view] = np.load(path)
                continue
            head, tail = (int(v) for v in view.split("+"))
            scores[view], rescored[view] = window_scores(args.archive, head, tail, texts[split], base,
                                                         args.batch_size)
            np.save(path + ".tmp.npy", scores[view])
            os.replace(path + ".tmp.npy", path)
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
