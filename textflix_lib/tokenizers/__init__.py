from textflix_lib.tokenizers.sentiment_ngrams import SentimentNgramTokenizer  # noqa: F401
