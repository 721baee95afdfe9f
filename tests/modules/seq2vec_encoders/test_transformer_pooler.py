"""The `transformer_pooler` encoder: the `pooling` encoder sized from a transformer's config,
on the outputs of a real (tiny, local) BERT, and on the packaged MiniLM's config."""
import pytest
import torch
from allennlp.common import Params
from allennlp.modules.seq2vec_encoders import Seq2VecEncoder

from textflix_lib.modules.seq2vec_encoders.transformer_pooler import TransformerPooler
from textflix_lib.modules.token_embedders.transformer import TransformerEmbedder
from helpers import transformer_tensors


def test_transformer_pooler_reads_the_width_from_the_model():
    assert TransformerPooler("minilm", mode=["mean", "first"]).get_output_dim() == 2 * 384


def test_pools_a_transformers_outputs(tiny_bert, few_reviews):
    pooler = Seq2VecEncoder.from_params(Params({"type": "transformer_pooler", "model_name": str(tiny_bert),
                                                "mode": ["mean", "first"]}))
    assert isinstance(pooler, TransformerPooler)
    assert (pooler.get_input_dim(), pooler.get_output_dim()) == (32, 64)
    texts = [r.text for r in few_reviews[:3]] + ["Great film."]  # the last one is mostly padding
    tensors = transformer_tensors(str(tiny_bert), texts)
    embedder = TransformerEmbedder(str(tiny_bert)).eval()
    with torch.no_grad():
        vectors = embedder(**tensors)
    mask = tensors["mask"]
    pooled = pooler(vectors, mask)
    assert pooled.shape == (4, 64)
    for row in range(4):
        kept = vectors[row][mask[row]]
        assert torch.allclose(pooled[row, :32], kept.mean(dim=0), atol=1e-6)
        assert torch.equal(pooled[row, 32:], vectors[row, 0])  # [CLS]
    assert mask[3].sum() < mask.shape[1]


def test_a_directory_without_a_model_is_a_configuration_error(tmp_path):
    from allennlp.common.checks import ConfigurationError

    with pytest.raises(ConfigurationError, match="cannot read the config"):
        TransformerPooler(str(tmp_path))
