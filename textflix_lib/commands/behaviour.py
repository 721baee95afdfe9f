"""
`allennlp behaviour ARCHIVE [ARCHIVE ...] --output-dir DIR`: the behavioural test suite
(CheckList's minimum functionality, invariance and directional tests; the suite and its
scoring are `textflix_lib.algorithms.behaviour`, the templates and lexicons
`textflix_lib/data_files/behaviour_tests.json`) run on each model.

Prints a table per model (failure rate, cases, the worst failing example of each test) and
writes `behaviour.json` (every test of every model, with failing examples) and `behaviour.md`
(a comparison table, the probe sentences, failing examples) to `--output-dir`.

Texts are scored in batches through `textflix_lib.predictors.scoring.probability_function`,
each distinct text once. The perturbation tests also perturb `--reviews` real reviews of the
embedded test split (class-balanced, seeded).
"""
import argparse
import json
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from allennlp.commands.subcommand import Subcommand
from allennlp.common.checks import ConfigurationError
from allennlp.models.archival import load_archive

from textflix_lib.algorithms.behaviour import load_suite, run_suite
from textflix_lib.data.imdb import balanced_sample, embedded_split
from textflix_lib.precision import trained_in_mixed_precision
from textflix_lib.predictors.scoring import calibration_temperature, label_names, probability_function


def _short(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3] + "..."


def describe_example(test: Dict[str, Any]) -> str:
    """The worst failing example of a test, on one line."""
    if not test["examples"]:
        return ""
    example = test["examples"][0]
    if test["type"] == "MFT":
        return f"{_short(example['text'])!r} -> {example['predicted']} (p_pos {example['p_positive']:.2f})"
    before, after = example["p_positive"]
    if example["source"] == "review":
        return f"[review] {_short(example['perturbed'][-90:], 90)!r}: p_pos {before:.2f} -> {after:.2f}"
    return f"{_short(example['original'], 70)!r} -> {_short(example['perturbed'], 70)!r}: p_pos {before:.2f} -> {after:.2f}"


