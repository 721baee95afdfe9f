import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from textflix_lib.algorithms.nbsvm import NBSVM, binary_matrix
from textflix_lib.algorithms.text_features import NgramAnalyzer
from textflix_lib.data.imdb import balanced_sample


def test_log_count_ratio_matches_the_paper():
    # features: f0 only in positives, f1 only in negatives, f2 everywhere
    X = sp.csr_matrix(np.array([[1, 0, 1], [1, 0, 1], [0, 1, 1], [0, 1, 1]]))
    y = np.array([1, 1, 0, 0])
    r = NBSVM(alpha=1.0).log_count_ratio(X, y)
    p = np.array([3, 1, 3]) / 7
    q = np.array([1, 3, 3]) / 7
    assert np.allclose(r, np.log(p / q))
    assert r[0] > 0 > r[1] and r[2] == pytest.approx(0.0)


def test_counts_are_binarized():
    X = sp.csr_matrix(np.array([[5, 0], [1, 0], [0, 2], [0, 1]]))
    y = np.array([1, 1, 0, 0])
    model = NBSVM().fit(X, y)
    assert np.allclose(model.decision_function(X), model.decision_function((X > 0).astype(float)))


def test_binary_matrix_deduplicates():
    X = binary_matrix([[3, 3, 1], [], [0]], 4)
    assert X.toarray().tolist() == [[0, 1, 0, 1], [0, 0, 0, 0], [1, 0, 0, 0]]


@pytest.fixture(scope="module")
def features(split):
    train = balanced_sample(split.train, 400, seed=0)
    held = balanced_sample(split.validation, 200, seed=0)
    vectorizer = CountVectorizer(analyzer=NgramAnalyzer(), binary=True)
    X_train = vectorizer.fit_transform([r.text for r in train])
    X_held = vectorizer.transform([r.text for r in held])
    label = lambda reviews: np.array([r.label == "pos" for r in reviews], dtype=int)  # noqa: E731
    return X_train, label(train), X_held, label(held)


@pytest.mark.parametrize("classifier", ["svm", "logreg"])
def test_learns_sentiment_from_real_reviews(features, classifier):
    X_train, y_train, X_held, y_held = features
    model = NBSVM(classifier=classifier).fit(X_train, y_train)
    probs = model.predict_proba(X_held)
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert (model.predict(X_held) == y_held).mean() > 0.72  # 400 reviews; chance is 0.5
    # probabilities follow the margin
    order = np.argsort(model.decision_function(X_held))
    assert np.all(np.diff(probs[order, 1]) >= -1e-12)


def test_interpolation_beta_one_is_the_plain_svm(features):
    X_train, y_train, _, _ = features
    from sklearn.svm import LinearSVC

    model = NBSVM(beta=1.0).fit(X_train, y_train)
    svm = LinearSVC(C=1.0, max_iter=10000, random_state=0).fit(X_train @ sp.diags(model.r_), y_train)
    assert np.allclose(model.coef_, svm.coef_.ravel() * model.r_, atol=1e-6)


@pytest.mark.parametrize("kwargs", [{"classifier": "tree"}, {"alpha": 0}, {"beta": 2}])
def test_bad_settings(kwargs):
    with pytest.raises(ValueError):
        NBSVM(**kwargs)


def test_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        NBSVM().fit(sp.csr_matrix(np.eye(3)), np.array([1, 1, 1]))
