import pytest

from textflix_lib.algorithms.text_features import NgramAnalyzer, binary_matrix


def test_textflix_preprocessing_keeps_negations():
    analyzer = NgramAnalyzer()
    words = analyzer.words("The acting was NOT good, and I didn't like the movies!")
    assert words == ["act", "not", "good", "did", "not", "like", "movi", "!"]
    assert "not good" in analyzer("The acting was not good")


def test_negation_drop_reproduces_plain_stop_word_removal():
    assert NgramAnalyzer(negation="drop").words("It was not good") == ["good"]


def test_negation_mark_scopes_to_the_clause():
    words = NgramAnalyzer(negation="mark", stemming=False).words("Not funny at all, but charming.")
    assert words == ["not_funny", "charming"]


def test_ngram_range_and_no_stemming():
    analyzer = NgramAnalyzer(ngram_range=(2, 3), stop_words="none", stemming=False)
    assert analyzer("a b c") == ["a b", "b c", "a b c"]


@pytest.mark.parametrize("kwargs", [{"ngram_range": (2, 1)}, {"stop_words": "french"}, {"negation": "flip"}])
def test_bad_settings(kwargs):
    with pytest.raises(ValueError):
        NgramAnalyzer(**kwargs)


def test_binary_matrix_deduplicates():
    X = binary_matrix([[3, 3, 1], [], [0]], 4)
    assert X.toarray().tolist() == [[0, 1, 0, 1], [0, 0, 0, 0], [1, 0, 0, 0]]
    assert binary_matrix([], 3).shape == (0, 3)
