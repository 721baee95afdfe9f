"""
`allennlp sp-lime ARCHIVE REVIEWS.jsonl --budget 5 --output-file picks.json`: explain every
review with sentence (or word) LIME, then pick the B reviews whose explanations together cover
the most important features (SP-LIME, `textflix_lib.algorithms.lime.submodular_pick`), print
them readably and write them as JSON.

Explanations are appended to `--explanations-file` (default: the output file with
`.explanations.jsonl`) as they finish; a rerun reuses those whose line and text match, so an
interrupted run resumes. That file has one `sentence_lime` output per line (plus `_line` and
`_digest`), the input `allennlp highlights` reads.
"""
import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List

from allennlp.commands.subcommand import Subcommand
from allennlp.common.checks import ConfigurationError

from textflix_lib.algorithms.lime import ExplainedReview
from textflix_lib.algorithms.lime.submodular_pick import pick_explanations
from textflix_lib.interpret.explanations import explain_file
from textflix_lib.predictors.base import predictor_from_path


def format_pick(explanation: ExplainedReview, rank: int, features: List[str], shown: int = 3) -> str:
    extra = explanation.extra
    ids = ", ".join(f"{k}={extra[k]}" for k in ("review_id", "id", "movie_id") if k in extra)
    lines = [f"#{rank} (line {explanation.line}{', ' + ids if ids else ''}): "
             f"{explanation.label} {explanation.probability:.3f}, fit R^2 {explanation.fit_r2:.2f}, "
             f"weights toward {explanation.label} ({explanation.target})",
             f"   covers: {', '.join(features)}"]
    for highlight in explanation.highlighted[:shown]:
        text = highlight.text if len(highlight.text) <= 160 else highlight.text[:157] + "..."
        lines.append(f"   [{highlight.weight:+.3f}] {text}")
    return "\n".join(lines)


def sp_lime(args: argparse.Namespace) -> Dict[str, Any]:
    if args.budget < 1:
        raise ConfigurationError(f"--budget must be at least 1, got {args.budget}")
    predictor_args = json.loads(args.predictor_args) if args.predictor_args else {}
    predictor = predictor_from_path(args.archive_file, f"{args.unit}_lime", args.cuda_device, predictor_args)
    cache = args.explanations_file or str(Path(args.output_file).with_suffix(".explanations.jsonl"))
    explanations = explain_file(predictor, args.input_file, cache)
    picks = pick_explanations(explanations, args.budget, args.top_features)
    result = {
        "budget": args.budget, "unit": args.unit, "reviews": len(explanations),
        "total_importance": picks["total_importance"], "important_features": picks["important_features"],
        "picked": [{**p, "explanation": explanations[p["index"]].to_json()} for p in picks["picked"]],
    }
    Path(args.output_file).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output_file).write_text(json.dumps(result, indent=1))
    total = picks["total_importance"] or 1.0
    print(f"SP-LIME: {len(picks['picked'])} of {len(explanations)} reviews (budget {args.budget})")
    for rank, pick in enumerate(result["picked"], start=1):
        print(format_pick(explanations[pick["index"]], rank, pick["features"]))
        print(f"   coverage so far {pick['coverage'] / total:.0%} of the total importance")
    print(f"wrote {args.output_file}")
    return result


@Subcommand.register("sp-lime")
class SpLime(Subcommand):
    """SP-LIME: the B reviews whose explanations together cover the most important features.

    Registered as a `Subcommand` with name "sp-lime".
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = ("Explain reviews with LIME and pick the B whose explanations cover the most "
                       "important features (SP-LIME, Ribeiro et al. 2016).")
        sub = parser.add_parser(self.name, description=description, help=description)
        sub.add_argument("archive_file", help="a trained model (model.tar.gz)")
        sub.add_argument("input_file", help="JSON lines, one {\"text\": ...} per review (other fields are kept)")
        sub.add_argument("--budget", type=int, default=5, help="B, the number of reviews to pick")
        sub.add_argument("--output-file", required=True, help="where to write the picks (JSON)")
        sub.add_argument("--explanations-file", default=None,
                         help="JSON lines of explanations, reused and extended (default: next to the output)")
        sub.add_argument("--unit", choices=("sentence", "word"), default="sentence")
        sub.add_argument("--top-features", type=int, default=5, help="features listed per picked review")
        sub.add_argument("--predictor-args", default="", help="JSON options of the sentence_lime/word_lime predictor")
        sub.add_argument("--cuda-device", type=int, default=-1)
        sub.set_defaults(func=sp_lime)
        return sub


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run as: allennlp sp-lime ...")
