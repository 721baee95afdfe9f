from textflix_lib.dataset_readers.imdb import ImdbReader  # noqa: F401
from textflix_lib.dataset_readers.imdb_pool import ImdbPoolReader  # noqa: F401
