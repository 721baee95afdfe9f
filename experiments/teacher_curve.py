"""The learning curve of the self-trained NB-SVM taught by MiniLM fine-tuned from the adapted encoder
(issue 10): settings chosen on validation at each size, then the test split scored once.

    # 1. validation grid (per size and teacher weight; the teachers' scores of every review are
    #    experiments/results/gpu/dapt_h200/dapt{size}_s{seed}.jsonl.gz, from experiments/gpu/run.sh part d)
    T=experiments/results/gpu/dapt_h200/dapt{size}_s{seed}.jsonl.gz      # {size} filled in by hand
    .venv/bin/python experiments/self_training.py --methods st-nbsvm --seeds 0,1,2 --size SIZE \\
        --fractions 0.1,0.25,0.5,0.75,1 --teacher-probs $T --teacher-weight TW --name daptSIZE_twTW_val \\
        --prediction-weights 0.1,0.2,0.33,0.5,1
    # 2. the choice per size (mean validation accuracy over the seeds; test never read)
    .venv/bin/python experiments/teacher_curve.py select
    # 3. the chosen settings scored on test (the command `select` prints), then the table and figure
    .venv/bin/python experiments/teacher_curve.py report

`select` considers every teacher weight TW of the `dapt{size}_tw{TW}_val.jsonl` files and the
prediction weights w in W_GRID (w = 0: the student alone). `report` reads `dapt{size}_test.jsonl`
and writes `dapt_curve.md` beside them and `docs/img/few_labels_curve.png`/`.svg`, beside
all-mpnet-base-v2 fine-tuned by configs/mpnet.jsonnet (cpu_teacher/mpnet{size}.jsonl, from
experiments/mpnet_runs.sh: one config for every size, nothing selected; a seed with no bfloat16
run is taken from mpnet{size}_fp32.jsonl, its run on a CPU without bfloat16 units), the cpu profile's
MiniLM and self-trained NB-SVM (experiments/results/textflix_cpu/summary.csv) and Textflix's
BERT-large.
"""
import csv
import glob
import json
import os
import re
import statistics
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
RESULTS = os.path.join(REPO, "experiments", "results", "self_training")
SIZES = (100, 200, 500, 1000)
W_GRID = (0.0, 0.1, 0.2, 0.33, 0.5, 1.0)
SELECTION = os.path.join(RESULTS, "dapt_selection.json")
FIGURE = os.path.join(REPO, "docs", "img", "few_labels_curve")


def _final_records(path):
    with open(path, encoding="utf-8") as handle:
        return [r for r in map(json.loads, handle) if r.get("round") == "final_calibrated"]


def _w_key(w, split):
    return f"{split}_student" if w == 0 else f"{split}_combined_w{w:g}"


def _mean_sd(values):
    return statistics.mean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def select():
    chosen = {}
    for size in SIZES:
        table = []
        for path in sorted(glob.glob(os.path.join(RESULTS, f"dapt{size}_tw*_val.jsonl"))):
            tw = float(re.search(r"_tw([0-9.]+)_val", path).group(1))
            records = _final_records(path)
            for w in W_GRID:
                values = [r[_w_key(w, "validation")] for r in records]
                if len(values) == 3:
                    table.append((statistics.mean(values), tw, w, values))
        if not table:
            continue
        best = max(table, key=lambda row: row[0])  # ties: the first (smaller teacher weight, then w)
        chosen[size] = {"teacher_weight": best[1], "prediction_teacher_weight": best[2],
                        "validation_mean": round(best[0], 4), "validation": best[3], "candidates": len(table)}
        print(f"{size}: teacher weight {best[1]:g}, w {best[2]:g}: validation {best[0]:.4f} {best[3]} "
              f"(best of {len(table)}; per teacher weight: " + ", ".join(
                  f"{tw:g} -> {max(r[0] for r in table if r[1] == tw):.4f}" for tw in sorted({r[1] for r in table})) + ")")
    with open(SELECTION, "w", encoding="utf-8") as handle:
        json.dump(chosen, handle, indent=1)
    print("\ntest commands (once each):")
    for size, c in chosen.items():
        w = c["prediction_teacher_weight"]
        print(f".venv/bin/python experiments/self_training.py --methods st-nbsvm --seeds 0,1,2 --size {size} "
              f"--fractions 0.1,0.25,0.5,0.75,1 --teacher-probs experiments/results/gpu/dapt_h200/dapt{size}_s{{seed}}.jsonl.gz "
              f"--teacher-weight {c['teacher_weight']:g} --name dapt{size}_test --prediction-weights {w if w else 0.1:g} --test")
    return chosen


