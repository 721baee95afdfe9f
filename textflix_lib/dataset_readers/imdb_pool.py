from typing import Iterable, Optional

from allennlp.common.checks import ConfigurationError
from allennlp.data import DatasetReader, Instance
from allennlp.data.fields import MetadataField

from textflix_lib.data.imdb import Review, balanced_sample
from textflix_lib.dataset_readers.imdb import ImdbReader

GOLD = "gold"


@DatasetReader.register("imdb_pool")
class ImdbPoolReader(ImdbReader):
    """
    The `imdb` reader, plus the unlabelled pool for semi-supervised training (issue 10).

    On the training data with a `train_size`, it yields the whole training pool: the
    `train_size` sample with its labels and every other review of the pool with its label
    hidden (the label is never read into the instance). The gold label rides in a
    `MetadataField` named `gold` (None for the unlabelled reviews) rather than a `LabelField`, so
    that every training instance has the same fields; models that learn from the pool (e.g.
    `self_training_nbsvm`) read it. Add the labels to the vocabulary in the config
    (`vocabulary.tokens_to_add.labels: ["neg", "pos"]`), since no training instance has a
    `LabelField`. The validation and test splits (any path other than the training data) are
    read exactly as the `imdb` reader reads them: they are never part of the pool.

    Registered as a `DatasetReader` with name "imdb_pool".

    # Parameters

    unlabelled_size : `int`, optional (default = `None`, all of the rest of the pool)
        How many unlabelled reviews to add (a seeded, class-blind sample of the rest).
    **kwargs : the `imdb` reader's parameters (`train_size` is required).
    """

    def __init__(self, unlabelled_size: Optional[int] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        if self.train_size is None:
            raise ConfigurationError("imdb_pool needs a train_size: the labelled sample; the rest is unlabelled")
        if self.folds is not None:
            raise ConfigurationError("imdb_pool does not take cross-validation folds (allennlp tune "
                                     "cross-validates configs that read with the imdb reader)")
        if self.train_windows is not None:
            raise ConfigurationError("imdb_pool does not take train_windows (the self-training model reads "
                                     "whole reviews; window augmentation is for a head_tail transformer's imdb reader)")
        if unlabelled_size is not None and unlabelled_size < 0:
            raise ConfigurationError(f"unlabelled_size must be 0 or more, got {unlabelled_size}")
        self.unlabelled_size = unlabelled_size

    def pool(self, file_path: str):
        """(labelled sample, unlabelled reviews with their labels removed) of the training data."""
        path = str(file_path)
        from textflix_lib.data import formats
        from textflix_lib.data.imdb import SPLIT_NAMES, embedded_split

        if path in SPLIT_NAMES:
            everything = list(embedded_split(self.test_percent, self.validation_size)[path])
        else:
            everything = list(formats.read_reviews(path, self.text_field, self.label_field))
        labelled = [r for r in everything if r.label is not None]
        sample = balanced_sample(labelled, self.train_size, self.seed)
        chosen = {id(r) for r in sample}
        rest = [Review(r.text, None, dict(r.metadata)) for r in everything if id(r) not in chosen]
        if self.unlabelled_size is not None and self.unlabelled_size < len(rest):
            import numpy as np

            order = np.random.default_rng([self.seed, 7]).permutation(len(rest))[: self.unlabelled_size]
            rest = [rest[i] for i in sorted(order)]
        return sample, rest

    def _read(self, file_path: str) -> Iterable[Instance]:
        if not self.samples(file_path):
            yield from super()._read(file_path)
            return
        sample, rest = self.pool(file_path)
        reviews = [(r, r.label) for r in sample] + [(r, None) for r in rest]
        for review, gold in self.shard_iterable(reviews):
            instance = self.text_to_instance(review.text, None, review.metadata)
            instance.add_field(GOLD, MetadataField(gold))
            yield instance
