"""transformer_path: the one place where a registered component turns a `model_name` into a
path, and a bad name into a ConfigurationError."""
import os

import pytest
from allennlp.common.checks import ConfigurationError

from textflix_lib.modules.seq2vec_encoders.transformer_pooler import TransformerPooler
from textflix_lib.modules.token_embedders.transformer import TransformerEmbedder
from textflix_lib.modules.transformers_util import transformer_path
from textflix_lib.token_indexers.transformer import TransformerIndexer
from textflix_lib.tokenizers.head_tail import HeadTailTokenizer


def test_packaged_names_resolve_and_others_pass_through(tmp_path):
    assert os.path.isfile(os.path.join(transformer_path("minilm"), "config.json"))
    assert transformer_path("bert-base-uncased") == "bert-base-uncased"
    assert transformer_path(str(tmp_path)) == str(tmp_path)


def test_a_bad_name_is_a_configuration_error_with_its_context():
    with pytest.raises(ConfigurationError, match="^model_name must be"):
        transformer_path("  ")
    with pytest.raises(ConfigurationError, match="^my_component: model_name must be"):
        transformer_path("", "my_component")


@pytest.mark.parametrize("component", [TransformerEmbedder, TransformerIndexer, HeadTailTokenizer])
def test_every_transformer_component_refuses_an_empty_name(component):
    with pytest.raises(ConfigurationError, match="^model_name must be a Hugging Face name"):
        component(model_name="")


def test_the_pooler_says_which_config_it_could_not_read(tmp_path):
    with pytest.raises(ConfigurationError, match="^transformer_pooler: cannot read the config of '': model_name"):
        TransformerPooler(model_name="")
    with pytest.raises(ConfigurationError, match="^transformer_pooler: cannot read the config of '.*empty'"):
        TransformerPooler(model_name=str(tmp_path / "empty"))
