"""Issue 10, validation only: a fine-tuned transformer teacher scored with a longer context.

The CPU teacher (`configs/bert.jsonnet`) is trained on head 64 + tail 190 word pieces; this
scores a split with other head/tail lengths through the archive's own reader (overridden at
load) and prints and appends the accuracy for each, with the CPU time:

    .venv/bin/python experiments/teacher_context.py runs/teachers/minilm500_s0_cpu/model.tar.gz \
        --lengths 64+190,128+382 --split validation

One JSON line per length in experiments/results/self_training/teacher_context.jsonl.
"""
import argparse
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
    parser.add_argument("--lengths", default="64+190,128+382")
    parser.add_argument("--split", default="validation", choices=["validation"])
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()

    import textflix_lib  # noqa: F401
    from allennlp.models.archival import load_archive

    from textflix_lib.predictors.scoring import label_names, probability_function

    texts, labels, _ = st_data.split_data()
    out = os.path.join(HERE, "results", "self_training", "teacher_context.jsonl")
    for length in args.lengths.split(","):
        head, tail = (int(v) for v in length.split("+"))
        start = time.process_time()
        loaded = load_archive(args.archive, overrides=json.dumps(
            {"dataset_reader.tokenizer.head_tokens": head, "dataset_reader.tokenizer.tail_tokens": tail}))
        loaded.model.eval()
        column = label_names(loaded.model).index("pos")
        score = probability_function(loaded.model, loaded.validation_dataset_reader)
        split_texts = texts[args.split]
        order = sorted(range(len(split_texts)), key=lambda i: len(split_texts[i]), reverse=True)
        p = np.zeros(len(split_texts))
        for s in range(0, len(order), args.batch_size):
            chunk = order[s:s + args.batch_size]
            p[chunk] = score([split_texts[i] for i in chunk])[:, column]
        record = {"archive": args.archive, "split": args.split, "head": head, "tail": tail,
                  "accuracy": float(((p > 0.5).astype(int) == labels[args.split]).mean()),
                  "cpu_s": round(time.process_time() - start, 1), "load": round(os.getloadavg()[0], 1)}
        print(record, flush=True)
        st_data.append_result(out, record)


if __name__ == "__main__":
    main()
