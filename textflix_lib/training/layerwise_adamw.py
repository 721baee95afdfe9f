import logging
import re
from typing import List, Tuple

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.training.optimizers import AdamWOptimizer, Optimizer

from textflix_lib.algorithms.layer_groups import DEFAULT_EMBEDDINGS_PATTERN, DEFAULT_LAYER_PATTERN, layer_groups

logger = logging.getLogger(__name__)


@Optimizer.register("layerwise_adamw")
class LayerwiseAdamW(AdamWOptimizer):
    """
    AdamW whose parameter groups are the model's layers, bottom to top: the transformer's
    embeddings, its encoder layers (`layers_per_group` at a time), then the head (pooler,
    feed-forward, classification layer). Every parameter lands in a group and the default
    group stays empty, which is what `slanted_triangular` needs for `gradual_unfreezing`
    and `discriminative_fine_tuning`. The groups are read off the parameter names
    (`textflix_lib.algorithms.layer_groups`), so one config fits any encoder depth.

    Registered as an `Optimizer` with name "layerwise_adamw".

    # Parameters

    model_parameters : `List[Tuple[str, torch.nn.Parameter]]`
        Given by the trainer; no config entry.
    layers_per_group : `int`, optional (default = `1`)
        Encoder layers per group. Gradual unfreezing opens one group per epoch, so a 24-layer
        model in 20 epochs needs several layers a group.
    lr : `float`, optional (default = `2e-5`)
        The head's learning rate; with `discriminative_fine_tuning` each group below gets
        the scheduler's `decay_factor` times the rate of the group above.
    betas : `Tuple[float, float]`, optional (default = `(0.9, 0.999)`)
    eps : `float`, optional (default = `1e-8`)
    weight_decay : `float`, optional (default = `0.01`)
    layer_pattern : `str`, optional
        Regex whose first group is the layer number (default: BERT/RoBERTa/T5/GPT-2 names).
    embeddings_pattern : `str`, optional
        Regex for the input-embedding parameters.
    """

    def __init__(
        self,
        model_parameters: List[Tuple[str, torch.nn.Parameter]],
        layers_per_group: int = 1,
        lr: float = 2e-5,
        betas: Tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
        layer_pattern: str = DEFAULT_LAYER_PATTERN,
        embeddings_pattern: str = DEFAULT_EMBEDDINGS_PATTERN,
    ) -> None:
        names = [name for name, _ in model_parameters]
        try:
            groups = layer_groups(names, layers_per_group, layer_pattern, embeddings_pattern)
        except ValueError as error:
            raise ConfigurationError(f"layerwise_adamw: {error}") from None
        if len(groups) < 2:
            raise ConfigurationError(f"layerwise_adamw needs at least two groups, found {[g for g, _ in groups]}")
        logger.info("Parameter groups, bottom to top: %s", ", ".join(f"{g} ({len(n)})" for g, n in groups))
        # one anchored alternation per group: each parameter matches exactly its own group
        parameter_groups = [
            (["^(?:" + "|".join(re.escape(name) for name in group) + ")$"], {}) for _, group in groups
        ]
        super().__init__(
            model_parameters=model_parameters,
            parameter_groups=parameter_groups,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
        )
        self.group_names = [name for name, _ in groups]
