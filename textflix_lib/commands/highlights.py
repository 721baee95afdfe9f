"""
`allennlp highlights EXPLANATIONS.jsonl --group-by movie_id --output-file highlights.json`:
Textflix's per-title summaries ("20 positive review highlights") from sentence explanations,
the output of `allennlp predict ... --predictor sentence_lime` (or of `sp-lime`'s
explanations file). No model is loaded.
"""
import argparse
import json
from pathlib import Path
from typing import Any, Dict

from allennlp.commands.subcommand import Subcommand

from textflix_lib.algorithms.lime.highlights import format_summary, highlight_summary
from textflix_lib.data.errors import DataFormatError
from textflix_lib.interpret.explanations import read_explanations


def highlights(args: argparse.Namespace) -> Dict[str, Any]:
    explanations = []
    for number, explanation in read_explanations(args.input_file):
        if args.group_by and args.group_by not in explanation.extra:
            raise DataFormatError(args.input_file, f"no '{args.group_by}' field to group by "
                                  f"(fields: {sorted(explanation.to_json())})", number)
        explanations.append(explanation)
    summary = highlight_summary(explanations, group_by=args.group_by, positive_label=args.positive_label,
                                max_highlights=args.max_highlights, min_weight=args.min_weight)
    Path(args.output_file).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output_file).write_text(json.dumps(summary, indent=1))
    print(format_summary(summary))
    print(f"wrote {args.output_file}")
    return summary


@Subcommand.register("highlights")
class Highlights(Subcommand):
    """Most positive and most negative review highlights, per group, from sentence explanations.

    Registered as a `Subcommand` with name "highlights".
    """

    requires_plugins = True

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = ("Summarise sentence explanations as Textflix does: each review's most polarised "
                       "sentence, pooled into positive and negative highlights with counts.")
        sub = parser.add_parser(self.name, description=description, help=description)
        sub.add_argument("input_file", help="JSON lines from `allennlp predict --predictor sentence_lime`")
        sub.add_argument("--output-file", required=True)
        sub.add_argument("--group-by", default=None, help="a field of the explanations, e.g. movie_id")
        sub.add_argument("--max-highlights", type=int, default=20)
        sub.add_argument("--min-weight", type=float, default=0.0,
                         help="a highlight must push toward its review's label by more than this")
        sub.add_argument("--positive-label", default="pos")
        sub.set_defaults(func=highlights)
        return sub
