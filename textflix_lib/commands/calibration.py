"""
`allennlp calibration ARCHIVE test`: how well a model's probabilities match how often it is
right, on a split (or any data path the archive's reader understands), before and after
temperature scaling fitted on the validation split.

Writes to `--output-dir` (default: the archive's folder):

- `calibration.json`: the fitted temperature, the model's labels and fingerprint, where it
  was fitted. The predictors read it when asked: `--predictor-args '{"calibration_file":
  "runs/nbsvm/calibration.json"}'` (`textflix_lib.predictors.base`).
- `calibration_metrics.json`: accuracy, ECE, MCE, Brier, NLL and the reliability bins, on the
  evaluation data and on the validation data, before and after scaling.
- `reliability_diagram.png`: the reliability diagrams before and after.

The maths is in `textflix_lib.algorithms.calibration` (no AllenNLP).
"""
import argparse
import json
import logging
import os
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import numpy
import torch
from allennlp.commands.subcommand import Subcommand
from allennlp.common.checks import ConfigurationError
from allennlp.data import Batch, DatasetReader, Instance
from allennlp.models import Model
from allennlp.models.archival import load_archive
from allennlp.nn import util as nn_util

from textflix_lib.algorithms import calibration as cal
from textflix_lib.algorithms.calibration_plots import reliability_png
from textflix_lib.predictors.scoring import label_names, label_namespace, model_fingerprint

logger = logging.getLogger(__name__)


def instance_probabilities(model: Model, instances: List[Instance], batch_size: int = 64) -> numpy.ndarray:
    """The model's `probs` for each instance, in order, scored as `allennlp evaluate` scores
    them (the reader's own instances, batches of similar length)."""
    lengths = [sum(len(f) for name, f in instance.fields.items() if name == "tokens") for instance in instances]
    order = sorted(range(len(instances)), key=lambda i: lengths[i])
    out = numpy.zeros((len(instances), len(label_names(model))))
    model.eval()
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        batch = Batch([instances[i] for i in chunk])
        batch.index_instances(model.vocab)
        inputs = nn_util.move_to_device(batch.as_tensor_dict(), model._get_prediction_device())
        with torch.no_grad():
            probs = model(**inputs)["probs"]
        out[chunk] = probs.detach().cpu().numpy().astype(float)
    return out


def read_labelled(model: Model, reader: DatasetReader, data_path: str, batch_size: int) -> Tuple[numpy.ndarray, numpy.ndarray]:
    """Probabilities and true label indices of every labelled instance at `data_path`."""
    instances = [i for i in reader.read(data_path) if "label" in i.fields]
    if not instances:
        raise ConfigurationError(f"{data_path} has no labelled reviews to calibrate on")
    namespace = label_namespace(model)
    labels = numpy.array([model.vocab.get_token_index(i["label"].label, namespace) for i in instances])
    return instance_probabilities(model, instances, batch_size), labels


def _row(name: str, metrics: Dict[str, Any]) -> str:
    return (f"{name:<26} {metrics['accuracy']:>8.4f} {metrics['ece']:>8.4f} {metrics['mce']:>8.4f} "
            f"{metrics['brier']:>8.4f} {metrics['nll']:>8.4f}")


