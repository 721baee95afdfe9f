from typing import List, Tuple

from allennlp.common.checks import ConfigurationError
from allennlp.data import Token, Tokenizer

from textflix_lib.algorithms.text_features import NgramAnalyzer


@Tokenizer.register("sentiment_ngrams")
class SentimentNgramTokenizer(Tokenizer):
    """
    Textflix's NB-SVM preprocessing as an AllenNLP tokenizer: each "token" is one word
    n-gram (`"not good"`) after lowercasing, stop-word removal and Snowball stemming.
    See `textflix_lib.algorithms.text_features.NgramAnalyzer` for the choices.

    Registered as a `Tokenizer` with name "sentiment_ngrams".

    # Parameters

    ngram_range : `Tuple[int, int]`, optional (default = `(1, 2)`)
    stop_words : `str`, optional (default = `"english"`)
        `"english"` or `"none"`.
    negation : `str`, optional (default = `"keep"`)
        `"keep"`, `"drop"` or `"mark"` negation words.
    stemming : `bool`, optional (default = `True`)
    """

    def __init__(
        self,
        ngram_range: Tuple[int, int] = (1, 2),
        stop_words: str = "english",
        negation: str = "keep",
        stemming: bool = True,
    ) -> None:
        try:
            self.analyzer = NgramAnalyzer(tuple(ngram_range), stop_words, negation, stemming)
        except ValueError as error:
            raise ConfigurationError(str(error)) from None

    def tokenize(self, text: str) -> List[Token]:
        return [Token(gram) for gram in self.analyzer(text)]
