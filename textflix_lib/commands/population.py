"""
`allennlp population ARCHIVE test --output-dir DIR`: the reviews of a split placed in two
dimensions from the model's own representation, coloured by true label, sized by loss, with
clusters named by their most distinctive words and the highest-loss reviews listed with their
sentence highlights (`sentence_lime`).

The representation: for `basic_classifier` models (word vectors, transformers) the pooled
encoder output, the vector the classifier head sees; for NB-SVM each review's n-gram vector
scaled by the learned weights (the terms its margin sums), reduced by truncated SVD. The
projection and the page are `textflix_lib.algorithms.population`.

Writes `population.png`, `population.html` (offline, self-contained: pointing at a dot shows
the review) and `population.json` (coordinates, labels, losses, clusters, the worst reviews).
"""
import argparse
import json
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy
import scipy.sparse as sp
import torch
from allennlp.commands.subcommand import Subcommand
from allennlp.common.checks import ConfigurationError
from allennlp.data import Batch, Instance
from allennlp.models import Model
from allennlp.models.archival import load_archive
from allennlp.nn import util as nn_util
from allennlp.predictors import Predictor

from textflix_lib.algorithms import population as pop
from textflix_lib.algorithms.calibration_plots import save_png
from textflix_lib.data.imdb import balanced_sample
from textflix_lib.predictors.scoring import label_names, label_namespace


def representations(model: Model, instances: List[Instance], batch_size: int = 64) -> Tuple[Any, numpy.ndarray]:
    """``(features, probs)`` for the instances in order: dense pooled encoder outputs
    (`basic_classifier`) or a sparse matrix of weighted n-grams (NB-SVM)."""
    encoder = getattr(model, "_seq2vec_encoder", None)
    nbsvm = hasattr(model, "_ids_and_mask") and hasattr(model, "weights")
    if encoder is None and not nbsvm:
        raise ConfigurationError(f"{type(model).__name__} has no representation to map (a basic_classifier or "
                                 "an NB-SVM is needed)")
    captured: List[torch.Tensor] = []
    hook = encoder.register_forward_hook(lambda module, args, output: captured.append(output)) if encoder else None
    lengths = [len(i["tokens"]) for i in instances]
    order = sorted(range(len(instances)), key=lambda i: lengths[i])
    probs = numpy.zeros((len(instances), len(label_names(model))))
    dense: Dict[int, numpy.ndarray] = {}
    rows, cols, values = [], [], []
    model.eval()
    try:
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            batch = Batch([instances[i] for i in chunk])
            batch.index_instances(model.vocab)
            inputs = nn_util.move_to_device(batch.as_tensor_dict(), model._get_prediction_device())
            captured.clear()
            with torch.no_grad():
                output = model(**inputs)
                if nbsvm:
                    ids, mask = model._ids_and_mask(inputs["tokens"])
                    weights = model.weights[ids] * mask
                    for row, (row_ids, row_weights) in zip(chunk, zip(ids.cpu().numpy(), weights.cpu().numpy())):
                        keep = row_weights != 0
                        rows.extend([row] * int(keep.sum()))
                        cols.extend(row_ids[keep].tolist())
                        values.extend(row_weights[keep].tolist())
            probs[chunk] = output["probs"].detach().cpu().numpy()
            if encoder is not None:
                for row, vector in zip(chunk, captured[-1].detach().cpu().numpy()):
                    dense[row] = vector
    finally:
        if hook is not None:
            hook.remove()
    if nbsvm:
        features = sp.csr_matrix((values, (rows, cols)), shape=(len(instances), model.weights.shape[0]))
    else:
        features = numpy.stack([dense[i] for i in range(len(instances))])
    return features, probs


