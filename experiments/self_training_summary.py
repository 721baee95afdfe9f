"""Summarise experiments/results/self_training/*.jsonl: mean ± sd over seeds per (file, method,
size, settings, round). Validation always; test where it was scored.

    .venv/bin/python experiments/self_training_summary.py
"""
import collections
import glob
import json
import os
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))


def fmt(values):
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f} ({', '.join(f'{v:.3f}' for v in values)})"


def main():
    groups = collections.OrderedDict()
    finals = collections.OrderedDict()  # --prediction-weights records, merged per seed
    for path in sorted(glob.glob(os.path.join(HERE, "results", "self_training", "*.jsonl"))):
        for line in open(path):
            r = json.loads(line)
            if "method" not in r or "round" not in r:
                continue  # oracle_ceiling.jsonl: one line per learner, printed as it is
            if r["round"] == "final_calibrated":
                key = (os.path.basename(path)[:-6], r["method"], r["size"], r.get("teacher_weight"),
                       f"C={r.get('nbsvm_C')} beta={r.get('beta')} ngrams={r.get('ngrams')}")
                finals.setdefault(key, {}).setdefault(r["seed"], {}).update(
                    {k: v for k, v in r.items() if k.startswith(("validation", "test"))})
                continue
            settings = f"C={r.get('nbsvm_C')}" if "nbsvm" in r["method"] else ""
            if "emb" in r["method"] or "ens" in r["method"]:
                settings += f" {r.get('variant')} emb_C={r.get('emb_C')}/{r.get('student_emb_C', r.get('emb_C'))} w={r.get('emb_weight')}"
            settings += f" ngrams={r.get('ngrams', '1-2')}"
            key = (os.path.basename(path)[:-6], r["method"], r["size"], settings.strip(), r["round"], r.get("fraction"))
            g = groups.setdefault(key, {"seeds": {}, })
            g["seeds"][r["seed"]] = r  # a rerun of a seed replaces the earlier line
    print("| file | method | size | settings | round (pool share) | seeds | validation | test | pseudo-label acc. | max CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (name, method, size, settings, round_, fraction), g in groups.items():
        runs = [g["seeds"][s] for s in sorted(g["seeds"])]
        val = [r["validation"] for r in runs]
        test = [r["test"] for r in runs if "test" in r]
        pseudo = [r["pseudo_accuracy"] for r in runs if r.get("pseudo_accuracy") is not None]
        print(f"| {name} | {method} | {size} | {settings} | {round_} ({fraction}) | {','.join(str(s) for s in sorted(g['seeds']))} "
              f"| {fmt(val)} | {fmt(test)} | {fmt(pseudo) if pseudo else '-'} | {max(r['cpu_s'] for r in runs)} |")

    if finals:
        print()
        print("Calibrated last student and its weighted mean with the teacher at prediction "
              "(`--prediction-weights`; `_combined_wX`: teacher weight X):")
        print()
        print("| file | method | size | teacher weight (training) | settings | column | seeds | mean ± sd (per seed) |")
        print("|---|---|---|---|---|---|---|---|")
        for (name, method, size, weight, settings), seeds in finals.items():
            columns = sorted({k for scores in seeds.values() for k in scores},
                             key=lambda k: (k.split("_")[0] != "validation", len(k.split("_w")) > 1,
                                            float(k.split("_w")[-1]) if "_w" in k else 0.0))
            for column in columns:
                have = sorted(s for s in seeds if column in seeds[s])
                print(f"| {name} | {method} | {size} | {weight} | {settings} | {column} | {','.join(map(str, have))} "
                      f"| {fmt([seeds[s][column] for s in have])} |")


if __name__ == "__main__":
    main()
