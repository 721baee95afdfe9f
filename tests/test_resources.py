import os

import numpy as np
import pytest

from textflix_lib.resources import glove_index, glove_vectors, glove_words, resolve_transformer


@pytest.mark.parametrize("name", ["minilm", "MiniLM", "sentence-transformers/all-MiniLM-L6-v2"])
def test_packaged_minilm_resolves_to_a_local_model(name):
    path = resolve_transformer(name)
    assert os.path.isfile(os.path.join(path, "config.json"))
    assert os.path.isfile(os.path.join(path, "vocab.txt"))


def test_other_names_pass_through(tmp_path):
    assert resolve_transformer("bert-base-uncased") == "bert-base-uncased"
    assert resolve_transformer(str(tmp_path)) == str(tmp_path)
    assert resolve_transformer("sentence-transformers/all-mpnet-base-v2") == "sentence-transformers/all-mpnet-base-v2"
    with pytest.raises(ValueError, match="model_name"):
        resolve_transformer("")


@pytest.mark.parametrize("name", ["runs/encoders/no-such-encoder", "./no-such-encoder", "/no/such/encoder"])
def test_a_missing_local_directory_is_named(name):
    with pytest.raises(ValueError, match=f"{name!r} names a local directory, which does not exist"):
        resolve_transformer(name)


def test_a_missing_optional_encoder_says_how_to_get_it(tmp_path):
    with pytest.raises(ValueError, match="make mpnet"):
        resolve_transformer(str(tmp_path / "runs" / "encoders" / "all-mpnet-base-v2"))


def test_glove_index_and_vectors_agree():
    words, index, vectors = glove_words(), glove_index(), glove_vectors()
    assert len(words) == len(index) == vectors.shape[0] == 400_000
    assert vectors.shape[1] == 50 and vectors.dtype == np.float32
    assert words[index["movie"]] == "movie"
    # GloVe 6B is lowercase and ordered by frequency
    assert "Movie" not in index and index["the"] == 0
    # similar words lie closer than unrelated ones
    unit = lambda w: vectors[index[w]] / np.linalg.norm(vectors[index[w]])  # noqa: E731
    assert unit("excellent") @ unit("superb") > unit("excellent") @ unit("carburetor")
