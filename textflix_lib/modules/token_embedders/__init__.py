from textflix_lib.modules.token_embedders.glove import GloveEmbedder  # noqa: F401
from textflix_lib.modules.token_embedders.transformer import TransformerEmbedder  # noqa: F401
