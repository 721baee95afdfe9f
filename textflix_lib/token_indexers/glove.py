from typing import Dict, List

from allennlp.data import Token, Vocabulary
from allennlp.data.token_indexers import TokenIndexer
from allennlp.data.token_indexers.token_indexer import IndexedTokenList

from textflix_lib.algorithms.packaged_models import glove_index

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
    Words are lowercased (GloVe 6B is lowercase).

    Registered as a `TokenIndexer` with name "glove".

    # Parameters

    token_min_padding_length : `int`, optional (default = `0`)
        See `TokenIndexer`; a CNN needs at least its widest filter.
    """

    def __init__(self, token_min_padding_length: int = 0) -> None:
        super().__init__(token_min_padding_length)

    def count_vocab_items(self, token: Token, counter: Dict[str, Dict[str, int]]) -> None:
        pass  # the ids come from GloVe, not from the vocabulary

    def tokens_to_indices(self, tokens: List[Token], vocabulary: Vocabulary) -> IndexedTokenList:
        index = glove_index()
        words = (t.text.lower() for t in tokens)
        return {"tokens": [FIRST_WORD_ID + index[w] if w in index else OOV_ID for w in words]}

    def get_empty_token_list(self) -> IndexedTokenList:
        return {"tokens": []}
