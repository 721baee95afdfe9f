"""The `transformer` token embedder: AllenNLP's `pretrained_transformer` with packaged short
names (a tiny BERT built from a local config and vocabulary, and the packaged MiniLM)."""
import torch
from allennlp.common import Params
from allennlp.modules.token_embedders import PretrainedTransformerEmbedder, TokenEmbedder

from textflix_lib.modules.token_embedders.transformer import TransformerEmbedder
from textflix_lib.modules.transformers_util import transformer_path
from helpers import transformer_tensors


def test_embeds_reviews_as_the_pretrained_transformer_does(tiny_bert, few_reviews):
    embedder = TokenEmbedder.from_params(Params({"type": "transformer", "model_name": str(tiny_bert)}))
    assert isinstance(embedder, TransformerEmbedder) and embedder.get_output_dim() == 32
    tensors = transformer_tensors(str(tiny_bert), [r.text for r in few_reviews[:4]])
    reference = PretrainedTransformerEmbedder(str(tiny_bert))
    embedder.eval(), reference.eval()
    with torch.no_grad():
        vectors = embedder(**tensors)
        expected = reference(**tensors)
    assert vectors.shape == (4, tensors["token_ids"].shape[1], 32)
    assert torch.equal(vectors, expected)


def test_keyword_arguments_reach_the_pretrained_embedder(tiny_bert):
    frozen = TransformerEmbedder(str(tiny_bert), train_parameters=False)
    assert not any(p.requires_grad for p in frozen.parameters())
    assert all(p.requires_grad for p in TransformerEmbedder(str(tiny_bert)).parameters())


def test_packaged_short_name_loads_the_installed_minilm():
    embedder = TransformerEmbedder("minilm")
    assert embedder.get_output_dim() == 384
    assert embedder.transformer_model.config.name_or_path == str(transformer_path("minilm"))
    assert embedder.transformer_model.config.num_hidden_layers == 6