def _cpu_curves():
    curves = {}
    with open(os.path.join(REPO, "experiments", "results", "textflix_cpu", "summary.csv"), encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["config"] in ("minilm", "self_training") and int(row["size"]) in SIZES:
                curves.setdefault(row["config"], {})[int(row["size"])] = (float(row["mean"]), row["std"], int(row["runs"]))
    return curves


def _mpnet_curve():
    """size -> [(seed, test accuracy, precision)] of configs/mpnet.jsonnet's runs (experiments/mpnet_runs.sh).

    The runs in bfloat16 (mpnet{size}.jsonl: a CPU with bfloat16 units) first; a seed with no
    bfloat16 run is taken from mpnet{size}_fp32.jsonl (the same config on a CPU without them, where
    mixed precision falls back to float32: at 500 labels, seed 0, test 0.9243 against 0.9241 in
    bfloat16). One run a seed, so the mean is over distinct seeds.
    """
    curve = {}
    for size in SIZES:
        runs = {}
        for suffix, precision in (("", "bf16"), ("_fp32", "fp32")):
            path = os.path.join(RESULTS, "cpu_teacher", f"mpnet{size}{suffix}.jsonl")
            if not os.path.exists(path):
                continue
            with open(path, encoding="utf-8") as handle:
                for record in map(json.loads, handle):
                    runs.setdefault(record["seed"], (record["seed"], record["test"]["accuracy"], precision))
        if runs:
            curve[size] = [runs[seed] for seed in sorted(runs)]
    return curve


def report():
    from textflix_lib.learning_curves.aggregate import TEXTFLIX_CURVES

    chosen = {int(k): v for k, v in json.load(open(SELECTION, encoding="utf-8")).items()}
    rows = {}
    for size, c in sorted(chosen.items()):
        path = os.path.join(RESULTS, f"dapt{size}_test.jsonl")
        if not os.path.exists(path):
            print(f"{size}: no {os.path.basename(path)} yet")
            continue
        records = _final_records(path)
        w = c["prediction_teacher_weight"]
        teacher = [r["test_teacher"] for r in map(json.loads, open(path, encoding="utf-8"))
                   if r.get("fraction") == 1.0 and "test_teacher" in r]
        rows[size] = {"pair": [r[_w_key(w, "test")] for r in records],
                      "student": [r["test_student"] for r in records], "teacher": teacher, **c}
    cpu = _cpu_curves()
    mpnet = _mpnet_curve()
    lines = ["| labels | teacher weight, w (validation) | **pair: student + adapted-MiniLM teacher** | student alone | "
             "teacher alone (adapted MiniLM) | **all-mpnet-base-v2 fine-tuned** (bfloat16; fp32: float32) | MiniLM, cpu profile | "
             "self-trained NB-SVM, cpu profile | Textflix BERT-large |",
             "|---|---|---|---|---|---|---|---|---|"]
    for size, r in rows.items():
        fmt = lambda v: "%.3f ± %.3f" % _mean_sd(v) if v else "-"  # noqa: E731
        ref = lambda name: ("%.3f" % cpu[name][size][0] + ("" if cpu[name][size][2] > 1 else " (1 run)")  # noqa: E731
                            if size in cpu.get(name, {}) else "-")
        lines.append(f"| {size} | {r['teacher_weight']:g}, {r['prediction_teacher_weight']:g} ({r['validation_mean']:.3f}) | "
                     f"**{fmt(r['pair'])}** ({', '.join('%.3f' % v for v in r['pair'])}) | {fmt(r['student'])} | "
                     f"{fmt(r['teacher'])} | {_runs(mpnet.get(size, []))} | {ref('minilm')} | {ref('self_training')} | "
                     f"{TEXTFLIX_CURVES['Textflix BERT-large (GPU)'][size]:.3f} |")
    table = "\n".join(lines)
    print(table)
    with open(os.path.join(RESULTS, "dapt_curve.md"), "w", encoding="utf-8") as handle:
        handle.write(table + "\n")
    _figure(rows, cpu, mpnet, TEXTFLIX_CURVES["Textflix BERT-large (GPU)"])


def _runs(runs):
    """The table cell of one size's mpnet runs: the mean ± sd and each run, float32 ones marked."""
    if not runs:
        return "-"
    cells = ", ".join("%.3f" % acc + (" (fp32)" if precision == "fp32" else "") for _, acc, precision in runs)
    if len(runs) == 1:
        return cells + " (1 run)"
    return "**%.3f ± %.3f** (%s)" % (*_mean_sd([acc for _, acc, _ in runs]), cells)


def _legend_note(size, runs):
    """'; 1,000: 2 runs, 1 in float32' where a size has fewer than 3 runs or some in float32."""
    notes = [f"{len(runs)} run{'s' if len(runs) > 1 else ''}"] if len(runs) < 3 else []
    fp32 = sum(precision == "fp32" for _, _, precision in runs)
    if fp32:
        notes.append(f"{fp32} in float32")
    return f"; {size:,}: " + ", ".join(notes) if notes else ""


def _figure(rows, cpu, mpnet, bert_large):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 6.0), dpi=120)
    sizes = sorted(rows)
    for key, label, style in (("pair", "self-trained NB-SVM + adapted-MiniLM teacher (pair)", "o-"),
                              ("student", "its student alone", "s--"), ("teacher", "its teacher alone", "^--")):
        means = [_mean_sd(rows[s][key])[0] for s in sizes]
        sds = [_mean_sd(rows[s][key])[1] for s in sizes]
        ax.errorbar(sizes, means, yerr=sds, fmt=style, capsize=3, label=label, linewidth=2 if key == "pair" else 1)
    if mpnet:
        points = sorted(mpnet.items())
        accuracies = [[acc for _, acc, _ in runs] for _, runs in points]
        ax.errorbar([s for s, _ in points], [_mean_sd(v)[0] for v in accuracies], yerr=[_mean_sd(v)[1] for v in accuracies],
                    fmt="D-", capsize=3, linewidth=2, color="tab:purple",
                    label="all-mpnet-base-v2 fine-tuned on the labels alone (CPU)"
                    + "".join(_legend_note(size, runs) for size, runs in points))
    for name, label, colour in (("minilm", "MiniLM fine-tuned, cpu profile", "tab:brown"),
                                ("self_training", "self-trained NB-SVM, cpu profile", "tab:gray")):
        points = sorted(cpu.get(name, {}).items())
        ax.plot([s for s, _ in points], [v[0] for _, v in points], ":", marker=".", label=label, color=colour)
    ax.plot(list(SIZES), [bert_large[s] for s in SIZES], "k-.", label="Textflix BERT-large (GPU)")
    for target, size in ((0.85, 100), (0.90, 500)):
        ax.plot([size], [target], marker="*", color="red", markersize=12, linestyle="none")
    ax.plot([], [], marker="*", color="red", linestyle="none", label="issue 10 targets")
    ax.set_xscale("log")
    ax.set_xticks(list(SIZES), [str(s) for s in SIZES])
    ax.set_xlabel("labelled training reviews")
    ax.set_ylabel("test accuracy (mean ± sd over 3 seeds, unless the legend says)")
    ax.set_title("Few labels on 2 CPU cores (IMDB test split)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)
    fig.tight_layout()
    os.makedirs(os.path.dirname(FIGURE), exist_ok=True)
    for ext in ("png", "svg"):
        fig.savefig(f"{FIGURE}.{ext}")
    print(f"wrote {FIGURE}.png and .svg")


if __name__ == "__main__":
    {"select": select, "report": report}[sys.argv[1] if len(sys.argv) > 1 else "select"]()
