from allennlp.data import Token, Vocabulary

from textflix_lib.resources import glove_index
from textflix_lib.token_indexers.glove import FIRST_WORD_ID, OOV_ID, GloveIndexer


def test_ids_are_glove_rows_whatever_the_vocabulary():
    tokens = [Token(w) for w in ["The", "movie", "was", "superb", "qwzxqwzx"]]
    ids = GloveIndexer().tokens_to_indices(tokens, Vocabulary())["tokens"]
    index = glove_index()
    assert ids[:4] == [FIRST_WORD_ID + index[w] for w in ["the", "movie", "was", "superb"]]
    assert ids[4] == OOV_ID


def test_padding_is_zero():
    indexer = GloveIndexer(token_min_padding_length=5)
    indexed = indexer.tokens_to_indices([Token("good")], Vocabulary())
    padded = indexer.as_padded_tensor_dict(indexed, indexer.get_padding_lengths(indexed))
    assert padded["tokens"].tolist() == [FIRST_WORD_ID + glove_index()["good"], 0, 0, 0, 0]


def test_the_vocabulary_namespace_turns_ids_back_into_words():
    vocabulary = Vocabulary()
    ids = GloveIndexer().tokens_to_indices([Token("Superb"), Token("qwzxqwzx")], vocabulary)["tokens"]
    assert [vocabulary.get_token_from_index(i, "glove") for i in ids] == ["superb", "@@UNKNOWN@@"]
    assert vocabulary.get_vocab_size("glove") == FIRST_WORD_ID + len(glove_index())
