import pytest

from textflix_lib.algorithms.layer_groups import layer_groups

PREFIX = "_text_field_embedder.token_embedder_tokens.transformer_model."


def bert_names(layers):
    names = [PREFIX + "embeddings.word_embeddings.weight", PREFIX + "embeddings.LayerNorm.bias"]
    for layer in range(layers):
        names += [PREFIX + f"encoder.layer.{layer}.attention.self.query.weight",
                  PREFIX + f"encoder.layer.{layer}.output.dense.bias"]
    return names + [PREFIX + "pooler.dense.weight", "_classification_layer.weight", "_classification_layer.bias"]


@pytest.mark.parametrize("layers", [6, 12, 24])
def test_one_group_per_layer_bottom_to_top(layers):
    names = bert_names(layers)
    groups = layer_groups(names)
    assert [g for g, _ in groups] == ["embeddings"] + [f"layer {i}" for i in range(layers)] + ["head"]
    # every parameter in exactly one group
    grouped = [n for _, members in groups for n in members]
    assert sorted(grouped) == sorted(names)
    assert groups[0][1] == names[:2]
    assert "_classification_layer.weight" in groups[-1][1]
    assert all(f"layer.{i}." in n for i, (_, members) in enumerate(groups[1:-1]) for n in members)


def test_layers_share_groups():
    groups = layer_groups(bert_names(24), layers_per_group=4)
    assert [g for g, _ in groups] == ["embeddings"] + [f"layers {i}-{i + 3}" for i in range(0, 24, 4)] + ["head"]
    # layer 10 is not mistaken for layer 1
    assert all(".layer.1." not in n for n in groups[3][1])
    assert any(".layer.10." in n for n in groups[3][1])
    # an uneven split leaves the remainder at the top
    assert [g for g, _ in layer_groups(bert_names(6), layers_per_group=4)][1:3] == ["layers 0-3", "layers 4-5"]


def test_other_architectures_by_name():
    names = ["transformer.wte.weight", "transformer.h.0.attn.c_attn.weight", "transformer.h.1.mlp.c_fc.weight",
             "transformer.ln_f.weight", "classifier.weight"]
    assert [g for g, _ in layer_groups(names)] == ["embeddings", "layer 0", "layer 1", "head"]


def test_no_layers_is_an_error():
    with pytest.raises(ValueError, match="no parameter name matches"):
        layer_groups(["_classification_layer.weight", "_feedforward.weight"])
    with pytest.raises(ValueError, match="layers_per_group"):
        layer_groups(bert_names(2), layers_per_group=0)
