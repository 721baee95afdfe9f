from textflix_lib.token_indexers.transformer import TransformerIndexer  # noqa: F401
from textflix_lib.token_indexers.glove import GloveIndexer  # noqa: F401
