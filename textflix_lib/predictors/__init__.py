from textflix_lib.predictors.sentiment import SentimentPredictor  # noqa: F401
from textflix_lib.predictors.sentence_lime import SentenceLimePredictor  # noqa: F401
from textflix_lib.predictors.word_lime import WordLimePredictor  # noqa: F401
