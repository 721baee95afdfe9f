from allennlp.data.token_indexers import PretrainedTransformerIndexer, TokenIndexer

from textflix_lib.modules.transformers_util import transformer_path


@TokenIndexer.register("transformer")
class TransformerIndexer(PretrainedTransformerIndexer):
    """
    AllenNLP's `pretrained_transformer` indexer, whose `model_name` may also be a packaged
    model's short name (`"minilm"`): configs and archives then name no machine-specific path.

    Registered as a `TokenIndexer` with name "transformer".

    # Parameters

    model_name : `str`
        A Hugging Face name, a local directory, or `"minilm"`.
    **kwargs
        As for `pretrained_transformer` (`namespace`, `max_length`, `tokenizer_kwargs`, ...).
    """

    def __init__(self, model_name: str, **kwargs) -> None:
        path = transformer_path(model_name)
        super().__init__(path, **kwargs)
