"""Issue 10: a GPU run's window predictions (experiments/gpu/run.sh part w) as view files.

Part w scores validation (and, for its first variant, test) through the first and the last 254
word pieces with `allennlp predict` (the `sentiment` predictor's JSON lines), and every review
through the teacher's own window (a `{"id", "split", "p_pos"}` teacher file). This writes the
log-odds per split and window in split order, ``OUT/<split>_<head>+<tail>.npy``, the files that
`experiments/self_training.py --eval-teacher-views` reads (as experiments/teacher_views.py
writes them on the CPU), and prints each window's and the three windows' mean accuracy:

    .venv/bin/python experiments/window_views_import.py runs/window_scores/windows/aug2_s0 runs/teacher_views/aug2_s0 \
        [--own runs/window_scores/windows/aug2_s0.jsonl.gz]

Without `--own`, the teacher's own window is read from `<run>/val_own.jsonl` (validation only).
The files may be gzipped (`.jsonl.gz`, as kept in experiments/results/gpu/pseudo_grid_windows_h200/).
"""
import argparse
import gzip
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import st_data  # noqa: E402

OWN = "64+190"


def read_predictions(path):
    """{(split, id): p_pos} from predictor output lines or a teacher file."""
    opener = gzip.open if path.endswith(".gz") else open
    found = {}
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            try:
                p = record["p_pos"] if "p_pos" in record else record["probs"]["pos"]
                found[(record["split"], record["id"])] = float(p)
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError(f"{path}, line {number}: expected id, split and p_pos or probs.pos ({error})") from None
    return found


def log_odds(found, split, ids, path):
    missing = [i for i in ids if (split, i) not in found]
    if missing:
        raise ValueError(f"{path}: no {split} prediction for {len(missing)} reviews (first: {missing[0]})")
    p = np.clip(np.array([found[(split, i)] for i in ids]), 1e-6, 1 - 1e-6)
    return np.log(p) - np.log1p(-p)


def _file(run, name):
    """RUN/NAME.jsonl, or its gzipped copy (experiments/results/gpu/...)."""
    path = os.path.join(run, name + ".jsonl")
    return path if os.path.exists(path) or not os.path.exists(path + ".gz") else path + ".gz"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run")
    parser.add_argument("out")
    parser.add_argument("--own", default=None, help="the teacher file of every review through the own window")
    args = parser.parse_args()
    _, labels, ids = st_data.split_data()
    os.makedirs(args.out, exist_ok=True)
    short = {"val": "validation", "test": "test"}
    own = read_predictions(args.own) if args.own else None
    for prefix, split in short.items():
        files = {view: _file(args.run, f"{prefix}_{view}") for view in ("254+0", "0+254")}
        if not all(os.path.exists(f) for f in files.values()):
            continue
        rows = {}
        own_path = args.own or _file(args.run, f"{prefix}_own")
        rows[OWN] = log_odds(own if own is not None else read_predictions(own_path), split, ids[split], own_path)
        for view, path in files.items():
            rows[view] = log_odds(read_predictions(path), split, ids[split], path)
        record = {"run": args.run, "split": split}
        for view, z in rows.items():
            np.save(os.path.join(args.out, f"{split}_{view}.npy"), z)
            record[view] = float(((z > 0) == labels[split]).mean())
        record["mean3"] = float(((np.mean(list(rows.values()), axis=0) > 0) == labels[split]).mean())
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
