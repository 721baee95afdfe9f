"""LIME for sparse linear explanations (Ribeiro et al. 2016, Algorithm 1), knowing nothing of text.

The explainer sees only the number of interpretable features ``d`` and a function that scores
a batch of binary rows (1 = the feature is present) with the model's class probabilities.

- **sampling** as in the paper and the `lime` package: the original row, then rows that
  remove a uniformly drawn number (1..d) of uniformly drawn features, from a seeded
  ``numpy.random.Generator`` (no global random state); the removal counts are stratified
  (every count equally often), which keeps each row's distribution and lowers the noise.
- **deduplication**: a row drawn several times is scored once and weighted by its count, which
  is the same least-squares problem with fewer model calls.
- **exact enumeration**: when all 2^d rows fit in the sample budget, every row is scored once,
  weighted by the probability that LIME's sampler draws it; this is the limit LIME's estimate
  tends to as the number of samples grows, reached without sampling noise.
- **kernel**: pi(z) = exp(-D(x, z)^2 / sigma^2), D the cosine distance between the binary rows
  (the paper's choice for text). The `lime` package's default width (25 on distances x 100,
  then a square root) equals sigma = 0.25 * sqrt(2) ~= 0.354 here.
- **K features**: K-LASSO (the LARS lasso path, the paper's choice), forward selection, the K
  largest ridge weights, or all features; then a weighted ridge on the kept features.
- **fit**: the surrogate's weighted R^2 on the samples, as the `lime` package's ``score``.
"""
import math
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Tuple

import numpy as np

FEATURE_SELECTIONS = ("auto", "lasso", "forward", "highest_weights", "none")
TARGETS = ("probability", "log_odds")
DEFAULT_KERNEL_WIDTH = 0.25 * math.sqrt(2.0)
MAX_EXACT_FEATURES = 20
LIME_DEFAULT_SAMPLES = 5000

ScoreFunction = Callable[[np.ndarray], np.ndarray]


@dataclass
class Explanation:
    """What `LimeExplainer.explain` learned about one prediction.

    ``weights[j]`` is feature j's weight toward class ``label`` (0 for features not selected);
    ``probs`` is the model's probability of every class for the unperturbed input.
    """

    label: int
    probs: np.ndarray
    weights: np.ndarray
    intercept: float
    score: float
    selected: List[int]
    local_prediction: float
    num_samples: int
    num_evaluations: int
    exact: bool
    target: str = "probability"
    extra: dict = field(default_factory=dict)

    @property
    def prediction(self) -> float:
        """The model's probability of ``label`` for the full input."""
        return float(self.probs[self.label])


def cosine_distance_to_full(rows: np.ndarray) -> np.ndarray:
    """Cosine distance between each binary row and the all-ones row (1 for an empty row)."""
    d = rows.shape[1]
    kept = rows.sum(axis=1)
    return 1.0 - np.sqrt(kept / d) if d else np.zeros(len(rows))


def exponential_kernel(distances: np.ndarray, width: float) -> np.ndarray:
    return np.exp(-(distances ** 2) / width ** 2)


def weighted_ridge(X: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: float) -> Tuple[np.ndarray, float]:
    """Ridge regression with sample weights and an unpenalised intercept (as scikit-learn's
    ``Ridge(alpha).fit(X, y, sample_weight=w)``), in closed form."""
    total = w.sum()
    x_mean = w @ X / total
    y_mean = float(w @ y / total)
    Xc = X - x_mean
    yc = y - y_mean
    gram = (Xc * w[:, None]).T @ Xc + alpha * np.eye(X.shape[1])
    coef = np.linalg.solve(gram, (Xc * w[:, None]).T @ yc) if X.shape[1] else np.zeros(0)
    return coef, y_mean - float(x_mean @ coef)


def weighted_r2(X: np.ndarray, y: np.ndarray, w: np.ndarray, coef: np.ndarray, intercept: float) -> float:
    residual = y - (X @ coef + intercept)
    y_mean = w @ y / w.sum()
    total = float(w @ (y - y_mean) ** 2)
    if total <= 1e-15:
        return 1.0
    return 1.0 - float(w @ residual ** 2) / total


