"""What glibc's malloc costs a transformer's scoring on the CPU, with and without
`textflix_lib.memory.keep_freed_memory` (on by default when textflix_lib is imported;
`TEXTFLIX_MALLOC=system` turns it off).

Each setting runs in a fresh process (the allocator is chosen at import): an archive scores
`--reviews` validation reviews (sorted by length, `--batch-size` a batch, the precision the
archive was trained in), and the process reports its user and system CPU seconds, minor page
faults and wall clock for the scoring alone, and its peak resident memory. Validation reviews
only measure speed; nothing is chosen with them. One JSON line per setting is appended to
OUTPUT, with the load average before and after (other jobs share this machine's cores):

    .venv/bin/python experiments/malloc_bench.py experiments/results/self_training/malloc_bench.jsonl \
        --archive runs/teachers/mpnet500_s0_cpu_bf16/model.tar.gz --name mpnet --reviews 512
"""
import argparse
import json
import os
import platform
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def score(archive, reviews, batch_size):
    import resource
    import time

    import textflix_lib
    from allennlp.models.archival import load_archive

    from textflix_lib.data.imdb import embedded_split
    from textflix_lib.precision import trained_in_mixed_precision
    from textflix_lib.predictors.scoring import instance_probabilities

    loaded = load_archive(archive)
    model, reader = loaded.model, loaded.validation_dataset_reader
    model.eval()
    mixed = trained_in_mixed_precision(loaded.config.as_dict(quiet=True))
    instances = []
    for text in sorted((r.text for r in embedded_split()["validation"][:reviews]), key=len):
        instance = reader.text_to_instance(text)
        reader.apply_token_indexers(instance)
        instances.append(instance)
    before, started = resource.getrusage(resource.RUSAGE_SELF), time.time()
    for start in range(0, len(instances), batch_size):
        instance_probabilities(model, instances[start:start + batch_size], mixed)
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {"malloc_tuned": textflix_lib.MALLOC_TUNED, "mixed_precision": mixed, "reviews": len(instances),
            "batch_size": batch_size, "user_s": round(after.ru_utime - before.ru_utime, 1),
            "system_s": round(after.ru_stime - before.ru_stime, 1), "minor_faults": after.ru_minflt - before.ru_minflt,
            "wall_s": round(time.time() - started, 1), "max_rss_mb": round(after.ru_maxrss / 1024)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output")
    parser.add_argument("--archive", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--reviews", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--settings", default="system,keep", help="TEXTFLIX_MALLOC values, one process each")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(score(args.archive, args.reviews, args.batch_size)))
        return
    for setting in args.settings.split(","):
        load_before = open("/proc/loadavg").read().split()[:3]
        command = [sys.executable, __file__, args.output, "--archive", args.archive, "--name", args.name,
                   "--reviews", str(args.reviews), "--batch-size", str(args.batch_size), "--child"]
        env = {**os.environ, "TEXTFLIX_MALLOC": setting}
        done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, check=True)
        record = {"name": args.name, "archive": args.archive, "TEXTFLIX_MALLOC": setting,
                  **json.loads(done.stdout.strip().splitlines()[-1]), "machine": platform.node(),
                  "cpus": os.cpu_count(), "load_before": load_before,
                  "load_after": open("/proc/loadavg").read().split()[:3]}
        print(json.dumps(record), flush=True)
        with open(args.output, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
