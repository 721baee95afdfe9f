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
import logging
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

from allennlp.commands.subcommand import Subcommand
from allennlp.common import Tqdm
from allennlp.common.checks import ConfigurationError
from allennlp.predictors import Predictor

from textflix_lib.algorithms.lime.submodular_pick import pick_explanations
from textflix_lib.data.errors import DataFormatError
from textflix_lib.data.imdb import content_hash
from textflix_lib.predictors.sentiment import text_of

logger = logging.getLogger(__name__)


def read_json_lines(path: str) -> Iterator[Tuple[int, Dict[str, Any]]]:
    """(line number, object) for each non-blank line; a bad line raises `DataFormatError`."""
    if not Path(path).is_file():
        raise DataFormatError(path, "no such file; expected a JSON-lines file, one {\"text\": \"...\"} per line")
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise DataFormatError(path, f"not valid JSON ({error.msg}); expected one JSON object per line", number)
            if not isinstance(record, dict):
                raise DataFormatError(path, f"expected a JSON object, got {type(record).__name__}", number)
            yield number, record


def explain_file(predictor: Predictor, input_file: str, cache_file: str) -> List[Dict[str, Any]]:
    """Explanations of every review of `input_file`, reusing those already in `cache_file`."""
    reviews = []
    for number, record in read_json_lines(input_file):
        try:
            text = text_of(record)
        except ConfigurationError as error:
            raise DataFormatError(input_file, str(error), number) from error
        reviews.append((number, content_hash(text), record))
    cached: Dict[Tuple[int, str], Dict[str, Any]] = {}
    if Path(cache_file).is_file():
        for _, explanation in read_json_lines(cache_file):
            cached[(explanation.get("_line"), explanation.get("_digest"))] = explanation
        logger.info("Reusing %d explanations from %s", len(cached), cache_file)
    explanations = []
    Path(cache_file).parent.mkdir(parents=True, exist_ok=True)
    with open(cache_file, "a", encoding="utf-8") as cache:
        for number, digest, record in Tqdm.tqdm(reviews, desc="explaining"):
            explanation = cached.get((number, digest))
            if explanation is None:
                explanation = {**predictor.predict_json(record), "_line": number, "_digest": digest}
                cache.write(json.dumps(explanation) + "\n")
                cache.flush()
            explanations.append(explanation)
    return explanations


def format_pick(explanation: Dict[str, Any], rank: int, features: List[str], shown: int = 3) -> str:
    ids = ", ".join(f"{k}={explanation[k]}" for k in ("review_id", "id", "movie_id") if k in explanation)
    lines = [f"#{rank} (line {explanation.get('_line')}{', ' + ids if ids else ''}): "
             f"{explanation['label']} {explanation['probability']:.3f}, fit R^2 {explanation['fit_r2']:.2f}, "
             f"weights toward {explanation['label']} ({explanation.get('target', 'probability')})",
             f"   covers: {', '.join(features)}"]
    for highlight in explanation["highlights"][:shown]:
        text = highlight["text"] if len(highlight["text"]) <= 160 else highlight["text"][:157] + "..."
        lines.append(f"   [{highlight['weight']:+.3f}] {text}")
    return "\n".join(lines)


def sp_lime(args: argparse.Namespace) -> Dict[str, Any]:
    if args.budget < 1:
        raise ConfigurationError(f"--budget must be at least 1, got {args.budget}")
    predictor_args = json.loads(args.predictor_args) if args.predictor_args else {}
    predictor = Predictor.from_path(args.archive_file, f"{args.unit}_lime", cuda_device=args.cuda_device,
                                    **predictor_args)
    cache = args.explanations_file or str(Path(args.output_file).with_suffix(".explanations.jsonl"))
    explanations = explain_file(predictor, args.input_file, cache)
    picks = pick_explanations(explanations, args.budget, args.top_features)
    result = {
        "budget": args.budget, "unit": args.unit, "reviews": len(explanations),
        "total_importance": picks["total_importance"], "important_features": picks["important_features"],
        "picked": [{**p, "explanation": explanations[p["index"]]} for p in picks["picked"]],
    }
    Path(args.output_file).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output_file).write_text(json.dumps(result, indent=1))
    total = picks["total_importance"] or 1.0
    print(f"SP-LIME: {len(picks['picked'])} of {len(explanations)} reviews (budget {args.budget})")
    for rank, pick in enumerate(result["picked"], start=1):
        print(format_pick(pick["explanation"], rank, pick["features"]))
        print(f"   coverage so far {pick['coverage'] / total:.0%} of the total importance")
    print(f"wrote {args.output_file}")
    return result


@Subcommand.register("sp-lime")
class SpLime(Subcommand):
    """SP-LIME: the B reviews whose explanations together cover the most important features."""

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
