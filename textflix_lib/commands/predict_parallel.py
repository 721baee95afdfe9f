"""`allennlp predict-parallel ARCHIVE INPUT --output-file OUT --predictor sentiment --workers 2`:
`allennlp predict` of a big JSON-lines file on Ray workers (on this machine, or on a cluster
with `--ray-address`), with the output lines in the input's order and a run that can be
killed at any moment and continued by running the same command again.

Each worker is a Ray actor that imports AllenNLP and loads the archive once, then predicts
chunks of `--chunk-size` lines in batches of `--batch-size` (chunks start at multiples of
the batch size, so batches, and so the output, are those of `allennlp predict` with the same
`--batch-size`). The driver reads the input, hands out chunks, and appends each chunk's lines
to the output as soon as every chunk before it is written. The bookkeeping (chunks, manifest,
resume point, order) is `textflix_lib.scale_out`; docs/scale_out.md has the whole story.
"""
import argparse
import json
import os
import time
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from allennlp.commands.subcommand import Subcommand
from allennlp.common import logging as common_logging
from allennlp.common.checks import ConfigurationError

from textflix_lib.data.errors import DataFormatError
from textflix_lib.scale_out.ordered_output import (Chunk, OutputMismatch, chunks, file_sha1, prepare_output,
                                                   scan_input)

DEFAULT_CHUNK_SIZE = 256


class ChunkPredictor:
    """Loads an archive as a predictor once and predicts chunks of input lines with it; used as
    a Ray actor (or in this process with ``--workers 0``).

    Returns for each chunk ``{"lines": [...]}``, the output lines as `allennlp predict` writes
    them, or ``{"bad_line": N, "problem": "..."}`` for the first line the predictor cannot
    read (nothing of that chunk is predicted).
    """

    def __init__(self, archive_file: str, predictor: Optional[str] = None,
                 predictor_args: Optional[Dict[str, Any]] = None, batch_size: int = 1, cuda_device: int = -1,
                 weights_file: Optional[str] = None, overrides: str = "", dataset_reader_choice: str = "validation",
                 torch_threads: Optional[int] = None, include_package: Sequence[str] = ()) -> None:
        import importlib

        import torch

        if torch_threads:
            torch.set_num_threads(torch_threads)
        for package in ("textflix_lib", *include_package):
            importlib.import_module(package)
        from allennlp.models.archival import load_archive
        from allennlp.predictors import Predictor

        archive = load_archive(archive_file, weights_file=weights_file, cuda_device=cuda_device,
                               overrides=overrides)
        self.predictor = Predictor.from_archive(archive, predictor, dataset_reader_to_load=dataset_reader_choice,
                                                extra_args=dict(predictor_args or {}))
        self.batch_size = batch_size

    def ready(self) -> bool:
        """True once the archive is loaded (lets the driver time loading and predicting apart)."""
        return True

    def predict(self, chunk: Chunk) -> Dict[str, Any]:
        inputs = []
        for number, line in chunk.lines:
            try:
                inputs.append(self.predictor.load_line(line))
            except Exception as error:  # noqa: BLE001 - any parse failure gets the line number
                return {"bad_line": number,
                        "problem": f"cannot read this line ({type(error).__name__}: {error}); expected one JSON "
                                   "object per line, like {\"text\": \"...\"}"}
        lines: List[str] = []
        for start in range(0, len(inputs), self.batch_size):
            batch = inputs[start:start + self.batch_size]
            # as allennlp predict's _PredictManager does
            results = ([self.predictor.predict_json(batch[0])] if len(batch) == 1
                       else self.predictor.predict_batch_json(batch))
            lines.extend(self.predictor.dump_line(result) for result in results)
        return {"lines": lines}