def calibration(args: argparse.Namespace) -> Dict[str, Any]:
    if args.bins < 1:
        raise ConfigurationError(f"--bins must be at least 1, got {args.bins}")
    started = time.time()
    archive = load_archive(args.archive_file, cuda_device=args.cuda_device)
    model, reader = archive.model, archive.validation_dataset_reader
    labels = label_names(model)
    validation_path = args.validation_data_path or archive.config.get("validation_data_path", None) or "validation"
    if os.path.abspath(str(validation_path)) == os.path.abspath(str(args.input_file)) or validation_path == args.input_file:
        logger.warning("the temperature is fitted and evaluated on the same data (%s): the 'after' numbers "
                       "are optimistic", args.input_file)
    val_probs, val_labels = read_labelled(model, reader, validation_path, args.batch_size)
    temperature = cal.fit_temperature(val_probs, val_labels)
    probs, true = read_labelled(model, reader, args.input_file, args.batch_size)
    scaled = cal.apply_temperature(probs, temperature)

    output_dir = Path(args.output_dir or os.path.dirname(os.path.abspath(args.archive_file)))
    output_dir.mkdir(parents=True, exist_ok=True)
    results = {
        "archive": str(args.archive_file), "data_path": str(args.input_file),
        "validation_data_path": str(validation_path), "temperature": temperature, "bins": args.bins,
        "labels": labels,
        "evaluation": {"before": cal.calibration_metrics(probs, true, args.bins),
                       "after": cal.calibration_metrics(scaled, true, args.bins)},
        "validation": {"before": cal.calibration_metrics(val_probs, val_labels, args.bins),
                       "after": cal.calibration_metrics(cal.apply_temperature(val_probs, temperature),
                                                        val_labels, args.bins)},
    }
    calibration_file = output_dir / "calibration.json"
    cal.save_calibration(str(calibration_file), temperature, labels, fingerprint=model_fingerprint(model),
                         archive=str(args.archive_file), fitted_on=str(validation_path),
                         validation_examples=int(len(val_labels)),
                         validation_nll_before=results["validation"]["before"]["nll"],
                         validation_nll_after=results["validation"]["after"]["nll"])
    name = args.name or Path(args.archive_file).resolve().parent.name
    figure = output_dir / "reliability_diagram.png"
    reliability_png(str(figure), [
        {"title": f"{name}: before (T = 1)", "metrics": results["evaluation"]["before"]},
        {"title": f"after temperature scaling (T = {temperature:.2f})", "metrics": results["evaluation"]["after"]},
    ], title=f"Reliability on {args.input_file} ({len(true)} reviews)")
    results["seconds"] = round(time.time() - started, 1)
    results["files"] = {"calibration": str(calibration_file), "figure": str(figure),
                        "metrics": str(output_dir / "calibration_metrics.json")}
    (output_dir / "calibration_metrics.json").write_text(json.dumps(results, indent=1))

    print(f"{name}: temperature T = {temperature:.4f} fitted on {validation_path} ({len(val_labels)} reviews), "
          f"evaluated on {args.input_file} ({len(true)} reviews), {args.bins} bins")
    print(f"{'':<26} {'accuracy':>8} {'ECE':>8} {'MCE':>8} {'Brier':>8} {'NLL':>8}")
    print(_row(f"{args.input_file}, before", results["evaluation"]["before"]))
    print(_row(f"{args.input_file}, after", results["evaluation"]["after"]))
    print(_row(f"{validation_path}, before", results["validation"]["before"]))
    print(_row(f"{validation_path}, after", results["validation"]["after"]))
    print(f"wrote {calibration_file}, {figure}, {results['files']['metrics']}")
    print(f"calibrated predictions: --predictor-args '{{\"calibration_file\": \"{calibration_file}\"}}'")
    return results


@Subcommand.register("calibration")
class Calibration(Subcommand):
    """Reliability diagram, ECE and Brier score of an archive on a data path, and temperature
    scaling fitted on the validation split, stored for the predictors.

    Registered as a `Subcommand` with name "calibration".
    """

    requires_plugins = True

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = ("Measure how well a model's probabilities are calibrated (reliability diagram, "
                       "ECE, Brier score) and fit temperature scaling on the validation split.")
        sub = parser.add_parser(self.name, description=description, help=description)
        sub.add_argument("archive_file", help="a trained model (model.tar.gz)")
        sub.add_argument("input_file", help="data to evaluate on, e.g. 'test' (any path the archive's reader reads)")
        sub.add_argument("--validation-data-path", default=None,
                         help="data to fit the temperature on (default: the archive's validation_data_path, "
                              "else 'validation')")
        sub.add_argument("--output-dir", default=None, help="default: the archive's folder")
        sub.add_argument("--bins", type=int, default=10, help="equal-width confidence bins (default 10)")
        sub.add_argument("--batch-size", type=int, default=64)
        sub.add_argument("--name", default=None, help="the model's name in the figure (default: its folder)")
        sub.add_argument("--cuda-device", type=int, default=-1)
        sub.set_defaults(func=calibration)
        return sub
