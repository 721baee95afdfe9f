"""The AllenNLP side of `textflix_lib.resources` for transformers: one place that turns a
`model_name` into the path `transformers` loads, with AllenNLP's `ConfigurationError` for a
bad name. Used by the `transformer` indexer and embedder, the `head_tail` tokenizer and the
`transformer_pooler`."""
from typing import Optional

from allennlp.common.checks import ConfigurationError

from textflix_lib.resources import resolve_transformer


def transformer_path(model_name: str, context: Optional[str] = None) -> str:
    """The directory (or hub name) to load for `model_name`: a packaged model's short name
    (`"minilm"`) becomes its installed directory; other names pass through unchanged.

    A name that cannot be used (empty, or a packaged model that is not installed) is a
    `ConfigurationError`, its message prefixed with `"<context>: "` when a context is given."""
    try:
        return resolve_transformer(model_name)
    except ValueError as error:
        raise ConfigurationError(str(error) if context is None else f"{context}: {error}") from None
