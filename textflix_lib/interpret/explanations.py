"""Explaining a file of reviews, resumably: the library side of `allennlp sp-lime` (and of
anything else that explains many reviews with a `sentence_lime`/`word_lime` predictor).

Each explanation is stored in a `ResultsCache` as soon as it is done, keyed by the input line
and a digest of its text, so an interrupted run resumes where it stopped and a changed line
is explained again.
"""
from typing import Any, Dict, Iterator, List, Tuple

from allennlp.common import Tqdm
from allennlp.common.checks import ConfigurationError

from textflix_lib.algorithms.lime import ExplainedReview
from textflix_lib.data.errors import DataFormatError
from textflix_lib.data.formats import read_json_objects
from textflix_lib.data.imdb import content_hash
from textflix_lib.data.results_cache import ResultsCache
from textflix_lib.predictors.base import text_of, review_text


def _cache_key(record: Dict[str, Any]) -> str:
    return f"{record['_line']}:{record['_digest']}"


def read_explanations(path: str) -> Iterator[Tuple[int, ExplainedReview]]:
    """(line number, explanation) for each line of a file of explanations (the output of
    `allennlp predict --predictor sentence_lime`); a line that is not one names itself."""
    for number, record in read_json_objects(path):
        try:
            yield number, ExplainedReview.from_json(record)
        except ValueError as error:
            raise DataFormatError(path, f"{error}; expected a sentence_lime output "
                                  "(allennlp predict ... --predictor sentence_lime)", number) from None


def explain_file(predictor, input_file: str, cache_file: str) -> List[ExplainedReview]:
    """Explanations of every review of `input_file` (JSON lines) by `predictor` (a
    `SentenceLimePredictor`), reusing those already in `cache_file`."""
    reviews = []
    for number, record in read_json_objects(input_file):
        try:
            text = text_of(record)
            review_text(record)
        except ConfigurationError as error:
            raise DataFormatError(input_file, str(error), number) from error
        reviews.append((number, content_hash(text), record))
    explanations = []
    with ResultsCache(cache_file, _cache_key) as cache:
        for number, digest, record in Tqdm.tqdm(reviews, desc="explaining"):
            stored = cache.get(f"{number}:{digest}")
            if stored is None:
                explained = predictor.explain_json(record)
                stored = cache.add({**explained.to_json(), "_line": number, "_digest": digest})
            explanations.append(ExplainedReview.from_json(stored))
    return explanations
