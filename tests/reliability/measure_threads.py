"""What changes with the number of CPU threads: trains NB-SVM, word vectors (2 epochs, 40
reviews) and the tiny transformer (2 epochs) once per thread count, each in a fresh process,
and compares test metrics and weights with the first thread count's.

    .venv/bin/python tests/reliability/measure_threads.py --threads 1,2

Prints one JSON line per model (docs/reliability.md quotes them). Not a test: the answer
depends on the machine (its BLAS, its vector instructions)."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE), str(REPO / "tests")]

CHILD = r"""
import json, sys, torch
torch.set_num_threads(int(sys.argv[1]))
import textflix_lib
from allennlp.commands.train import train_model_from_file
train_model_from_file(sys.argv[2], sys.argv[3], overrides=sys.argv[4], force=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", default="1,2")
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]

    import torch
    from textflix_lib.data.imdb import embedded_split
    from tiny_models import bert_config, make_tiny_bert, write_jsonl

    split = embedded_split()
    work = Path(tempfile.mkdtemp(prefix="threads-"))
    data = {"train": write_jsonl(work / "train.jsonl", split.train[:80]),
            "validation": write_jsonl(work / "dev.jsonl", split.validation[:30]),
            "test": write_jsonl(work / "test.jsonl", split.test[:60])}
    common = {"train_data_path": data["train"], "validation_data_path": data["validation"],
              "test_data_path": data["test"], "evaluate_on_test": True, "datasets_for_vocab_creation": ["train"]}
    tiny = make_tiny_bert(work / "tiny_bert")
    bert = bert_config(tiny, data["train"], data["validation"], epochs=2)
    bert.update(test_data_path=data["test"], evaluate_on_test=True)
    (work / "bert.json").write_text(json.dumps(bert))
    models = {
        "nbsvm": (str(REPO / "configs" / "nbsvm.jsonnet"), {**common, "dataset_reader.train_size": 60}),
        "word_vectors": (str(REPO / "configs" / "word_vectors.jsonnet"),
                         {**common, "dataset_reader.train_size": 40, "trainer.num_epochs": 2}),
        "tiny_transformer": (str(work / "bert.json"), {}),
    }
    for name, (config, overrides) in models.items():
        results = []
        for count in threads:
            out = work / f"{name}-{count}"
            env = {**os.environ, "OMP_NUM_THREADS": str(count), "MKL_NUM_THREADS": str(count)}
            subprocess.run([sys.executable, "-c", CHILD, str(count), config, str(out), json.dumps(overrides)],
                           cwd=REPO, env=env, check=True, capture_output=True)
            metrics = json.loads((out / "metrics.json").read_text())
            results.append(({k: v for k, v in metrics.items() if k.startswith("test_")},
                             torch.load(out / "best.th", map_location="cpu")))
        (base_metrics, base_weights) = results[0]
        for count, (metrics, weights) in zip(threads[1:], results[1:]):
            differ = [k for k in base_weights if not torch.equal(base_weights[k], weights[k])]
            largest = max((float((base_weights[k].float() - weights[k].float()).abs().max()) for k in differ),
                          default=0.0)
            print(json.dumps({"model": name, "threads": [threads[0], count], "same_test_metrics": metrics == base_metrics,
                              "test_metrics": [base_metrics, metrics], "tensors": len(base_weights),
                              "tensors_differing": len(differ), "largest_weight_difference": largest}), flush=True)


if __name__ == "__main__":
    main()
