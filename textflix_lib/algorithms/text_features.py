"""Textflix's bag-of-n-grams preprocessing: lowercase, stop words removed, Snowball stems.

Negations are the deliberate exception. scikit-learn's English stop-word list contains
"not", "no", "nor", "never", "nothing", "none" and friends; removing them turns
"not good" into "good". We keep them (and expand "n't" to "not"), so that the bigram
features see "not good" as its own feature. ``negation="drop"`` reproduces Textflix's
plain stop-word removal and ``negation="mark"`` adds Das & Chen style ``not_`` prefixes to
the words that follow a negation up to the next punctuation mark; the README records what
each measured. ``binary_matrix`` turns lists of feature indices into the sparse 0/1 matrix
the NB-SVM estimator reads.
"""
import functools
import re
from typing import FrozenSet, Iterable, List, Sequence, Tuple

import numpy as np
import scipy.sparse as sp

NEGATIONS: FrozenSet[str] = frozenset(
    {"not", "no", "nor", "never", "nothing", "none", "nobody", "nowhere", "neither", "cannot", "without"}
)
NEGATION_MODES = ("keep", "drop", "mark")
STOP_WORD_LISTS = ("english", "none")

_CONTRACTIONS = [
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"n't\b"), " not"),
]
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[!?]")
_CLAUSE_END = re.compile(r"[.,;:!?()\n]")


def english_stop_words() -> FrozenSet[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@functools.lru_cache(maxsize=None)
def _stemmer():
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


@functools.lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    # Reviews repeat a vocabulary of ~100k words millions of times: caching makes stemming free.
    return _stemmer().stem(word)


class NgramAnalyzer:
    """Turns a review into its word n-grams after Textflix's preprocessing.

    # Parameters

    ngram_range : `Tuple[int, int]`, optional (default = `(1, 2)`)
        Smallest and largest n-gram length.
    stop_words : `str`, optional (default = `"english"`)
        `"english"` (scikit-learn's list) or `"none"`.
    negation : `str`, optional (default = `"keep"`)
        What happens to negation words: `"keep"` them although the stop-word list has them,
        `"drop"` them with the other stop words, or `"mark"` the words that follow them.
    stemming : `bool`, optional (default = `True`)
        Reduce words to their Snowball (Porter 2) stems.
    """

    def __init__(
        self,
        ngram_range: Tuple[int, int] = (1, 2),
        stop_words: str = "english",
        negation: str = "keep",
        stemming: bool = True,
    ) -> None:
        low, high = ngram_range
        if not 1 <= low <= high:
            raise ValueError(f"ngram_range must be (low, high) with 1 <= low <= high, got {ngram_range}")
        if stop_words not in STOP_WORD_LISTS:
            raise ValueError(f"stop_words must be one of {STOP_WORD_LISTS}, got {stop_words!r}")
        if negation not in NEGATION_MODES:
            raise ValueError(f"negation must be one of {NEGATION_MODES}, got {negation!r}")
        self.ngram_range = (low, high)
        self.stop_words = stop_words
        self.negation = negation
        self.stemming = stemming
        removed = english_stop_words() if stop_words == "english" else frozenset()
        if negation != "drop":
            removed = removed - NEGATIONS
        self._removed = removed

    def words(self, text: str) -> List[str]:
        """The unigrams left after preprocessing, in order."""
        text = text.lower()
        for pattern, replacement in _CONTRACTIONS:
            text = pattern.sub(replacement, text)
        if self.negation == "mark":
            return self._marked_words(text)
        return [self._normalize(t) for t in _TOKEN.findall(text) if t not in self._removed]

    def _marked_words(self, text: str) -> List[str]:
        words: List[str] = []
        for clause in _CLAUSE_END.split(text):
            negated = False
            for token in _TOKEN.findall(clause):
                if token in NEGATIONS:
                    negated = True
                    continue
                if token in self._removed:
                    continue
                word = self._normalize(token)
                words.append("not_" + word if negated else word)
        return words

    def _normalize(self, token: str) -> str:
        return stem(token) if self.stemming and token[0].isalpha() else token

    def ngrams(self, words: Sequence[str]) -> List[str]:
        low, high = self.ngram_range
        grams: List[str] = []
        for n in range(low, high + 1):
            grams.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
        return grams

    def __call__(self, text: str) -> List[str]:
        return self.ngrams(self.words(text))


def binary_matrix(rows: Iterable[Sequence[int]], n_features: int, dtype=np.float64) -> sp.csr_matrix:
    """A CSR matrix with a 1 at each (row, feature index) given by ``rows`` (lists of indices)."""
    indptr = [0]
    indices = []
    for row in rows:
        unique = np.unique(np.asarray(row, dtype=np.int64))
        indices.append(unique)
        indptr.append(indptr[-1] + len(unique))
    flat = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
    data = np.ones(len(flat), dtype=dtype)
    return sp.csr_matrix((data, flat, np.asarray(indptr)), shape=(len(indptr) - 1, n_features))
