from typing import Any, Dict, List, Optional, Sequence

from allennlp.common.checks import ConfigurationError
from allennlp.data import Token, Tokenizer
from allennlp.data.tokenizers import PretrainedTransformerTokenizer

from textflix_lib.modules.transformers_util import transformer_path


@Tokenizer.register("head_tail")
class HeadTailTokenizer(PretrainedTransformerTokenizer):
    """
    Word pieces of a pretrained transformer, truncated to the start and the end of the text.

    A review longer than `head_tokens + tail_tokens` word pieces keeps its first
    `head_tokens` and its last `tail_tokens` (Sun et al. 2019, "How to Fine-Tune BERT for Text
    Classification?", found 128 + 382 best on IMDB: reviews often close with the verdict).
    `tail_tokens: 0` is plain truncation. The special tokens (`[CLS]`, `[SEP]`) are added
    after truncating, so a sequence has at most `head_tokens + tail_tokens + 2` pieces.

    Registered as a `Tokenizer` with name "head_tail".

    # Parameters

    model_name : `str`
        A Hugging Face name (`bert-base-uncased`), a local directory, or `"minilm"` for the
        packaged all-MiniLM-L6-v2 (see `textflix_lib.resources`).
    head_tokens : `int`, optional (default = `128`)
    tail_tokens : `int`, optional (default = `382`)
    tokenizer_kwargs : `Dict[str, Any]`, optional (default = `None`)
        Passed to `AutoTokenizer.from_pretrained`.
    """

    def __init__(
        self,
        model_name: str,
        head_tokens: int = 128,
        tail_tokens: int = 382,
        tokenizer_kwargs: Optional[Dict[str, Any]] = None,
    ) -> None:
        if head_tokens < 0 or tail_tokens < 0 or head_tokens + tail_tokens < 1:
            raise ConfigurationError(
                f"head_tokens and tail_tokens must be 0 or more and keep at least one word piece, "
                f"got {head_tokens} and {tail_tokens}"
            )
        path = transformer_path(model_name)
        # Long reviews are cut below, so the tokenizer's own length warning would be noise.
        kwargs = {"model_max_length": 1_000_000, **(tokenizer_kwargs or {})}
        super().__init__(path, add_special_tokens=False, tokenizer_kwargs=kwargs)
        self._name = model_name
        self._user_tokenizer_kwargs = tokenizer_kwargs
        self.head_tokens = head_tokens
        self.tail_tokens = tail_tokens

    def tokenize(self, text: str) -> List[Token]:
        return self.add_special_tokens(_cut(super().tokenize(text), self.head_tokens, self.tail_tokens))

    def window_pieces(self, text: str, windows: Sequence[Sequence[int]]) -> List[List[Token]]:
        """
        The text's word pieces (no special tokens) through this tokenizer's window, then through
        each of `windows` (`[head_tokens, tail_tokens]`, e.g. `[254, 0]` for the first 254), one
        list per window, repeats included. The text is split into word pieces once.
        """
        pieces = super().tokenize(text)
        return [_cut(pieces, int(head), int(tail)) for head, tail in [(self.head_tokens, self.tail_tokens), *windows]]

    def tokenize_windows(self, text: str, windows: Sequence[Sequence[int]]) -> List[List[Token]]:
        """
        The text through this tokenizer's window, then through each of `windows`, leaving out a
        window that reads the same word pieces as one before it (every window of a review
        shorter than them all reads the whole review: one sequence); special tokens added.
        """
        sequences: List[List[Token]] = []
        seen: List[List[str]] = []
        for cut in self.window_pieces(text, windows):
            key = [token.text for token in cut]
            if key not in seen:
                seen.append(key)
                sequences.append(self.add_special_tokens(cut))
        return sequences

    def _to_params(self) -> Dict[str, Any]:
        return {
            "type": "head_tail",
            "model_name": self._name,
            "head_tokens": self.head_tokens,
            "tail_tokens": self.tail_tokens,
            "tokenizer_kwargs": self._user_tokenizer_kwargs,
        }


def _cut(pieces: List[Token], head: int, tail: int) -> List[Token]:
    """The first `head` and the last `tail` word pieces of a sequence longer than both."""
    if len(pieces) <= head + tail:
        return pieces
    return pieces[:head] + (pieces[len(pieces) - tail :] if tail else [])
