"""Reviews per second of `allennlp predict` and `allennlp predict-parallel` with 0 (in this
process), 1 and 2 Ray workers, on the embedded held-out test reviews.

    .venv/bin/python experiments/scoring_throughput.py --name nbsvm --archive runs/nbsvm/model.tar.gz \
        --reviews 5009 --batch-size 32 --workers 0,1,2
    .venv/bin/python experiments/scoring_throughput.py --name minilm --archive runs/minilm/model.tar.gz \
        --reviews 500 --batch-size 16 --workers 0,1,2

Each setting runs the real command line in a fresh process (start-up, Ray and model loading
included in `wall_s`); predict-parallel also reports the seconds after its workers loaded the
model (`predicting_s`). Every output is compared byte for byte with plain `allennlp predict`'s.
One JSON line per measurement is appended to experiments/results/scale_out/scoring_throughput.jsonl
as soon as it is measured, with the machine and its load (/proc/loadavg, as `uptime` shows it)
before and after: other jobs share this machine's cores. The test reviews only measure speed;
nothing is chosen with them.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ALLENNLP = str(Path(sys.executable).parent / "allennlp")
RESULTS = REPO / "experiments" / "results" / "scale_out" / "scoring_throughput.jsonl"
SUMMARY = re.compile(r"(\d+) lines predicted (?:in this process|on (\d+) Ray workers) in ([\d.]+) s: ([\d.]+) s "
                     r"starting and loading the model, then ([\d.]+) lines/s")


def load() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def machine() -> str:
    return f"{platform.node()}: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, no GPU used"


def write_reviews(path: Path, count: int) -> int:
    sys.path.insert(0, str(REPO))
    from textflix_lib.data.imdb import embedded_split

    reviews = embedded_split().test[:count]
    with open(path, "w", encoding="utf-8") as handle:
        for review in reviews:
            handle.write(json.dumps({"text": review.text, "review_id": review.metadata.get("review_id")}) + "\n")
    return len(reviews)


def timed(arguments, log: Path):
    started = time.perf_counter()
    with open(log, "wb") as handle:
        code = subprocess.run([ALLENNLP, *arguments], cwd=REPO, stdout=handle, stderr=subprocess.STDOUT,
                              env={**os.environ, "ALLENNLP_LOG_LEVEL": "WARNING"}).returncode
    seconds = time.perf_counter() - started
    if code:
        raise SystemExit(f"allennlp {' '.join(arguments)} failed ({code}); see {log}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--name", help="the model's name in the results (nbsvm, minilm, ...)")
    parser.add_argument("--archive")
    parser.add_argument("--reviews", type=int, default=5009, help="the first N held-out test reviews")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--chunk-size", type=int, default=256)
    parser.add_argument("--workers", default="0,1,2", help="predict-parallel worker counts (0: in one process)")
    parser.add_argument("--no-baseline", action="store_true", help="skip plain allennlp predict")
    parser.add_argument("--note", default="")
    parser.add_argument("--table", action="store_true", help="print the results file as a Markdown table and stop")
    args = parser.parse_args()
    if args.table:
        print(table())
        print()
        print(site_table())
        return
    if not args.name or not args.archive:
        parser.error("--name and --archive are required (unless --table)")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with open(args.archive, "rb") as handle:
        archive_sha1 = hashlib.sha1(handle.read()).hexdigest()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        reviews = scratch / "reviews.jsonl"
        count = write_reviews(reviews, args.reviews)
        plain_output = scratch / "plain.jsonl"
        common = {"model": args.name, "archive": args.archive, "archive_sha1": archive_sha1, "reviews": count,
                  "data": f"embedded held-out test split, first {count} reviews", "batch_size": args.batch_size,
                  "machine": machine(), "python": platform.python_version(), "niceness": os.nice(0),
                  "note": args.note}

        def record(entry):
            entry = {**common, **entry, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
            with open(RESULTS, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry) + "\n")
            print(json.dumps(entry), flush=True)

        if not args.no_baseline:
            before = load()
            arguments = ["predict", args.archive, str(reviews), "--predictor", "sentiment", "--output-file",
                         str(plain_output), "--batch-size", str(args.batch_size), "--silent"]
            seconds = timed(arguments, scratch / "plain.log")
            record({"command": "allennlp " + " ".join(arguments).replace(str(scratch), "$TMP"), "workers": None,
                    "wall_s": round(seconds, 2), "reviews_per_s_wall": round(count / seconds, 2),
                    "load_before": before, "load_after": load()})
        for workers in [int(w) for w in args.workers.split(",")]:
            output = scratch / f"parallel-{workers}.jsonl"
            arguments = ["predict-parallel", args.archive, str(reviews), "--predictor", "sentiment",
                         "--output-file", str(output), "--batch-size", str(args.batch_size),
                         "--chunk-size", str(args.chunk_size), "--workers", str(workers)]
            before = load()
            log = scratch / f"parallel-{workers}.log"
            seconds = timed(arguments, log)
            found = SUMMARY.findall(log.read_text(errors="replace"))
            if not found:
                raise SystemExit(f"no summary line in {log}")
            lines, _, total, loading, rate = found[-1]
            identical = plain_output.exists() and output.read_bytes() == plain_output.read_bytes()
            record({"command": "allennlp " + " ".join(arguments).replace(str(scratch), "$TMP"), "workers": workers,
                    "wall_s": round(seconds, 2), "reviews_per_s_wall": round(count / seconds, 2),
                    "starting_and_loading_s": float(loading), "predicting_s": round(float(total) - float(loading), 2),
                    "reviews_per_s_predicting": float(rate), "identical_to_plain_predict": identical,
                    "load_before": before, "load_after": load()})


def table() -> str:
    """The results file as the Markdown table of docs/scale_out.md, one row per measurement."""
    rows = ["| model | reviews | batch | command | wall s | reviews/s (wall) | Ray start + model load s | predicting s "
            "| reviews/s (predicting) | same bytes as predict | load before -> after | date (UTC) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    with open(RESULTS, encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            what = "`allennlp predict`" if r["workers"] is None else (
                "`predict-parallel --workers 0`" if r["workers"] == 0 else f"`predict-parallel --workers {r['workers']}`")
            missing = "–"
            rows.append("| " + " | ".join(str(v) for v in (
                r["model"], r["reviews"], r["batch_size"], what, r["wall_s"], r["reviews_per_s_wall"],
                r.get("starting_and_loading_s", missing), r.get("predicting_s", missing),
                r.get("reviews_per_s_predicting", missing),
                missing if r["workers"] is None else ("yes" if r.get("identical_to_plain_predict") else "no"),
                f"{r['load_before'].split()[0]} -> {r['load_after'].split()[0]}", r["date"][:16].replace("T", " "),
            )) + " |")
    return "\n".join(rows)


def site_table() -> str:
    """experiments/results/scale_out/site_precompute.jsonl (written by site_build_benchmark.py) as a table."""
    rows = ["| model | reviews | `--workers` | precompute s (first build) | reviews/s | wall s | cached rebuild wall s "
            "| load before | date |", "|---|---|---|---|---|---|---|---|---|"]
    with open(RESULTS.parent / "site_precompute.jsonl", encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            first = r["first_build"]
            rows.append("| " + " | ".join(str(v) for v in (
                "+".join(m.split("=")[0] for m in r["models"]), r["reviews"], r["workers"], first["precompute_seconds"],
                round(r["reviews"] / first["precompute_seconds"], 1), first["wall_seconds"],
                r["cached_rebuild"]["wall_seconds"], first["load_average_before"], r["date"])) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
