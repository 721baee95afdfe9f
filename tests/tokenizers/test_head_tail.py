import pytest
from allennlp.common.checks import ConfigurationError
from allennlp.data.tokenizers import PretrainedTransformerTokenizer

from textflix_lib.tokenizers.head_tail import HeadTailTokenizer

LONG = " ".join(f"w{i}" for i in range(300)) + " the ending was wonderful"


@pytest.fixture(scope="module")
def pieces():
    """The packaged MiniLM's word pieces of LONG, without special tokens."""
    return [t.text for t in PretrainedTransformerTokenizer(_minilm(), add_special_tokens=False).tokenize(LONG)]


def _minilm():
    from textflix_lib.resources import resolve_transformer

    return resolve_transformer("minilm")


def test_keeps_head_and_tail_of_a_long_review(pieces):
    tokens = [t.text for t in HeadTailTokenizer("minilm", head_tokens=5, tail_tokens=7).tokenize(LONG)]
    assert tokens == ["[CLS]"] + pieces[:5] + pieces[-7:] + ["[SEP]"]
    assert tokens[-5:-1] == ["the", "ending", "was", "wonderful"]


def test_plain_truncation_keeps_the_head(pieces):
    tokens = [t.text for t in HeadTailTokenizer("minilm", head_tokens=10, tail_tokens=0).tokenize(LONG)]
    assert tokens == ["[CLS]"] + pieces[:10] + ["[SEP]"]


def test_short_review_is_untouched():
    tokenizer = HeadTailTokenizer("minilm", head_tokens=5, tail_tokens=7)
    tokens = tokenizer.tokenize("A fine film.")
    assert [t.text for t in tokens] == ["[CLS]", "a", "fine", "film", ".", "[SEP]"]
    # character offsets survive (sentence-level explanations map pieces back to the text)
    assert (tokens[2].idx, tokens[2].idx_end) == (2, 6)


def test_config_round_trip():
    tokenizer = HeadTailTokenizer("minilm", head_tokens=3, tail_tokens=4)
    params = tokenizer._to_params()
    assert params["type"] == "head_tail" and params["model_name"] == "minilm"
    assert (params["head_tokens"], params["tail_tokens"]) == (3, 4)


@pytest.mark.parametrize("head,tail", [(-1, 5), (0, 0)])
def test_bad_lengths_are_named(head, tail):
    with pytest.raises(ConfigurationError, match="head_tokens and tail_tokens"):
        HeadTailTokenizer("minilm", head_tokens=head, tail_tokens=tail)


def test_windows_read_other_parts_of_a_long_review_and_skip_repeats(pieces):
    tokenizer = HeadTailTokenizer("minilm", head_tokens=5, tail_tokens=7)
    windows = tokenizer.tokenize_windows(LONG, [[12, 0], [0, 12], [5, 7], [6, 6]])
    texts = [[t.text for t in w] for w in windows]
    # its own window first (the same as tokenize), then the first 12 and the last 12 pieces;
    # [5, 7] repeats its own window and is left out
    assert texts[0] == [t.text for t in tokenizer.tokenize(LONG)]
    assert texts[1] == ["[CLS]"] + pieces[:12] + ["[SEP]"]
    assert texts[2] == ["[CLS]"] + pieces[-12:] + ["[SEP]"]
    assert texts[3] == ["[CLS]"] + pieces[:6] + pieces[-6:] + ["[SEP]"]
    assert len(windows) == 4


def test_a_short_review_reads_the_same_through_every_window():
    tokenizer = HeadTailTokenizer("minilm", head_tokens=5, tail_tokens=7)
    windows = tokenizer.tokenize_windows("A fine film.", [[12, 0], [0, 12]])
    assert [[t.text for t in w] for w in windows] == [["[CLS]", "a", "fine", "film", ".", "[SEP]"]]
