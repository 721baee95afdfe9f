import numpy as np
import torch
from allennlp.data import Token, Vocabulary

from textflix_lib.resources import glove_index, glove_vectors
from textflix_lib.modules.token_embedders.glove import GloveEmbedder
from textflix_lib.token_indexers.glove import GloveIndexer


def embed(embedder, words):
    ids = GloveIndexer().tokens_to_indices([Token(w) for w in words], Vocabulary())["tokens"]
    return embedder(torch.tensor([ids + [0]]))[0]  # one padding position at the end


def test_known_words_get_their_glove_vectors_and_oov_gets_zeros():
    embedder = GloveEmbedder()
    vectors, index = glove_vectors(), glove_index()
    out = embed(embedder, ["Brilliant", "film", "qwzxqwzx"])
    assert embedder.get_output_dim() == 50
    np.testing.assert_array_equal(out[0].numpy(), vectors[index["brilliant"]])
    np.testing.assert_array_equal(out[1].numpy(), vectors[index["film"]])
    assert not out[2].any() and not out[3].any()  # out of vocabulary, padding


def test_frozen_vectors_stay_out_of_the_archive():
    embedder = GloveEmbedder(trainable=False)
    assert list(embedder.parameters()) == []
    assert "weight" not in embedder.state_dict()


def test_trainable_vectors_learn_and_are_saved():
    embedder = GloveEmbedder(trainable=True)
    assert embedder.weight.requires_grad and "weight" in embedder.state_dict()
    embed(embedder, ["good", "qwzxqwzx"]).sum().backward()
    rows = embedder.weight.grad.abs().sum(dim=1).nonzero().flatten().tolist()
    assert rows == [1, 2 + glove_index()["good"]]  # the OOV row learns too; padding does not


def test_sparse_gradients_hold_only_the_batch_rows_and_match_the_dense_ones():
    dense, sparse = GloveEmbedder(trainable=True), GloveEmbedder(trainable=True, sparse=True)
    words = ["good", "film", "qwzxqwzx", "good"]
    for embedder in (dense, sparse):
        (embed(embedder, words) * torch.arange(50.0)).sum().backward()
    assert sparse.weight.grad.is_sparse and not dense.weight.grad.is_sparse
    assert sparse.weight.grad.coalesce().indices().unique().numel() == 3  # good, film, OOV
    torch.testing.assert_close(sparse.weight.grad.to_dense(), dense.weight.grad)


def test_sparse_is_ignored_for_frozen_vectors():
    embedder = GloveEmbedder(trainable=False, sparse=True)
    assert not embedder.sparse and list(embedder.parameters()) == []
    np.testing.assert_array_equal(embed(embedder, ["film"])[0].numpy(), glove_vectors()[glove_index()["film"]])
