"""Sentence-level LIME: ours against the `lime` package, and ERASER faithfulness.

For each of N held-out test reviews (a fixed class-balanced sample of the embedded test split):
- ours: `TextExplainer` over sentences (`--num-samples`, default 256; distinct texts scored
  once, length-sorted batches; `--target`, default log_odds as in the `sentence_lime` predictor);
- reference (unless `--skip-lime`): `lime.lime_text.LimeTextExplainer` with the same sentence
  splitter as a callable, `bow=False`, `mask_string=""` (a removed sentence is dropped, as in
  ours) and its default 5,000 samples; its classifier function gets the same model in batches
  of the same size (no dedup, no sorting: what `lime` asks for is what the model scores);
- a random ranking of the sentences (mean of `--random-rankings` permutations).
Reported per method: model calls (texts scored), wall time, top-sentence agreement with
`lime`, ERASER comprehensiveness / sufficiency (AOPC over 10..50% of the sentences, and at 1
sentence). Finished reviews are appended to `<output>.partial.jsonl`; a rerun resumes there.

    python experiments/lime_sentence_benchmark.py runs/nbsvm/model.tar.gz --n 50 \
        --output experiments/results/lime_sentence_nbsvm.json
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def load(archive: str):
    import torch
    import textflix_lib  # noqa: F401
    from allennlp.models.archival import load_archive

    torch.set_num_threads(2)
    loaded = load_archive(archive)
    loaded.model.eval()
    return loaded.model, loaded.dataset_reader


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("archive")
    parser.add_argument("--output", required=True)
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--sample-seed", type=int, default=0)
    parser.add_argument("--num-samples", type=int, default=256)
    parser.add_argument("--samples-per-feature", type=int, default=0)
    parser.add_argument("--target", default="log_odds", choices=("probability", "log_odds"))
    parser.add_argument("--lime-samples", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--random-rankings", type=int, default=5)
    parser.add_argument("--min-sentences", type=int, default=0)
    parser.add_argument("--max-sentences", type=int, default=10 ** 6)
    parser.add_argument("--skip-lime", action="store_true")
    parser.add_argument("--lime-from", default=None,
                        help="a previous result JSON: reuse its `lime` rows (same archive and reviews) instead of rerunning lime")
    args = parser.parse_args()

    from textflix_lib.algorithms.lime import BatchScorer, LimeExplainer, Segmentation, TextExplainer
    from textflix_lib.algorithms.lime.eraser import deletion_scores, ranking_from_weights
    from textflix_lib.data.imdb import balanced_sample, embedded_split
    from textflix_lib.predictors.scoring import label_names, probability_function

    model, reader = load(args.archive)
    labels = label_names(model)
    predict_texts = probability_function(model, reader)
    pool = balanced_sample(embedded_split().test, 4000, seed=args.sample_seed)
    reviews = []
    for review in pool:
        d = Segmentation(review.text).num_features
        if args.min_sentences <= d <= args.max_sentences:
            reviews.append(review)
        if len(reviews) == args.n:
            break

    ours = TextExplainer(BatchScorer(predict_texts, args.batch_size), LimeExplainer(num_samples=args.num_samples,
                                                                                samples_per_feature=args.samples_per_feature,
                                                                                target=args.target))
    judge = BatchScorer(predict_texts, args.batch_size)  # scores deletions; not counted as explaining
    partial = Path(args.output + ".partial.jsonl")
    done = {}
    if partial.exists():
        for line in partial.read_text().splitlines():
            row = json.loads(line)
            done[row["review_id"]] = row
    reused = {}
    if args.lime_from:
        for old in json.loads(Path(args.lime_from).read_text())["reviews"]:
            reused[old["review_id"]] = {k: v for k, v in old.items() if k.startswith("lime")}
    load_before = uptime()
    rng = np.random.default_rng(12345)
    for number, review in enumerate(reviews):
        review_id = review.metadata.get("review_id", review.digest)
        if review_id in done:
            continue
        row = {"review_id": review_id, "true_label": review.label}
        start, cpu = time.perf_counter(), time.process_time()
        explanation = ours.explain(review.text)
        row["ours_seconds"] = time.perf_counter() - start
        # CPU seconds of this process (all threads): less sensitive to other users' load
        row["ours_cpu_seconds"] = time.process_time() - cpu
        seg, exp = explanation.segmentation, explanation.explanation
        row.update(sentences=seg.num_features, predicted=labels[exp.label], probability=exp.prediction,
                   ours_calls=explanation.model_calls, ours_exact=exp.exact, ours_r2=exp.score)
        ranking = ranking_from_weights(exp.weights)
        row["ours_top"] = ranking[0] if ranking else None
        judge.reset()
        scores = lambda texts: judge(texts)  # noqa: E731
        row["ours"] = deletion_scores(seg, ranking, exp.label, scores)
        randoms = [deletion_scores(seg, list(rng.permutation(seg.num_features)), exp.label, scores)
                   for _ in range(args.random_rankings)]
        row["random"] = {key: float(np.mean([r[key] for r in randoms])) for key in randoms[0]}
        if review_id in reused and reused[review_id]:
            row.update(reused[review_id])
            row["lime_reused_from"] = args.lime_from
            row["top_agrees"] = row["lime_top"] == row["ours_top"]
        elif not args.skip_lime and seg.num_features > 0:
            from lime.lime_text import LimeTextExplainer

            calls = {"texts": 0}

            def classifier_fn(texts):
                calls["texts"] += len(texts)
                return np.concatenate([predict_texts(list(texts[i:i + args.batch_size]))
                                       for i in range(0, len(texts), args.batch_size)])

            sentences = [s.text for s in seg.segments]
            reference = LimeTextExplainer(split_expression=lambda _text: sentences, bow=False, mask_string="",
                                          class_names=labels, random_state=number)
            start, cpu = time.perf_counter(), time.process_time()
            lime_exp = reference.explain_instance(review.text, classifier_fn, labels=(exp.label,),
                                                  num_features=seg.num_features, num_samples=args.lime_samples)
            row["lime_seconds"] = time.perf_counter() - start
            row["lime_cpu_seconds"] = time.process_time() - cpu
            row["lime_calls"] = calls["texts"]
            weights = np.zeros(seg.num_features)
            for feature, weight in lime_exp.as_map()[exp.label]:
                weights[feature] = weight
            lime_ranking = ranking_from_weights(weights)
            row["lime_top"] = lime_ranking[0]
            row["lime"] = deletion_scores(seg, lime_ranking, exp.label, scores)
            row["top_agrees"] = row["lime_top"] == row["ours_top"]
            row["weight_correlation"] = (float(np.corrcoef(weights, exp.weights)[0, 1])
                                         if seg.num_features > 1 and weights.std() > 0 and exp.weights.std() > 0 else None)
        with open(partial, "a") as handle:
            handle.write(json.dumps(row) + "\n")
        done[review_id] = row
        print(f"[{len(done)}/{len(reviews)}] d={row['sentences']} ours {row['ours_seconds']:.2f}s/{row['ours_calls']} calls"
              + (f", lime {row['lime_seconds']:.2f}s/{row['lime_calls']} calls, top agrees {row['top_agrees']}"
                 if "lime_seconds" in row else ""), flush=True)

    rows = [done[r.metadata.get("review_id", r.digest)] for r in reviews]
    summary = {"reviews": len(rows), "mean_sentences": float(np.mean([r["sentences"] for r in rows]))}
    for method in ("ours", "random", "lime"):
        present = [r for r in rows if method in r]
        if present:
            for key in present[0][method]:
                summary[f"{method}_{key}"] = float(np.mean([r[method][key] for r in present]))
    for method in ("ours", "lime"):
        present = [r for r in rows if f"{method}_seconds" in r]
        if present:
            summary[f"{method}_mean_seconds"] = float(np.mean([r[f"{method}_seconds"] for r in present]))
            summary[f"{method}_max_seconds"] = float(np.max([r[f"{method}_seconds"] for r in present]))
            summary[f"{method}_mean_calls"] = float(np.mean([r[f"{method}_calls"] for r in present]))
            with_cpu = [r[f"{method}_cpu_seconds"] for r in present if f"{method}_cpu_seconds" in r]
            if with_cpu:
                summary[f"{method}_mean_cpu_seconds"] = float(np.mean(with_cpu))
                summary[f"{method}_max_cpu_seconds"] = float(np.max(with_cpu))
    compared = [r for r in rows if "lime_seconds" in r]
    if compared:
        summary["top_sentence_agreement"] = float(np.mean([r["top_agrees"] for r in compared]))
        summary["calls_ratio_lime_over_ours"] = float(sum(r["lime_calls"] for r in compared) / sum(r["ours_calls"] for r in compared))
        summary["time_ratio_lime_over_ours"] = float(sum(r["lime_seconds"] for r in compared) / sum(r["ours_seconds"] for r in compared))
        correlations = [r["weight_correlation"] for r in compared if r.get("weight_correlation") is not None]
        summary["mean_weight_correlation"] = float(np.mean(correlations)) if correlations else None
    result = {
        "archive": args.archive, "args": vars(args), "summary": summary, "reviews": rows,
        "machine": {"platform": platform.platform(), "processor": platform.processor(), "cpus": os.cpu_count(),
                    "torch_threads": 2, "gpu": None},
        "load_before": load_before, "load_after": uptime(),
        "data": f"embedded IMDB test split, balanced_sample(test, 4000, seed={args.sample_seed}), first {len(rows)} "
                f"with {args.min_sentences}..{args.max_sentences} sentences",
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(result, indent=1))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
