"""Sentence splitters measured on hand-checked IMDB reviews (tests/fixtures/sentence_boundaries.jsonl).

    .venv/bin/python experiments/sentence_splitting_benchmark.py

Every splitter runs inside the same frame as `textflix_lib.algorithms.sentences.assemble`:
paragraph breaks ("\\n") always end a sentence, white space around a sentence is dropped, a
piece without a letter or digit joins the sentence before it. So the splitters differ only in
where they cut *inside* a paragraph, which is what the scores below measure.

A boundary is the start offset of every sentence but the first. Scores:
- `inside`: boundaries inside a paragraph only (the ones a splitter has to find; paragraph
  starts are free for every splitter and are left out of these scores);
- `all`: every boundary, paragraph starts included;
- `no_space`: gold boundaries with no white space before them ("it.It's"): found / missed, and
  predicted no-space boundaries that are wrong ("Mr.Savage").
Scores are given for the `dev` half (looked at while the rules were written), the `heldout`
half (not looked at), and both. Speed: ms per review over the whole embedded test split
(5,009 reviews), one process, after a warm-up.
"""
import argparse
import json
import os
import re
import sys
import time
from typing import Callable, Dict, List, Tuple

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from textflix_lib.algorithms import sentences  # noqa: E402

GOLD = "tests/fixtures/sentence_boundaries.jsonl"


SPLITTERS = {
    "spacy_sentencizer": lambda: sentences.splitter("spacy", rules=False),
    "pysbd": lambda: sentences.splitter("pysbd", rules=False),
    "nupunkt": lambda: sentences.splitter("nupunkt", rules=False),
    "rules_only": lambda: sentences.splitter("none", rules=True),
    "pysbd+rules": lambda: sentences.splitter("pysbd", rules=True),
    "nupunkt+rules": lambda: sentences.splitter("nupunkt", rules=True),
    "spacy+rules": lambda: sentences.splitter("spacy", rules=True),
    "chosen (sentences.sentence_spans)": lambda: sentences.sentence_spans,
}


def boundaries(text: str, spans) -> Tuple[set, set]:
    """(inside-paragraph boundaries, paragraph-start boundaries) of a span list."""
    starts = [s for s, _ in spans][1:]
    inside = {s for s in starts if "\n" not in text[_prev_nonspace(text, s):s]}
    return inside, set(starts) - inside


def _prev_nonspace(text: str, i: int) -> int:
    j = i
    while j > 0 and text[j - 1].isspace():
        j -= 1
    return j


def score(pred: set, gold: set) -> Dict[str, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(gold) if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "true_positives": tp, "predicted": len(pred), "gold": len(gold)}


def evaluate(split: Callable, records: List[dict]) -> Dict[str, dict]:
    inside_pred, inside_gold, all_pred, all_gold = set(), set(), set(), set()
    ns_found = ns_missed = ns_wrong = 0
    errors = []
    for n, record in enumerate(records):
        text = record["text"]
        gold_in, gold_par = boundaries(text, record["spans"])
        pred_in, pred_par = boundaries(text, split(text))
        inside_pred |= {(n, b) for b in pred_in}
        inside_gold |= {(n, b) for b in gold_in}
        all_pred |= {(n, b) for b in pred_in | pred_par}
        all_gold |= {(n, b) for b in gold_in | gold_par}
        for b in gold_in:
            if not text[b - 1].isspace():
                ns_found += b in pred_in
                ns_missed += b not in pred_in
        ns_wrong += sum(1 for b in pred_in - gold_in if not text[b - 1].isspace())
        for b in sorted(pred_in ^ gold_in):
            kind = "false_split" if b in pred_in else "missed"
            errors.append({"index": record["index"], "kind": kind, "at": b,
                           "context": text[max(0, b - 30):b] + "‖" + text[b:b + 20]})
    return {"inside": score(inside_pred, inside_gold), "all": score(all_pred, all_gold),
            "no_space": {"found": ns_found, "missed": ns_missed, "wrong": ns_wrong}, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", default=GOLD)
    parser.add_argument("--output", default="experiments/results/sentence_splitting.json")
    parser.add_argument("--only", nargs="*", default=None, help="splitters to run (default: all)")
    parser.add_argument("--speed-reviews", type=int, default=None, help="time on the first N test reviews")
    parser.add_argument("--parts", nargs="*", default=["dev", "heldout", "all"],
                        help="parts to score (while writing rules: dev only)")
    parser.add_argument("--show-errors", choices=["dev", "heldout", "none"], default="none")
    args = parser.parse_args()

    with open(args.gold, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    parts = {"dev": [r for r in records if r["part"] == "dev"],
             "heldout": [r for r in records if r["part"] == "heldout"], "all": records}
    parts = {k: v for k, v in parts.items() if k in args.parts}

    from textflix_lib.data.imdb import embedded_split

    test = [r.text for r in embedded_split().test][: args.speed_reviews]
    no_space_pattern = re.compile(r"(?<=[^\W\d_]{2}[.!?])[A-Z]")
    results = {"gold": args.gold, "reviews": {k: len(v) for k, v in parts.items()},
               "gold_boundaries": {}, "speed_reviews": len(test), "splitters": {}}
    for name, make in SPLITTERS.items():
        if args.only and name not in args.only:
            continue
        split = make()
        split("Warm up. Twice.")
        entry = {}
        for part, recs in parts.items():
            evaluation = evaluate(split, recs)
            errors = evaluation.pop("errors")
            entry[part] = evaluation
            if name.startswith("chosen") and part != "all":
                evaluation["errors"] = errors
            if args.show_errors == part:
                for e in errors:
                    print(f"  {name} {e['kind']:11s} #{e['index']}: {e['context']!r}")
        start = time.perf_counter()
        cut_at_pattern = total_pattern = 0
        for text in test:
            spans = split(text)
            starts = {s for s, _ in spans}
            for m in no_space_pattern.finditer(text):
                total_pattern += 1
                cut_at_pattern += m.start() in starts
        elapsed = time.perf_counter() - start
        entry["ms_per_review"] = round(1000 * elapsed / len(test), 3)
        entry["test_split_letter_stop_capital"] = {"occurrences": total_pattern, "cut": cut_at_pattern}
        results["splitters"][name] = entry
        print(f"{name:34s} " + "  ".join(
            f"{part}: P={entry[part]['inside']['precision']:.3f} R={entry[part]['inside']['recall']:.3f} "
            f"F1={entry[part]['inside']['f1']:.3f} ns={entry[part]['no_space']['found']}/"
            f"{entry[part]['no_space']['found'] + entry[part]['no_space']['missed']}"
            for part in parts) + f"  {entry['ms_per_review']:.2f} ms/review", flush=True)
    for part, recs in parts.items():
        gold_in = sum(len(boundaries(r["text"], r["spans"])[0]) for r in recs)
        gold_ns = sum(1 for r in recs for b in boundaries(r["text"], r["spans"])[0] if not r["text"][b - 1].isspace())
        results["gold_boundaries"][part] = {"inside": gold_in, "no_space": gold_ns,
                                            "all": sum(len(r["spans"]) - 1 for r in recs)}
    if args.output:
        os.makedirs(os.path.dirname(args.output), exist_ok=True)
        with open(args.output, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1, ensure_ascii=False)
            f.write("\n")


if __name__ == "__main__":
    main()
