"""NB-SVM (Wang & Manning, 2012), as a scikit-learn style estimator over binary features.

The naive-Bayes log-count ratio ``r = log((p/|p|_1) / (q/|q|_1))``, with ``p = alpha + sum of
positive feature vectors`` and ``q`` likewise for negatives, scales each binarized feature;
a linear classifier is trained on ``r * x``. For the SVM, the paper interpolates between the
learned weights and their mean magnitude, ``w' = (1 - beta) * mean|w| + beta * w``, which
keeps the naive-Bayes ranking when data are few. ``classifier="logreg"`` swaps the SVM for
logistic regression on the same features (NB-LR), which also gives calibrated
probabilities directly.

Everything learned is folded into one weight per feature (``coef_``) and an ``intercept_``:
the decision for a binary vector ``x`` is ``x @ coef_ + intercept_``. Probabilities come from
the logistic regression itself or, for the SVM, from a sigmoid fitted to out-of-fold margins
(Platt scaling), so that explanations and thresholds have a probability to work with.
"""
from typing import Optional

import numpy as np
import scipy.sparse as sp

CLASSIFIERS = ("svm", "logreg")


class NBSVM:
    """
    # Parameters

    alpha : `float`, optional (default = `1.0`)
        Laplace smoothing of the feature counts.
    beta : `float`, optional (default = `0.25`)
        SVM interpolation weight (the paper's beta); 1.0 means no interpolation.
    C : `float`, optional (default = `1.0`)
        Inverse regularisation strength of the linear classifier.
    classifier : `str`, optional (default = `"svm"`)
        `"svm"` (L2-regularised squared-hinge SVM, as in the paper) or `"logreg"`.
    calibration_folds : `int`, optional (default = `3`)
        Folds for the SVM's Platt scaling; fewer than 2 fits the sigmoid on training margins.
    max_iter : `int`, optional (default = `10000`)
    seed : `int`, optional (default = `0`)
    """

    def __init__(
        self,
        alpha: float = 1.0,
        beta: float = 0.25,
        C: float = 1.0,
        classifier: str = "svm",
        calibration_folds: int = 3,
        max_iter: int = 10000,
        seed: int = 0,
    ) -> None:
        if classifier not in CLASSIFIERS:
            raise ValueError(f"classifier must be one of {CLASSIFIERS}, got {classifier!r}")
        if alpha <= 0:
            raise ValueError(f"alpha must be positive, got {alpha}")
        if not 0 <= beta <= 1:
            raise ValueError(f"beta must lie in [0, 1], got {beta}")
        self.alpha = alpha
        self.beta = beta
        self.C = C
        self.classifier = classifier
        self.calibration_folds = calibration_folds
        self.max_iter = max_iter
        self.seed = seed

    # -- learning -------------------------------------------------------------------------
    def log_count_ratio(self, X: sp.csr_matrix, y: np.ndarray) -> np.ndarray:
        X = _binary(X)
        p = self.alpha + np.asarray(X[y == 1].sum(axis=0)).ravel()
        q = self.alpha + np.asarray(X[y == 0].sum(axis=0)).ravel()
        return np.log(p / p.sum()) - np.log(q / q.sum())

    def _fit_linear(self, X: sp.csr_matrix, y: np.ndarray, r: np.ndarray):
        """Weights on the binary features and intercept, NB scaling and interpolation folded in."""
        features = X @ sp.diags(r)
        if self.classifier == "logreg":
            from sklearn.linear_model import LogisticRegression

            model = LogisticRegression(C=self.C, max_iter=self.max_iter, solver="liblinear", random_state=self.seed)
            model.fit(features, y)
            w, b = model.coef_.ravel(), float(model.intercept_[0])
        else:
            from sklearn.svm import LinearSVC

            model = LinearSVC(C=self.C, max_iter=self.max_iter, random_state=self.seed)
            model.fit(features, y)
            w, b = model.coef_.ravel(), float(model.intercept_[0])
            w = (1.0 - self.beta) * np.abs(w).mean() + self.beta * w
        return w * r, b

    def fit(self, X, y) -> "NBSVM":
        X = _binary(sp.csr_matrix(X))
        y = np.asarray(y).astype(int)
        if set(np.unique(y)) - {0, 1}:
            raise ValueError(f"labels must be 0/1, got {sorted(set(np.unique(y)))}")
        if len(np.unique(y)) < 2:
            raise ValueError("NB-SVM needs examples of both classes to fit")
        self.r_ = self.log_count_ratio(X, y)
        self.coef_, self.intercept_ = self._fit_linear(X, y, self.r_)
        if self.classifier == "logreg":
            self.calibration_ = (1.0, 0.0)
        else:
            self.calibration_ = self._platt(X, y)
        return self

    def _platt(self, X: sp.csr_matrix, y: np.ndarray):
        """Sigmoid ``p = 1 / (1 + exp(-(a * margin + c)))`` fitted on out-of-fold margins."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        folds = min(self.calibration_folds, int(np.bincount(y).min()))
        if folds >= 2:
            margins = np.zeros(len(y))
            splitter = StratifiedKFold(folds, shuffle=True, random_state=self.seed)
            for train, held in splitter.split(np.zeros(len(y)), y):
                if len(np.unique(y[train])) < 2:
                    continue
                r = self.log_count_ratio(X[train], y[train])
                w, b = self._fit_linear(X[train], y[train], r)
                margins[held] = X[held] @ w + b
        else:
            margins = X @ self.coef_ + self.intercept_
        sigmoid = LogisticRegression(C=1e4, solver="lbfgs")
        sigmoid.fit(margins.reshape(-1, 1), y)
        return float(sigmoid.coef_[0, 0]), float(sigmoid.intercept_[0])

    # -- prediction -----------------------------------------------------------------------
    def decision_function(self, X) -> np.ndarray:
        return np.asarray(_binary(sp.csr_matrix(X)) @ self.coef_ + self.intercept_).ravel()

    def predict_proba(self, X) -> np.ndarray:
        slope, offset = self.calibration_
        positive = _sigmoid(slope * self.decision_function(X) + offset)
        return np.stack([1.0 - positive, positive], axis=1)

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] > 0.5).astype(int)


def _binary(X: sp.csr_matrix) -> sp.csr_matrix:
    X = sp.csr_matrix(X, dtype=np.float64, copy=True)
    X.eliminate_zeros()
    X.data[:] = 1.0
    return X


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def binary_matrix(rows, n_features: int, dtype=np.float64) -> sp.csr_matrix:
    """A CSR matrix with a 1 at each (row, feature index) given by ``rows`` (lists of indices)."""
    indptr = [0]
    indices = []
    for row in rows:
        unique = np.unique(np.asarray(row, dtype=np.int64))
        indices.append(unique)
        indptr.append(indptr[-1] + len(unique))
    flat = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
    data = np.ones(len(flat), dtype=dtype)
    return sp.csr_matrix((data, flat, np.asarray(indptr)), shape=(len(indptr) - 1, n_features))
