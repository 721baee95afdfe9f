from textflix_lib.tokenizers.sentiment_ngrams import SentimentNgramTokenizer  # noqa: F401
from textflix_lib.tokenizers.head_tail import HeadTailTokenizer  # noqa: F401
