from allennlp.modules.token_embedders import PretrainedTransformerEmbedder, TokenEmbedder

from textflix_lib.modules.transformers_util import transformer_path


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
        path = transformer_path(model_name)
        super().__init__(path, **kwargs)
