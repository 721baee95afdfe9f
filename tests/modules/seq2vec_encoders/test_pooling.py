import pytest
import torch
from allennlp.common.checks import ConfigurationError

from textflix_lib.modules.seq2vec_encoders.pooling import PoolingEncoder

VECTORS = torch.tensor([[[1.0, -2.0], [3.0, -4.0], [100.0, 100.0]],
                        [[-5.0, 6.0], [0.0, 0.0], [0.0, 0.0]]])
MASK = torch.tensor([[True, True, False], [True, False, False]])


@pytest.mark.parametrize("mode,expected", [
    ("sum", [[4.0, -6.0], [-5.0, 6.0]]),
    ("mean", [[2.0, -3.0], [-5.0, 6.0]]),
    ("max", [[3.0, -2.0], [-5.0, 6.0]]),
    ("first", [[1.0, -2.0], [-5.0, 6.0]]),
    (["mean", "max"], [[2.0, -3.0, 3.0, -2.0], [-5.0, 6.0, -5.0, 6.0]]),
])
def test_pooling_ignores_padding(mode, expected):
    encoder = PoolingEncoder(embedding_dim=2, mode=mode)
    assert encoder.get_output_dim() == len(expected[0])
    assert encoder(VECTORS, MASK).tolist() == expected


def test_all_padding_pools_to_zeros():
    empty = torch.zeros(1, 3, dtype=torch.bool)
    for mode in ("sum", "mean", "max"):
        assert PoolingEncoder(2, mode)(VECTORS[:1], empty).tolist() == [[0.0, 0.0]]


def test_unknown_mode_is_named():
    with pytest.raises(ConfigurationError, match="pooling mode must be one of"):
        PoolingEncoder(2, "median")
