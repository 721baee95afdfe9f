from allennlp.common.checks import ConfigurationError
from allennlp.modules.token_embedders import PretrainedTransformerEmbedder, TokenEmbedder

from textflix_lib.algorithms.packaged_models import resolve_transformer


@TokenEmbedder.register("transformer")
class TransformerEmbedder(PretrainedTransformerEmbedder):
    """
    AllenNLP's `pretrained_transformer` embedder, whose `model_name` may also be a packaged
    model's short name (`"minilm"`), so that a `model.tar.gz` trained here loads on any
    machine with the same packages installed.

    Registered as a `TokenEmbedder` with name "transformer".

    # Parameters

    model_name : `str`
        A Hugging Face name, a local directory, or `"minilm"`.
    **kwargs
        As for `pretrained_transformer` (`train_parameters`, `last_layer_only`,
        `gradient_checkpointing`, ...).
    """

    def __init__(self, model_name: str, **kwargs) -> None:
        try:
            path = resolve_transformer(model_name)
        except ValueError as error:
            raise ConfigurationError(str(error)) from None
        super().__init__(path, **kwargs)
