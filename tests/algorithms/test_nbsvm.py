"""NB-SVM: the paper's maths on hand-made counts, learning on real reviews, and the
scikit-learn estimator contract (clone, GridSearchCV, cross_val_score, not-fitted errors)."""
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score

from textflix_lib.algorithms.nbsvm import NBSVM
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


@pytest.mark.parametrize("kwargs, message", [
    ({"classifier": "tree"}, "classifier must be one of"),
    ({"alpha": 0}, "alpha must be positive"),
    ({"beta": 2}, r"beta must lie in \[0, 1\]"),
    ({"C": -1.0}, "C must be positive"),
    ({"calibration_folds": 2.5}, "calibration_folds must be a whole number"),
    ({"max_iter": 0}, "max_iter must be a whole number of at least 1"),
])
def test_bad_settings_are_refused_by_fit(kwargs, message):
    model = NBSVM(**kwargs)  # the constructor only stores its arguments
    assert model.get_params()[next(iter(kwargs))] == next(iter(kwargs.values()))
    X, y = sp.csr_matrix(np.eye(4)), np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)


def test_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        NBSVM().fit(sp.csr_matrix(np.eye(3)), np.array([1, 1, 1]))
    with pytest.raises(ValueError, match="binary classifier"):
        NBSVM().fit(sp.csr_matrix(np.eye(3)), np.array([0, 1, 2]))


@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function"])
def test_not_fitted_before_fit(method):
    with pytest.raises(NotFittedError):
        getattr(NBSVM(), method)(sp.csr_matrix(np.eye(3)))


def test_fitted_attributes_and_feature_count(features):
    X_train, y_train, X_held, _ = features
    model = NBSVM().fit(X_train, y_train)
    assert model.classes_.tolist() == [0, 1]
    assert model.n_features_in_ == X_train.shape[1] == model.coef_.shape[0]
    with pytest.raises(ValueError, match="features"):
        model.predict(X_held[:, :-1])


def test_any_two_labels(features):
    """String labels fit the same model as 0/1; predictions come back as the labels given."""
    X_train, y_train, X_held, y_held = features
    names = np.array(["neg", "pos"])
    numeric = NBSVM().fit(X_train, y_train)
    named = NBSVM().fit(X_train, names[y_train])
    assert named.classes_.tolist() == ["neg", "pos"]
    assert np.array_equal(named.coef_, numeric.coef_) and named.intercept_ == numeric.intercept_
    assert named.predict(X_held).tolist() == names[numeric.predict(X_held)].tolist()
    assert named.score(X_held, names[y_held]) == numeric.score(X_held, y_held)


def test_random_state_is_the_seed_of_the_calibration_folds(features):
    X_train, y_train, _, _ = features
    same = [NBSVM(random_state=7).fit(X_train, y_train).calibration_ for _ in range(2)]
    other = NBSVM(random_state=8).fit(X_train, y_train).calibration_
    assert same[0] == same[1] and other != same[0]


def test_clone_copies_the_settings_not_the_fit(features):
    X_train, y_train, X_held, _ = features
    fitted = NBSVM(C=0.5, beta=0.5, classifier="svm", random_state=3).fit(X_train, y_train)
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "coef_")
    assert np.array_equal(copy.fit(X_train, y_train).predict_proba(X_held), fitted.predict_proba(X_held))


def test_cross_val_score_is_the_accuracy_of_each_fold(features):
    X_train, y_train, _, _ = features
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(NBSVM(classifier="logreg"), X_train, y_train, cv=folds)
    by_hand = [(NBSVM(classifier="logreg").fit(X_train[train], y_train[train]).predict(X_train[held]) == y_train[held]).mean()
               for train, held in folds.split(X_train, y_train)]
    assert scores.tolist() == pytest.approx(by_hand)
    assert scores.mean() > 0.65


def test_grid_search_picks_settings_by_cross_validation(features):
    X_train, y_train, X_held, y_held = features
    folds = StratifiedKFold(2, shuffle=True, random_state=0)
    grid = [{"classifier": ["svm"], "C": [0.1, 1.0], "beta": [0.25, 1.0]}, {"classifier": ["logreg"], "C": [1.0]}]
    search = GridSearchCV(NBSVM(), grid, cv=folds, error_score="raise").fit(X_train, y_train)
    assert len(search.cv_results_["params"]) == 5
    for params, mean in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"]):
        assert mean == pytest.approx(cross_val_score(NBSVM(**params), X_train, y_train, cv=folds).mean())
    assert search.best_score_ == max(search.cv_results_["mean_test_score"])
    assert isinstance(search.best_estimator_, NBSVM) and search.best_estimator_.get_params()["C"] == search.best_params_["C"]
    assert search.score(X_held, y_held) > 0.7
