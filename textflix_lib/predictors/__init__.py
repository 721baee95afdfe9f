from textflix_lib.predictors.sentiment import SentimentPredictor  # noqa: F401
