"""How long `allennlp textflix` takes to build the site, from nothing and again from its cache.

    .venv/bin/python experiments/site_build_benchmark.py \\
        --model nbsvm=runs/nbsvm/model.tar.gz --model word_vectors=runs/word_vectors/model.tar.gz \\
        --sample 1000 --workers 2 --label nbsvm+word_vectors

Runs the real command twice into a fresh folder (the first build explains every review, the
second finds every explanation cached) and appends one JSON line per build to
experiments/results/site/build.jsonl: wall seconds of the whole command (imports and Ray start
included), what the command itself reports for the precompute and the pages, the data size,
the machine's cores and its load average before and after (other jobs slow a build down).
"""
import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ALLENNLP = str(Path(sys.executable).parent / "allennlp")


def build(models, sample, workers, out, extra):
    args = [ALLENNLP, "textflix", *[a for m in models for a in ("--model", m)], "test", "--sample", str(sample),
            "--workers", str(workers), "-s", str(out), *extra]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, cwd=REPO,
                            env={**os.environ, "ALLENNLP_LOG_LEVEL": "WARNING"})
    wall = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(result.stderr[-3000:])
    reported = re.search(r"explained in ([\d.]+) s, pages written in ([\d.]+) s: .* ([\d.]+) MB of data", result.stdout)
    return {"wall_seconds": round(wall, 1),
            "precompute_seconds": float(reported.group(1)) if reported else None,
            "write_seconds": float(reported.group(2)) if reported else None,
            "data_mb": float(reported.group(3)) if reported else None,
            "load_average_before": round(load, 2), "load_average_after": round(os.getloadavg()[0], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", required=True, help="NAME=ARCHIVE, as for allennlp textflix")
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--label", default=None, help="what this run measures (default: the model names)")
    parser.add_argument("--predictor-args", default="")
    parser.add_argument("--out", default=str(REPO / "experiments" / "results" / "site" / "build.jsonl"))
    args = parser.parse_args()
    extra = ["--predictor-args", args.predictor_args] if args.predictor_args else []
    site = Path(tempfile.mkdtemp(prefix="textflix-site-"))
    try:
        first = build(args.model, args.sample, args.workers, site, extra)
        again = build(args.model, args.sample, args.workers, site, extra)
    finally:
        shutil.rmtree(site, ignore_errors=True)
    record = {"label": args.label or "+".join(m.split("=")[0] for m in args.model), "models": args.model,
              "reviews": args.sample, "workers": args.workers, "cores": os.cpu_count(),
              "machine": platform.machine(), "python": platform.python_version(),
              "date": time.strftime("%Y-%m-%d"), "first_build": first, "cached_rebuild": again}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=1))


if __name__ == "__main__":
    main()
