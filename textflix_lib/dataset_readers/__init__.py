from textflix_lib.dataset_readers.imdb import ImdbReader  # noqa: F401
