from allennlp.common.checks import ConfigurationError
from allennlp.modules.seq2vec_encoders import Seq2VecEncoder

from textflix_lib.modules.seq2vec_encoders.pooling import PoolingEncoder
from textflix_lib.modules.transformers_util import transformer_path


@Seq2VecEncoder.register("transformer_pooler")
class TransformerPooler(PoolingEncoder):
    """
    The `pooling` encoder sized for a pretrained transformer: its width is read from the
    transformer's config, so a config that switches `model_name` changes nothing else.

    Registered as a `Seq2VecEncoder` with name "transformer_pooler".

    # Parameters

    model_name : `str`
        The transformer whose output is pooled: a Hugging Face name, a local directory, or
        `"minilm"`.
    mode : `str` or `List[str]`, optional (default = `"mean"`)
        `"first"` (the `[CLS]` vector), `"mean"` (what sentence-transformers models such as
        MiniLM were trained with), `"max"`, or a list of them.
    """

    def __init__(self, model_name: str, mode="mean") -> None:
        from transformers import AutoConfig

        problem = f"transformer_pooler: cannot read the config of {model_name!r}"
        path = transformer_path(model_name, problem)
        try:
            config = AutoConfig.from_pretrained(path)
        except (OSError, ValueError) as error:
            raise ConfigurationError(f"{problem}: {error}") from None
        super().__init__(config.hidden_size, mode)
