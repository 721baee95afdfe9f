from typing import Optional

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.modules.seq2vec_encoders import Seq2VecEncoder

MODES = ("sum", "mean", "max", "first")


@Seq2VecEncoder.register("pooling")
class PoolingEncoder(Seq2VecEncoder):
    """
    Pools a sequence of vectors into one, ignoring padding: `sum` (Textflix's word-vector
    model), `mean`, `max` (the Keras tutorial's global max pooling), `first` (the vector of
    the first token, a transformer's `[CLS]`), or several of them concatenated
    (`mode: ["mean", "max"]`).

    Registered as a `Seq2VecEncoder` with name "pooling".

    # Parameters

    embedding_dim : `int`
        Size of each input vector.
    mode : `str` or `List[str]`, optional (default = `"sum"`)
        One of `"sum"`, `"mean"`, `"max"`, `"first"`, or a list of them.
    """

    def __init__(self, embedding_dim: int, mode="sum") -> None:
        super().__init__()
        modes = [mode] if isinstance(mode, str) else list(mode)
        unknown = [m for m in modes if m not in MODES]
        if not modes or unknown:
            raise ConfigurationError(f"pooling mode must be one of {MODES} (or a list of them), got {mode!r}")
        self._embedding_dim = embedding_dim
        self._modes = modes

    def get_input_dim(self) -> int:
        return self._embedding_dim

    def get_output_dim(self) -> int:
        return self._embedding_dim * len(self._modes)

    def forward(self, tokens: torch.Tensor, mask: Optional[torch.BoolTensor] = None) -> torch.Tensor:
        if mask is None:
            mask = tokens.new_ones(tokens.shape[:-1], dtype=torch.bool)
        keep = mask.unsqueeze(-1)
        pooled = []
        for mode in self._modes:
            if mode == "first":
                pooled.append(tokens[:, 0])
            elif mode == "max":
                # an all-padding row pools to zeros rather than -inf
                filled = tokens.masked_fill(~keep, torch.finfo(tokens.dtype).min)
                pooled.append(filled.max(dim=1).values * keep.any(dim=1))
            else:
                summed = (tokens * keep).sum(dim=1)
                if mode == "mean":
                    summed = summed / keep.sum(dim=1).clamp(min=1)
                pooled.append(summed)
        return torch.cat(pooled, dim=-1)
