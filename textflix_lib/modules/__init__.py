from textflix_lib.modules import seq2vec_encoders, token_embedders  # noqa: F401