class LimeExplainer:
    """
    LIME with a sparse linear surrogate, for any model whose input can be turned into a
    binary vector of interpretable features.

    # Parameters

    num_samples : `int`, optional (default = `256`)
        Sample budget: rows drawn (the original included). When 2^d is at most this, all 2^d
        rows are enumerated instead.
    kernel_width : `float`, optional (default = `0.354`)
        Width sigma of the exponential kernel on cosine distance.
    num_features : `int`, optional (default = `None`)
        K, the number of features the explanation may use; `None` keeps all.
    feature_selection : `str`, optional (default = `"auto"`)
        `"lasso"` (K-LASSO), `"forward"`, `"highest_weights"`, `"none"`, or `"auto"`:
        none when K is `None` or at least d, forward selection for K <= 6, else lasso.
    ridge_alpha : `float`, optional (default = `1.0`)
        L2 penalty of the surrogate (the `lime` package's default).
    seed : `int`, optional (default = `0`)
        Seed of the sampler; the same seed and input give the same explanation.
    samples_per_feature : `int`, optional (default = `0`)
        Raise the budget to this many samples per feature for long inputs:
        `max(num_samples, samples_per_feature * d)`. Long reviews with a saturated probability
        need more samples to rank their sentences well.
    target : `str`, optional (default = `"probability"`)
        What the surrogate fits: the class probability (the paper, `lime`), or its log-odds
        log(p / (1 - p)), in which a confident model's evidence adds up instead of saturating
        near 0 or 1 (SHAP's "logit link").
    reference_samples : `int`, optional (default = `5000`)
        Sample weights are scaled to sum to this, so that `ridge_alpha` weighs against the
        data as in `lime` with its default 5,000 samples: we estimate the same objective from
        fewer model calls, instead of a more heavily regularised one.
    """

    def __init__(self, num_samples: int = 256, kernel_width: float = DEFAULT_KERNEL_WIDTH,
                 num_features: Optional[int] = None, feature_selection: str = "auto",
                 ridge_alpha: float = 1.0, seed: int = 0, samples_per_feature: int = 0,
                 target: str = "probability", reference_samples: int = LIME_DEFAULT_SAMPLES) -> None:
        if num_samples < 2:
            raise ValueError(f"num_samples must be at least 2, got {num_samples}")
        if kernel_width <= 0:
            raise ValueError(f"kernel_width must be positive, got {kernel_width}")
        if num_features is not None and num_features < 1:
            raise ValueError(f"num_features must be positive or None, got {num_features}")
        if feature_selection not in FEATURE_SELECTIONS:
            raise ValueError(f"feature_selection must be one of {FEATURE_SELECTIONS}, got {feature_selection!r}")
        if target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}, got {target!r}")
        self.target = target
        self.num_samples = num_samples
        self.kernel_width = kernel_width
        self.num_features = num_features
        self.feature_selection = feature_selection
        self.ridge_alpha = ridge_alpha
        self.seed = seed
        self.reference_samples = reference_samples
        self.samples_per_feature = samples_per_feature

    # -- sampling ------------------------------------------------------------------------------
    def budget(self, d: int) -> int:
        return max(self.num_samples, self.samples_per_feature * d)

    def perturbations(self, d: int, rng: Optional[np.random.Generator] = None) -> Tuple[np.ndarray, np.ndarray, bool]:
        """Distinct binary rows (the original first), each row's prior weight, and whether the
        rows are an exact enumeration."""
        if d == 0:
            return np.ones((1, 0), dtype=bool), np.ones(1), True
        budget = self.budget(d)
        if d <= MAX_EXACT_FEATURES and 2 ** d <= budget:
            return self._enumerate(d, budget) + (True,)
        rng = rng if rng is not None else np.random.default_rng(self.seed)
        n = budget - 1
        rows = np.ones((n, d), dtype=bool)
        # LIME draws each row's number of removals uniformly in 1..d; we deal the counts out of
        # a shuffled deck holding every count equally often, so that each row is still drawn as
        # LIME draws it but every count is represented (stratified: less sampling noise)
        deck = np.tile(np.arange(1, d + 1), -(-n // d))
        removed_counts = rng.permutation(deck)[:n]
        for row, count in zip(rows, removed_counts):
            row[rng.choice(d, size=count, replace=False)] = False
        unique, counts = np.unique(rows, axis=0, return_counts=True)
        rows = np.vstack([np.ones((1, d), dtype=bool), unique])
        # weights on the scale of `lime` (one unit per sample), so ridge_alpha means the same
        prior = np.concatenate([[1.0], counts.astype(float)])
        return rows, prior, False

    def _enumerate(self, d: int, budget: int) -> Tuple[np.ndarray, np.ndarray]:
        codes = np.arange(2 ** d - 1, -1, -1)  # all-ones first
        rows = ((codes[:, None] >> np.arange(d)[None, :]) & 1).astype(bool)
        removed = d - rows.sum(axis=1)
        # LIME draws the original once in num_samples rows, and otherwise a removal count k
        # uniformly in 1..d, then one of the C(d, k) rows with k removals uniformly
        binomial = np.array([math.comb(d, int(k)) for k in removed], dtype=float)
        # (expected counts in a budget of num_samples, so ridge_alpha means the same as when sampling)
        prior = np.where(removed == 0, 1.0, (budget - 1) / (d * binomial))
        return rows, prior

    # -- explanation ---------------------------------------------------------------------------
    def explain(self, d: int, score: ScoreFunction, label: Optional[int] = None) -> Explanation:
        """Explain the prediction for the all-ones row. ``score(rows)`` returns an (n, classes)
        array of probabilities for a boolean (n, d) array; ``label`` defaults to the predicted
        class."""
        rows, prior, exact = self.perturbations(d)
        probs = np.asarray(score(rows), dtype=float)
        if probs.ndim != 2 or probs.shape[0] != len(rows):
            raise ValueError(f"score must return one row of probabilities per sample; got shape {probs.shape}")
        label = int(probs[0].argmax()) if label is None else int(label)
        y = probs[:, label]
        if self.target == "log_odds":
            clipped = np.clip(y, 1e-7, 1 - 1e-7)
            y = np.log(clipped) - np.log1p(-clipped)
        prior = prior * (self.reference_samples / prior.sum())
        sample_weight = prior * exponential_kernel(cosine_distance_to_full(rows), self.kernel_width)
        X = rows.astype(float)
        if d == 1:
            # two texts, the review and nothing: the difference is the whole explanation
            return Explanation(
                label=label, probs=probs[0], weights=np.array([y[0] - y[1]]), intercept=float(y[1]),
                score=1.0, selected=[0], local_prediction=float(y[0]), num_samples=self.budget(d),
                num_evaluations=len(rows), exact=exact, target=self.target,
            )
        selected = self.select_features(X, y, sample_weight)
        weights = np.zeros(d)
        coef, intercept = weighted_ridge(X[:, selected], y, sample_weight, self.ridge_alpha)
        weights[selected] = coef
        return Explanation(
            label=label, probs=probs[0], weights=weights, intercept=intercept,
            score=weighted_r2(X[:, selected], y, sample_weight, coef, intercept),
            selected=[int(j) for j in selected], local_prediction=float(coef.sum() + intercept),
            num_samples=self.budget(d), num_evaluations=len(rows), exact=exact, target=self.target,
        )

    # -- feature selection ---------------------------------------------------------------------
    def select_features(self, X: np.ndarray, y: np.ndarray, w: np.ndarray) -> List[int]:
        d = X.shape[1]
        k = d if self.num_features is None else min(self.num_features, d)
        method = self.feature_selection
        if method == "auto":
            method = "none" if k >= d else ("forward" if k <= 6 else "lasso")
        if method == "none" or k >= d:
            return list(range(d))
        if method == "forward":
            return self._forward(X, y, w, k)
        if method == "highest_weights":
            coef, _ = weighted_ridge(X, y, w, self.ridge_alpha)
            return sorted(np.argsort(-np.abs(coef), kind="stable")[:k].tolist())
        return self._lasso(X, y, w, k)

    def _forward(self, X: np.ndarray, y: np.ndarray, w: np.ndarray, k: int) -> List[int]:
        chosen: List[int] = []
        for _ in range(k):
            best, best_score = None, -np.inf
            for j in range(X.shape[1]):
                if j in chosen:
                    continue
                columns = chosen + [j]
                coef, intercept = weighted_ridge(X[:, columns], y, w, self.ridge_alpha)
                fit = weighted_r2(X[:, columns], y, w, coef, intercept)
                if fit > best_score:
                    best, best_score = j, fit
            chosen.append(best)
        return sorted(chosen)

    def _lasso(self, X: np.ndarray, y: np.ndarray, w: np.ndarray, k: int) -> List[int]:
        from sklearn.linear_model import lars_path

        total = w.sum()
        root = np.sqrt(w)[:, None]
        Xw = (X - w @ X / total) * root
        yw = (y - w @ y / total) * root[:, 0]
        # the path only needs to reach k features (a lasso step may also drop one)
        _, _, coefs = lars_path(Xw, yw, method="lasso", max_iter=3 * k + 10, verbose=False)
        chosen = np.array([], dtype=int)
        # the last point of the path with at most k non-zero weights
        for i in range(coefs.shape[1] - 1, -1, -1):
            nonzero = coefs[:, i].nonzero()[0]
            if len(nonzero) <= k:
                chosen = nonzero
                break
        if len(chosen) < k:
            # the path ran out (constant or collinear columns): complete by ridge weight
            coef, _ = weighted_ridge(X, y, w, self.ridge_alpha)
            rest = [j for j in np.argsort(-np.abs(coef), kind="stable") if j not in set(chosen)]
            chosen = np.concatenate([chosen, rest[: k - len(chosen)]]).astype(int)
        return sorted(int(j) for j in chosen)
