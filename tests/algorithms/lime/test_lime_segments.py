import numpy as np
import pytest

from textflix_lib.algorithms.lime.segments import Segmentation, sentence_spans, word_spans


def test_sentences_are_substrings_with_offsets_and_paragraphs_split(few_reviews):
    text = "First line without a stop\nSecond one. Third one! ... Yes (really).\n\nFourth? ..."
    pieces = [text[a:b] for a, b in sentence_spans(text)]
    # a paragraph break ends a sentence; a fragment without words ("...") joins the one before
    assert pieces == ["First line without a stop", "Second one.", "Third one! ...", "Yes (really).", "Fourth? ..."]
    for review in few_reviews:
        segmentation = Segmentation(review.text)
        assert segmentation.num_features >= 1
        previous_end = 0
        for segment in segmentation.segments:
            assert review.text[segment.start:segment.end] == segment.text
            assert segment.start >= previous_end and segment.text == segment.text.strip()
            previous_end = segment.end
        # nothing but white space is left out
        covered = "".join(s.text for s in segmentation.segments)
        assert "".join(covered.split()) == "".join(review.text.split())


def test_compose_drops_whole_sentences_and_keeps_the_rest_verbatim():
    text = "A quiet start. The middle is awful.\nA calm ending."
    segmentation = Segmentation(text)
    assert segmentation.compose([True, True, True]) == text
    assert segmentation.compose([True, False, True]) == "A quiet start.\nA calm ending."
    assert segmentation.compose([False, False, False]) == ""
    masked = Segmentation(text, mode="mask", mask_string="[MASK]")
    assert masked.compose([False, True, True]) == "[MASK] The middle is awful.\nA calm ending."


def test_words_as_bag_or_positions():
    text = "Good, good film; don't miss the film."
    assert [text[a:b] for a, b in word_spans(text)] == ["Good", "good", "film", "don't", "miss", "the", "film"]
    bag = Segmentation(text, unit="word")
    assert bag.feature_names == ["good", "film", "don't", "miss", "the"]
    keep = np.ones(bag.num_features, dtype=bool)
    keep[bag.feature_names.index("good")] = False
    assert bag.compose(keep) == ", film; don't miss the film."
    positions = Segmentation(text, unit="word", bow=False)
    assert positions.num_features == 7
    masked = Segmentation(text, unit="word", bow=False, mode="mask")
    assert masked.compose([True] * 6 + [False]) == "Good, good film; don't miss the UNKWORDZ."


def test_empty_text_and_bad_options():
    assert Segmentation("").num_features == 0
    assert Segmentation("   \n ").compose([]) == "   \n "
    with pytest.raises(ValueError, match="unit must be one of"):
        Segmentation("x", unit="paragraph")
    with pytest.raises(ValueError, match="mode must be one of"):
        Segmentation("x", mode="blank")
    with pytest.raises(ValueError, match="expected 1 keep flags"):
        Segmentation("One sentence.").compose([True, False])