def predict_parallel(args: argparse.Namespace) -> Dict[str, Any]:
    """The command: returns what it did (lines, seconds, workers) and prints a summary."""
    from allennlp.common.file_utils import cached_path
    from allennlp.common.tqdm import Tqdm

    common_logging.FILE_FRIENDLY_LOGGING = args.file_friendly_logging
    if args.input_file == "-":
        raise ConfigurationError("predict-parallel reads a file (it is read twice and resumed); stdin is not "
                                 "supported: use allennlp predict, or save the input to a file")
    if args.batch_size < 1:
        raise ConfigurationError(f"--batch-size must be at least 1, got {args.batch_size}")
    if args.workers is not None and args.workers < 0:
        raise ConfigurationError(f"--workers must be 0 (this process) or more, got {args.workers}")
    try:
        predictor_args = json.loads(args.predictor_args) if args.predictor_args.strip() else {}
    except json.JSONDecodeError as error:
        raise ConfigurationError(f"--predictor-args is not JSON: {error}") from None
    # chunks hold whole batches, so batches are those of a plain `allennlp predict`
    chunk_size = -(-max(args.chunk_size, 1) // args.batch_size) * args.batch_size

    input_path = cached_path(args.input_file)
    summary = scan_input(input_path, source=args.input_file)
    archive_path = cached_path(args.archive_file)
    identity = {
        "input_sha1": summary.sha1, "input_lines": summary.lines,
        "archive_sha1": file_sha1(archive_path),
        "weights_sha1": file_sha1(cached_path(args.weights_file)) if args.weights_file else None,
        "predictor": args.predictor, "predictor_args": predictor_args, "overrides": args.overrides,
        "dataset_reader_choice": args.dataset_reader_choice, "batch_size": args.batch_size,
        "chunk_size": chunk_size,
    }
    about = {"input": _absolute(args.input_file), "archive": _absolute(args.archive_file),
             "command": "allennlp predict-parallel"}
    try:
        done = prepare_output(args.output_file, identity, summary.lines, chunk_size, force=args.force, about=about)
    except OutputMismatch as error:
        raise ConfigurationError(str(error)) from None
    todo = summary.lines - done
    if done:
        print(f"{args.output_file}: {done} of {summary.lines} lines already done; continuing")
    report = {"lines": summary.lines, "resumed_from": done, "predicted": todo, "workers": 0, "seconds": 0.0,
              "seconds_loading": 0.0, "seconds_predicting": 0.0}
    if todo == 0:
        print(f"{args.output_file}: all {summary.lines} lines done")
        return report

    # workers get absolute paths: a worker on another node (or in another folder) resolves them the same way
    predictor_options = dict(archive_file=_absolute(args.archive_file), predictor=args.predictor,
                             predictor_args=predictor_args, batch_size=args.batch_size,
                             weights_file=_absolute(args.weights_file) if args.weights_file else None,
                             overrides=args.overrides,
                             dataset_reader_choice=args.dataset_reader_choice,
                             include_package=list(getattr(args, "include_package", None) or []))
    work = chunks(input_path, chunk_size, start=done, source=args.input_file)
    bar = Tqdm.tqdm(total=summary.lines, initial=done, unit="line", desc="predicting")
    started = time.perf_counter()
    written = 0
    with open(args.output_file, "a", encoding="utf-8") as output:
        if args.workers == 0:
            results = _in_this_process(predictor_options, args.cuda_device, work, report)
        else:
            results = _on_ray(predictor_options, args, work, -(-todo // chunk_size), report)
        try:
            for chunk, result in results:
                if "bad_line" in result:
                    raise DataFormatError(args.input_file, result["problem"], result["bad_line"])
                output.write("".join(result["lines"]))
                output.flush()
                written += len(result["lines"])
                bar.update(len(result["lines"]))
        finally:
            results.close()  # stops the workers (and Ray, if this command started it)
            bar.close()
    finished = time.perf_counter()
    report["seconds"] = finished - started
    report["seconds_loading"] = report.pop("ready_at", started) - started
    report["seconds_predicting"] = report["seconds"] - report["seconds_loading"]
    report["lines_per_second"] = written / report["seconds_predicting"] if report["seconds_predicting"] else None
    where = "in this process" if not report["workers"] else f"on {report['workers']} Ray workers"
    print(f"{written} lines predicted {where} in {report['seconds']:.1f} s: {report['seconds_loading']:.1f} s "
          f"starting and loading the model, then {report['lines_per_second']:.1f} lines/s; "
          f"output: {args.output_file}")
    return report


def _absolute(path: str) -> str:
    """`path` made absolute if it is a local file; a URL (or anything else) as it is."""
    return os.path.abspath(path) if os.path.exists(path) else path


def _in_this_process(options: Dict[str, Any], cuda_device: int, work: Iterator[Chunk], report: Dict[str, Any]):
    predictor = ChunkPredictor(cuda_device=cuda_device, **options)
    report["ready_at"] = time.perf_counter()
    for chunk in work:
        yield chunk, predictor.predict(chunk)


def _on_ray(options: Dict[str, Any], args: argparse.Namespace, work: Iterator[Chunk], chunk_count: int,
            report: Dict[str, Any]) -> Iterator[Tuple[Chunk, Dict[str, Any]]]:
    import ray

    from textflix_lib.learning_curves.sweep import worker_count
    from textflix_lib.scale_out.ray_pool import ordered_results, start_ray

    cpus = args.cpus_per_worker
    gpus = 1 if args.cuda_device >= 0 else 0
    local_workers = args.workers or max(1, (os.cpu_count() or 1) // max(1, int(cpus)))
    started = start_ray(args.ray_address, None if args.ray_address else int(local_workers * cpus))
    actors: List[Any] = []
    try:
        # as many as the cluster holds (never more: an actor Ray cannot place would wait forever)
        fits = worker_count(ray.cluster_resources(), cpus, gpus, chunk_count)
        count = min(args.workers or fits, fits)
        if args.workers and count < min(args.workers, chunk_count):
            print(f"--workers {args.workers}: the Ray cluster holds {count} workers of {cpus:g} CPUs "
                  f"{f'and {gpus} GPU ' if gpus else ''}each; starting {count}")
        report["workers"] = count
        actor_class = ray.remote(num_cpus=cpus, num_gpus=gpus, max_restarts=0)(ChunkPredictor)
        # on a GPU worker Ray shows the actor only its own GPU, as device 0
        actors = [actor_class.remote(cuda_device=0 if gpus else -1, torch_threads=max(1, int(cpus)), **options)
                  for _ in range(count)]
        try:
            ray.get([actor.ready.remote() for actor in actors])  # a worker that cannot load fails here
        except ray.exceptions.RayError as error:
            raise ConfigurationError(
                f"a Ray worker could not load {options['archive_file']} (on a cluster every node needs the archive at "
                f"that path or URL, and textflix installed in the same environment): {error}") from None
        report["ready_at"] = time.perf_counter()
        yield from ordered_results(actors, lambda actor, chunk: actor.predict.remote(chunk), work)
    finally:
        for actor in actors:
            ray.kill(actor)
        if started:
            ray.shutdown()


@Subcommand.register("predict-parallel")
class PredictParallel(Subcommand):
    """`allennlp predict` on Ray workers, in order and resumable.

    Registered as a `Subcommand` with name "predict-parallel".
    """

    requires_plugins = True

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = ("allennlp predict of a JSON-lines file on Ray workers (this machine, or a cluster with "
                       "--ray-address): output lines in the input's order; rerun the same command to continue "
                       "an interrupted run.")
        sub = parser.add_parser(self.name, description=description, help="Predict a big file on Ray workers.")
        sub.add_argument("archive_file", help="the archived model to make predictions with")
        sub.add_argument("input_file", help="path to or url of the JSON-lines input file")
        sub.add_argument("--output-file", required=True,
                         help="the JSON-lines output (one line per non-blank input line, in order); its "
                              "manifest, OUTPUT.manifest.json, lets a rerun continue")
        sub.add_argument("--weights-file", help="a path that overrides which weights file to use")
        sub.add_argument("--batch-size", type=int, default=1, help="the batch size to use for processing")
        sub.add_argument("--silent", action="store_true",
                         help="accepted for allennlp predict's sake: predictions go only to --output-file")
        sub.add_argument("--cuda-device", type=int, default=-1,
                         help="-1: CPU; 0 or more: each worker reserves one GPU (Ray picks which)")
        sub.add_argument("--dataset-reader-choice", choices=["train", "validation"], default="validation",
                         help="which of the model's dataset readers the predictor uses")
        sub.add_argument("-o", "--overrides", default="",
                         help="a json(net) structure used to override the archived configuration")
        sub.add_argument("--predictor", help="the predictor to use (e.g. sentiment, sentence_lime)")
        sub.add_argument("--predictor-args", default="", help="a JSON object of extra predictor arguments")
        sub.add_argument("--file-friendly-logging", action="store_true", default=False,
                         help="outputs tqdm status on separate lines and slows tqdm refresh rate")
        sub.add_argument("--workers", type=int, default=None,
                         help="Ray workers (default: as many as the CPUs allow, cpus-per-worker each; "
                              "0: predict in this process, without Ray)")
        sub.add_argument("--cpus-per-worker", type=float, default=1,
                         help="CPUs each worker reserves (and torch threads it uses)")
        sub.add_argument("--ray-address", default=None,
                         help="an existing Ray cluster (auto, HEAD:6379, ray://HEAD:10001); default: start "
                              "Ray on this machine")
        sub.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE,
                         help="lines a worker predicts at a time (rounded up to whole batches); the unit "
                              "of work that is redone after an interruption")
        sub.add_argument("--force", action="store_true",
                         help="overwrite --output-file even if it belongs to another input, model or options")
        sub.set_defaults(func=predict_parallel)
        return sub
