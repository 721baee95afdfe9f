from textflix_lib.modules.seq2vec_encoders.pooling import PoolingEncoder  # noqa: F401
from textflix_lib.modules.seq2vec_encoders.transformer_pooler import TransformerPooler  # noqa: F401
