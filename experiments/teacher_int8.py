"""Issue 10, validation only: would int8 dynamic quantization make the teacher cheaper?

Scores the validation split with a fine-tuned transformer archive twice, its `Linear` layers
quantized to int8 by `torch.quantization.quantize_dynamic` and as trained (fp32), 2 threads,
batches of 32 longest first; prints accuracy, CPU and wall seconds, and how often the two agree:

    .venv/bin/python experiments/teacher_int8.py runs/teachers/minilm500_s0_cpu/model.tar.gz
"""
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import st_data  # noqa: E402


def main():
    import textflix_lib  # noqa: F401
    from allennlp.models.archival import load_archive

    from textflix_lib.predictors.scoring import label_names, probability_function

    texts, labels, _ = st_data.split_data()
    torch.set_num_threads(2)
    loaded = load_archive(sys.argv[1])
    model = loaded.model.eval()
    column = label_names(model).index("pos")
    quantized = torch.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    split = texts["validation"]
    order = sorted(range(len(split)), key=lambda i: len(split[i]), reverse=True)
    scores = {}
    for name, candidate in (("int8", quantized), ("fp32", model)):
        score = probability_function(candidate, loaded.validation_dataset_reader)
        cpu, wall = time.process_time(), time.time()
        p = np.zeros(len(split))
        for start in range(0, len(order), 32):
            chunk = order[start:start + 32]
            p[chunk] = score([split[i] for i in chunk])[:, column]
        scores[name] = p
        print(f"{name}: accuracy {((p > 0.5).astype(int) == labels['validation']).mean():.3f}, "
              f"{time.process_time() - cpu:.1f} CPU s, {time.time() - wall:.1f} s wall, load {os.getloadavg()[0]:.1f}")
    print(f"same label on {((scores['int8'] > 0.5) == (scores['fp32'] > 0.5)).mean():.3f} of the reviews")


if __name__ == "__main__":
    main()
