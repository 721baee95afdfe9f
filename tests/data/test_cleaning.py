"""The review cleaning with offsets: the same text as `clean_review`, and every cleaned
character traced back to what it came from in the text as sent."""
import pytest

from textflix_lib.data.cleaning import clean_review, clean_with_offsets

CASES = [
    ("Great film.<br /><br />The acting &amp; the score:   superb!", "Great film.\n\nThe acting & the score: superb!"),
    ("  <i>Quietly</i> moving &#8212; a gem.<BR/>", "Quietly moving \u2014 a gem."),
    ("a\ud800b", "a\ufffdb"),
    ("<br /><br /> &nbsp; ", ""),
    ("plain text", "plain text"),
]


@pytest.mark.parametrize("source, cleaned", CASES)
def test_cleaned_text_is_clean_review(source, cleaned):
    result = clean_with_offsets(source)
    assert result.text == cleaned == clean_review(source)
    assert len(result.starts) == len(result.ends) == len(result.text)
    assert result.unchanged == (source == cleaned)


def test_spans_map_back_to_what_they_came_from():
    source = "Great film.<br /><br />The acting &amp; the score:   superb!"
    clean = clean_with_offsets(source)
    second = clean.text.index("The acting")
    start, end = clean.source_span(second, len(clean.text))
    assert source[start:end] == "The acting &amp; the score:   superb!"
    start, end = clean.source_span(0, len("Great film."))
    assert source[start:end] == "Great film."
    ampersand = clean.text.index("&")
    assert source[slice(*clean.source_span(ampersand, ampersand + 1))] == "&amp;"
    with pytest.raises(ValueError):
        clean.source_span(3, 3)


def test_the_same_as_before_on_real_reviews(few_reviews):
    # the embedded reviews are stored cleaned: cleaning is idempotent on them, offsets the identity
    for review in few_reviews:
        clean = clean_with_offsets(review.text)
        assert clean.text == review.text and clean.unchanged
        assert list(clean.starts) == list(range(len(review.text)))
