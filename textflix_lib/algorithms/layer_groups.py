"""Parameter groups for gradual unfreezing and discriminative fine-tuning, for any depth.

ULMFiT-style schedules (AllenNLP's `slanted_triangular` with `gradual_unfreezing` and
`discriminative_fine_tuning`) need the parameters split into groups ordered from the bottom
of the network (the input embeddings) to the top (the classifier head), every parameter in
some group. Hand-written regexes only fit one depth; here the groups are read off the
parameter names, so the same config serves a 6-layer MiniLM, BERT-base (12) and
BERT-large (24):

    embeddings | layers 0..k-1 | layers k..2k-1 | ... | head (everything else)

Plain Python: no AllenNLP, no torch.
"""
import re
from typing import List, Sequence, Tuple

# "...encoder.layer.11.attention..." (BERT, RoBERTa, ELECTRA, DistilBERT's "transformer.layer"),
# "...layers.3..." (many), "...block.0..." (T5), "...h.5..." (GPT-2)
DEFAULT_LAYER_PATTERN = r"\.(?:layer|layers|block|h)\.(\d+)\."
# "...embeddings.word_embeddings.weight" (BERT family), "wte"/"wpe" (GPT-2), "shared" (T5)
DEFAULT_EMBEDDINGS_PATTERN = r"(?:^|\.)(?:embeddings|wte|wpe|shared)\."


def layer_groups(
    names: Sequence[str],
    layers_per_group: int = 1,
    layer_pattern: str = DEFAULT_LAYER_PATTERN,
    embeddings_pattern: str = DEFAULT_EMBEDDINGS_PATTERN,
) -> List[Tuple[str, List[str]]]:
    """
    Split parameter names into `(group name, names)` pairs ordered bottom to top.

    # Parameters

    names : `Sequence[str]`
        Parameter names as `model.named_parameters()` gives them.
    layers_per_group : `int`, optional (default = `1`)
        Consecutive encoder layers that share a group. One group per layer makes gradual
        unfreezing take (layers + 1) epochs before everything trains; BERT-large's 24 layers
        in groups of 4 take 7.
    layer_pattern : `str`, optional
        Regex whose first group is the layer number.
    embeddings_pattern : `str`, optional
        Regex for the input-embedding parameters (the bottom group). A name that matches
        neither pattern belongs to the head (the top group): poolers, feed-forward and
        classification layers, scalar mixes.
    """
    if layers_per_group < 1:
        raise ValueError(f"layers_per_group must be at least 1, got {layers_per_group}")
    layer_regex = re.compile(layer_pattern)
    embeddings_regex = re.compile(embeddings_pattern)
    embeddings: List[str] = []
    head: List[str] = []
    by_layer = {}
    for name in names:
        match = layer_regex.search(name)
        if match:
            by_layer.setdefault(int(match.group(1)), []).append(name)
        elif embeddings_regex.search(name):
            embeddings.append(name)
        else:
            head.append(name)
    if not by_layer:
        raise ValueError(
            f"no parameter name matches the layer pattern {layer_pattern!r}, so there are no layers to "
            f"group (names look like {list(names)[:3]}); is the encoder frozen or not a transformer?"
        )
    layers = sorted(by_layer)
    groups: List[Tuple[str, List[str]]] = [("embeddings", embeddings)] if embeddings else []
    for start in range(0, len(layers), layers_per_group):
        chunk = layers[start : start + layers_per_group]
        label = f"layer {chunk[0]}" if len(chunk) == 1 else f"layers {chunk[0]}-{chunk[-1]}"
        groups.append((label, [name for layer in chunk for name in by_layer[layer]]))
    if head:
        groups.append(("head", head))
    return groups

