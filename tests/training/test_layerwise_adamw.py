import pytest
import torch
from allennlp.common.checks import ConfigurationError
from transformers import BertConfig, BertModel

from textflix_lib.training.layerwise_adamw import LayerwiseAdamW


def named_parameters(layers):
    config = BertConfig(vocab_size=30, hidden_size=8, num_hidden_layers=layers, num_attention_heads=2,
                        intermediate_size=8, max_position_embeddings=16)
    model = torch.nn.ModuleDict({"encoder": BertModel(config), "_classification_layer": torch.nn.Linear(8, 2)})
    return list(model.named_parameters())


@pytest.mark.parametrize("layers,per_group,expected", [
    (2, 1, ["embeddings", "layer 0", "layer 1", "head"]),
    (4, 2, ["embeddings", "layers 0-1", "layers 2-3", "head"]),
])
def test_every_parameter_in_a_layer_group_default_group_empty(layers, per_group, expected):
    parameters = named_parameters(layers)
    optimizer = LayerwiseAdamW(parameters, layers_per_group=per_group, lr=1e-3)
    assert optimizer.group_names == expected
    assert len(optimizer.param_groups) == len(expected) + 1 and optimizer.param_groups[-1]["params"] == []
    grouped = [id(p) for group in optimizer.param_groups for p in group["params"]]
    assert sorted(grouped) == sorted(id(p) for _, p in parameters)
    by_name = dict(parameters)
    head = {id(p) for p in optimizer.param_groups[-2]["params"]}
    assert {id(by_name["_classification_layer.weight"]), id(by_name["_classification_layer.bias"])} <= head
    assert id(by_name["encoder.embeddings.word_embeddings.weight"]) in {id(p) for p in optimizer.param_groups[0]["params"]}


def test_a_model_without_layers_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="layerwise_adamw: no parameter name matches"):
        LayerwiseAdamW(list(torch.nn.Linear(3, 2).named_parameters()))
