"""`allennlp learning-curve`: accuracy against training-set size for any set of configs.

    allennlp learning-curve configs/nbsvm.jsonnet configs/word_vectors.jsonnet -s runs/curves \\
        --sizes 10,50,100,200,500,1000,2000,5000,10000 --seeds 3

trains every (config, size, seed) on Ray workers, scores each on the held-out test data and
appends one line per run to `runs/curves/results.jsonl`; then writes `summary.csv`,
`summary.md`, `learning_curve.png`/`.svg` and per-run `history.png`. Run it again to resume:
recorded runs are skipped. The work is done by the plain modules of
`textflix_lib.learning_curves` (`configs` reads the configs); this file only reads the command line.
"""
import argparse
import logging
import os
from typing import Any, Dict

from allennlp.commands.subcommand import Subcommand
from allennlp.common.checks import ConfigurationError

from textflix_lib.learning_curves import aggregate, plan, report
from textflix_lib.learning_curves.configs import load_configs
from textflix_lib.learning_curves.sweep import run_sweep

logger = logging.getLogger(__name__)

DEFAULT_SIZES = ",".join(str(size) for size in plan.DEFAULT_SIZES)


@Subcommand.register("learning-curve")
class LearningCurve(Subcommand):
    """Accuracy against training-set size: trains each config at several sizes and seeds on Ray
    workers, records every run, plots the curves (`textflix_lib.learning_curves`).

    Registered as a `Subcommand` with name "learning-curve".
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = ("Train and test each config at several training-set sizes and seeds, in parallel "
                       "on Ray; record one JSON line per run; plot accuracy against size.")
        subparser = parser.add_parser(self.name, description=description, help=description)
        subparser.add_argument("configs", nargs="*", metavar="CONFIG",
                               help="Jsonnet configs (LABEL=PATH names the curve; default: the file name)")
        subparser.add_argument("-s", "--serialization-dir", required=True,
                               help="output directory: results.jsonl, runs/, summary, figures")
        subparser.add_argument("--sizes", default=DEFAULT_SIZES,
                               help="training-set sizes, comma-separated")
        subparser.add_argument("--seeds", default=str(plan.DEFAULT_SEEDS),
                               help="a number of seeds (3 means 0,1,2) or a comma-separated list")
        subparser.add_argument("-o", "--overrides", default="",
                               help="a JSON structure used to override every config, as in allennlp train")
        subparser.add_argument("--tuned", action="append", metavar="SIZE=OVERRIDES_FILE",
                               help="the runs of SIZE reviews take this JSON file of overrides (e.g. OUT/"
                               "best_overrides.json of an `allennlp tune` search at that size); repeat per size, "
                               "or give one JSON file mapping sizes to overrides files")
        subparser.add_argument("--test-data-path", default="test",
                               help="data to score every run on, for configs that name no test_data_path "
                               "(default: the embedded held-out test split)")
        subparser.add_argument("--ray-address", default=None,
                               help="address of an existing Ray cluster (default: start Ray on this machine)")
        subparser.add_argument("--cpus-per-run", type=float, default=1.0, help="CPUs Ray reserves for each run (its worker)")
        subparser.add_argument("--gpus-per-run", type=float, default=0.0, help="GPUs Ray reserves for each run (its worker)")
        subparser.add_argument("--workers", type=int, default=None,
                               help="number of worker processes (default: as many as the resources hold)")
        subparser.add_argument("--num-cpus", type=int, default=None,
                               help="CPUs a local Ray may use (default: all of this machine's)")
        subparser.add_argument("--skip-failed", action="store_true",
                               help="do not retry runs whose latest record failed")
        subparser.add_argument("--metric", default=aggregate.DEFAULT_METRIC,
                               help="record field to aggregate and plot")
        subparser.add_argument("--report-only", action="store_true",
                               help="train nothing: write the table and figures from results.jsonl")
        subparser.add_argument("--no-histories", action="store_true",
                               help="do not draw a training-history plot per run")
        subparser.add_argument("--verbose", action="store_true",
                               help="show the workers' AllenNLP output on this console")
        subparser.set_defaults(func=learning_curve_from_args)
        return subparser


def learning_curve_from_args(args: argparse.Namespace) -> Dict[str, Any]:
    out_dir = args.serialization_dir
    os.makedirs(out_dir, exist_ok=True)
    outcome = None
    if not args.report_only:
        if not args.configs:
            raise ConfigurationError("give at least one CONFIG (or --report-only to redraw a sweep)")
        try:
            sizes, seeds = plan.parse_sizes(args.sizes), plan.parse_seeds(args.seeds)
            configs = load_configs(args.configs, args.overrides, args.test_data_path)
            runs = plan.plan_runs(configs, sizes, seeds, plan.read_tuned(args.tuned or []))
        except ValueError as error:
            raise ConfigurationError(str(error)) from None
        print(plan.describe(runs), flush=True)
        outcome = run_sweep(
            runs, out_dir, ray_address=args.ray_address, cpus_per_run=args.cpus_per_run,
            gpus_per_run=args.gpus_per_run, workers=args.workers, num_cpus=args.num_cpus,
            retry_failed=not args.skip_failed, verbose=args.verbose,
            include_package=getattr(args, "include_package", None) or [],
        )
        print(f"{outcome.finished} runs finished ({outcome.failed} failed) on {outcome.workers} workers; "
              f"skipped as recorded: {outcome.skipped}", flush=True)
        for record in outcome.records:
            if record["status"] != "ok":
                print(f"FAILED {record['config']} n={record['size']} seed={record['seed']}: {record['error']}")
    written = report.write_report(out_dir, metric=args.metric, histories=not args.no_histories)
    if written["rows"]:
        print(aggregate.markdown_table(written["rows"], aggregate.TEXTFLIX_CURVES))
        print(f"wrote {os.path.join(out_dir, 'learning_curve.png')} (and .svg, summary.csv, summary.md)")
    return {"outcome": outcome, **written}
