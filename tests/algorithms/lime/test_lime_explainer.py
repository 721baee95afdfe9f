import numpy as np
import pytest

from textflix_lib.algorithms.lime.explainer import LimeExplainer, cosine_distance_to_full, weighted_ridge
from textflix_lib.algorithms.lime.scoring import BatchScorer


def linear_model(true_weights, base=0.3):
    def score(rows):
        p = base + rows.astype(float) @ true_weights
        return np.stack([1 - p, p], axis=1)
    return score


def test_recovers_an_additive_model_by_sampling():
    rng = np.random.default_rng(1)
    true = rng.uniform(-0.04, 0.04, size=14)
    explanation = LimeExplainer(num_samples=400).explain(14, linear_model(true), label=1)
    assert not explanation.exact
    np.testing.assert_allclose(explanation.weights, true, atol=0.004)
    assert explanation.score > 0.99
    assert explanation.prediction == pytest.approx(0.3 + true.sum())
    # toward the other class: the same fit, negated
    other = LimeExplainer(num_samples=400).explain(14, linear_model(true), label=0)
    np.testing.assert_allclose(other.weights, -explanation.weights, atol=1e-9)


def test_exact_enumeration_when_all_subsets_fit():
    explainer = LimeExplainer(num_samples=64)
    rows, prior, exact = explainer.perturbations(6)
    assert exact and len(rows) == 64 and rows[0].all()
    assert len({r.tobytes() for r in rows}) == 64
    # each row weighted by how often LIME's sampler would draw it in a budget of 64
    assert prior.sum() == pytest.approx(64.0)
    counts = []
    explanation = explainer.explain(6, lambda r: (counts.append(len(r)), linear_model(np.full(6, 0.05))(r))[1])
    assert explanation.exact and counts == [64] and explanation.num_evaluations == 64
    np.testing.assert_allclose(explanation.weights, 0.05, atol=0.002)
    # a larger budget enumerates the same 64 rows: the same explanation
    larger = LimeExplainer(num_samples=1024).explain(6, linear_model(np.full(6, 0.05)))
    assert larger.exact and larger.num_evaluations == 64
    np.testing.assert_allclose(larger.weights, explanation.weights, atol=1e-4)


def test_sampling_deduplicates_and_is_seeded():
    explainer = LimeExplainer(num_samples=300, seed=3)
    rows, prior, exact = explainer.perturbations(9)  # 512 subsets > 300 samples
    assert not exact and rows[0].all()
    assert len({r.tobytes() for r in rows}) == len(rows) < 300
    assert prior.sum() == pytest.approx(300.0)
    again, _, _ = LimeExplainer(num_samples=300, seed=3).perturbations(9)
    other, _, _ = LimeExplainer(num_samples=300, seed=4).perturbations(9)
    assert np.array_equal(rows, again) and not np.array_equal(rows, other)
    # LIME's sampler: the number of removed features is uniform in 1..d
    big, prior, _ = LimeExplainer(num_samples=5000, seed=0).perturbations(30)
    removed = np.repeat(30 - big.sum(axis=1), prior.astype(int))[1:]
    assert abs(removed.mean() - 15.5) < 0.5 and removed.min() >= 1


@pytest.mark.parametrize("selection", ["lasso", "forward", "highest_weights"])
def test_k_features_find_the_ones_that_matter(selection):
    true = np.zeros(20)
    true[[2, 7, 13]] = [0.2, -0.15, 0.1]
    rng = np.random.default_rng(0)

    def noisy(rows):
        p = 0.4 + rows.astype(float) @ true + rng.normal(0, 0.003, len(rows))
        return np.stack([1 - p, p], axis=1)

    explanation = LimeExplainer(num_samples=500, num_features=3, feature_selection=selection).explain(20, noisy, label=1)
    assert explanation.selected == [2, 7, 13]
    assert np.count_nonzero(explanation.weights) == 3
    np.testing.assert_allclose(explanation.weights[[2, 7, 13]], true[[2, 7, 13]], atol=0.01)


def test_degenerate_inputs():
    empty = LimeExplainer().explain(0, lambda rows: np.array([[0.2, 0.8]] * len(rows)))
    assert empty.label == 1 and empty.weights.shape == (0,) and empty.prediction == pytest.approx(0.8)
    single = LimeExplainer().explain(1, lambda rows: np.where(rows[:, :1], [[0.1, 0.9]], [[0.6, 0.4]]))
    assert single.weights[0] == pytest.approx(0.5) and single.intercept == pytest.approx(0.4)
    with pytest.raises(ValueError, match="feature_selection must be one of"):
        LimeExplainer(feature_selection="best")
    with pytest.raises(ValueError, match="one row of probabilities per sample"):
        LimeExplainer().explain(3, lambda rows: np.zeros((1, 2)))


def test_kernel_distance_and_ridge_agree_with_definitions():
    rows = np.array([[1, 1, 1, 1], [1, 0, 0, 0], [0, 0, 0, 0]], dtype=bool)
    np.testing.assert_allclose(cosine_distance_to_full(rows), [0.0, 0.5, 1.0])
    from sklearn.linear_model import Ridge

    rng = np.random.default_rng(0)
    X, y, w = rng.random((50, 4)), rng.random(50), rng.random(50)
    coef, intercept = weighted_ridge(X, y, w, alpha=1.0)
    reference = Ridge(alpha=1.0).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(coef, reference.coef_, atol=1e-8)
    assert intercept == pytest.approx(reference.intercept_)


def test_batch_scorer_scores_each_text_once_longest_first():
    seen = []

    def predict(texts):
        seen.append(list(texts))
        p = np.array([min(len(t), 50) / 50 for t in texts])
        return np.stack([1 - p, p], axis=1)

    scorer = BatchScorer(predict, batch_size=3)
    texts = ["bb", "a", "dddd", "bb", "ccc", "a", "eeeee", ""]
    probs = scorer(texts)
    assert probs.shape == (8, 2) and probs[0, 1] == probs[3, 1]
    flat = [t for batch in seen for t in batch]
    assert sorted(flat) == sorted(set(texts)) and all(len(b) <= 3 for b in seen)
    assert [len(t) for t in flat] == sorted((len(t) for t in flat), reverse=True)
    scorer(["a", "bb"])  # cached
    assert scorer.texts_scored == 6
    scorer.reset()
    scorer(["a"])
    assert scorer.texts_scored == 7
