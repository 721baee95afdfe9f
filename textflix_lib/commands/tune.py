"""`allennlp tune`: hyper-parameter search on Ray Tune, scored by k-fold cross-validation
inside the training sample or on the validation split.

    allennlp tune configs/nbsvm.jsonnet --space configs/tune/nbsvm.jsonnet -s runs/tune-nbsvm \\
        -o '{"dataset_reader.train_size": 500}' --trials 30 --folds 5 --train-best

proposes trials from the search space (Optuna's TPE, or random search), trains each on every
fold of the config's training data (Ray Tune runs the trials in parallel), ranks them by the
mean of their folds' validation metric and writes `summary.md`, `trials.csv`, `scores.png`,
`best_config.json`, `best_overrides.json` and, with `--train-best`, the winner trained on all
its training data and scored once on the test split (`best/`).
Run it again to resume: recorded folds are not trained again. The work is done by the plain
modules of `textflix_lib.tuning`; this file only reads the command line.
"""
import argparse
import logging
import os
from typing import Any, Dict

from allennlp.commands.subcommand import Subcommand
from allennlp.common.checks import ConfigurationError

from textflix_lib.learning_curves.configs import load_configs
from textflix_lib.tuning import report
from textflix_lib.tuning.folds import DEFAULT_FOLDS
from textflix_lib.tuning.search import DEFAULT_TRIALS, SCHEDULERS, SEARCHES, run_search

logger = logging.getLogger(__name__)


@Subcommand.register("tune")
class Tune(Subcommand):
    """Hyper-parameter search with k-fold cross-validation on Ray Tune (`textflix_lib.tuning`).

    Registered as a `Subcommand` with name "tune".
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = ("Search hyper-parameters of a config on Ray Tune: propose trials from a search space "
                       "(TPE or random), score each by k-fold cross-validation inside the training sample "
                       "(--folds) or on the validation split, rank them, write the best overrides.")
        subparser = parser.add_parser(self.name, description=description, help=description)
        subparser.add_argument("config", metavar="CONFIG", help="the Jsonnet config to tune (LABEL=PATH names it)")
        subparser.add_argument("--space", required=True, metavar="SPACE",
                               help="a .json/.jsonnet file of dotted keys and distributions, or the same inline, "
                               "e.g. '{\"model.C\": {\"loguniform\": [0.01, 10]}}'")
        subparser.add_argument("-s", "--serialization-dir", required=True,
                               help="output directory: folds.jsonl, summary.md, trials.csv, scores.png, "
                               "best_config.json, best_overrides.json, best/")
        subparser.add_argument("-o", "--overrides", default="",
                               help="a JSON structure used to override the config, as in allennlp train")
        subparser.add_argument("--trials", type=int, default=DEFAULT_TRIALS,
                               help="trials in all, the config's own values included (random search: each runs "
                               "every 'grid' combination)")
        subparser.add_argument("--folds", type=int, default=None, metavar="K",
                               help=f"score each trial by K-fold cross-validation inside the training sample, "
                               f"stratified (e.g. {DEFAULT_FOLDS}); without it, on the config's validation split")
        subparser.add_argument("--search", choices=SEARCHES, default="tpe",
                               help="tpe: Optuna's TPE sampler through Ray Tune; random: random search")
        subparser.add_argument("--scheduler", choices=SCHEDULERS, default="fifo",
                               help="fifo: every trial runs to the end; asha: ASHA stops weak trials between "
                               "folds (needs --folds)")
        subparser.add_argument("--seed", type=int, default=0, help="seed of the search (the same seed, the same trials)")
        subparser.add_argument("--metric", default=None,
                               help="validation metric to rank by, +name (highest first) or -name "
                               "(default: the config's trainer.validation_metric, else +accuracy)")
        subparser.add_argument("--no-baseline", action="store_true",
                               help="do not cross-validate the config's own values as the first trial")
        subparser.add_argument("--train-best", action="store_true",
                               help="train the best config on all its training data and score it on the test data")
        subparser.add_argument("--test-data-path", default="test",
                               help="test data for --train-best, for configs that name no test_data_path "
                               "(default: the embedded held-out test split)")
        subparser.add_argument("--ray-address", default=None,
                               help="address of an existing Ray cluster (default: start Ray on this machine)")
        subparser.add_argument("--cpus-per-trial", type=float, default=1.0, help="CPUs Ray reserves for each trial")
        subparser.add_argument("--gpus-per-trial", type=float, default=0.0,
                               help="GPUs Ray reserves for each trial (0.5: two trials share a GPU)")
        subparser.add_argument("--max-concurrent", type=int, default=None,
                               help="trials at once (default: as many as the resources hold)")
        subparser.add_argument("--num-cpus", type=int, default=None,
                               help="CPUs a local Ray may use (default: all of this machine's)")
        subparser.add_argument("--verbose", action="store_true",
                               help="show Ray Tune's status tables and the workers' AllenNLP output")
        subparser.set_defaults(func=tune_from_args)
        return subparser


def tune_from_args(args: argparse.Namespace) -> Dict[str, Any]:
    try:
        [config] = load_configs([args.config], args.overrides, test_data_path="")
        outcome = run_search(
            config, args.space, args.serialization_dir, trials=args.trials, folds=args.folds, search=args.search,
            scheduler=args.scheduler, seed=args.seed, metric=args.metric, ray_address=args.ray_address, cpus_per_trial=args.cpus_per_trial,
            gpus_per_trial=args.gpus_per_trial, max_concurrent=args.max_concurrent, num_cpus=args.num_cpus,
            baseline=not args.no_baseline, train_best=args.train_best, test_data_path=args.test_data_path, verbose=args.verbose,
            include_package=getattr(args, "include_package", None) or [],
        )
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
    print(report.markdown_table(outcome.rows, outcome.keys, limit=10))
    out = args.serialization_dir
    if outcome.best:
        print(f"best config: {os.path.join(out, 'best_config.json')}; its overrides: "
              f"{os.path.join(out, 'best_overrides.json')} (allennlp train CONFIG -o \"$(cat ...)\"); "
              "summary.md, trials.csv, scores.png beside them")
    else:
        print(f"no trial finished all its folds; see {os.path.join(out, 'folds.jsonl')}")
    return {"outcome": outcome}
