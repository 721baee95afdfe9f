"""
`allennlp textflix --model nbsvm=runs/nbsvm/model.tar.gz --model minilm=runs/minilm/model.tar.gz
test --sample 1000 -s site/`: the Textflix site for trained archives and a set of reviews, a
static folder (`site/index.html`) that works from the file system or any static server, with
no network access. See `textflix_lib.site` and docs/site.md.
"""
import argparse
import json
import logging
from pathlib import Path
from typing import List

from allennlp.commands.subcommand import Subcommand
from allennlp.common.checks import ConfigurationError

from textflix_lib.site.build import build_site, load_reviews, read_titles, sample_reviews
from textflix_lib.site.precompute import SiteModel

logger = logging.getLogger(__name__)


def parse_models(values: List[str]) -> List[SiteModel]:
    """`NAME=ARCHIVE` (or a bare ARCHIVE, named after its folder) for each `--model`."""
    models = []
    for value in values:
        name, sep, archive = value.partition("=")
        if not sep:
            archive, name = value, Path(value).parent.name or Path(value).stem
        if not name or not archive:
            raise ConfigurationError(f"--model {value!r}: expected NAME=PATH/model.tar.gz")
        if not Path(archive).is_file():
            raise ConfigurationError(f"--model {value!r}: no archive at {archive}")
        models.append(SiteModel(name, archive))
    return models


def textflix(args: argparse.Namespace) -> dict:
    models = parse_models(args.model)
    try:
        predictor_args = json.loads(args.predictor_args) if args.predictor_args else {}
    except json.JSONDecodeError as error:
        raise ConfigurationError(f"--predictor-args is not JSON: {error}") from None
    reviews = sample_reviews(load_reviews(args.data_path, args.text_field, args.label_field), args.sample, args.seed)
    titles = read_titles(args.titles) if args.titles else None
    if titles and not args.group_by:
        raise ConfigurationError("--titles names titles by id: say which review field holds it with --group-by")
    print(f"Textflix: {len(reviews)} reviews from {args.data_path}, models {', '.join(m.name for m in models)}")
    try:
        report = build_site(models, reviews, args.serialization_dir, group_by=args.group_by, titles=titles,
                            cache_dir=args.cache_dir, predictor_args=predictor_args,
                            positive_label=args.positive_label, negative_label=args.negative_label,
                            site_title=args.site_title, workers=args.workers, ray_address=args.ray_address,
                            cuda_device=args.cuda_device, include_package=args.include_package or ())
    except ValueError as error:
        if type(error) is not ValueError:  # DataFormatError and friends say where already
            raise
        raise ConfigurationError(str(error)) from None
    site = report.site
    print(f"explained in {report.seconds_precompute:.1f} s, pages written in {report.seconds_write:.1f} s: "
          f"{site.get('reviews')} reviews, {site.get('titles')} collections, "
          f"{site.get('data_bytes', 0) / 1e6:.2f} MB of data")
    print(f"open {Path(site['index']).resolve()}")
    return {"precompute_seconds": report.seconds_precompute, "write_seconds": report.seconds_write, **site}


@Subcommand.register("textflix")
class Textflix(Subcommand):
    """The Textflix site: browse titles and reviews with each model's verdict, its certainty and
    the sentences that drove it.

    Registered as a `Subcommand` with name "textflix".
    """

    requires_plugins = True

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = ("Build the Textflix site: a static folder of explained reviews for one or more "
                       "trained models (sentence LIME, cached per archive and review).")
        sub = parser.add_parser(self.name, description=description, help=description)
        sub.add_argument("data_path", nargs="?", default="test",
                         help="reviews: 'test' (the embedded held-out split, the default), 'validation', an "
                              "aclImdb split folder, a .jsonl or a .csv/.tsv file")
        sub.add_argument("--model", action="append", required=True, metavar="NAME=ARCHIVE",
                         help="a trained model.tar.gz and the name the site shows (repeat for more models; "
                              "the first two are compared side by side)")
        sub.add_argument("-s", "--serialization-dir", required=True, help="where the site is written")
        sub.add_argument("--sample", type=int, default=None,
                         help="a seeded, class-balanced sample of this many reviews (default: all)")
        sub.add_argument("--seed", type=int, default=0)
        sub.add_argument("--group-by", default=None,
                         help="the review field that names its title (aclImdb folders give movie_id); "
                              "without it all reviews form one collection")
        sub.add_argument("--titles", default=None, help="CSV of title metadata: id,title,year,... ")
        sub.add_argument("--text-field", default="text")
        sub.add_argument("--label-field", default="label")
        sub.add_argument("--cache-dir", default=None,
                         help="where results are cached per archive and review (default: SITE/cache)")
        sub.add_argument("--predictor-args", default="",
                         help="JSON options of the sentence_lime predictor, e.g. '{\"num_samples\": 64}'")
        sub.add_argument("--positive-label", default="pos")
        sub.add_argument("--negative-label", default="neg")
        sub.add_argument("--site-title", default="Textflix")
        sub.add_argument("--workers", type=int, default=1,
                         help="Ray workers that explain reviews (1: in this process, no Ray)")
        sub.add_argument("--ray-address", default=None,
                         help="an existing Ray cluster (auto, HOST:6379, ray://HOST:10001)")
        sub.add_argument("--cuda-device", type=int, default=-1)
        sub.set_defaults(func=textflix)
        return sub