def format_table(name: str, result: Dict[str, Any]) -> str:
    lines = [f"== {name}: {result['texts_scored']} texts scored in {result['seconds']:.1f} s",
             f"{'test':<28} {'type':<4} {'failure':>8} {'cases':>6}  worst failure"]
    for test in result["tests"]:
        lines.append(f"{test['name']:<28} {test['type']:<4} {test['failure_rate']:>8.1%} {test['cases']:>6}  "
                     f"{describe_example(test)}")
    passed = sum(p["passed"] for p in result["probes"])
    lines.append(f"probes: {passed} of {len(result['probes'])} right")
    for probe in result["probes"]:
        mark = "ok  " if probe["passed"] else "FAIL"
        lines.append(f"  {mark} {probe['text']!r}: {probe['predicted']} (p_pos {probe['p_positive']:.3f}, "
                     f"expected {probe['expected']})")
    return "\n".join(lines)


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def markdown_report(results: Dict[str, Dict[str, Any]], settings: Dict[str, Any]) -> str:
    names = list(results)
    first = results[names[0]]
    lines = ["# Behavioural tests", "",
             f"Suite `{settings['suite']}`, seed {settings['seed']}, up to {settings['cases']} generated cases a "
             f"test plus {settings['reviews']} real test-split reviews in the perturbation tests. MFT: the "
             "predicted label must be the expected one; INV: the perturbation must not change the label; DIR: "
             "p(positive) must not move the wrong way by more than the tolerance (0.1). Failure rates:", "",
             "| test | type | capability | cases | " + " | ".join(names) + " |",
             "|---|---|---|---|" + "---|" * len(names)]
    for i, test in enumerate(first["tests"]):
        rates = [f"{results[n]['tests'][i]['failure_rate']:.1%}" for n in names]
        lines.append(f"| {test['name']} | {test['type']} | {test['capability']} | {test['cases']} | "
                     + " | ".join(rates) + " |")
    lines += ["", "Perturbation tests split by source (generated short reviews / real test-split reviews):", "",
              "| test | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for i, test in enumerate(first["tests"]):
        if test["type"] == "MFT" or "review" not in test["by_source"]:
            continue
        cells = []
        for n in names:
            sources = results[n]["tests"][i]["by_source"]
            cells.append(" / ".join(f"{s['failures'] / s['cases']:.1%}" if s["cases"] else "-"
                                    for s in (sources.get("template", {"cases": 0}), sources.get("review", {"cases": 0}))))
        lines.append(f"| {test['name']} | " + " | ".join(cells) + " |")
    lines += ["", "## Probe sentences", "", "p(positive) of each model; **bold** where the label is wrong.", "",
              "| sentence | expected | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for i, probe in enumerate(first["probes"]):
        cells = []
        for n in names:
            p = results[n]["probes"][i]
            cell = f"{p['p_positive']:.3f}"
            cells.append(cell if p["passed"] else f"**{cell}**")
        lines.append(f"| {_md(probe['text'])} | {probe['expected']} | " + " | ".join(cells) + " |")
    for n in names:
        lines += ["", f"## {n}", "", f"`{results[n]['archive']}`: {results[n]['texts_scored']} distinct texts scored "
                  f"in {results[n]['seconds']:.1f} s.", ""]
        for test in results[n]["tests"]:
            lines.append(f"- **{test['name']}** ({test['type']}): {test['failures']} of {test['cases']} fail "
                         f"({test['failure_rate']:.1%}). {_md(test['description'])}")
            for example in test["examples"]:
                if test["type"] == "MFT":
                    lines.append(f"  - \"{_md(example['text'])}\": {example['predicted']}, p(pos) "
                                 f"{example['p_positive']:.3f} (expected {example['expected']})")
                elif example["source"] == "review":
                    lines.append(f"  - a test review, ending \"...{_md(example['perturbed'][-160:])}\": p(pos) "
                                 f"{example['p_positive'][0]:.3f} -> {example['p_positive'][1]:.3f}")
                else:
                    lines.append(f"  - \"{_md(example['original'])}\" -> \"{_md(example['perturbed'])}\": p(pos) "
                                 f"{example['p_positive'][0]:.3f} -> {example['p_positive'][1]:.3f}")
    return "\n".join(lines) + "\n"


def model_names(archives: Sequence[str], names: Optional[Sequence[str]]) -> List[str]:
    if names:
        if len(names) != len(archives):
            raise ConfigurationError(f"--names gives {len(names)} names for {len(archives)} archives")
        chosen = list(names)
    else:
        chosen = [Path(a).resolve().parent.name for a in archives]
        if len(set(chosen)) < len(chosen):
            chosen = [str(a) for a in archives]
    if len(set(chosen)) < len(chosen):
        raise ConfigurationError(f"model names must differ, got {chosen}")
    return chosen


def behaviour(args: argparse.Namespace) -> Dict[str, Any]:
    if args.cases < 1:
        raise ConfigurationError(f"--cases must be at least 1, got {args.cases}")
    if args.reviews < 0:
        raise ConfigurationError(f"--reviews must be 0 or more, got {args.reviews}")
    try:
        suite = load_suite(args.suite)
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
    names = model_names(args.archive_files, args.names)
    reviews = [r.text for r in balanced_sample(embedded_split().test, args.reviews, seed=args.seed)] if args.reviews else []
    results: Dict[str, Dict[str, Any]] = {}
    for name, archive_file in zip(names, args.archive_files):
        started = time.time()
        archive = load_archive(archive_file, cuda_device=args.cuda_device)
        model = archive.model
        model.eval()
        try:
            temperature = calibration_temperature(model, args.calibration_file)
        except ValueError as error:
            raise ConfigurationError(str(error)) from None
        # in the precision the model was trained in (bfloat16 on a CPU after trainer.use_amp)
        predict = probability_function(model, archive.validation_dataset_reader, temperature,
                                       trained_in_mixed_precision(archive.config.as_dict(quiet=True)))
        try:
            result = run_suite(predict, label_names(model), suite, cases=args.cases, seed=args.seed, reviews=reviews,
                               positive_label=args.positive_label, batch_size=args.batch_size)
        except ValueError as error:
            raise ConfigurationError(f"{name}: {error}") from None
        result.update(archive=str(archive_file), temperature=temperature, seconds=round(time.time() - started, 1))
        results[name] = result
        print(format_table(name, result))
        print()
    settings = {"suite": args.suite or "textflix_lib/data_files/behaviour_tests.json", "seed": args.seed,
                "cases": args.cases, "reviews": len(reviews)}
    output_dir = Path(args.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / "behaviour.json").write_text(json.dumps({"settings": settings, "models": results}, indent=1))
    (output_dir / "behaviour.md").write_text(markdown_report(results, settings), encoding="utf-8")
    print(f"wrote {output_dir / 'behaviour.json'} and {output_dir / 'behaviour.md'}")
    return {"settings": settings, "models": results}


@Subcommand.register("behaviour")
class Behaviour(Subcommand):
    """Behavioural tests (minimum functionality, invariance, directional) of one or more models.

    Registered as a `Subcommand` with name "behaviour".
    """

    requires_plugins = True

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = ("Run behavioural tests in the manner of CheckList (negation, intensity, contrast, "
                       "name swaps, typos, punctuation, added sentences) on trained models and report "
                       "each test's failure rate with failing examples.")
        sub = parser.add_parser(self.name, description=description, help=description)
        sub.add_argument("archive_files", nargs="+", metavar="ARCHIVE", help="trained models (model.tar.gz)")
        sub.add_argument("--output-dir", required=True, help="where behaviour.json and behaviour.md go")
        sub.add_argument("--names", nargs="+", default=None, help="a name per archive (default: its folder)")
        sub.add_argument("--cases", type=int, default=300, help="generated cases per test (default 300)")
        sub.add_argument("--reviews", type=int, default=100,
                         help="real test-split reviews added to each perturbation test (default 100)")
        sub.add_argument("--seed", type=int, default=0)
        sub.add_argument("--suite", default=None, help="a suite JSON file (default: the packaged one)")
        sub.add_argument("--batch-size", type=int, default=64)
        sub.add_argument("--positive-label", default="pos")
        sub.add_argument("--calibration-file", nargs="+", default=None,
                         help="calibration.json files (allennlp calibration): score temperature-scaled "
                              "probabilities, which changes only the DIR tests")
        sub.add_argument("--cuda-device", type=int, default=-1)
        sub.set_defaults(func=behaviour)
        return sub
