from typing import Dict, List

from allennlp.common.checks import ConfigurationError
from allennlp.data import Token, Vocabulary
from allennlp.data.token_indexers import TokenIndexer
from allennlp.data.token_indexers.token_indexer import IndexedTokenList

from textflix_lib.resources import glove_index, glove_words

PADDING_ID = 0
OOV_ID = 1
FIRST_WORD_ID = 2  # GloVe row r gets id r + 2


@TokenIndexer.register("glove")
class GloveIndexer(TokenIndexer):
    """
    Indexes words by their row in the packaged GloVe 6B vectors (400,000 lowercase words),
    not by a vocabulary built from the training data. A word that the few training reviews
    never contained still gets its pretrained vector at test time, which is the point of
    transfer learning with few labels. Pair it with the `glove` token embedder.

    Ids: 0 is padding, 1 is any word GloVe lacks (out of vocabulary), 2 + r is GloVe row r.
    Words are lowercased (GloVe 6B is lowercase). Like AllenNLP's `pretrained_transformer`
    indexer, it copies its word list into the vocabulary `namespace` when it first indexes
    (not at vocabulary creation, so archives stay small), which lets models turn ids back
    into words; give the model the same namespace (`basic_classifier`'s `namespace`).

    Registered as a `TokenIndexer` with name "glove".

    # Parameters

    namespace : `str`, optional (default = `"glove"`)
    token_min_padding_length : `int`, optional (default = `0`)
        See `TokenIndexer`; a CNN needs at least its widest filter.
    """

    def __init__(self, namespace: str = "glove", token_min_padding_length: int = 0) -> None:
        super().__init__(token_min_padding_length)
        self._namespace = namespace

    def count_vocab_items(self, token: Token, counter: Dict[str, Dict[str, int]]) -> None:
        pass  # the ids come from GloVe, not from counting the training data

    def _add_glove_to_vocabulary_if_needed(self, vocabulary: Vocabulary) -> None:
        words = glove_words()
        size = vocabulary.get_vocab_size(self._namespace)
        if size == FIRST_WORD_ID + len(words):
            return
        if size != FIRST_WORD_ID or vocabulary._padding_token not in vocabulary._token_to_index[self._namespace]:
            raise ConfigurationError(
                f"the glove indexer needs the vocabulary namespace '{self._namespace}' to itself (padded, "
                f"empty), but it holds {size} tokens"
            )
        token_to_index = vocabulary._token_to_index[self._namespace]
        index_to_token = vocabulary._index_to_token[self._namespace]
        for row, word in enumerate(words, start=FIRST_WORD_ID):
            token_to_index[word] = row
            index_to_token[row] = word

    def tokens_to_indices(self, tokens: List[Token], vocabulary: Vocabulary) -> IndexedTokenList:
        self._add_glove_to_vocabulary_if_needed(vocabulary)
        index = glove_index()
        words = (t.text.lower() for t in tokens)
        return {"tokens": [FIRST_WORD_ID + index[w] if w in index else OOV_ID for w in words]}

    def get_empty_token_list(self) -> IndexedTokenList:
        return {"tokens": []}
