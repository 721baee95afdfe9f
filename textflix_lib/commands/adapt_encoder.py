"""`allennlp adapt-encoder`: domain-adaptive pretraining (masked-language modelling) of a
transformer on unlabelled reviews, once per pool; every config then takes the adapted
encoder's directory as its transformer.

    allennlp adapt-encoder --output-dir runs/minilm_imdb            # the packaged MiniLM on the
                                                                    # embedded training pool
    allennlp adapt-encoder --transformer bert-base-uncased --texts my_reviews.jsonl --output-dir runs/bb_mine
    allennlp train configs/bert_adapted.jsonnet -s runs/minilm_imdb500     # reads runs/minilm_imdb

The default corpus is the embedded split's training pool (18,893 reviews), texts only: the
labels are never read, and the validation and test reviews are not part of it, so one
adapted encoder serves every seed and training-set size. `--texts` takes what the `imdb`
reader takes (an aclImdb split folder, a .jsonl or .csv file; labels optional, unused). The work is
`textflix_lib.algorithms.domain_adaptation`; this file only reads the command line. An
interrupted run keeps `OUTPUT_DIR/checkpoint.pt` (saved every epoch); the same command resumes.
"""
import argparse
import logging
import os
from typing import List

from allennlp.commands.subcommand import Subcommand
from allennlp.common.checks import ConfigurationError

from textflix_lib.algorithms.domain_adaptation import ADAPTATION_FILE, adapt_encoder
from textflix_lib.data.formats import read_reviews
from textflix_lib.modules.transformers_util import transformer_path

logger = logging.getLogger(__name__)


def read_texts(path: str) -> List[str]:
    """The review texts of anything the `imdb` reader reads (an aclImdb split folder, .jsonl,
    .csv/.tsv; `textflix_lib.data.formats.read_reviews`, cleaned as the reader cleans them, its
    errors naming the file and line); labels may be absent and are not used."""
    texts = [review.text for review in read_reviews(path)]
    if len(texts) < 2:
        raise ConfigurationError(f"{path}: {len(texts)} texts; at least 2 are needed")
    return texts


def pool_texts() -> List[str]:
    """The embedded split's training pool, texts only."""
    from textflix_lib.data.imdb import embedded_split

    return [review.text for review in embedded_split().train]


def adapt(args: argparse.Namespace) -> dict:
    texts = read_texts(args.texts) if args.texts else pool_texts()
    corpus = args.texts or "the embedded split's training pool"
    source = transformer_path(args.transformer, "--transformer")
    if os.path.exists(os.path.join(args.output_dir, ADAPTATION_FILE)) and not args.force:
        raise ConfigurationError(f"{args.output_dir} already holds an adapted encoder; --force replaces it")
    device = None
    if args.cuda_device is not None:
        device = "cpu" if args.cuda_device < 0 else f"cuda:{args.cuda_device}"
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm comes with AllenNLP
        tqdm = None
    logger.info("adapting %s on %d texts of %s", source, len(texts), corpus)
    report = adapt_encoder(
        source, texts, args.output_dir, epochs=args.epochs, learning_rate=args.learning_rate,
        batch_size=args.batch_size, max_length=args.max_length, held_out_fraction=args.held_out_fraction,
        seed=args.seed, device=device, max_seconds=args.max_seconds, corpus_name=corpus,
        progress=(lambda batches: tqdm(batches, desc="masked LM", unit="batch")) if tqdm else None,
    )
    first, last = report["losses"][0]["held_out_mlm_loss"], report["losses"][-1]["held_out_mlm_loss"]
    loss = ("no held-out texts" if first is None or last is None
            else f"held-out masked-LM loss {first:.3f} -> {last:.3f}")
    resumed = f", resumed after epoch {report['resumed_after_epoch']}" if report["resumed_after_epoch"] else ""
    print(f"adapted {args.transformer} on {report['texts']} texts ({report['train_pieces']} pieces, "
          f"{report['steps']} steps, {report['seconds']} s on {report['device']}{resumed}); {loss}; "
          f"saved to {args.output_dir}")
    return report


@Subcommand.register("adapt-encoder")
class AdaptEncoder(Subcommand):
    """Masked-LM domain adaptation of a transformer on unlabelled text (`textflix_lib.algorithms.domain_adaptation`).

    Registered as a `Subcommand` with name "adapt-encoder".
    """

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        description = ("Continue a transformer's masked-language-model pretraining on unlabelled reviews "
                       "(domain-adaptive pretraining) and save the adapted encoder for any config to use.")
        sub = parser.add_parser(self.name, description=description, help=description)
        sub.add_argument("--transformer", default="minilm",
                         help="a local directory, a Hugging Face name in the local cache, or minilm (packaged)")
        sub.add_argument("--texts", default=None,
                         help="unlabelled reviews, in any format the imdb reader reads (aclImdb folder, .jsonl, "
                         ".csv; labels optional and unused); default: the embedded training pool, without its labels")
        sub.add_argument("--output-dir", required=True, help="where the adapted encoder is saved")
        sub.add_argument("--epochs", type=float, default=4.0)
        sub.add_argument("--learning-rate", type=float, default=1e-4)
        sub.add_argument("--batch-size", type=int, default=64)
        sub.add_argument("--max-length", type=int, default=256, help="word pieces a training piece, specials included")
        sub.add_argument("--held-out-fraction", type=float, default=0.02,
                         help="texts kept out of training to score the masked-LM loss")
        sub.add_argument("--seed", type=int, default=0)
        sub.add_argument("--cuda-device", type=int, default=None, help="default: the first GPU if any, else the CPU")
        sub.add_argument("--max-seconds", type=float, default=None, help="stop training after this long")
        # an interrupted run keeps OUTPUT_DIR/checkpoint.pt (every epoch): the same command resumes it
        sub.add_argument("--force", action="store_true", help="replace an adapted encoder in --output-dir")
        sub.set_defaults(func=adapt)
        return sub