def population(args: argparse.Namespace) -> Dict[str, Any]:
    if args.worst < 0 or args.clusters < 1:
        raise ConfigurationError("--worst must be 0 or more and --clusters at least 1")
    started = time.time()
    archive = load_archive(args.archive_file, cuda_device=args.cuda_device)
    model, reader = archive.model, archive.validation_dataset_reader
    labels = label_names(model)
    if args.positive_label not in labels:
        raise ConfigurationError(f"positive label {args.positive_label!r} is not one of the model's labels {labels}")
    reviews = [r for r in reader.reviews(args.input_file) if r.label is not None]
    if args.sample:
        reviews = balanced_sample(reviews, min(args.sample, len(reviews)), seed=args.seed)
    if len(reviews) < 3:
        raise ConfigurationError(f"{args.input_file} has {len(reviews)} labelled reviews; a map needs at least 3")
    instances = []
    for review in reviews:
        instance = reader.text_to_instance(review.text, review.label, review.metadata)
        reader.apply_token_indexers(instance)
        instances.append(instance)
    features, probs = representations(model, instances, args.batch_size)
    scored = time.time()
    namespace = label_namespace(model)
    label_index = [model.vocab.get_token_index(r.label, namespace) for r in reviews]
    try:
        coords = pop.project(features, args.method, args.seed)
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
    projected = time.time()
    assignment = pop.clusters(coords, args.clusters, args.seed)
    texts = [r.text for r in reviews]
    words = pop.distinctive_words(texts, assignment)
    ids = [str(r.metadata.get("review_id") or r.metadata.get("id") or i) for i, r in enumerate(reviews)]
    points = pop.build_points(coords, texts, [r.label for r in reviews], probs, label_index,
                              labels.index(args.positive_label), assignment, ids)
    worst = []
    if args.worst:
        explainer = Predictor.from_archive(archive, "sentence_lime")
        for i in pop.worst_indices(points, args.worst):
            explanation = explainer.predict(texts[i])
            worst.append({**{k: points[i][k] for k in ("id", "label", "p_positive", "loss", "text")},
                          "predicted": explanation["label"],
                          "highlights": [{"text": h["text"], "weight": h["weight"]} for h in explanation["highlights"]]})
    name = args.name or Path(args.archive_file).resolve().parent.name
    title = f"{name}: {len(points)} reviews of {args.input_file}"
    subtitle = (f"{'t-SNE' if args.method == 'tsne' else 'PCA'} of the model's representation (seed {args.seed}); "
                f"blue: true {args.positive_label}, red: the other label; dot size: loss; {args.clusters} k-means "
                "clusters named by their most distinctive words.")
    output_dir = Path(args.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    save_png(pop.population_figure(points, words, title, args.positive_label), str(output_dir / "population.png"))
    (output_dir / "population.html").write_text(
        pop.population_html(points, words, worst, title, subtitle, args.positive_label), encoding="utf-8")
    summary = {"archive": str(args.archive_file), "data_path": str(args.input_file), "reviews": len(points),
               "method": args.method, "seed": args.seed, "clusters": {str(k): v for k, v in words.items()},
               "cluster_sizes": {str(k): int((assignment == k).sum()) for k in words},
               "mean_loss": float(numpy.mean([p["loss"] for p in points])),
               "worst": worst, "seconds": {"load_and_score": round(scored - started, 1),
                                           "projection": round(projected - scored, 1),
                                           "total": round(time.time() - started, 1)}}
    (output_dir / "population.json").write_text(json.dumps({**summary, "points": [
        {k: v for k, v in p.items() if k != "text"} for p in points]}, indent=None))
    print(f"{title}: mean loss {summary['mean_loss']:.3f}; {summary['seconds']}")
    for k, v in words.items():
        print(f"  cluster {k} ({summary['cluster_sizes'][str(k)]} reviews): {', '.join(v)}")
    for w in worst:
        print(f"  loss {w['loss']:.2f} (true {w['label']}): {w['highlights'][0]['text'][:120] if w['highlights'] else ''}")
    print(f"wrote {output_dir / 'population.png'}, {output_dir / 'population.html'}, {output_dir / 'population.json'}")
    return summary


@Subcommand.register("population")
class Population(Subcommand):
    """A map of a split's reviews in a model's own representation, with losses and clusters.

    Registered as a `Subcommand` with name "population".
    """

    requires_plugins = True

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = ("Place the reviews of a split in two dimensions from a model's representation "
                       "(coloured by label, sized by loss, clusters named by distinctive words) and list "
                       "the highest-loss reviews: a PNG and an offline HTML page.")
        sub = parser.add_parser(self.name, description=description, help=description)
        sub.add_argument("archive_file", help="a trained model (model.tar.gz)")
        sub.add_argument("input_file", nargs="?", default="test", help="labelled reviews (default: test)")
        sub.add_argument("--output-dir", required=True)
        sub.add_argument("--sample", type=int, default=None, help="a seeded, class-balanced sample of this many")
        sub.add_argument("--method", choices=pop.METHODS, default="tsne")
        sub.add_argument("--clusters", type=int, default=8)
        sub.add_argument("--worst", type=int, default=10, help="highest-loss reviews to explain and list")
        sub.add_argument("--seed", type=int, default=0)
        sub.add_argument("--batch-size", type=int, default=64)
        sub.add_argument("--positive-label", default="pos")
        sub.add_argument("--name", default=None)
        sub.add_argument("--cuda-device", type=int, default=-1)
        sub.set_defaults(func=population)
        return sub
